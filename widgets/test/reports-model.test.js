import assert from "node:assert/strict";
import { test } from "node:test";

import { pickLang, t } from "../src/reports/messages.js";
import { areaName, chartSeries, dayLabel, defaultPeriod, linkFromHash, rowsFor, weekLabel } from "../src/reports/model.js";

const row = (week, area, sku, unmet) => ({ week, area, sku, name: `Name ${sku}`, unmet });

test("a signed link is read from the fragment, anything else is ignored", () => {
  assert.equal(linkFromHash("#link=acme.1796278492.AbC_-9"), "acme.1796278492.AbC_-9");
  assert.equal(linkFromHash("#link=<script>"), null);
  assert.equal(linkFromHash(""), null);
});

test("the default period is the last 28 days", () => {
  assert.deepEqual(defaultPeriod(new Date("2026-11-28T10:00:00Z")), { from: "2026-11-01", to: "2026-11-28" });
});

test("languages: asked for, else the browser's French or English, else English", () => {
  assert.equal(pickLang("en", ["fr-FR"]), "en");
  assert.equal(pickLang(null, ["de-DE", "fr-CA"]), "fr");
  assert.equal(pickLang(null, ["de"]), "en");
  assert.equal(t("fr", "weekOf", { date: "23 nov." }), "semaine du 23 nov.");
  assert.equal(weekLabel("2026-11-23", "en"), "week of Nov 23");
  assert.equal(weekLabel("2026-11-23", "fr"), "semaine du 23 nov.");
  assert.equal(dayLabel("2026-11-01", "fr"), "1 novembre 2026");
});

test("an area is named after its nearest store", () => {
  const area = { area: "851fb467fffffff", nearest_store: { id: "S1", name: "IKEA Lyon", distance_km: 12.4 } };
  assert.equal(areaName(area, "fr"), "À 12 km de IKEA Lyon");
  assert.equal(areaName({ ...area, town: "Vienne" }, "en"), "Vienne — IKEA Lyon, 12 km away");
  assert.equal(areaName({ area: "85x", town: "Gap", nearest_store: null }, "fr"), "Gap");
  assert.equal(areaName({ area: null }, "en"), "Store without a location");
  assert.equal(areaName({ area: "85x", nearest_store: null }, "en"), "85x");
});

test("the chart stacks the top five products per week and sums the rest", () => {
  const weeks = ["2026-11-16", "2026-11-23"];
  const rows = [row(weeks[1], "a", "S1", 9), row(weeks[0], "a", "S1", 1), row(weeks[1], "b", "S2", 8),
    row(weeks[1], "a", "S3", 7), row(weeks[1], "a", "S4", 6), row(weeks[1], "a", "S5", 5),
    row(weeks[0], "a", "S6", 2), row(weeks[1], "b", "S7", 1), row(weeks[1], "a", "S8", 0)];
  const report = { trend: weeks.map((week) => ({ week })), rows };
  const series = chartSeries(report, null, "en");
  assert.deepEqual(series.weeks, weeks);
  assert.deepEqual(series.datasets.map((d) => [d.sku, d.data]), [
    ["S1", [1, 9]], ["S2", [0, 8]], ["S3", [0, 7]], ["S4", [0, 6]], ["S5", [0, 5]], [null, [2, 1]],
  ]);
  assert.equal(series.datasets[0].label, "Name S1");
  assert.equal(series.datasets.at(-1).label, "Other products");
  const onlyB = chartSeries(report, "b", "fr");
  assert.deepEqual(onlyB.datasets.map((d) => [d.sku, d.data]), [["S2", [0, 8]], ["S7", [0, 1]]]);
  assert.equal(rowsFor(report, "b").length, 2);
});
