/**
 * Pure helpers of the report page: credentials from the link, the default period, labels, and
 * the chart's series from the report's rows. No DOM access.
 * @module reports/model
 */

import { t } from "./messages.js";

/** @typedef {import("./messages.js").Lang} Lang */

export const COUNT_COLUMNS = ["unmet", "searches", "basket_lines", "reservations_refused",
  "reservations_expired", "alerts_created"];
export const TOP_PRODUCTS = 5;
const DAY_MS = 86_400_000;

/**
 * Return the signed link token of `/reports#link=…`, or null.
 * @param {string} hash `location.hash`
 */
export function linkFromHash(hash) {
  const token = new URLSearchParams(hash.replace(/^#/, "")).get("link");
  return token && /^[a-z0-9_-]+\.\d+\.[A-Za-z0-9_-]+$/.test(token) ? token : null;
}

/**
 * The last 28 days up to `today` (UTC dates, YYYY-MM-DD).
 * @param {Date} today
 */
export function defaultPeriod(today) {
  const iso = (/** @type {Date} */ d) => d.toISOString().slice(0, 10);
  return { from: iso(new Date(today.getTime() - 27 * DAY_MS)), to: iso(today) };
}

/**
 * "23 novembre 2026" / "November 23, 2026"
 * @param {string} day YYYY-MM-DD
 * @param {Lang} lang
 */
export function dayLabel(day, lang) {
  return new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })
    .format(new Date(`${day}T00:00:00Z`));
}

/**
 * "week of 23 Nov" / "semaine du 23 nov."
 * @param {string} week the Monday, YYYY-MM-DD
 * @param {Lang} lang
 */
export function weekLabel(week, lang) {
  const date = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", timeZone: "UTC" })
    .format(new Date(`${week}T00:00:00Z`));
  return t(lang, "weekOf", { date });
}

/**
 * A reader's name for an area: its main town, and how far its nearest store is.
 * @param {any} area an entry of `report.areas` (or a row: `area` and `town`)
 * @param {Lang} lang
 */
export function areaName(area, lang) {
  if (!area || !area.area) return t(lang, "areaUnknown");
  const store = area.nearest_store;
  if (!store) return area.town || area.area;
  const km = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(store.distance_km);
  const params = { town: area.town, store: store.name || store.id, km };
  return t(lang, area.town ? "areaTown" : "areaNear", params);
}

/**
 * The report's detail rows of one area (all areas when `area` is null).
 * @param {any} report
 * @param {string | null} area
 */
export function rowsFor(report, area) {
  return area === null ? report.rows : report.rows.filter((/** @type {any} */ row) => row.area === area);
}

/**
 * Stacked-bar series: unmet counts per week for the top products (of one area, or all), the
 * rest summed as "other products".
 * @param {any} report
 * @param {string | null} area
 * @param {Lang} lang
 * @returns {{labels: string[], weeks: string[], datasets: {sku: string | null, label: string, data: number[]}[]}}
 */
export function chartSeries(report, area, lang) {
  const weeks = report.trend.map((/** @type {any} */ w) => w.week);
  const rows = rowsFor(report, area).filter((/** @type {any} */ row) => row.unmet > 0);
  /** @type {Map<string, number>} */
  const totals = new Map();
  /** @type {Map<string, string>} */
  const names = new Map();
  for (const row of rows) {
    totals.set(row.sku, (totals.get(row.sku) ?? 0) + row.unmet);
    names.set(row.sku, row.name || row.sku);
  }
  const top = [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_PRODUCTS).map(([sku]) => sku);
  const index = new Map(weeks.map((/** @type {string} */ w, /** @type {number} */ i) => [w, i]));
  const datasets = top.map((sku) => ({ sku, label: names.get(sku) ?? sku, data: weeks.map(() => 0) }));
  const other = { sku: null, label: t(lang, "other"), data: weeks.map(() => 0) };
  for (const row of rows) {
    const at = index.get(row.week);
    if (at === undefined) continue;
    const target = datasets.find((d) => d.sku === row.sku) ?? other;
    target.data[at] += row.unmet;
  }
  if (other.data.some((n) => n > 0)) datasets.push(other);
  return { labels: weeks.map((/** @type {string} */ w) => weekLabel(w, lang)), weeks, datasets };
}
