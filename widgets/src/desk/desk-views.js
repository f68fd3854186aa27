/**
 * The desk's views: pure descriptions (render.js) from the desk's state and its actions.
 * @module desk/desk-views
 */

import { dayInZone, formatDateTime, formatDistance } from "../format.js";
import { qrCode } from "../qr-code.js";
import { h } from "../render.js";

const REASONS = ["not_collected", "changed_mind", "unavailable", "other"];

/** Who collects, as the desk shows it: the name, else the contact given. */
export function customerLabel(reservation) {
  const c = reservation.customer || {};
  return c.name || c.phone || c.email || "—";
}

/** @param {any} s state @param {Function} t @param {any} a actions */
export function signInView(s, t, a) {
  return h("section", { key: "signin", class: "panel", "aria-labelledby": "signin-title" },
    h("h2", { id: "signin-title", tabindex: "-1", text: t("signInTitle") }),
    h("form", { class: "form", novalidate: true, onsubmit: (e) => { e.preventDefault(); a.signIn(); } },
      h("div", { class: "field" },
        h("label", { for: "desk-key", text: t("keyLabel") }),
        h("input", { id: "desk-key", type: "password", autocomplete: "off", value: s.keyInput, "aria-describedby": "desk-key-hint desk-key-error",
          "aria-invalid": s.signInError ? "true" : null, oninput: (e) => a.set({ keyInput: e.target.value }) }),
        h("p", { id: "desk-key-hint", class: "hint", text: t("keyHint") }),
        h("p", { id: "desk-key-error", class: "error-text", text: s.signInError ? t(s.signInError) : "" })),
      h("button", { type: "submit", class: "primary", "aria-disabled": s.busy ? "true" : null, text: s.busy ? t("signingIn") : t("signIn") })));
}

/** @param {any} s @param {Function} t @param {any} a */
export function headerView(s, t, a) {
  return h("header", { key: "header", class: "bar" },
    h("h1", { text: `${t("title")} · ${s.desk.store.name}` }),
    h("nav", { class: "tabs", "aria-label": t("title") },
      ["pickups", "aisle"].map((tab) => h("button", { key: tab, type: "button", "aria-pressed": String(s.tab === tab),
        class: s.tab === tab ? "primary" : "", text: t(tab === "pickups" ? "tabPickups" : "tabAisle"), onclick: () => a.set({ tab }) }))),
    h("div", { class: "tools" },
      h("button", { type: "button", "aria-pressed": String(s.sound), text: s.sound ? t("soundOn") : t("soundOff"), onclick: () => a.toggleSound() }),
      h("button", { type: "button", lang: t("otherLangCode"), text: t("otherLang"), onclick: () => a.set({ lang: t("otherLangCode") }) }),
      h("button", { type: "button", text: t("signOut"), onclick: () => a.signOut() })));
}

/** @param {any} s @param {Function} t @param {any} a */
export function pickupsView(s, t, a, lang) {
  const tz = s.desk.store.timezone;
  const list = s.pickups;
  const today = dayInZone(s.now ?? new Date(), tz); // "due today" in the store's calendar
  return h("section", { key: "pickups", class: "panel", "aria-labelledby": "pickups-title" },
    handoverView(s, t, a, lang),
    h("h2", { id: "pickups-title", tabindex: "-1", text: t("pickupsHeading") }),
    h("p", { class: "hint", text: list.length ? t("pickupsCount", { n: list.length }) : t("pickupsEmpty") }),
    h("ul", { class: "pickups", part: "pickup-list" }, list.map((r) => h("li", {
      key: r.id, class: `pickup status-${r.status}${s.fresh.has(r.id) ? " fresh" : ""}`, part: "pickup", "data-id": r.id },
      h("div", { class: "who" },
        h("strong", { class: "code", text: r.pickup_code }),
        h("span", { class: "name", text: customerLabel(r) }),
        h("span", { class: `badge badge-${r.status}`, text: t(`status_${r.status}`) }),
        dayInZone(r.expires_at, tz) === today ? h("span", { class: "badge badge-today", text: t("dueToday") }) : null),
      h("p", { class: "items", text: r.items.map((i) => `${i.qty} × ${s.names[i.sku] || i.sku}`).join(", ") }),
      h("p", { class: "hint", text: t("expires", { time: formatDateTime(r.expires_at, tz, lang) }) }),
      s.cancelling === r.id ? cancelForm(r, s, t, a) : h("div", { class: "actions" },
        r.status === "held" ? h("button", { type: "button", class: "primary", text: t("markReady"), onclick: () => a.ready(r) }) : null,
        h("button", { type: "button", text: t("notCollected"), onclick: () => a.set({ cancelling: r.id, reason: REASONS[0] }) }))))));
}

function cancelForm(r, s, t, a) {
  const id = `reason-${r.id}`;
  return h("form", { class: "actions", onsubmit: (e) => { e.preventDefault(); a.cancel(r); } },
    h("label", { for: id, text: t("reasonLabel") }),
    h("select", { id, onchange: (e) => a.set({ reason: e.target.value }) },
      REASONS.map((reason) => h("option", { key: reason, value: reason, selected: s.reason === reason, text: t(`reason_${reason}`) }))),
    h("button", { type: "submit", class: "primary", text: t("confirmCancel") }),
    h("button", { type: "button", text: t("keep"), onclick: () => a.set({ cancelling: null }) }));
}

function handoverView(s, t, a, lang) {
  const found = s.found;
  return h("div", { key: "handover", class: "handover", role: "group", "aria-labelledby": "handover-title" },
    h("h2", { id: "handover-title", text: t("handoverHeading") }),
    h("form", { class: "row", novalidate: true, onsubmit: (e) => { e.preventDefault(); a.findCode(); } },
      h("div", { class: "field" },
        h("label", { for: "desk-code", text: t("codeLabel") }),
        h("input", { id: "desk-code", type: "text", autocomplete: "off", autocapitalize: "characters", spellcheck: "false",
          value: s.codeInput, oninput: (e) => a.set({ codeInput: e.target.value }) })),
      h("button", { type: "submit", class: "primary", text: t("find") }),
      s.canScan ? h("button", { type: "button", text: s.scanning ? t("stopScan") : t("scan"), onclick: () => a.toggleScan() }) : null),
    s.scanning ? h("p", { class: "hint", text: t("scanning") }) : null,
    s.scanning ? s.video : null,
    found ? h("div", { class: "found", part: "found" },
      h("p", {}, h("strong", { class: "code", text: found.pickup_code }), " ", h("span", { text: customerLabel(found) }), " ",
        h("span", { class: `badge badge-${found.status}`, text: t(`status_${found.status}`) })),
      h("p", { class: "items", text: found.items.map((i) => `${i.qty} × ${s.names[i.sku] || i.sku}`).join(", ") }),
      h("p", { class: "hint", text: t("expires", { time: formatDateTime(found.expires_at, s.desk.store.timezone, lang) }) }),
      h("button", { type: "button", class: "primary", text: t("handOver"), onclick: () => a.handOver(found) })) : null);
}

/** @param {any} s @param {Function} t @param {any} a */
export function aisleView(s, t, a, lang) {
  const ai = s.aisle;
  return h("section", { key: "aisle", class: "panel", "aria-labelledby": "aisle-title" },
    h("h2", { id: "aisle-title", tabindex: "-1", text: t("tabAisle") }),
    h("form", { class: "row", role: "search", novalidate: true, onsubmit: (e) => { e.preventDefault(); a.searchProducts(); } },
      h("div", { class: "field" },
        h("label", { for: "aisle-q", text: t("searchLabel") }),
        h("input", { id: "aisle-q", type: "search", autocomplete: "off", value: ai.q, oninput: (e) => a.setAisle({ q: e.target.value }) })),
      h("button", { type: "submit", class: "primary", text: t("search") })),
    ai.products && !ai.products.length ? h("p", { class: "hint", text: t("noProduct", { q: ai.searched }) }) : null,
    ai.products?.length && !ai.product ? h("ul", { class: "choices" }, ai.products.map((p) => h("li", { key: p.sku },
      h("button", { type: "button", text: `${p.name || p.sku} · ${p.sku}${p.gtin ? ` · ${p.gtin}` : ""}`, onclick: () => a.chooseProduct(p) })))) : null,
    ai.product && !ai.reserveAt && !ai.created ? stockView(s, t, a, lang) : null,
    ai.reserveAt && !ai.created ? reserveView(s, t, a) : null,
    ai.created ? createdView(s, t, a, lang) : null);
}

function stockView(s, t, a, lang) {
  const ai = s.aisle;
  const own = s.desk.store.id;
  return h("div", { key: "stock" },
    h("h3", { tabindex: "-1", id: "stock-title", text: t("availabilityHeading", { product: ai.product.name || ai.product.sku }) }),
    h("ul", { class: "stores", part: "aisle-stores" }, (ai.rows || []).map((row) => h("li", { key: row.store.id, class: row.store.id === own ? "own" : "" },
      h("span", { class: "name", text: row.store.id === own ? `${row.store.name} (${t("thisStore")})` : row.store.name }),
      h("span", { class: "hint", text: row.store.distance_km === null || row.store.distance_km === undefined ? "" : formatDistance(row.store.distance_km, "km", lang) }),
      h("strong", { class: "qty", text: row.available_qty > 0 ? t("qty", { n: row.available_qty }) : t("none") }),
      row.available_qty > 0 ? h("button", { type: "button", class: "primary", text: t("reserveHere", { store: row.store.name }), onclick: () => a.reserveAt(row) }) : null))),
    h("form", { class: "row", novalidate: true, onsubmit: (e) => { e.preventDefault(); a.correct(); } },
      h("div", { class: "field" },
        h("label", { for: "correct-qty", text: t("correctLabel") }),
        h("input", { id: "correct-qty", type: "number", min: "0", step: "1", inputmode: "numeric", value: ai.correctQty, oninput: (e) => a.setAisle({ correctQty: e.target.value }) })),
      h("button", { type: "submit", text: t("correctSave") })),
    h("button", { type: "button", class: "link", text: t("back"), onclick: () => a.setAisle({ product: null, rows: null }) }));
}

function reserveView(s, t, a) {
  const ai = s.aisle;
  const f = ai.form;
  const field = (name, type, label, extra = {}) => h("div", { class: "field" },
    h("label", { for: `rf-${name}`, text: label }),
    h("input", { id: `rf-${name}`, name, type, value: f[name], "aria-invalid": ai.invalid === name ? "true" : null,
      oninput: (e) => a.setForm({ [name]: e.target.value }), ...extra }));
  return h("form", { key: "reserve", class: "form", novalidate: true, "aria-labelledby": "rf-title", onsubmit: (e) => { e.preventDefault(); a.reserve(); } },
    h("h3", { id: "rf-title", tabindex: "-1", text: t("reserveHeading", { store: ai.reserveAt.store.name }) }),
    field("qty", "number", t("quantity"), { min: "1", max: String(ai.reserveAt.available_qty), inputmode: "numeric" }),
    field("name", "text", t("name"), { autocomplete: "off" }),
    field("email", "email", t("email"), { autocomplete: "off" }),
    field("phone", "tel", t("phone"), { autocomplete: "off" }),
    h("p", { class: "error-text", role: "alert", text: ai.formError ?? "" }),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", "aria-disabled": ai.busy ? "true" : null, text: ai.busy ? t("reserving") : t("reserve") }),
      h("button", { type: "button", text: t("back"), onclick: () => a.setAisle({ reserveAt: null }) })));
}

function createdView(s, t, a, lang) {
  const r = s.aisle.created;
  const store = s.aisle.reserveAt.store;
  return h("div", { key: "created", class: "created", part: "aisle-confirmation" },
    h("h3", { id: "created-title", tabindex: "-1", text: t("reservedTitle", { code: r.pickup_code }) }),
    h("p", { text: t("reservedAt", { store: store.name, time: formatDateTime(r.expires_at, store.timezone, lang) }) }),
    h("p", {}, h("strong", { class: "code", part: "pickup-code", text: r.pickup_code })),
    qrCode(r.pickup_code, t("qrLabel", { code: r.pickup_code }), "aisle-qr"),
    h("button", { type: "button", class: "primary", text: t("newCustomer"), onclick: () => a.resetAisle() }));
}
