/**
 * "Tell me when it's back": when no store within the radius has the product, or the shopper's
 * own store lacks it, offer a back-in-stock alert (POST /v1/alerts) for that store or any store
 * within the radius. The alert starts once the shopper follows the link emailed to them (double
 * opt-in); the widget says so. Its own small state, reset when the product or the place changes.
 * @module alert-form
 */

import { h } from "./render.js";
import { hasStock } from "./results.js";

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * @typedef {object} AlertState
 * @property {string} scope what the offer is for (sku, place, radius): a new one resets the rest
 * @property {boolean} open
 * @property {string} email
 * @property {boolean} consent
 * @property {"store" | "radius"} where
 * @property {Record<string, string>} errors
 * @property {"idle" | "sending" | "sent"} status
 * @property {string | null} message
 */

/** @returns {AlertState} */
export function createAlert(scope = "") {
  return { scope, open: false, email: "", consent: false, where: "store", errors: {}, status: "idle", message: null };
}

/**
 * What the offer is about, or null when there is nothing to offer: the product is in stock
 * within the radius and at the shopper's store (or the shopper has none there).
 * @param {import("./state.js").LocatorState} state
 * @param {string} sku
 * @param {string | null} myStoreId
 * @returns {{store: import("./results.js").StoreRow | null, radius: boolean} | null}
 */
export function alertOffer(state, sku, myStoreId) {
  if (!sku || state.status !== "ready" || !state.place) return null;
  const mine = state.rows.find((row) => row.id === myStoreId && row.level !== null) ?? null;
  const store = mine && !hasStock(mine) ? mine : null;
  const radius = !state.rows.some(hasStock);
  return store || radius ? { store, radius } : null;
}

/** Drives the alert form of one `<store-locator>`. */
export class AlertController {
  /** @param {any} host the element (its state, client, context and render) */
  constructor(host) {
    this.host = host;
    this.state = createAlert();
  }

  /** The state for the current offer (reset when the product, place or radius changed). */
  current() {
    const { _state: s, _sku: sku } = this.host;
    const scope = `${sku}|${s.place?.lat},${s.place?.lon}|${s.radiusKm}`;
    if (this.state.scope !== scope) this.state = createAlert(scope);
    return this.state;
  }

  open() {
    this.state.open = true;
    this.host.render();
    this.host._focusSoon('input[name="alert-email"]');
  }

  /** @param {"email" | "consent" | "where"} field @param {any} value */
  input(field, value) {
    // @ts-ignore: one of the typed fields
    this.state[field] = value;
    if (this.state.errors[field]) delete this.state.errors[field];
    if (field === "where") this.host.render(); // the sentence under the choice follows it
  }

  /** @param {{store: any, radius: boolean}} offer */
  async submit(offer) {
    const a = this.state;
    const host = this.host;
    if (a.status === "sending") return;
    a.errors = {};
    if (!EMAIL.test(a.email.trim())) a.errors.email = "alertErrEmail";
    if (!a.consent) a.errors.consent = "alertErrConsent";
    if (Object.keys(a.errors).length) {
      host.render();
      host._focusSoon(a.errors.email ? 'input[name="alert-email"]' : 'input[name="alert-consent"]');
      return;
    }
    const place = host._state.place;
    const atStore = offer.store && (a.where === "store" || !offer.radius);
    const body = { email: a.email.trim(), sku: host._sku, consent: true, lang: host._lang,
      ...(atStore ? { store_id: offer.store.id }
        : { lat: place.lat, lon: place.lon, radius_km: Math.min(500, Math.max(1, host._state.radiusKm)) }) };
    a.status = "sending";
    a.message = null;
    host.render();
    try {
      const alert = await host._client.request("POST", "/v1/alerts", { body });
      a.status = "sent";
      // A repeat of a confirmed alert answers it as it is (and sends no new email).
      a.message = host._t(alert?.status === "active" ? "alertActive" : "alertSent", { email: body.email });
      host._announcer.announce(a.message);
    } catch (error) {
      a.status = "idle";
      a.message = host._t("alertFailed", { detail: error?.message || String(error) });
      host._announcer.say(a.message);
    }
    host.render();
  }
}

/**
 * Describe the offer: a button, then the form, then what happens next.
 * @param {import("./state.js").ViewContext} ctx
 * @param {AlertState} a
 * @param {{store: import("./results.js").StoreRow | null, radius: boolean}} offer
 * @param {string} radius the radius in words ("50 km")
 * @param {AlertController} actions
 * @returns {import("./render.js").VElement}
 */
export function alertView(ctx, a, offer, radius, actions) {
  const { t, id } = ctx;
  const ids = { title: id("a-title"), email: id("a-email"), consent: id("a-consent"), form: id("a-form") };
  const box = (/** @type {any[]} */ ...children) => h("section", {
    key: "alert", class: "panel alert", part: "alert-panel", "aria-labelledby": ids.title,
  }, h("h3", { id: ids.title, text: t("alertTitle") }), ...children);
  if (a.status === "sent") return box(h("p", { class: "alert-sent", text: a.message }));
  if (!a.open) {
    return box(h("p", { text: t("alertLead", { product: ctx.productName }) }),
      h("div", { class: "actions" }, h("button", {
        type: "button", class: "primary", part: "button alert-button", "aria-expanded": "false",
        "aria-controls": ids.form, text: t("alertOffer"), onclick: () => actions.open(),
      })));
  }
  const error = (/** @type {string} */ field, /** @type {string} */ fieldId) => h("p", {
    id: `${fieldId}-error`, class: "field-error", hidden: !a.errors[field], text: a.errors[field] ? t(a.errors[field]) : "",
  });
  const both = Boolean(offer.store && offer.radius);
  const whereText = offer.store && (!offer.radius || a.where === "store")
    ? t("alertAtStore", { store: offer.store.name }) : t("alertNearby", { radius });
  const choice = (/** @type {"store" | "radius"} */ value, /** @type {string} */ label) => h("label", { class: "check" },
    h("input", { type: "radio", name: "alert-where", value, checked: a.where === value,
      onchange: () => actions.input("where", value) }),
    h("span", { text: label }));
  return box(h("form", {
    id: ids.form, class: "form", part: "alert-form", novalidate: true, "aria-busy": String(a.status === "sending"),
    onsubmit: (/** @type {Event} */ event) => { event.preventDefault(); actions.submit(offer); },
  },
  both ? h("fieldset", { class: "field" }, h("legend", { text: t("alertWhere") }),
    choice("store", t("alertAtStore", { store: /** @type {any} */ (offer.store).name })),
    choice("radius", t("alertNearby", { radius }))) : h("p", { text: whereText }),
  h("div", { class: "field" }, h("label", { for: ids.email, text: t("alertEmail") }),
    h("input", { id: ids.email, name: "alert-email", type: "email", autocomplete: "email", required: true,
      value: a.email, "aria-invalid": a.errors.email ? "true" : null, "aria-describedby": `${ids.email}-error`,
      oninput: (/** @type {Event} */ e) => actions.input("email", /** @type {HTMLInputElement} */ (e.currentTarget).value) }),
    error("email", ids.email)),
  h("div", { class: "field" }, h("label", { class: "check", for: ids.consent },
    h("input", { id: ids.consent, name: "alert-consent", type: "checkbox", required: true, checked: a.consent,
      "aria-invalid": a.errors.consent ? "true" : null, "aria-describedby": `${ids.consent}-error`,
      onchange: (/** @type {Event} */ e) => actions.input("consent", /** @type {HTMLInputElement} */ (e.currentTarget).checked) }),
    h("span", { text: t("alertConsent") })), error("consent", ids.consent)),
  h("p", { class: "error-text", part: "form-message", hidden: !a.message, text: a.message ?? "" }),
  h("div", { class: "actions" }, h("button", {
    type: "submit", class: "primary", part: "button alert-submit", "aria-disabled": a.status === "sending" ? "true" : null,
    text: a.status === "sending" ? t("alertSending") : t("alertSubmit"),
  }))));
}
