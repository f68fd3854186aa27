/**
 * `<store-locator>`: find a product in stores near the shopper and reserve it for pick-up.
 * This module is the element itself: attributes in, the public API (`focus()`, `searchAt()`),
 * and one `render()` that patches the views into the shadow root; the work is done by the
 * search and reserve controllers, the pictures by the view modules.
 *
 * Attributes: `api-key` (publishable key), `sku` (optional: without it, a plain store finder),
 * `lang` (fr|en), `radius-km`, `units` (km|mi), `map` (show a lazy map), `tile-url`,
 * `tile-attribution`, `api-base`, `lat`/`lon` (search there at once), `product-name`,
 * `country` (ISO code that the search box prefers, e.g. "FR").
 * Events (bubbling, composed): `locator:results`, `locator:store-selected`, `locator:reserved`,
 * `locator:cancelled`, `locator:error`. This module defines no tag: see define.js.
 * When nothing within the radius has the product, or the shopper's store lacks it, the list
 * offers a back-in-stock alert (alert-form.js).
 * @module store-locator
 */

import { AlertController, alertOffer, alertView } from "./alert-form.js";
import { createAnnouncer } from "./announcer.js";
import { ApiClient, apiBase } from "./api.js";
import { confirmationView } from "./confirmation.js";
import { SearchController } from "./controller.js";
import { adoptStyles, uid } from "./dom.js";
import { formatRadius, parseUnits } from "./format.js";
import { pickLang, t } from "./i18n.js";
import { createMapLoader } from "./map-loader.js";
import { parseRadius, placeFromAttributes } from "./places.js";
import { h, mount, patch, setProps } from "./render.js";
import { ReserveController } from "./reserve-controller.js";
import { reserveFormView } from "./reserve-form.js";
import { resultListView } from "./result-list.js";
import { searchFormView } from "./search-form.js";
import { createState, DEFAULT_RADIUS_KM, shownRows } from "./state.js";
import { defaultStorage, myStoreName, recall } from "./storage.js";
import { LOCATOR_CSS } from "./styles.js";

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
    this._state = createState();
    /** @type {Map<string, string>} */
    this._ids = new Map();
    /** @type {HTMLElement | null} */
    this._root = null;
    /** @type {ApiClient | null} */
    this._clientCache = null;
    this._announcer = createAnnouncer();
    this._map = createMapLoader({
      wanted: () => this.hasAttribute("map"),
      addStyles: (mapCss) => adoptStyles(this._shadow, [LOCATOR_CSS, mapCss], SHEETS),
      tiles: () => ({ url: this._tileUrl(), attribution: this._tileAttribution() }),
      current: () => ({ rows: this._mapRows(), place: this._state.place }),
      onSelect: (storeId) => this._searching.selectFromMap(storeId),
      onError: (error) => this._searching.mapFailed(error),
    });
    this._searching = new SearchController(this);
    this._reserving = new ReserveController(this, this._searching);
    this._alerting = new AlertController(this);
    const search = this._searching;
    const reserve = this._reserving;
    /** What the views' controls call. */
    this._actions = {
      searchText: (/** @type {string} */ text) => search.searchText(text),
      locate: () => search.useMyLocation(),
      setFilter: (/** @type {"inStockOnly" | "openNow"} */ name, /** @type {boolean} */ value) => search.setFilter(name, value),
      retry: () => search.retry(),
      clearFilters: () => search.clearFilters(),
      widen: () => search.widen(),
      chooseStore: (/** @type {import("./results.js").StoreRow} */ row) => search.chooseStore(row),
      reserve: (/** @type {import("./results.js").StoreRow} */ row) => reserve.open(row),
      input: (/** @type {"qty" | "name" | "contact" | "consent"} */ field, /** @type {string | boolean} */ value) => reserve.input(field, value),
      submit: () => reserve.submit(),
      close: () => reserve.close(),
      back: () => reserve.back(),
      cancel: (/** @type {import("./state.js").Reservation} */ reservation, /** @type {string} */ token) => reserve.cancel(reservation, token),
    };
  }

  connectedCallback() {
    if (!this._root) this._build();
    this.render();
    if (this.hasAttribute("map")) this._map.ensure();
    if (!this._state.place) this._searching.starting();
  }

  disconnectedCallback() {
    this._searching.abort();
  }

  /**
   * @param {string} name
   * @param {string | null} oldValue
   * @param {string | null} newValue
   */
  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue || !this._root) return;
    // Several attributes set in a row give one update, after the current task.
    const first = this._pending.size === 0;
    this._pending.add(name);
    if (first) queueMicrotask(() => this._applyChanges());
  }

  /** Focus the search box (used by host pages opening the locator from a `<stock-badge>`). */
  focus() {
    const input = this._searchInput();
    if (input) input.focus();
    else super.focus();
  }

  /**
   * Search around a point, as if the shopper had searched there.
   * @param {number} lat
   * @param {number} lon
   * @param {string} [label]
   * @returns {Promise<void>}
   */
  searchAt(lat, lon, label) {
    return this._searching.search({ lat, lon, label: label || this._t("yourLocation") });
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

  /** The API client for the current `api-base` and `api-key`. */
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
   * @returns {string}
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
      if (this.hasAttribute("map")) this._map.ensure();
      else this._map.drop();
    }
    if (changed.has("tile-url") || changed.has("tile-attribution")) {
      this._map.setTiles(this._tileUrl(), this._tileAttribution());
    }
    const refetch = ["api-key", "sku", "radius-km", "api-base"].some((name) => changed.has(name));
    const moved = changed.has("lat") || changed.has("lon");
    const attributePlace = placeFromAttributes(this.getAttribute("lat"), this.getAttribute("lon"), this._t("yourLocation"));
    if (moved && attributePlace) {
      this._searching.search(attributePlace);
    } else if (refetch && this._state.place) {
      if (changed.has("sku") || changed.has("api-key")) this._state.view = "list";
      this._searching.search(this._state.place);
    } else {
      this.render();
    }
  }

  _tileUrl() {
    const value = this.getAttribute("tile-url");
    return value === null ? DEFAULT_TILES : value.trim() === "none" ? "" : value.trim();
  }

  _tileAttribution() {
    return this.getAttribute("tile-attribution") ?? DEFAULT_ATTRIBUTION;
  }

  // --- rendering --------------------------------------------------------------------------

  _build() {
    this._state.radiusKm = parseRadius(this.getAttribute("radius-km"), DEFAULT_RADIUS_KM);
    this._root = /** @type {HTMLElement} */ (mount(h("section", {})));
    this._shadow.append(this._root);
  }

  /**
   * What the views are given besides the state.
   * @returns {import("./state.js").ViewContext}
   */
  _context() {
    const lang = this._lang;
    const sku = this._sku;
    return {
      t: (key, params) => t(lang, key, params),
      lang,
      units: this._units,
      sku,
      myStoreId: this._myStoreId(),
      productName: this.getAttribute("product-name") || this._state.product || t(lang, "product", { sku }),
      id: (name) => {
        let value = this._ids.get(name);
        if (!value) {
          value = uid(`sl-${name.split(":")[0]}`);
          this._ids.set(name, value);
        }
        return value;
      },
    };
  }

  /** Bring the shadow tree up to date with the state and the attributes; only what differs changes. */
  render() {
    const root = this._root;
    if (!root) return;
    const state = this._state;
    const ctx = this._context();
    const list = state.view === "list";
    let body;
    if (state.view === "reserve" && state.reserveRow) body = reserveFormView(ctx, state, this._actions);
    else if (state.view === "confirmation" && state.reservation) body = confirmationView(ctx, state.reservation, this._actions);
    else {
      body = resultListView(ctx, state, this._actions);
      const offer = alertOffer(state, ctx.sku, ctx.myStoreId);
      if (offer) {
        body.push(alertView(ctx, this._alerting.current(), offer,
          formatRadius(state.radiusKm, ctx.units, ctx.lang), this._alerting));
      }
    }
    setProps(root, { class: "root stack", part: "root", "aria-label": ctx.t("regionLabel"), lang: ctx.lang });
    this._map.show({ hidden: !list || !this.hasAttribute("map"), label: ctx.t("mapLabel") });
    patch(root, [
      searchFormView(ctx, state, this._actions),
      this._map.container,
      h("div", { key: "body", class: "stack", part: "body", "aria-busy": String(state.status === "loading") }, body),
      // Placed as they are: a render never re-creates or moves a live region.
      this._announcer.live,
      this._announcer.alert,
    ]);
    if (list) this._map.update(this._mapRows(), state.place);
  }

  _myStoreId() {
    return recall(this._storage, myStoreName(this._apiKey))?.id ?? null;
  }

  _mapRows() {
    return this._state.status === "ready" ? shownRows(this._state, this._sku, this._myStoreId()) : [];
  }

  /** @returns {HTMLInputElement | null} */
  _searchInput() {
    return this._root?.querySelector('input[name="q"]') ?? null;
  }

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
}
