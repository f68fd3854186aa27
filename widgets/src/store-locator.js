/**
 * `<store-locator>`: find a product in stores near the shopper and reserve it for pick-up.
 *
 * Attributes: `api-key` (publishable key), `sku` (optional: without it, a plain store finder),
 * `lang` (fr|en), `radius-km`, `units` (km|mi), `map` (show a lazy map), `tile-url`,
 * `tile-attribution`, `api-base`, `lat`/`lon` (search there at once), `product-name`,
 * `country` (ISO code that the search box prefers, e.g. "FR").
 * Events (bubbling, composed): `locator:results`, `locator:store-selected`, `locator:reserved`,
 * `locator:error`. This module defines no tag: see define.js.
 * @module store-locator
 */

import { ApiClient, ApiError, apiBase, idempotencyKey } from "./api.js";
import { adoptStyles, emit, h, uid } from "./dom.js";
import { formatDateTime, formatDistance, formatRadius, parseUnits } from "./format.js";
import { GeoError, locate } from "./geo.js";
import { pickLang, t } from "./i18n.js";
import { parseRadius, placeFromAttributes, placeFromGeocode } from "./places.js";
import { maxQuantity, reservationBody, validateReservation } from "./reserve.js";
import {
  applyFilters, hasStock, openingLine, orderRows, productName, storesFromResponse, todayLine, widerRadius,
} from "./results.js";
import { defaultStorage, LAST_PLACE, myStoreName, recall, remember } from "./storage.js";
import { LOCATOR_CSS } from "./styles.js";

const DEFAULT_RADIUS_KM = 50;
const DEFAULT_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const DEFAULT_ATTRIBUTION = "© OpenStreetMap contributors";
const SCRIPT_URL = import.meta.url;
/** @type {Map<string, CSSStyleSheet>} */
const SHEETS = new Map();

const OBSERVED = [
  "api-key", "sku", "lang", "radius-km", "units", "map", "tile-url", "tile-attribution",
  "api-base", "lat", "lon", "product-name", "country",
];

export class StoreLocatorElement extends HTMLElement {
  static get observedAttributes() {
    return OBSERVED;
  }

  constructor() {
    super();
    this._shadow = this.attachShadow({ mode: "open" });
    adoptStyles(this._shadow, [LOCATOR_CSS], SHEETS);
    this._storage = defaultStorage();
    /** @type {Set<string>} */
    this._pending = new Set();
    this._seq = 0;
    /** @type {AbortController | null} */
    this._inflight = null;
    this._state = {
      /** @type {import("./places.js").Place | null} */ place: null,
      /** @type {"idle" | "locating" | "loading" | "ready" | "error"} */ status: "idle",
      /** @type {import("./results.js").StoreRow[]} */ rows: [],
      radiusKm: DEFAULT_RADIUS_KM,
      filters: { inStockOnly: true, openNow: false },
      /** @type {string | null} */ notice: null,
      /** @type {{key: string, params?: object} | null} */ error: null,
      /** @type {"list" | "reserve" | "confirmation"} */ view: "list",
      /** @type {import("./results.js").StoreRow | null} */ reserveRow: null,
      form: { qty: "1", name: "", contact: "", consent: false },
      /** @type {Record<string, string>} */ formErrors: {},
      /** @type {string | null} */ formMessage: null,
      submitting: false,
      /** @type {{body: string, key: string} | null} */ attempt: null,
      /** @type {any} */ reservation: null,
      /** @type {string | null} */ product: null,
    };
    this._map = null;
    this._mapLoading = null;
  }

  connectedCallback() {
    if (!this._built) this._build();
    this._refreshStatic();
    this._render();
    if (this.hasAttribute("map")) this._ensureMap();
    if (!this._state.place) this._startingSearch();
  }

  disconnectedCallback() {
    this._inflight?.abort();
    this._inflight = null;
  }

  /**
   * @param {string} name
   * @param {string | null} oldValue
   * @param {string | null} newValue
   */
  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue || !this._built) return;
    // Several attributes set in a row give one update, after the current task.
    const first = this._pending.size === 0;
    this._pending.add(name);
    if (first) queueMicrotask(() => this._applyChanges());
  }

  /** Focus the search box (used by host pages opening the locator from a `<stock-badge>`). */
  focus() {
    (this._els?.input ?? this).focus();
  }

  /**
   * Search around a point, as if the shopper had searched there.
   * @param {number} lat
   * @param {number} lon
   * @param {string} [label]
   * @returns {Promise<void>}
   */
  searchAt(lat, lon, label) {
    return this._search({ lat, lon, label: label || this._t("yourLocation") });
  }

  // --- attributes -------------------------------------------------------------------------

  /** The language in use (the native `lang` property stays the plain attribute). */
  get _lang() {
    return pickLang(this.getAttribute("lang"), document.documentElement.lang, navigator.languages);
  }

  get _units() {
    return parseUnits(this.getAttribute("units"));
  }

  get _sku() {
    return (this.getAttribute("sku") || "").trim();
  }

  get _apiKey() {
    return (this.getAttribute("api-key") || "").trim();
  }

  get _client() {
    const base = apiBase(this.getAttribute("api-base"), SCRIPT_URL);
    if (!this._clientCache || this._clientCache.base !== base || this._clientCache.key !== this._apiKey) {
      this._clientCache = new ApiClient({ base, key: this._apiKey });
    }
    return this._clientCache;
  }

  /**
   * @param {string} key
   * @param {Record<string, string | number>} [params]
   */
  _t(key, params) {
    return t(this._lang, key, params);
  }

  _applyChanges() {
    const changed = new Set(this._pending);
    this._pending.clear();
    if (changed.has("radius-km")) {
      this._state.radiusKm = parseRadius(this.getAttribute("radius-km"), DEFAULT_RADIUS_KM);
    }
    if (changed.has("map")) {
      if (this.hasAttribute("map")) this._ensureMap();
      else this._dropMap();
    }
    if (changed.has("tile-url") || changed.has("tile-attribution")) {
      this._map?.setTiles(this._tileUrl(), this._tileAttribution());
    }
    this._refreshStatic();
    const refetch = ["api-key", "sku", "radius-km", "api-base"].some((name) => changed.has(name));
    const moved = changed.has("lat") || changed.has("lon");
    const attributePlace = placeFromAttributes(this.getAttribute("lat"), this.getAttribute("lon"), this._t("yourLocation"));
    if (moved && attributePlace) {
      this._search(attributePlace);
    } else if (refetch && this._state.place) {
      if (changed.has("sku") || changed.has("api-key")) this._state.view = "list";
      this._search(this._state.place);
    } else {
      this._render();
    }
  }

  _tileUrl() {
    const value = this.getAttribute("tile-url");
    return value === null ? DEFAULT_TILES : value.trim() === "none" ? "" : value.trim();
  }

  _tileAttribution() {
    return this.getAttribute("tile-attribution") ?? DEFAULT_ATTRIBUTION;
  }

  // --- skeleton ---------------------------------------------------------------------------

  _build() {
    this._built = true;
    this._state.radiusKm = parseRadius(this.getAttribute("radius-km"), DEFAULT_RADIUS_KM);
    const ids = {
      input: uid("sl-q"), notice: uid("sl-notice"), heading: uid("sl-heading"), stock: uid("sl-f-stock"),
      open: uid("sl-f-open"), searchError: uid("sl-q-error"),
    };
    const els = {};
    els.label = h("label", { for: ids.input });
    els.input = h("input", {
      id: ids.input, type: "search", name: "q", autocomplete: "postal-code", enterkeyhint: "search",
      part: "input", "aria-describedby": `${ids.searchError} ${ids.notice}`,
    });
    els.searchButton = h("button", { type: "submit", class: "primary", part: "button search-button" });
    els.locate = h("button", {
      type: "button", class: "locate", part: "button locate-button", onclick: () => this._useMyLocation(),
    });
    els.searchError = h("p", { id: ids.searchError, class: "field-error", hidden: true });
    els.form = h("form", {
      class: "search", role: "search", part: "search", novalidate: true,
      onsubmit: (/** @type {Event} */ event) => {
        event.preventDefault();
        this._searchText(els.input.value);
      },
    }, els.label, h("div", { class: "search-row" }, els.input, els.searchButton), els.searchError, els.locate);
    els.notice = h("p", { id: ids.notice, class: "notice", part: "notice", hidden: true });
    els.stockBox = h("input", {
      id: ids.stock, type: "checkbox", checked: true,
      onchange: () => this._setFilter("inStockOnly", els.stockBox.checked),
    });
    els.openBox = h("input", {
      id: ids.open, type: "checkbox", onchange: () => this._setFilter("openNow", els.openBox.checked),
    });
    els.stockLabel = h("span");
    els.openLabel = h("span");
    els.stockCheck = h("label", { class: "check", for: ids.stock }, els.stockBox, els.stockLabel);
    els.legend = h("legend");
    els.filters = h("fieldset", { class: "filters", part: "filters" }, els.legend, els.stockCheck,
      h("label", { class: "check", for: ids.open }, els.openBox, els.openLabel));
    els.live = h("div", { class: "sr-only", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    els.alert = h("div", { class: "sr-only", role: "alert" });
    els.map = h("div", { class: "map", part: "map", hidden: true });
    els.body = h("div", { class: "stack", part: "body" });
    els.root = h("section", { class: "root stack", part: "root" },
      els.form, els.notice, els.filters, els.map, els.body, els.live, els.alert);
    this._ids = ids;
    this._els = els;
    this._shadow.append(els.root);
  }

  /** Update every fixed label (language changes) without touching the shopper's input. */
  _refreshStatic() {
    const els = this._els;
    els.root.setAttribute("aria-label", this._t("regionLabel"));
    els.root.setAttribute("lang", this._lang);
    els.label.textContent = this._t("searchLabel");
    els.form.setAttribute("aria-label", this._t("searchLandmark"));
    els.searchButton.textContent = this._t("searchButton");
    els.locate.textContent = this._state.status === "locating" ? this._t("locating") : this._t("locate");
    els.legend.textContent = this._t("filtersLegend");
    els.stockLabel.textContent = this._t("inStockOnly");
    els.openLabel.textContent = this._t("openNowFilter");
    els.stockCheck.hidden = !this._sku;
    els.map.setAttribute("aria-label", this._t("mapLabel"));
    els.notice.hidden = !this._state.notice;
    els.notice.textContent = this._state.notice ? this._t(this._state.notice) : "";
  }

  // --- searching --------------------------------------------------------------------------

  _startingSearch() {
    const fromAttributes = placeFromAttributes(this.getAttribute("lat"), this.getAttribute("lon"), this._t("yourLocation"));
    if (fromAttributes) {
      this._search(fromAttributes);
      return;
    }
    // The shopper's store, remembered from a past visit, is offered first.
    const mine = recall(this._storage, myStoreName(this._apiKey));
    if (mine && Number.isFinite(mine.lat) && Number.isFinite(mine.lon)) {
      this._search({ lat: mine.lat, lon: mine.lon, label: mine.name });
    }
  }

  /** @param {string} text */
  async _searchText(text) {
    const query = text.trim();
    this._setSearchError(null);
    if (!query) {
      this._setSearchError(this._t("searchEmpty"));
      this._els.input.focus();
      return;
    }
    const signal = this._startRequest();
    const seq = this._seq;
    this._state.status = "loading";
    this._state.notice = null;
    this._refreshStatic();
    this._render();
    let place;
    try {
      place = placeFromGeocode(await this._client.geocode(query, this.getAttribute("country"), signal), query);
    } catch (error) {
      if (seq !== this._seq) return;
      if (error instanceof ApiError && error.kind === "http" && (error.status === 404 || error.status === 422)) {
        place = null;
      } else {
        this._failed(error, () => this._searchText(query));
        return;
      }
    }
    if (seq !== this._seq) return;
    if (!place) {
      this._state.status = this._state.rows.length ? "ready" : "idle";
      this._render();
      this._setSearchError(this._t("placeNotFound", { q: query }));
      this._announce(this._t("placeNotFound", { q: query }));
      this._els.input.focus();
      return;
    }
    await this._search(place, { keepRequest: true });
  }

  /**
   * Fetch the stores around a place and show them.
   * @param {import("./places.js").Place} place
   * @param {{keepRequest?: boolean, focusHeading?: boolean}} [options]
   */
  async _search(place, { keepRequest = false, focusHeading = false } = {}) {
    const signal = keepRequest && this._inflight ? this._inflight.signal : this._startRequest();
    const seq = this._seq;
    this._state.place = place;
    this._state.status = "loading";
    this._state.error = null;
    this._setSearchError(null);
    remember(this._storage, LAST_PLACE, { lat: place.lat, lon: place.lon, label: place.label });
    this._render();
    this._announce(this._t("loading"));
    const query = { lat: place.lat, lon: place.lon, radiusKm: this._state.radiusKm };
    let body;
    try {
      body = this._sku
        ? await this._client.availability({ ...query, sku: this._sku }, signal)
        : await this._client.stores(query, signal);
    } catch (error) {
      if (seq !== this._seq) return;
      this._failed(error, () => this._search(place));
      return;
    }
    if (seq !== this._seq) return;
    this._state.rows = storesFromResponse(body);
    this._state.product = productName(body);
    this._state.status = "ready";
    this._render();
    const shown = this._shownRows();
    this._announce(shown.length
      ? this._t("resultsCount", { n: shown.length, place: place.label })
      : this._emptyMessage());
    emit(this, "locator:results", {
      place, radiusKm: this._state.radiusKm, sku: this._sku || null,
      count: shown.length, total: this._state.rows.length,
      stores: shown.map((row) => publicStore(row)),
    });
    if (focusHeading) this._focusSoon(".results-heading");
  }

  _startRequest() {
    this._inflight?.abort();
    this._inflight = new AbortController();
    this._seq += 1;
    return this._inflight.signal;
  }

  /**
   * Show an API failure: "unreachable" (try again) or "refused"; tell the host page.
   * @param {any} error
   * @param {() => void} retry
   */
  _failed(error, retry) {
    if (error?.name === "AbortError") return;
    const apiError = error instanceof ApiError ? error : new ApiError("network", String(error));
    this._state.status = "error";
    this._state.error = apiError.retryable
      ? { key: "unreachable" }
      : { key: "rejected", params: { status: apiError.status } };
    this._retry = retry;
    this._render();
    this._say(this._t(this._state.error.key, this._state.error.params));
    emit(this, "locator:error", {
      kind: apiError.kind, status: apiError.status, message: apiError.message, problem: apiError.problem,
    });
  }

  async _useMyLocation() {
    const previous = this._state.status;
    this._state.status = "locating";
    this._state.notice = null;
    this._refreshStatic();
    this._announce(this._t("locating"));
    try {
      const point = await locate({ geolocation: navigator.geolocation, secure: window.isSecureContext });
      this._state.status = previous;
      this._refreshStatic();
      await this._search({ lat: point.lat, lon: point.lon, label: this._t("yourLocation") }, { focusHeading: false });
    } catch (error) {
      const reason = error instanceof GeoError ? error.reason : "unavailable";
      this._state.status = previous === "locating" ? "idle" : previous;
      this._state.notice = `geo_${reason}`;
      this._refreshStatic();
      this._render();
      // The reason is the search box's description, so it is read when the box gets focus.
      this._els.input.focus();
      this._announce(this._t(`geo_${reason}`));
      emit(this, "locator:error", { kind: "geolocation", reason, message: this._t(`geo_${reason}`) });
    }
  }

  /**
   * @param {"inStockOnly" | "openNow"} name
   * @param {boolean} value
   */
  _setFilter(name, value) {
    this._state.filters = { ...this._state.filters, [name]: value };
    this._els.stockBox.checked = this._state.filters.inStockOnly;
    this._els.openBox.checked = this._state.filters.openNow;
    if (this._state.status !== "ready") return;
    this._render();
    const shown = this._shownRows();
    const hidden = this._state.rows.length - shown.length;
    this._announce(shown.length
      ? this._t(hidden ? "resultsFiltered" : "resultsCount", { n: shown.length, hidden, place: this._state.place?.label ?? "" })
      : this._emptyMessage());
  }

  _widen() {
    const next = widerRadius(this._state.radiusKm);
    if (!next || !this._state.place) return;
    this._state.radiusKm = next;
    this._search(this._state.place, { focusHeading: true });
  }

  /** @param {string | null} message */
  _setSearchError(message) {
    this._els.searchError.hidden = !message;
    this._els.searchError.textContent = message ?? "";
    if (message) this._els.input.setAttribute("aria-invalid", "true");
    else this._els.input.removeAttribute("aria-invalid");
  }

  // --- rendering --------------------------------------------------------------------------

  _myStoreId() {
    return recall(this._storage, myStoreName(this._apiKey))?.id ?? null;
  }

  _shownRows() {
    const filters = { ...this._state.filters, inStockOnly: Boolean(this._sku) && this._state.filters.inStockOnly };
    return applyFilters(orderRows(this._state.rows, this._myStoreId()), filters);
  }

  _emptyMessage() {
    const radius = formatRadius(this._state.radiusKm, this._units, this._lang);
    const rows = this._state.rows;
    if (!rows.length) return this._t("noStores", { radius });
    if (this._sku && this._state.filters.inStockOnly && !rows.some(hasStock)) return this._t("noStock", { radius });
    return this._t("noMatch", { radius });
  }

  _render() {
    const state = this._state;
    const body = this._els.body;
    this._els.filters.hidden = state.view !== "list";
    this._els.form.hidden = state.view !== "list";
    this._els.notice.hidden = state.view !== "list" || !state.notice;
    this._els.map.hidden = state.view !== "list" || !this.hasAttribute("map");
    body.setAttribute("aria-busy", String(state.status === "loading"));
    if (state.view === "reserve" && state.reserveRow) {
      body.replaceChildren(this._reserveView(state.reserveRow));
      return;
    }
    if (state.view === "confirmation" && state.reservation) {
      body.replaceChildren(this._confirmationView(state.reservation));
      return;
    }
    body.replaceChildren(...this._listView());
    this._map?.update(this._mapRows(), state.place);
  }

  _mapRows() {
    return this._state.status === "ready" ? this._shownRows() : [];
  }

  /** @returns {HTMLElement[]} */
  _listView() {
    const state = this._state;
    if (state.status === "loading") {
      return [h("p", { class: "status", part: "status", text: this._t("loading") })];
    }
    if (state.status === "error" && state.error) {
      return [h("div", { class: "error-box", part: "error" },
        h("p", { text: this._t(state.error.key, state.error.params) }),
        h("div", { class: "actions" }, h("button", {
          type: "button", part: "button retry-button", text: this._t("retry"), onclick: () => this._retry?.(),
        })))];
    }
    if (state.status !== "ready" || !state.place) return [];
    const shown = this._shownRows();
    const heading = h("h2", {
      id: this._ids.heading, class: "results-heading", tabindex: "-1",
      text: this._t("resultsHeading", { place: state.place.label }),
    });
    if (shown.length) {
      return [heading, h("ol", { class: "list", part: "list", "data-list": "results", "aria-labelledby": this._ids.heading },
        shown.map((row) => this._storeItem(row, { reservable: true })))];
    }
    const parts = [heading];
    const next = widerRadius(state.radiusKm);
    const filtersHideAll = state.rows.length > 0 && (state.filters.openNow || !this._sku || state.rows.some(hasStock));
    const actions = h("div", { class: "actions" });
    if (filtersHideAll) {
      actions.append(h("button", {
        type: "button", part: "button", text: this._t("clearFilters"), onclick: () => {
          this._setFilter("openNow", false);
          this._setFilter("inStockOnly", false);
          this._focusSoon(".results-heading");
        },
      }));
    }
    if (next) {
      actions.append(h("button", {
        type: "button", class: "primary", part: "button widen-button",
        text: this._t("widen", { radius: formatRadius(next, this._units, this._lang) }), onclick: () => this._widen(),
      }));
    }
    parts.push(h("div", { class: "empty", part: "empty" }, h("p", { text: this._emptyMessage() }), actions));
    const without = this._sku && !filtersHideAll
      ? orderRows(state.rows, null).filter((row) => row.level === "out_of_stock").slice(0, 3)
      : [];
    if (without.length) {
      const id = uid("sl-without");
      parts.push(h("h3", { id, text: this._t("nearestWithout") }),
        h("ol", { class: "list", part: "list", "data-list": "without-stock", "aria-labelledby": id },
          without.map((row) => this._storeItem(row, { reservable: false }))));
    }
    return parts;
  }

  /**
   * One store of the list.
   * @param {import("./results.js").StoreRow} row
   * @param {{reservable: boolean}} options
   */
  _storeItem(row, { reservable }) {
    const lang = this._lang;
    const mine = row.id === this._myStoreId();
    const nameId = uid("sl-store");
    const opening = openingLine(row, lang, new Date());
    const today = todayLine(row, lang);
    const head = h("div", { class: "store-head" },
      h("h3", { id: nameId, part: "store-name" }, row.name,
        mine ? h("span", { class: "mine-tag", part: "my-store-tag", text: this._t("myStore") }) : null),
      row.distanceKm === null ? null : h("span", {
        class: "distance", part: "distance", text: this._t("away", { distance: formatDistance(row.distanceKm, this._units, lang) }),
      }));
    const lines = [head];
    if (row.address) lines.push(h("p", { class: "address", text: row.address }));
    lines.push(h("p", { class: "hours", part: "hours" },
      h("span", { class: `state-${opening.state}`, text: opening.text }),
      today ? ` · ${today}` : null));
    if (row.level) {
      const level = h("p", { class: `level level-${row.level}`, part: `level level-${row.level}` },
        h("span", { class: "dot", "aria-hidden": "true" }),
        h("span", { text: this._t(`level_${row.level}`) }),
        row.availableQty !== null && row.level !== "out_of_stock"
          ? h("span", { text: `(${this._t("qtyAvailable", { n: row.availableQty })})` }) : null,
        row.stale ? h("span", { class: "simulated", text: `(${this._t("stale")})` }) : null,
        row.simulated ? h("span", { class: "simulated", text: `(${this._t("simulated")})` }) : null);
      lines.push(level);
    }
    const actions = h("div", { class: "actions" });
    if (reservable && this._sku && hasStock(row) && maxQuantity(row) > 0) {
      actions.append(h("button", {
        type: "button", class: "primary", part: "button reserve-button", "data-action": "reserve",
        "aria-label": this._t("reserveAt", { store: row.name }), text: this._t("reserve"),
        onclick: () => this._openReserve(row),
      }));
    }
    const label = mine ? this._t("myStore") : this._t("setMyStore");
    actions.append(h("button", {
      type: "button", part: "button my-store-button", "data-action": "my-store",
      // The visible words first, so that speech control ("click Make this my store") matches.
      "aria-pressed": String(mine), "aria-label": this._t("withStore", { label, store: row.name }),
      text: label,
      onclick: () => this._chooseStore(row),
    }));
    lines.push(actions);
    return h("li", {
      class: mine ? "store mine" : "store", part: mine ? "store my-store" : "store", "data-store-id": row.id,
    }, h("article", { "aria-labelledby": nameId }, lines));
  }

  /** @param {import("./results.js").StoreRow} row */
  _chooseStore(row) {
    const mine = this._myStoreId() === row.id;
    remember(this._storage, myStoreName(this._apiKey), mine ? null : {
      id: row.id, name: row.name, lat: row.lat, lon: row.lon,
    });
    this._render();
    this._focusSoon(`[data-store-id="${cssEscape(row.id)}"] [data-action="my-store"]`);
    if (!mine) {
      this._announce(this._t("myStoreSaved", { store: row.name }));
      emit(this, "locator:store-selected", { storeId: row.id, store: publicStore(row), reason: "my-store" });
    }
  }

  /** Select a store from outside the list (the map); focus its entry. @param {string} storeId */
  _selectFromMap(storeId) {
    const row = this._state.rows.find((item) => item.id === storeId);
    if (!row) return;
    this._focusSoon(`[data-store-id="${cssEscape(storeId)}"] h3`, true);
    emit(this, "locator:store-selected", { storeId, store: publicStore(row), reason: "map" });
  }

  // --- reserving --------------------------------------------------------------------------

  /** @param {import("./results.js").StoreRow} row */
  _openReserve(row) {
    const state = this._state;
    state.view = "reserve";
    state.reserveRow = row;
    state.form = { ...state.form, qty: "1", consent: false };
    state.formErrors = {};
    state.formMessage = null;
    state.attempt = null;
    emit(this, "locator:store-selected", { storeId: row.id, store: publicStore(row), reason: "reserve" });
    this._render();
    this._focusSoon(".panel h2");
  }

  _closeReserve() {
    const id = this._state.reserveRow?.id;
    this._state.view = "list";
    this._state.reserveRow = null;
    this._render();
    this._focusSoon(id ? `[data-store-id="${cssEscape(id)}"] [data-action="reserve"]` : "input");
  }

  /** @param {import("./results.js").StoreRow} row */
  _reserveView(row) {
    const state = this._state;
    const max = maxQuantity(row);
    const ids = {
      title: uid("sl-r-title"), qty: uid("sl-r-qty"), name: uid("sl-r-name"), contact: uid("sl-r-contact"),
      consent: uid("sl-r-consent"),
    };
    /**
     * @param {string} field
     * @param {string} id
     */
    const errorFor = (field, id) => h("p", {
      id: `${id}-error`, class: "field-error", hidden: !state.formErrors[field],
      text: state.formErrors[field] ? this._t(state.formErrors[field], { max }) : "",
    });
    const invalid = (/** @type {string} */ field) => (state.formErrors[field] ? "true" : null);
    const qty = h("input", {
      id: ids.qty, name: "qty", type: "number", inputmode: "numeric", min: "1", max: String(max), step: "1",
      class: "qty", required: true, value: state.form.qty, "aria-invalid": invalid("qty"),
      "aria-describedby": `${ids.qty}-hint ${ids.qty}-error`,
      oninput: () => { state.form.qty = qty.value; },
    });
    const name = h("input", {
      id: ids.name, name: "name", type: "text", autocomplete: "name", required: true, value: state.form.name,
      "aria-invalid": invalid("name"), "aria-describedby": `${ids.name}-error`,
      oninput: () => { state.form.name = name.value; },
    });
    const contact = h("input", {
      id: ids.contact, name: "contact", type: "text", autocomplete: "email", inputmode: "email", required: true,
      value: state.form.contact, "aria-invalid": invalid("contact"),
      "aria-describedby": `${ids.contact}-hint ${ids.contact}-error`,
      oninput: () => { state.form.contact = contact.value; },
    });
    const consent = h("input", {
      id: ids.consent, name: "consent", type: "checkbox", required: true, checked: state.form.consent,
      "aria-invalid": invalid("consent"), "aria-describedby": `${ids.consent}-error`,
      onchange: () => { state.form.consent = consent.checked; },
    });
    const submit = h("button", {
      type: "submit", class: "primary", part: "button submit-button", "aria-disabled": state.submitting ? "true" : null,
      text: state.submitting ? this._t("reserving") : this._t("submitReserve"),
    });
    const form = h("form", {
      class: "form", part: "form", novalidate: true, "aria-busy": String(state.submitting),
      onsubmit: (/** @type {Event} */ event) => {
        event.preventDefault();
        this._submitReservation();
      },
    },
    h("div", { class: "field" }, h("label", { for: ids.qty, text: this._t("quantity") }), qty,
      h("p", { id: `${ids.qty}-hint`, class: "hint", text: this._t("quantityHint", { n: max }) }), errorFor("qty", ids.qty)),
    h("div", { class: "field" }, h("label", { for: ids.name, text: this._t("name") }), name, errorFor("name", ids.name)),
    h("div", { class: "field" }, h("label", { for: ids.contact, text: this._t("contact") }), contact,
      h("p", { id: `${ids.contact}-hint`, class: "hint", text: this._t("contactHint") }), errorFor("contact", ids.contact)),
    h("div", { class: "field" }, h("label", { class: "check", for: ids.consent }, consent,
      h("span", { text: this._t("consent") })), errorFor("consent", ids.consent)),
    h("p", { class: "error-text", part: "form-message", hidden: !state.formMessage, text: state.formMessage ?? "" }),
    h("div", { class: "actions" }, submit, h("button", {
      type: "button", part: "button back-button", text: this._t("back"), onclick: () => this._closeReserve(),
    })));
    return h("section", { class: "panel", part: "reserve-panel", "aria-labelledby": ids.title },
      h("h2", { id: ids.title, tabindex: "-1", text: this._t("reserveTitle", { store: row.name }) }),
      h("p", { text: this._productName() }),
      row.address ? h("p", { class: "address", text: row.address }) : null,
      row.level ? h("p", { class: `level level-${row.level}` }, h("span", { class: "dot", "aria-hidden": "true" }),
        h("span", { text: this._t(`level_${row.level}`) })) : null,
      form);
  }

  _productName() {
    return this.getAttribute("product-name") || this._state.product || this._t("product", { sku: this._sku });
  }

  async _submitReservation() {
    const state = this._state;
    const row = state.reserveRow;
    if (!row || state.submitting) return;
    const max = maxQuantity(row);
    state.formErrors = validateReservation(state.form, max);
    const invalid = Object.keys(state.formErrors);
    if (invalid.length) {
      state.formMessage = this._t("formErrors", { n: invalid.length });
      this._render();
      this._focusSoon(`[name="${invalid[0]}"]`);
      return;
    }
    const body = reservationBody({ storeId: row.id, sku: this._sku, form: state.form });
    const text = JSON.stringify(body);
    // A retry of the same request keeps its key, so that it can never hold twice.
    if (!state.attempt || state.attempt.body !== text) state.attempt = { body: text, key: idempotencyKey() };
    state.submitting = true;
    state.formMessage = null;
    this._render();
    this._announce(this._t("reserving"));
    try {
      const reservation = await this._client.reserve(body, state.attempt.key);
      state.submitting = false;
      state.reservation = { ...reservation, store: row, qty: Number(state.form.qty), productName: this._productName() };
      state.view = "confirmation";
      state.attempt = null;
      this._render();
      this._focusSoon(".confirmation h2");
      this._announce(this._t("confirmedAnnounce", { code: reservation?.pickup_code ?? "" }));
      emit(this, "locator:reserved", {
        reservationId: reservation?.id, pickupCode: reservation?.pickup_code, expiresAt: reservation?.expires_at,
        status: reservation?.status, token: reservation?.token ?? reservation?.reservation_token,
        storeId: row.id, store: publicStore(row), sku: this._sku, qty: Number(state.form.qty),
      });
    } catch (error) {
      state.submitting = false;
      const apiError = error instanceof ApiError ? error : new ApiError("network", String(error));
      if (apiError.status === 409) {
        state.formMessage = this._t("stockShort");
        state.attempt = null;
      } else if (apiError.retryable) {
        state.formMessage = this._t("unreachable");
      } else {
        state.formMessage = this._t("reserveFailed", { detail: apiError.message });
        state.attempt = null;
      }
      this._render();
      this._say(state.formMessage);
      this._focusSoon(apiError.status === 409 ? '[name="qty"]' : 'button[type="submit"]');
      emit(this, "locator:error", {
        kind: "reservation", status: apiError.status, message: apiError.message, problem: apiError.problem,
      });
    }
  }

  /** @param {any} reservation */
  _confirmationView(reservation) {
    const row = reservation.store;
    const titleId = uid("sl-c-title");
    const expires = reservation.expires_at
      ? this._t("holdUntil", { time: formatDateTime(reservation.expires_at, row.timezone, this._lang) })
      : null;
    if (reservation.cancelled) {
      return h("section", { class: "panel confirmation", part: "confirmation cancelled", "aria-labelledby": titleId },
        h("h2", { id: titleId, tabindex: "-1", text: this._t("cancelledTitle") }),
        h("p", { text: this._t("cancelledText", { product: reservation.productName }) }),
        h("div", { class: "actions" }, this._backButton()));
    }
    const token = reservation.token ?? reservation.reservation_token;
    return h("section", { class: "panel confirmation", part: "confirmation", "aria-labelledby": titleId },
      h("h2", { id: titleId, tabindex: "-1", text: this._t("confirmedTitle") }),
      h("p", { text: this._t("confirmedWhat", { qty: reservation.qty, product: reservation.productName, store: row.name }) }),
      row.address ? h("p", { class: "address", text: row.address }) : null,
      h("p", {}, h("span", { text: this._t("pickupCodeLabel") }), " ",
        h("strong", { class: "code", part: "pickup-code", text: reservation.pickup_code ?? "" })),
      expires ? h("p", { part: "expiry", class: "expiry", text: expires }) : null,
      reservation.id ? h("p", { class: "hint", text: this._t("reservationRef", { id: reservation.id }) }) : null,
      h("p", { class: "error-text", part: "form-message", hidden: !reservation.message, text: reservation.message ?? "" }),
      h("div", { class: "actions" }, this._backButton(), reservation.id && token ? h("button", {
        type: "button", part: "button cancel-button", "aria-disabled": reservation.cancelling ? "true" : null,
        text: reservation.cancelling ? this._t("cancelling") : this._t("cancelReservation"),
        onclick: () => this._cancelReservation(reservation, token),
      }) : null));
  }

  _backButton() {
    return h("button", {
      type: "button", part: "button back-button", text: this._t("back"), onclick: () => {
        this._state.view = "list";
        this._state.reservation = null;
        this._render();
        this._focusSoon(".results-heading");
        if (this._state.place) this._search(this._state.place);
      },
    });
  }

  /**
   * Cancel the reservation just made (the shopper changed their mind); the units are free at once.
   * @param {any} reservation
   * @param {string} token
   */
  async _cancelReservation(reservation, token) {
    if (reservation.cancelling) return;
    reservation.cancelling = true;
    reservation.message = null;
    this._render();
    try {
      await this._client.cancel(reservation.id, token);
      reservation.cancelling = false;
      reservation.cancelled = true;
      this._render();
      this._focusSoon(".confirmation h2");
      this._announce(this._t("cancelledTitle"));
      emit(this, "locator:cancelled", {
        reservationId: reservation.id, storeId: reservation.store.id, store: publicStore(reservation.store),
      });
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError("network", String(error));
      reservation.cancelling = false;
      reservation.message = apiError.retryable ? this._t("unreachable") : this._t("cancelFailed", { detail: apiError.message });
      this._render();
      this._say(reservation.message);
      this._focusSoon('[part~="cancel-button"]');
      emit(this, "locator:error", { kind: "cancel", status: apiError.status, message: apiError.message });
    }
  }

  // --- map --------------------------------------------------------------------------------

  async _ensureMap() {
    this._els.map.hidden = this._state.view !== "list";
    if (this._map || this._mapLoading) return;
    this._mapLoading = import("./map.js")
      .then(({ createMap, MAP_CSS }) => {
        if (!this.hasAttribute("map")) return;
        adoptStyles(this._shadow, [LOCATOR_CSS, MAP_CSS], SHEETS);
        this._map = createMap(this._els.map, {
          tileUrl: this._tileUrl(), attribution: this._tileAttribution(),
          onSelect: (/** @type {string} */ id) => this._selectFromMap(id),
        });
        this._map.update(this._mapRows(), this._state.place);
      })
      .catch((error) => {
        this._say(this._t("mapFailed"));
        emit(this, "locator:error", { kind: "map", message: String(error?.message || error) });
      })
      .finally(() => { this._mapLoading = null; });
    await this._mapLoading;
  }

  _dropMap() {
    this._map?.destroy();
    this._map = null;
    // A fresh container: Leaflet leaves its classes and state on the old one.
    const fresh = h("div", { class: "map", part: "map", hidden: true, "aria-label": this._t("mapLabel") });
    this._els.map.replaceWith(fresh);
    this._els.map = fresh;
  }

  // --- focus and announcements ------------------------------------------------------------

  /**
   * Focus an element of the shadow tree once the render is in place.
   * @param {string} selector
   * @param {boolean} [temporary] make a non-focusable element focusable for this once
   */
  _focusSoon(selector, temporary = false) {
    queueMicrotask(() => {
      const target = /** @type {HTMLElement | null} */ (this._shadow.querySelector(selector));
      if (!target) return;
      if (temporary && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
      if (temporary) target.scrollIntoView?.({ block: "nearest" });
    });
  }

  /** Announce politely (results, progress). @param {string} text */
  _announce(text) {
    const live = this._els.live;
    live.textContent = "";
    // A new text node after a tick makes screen readers speak the same words again.
    setTimeout(() => { live.textContent = text; }, 50);
  }

  /** Announce assertively (failures). @param {string} text */
  _say(text) {
    const alert = this._els.alert;
    alert.textContent = "";
    setTimeout(() => { alert.textContent = text; }, 50);
  }
}

/**
 * What events carry about a store.
 * @param {import("./results.js").StoreRow} row
 */
function publicStore(row) {
  return {
    id: row.id, name: row.name, address: row.address, lat: row.lat, lon: row.lon, timezone: row.timezone ?? null,
    distanceKm: row.distanceKm, level: row.level, availableQty: row.availableQty, openNow: row.openNow,
  };
}

/** @param {string} value */
function cssEscape(value) {
  return globalThis.CSS?.escape ? CSS.escape(value) : value.replace(/["\\]/g, "\\$&");
}
