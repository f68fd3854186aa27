import assert from "node:assert/strict";
import { test } from "node:test";

import {
  applyFilters, currentInterval, hasStock, normalizeStore, openingLine, orderRows, productName,
  storesFromResponse, todayLine, widerRadius,
} from "../src/results.js";

// The shape of one entry of GET /v1/availability.
const ENTRY = {
  store: {
    id: "562", name: "IKEA Lyon - Grand Parilly",
    address: { street: "Rue du Progrès", postcode: "69800", city: "Saint-Priest", country: "FR" },
    location: { lat: 45.7186097, lon: 4.881499 }, distance_km: 5.617, timezone: "Europe/Paris",
    status: "open", temporarily_closed: false, open_now: true,
    hours_today: [{ opens: "10:00", closes: "21:00" }],
    next_change: { at: "2026-11-25T21:00:00+01:00", state: "closed" },
  },
  distance_km: 5.617, level: "in_stock", stale: false, available_qty: 20,
};

/** @param {object} overrides */
function row(overrides) {
  return { ...normalizeStore(ENTRY), ...overrides };
}

test("an availability entry becomes a row", () => {
  assert.deepEqual(normalizeStore(ENTRY), {
    id: "562", name: "IKEA Lyon - Grand Parilly", address: "Rue du Progrès, 69800 Saint-Priest",
    lat: 45.7186097, lon: 4.881499, timezone: "Europe/Paris", distanceKm: 5.617, level: "in_stock",
    availableQty: 20, openNow: true, today: [{ opens: "10:00", closes: "21:00" }],
    nextChangeAt: "2026-11-25T21:00:00+01:00", stale: false, simulated: false,
  });
});

test("a store of GET /v1/stores becomes a row without a level", () => {
  const store = { ...ENTRY.store, address: { street: "", postcode: "", city: "Lyon", country: "FR" } };
  const parsed = normalizeStore(store);
  assert.equal(parsed.id, "562");
  assert.equal(parsed.level, null);
  assert.equal(parsed.address, "Lyon");
  assert.equal(parsed.distanceKm, 5.617);
});

test("a temporarily closed store is closed whatever its hours say", () => {
  assert.equal(normalizeStore({ ...ENTRY, store: { ...ENTRY.store, temporarily_closed: true } }).openNow, false);
});

test("missing or odd values become null, never NaN", () => {
  const parsed = normalizeStore({ store: { id: 7, name: "X", location: {} }, level: "plenty", distance_km: "" });
  assert.equal(parsed.id, "7");
  assert.equal(parsed.lat, null);
  assert.equal(parsed.distanceKm, null);
  assert.equal(parsed.level, null);
  assert.equal(parsed.openNow, null);
  assert.equal(parsed.today, null);
});

test("the response envelope is unwrapped and rows without an id dropped", () => {
  const rows = storesFromResponse({ results: [ENTRY, { store: { name: "no id" } }], next_cursor: null });
  assert.deepEqual(rows.map((item) => item.id), ["562"]);
  assert.deepEqual(storesFromResponse(null), []);
  assert.equal(productName({ product: { name: " Canapé " } }), "Canapé");
  assert.equal(productName({}), null);
});

test("filters: in stock only keeps low stock, open now keeps only known-open stores", () => {
  const rows = [
    row({ id: "a", level: "in_stock", openNow: true }),
    row({ id: "b", level: "low_stock", openNow: false }),
    row({ id: "c", level: "out_of_stock", openNow: true }),
    row({ id: "d", level: "in_stock", openNow: null }),
  ];
  const ids = (/** @type {any[]} */ list) => list.map((item) => item.id);
  assert.deepEqual(ids(applyFilters(rows, { inStockOnly: true, openNow: false })), ["a", "b", "d"]);
  assert.deepEqual(ids(applyFilters(rows, { inStockOnly: false, openNow: true })), ["a", "c"]);
  assert.deepEqual(ids(applyFilters(rows, { inStockOnly: true, openNow: true })), ["a"]);
  assert.deepEqual(ids(applyFilters(rows, { inStockOnly: false, openNow: false })), ["a", "b", "c", "d"]);
  assert.ok(hasStock(rows[1]));
  assert.ok(!hasStock(rows[2]));
  // Without a product there is no level, and "in stock only" cannot hide stores.
  assert.equal(applyFilters([row({ level: null })], { inStockOnly: true, openNow: false }).length, 1);
});

test("nearest first, unknown distances last, my store first", () => {
  const rows = [
    row({ id: "far", distanceKm: 30 }), row({ id: "unknown", distanceKm: null }),
    row({ id: "near", distanceKm: 2 }), row({ id: "mid", distanceKm: 10 }),
  ];
  assert.deepEqual(orderRows(rows, null).map((item) => item.id), ["near", "mid", "far", "unknown"]);
  assert.deepEqual(orderRows(rows, "far").map((item) => item.id), ["far", "near", "mid", "unknown"]);
  assert.deepEqual(orderRows(rows, "gone").map((item) => item.id), ["near", "mid", "far", "unknown"]);
  assert.deepEqual(rows.map((item) => item.id), ["far", "unknown", "near", "mid"], "input untouched");
});

test("the radius widens step by step and stops at the API's maximum", () => {
  assert.equal(widerRadius(10), 25);
  assert.equal(widerRadius(50), 100);
  assert.equal(widerRadius(60), 100);
  assert.equal(widerRadius(500), null);
});

test("opening line: open until today's closing, in the store's zone", () => {
  const now = new Date("2026-11-25T15:00:00Z");
  assert.deepEqual(openingLine(row({}), "fr", now), { state: "open", text: "Ouvert · ferme à 21:00" });
  const en = openingLine(row({}), "en", now);
  assert.equal(en.state, "open");
  assert.match(en.text, /^Open · closes at 9:00\sPM$/);
});

test("opening line: closed, opening later today or another day", () => {
  const now = new Date("2026-11-25T06:00:00Z");
  const later = row({ openNow: false, nextChangeAt: "2026-11-25T10:00:00+01:00" });
  assert.equal(openingLine(later, "fr", now).text, "Fermé · ouvre à 10:00");
  const monday = row({ openNow: false, nextChangeAt: "2026-11-30T10:00:00+01:00" });
  assert.equal(openingLine(monday, "fr", new Date("2026-11-28T12:00:00Z")).text, "Fermé · ouvre lundi à 10:00");
  assert.equal(openingLine(monday, "fr", new Date("2026-11-29T12:00:00Z")).text, "Fermé · ouvre demain à 10:00");
  // Late in the evening in Paris (22:30), the store opens the next morning.
  const tomorrow = row({ openNow: false, nextChangeAt: "2026-11-26T10:00:00+01:00" });
  assert.equal(openingLine(tomorrow, "fr", new Date("2026-11-25T21:30:00Z")).text, "Fermé · ouvre demain à 10:00");
  assert.match(openingLine(tomorrow, "en", new Date("2026-11-25T21:30:00Z")).text, /^Closed · opens tomorrow at 10:00\sAM$/);
  // Just after midnight in Paris, "tomorrow" is the same calendar day in UTC terms: still today there.
  assert.equal(openingLine(tomorrow, "fr", new Date("2026-11-25T23:30:00Z")).text, "Fermé · ouvre à 10:00");
  const farAway = row({ openNow: false, nextChangeAt: "2027-03-01T10:00:00+01:00" });
  assert.equal(openingLine(farAway, "en", now).text, "Closed");
});

test("opening line: unknown hours, always open, and today's intervals without a next change", () => {
  const now = new Date("2026-11-25T15:00:00Z");
  assert.deepEqual(openingLine(row({ openNow: null }), "en", now), { state: "unknown", text: "Opening hours unknown" });
  assert.equal(openingLine(row({ nextChangeAt: null, today: [{ opens: "00:00", closes: "24:00" }] }), "en", now).text, "Open");
  assert.equal(openingLine(row({ nextChangeAt: null }), "fr", now).text, "Ouvert · ferme à 21:00");
  assert.equal(openingLine(row({ nextChangeAt: "2026-11-27T21:00:00+01:00" }), "fr", now).text, "Ouvert");
});

test("today's hours line", () => {
  assert.equal(todayLine(row({}), "fr"), "Aujourd’hui\u00a0: 10:00–21:00");
  assert.equal(todayLine(row({ today: [] }), "en"), "Closed today");
  assert.equal(todayLine(row({ today: null }), "en"), null);
  assert.deepEqual(currentInterval([{ opens: "10:00", closes: "12:00" }, { opens: "14:00", closes: "19:00" }], "15:30"),
    { opens: "14:00", closes: "19:00" });
  assert.equal(currentInterval([{ opens: "10:00", closes: "12:00" }], "12:00"), undefined);
});
