import assert from "node:assert/strict";
import { test } from "node:test";

import { parseRadius, placeFromAttributes, placeFromGeocode } from "../src/places.js";

test("a geocoder answer becomes a place", () => {
  assert.deepEqual(placeFromGeocode({ query: "Lyon", lat: 45.74906, lon: 4.84789, label: "Lyon, FR", precision: "city" }, "Lyon"),
    { lat: 45.74906, lon: 4.84789, label: "Lyon, FR" });
  assert.deepEqual(placeFromGeocode({ results: [{ lat: null, lon: null }, { location: { lat: 1, lon: 2 }, name: "B" }] }, "q"),
    { lat: 1, lon: 2, label: "B" });
  assert.deepEqual(placeFromGeocode({ lat: "48.8", lon: "2.3" }, "Paris"), { lat: 48.8, lon: 2.3, label: "Paris" });
  assert.equal(placeFromGeocode(null, "q"), null);
  assert.equal(placeFromGeocode({ results: [] }, "q"), null);
});

test("lat/lon attributes make a place only when both are valid", () => {
  assert.deepEqual(placeFromAttributes("45.76", "4.84", "here"), { lat: 45.76, lon: 4.84, label: "here" });
  assert.equal(placeFromAttributes("45.76", null, "here"), null);
  assert.equal(placeFromAttributes("", "4.84", "here"), null);
  assert.equal(placeFromAttributes("north", "4.84", "here"), null);
  assert.equal(placeFromAttributes("95", "4.84", "here"), null);
});

test("the radius attribute must be a positive number", () => {
  assert.equal(parseRadius("25", 50), 25);
  assert.equal(parseRadius("0", 50), 50);
  assert.equal(parseRadius("-3", 50), 50);
  assert.equal(parseRadius("wide", 50), 50);
  assert.equal(parseRadius(null, 50), 50);
});
