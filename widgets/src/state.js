/**
 * The locator's state: its shape, its starting value, the few transitions the controllers
 * share, and what the views derive from it (the rows shown, the empty state). Pure module: no
 * DOM, no API, so every rule here is unit-tested on its own.
 * @module state
 */

import { applyFilters, hasStock, orderRows } from "./results.js";

export const DEFAULT_RADIUS_KM = 50;

/** @typedef {import("./results.js").StoreRow} StoreRow */
/** @typedef {{key: string, params?: Record<string, string | number>}} Message a message key and its parameters */

/**
 * @typedef {object} Reservation what the confirmation shows: the API's answer and what was reserved
 * @property {string} [id]
 * @property {string} [pickup_code]
 * @property {string} [expires_at]
 * @property {string} [token]
 * @property {string} [reservation_token]
 * @property {StoreRow} store
 * @property {number} qty
 * @property {string} productName
 * @property {boolean} [cancelling]
 * @property {boolean} [cancelled]
 * @property {string | null} [message] a failure to cancel, already in words
 */

/**
 * @typedef {object} LocatorState
 * @property {import("./places.js").Place | null} place
 * @property {"idle" | "loading" | "ready" | "error"} status
 * @property {boolean} locating waiting for the browser's position (the list stays as it is)
 * @property {StoreRow[]} rows every store of the last answer
 * @property {number} radiusKm
 * @property {{inStockOnly: boolean, openNow: boolean}} filters
 * @property {string | null} notice message key shown under the search box (why location failed)
 * @property {Message | null} searchError said at the search box
 * @property {Message | null} error the last search failed
 * @property {"list" | "reserve" | "confirmation"} view
 * @property {StoreRow | null} reserveRow
 * @property {import("./reserve.js").ReserveForm & {qty: string}} form
 * @property {Record<string, string>} formErrors message keys by field
 * @property {string | null} formMessage
 * @property {boolean} submitting
 * @property {{body: string, key: string} | null} attempt the request a retry must repeat, with its key
 * @property {Reservation | null} reservation
 * @property {string | null} product the product's name from the API
 */

/**
 * What every view is given besides the state.
 * @typedef {object} ViewContext
 * @property {(key: string, params?: Record<string, string | number>) => string} t
 * @property {string} lang
 * @property {"km" | "mi"} units
 * @property {string} sku "" for a plain store finder
 * @property {string | null} myStoreId
 * @property {string} productName
 * @property {(name: string) => string} id an id for a name, stable for the element's life
 */

/**
 * The state of a fresh locator.
 * @param {number} [radiusKm]
 * @returns {LocatorState}
 */
export function createState(radiusKm = DEFAULT_RADIUS_KM) {
  return {
    place: null,
    status: "idle",
    locating: false,
    rows: [],
    radiusKm,
    filters: { inStockOnly: true, openNow: false },
    notice: null,
    searchError: null,
    error: null,
    view: "list",
    reserveRow: null,
    form: { qty: "1", name: "", contact: "", consent: false },
    formErrors: {},
    formMessage: null,
    submitting: false,
    attempt: null,
    reservation: null,
    product: null,
  };
}

/**
 * The rows the list shows: the shopper's store first, then nearest first, filtered. Without a
 * product, "with stock" does not apply.
 * @param {LocatorState} state
 * @param {string} sku
 * @param {string | null} myStoreId
 * @returns {StoreRow[]}
 */
export function shownRows(state, sku, myStoreId) {
  const filters = { ...state.filters, inStockOnly: Boolean(sku) && state.filters.inStockOnly };
  return applyFilters(orderRows(state.rows, myStoreId), filters);
}

/**
 * Whether the filters are what hides every store (rather than the radius or the stock).
 * @param {LocatorState} state
 * @param {string} sku
 * @returns {boolean}
 */
export function filtersHideAll(state, sku) {
  return state.rows.length > 0 && (state.filters.openNow || !sku || state.rows.some(hasStock));
}

/**
 * The message key of the empty state: no store at all, none with stock, or none matching.
 * @param {LocatorState} state
 * @param {string} sku
 * @returns {"noStores" | "noStock" | "noMatch"}
 */
export function emptyKey(state, sku) {
  if (!state.rows.length) return "noStores";
  if (sku && state.filters.inStockOnly && !state.rows.some(hasStock)) return "noStock";
  return "noMatch";
}

/**
 * The nearest stores without stock, shown under an empty state (at most 3).
 * @param {LocatorState} state
 * @param {string} sku
 * @returns {StoreRow[]}
 */
export function withoutStock(state, sku) {
  if (!sku || filtersHideAll(state, sku)) return [];
  return orderRows(state.rows, null).filter((row) => row.level === "out_of_stock").slice(0, 3);
}

/**
 * Open the reserve form for a store: a fresh quantity and consent; name and contact are kept.
 * @param {LocatorState} state
 * @param {StoreRow} row
 */
export function startReserve(state, row) {
  state.view = "reserve";
  state.reserveRow = row;
  state.form = { ...state.form, qty: "1", consent: false };
  state.formErrors = {};
  state.formMessage = null;
  state.attempt = null;
}

/**
 * Back to the list, from the form or the confirmation.
 * @param {LocatorState} state
 */
export function backToList(state) {
  state.view = "list";
  state.reserveRow = null;
  state.reservation = null;
}
