/**
 * Register the custom elements. Safe to call more than once, and when another copy of the bundle
 * already registered them (a second script tag): an existing definition is kept.
 * @module define
 */

import { StockBadgeElement } from "./stock-badge.js";
import { StoreLocatorElement } from "./store-locator.js";

export const TAGS = { "store-locator": StoreLocatorElement, "stock-badge": StockBadgeElement };

/**
 * Define `<store-locator>` and `<stock-badge>` in a registry (the page's by default).
 * @param {CustomElementRegistry | undefined} [registry]
 * @returns {string[]} the tags defined by this call
 */
export function defineElements(registry = globalThis.customElements) {
  if (!registry) return [];
  const defined = [];
  for (const [tag, element] of Object.entries(TAGS)) {
    if (registry.get(tag)) continue;
    registry.define(tag, element);
    defined.push(tag);
  }
  return defined;
}
