/**
 * Store results: from the API's shape to what a row shows, filters, ordering, opening hours text.
 * Pure module; the current time is always passed in.
 * @module results
 */

import { clockInZone, dayInZone, formatClock, formatIntervals, formatWeekday } from "./format.js";
import { t } from "./i18n.js";

/**
 * @typedef {object} StoreRow
 * @property {string} id
 * @property {string} name
 * @property {string} address one line: street, postcode and city
 * @property {number | null} lat
 * @property {number | null} lon
 * @property {string | undefined} timezone IANA zone of the store
 * @property {number | null} distanceKm
 * @property {"in_stock" | "low_stock" | "out_of_stock" | null} level null without a product
 * @property {number | null} availableQty when the retailer exposes it
 * @property {boolean | null} openNow null when unknown
 * @property {{opens: string, closes: string}[] | null} today today's open intervals, local times
 * @property {string | null} nextChangeAt ISO instant of the next opening or closing
 * @property {boolean} stale the stock count is older than the retailer's freshness limit
 * @property {boolean} simulated stock is simulated (demo data)
 */

export const LEVELS = ["in_stock", "low_stock", "out_of_stock"];
export const RADIUS_STEPS = [5, 10, 25, 50, 100, 200, 500];

/**
 * Turn one entry of an API answer (an availability row, or a store) into a StoreRow.
 * @param {any} raw
 * @returns {StoreRow}
 */
export function normalizeStore(raw) {
  const store = raw?.store && typeof raw.store === "object" ? raw.store : raw ?? {};
  const pick = (/** @type {string} */ name) => raw?.[name] ?? store?.[name];
  const address = store.address && typeof store.address === "object" ? store.address : store;
  const location = store.location ?? raw?.location ?? {};
  const hours = pick("hours") && typeof pick("hours") === "object" ? pick("hours") : {};
  const level = pick("level");
  const line = [address.street, [address.postcode, address.city].filter(Boolean).join(" ")]
    .map((part) => (part ?? "").trim())
    .filter(Boolean)
    .join(", ");
  return {
    id: String(raw?.store_id ?? store.id ?? store.store_id ?? ""),
    name: String(store.name ?? pick("store_id") ?? ""),
    address: line,
    lat: numberOrNull(location.lat ?? store.lat),
    lon: numberOrNull(location.lon ?? store.lon),
    timezone: pick("timezone") || undefined,
    distanceKm: numberOrNull(pick("distance_km")),
    level: LEVELS.includes(level) ? level : null,
    availableQty: numberOrNull(pick("available_qty")),
    openNow: pick("temporarily_closed") === true ? false : boolOrNull(pick("open_now") ?? hours.open_now),
    today: arrayOrNull(pick("hours_today") ?? pick("today_hours") ?? hours.today),
    nextChangeAt: pick("next_change")?.at ?? pick("next_change_at") ?? hours.next_change_at ?? null,
    stale: pick("stale") === true,
    simulated: Boolean(pick("simulated")),
  };
}

/**
 * The product's display name from an availability answer, or null.
 * @param {any} body
 * @returns {string | null}
 */
export function productName(body) {
  const name = body?.product?.name;
  return typeof name === "string" && name.trim() ? name.trim() : null;
}

/**
 * Extract the list of stores from an API answer, whatever its envelope.
 * @param {any} body
 * @returns {StoreRow[]}
 */
export function storesFromResponse(body) {
  const list = Array.isArray(body) ? body : body?.results ?? body?.stores ?? body?.items ?? body?.data ?? [];
  return list.map(normalizeStore).filter((row) => row.id);
}

/**
 * True when a row has the product (in stock or low stock).
 * @param {StoreRow} row
 * @returns {boolean}
 */
export function hasStock(row) {
  return row.level === "in_stock" || row.level === "low_stock";
}

/**
 * Apply the filters. Without a product (level null) "in stock only" does not apply.
 * @param {StoreRow[]} rows
 * @param {{inStockOnly: boolean, openNow: boolean}} filters
 * @returns {StoreRow[]}
 */
export function applyFilters(rows, { inStockOnly, openNow }) {
  return rows.filter((row) => (!inStockOnly || row.level === null || hasStock(row))
    && (!openNow || row.openNow === true));
}

/**
 * Sort nearest first (unknown distances last), then put the shopper's store first when present.
 * @param {StoreRow[]} rows
 * @param {string | null | undefined} myStoreId
 * @returns {StoreRow[]}
 */
export function orderRows(rows, myStoreId) {
  const sorted = [...rows].sort((a, b) => (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity));
  const index = myStoreId ? sorted.findIndex((row) => row.id === myStoreId) : -1;
  if (index > 0) sorted.unshift(...sorted.splice(index, 1));
  return sorted;
}

/**
 * The next wider radius to offer when nothing was found, or null at the widest.
 * @param {number} radiusKm
 * @returns {number | null}
 */
export function widerRadius(radiusKm) {
  return RADIUS_STEPS.find((step) => step > radiusKm) ?? null;
}

/**
 * The state and text of a store's opening line: "Open · closes at 20:00", "Closed · opens at
 * 10:00", "Closed · opens tomorrow at 10:00", "Closed · opens Monday at 10:00", "Opening hours
 * unknown".
 * @param {StoreRow} row
 * @param {string} lang
 * @param {Date} now
 * @returns {{state: "open" | "closed" | "unknown", text: string}}
 */
export function openingLine(row, lang, now) {
  if (row.openNow === null) return { state: "unknown", text: t(lang, "hoursUnknown") };
  const zone = row.timezone;
  const next = row.nextChangeAt ? new Date(row.nextChangeAt) : null;
  const valid = next && !Number.isNaN(next.getTime());
  const sameDay = valid && dayInZone(next, zone) === dayInZone(now, zone);
  if (row.openNow) {
    if (valid && sameDay) {
      return { state: "open", text: t(lang, "openCloses", { time: formatClock(clockInZone(next, zone), lang) }) };
    }
    const closes = !valid && currentInterval(row.today, clockInZone(now, zone))?.closes;
    if (closes && closes !== "24:00") {
      return { state: "open", text: t(lang, "openCloses", { time: formatClock(closes, lang) }) };
    }
    return { state: "open", text: t(lang, "open") };
  }
  if (valid) {
    const time = formatClock(clockInZone(next, zone), lang);
    if (sameDay) return { state: "closed", text: t(lang, "closedOpens", { time }) };
    const tomorrow = dayInZone(new Date(now.getTime() + 24 * 3600 * 1000), zone);
    if (dayInZone(next, zone) === tomorrow) return { state: "closed", text: t(lang, "closedOpensTomorrow", { time }) };
    // Within the coming week a weekday is clear; further away it would mislead.
    if (next.getTime() - now.getTime() < 6 * 24 * 3600 * 1000) {
      return { state: "closed", text: t(lang, "closedOpensDay", { day: formatWeekday(next, zone, lang), time }) };
    }
  }
  return { state: "closed", text: t(lang, "closed") };
}

/**
 * Today's hours as a line ("Today: 10:00–20:00", "Closed today"), or null when unknown.
 * @param {StoreRow} row
 * @param {string} lang
 * @returns {string | null}
 */
export function todayLine(row, lang) {
  if (!row.today) return null;
  if (row.today.length === 0) return t(lang, "closedToday");
  return t(lang, "today", { hours: formatIntervals(row.today, lang) });
}

/**
 * The interval of `today` containing a local clock time "HH:MM", if any.
 * @param {{opens: string, closes: string}[] | null} today
 * @param {string} clock
 * @returns {{opens: string, closes: string} | undefined}
 */
export function currentInterval(today, clock) {
  return (today ?? []).find(({ opens, closes }) => opens <= clock && clock < closes);
}

/** @param {any} value */
function numberOrNull(value) {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof number === "number" && Number.isFinite(number) ? number : null;
}

/** @param {any} value */
function boolOrNull(value) {
  return typeof value === "boolean" ? value : null;
}

/** @param {any} value */
function arrayOrNull(value) {
  return Array.isArray(value) ? value.filter((item) => item && item.opens && item.closes) : null;
}

/**
 * What the widget's events carry about a store.
 * @param {StoreRow} row
 * @returns {{id: string, name: string, address: string, lat: number | null, lon: number | null,
 *   timezone: string | null, distanceKm: number | null, level: StoreRow["level"],
 *   availableQty: number | null, openNow: boolean | null}}
 */
export function publicStore(row) {
  return {
    id: row.id, name: row.name, address: row.address, lat: row.lat, lon: row.lon, timezone: row.timezone ?? null,
    distanceKm: row.distanceKm, level: row.level, availableQty: row.availableQty, openNow: row.openNow,
  };
}
