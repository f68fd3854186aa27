/**
 * `<stock-badge>`: one line for a product page, "In stock at 3 stores near you", with the
 * nearest store. Activating it emits `locator:open` so the host page can open the locator.
 *
 * Where "near you" is: the `lat`/`lon` attributes, else the place last searched in a
 * `<store-locator>`, else the browser's position when the shopper already allowed it (the badge
 * never prompts for permission by itself), else it offers to check availability.
 * This module defines no tag: see define.js.
 * @module stock-badge
 */

import { ApiClient, ApiError, apiBase } from "./api.js";
import { adoptStyles, emit } from "./dom.js";
import { formatDistance, parseUnits } from "./format.js";
import { locate } from "./geo.js";
import { pickLang, t } from "./i18n.js";
import { parseRadius, placeFromAttributes } from "./places.js";
import { h, mount, patch, setProps } from "./render.js";
import { hasStock, orderRows, storesFromResponse } from "./results.js";
import { defaultStorage, LAST_PLACE, recall } from "./storage.js";
import { BADGE_CSS } from "./styles.js";

const DEFAULT_RADIUS_KM = 50;
const SCRIPT_URL = import.meta.url;
/** @type {Map<string, CSSStyleSheet>} */
const SHEETS = new Map();
const OBSERVED = ["api-key", "sku", "lang", "radius-km", "units", "api-base", "lat", "lon"];

export class StockBadgeElement extends HTMLElement {
  static get observedAttributes() {
    return OBSERVED;
  }

  constructor() {
    super();
    this._shadow = this.attachShadow({ mode: "open" });
    adoptStyles(this._shadow, [BADGE_CSS], SHEETS);
    this._seq = 0;
    this._scheduled = false;
    /** @type {{status: "idle" | "loading" | "ready" | "error", rows: import("./results.js").StoreRow[], place: any}} */
    this._state = { status: "idle", rows: [], place: null };
    /** @type {HTMLElement | null} */
    this._root = null;
  }

  connectedCallback() {
    if (!this._root) this._build();
    this._refresh();
  }

  disconnectedCallback() {
    this._seq += 1;
  }

  attributeChangedCallback(/** @type {string} */ _name, /** @type {string|null} */ oldValue, /** @type {string|null} */ newValue) {
    if (oldValue === newValue || !this._root || this._scheduled) return;
    this._scheduled = true;
    queueMicrotask(() => {
      this._scheduled = false;
      this._refresh();
    });
  }

  /** Focus the badge's button. */
  focus() {
    const button = this._root?.querySelector("button");
    if (button) button.focus();
    else super.focus();
  }

  /** The language in use (the native `lang` property stays the plain attribute). */
  get _lang() {
    return pickLang(this.getAttribute("lang"), document.documentElement.lang, navigator.languages);
  }

  /** Fetch again, e.g. after the shopper searched elsewhere. @returns {Promise<void>} */
  refresh() {
    return this._refresh();
  }

  _build() {
    this._root = /** @type {HTMLElement} */ (mount(h("span", { class: "root", part: "root" })));
    this._shadow.append(this._root);
  }

  async _place() {
    const attributes = placeFromAttributes(this.getAttribute("lat"), this.getAttribute("lon"), "");
    if (attributes) return attributes;
    const last = recall(defaultStorage(), LAST_PLACE);
    if (last && Number.isFinite(last.lat) && Number.isFinite(last.lon)) return last;
    // Only when already allowed: a badge asking for location on page load would be rude.
    try {
      const permission = await navigator.permissions?.query({ name: "geolocation" });
      if (permission?.state === "granted") {
        const point = await locate({ geolocation: navigator.geolocation, secure: window.isSecureContext });
        return { ...point, label: "" };
      }
    } catch {
      // No Permissions API or no position: the badge offers to check instead.
    }
    return null;
  }

  async _refresh() {
    const seq = ++this._seq;
    const sku = (this.getAttribute("sku") || "").trim();
    if (!sku) {
      this._state = { status: "idle", rows: [], place: null };
      this._render();
      return;
    }
    this._state = { ...this._state, status: "loading" };
    this._render();
    const place = await this._place();
    if (seq !== this._seq) return;
    if (!place) {
      this._state = { status: "idle", rows: [], place: null };
      this._render();
      return;
    }
    const client = new ApiClient({
      base: apiBase(this.getAttribute("api-base"), SCRIPT_URL), key: (this.getAttribute("api-key") || "").trim(),
    });
    try {
      const body = await client.availability({
        sku, lat: place.lat, lon: place.lon, radiusKm: parseRadius(this.getAttribute("radius-km"), DEFAULT_RADIUS_KM),
        countUnmet: false, // an automatic check: the shopper's own search is the one that counts
      });
      if (seq !== this._seq) return;
      this._state = { status: "ready", rows: orderRows(storesFromResponse(body), null), place };
    } catch (error) {
      if (seq !== this._seq) return;
      this._state = { status: "error", rows: [], place };
      const apiError = error instanceof ApiError ? error : new ApiError("network", String(error));
      emit(this, "locator:error", { kind: apiError.kind, status: apiError.status, message: apiError.message });
    }
    this._render();
  }

  _render() {
    if (!this._root) return;
    const lang = this._lang;
    const { status, rows } = this._state;
    const stocked = rows.filter(hasStock);
    const nearest = stocked[0];
    let state = "unknown";
    let text = t(lang, "badgeCheck");
    if (status === "loading") {
      state = "loading";
      text = t(lang, "badgeLoading");
    } else if (status === "ready" && stocked.length) {
      state = stocked.some((row) => row.level === "in_stock") ? "in" : "low";
      text = t(lang, "badgeInStock", { n: stocked.length });
    } else if (status === "ready") {
      state = "none";
      text = t(lang, "badgeNone");
    }
    const near = nearest
      ? t(lang, "badgeNearest", {
        store: nearest.name,
        distance: nearest.distanceKm === null ? "" : formatDistance(nearest.distanceKm, parseUnits(this.getAttribute("units")), lang),
      }) + (nearest.level === "low_stock" ? ` (${t(lang, "badgeLevelLow")})` : "")
      : "";
    setProps(this._root, { class: "root", part: "root", lang });
    patch(this._root, [h("button", {
      type: "button", class: `badge state-${state}`, part: `badge badge-${state}`,
      "aria-busy": String(status === "loading"), onclick: () => this._activate(),
    },
    h("span", { class: "dot", part: "dot", "aria-hidden": "true" }),
    h("span", { class: "text" },
      h("span", { class: "main", part: "text", text }),
      h("span", { class: "nearest", part: "nearest", hidden: !nearest, text: near })))]);
  }

  _activate() {
    const stocked = this._state.rows.filter(hasStock);
    const nearest = stocked[0] ?? null;
    emit(this, "locator:open", {
      sku: this.getAttribute("sku"),
      count: stocked.length,
      place: this._state.place,
      nearestStore: nearest && {
        id: nearest.id, name: nearest.name, distanceKm: nearest.distanceKm, level: nearest.level,
        lat: nearest.lat, lon: nearest.lon,
      },
    });
  }
}
