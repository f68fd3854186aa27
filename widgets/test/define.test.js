import assert from "node:assert/strict";
import { test } from "node:test";

// The element modules only need HTMLElement to exist when they are evaluated; nothing runs on import.
globalThis.HTMLElement ??= class {};
const { defineElements, TAGS } = await import("../src/define.js");

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

test("both tags are defined, and defining again is harmless", () => {
  const registry = new FakeRegistry();
  assert.deepEqual(defineElements(registry), ["store-locator", "stock-badge"]);
  assert.equal(registry.get("store-locator"), TAGS["store-locator"]);
  assert.equal(registry.get("store-locator").name, "StoreLocatorElement");
  assert.equal(registry.get("stock-badge").name, "StockBadgeElement");
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

test("importing the element modules defines nothing by itself", async () => {
  const registry = new FakeRegistry();
  await import("../src/store-locator.js");
  await import("../src/stock-badge.js");
  assert.equal(registry.defined.size, 0);
  assert.equal(globalThis.customElements, undefined);
});
