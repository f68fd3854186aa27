import assert from "node:assert/strict";
import { test } from "node:test";

class FakeRegistry {
  constructor() {
    this.defined = new Map();
  }
  get(tag) {
    return this.defined.get(tag);
  }
  define(tag, element) {
    if (this.defined.has(tag)) throw new Error(`${tag} already defined`);
    this.defined.set(tag, element);
  }
}

// The page's registry is in place before any widget module is evaluated, as in a browser, so
// that what each import really does to it is seen. The element modules only need HTMLElement.
globalThis.HTMLElement ??= class {};
const page = new FakeRegistry();
globalThis.customElements = page;
const locatorModule = await import("../src/store-locator.js");
const badgeModule = await import("../src/stock-badge.js");
const afterElementModules = [...page.defined.keys()];
const { defineElements, TAGS } = await import("../src/define.js");
const afterDefineModule = [...page.defined.keys()];
const entry = await import("../src/index.js");

test("importing the element modules or define.js defines nothing by itself", () => {
  assert.deepEqual(afterElementModules, []);
  assert.deepEqual(afterDefineModule, []);
});

test("the bundle's entry (index.js) defines both tags in the page's registry and exports the classes", () => {
  assert.equal(page.get("store-locator"), locatorModule.StoreLocatorElement);
  assert.equal(page.get("stock-badge"), badgeModule.StockBadgeElement);
  assert.equal(entry.StoreLocatorElement, locatorModule.StoreLocatorElement);
  assert.equal(entry.StockBadgeElement, badgeModule.StockBadgeElement);
  assert.equal(entry.defineElements, defineElements);
  assert.equal(page.get("store-locator").name, "StoreLocatorElement");
  assert.equal(page.get("stock-badge").name, "StockBadgeElement");
});

test("evaluating the entry again (a second script tag) neither throws nor redefines", async () => {
  await import("../src/index.js?copy=2");
  assert.equal(page.defined.size, 2);
  assert.equal(page.get("store-locator"), locatorModule.StoreLocatorElement);
});

test("both tags are defined, and defining again is harmless", () => {
  const registry = new FakeRegistry();
  assert.deepEqual(defineElements(registry), ["store-locator", "stock-badge"]);
  assert.equal(registry.get("store-locator"), TAGS["store-locator"]);
  assert.deepEqual(defineElements(registry), []);
});

test("a definition already there (another copy of the bundle) is kept", () => {
  const registry = new FakeRegistry();
  class Other {}
  registry.define("stock-badge", Other);
  assert.deepEqual(defineElements(registry), ["store-locator"]);
  assert.equal(registry.get("stock-badge"), Other);
});

test("without a registry (no DOM), nothing happens", () => {
  assert.deepEqual(defineElements(null), []);
});
