/**
 * The search controller: what happens when the shopper searches (a town, a postcode, their
 * position, a point given by the host page), filters, widens the radius, picks "my store" or a
 * marker. It calls the API, updates the state, asks the element to render, then announces and
 * tells the host page (events). One search at a time: a newer one cancels the older.
 * @module controller
 */

import { ApiError } from "./api.js";
import { cssEscape, emit } from "./dom.js";
import { GeoError, locate } from "./geo.js";
import { placeFromAttributes, placeFromGeocode } from "./places.js";
import { emptyMessage } from "./result-list.js";
import { productName, publicStore, storesFromResponse, widerRadius } from "./results.js";
import { shownRows } from "./state.js";
import { LAST_PLACE, myStoreName, recall, remember } from "./storage.js";

/** @typedef {import("./store-locator.js").StoreLocatorElement} Host */
/** @typedef {import("./places.js").Place} Place */
/** @typedef {import("./results.js").StoreRow} StoreRow */

export class SearchController {
  /** @param {Host} host the element whose state this controller changes */
  constructor(host) {
    this.host = host;
    this.seq = 0;
    /** @type {AbortController | null} */
    this.inflight = null;
    /** @type {(() => void) | null} the request to repeat on "try again" */
    this.retryLast = null;
  }

  get state() {
    return this.host._state;
  }

  /** Cancel the search in flight (the element left the page). */
  abort() {
    this.inflight?.abort();
    this.inflight = null;
  }

  /** Search at once where the attributes say, else around the shopper's remembered store. */
  starting() {
    const host = this.host;
    const fromAttributes = placeFromAttributes(host.getAttribute("lat"), host.getAttribute("lon"), host._t("yourLocation"));
    if (fromAttributes) {
      this.search(fromAttributes);
      return;
    }
    const mine = recall(host._storage, myStoreName(host._apiKey));
    if (mine && Number.isFinite(mine.lat) && Number.isFinite(mine.lon)) {
      this.search({ lat: mine.lat, lon: mine.lon, label: mine.name });
    }
  }

  /**
   * Geocode what the shopper typed, then search there.
   * @param {string} text
   * @returns {Promise<void>}
   */
  async searchText(text) {
    const { host, state } = this;
    const query = text.trim();
    state.searchError = null;
    if (!query) {
      state.searchError = { key: "searchEmpty" };
      host.render();
      host._searchInput()?.focus();
      return;
    }
    const signal = this.startRequest();
    const seq = this.seq;
    state.status = "loading";
    state.notice = null;
    host.render();
    let place;
    try {
      place = placeFromGeocode(await host._client.geocode(query, host.getAttribute("country"), signal), query);
    } catch (error) {
      if (seq !== this.seq) return;
      if (error instanceof ApiError && error.kind === "http" && (error.status === 404 || error.status === 422)) {
        place = null;
      } else {
        this.failed(error, () => this.searchText(query));
        return;
      }
    }
    if (seq !== this.seq) return;
    if (!place) {
      state.status = state.rows.length ? "ready" : "idle";
      state.searchError = { key: "placeNotFound", params: { q: query } };
      host.render();
      host._announcer.announce(host._t("placeNotFound", { q: query }));
      host._searchInput()?.focus();
      return;
    }
    await this.search(place, { keepRequest: true });
  }

  /**
   * Fetch the stores around a place and show them.
   * @param {Place} place
   * @param {{keepRequest?: boolean, focusHeading?: boolean}} [options]
   * @returns {Promise<void>}
   */
  async search(place, { keepRequest = false, focusHeading = false } = {}) {
    const { host, state } = this;
    const signal = keepRequest && this.inflight ? this.inflight.signal : this.startRequest();
    const seq = this.seq;
    state.place = place;
    state.status = "loading";
    state.error = null;
    state.searchError = null;
    remember(host._storage, LAST_PLACE, { lat: place.lat, lon: place.lon, label: place.label });
    host.render();
    host._announcer.announce(host._t("loading"));
    const sku = host._sku;
    const query = { lat: place.lat, lon: place.lon, radiusKm: state.radiusKm };
    let body;
    try {
      body = sku ? await host._client.availability({ ...query, sku }, signal) : await host._client.stores(query, signal);
    } catch (error) {
      if (seq !== this.seq) return;
      this.failed(error, () => this.search(place));
      return;
    }
    if (seq !== this.seq) return;
    state.rows = storesFromResponse(body);
    state.product = productName(body);
    state.status = "ready";
    host.render();
    const shown = shownRows(state, sku, host._myStoreId());
    host._announcer.announce(shown.length
      ? host._t("resultsCount", { n: shown.length, place: place.label })
      : emptyMessage(host._context(), state));
    emit(host, "locator:results", {
      place, radiusKm: state.radiusKm, sku: sku || null, count: shown.length, total: state.rows.length,
      stores: shown.map((row) => publicStore(row)),
    });
    if (focusHeading) host._focusSoon(".results-heading");
  }

  /** @returns {AbortSignal} the signal of a new request, which cancels the one before */
  startRequest() {
    this.inflight?.abort();
    this.inflight = new AbortController();
    this.seq += 1;
    return this.inflight.signal;
  }

  /**
   * Show an API failure: "unreachable" (try again) or "refused"; tell the host page.
   * @param {any} error
   * @param {() => void} retry
   */
  failed(error, retry) {
    if (error?.name === "AbortError") return;
    const { host, state } = this;
    const apiError = error instanceof ApiError ? error : new ApiError("network", String(error));
    state.status = "error";
    state.error = apiError.retryable ? { key: "unreachable" } : { key: "rejected", params: { status: apiError.status } };
    this.retryLast = retry;
    host.render();
    host._announcer.say(host._t(state.error.key, state.error.params));
    emit(host, "locator:error", {
      kind: apiError.kind, status: apiError.status, message: apiError.message, problem: apiError.problem,
    });
  }

  /** Repeat the request that failed. */
  retry() {
    this.retryLast?.();
  }

  /** Ask the browser for the shopper's position and search there; say why when it cannot. */
  async useMyLocation() {
    const { host, state } = this;
    state.locating = true;
    state.notice = null;
    host.render();
    host._announcer.announce(host._t("locating"));
    try {
      const point = await locate({ geolocation: navigator.geolocation, secure: window.isSecureContext });
      state.locating = false;
      host.render();
      await this.search({ lat: point.lat, lon: point.lon, label: host._t("yourLocation") }, { focusHeading: false });
    } catch (error) {
      const reason = error instanceof GeoError ? error.reason : "unavailable";
      state.locating = false;
      state.notice = `geo_${reason}`;
      host.render();
      // The reason is the search box's description, so it is read when the box gets focus.
      host._searchInput()?.focus();
      host._announcer.announce(host._t(`geo_${reason}`));
      emit(host, "locator:error", { kind: "geolocation", reason, message: host._t(`geo_${reason}`) });
    }
  }

  /**
   * @param {"inStockOnly" | "openNow"} name
   * @param {boolean} value
   */
  setFilter(name, value) {
    const { host, state } = this;
    state.filters = { ...state.filters, [name]: value };
    host.render();
    if (state.status !== "ready") return;
    const shown = shownRows(state, host._sku, host._myStoreId());
    const hidden = state.rows.length - shown.length;
    host._announcer.announce(shown.length
      ? host._t(hidden ? "resultsFiltered" : "resultsCount", { n: shown.length, hidden, place: state.place?.label ?? "" })
      : emptyMessage(host._context(), state));
  }

  /** Show every store again (the empty state's "show all stores"). */
  clearFilters() {
    this.setFilter("openNow", false);
    this.setFilter("inStockOnly", false);
    this.host._focusSoon(".results-heading");
  }

  /** Search again within the next wider radius. */
  widen() {
    const next = widerRadius(this.state.radiusKm);
    if (!next || !this.state.place) return;
    this.state.radiusKm = next;
    this.search(this.state.place, { focusHeading: true });
  }

  /**
   * Make a store the shopper's store (remembered per key), or forget it when it already was.
   * @param {StoreRow} row
   */
  chooseStore(row) {
    const host = this.host;
    const mine = host._myStoreId() === row.id;
    remember(host._storage, myStoreName(host._apiKey), mine ? null : {
      id: row.id, name: row.name, lat: row.lat, lon: row.lon,
    });
    host.render();
    host._focusSoon(`[data-store-id="${cssEscape(row.id)}"] [data-action="my-store"]`);
    if (!mine) {
      host._announcer.announce(host._t("myStoreSaved", { store: row.name }));
      emit(host, "locator:store-selected", { storeId: row.id, store: publicStore(row), reason: "my-store" });
    }
  }

  /** Select a store from outside the list (the map); focus its entry. @param {string} storeId */
  selectFromMap(storeId) {
    const row = this.state.rows.find((item) => item.id === storeId);
    if (!row) return;
    this.host._focusSoon(`[data-store-id="${cssEscape(storeId)}"] h3`, true);
    emit(this.host, "locator:store-selected", { storeId, store: publicStore(row), reason: "map" });
  }

  /** The map chunk could not be loaded: the list still shows every store. @param {any} error */
  mapFailed(error) {
    this.host._announcer.say(this.host._t("mapFailed"));
    emit(this.host, "locator:error", { kind: "map", message: String(error?.message || error) });
  }
}
