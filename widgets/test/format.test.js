import assert from "node:assert/strict";
import { test } from "node:test";

import {
  clockInZone, dayInZone, formatClock, formatDateTime, formatDistance, formatIntervals, formatRadius, kmToMiles,
  parseUnits, safeZone,
} from "../src/format.js";

// French number formatting uses narrow and ordinary no-break spaces: compare on plain spaces.
const plain = (/** @type {string} */ text) => text.replace(/[\u00a0\u202f]/g, " ");

test("distances: one decimal under 10, whole numbers above, in the language's style", () => {
  assert.equal(plain(formatDistance(4.24, "km", "fr")), "4,2 km");
  assert.equal(formatDistance(4.24, "km", "en"), "4.2 km");
  assert.equal(formatDistance(27.6, "km", "en"), "28 km");
  assert.equal(formatDistance(0.3, "km", "en"), "0.3 km");
  assert.equal(formatDistance(1609.344, "mi", "en"), "1,000 mi");
  assert.equal(formatDistance(4.2, "mi", "en"), "2.6 mi");
});

test("units and radius", () => {
  assert.equal(parseUnits("mi"), "mi");
  assert.equal(parseUnits(" Miles "), "mi");
  assert.equal(parseUnits("km"), "km");
  assert.equal(parseUnits(null), "km");
  assert.equal(parseUnits("furlongs"), "km");
  assert.ok(Math.abs(kmToMiles(100) - 62.137) < 0.001);
  assert.equal(formatRadius(50, "km", "en"), "50 km");
  assert.equal(formatRadius(50, "mi", "en"), "31 mi");
});

test("clock times are written as each language writes them", () => {
  assert.equal(formatClock("20:00", "fr"), "20:00");
  assert.equal(plain(formatClock("20:00", "en")), "8:00 PM");
  assert.equal(plain(formatClock("09:30", "en")), "9:30 AM");
  assert.equal(formatClock("24:00", "fr"), "24:00");
  assert.equal(plain(formatClock("24:00", "en")), "12:00 AM");
  assert.equal(formatClock("garbage", "fr"), "garbage");
  assert.equal(formatIntervals([{ opens: "10:00", closes: "12:30" }, { opens: "14:00", closes: "19:00" }], "fr"),
    "10:00–12:30, 14:00–19:00");
});

test("instants are shown in the store's time zone, not the browser's", () => {
  const instant = "2026-11-26T17:30:00Z";
  assert.equal(clockInZone(instant, "Europe/Paris"), "18:30");
  assert.equal(clockInZone(instant, "America/New_York"), "12:30");
  assert.equal(dayInZone("2026-11-26T23:30:00Z", "Europe/Paris"), "2026-11-27");
  assert.equal(dayInZone("2026-11-26T23:30:00Z", "America/Chicago"), "2026-11-26");
  assert.equal(formatDateTime(instant, "Europe/Paris", "fr"), "jeudi 26 novembre à 18:30");
  assert.equal(plain(formatDateTime(instant, "Europe/London", "en")), "Thursday, November 26 at 5:30 PM");
});

test("an unknown time zone falls back to the browser's rather than throwing", () => {
  assert.equal(safeZone("Europe/Paris"), "Europe/Paris");
  assert.equal(safeZone("Mars/Olympus"), undefined);
  assert.equal(safeZone(""), undefined);
  assert.match(clockInZone("2026-11-26T17:30:00Z", "Mars/Olympus"), /^\d\d:\d\d$/);
});
