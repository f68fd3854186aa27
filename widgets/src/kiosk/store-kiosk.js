/**
 * `<store-kiosk>`: the shop widget for an in-store terminal. It shows this store's stock first,
 * then the nearest stores', in large touch targets; reserving asks for a phone number or an
 * e-mail address only; after `idle-seconds` (default 60) without a touch or a key, and
 * `confirm-seconds` (default 20) after a confirmation, it resets and forgets everything the
 * customer typed. It never writes to localStorage or sessionStorage.
 *
 * Attributes: `api-key` (publishable), `store-id`, `lang` (fr/en), `idle-seconds`,
 * `confirm-seconds`, `api-base`. Events: `locator:reserved` (without the contact), `kiosk:reset`.
 * @module kiosk/store-kiosk
 */

import { ApiClient, ApiError, apiBase, idempotencyKey, queryString } from "../api.js";
import { adoptStyles, emit } from "../dom.js";
import { pickLang } from "../i18n.js";
import { patch } from "../render.js";
import { KIOSK_CSS } from "./kiosk-styles.js";
import { kioskTranslator } from "./kiosk-i18n.js";
import { kioskView } from "./kiosk-views.js";

const sheets = new Map();
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ACTIVITY = ["pointerdown", "keydown", "input", "wheel"];

/** The customer's part of the state: everything a reset forgets. */
function blankSession(session) {
  return { session, q: "", searched: "", products: null, product: null, rows: null, reserveAt: null,
    contact: "", invalid: false, created: null, busy: false, error: null, lang: null };
}

/** Read a number of seconds from an attribute, else the default. */
function seconds(value, fallback) {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export class StoreKioskElement extends HTMLElement {
  static get observedAttributes() {
    return ["api-key", "store-id", "lang", "api-base"];
  }

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this.state = { store: null, ...blankSession(1) };
    this.idleTimer = null;
    this.onActivity = () => this.armIdle();
    this.actions = {
      set: (changes) => this.set(changes),
      setLang: (lang) => this.set({ lang }),
      search: () => this.search(),
      choose: (product) => this.choose(product),
      reserveAt: (row) => { this.set({ reserveAt: row, error: null }); this.focus("#k-form"); },
      reserve: () => this.reserve(),
      reset: () => this.reset(),
    };
  }

  connectedCallback() {
    adoptStyles(this.shadowRoot, [KIOSK_CSS], sheets);
    if (!this.root) {
      this.root = document.createElement("div");
      this.root.className = "root";
      this.root.setAttribute("part", "root");
      this.root.setAttribute("role", "region");
      this.shadowRoot.append(this.root);
    }
    for (const type of ACTIVITY) this.addEventListener(type, this.onActivity, { capture: true });
    this.loadStore();
    this.render();
  }

  disconnectedCallback() {
    for (const type of ACTIVITY) this.removeEventListener(type, this.onActivity, { capture: true });
    clearTimeout(this.idleTimer);
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (!this.root || oldValue === newValue) return;
    if (name === "store-id" || name === "api-key") this.loadStore();
    this.render();
  }

  get lang2() {
    return this.state.lang || pickLang(this.getAttribute("lang"), document.documentElement.lang, navigator.languages);
  }

  get t() {
    return kioskTranslator(this.lang2);
  }

  client() {
    return new ApiClient({ base: apiBase(this.getAttribute("api-base"), import.meta.url), key: this.getAttribute("api-key") || "" });
  }

  set(changes) {
    Object.assign(this.state, changes);
    this.render();
  }

  render() {
    this.root.setAttribute("lang", this.lang2);
    this.root.setAttribute("aria-label", this.t("region"));
    patch(this.root, [kioskView(this.state, this.t, this.actions, this.lang2)]);
  }

  focus(selector) {
    requestAnimationFrame(() => this.shadowRoot.querySelector(selector)?.focus());
  }

  /** Start (again) the countdown to a reset: the idle time, or the shorter one after a confirmation. */
  armIdle() {
    clearTimeout(this.idleTimer);
    const wait = this.state.created ? seconds(this.getAttribute("confirm-seconds"), 20) : seconds(this.getAttribute("idle-seconds"), 60);
    this.idleTimer = setTimeout(() => this.reset(), wait * 1000);
  }

  /** Forget the customer: a new session key makes render.js drop every node they touched. */
  reset() {
    clearTimeout(this.idleTimer);
    this.key = null; // the next customer's reservation is a new one
    this.state = { store: this.state.store, ...blankSession(this.state.session + 1) };
    this.render();
    this.focus("#k-title");
    emit(this, "kiosk:reset", {});
  }

  async run(work) {
    try {
      await work();
    } catch (error) {
      const offline = error instanceof ApiError && error.kind === "network";
      this.set({ busy: false, error: offline ? this.t("unreachable") : this.t("failed", { message: error?.message || String(error) }) });
    }
  }

  loadStore() {
    const id = this.getAttribute("store-id");
    if (!id || !this.getAttribute("api-key")) return;
    this.run(async () => this.set({ store: await this.client().request("GET", `/v1/stores/${encodeURIComponent(id)}`) }));
  }

  search() {
    const q = this.state.q.trim();
    if (!q || this.state.busy) return;
    this.armIdle();
    this.run(async () => {
      this.set({ busy: true, error: null });
      const { results } = await this.client().request("GET", `/v1/products${queryString({ q, limit: 6 })}`);
      this.set({ busy: false, products: results, searched: q });
      if (results.length === 1) this.choose(results[0]);
      else if (results.length) this.focus("#k-choose");
    });
  }

  choose(product) {
    const store = this.state.store;
    if (!store) return;
    this.run(async () => {
      const { lat, lon } = store.location;
      const { results } = await this.client().availability({ sku: product.sku, lat, lon, radiusKm: 100, limit: 6 });
      // This store first, whatever the rounding of distances says, then the nearest others.
      const rows = [...results.filter((r) => r.store.id === store.id), ...results.filter((r) => r.store.id !== store.id)];
      this.set({ product, rows, error: null });
      this.focus("#k-stock");
    });
  }

  reserve() {
    const s = this.state;
    const contact = s.contact.trim();
    const customer = EMAIL.test(contact) ? { email: contact } : { phone: contact };
    if (!contact || (!customer.email && !/^\+?[\d\s().\-/]{6,}$/.test(contact))) {
      this.set({ invalid: true, error: this.t("contactNeeded") });
      this.focus("#k-contact");
      return;
    }
    if (s.busy) return;
    this.key ??= idempotencyKey();
    this.run(async () => {
      this.set({ busy: true, invalid: false, error: null });
      const created = await this.client().reserve({ store_id: s.reserveAt.store.id, items: [{ sku: s.product.sku, qty: 1 }], customer }, this.key);
      this.key = null;
      this.set({ busy: false, created, contact: "" });
      this.armIdle();
      this.focus("#k-done");
      emit(this, "locator:reserved", { reservationId: created.id, pickupCode: created.pickup_code, expiresAt: created.expires_at,
        storeId: s.reserveAt.store.id, sku: s.product.sku, qty: 1 });
    });
  }
}
