/**
 * `<store-desk>`: the store's screen for click & reserve, signed in with the store key (never a
 * tenant's secret key). It polls the pick-up list every `poll_seconds` (a conditional GET that
 * answers 304 while nothing changed) and alerts on a new reservation, visibly and, when switched
 * on, with a chime; staff mark reservations prepared, hand them over by pick-up code (typed or
 * scanned), cancel them with a reason, correct a count, and reserve at any store for the
 * customer present (the endless aisle).
 *
 * Attributes: `lang` (fr/en), `api-base` (API origin when not the script's).
 * @module desk/store-desk
 */

import { ApiError, apiBase } from "../api.js";
import { adoptStyles } from "../dom.js";
import { pickLang } from "../i18n.js";
import { h, patch } from "../render.js";
import { chime, unlockSound } from "./alert.js";
import { DeskClient } from "./desk-api.js";
import { deskTranslator } from "./desk-i18n.js";
import { DESK_CSS } from "./desk-styles.js";
import { aisleView, customerLabel, headerView, pickupsView, signInView } from "./desk-views.js";
import { canScan, scanOnce } from "./scanner.js";

const KEY_STORAGE = "locator-desk-key"; // sessionStorage: this tab only, gone when it closes
const sheets = new Map();
const BLANK_FORM = { qty: "1", name: "", email: "", phone: "" };

export class StoreDeskElement extends HTMLElement {
  static get observedAttributes() {
    return ["lang", "api-base"];
  }

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this.state = {
      lang: null, keyInput: "", signInError: null, busy: false, desk: null, tab: "pickups",
      pickups: [], etag: null, known: null, fresh: new Set(), names: {}, sound: false,
      note: "", alert: "", offline: false, cancelling: null, reason: "not_collected",
      codeInput: "", found: null, canScan: canScan(), scanning: false, video: null,
      aisle: { q: "", searched: "", products: null, product: null, rows: null, reserveAt: null,
        form: { ...BLANK_FORM }, created: null, busy: false, formError: null, correctQty: "" },
    };
    this.timer = null;
    this.inFlight = false;
    this.pollAgain = false;
    this.actions = this.makeActions();
  }

  connectedCallback() {
    adoptStyles(this.shadowRoot, [DESK_CSS], sheets);
    if (!this.root) {
      this.root = document.createElement("div");
      this.root.className = "root";
      this.root.setAttribute("part", "root");
      // Live regions exist from the start and are never re-created, so announcements are heard.
      this.status = document.createElement("p");
      this.status.className = "sr-only";
      this.status.setAttribute("role", "status");
      this.shadowRoot.append(this.root, this.status);
    }
    const saved = sessionStorage.getItem(KEY_STORAGE);
    if (saved && !this.state.desk) {
      this.state.keyInput = saved;
      this.actions.signIn();
    }
    this.render();
  }

  disconnectedCallback() {
    clearTimeout(this.timer);
    this.scan?.abort();
  }

  attributeChangedCallback() {
    if (this.root) this.render();
  }

  get lang2() {
    return this.state.lang || pickLang(this.getAttribute("lang"), document.documentElement.lang, navigator.languages);
  }

  client(key = this.state.keyInput.trim()) {
    return new DeskClient({ base: apiBase(this.getAttribute("api-base"), import.meta.url), key });
  }

  set(changes) {
    Object.assign(this.state, changes);
    this.render();
  }

  render() {
    const s = this.state;
    const lang = this.lang2;
    const t = deskTranslator(lang);
    this.root.setAttribute("lang", lang);
    const banner = [
      s.alert ? h("p", { key: "alert", class: "alert", part: "new-alert", role: "alert", text: s.alert }) : null,
      s.note ? h("p", { key: "note", class: "note", part: "note", text: s.note }) : null,
      s.offline ? h("p", { key: "offline", class: "error-text", text: t("unreachable") }) : null,
    ];
    const body = !s.desk ? [h("header", { key: "header", class: "bar" }, h("h1", { text: t("title") })),
      h("main", { key: "main" }, signInView(s, t, this.actions))] : [
      headerView(s, t, this.actions), ...banner,
      h("main", { key: "main" }, s.tab === "pickups" ? pickupsView(s, t, this.actions, lang) : aisleView(s, t, this.actions, lang)),
    ];
    patch(this.root, body);
  }

  /** Announce politely (the status region) and show the words as a note. */
  say(note) {
    this.state.note = note;
    this.status.textContent = note;
    this.render();
  }

  focus(selector) {
    requestAnimationFrame(() => this.shadowRoot.querySelector(selector)?.focus());
  }

  /** Fetch the list now (one request at a time: a poll asked for meanwhile runs right after). */
  async poll() {
    if (this.inFlight) {
      this.pollAgain = true;
      return;
    }
    clearTimeout(this.timer);
    const s = this.state;
    if (!s.desk) return;
    this.inFlight = true;
    let signedOut = false;
    try {
      const changed = await this.client().pickups(s.etag);
      s.offline = false;
      if (changed) this.receive(changed);
    } catch (error) {
      signedOut = error instanceof ApiError && error.status === 401;
      s.offline = error instanceof ApiError && error.kind === "network";
    } finally {
      this.inFlight = false;
    }
    if (signedOut) return this.actions.signOut();
    this.render();
    if (!s.desk) return;
    if (this.pollAgain) {
      this.pollAgain = false;
      return this.poll();
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.poll(), (s.desk.poll_seconds ?? 2) * 1000);
  }

  receive({ etag, body }) {
    const s = this.state;
    const t = deskTranslator(this.lang2);
    const list = body.reservations;
    const arrived = s.known ? list.filter((r) => !s.known.has(r.id)) : [];
    s.etag = etag;
    s.pickups = list;
    Object.assign(s.names, body.product_names ?? {});
    s.known = new Set([...(s.known ?? []), ...list.map((r) => r.id)]);
    if (arrived.length) {
      for (const r of arrived) s.fresh.add(r.id);
      s.alert = arrived.map((r) => t("newReservation", { code: r.pickup_code, who: customerLabel(r) })).join(" · ");
      if (s.sound) chime();
    }
  }

  makeActions() {
    const run = async (work) => {
      const t = deskTranslator(this.lang2);
      try {
        await work(t);
      } catch (error) {
        this.say(t("failed", { message: error?.message || String(error) }));
      }
    };
    return {
      set: (changes) => this.set(changes),
      signIn: async () => {
        const key = this.state.keyInput.trim();
        if (!key) return this.set({ signInError: "keyRefused" });
        this.set({ busy: true, signInError: null });
        try {
          const desk = await this.client(key).desk();
          sessionStorage.setItem(KEY_STORAGE, key);
          this.set({ desk, busy: false });
          this.focus("#pickups-title");
          this.poll();
        } catch (error) {
          const offline = error instanceof ApiError && error.kind === "network";
          this.set({ busy: false, signInError: offline ? "unreachable" : "keyRefused" });
          this.focus("#desk-key");
        }
      },
      signOut: () => {
        sessionStorage.removeItem(KEY_STORAGE);
        clearTimeout(this.timer);
        this.set({ desk: null, keyInput: "", pickups: [], etag: null, known: null, alert: "", note: "", found: null });
      },
      toggleSound: () => {
        const sound = !this.state.sound && unlockSound();
        this.set({ sound });
      },
      ready: (r) => run(async (t) => {
        await this.client().act(r.id, "ready");
        this.state.fresh.delete(r.id);
        this.say(t("readyNote", { code: r.pickup_code }));
        this.poll();
      }),
      cancel: (r) => run(async (t) => {
        await this.client().cancelWithReason(r.id, this.state.reason);
        this.state.cancelling = null;
        this.say(t("cancelledNote", { code: r.pickup_code }));
        this.poll();
      }),
      findCode: (code = this.state.codeInput) => run(async (t) => {
        const wanted = code.trim();
        if (!wanted) return;
        try {
          this.set({ found: await this.client().byCode(this.state.desk.store.id, wanted), note: "" });
          this.focus(".found button");
        } catch (error) {
          if (!(error instanceof ApiError && error.status === 404)) throw error;
          this.set({ found: null });
          this.say(t("codeNotFound", { code: wanted }));
        }
      }),
      handOver: (r) => run(async (t) => {
        // The life cycle is held → ready → collected: a held one handed over is prepared first.
        if (r.status === "held") await this.client().act(r.id, "ready");
        await this.client().act(r.id, "collect");
        this.state.found = null;
        this.state.codeInput = "";
        this.say(t("collectedNote", { code: r.pickup_code }));
        this.poll();
      }),
      toggleScan: () => {
        if (this.state.scanning) return this.scan?.abort();
        const video = document.createElement("video");
        video.setAttribute("playsinline", "");
        video.muted = true;
        this.scan = new AbortController();
        this.set({ scanning: true, video });
        scanOnce(video, this.scan.signal)
          .then((code) => { this.set({ codeInput: code, scanning: false }); this.actions.findCode(code); })
          .catch((error) => {
            this.set({ scanning: false });
            if (error?.name !== "AbortError") this.say(deskTranslator(this.lang2)("noCamera"));
          });
      },
      setAisle: (changes) => this.set({ aisle: { ...this.state.aisle, ...changes } }),
      setForm: (changes) => this.set({ aisle: { ...this.state.aisle, form: { ...this.state.aisle.form, ...changes } } }),
      searchProducts: () => run(async () => {
        const q = this.state.aisle.q.trim();
        if (!q) return;
        const { results } = await this.client().products(q);
        for (const p of results) this.state.names[p.sku] = p.name || p.sku;
        this.actions.setAisle({ products: results, searched: q, product: null, rows: null, created: null, reserveAt: null });
        if (results.length === 1) this.actions.chooseProduct(results[0]);
      }),
      chooseProduct: (product) => run(async () => {
        const { lat, lon } = this.state.desk.store.location;
        const { results } = await this.client().nearby(product.sku, lat, lon);
        const own = results.find((row) => row.store.id === this.state.desk.store.id);
        this.actions.setAisle({ product, rows: results, correctQty: own ? String(own.available_qty ?? "") : "" });
        this.focus("#stock-title");
      }),
      correct: () => run(async (t) => {
        const ai = this.state.aisle;
        const n = Number(ai.correctQty);
        if (!Number.isInteger(n) || n < 0) return;
        await this.client().correct(this.state.desk.store.id, ai.product.sku, n);
        this.say(t("correctedNote", { sku: ai.product.sku, n }));
        await this.actions.chooseProduct(ai.product);
      }),
      reserveAt: (row) => {
        this.actions.setAisle({ reserveAt: row, form: { ...BLANK_FORM }, formError: null, invalid: null });
        this.focus("#rf-title");
      },
      reserve: () => run(async (t) => {
        const ai = this.state.aisle;
        const f = ai.form;
        if (!f.name.trim()) return this.invalid("name", t("nameNeeded"));
        if (!f.email.trim() && !f.phone.trim()) return this.invalid("email", t("contactNeeded"));
        this.actions.setAisle({ busy: true, formError: null, invalid: null });
        try {
          const customer = { name: f.name.trim(), ...(f.email.trim() ? { email: f.email.trim() } : {}),
            ...(f.phone.trim() ? { phone: f.phone.trim() } : {}) };
          const created = await this.client().reserveFor({ store_id: ai.reserveAt.store.id,
            items: [{ sku: ai.product.sku, qty: Number(f.qty) || 1 }], customer });
          this.actions.setAisle({ created, busy: false, form: { ...BLANK_FORM } });
          this.focus("#created-title");
        } catch (error) {
          this.actions.setAisle({ busy: false, formError: t("failed", { message: error.message }) });
        }
      }),
      resetAisle: () => {
        this.actions.setAisle({ q: "", searched: "", products: null, product: null, rows: null, reserveAt: null, created: null, form: { ...BLANK_FORM } });
        this.focus("#aisle-q");
      },
    };
  }

  invalid(name, message) {
    this.actions.setAisle({ invalid: name, formError: message });
    this.focus(`#rf-${name}`);
  }
}
