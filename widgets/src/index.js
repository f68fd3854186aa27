/**
 * The widget bundle's entry: registers `<store-locator>` and `<stock-badge>` and exports their
 * classes for pages that import it as a module. It adds no global variable.
 * @module index
 */

import { defineElements } from "./define.js";

export { defineElements } from "./define.js";
export { StockBadgeElement } from "./stock-badge.js";
export { StoreLocatorElement } from "./store-locator.js";

defineElements();
