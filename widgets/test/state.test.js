import assert from "node:assert/strict";
import { test } from "node:test";

import { normalizeStore } from "../src/results.js";
import {
  backToList, createState, DEFAULT_RADIUS_KM, emptyKey, filtersHideAll, shownRows, startReserve, withoutStock,
} from "../src/state.js";

/** A store row as the API would give it. */
function row(id, { distance = 1, level = "in_stock", open = true } = {}) {
  return normalizeStore({
    store: { id, name: `Store ${id}`, location: { lat: 45, lon: 4 }, open_now: open }, distance_km: distance, level,
  });
}

function ready(rows, filters = {}) {
  const state = createState();
  state.status = "ready";
  state.place = { lat: 45, lon: 4, label: "Lyon" };
  state.rows = rows;
  state.filters = { ...state.filters, ...filters };
  return state;
}

test("a fresh state: nothing searched, with-stock filter on, the list view", () => {
  const state = createState();
  assert.equal(state.radiusKm, DEFAULT_RADIUS_KM);
  assert.equal(createState(25).radiusKm, 25);
  assert.equal(state.status, "idle");
  assert.equal(state.locating, false);
  assert.deepEqual(state.filters, { inStockOnly: true, openNow: false });
  assert.equal(state.view, "list");
  assert.deepEqual(state.form, { qty: "1", name: "", contact: "", consent: false });
  // Two elements never share a state.
  assert.notEqual(createState().filters, state.filters);
});

test("the rows shown: nearest first, my store first, filtered", () => {
  const state = ready([row("far", { distance: 9 }), row("out", { distance: 2, level: "out_of_stock" }), row("near", { distance: 1 })]);
  assert.deepEqual(shownRows(state, "SKU", null).map((r) => r.id), ["near", "far"]);
  assert.deepEqual(shownRows(state, "SKU", "far").map((r) => r.id), ["far", "near"]);
  state.filters.inStockOnly = false;
  assert.deepEqual(shownRows(state, "SKU", null).map((r) => r.id), ["near", "out", "far"]);
});

test("without a product, 'with stock' does not apply; 'open now' does", () => {
  const state = ready([row("a", { level: null, open: false }), row("b", { level: null, distance: 3 })]);
  assert.deepEqual(shownRows(state, "", null).map((r) => r.id), ["a", "b"]);
  state.filters.openNow = true;
  assert.deepEqual(shownRows(state, "", null).map((r) => r.id), ["b"]);
});

test("the empty state says why: no store, no stock, or the filters", () => {
  assert.equal(emptyKey(ready([]), "SKU"), "noStores");
  const none = ready([row("a", { level: "out_of_stock" })]);
  assert.equal(emptyKey(none, "SKU"), "noStock");
  assert.equal(filtersHideAll(none, "SKU"), false);
  const closed = ready([row("a", { open: false })], { openNow: true });
  assert.equal(emptyKey(closed, "SKU"), "noMatch");
  assert.equal(filtersHideAll(closed, "SKU"), true);
  assert.equal(filtersHideAll(ready([]), "SKU"), false);
});

test("under 'no stock', the three nearest stores without it", () => {
  const state = ready(["d", "a", "c", "b"].map((id, i) => row(id, { distance: 10 - i, level: "out_of_stock" })));
  assert.deepEqual(withoutStock(state, "SKU").map((r) => r.id), ["b", "c", "a"]);
  assert.deepEqual(withoutStock(state, ""), [], "not for a plain store finder");
  state.filters.openNow = true;
  assert.deepEqual(withoutStock(state, "SKU"), [], "not when the filters are the reason");
});

test("opening the form starts a fresh attempt but keeps who the shopper is; back clears the panels", () => {
  const state = createState();
  state.form = { qty: "4", name: "Camille", contact: "c@example.fr", consent: true };
  state.formErrors = { qty: "err_qty" };
  state.formMessage = "Please correct 1 field.";
  state.attempt = { body: "{}", key: "k" };
  const store = row("a");
  startReserve(state, store);
  assert.equal(state.view, "reserve");
  assert.equal(state.reserveRow, store);
  assert.deepEqual(state.form, { qty: "1", name: "Camille", contact: "c@example.fr", consent: false });
  assert.deepEqual(state.formErrors, {});
  assert.equal(state.formMessage, null);
  assert.equal(state.attempt, null);
  state.view = "confirmation";
  state.reservation = { store, qty: 1, productName: "Sofa" };
  backToList(state);
  assert.equal(state.view, "list");
  assert.equal(state.reserveRow, null);
  assert.equal(state.reservation, null);
});
