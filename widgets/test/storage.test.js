import assert from "node:assert/strict";
import { test } from "node:test";

import { myStoreName, recall, remember } from "../src/storage.js";

class MemoryStorage {
  constructor() {
    this.items = new Map();
  }
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.items.delete(key);
  }
}

const broken = {
  getItem() { throw new Error("SecurityError"); },
  setItem() { throw new Error("QuotaExceededError"); },
  removeItem() { throw new Error("SecurityError"); },
};

test("values are remembered and forgotten, per retailer key", () => {
  const storage = new MemoryStorage();
  assert.ok(remember(storage, myStoreName("pk_a"), { id: "562", name: "IKEA Lyon" }));
  assert.deepEqual(recall(storage, myStoreName("pk_a")), { id: "562", name: "IKEA Lyon" });
  assert.equal(recall(storage, myStoreName("pk_b")), null);
  assert.ok(remember(storage, myStoreName("pk_a"), null));
  assert.equal(recall(storage, myStoreName("pk_a")), null);
});

test("missing, broken or corrupt storage remembers nothing and never throws", () => {
  assert.equal(remember(null, "x", 1), false);
  assert.equal(recall(null, "x"), null);
  assert.equal(remember(broken, "x", 1), false);
  assert.equal(recall(broken, "x"), null);
  const storage = new MemoryStorage();
  storage.setItem("store-locator:x", "{not json");
  assert.equal(recall(storage, "x"), null);
});
