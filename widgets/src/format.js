/**
 * Numbers, distances, clock times and dates, formatted with `Intl` for one language.
 * Pure module: every function takes what it needs; nothing reads the clock or the DOM.
 * @module format
 */

export const KM_PER_MILE = 1.609344;

/** @typedef {"km" | "mi"} Units */

/**
 * Normalise a `units` attribute: "mi" (or "miles") gives miles, anything else kilometres.
 * @param {string | null | undefined} value
 * @returns {Units}
 */
export function parseUnits(value) {
  return /^mi(les?)?$/i.test(String(value ?? "").trim()) ? "mi" : "km";
}

/**
 * Convert kilometres to miles.
 * @param {number} km
 * @returns {number}
 */
export function kmToMiles(km) {
  return km / KM_PER_MILE;
}

/**
 * Format a distance given in kilometres: one decimal under 10, whole numbers above
 * ("4,2 km", "27 km", "2.6 mi"); a store 300 m away reads "0.3 km", as store finders usually show.
 * @param {number} km
 * @param {Units} units
 * @param {string} lang
 * @returns {string}
 */
export function formatDistance(km, units, lang) {
  const value = units === "mi" ? kmToMiles(km) : km;
  const digits = value < 10 ? 1 : 0;
  return new Intl.NumberFormat(lang, {
    style: "unit",
    unit: units === "mi" ? "mile" : "kilometer",
    unitDisplay: "short",
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  }).format(value);
}

/**
 * Format a search radius (given in kilometres) in the shopper's units, rounded to a whole number.
 * @param {number} km
 * @param {Units} units
 * @param {string} lang
 * @returns {string}
 */
export function formatRadius(km, units, lang) {
  const value = units === "mi" ? Math.round(kmToMiles(km)) : Math.round(km);
  return new Intl.NumberFormat(lang, {
    style: "unit", unit: units === "mi" ? "mile" : "kilometer", unitDisplay: "short",
  }).format(value);
}

/**
 * Format a wall-clock time "HH:MM" (a store's local time) the way the language writes it:
 * "20:00" in French, "8:00 PM" in English. "24:00" is midnight at the end of the day.
 * @param {string} hhmm
 * @param {string} lang
 * @returns {string}
 */
export function formatClock(hhmm, lang) {
  const match = /^(\d{1,2}):(\d{2})/.exec(String(hhmm ?? ""));
  if (!match) return String(hhmm ?? "");
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  const format = new Intl.DateTimeFormat(lang, { hour: "numeric", minute: "2-digit", timeZone: "UTC" });
  // "24:00" closes a day: a 24-hour clock writes it so ("10:00–24:00"), a 12-hour one as midnight.
  if (hours === 24 && minutes === 0 && format.resolvedOptions().hourCycle === "h23") return "24:00";
  // A fixed UTC date, formatted in UTC: the clock time is shown exactly as given.
  return format.format(new Date(Date.UTC(2000, 0, 1, hours % 24, minutes)));
}

/**
 * Format today's opening intervals: "10:00–20:00" or "9:30 AM–1:00 PM, 2:00 PM–7:00 PM".
 * @param {{opens: string, closes: string}[]} intervals
 * @param {string} lang
 * @returns {string}
 */
export function formatIntervals(intervals, lang) {
  return intervals
    .map(({ opens, closes }) => `${formatClock(opens, lang)}–${formatClock(closes, lang)}`)
    .join(", ");
}

/**
 * Return the wall-clock "HH:MM" of an instant in a time zone (the store's).
 * @param {string | Date} instant ISO 8601 string or Date
 * @param {string | undefined} timeZone IANA name; the browser's own when missing
 * @returns {string}
 */
export function clockInZone(instant, timeZone) {
  const parts = new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: safeZone(timeZone),
  }).formatToParts(new Date(instant));
  const get = (/** @type {string} */ type) => parts.find((part) => part.type === type)?.value ?? "00";
  return `${get("hour")}:${get("minute")}`;
}

/**
 * Return the calendar day "YYYY-MM-DD" of an instant in a time zone.
 * @param {string | Date} instant
 * @param {string | undefined} timeZone
 * @returns {string}
 */
export function dayInZone(instant, timeZone) {
  return new Intl.DateTimeFormat("en-CA", {
    year: "numeric", month: "2-digit", day: "2-digit", timeZone: safeZone(timeZone),
  }).format(new Date(instant));
}

/**
 * Format an instant as a date and time in a time zone (the store's), e.g. for a hold's expiry:
 * "jeudi 26 novembre à 18:30" / "Thursday, November 26 at 6:30 PM".
 * @param {string | Date} instant
 * @param {string | undefined} timeZone
 * @param {string} lang
 * @returns {string}
 */
export function formatDateTime(instant, timeZone, lang) {
  return new Intl.DateTimeFormat(lang, {
    weekday: "long", day: "numeric", month: "long", hour: "numeric", minute: "2-digit",
    timeZone: safeZone(timeZone),
  }).format(new Date(instant));
}

/**
 * Format the weekday of an instant in a time zone ("lundi", "Monday").
 * @param {string | Date} instant
 * @param {string | undefined} timeZone
 * @param {string} lang
 * @returns {string}
 */
export function formatWeekday(instant, timeZone, lang) {
  return new Intl.DateTimeFormat(lang, { weekday: "long", timeZone: safeZone(timeZone) })
    .format(new Date(instant));
}

/**
 * Format an integer for the language ("1 234" / "1,234").
 * @param {number} value
 * @param {string} lang
 * @returns {string}
 */
export function formatInteger(value, lang) {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(value);
}

/**
 * Return the time zone when `Intl` knows it, else undefined (the browser's own zone), so that a
 * store with a bad zone still shows a time rather than throwing.
 * @param {string | undefined | null} timeZone
 * @returns {string | undefined}
 */
export function safeZone(timeZone) {
  if (!timeZone) return undefined;
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}
