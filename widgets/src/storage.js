/**
 * What the widget remembers between visits: the shopper's chosen store and last searched place.
 * Storage may be missing or throw (private browsing, blocked cookies, sandboxed frames); then
 * nothing is remembered and nothing breaks.
 * @module storage
 */

const PREFIX = "store-locator:";

/**
 * Return the browser's localStorage, or null when the page may not use it.
 * @returns {Storage | null}
 */
export function defaultStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * Read a remembered JSON value; null when missing, unreadable or storage is unavailable.
 * @param {Storage | null} storage
 * @param {string} name
 * @returns {any}
 */
export function recall(storage, name) {
  try {
    const text = storage?.getItem(PREFIX + name);
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/**
 * Remember a JSON value (or forget it when null); returns false when it could not be stored.
 * @param {Storage | null} storage
 * @param {string} name
 * @param {any} value
 * @returns {boolean}
 */
export function remember(storage, name, value) {
  try {
    if (!storage) return false;
    if (value === null || value === undefined) storage.removeItem(PREFIX + name);
    else storage.setItem(PREFIX + name, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

/**
 * The storage name of a retailer's chosen store: one per API key, since stores are per retailer.
 * @param {string} apiKey
 * @returns {string}
 */
export function myStoreName(apiKey) {
  return `my-store:${apiKey}`;
}

/** The storage name of the last place searched (shared by the locator and the badge). */
export const LAST_PLACE = "last-place";
