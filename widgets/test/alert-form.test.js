import assert from "node:assert/strict";
import { test } from "node:test";

import { alertOffer, createAlert } from "../src/alert-form.js";
import { normalizeStore } from "../src/results.js";
import { createState } from "../src/state.js";

function row(id, level) {
  return normalizeStore({ store: { id, name: `Store ${id}`, location: { lat: 45, lon: 4 } }, distance_km: 1, level });
}

function ready(rows) {
  const state = createState();
  state.status = "ready";
  state.place = { lat: 45, lon: 4, label: "Lyon" };
  state.rows = rows;
  return state;
}

test("the alert is offered when nothing nearby has the product, or the shopper's store lacks it", () => {
  const none = ready([row("a", "out_of_stock"), row("b", "out_of_stock")]);
  assert.deepEqual(alertOffer(none, "SKU", null), { store: null, radius: true });
  assert.equal(alertOffer(none, "SKU", "a").store.id, "a"); // both: the form offers the choice
  assert.equal(alertOffer(none, "SKU", "a").radius, true);
  const some = ready([row("a", "out_of_stock"), row("b", "low_stock")]);
  assert.deepEqual(alertOffer(some, "SKU", "a"), { store: some.rows[0], radius: false });
  assert.equal(alertOffer(some, "SKU", "b"), null); // my store has it
  assert.equal(alertOffer(some, "SKU", null), null); // someone nearby has it
  assert.equal(alertOffer(none, "", null), null); // a plain store finder: no product
  assert.equal(alertOffer({ ...none, status: "loading" }, "SKU", null), null);
});

test("a fresh alert state: closed, nothing typed, no consent", () => {
  assert.deepEqual(createAlert("k"), {
    scope: "k", open: false, email: "", consent: false, where: "store", errors: {}, status: "idle", message: null,
  });
});
