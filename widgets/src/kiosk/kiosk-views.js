/**
 * The kiosk's views: pure descriptions (render.js) from its state and actions, in large touch
 * targets. Every view is keyed by the session, so a reset drops every node the customer touched.
 * @module kiosk/kiosk-views
 */

import { formatDateTime, formatDistance } from "../format.js";
import { qrCode } from "../qr-code.js";
import { h } from "../render.js";

/** @param {any} s state @param {Function} t @param {any} a actions @param {string} lang */
export function kioskView(s, t, a, lang) {
  const body = s.created ? doneView(s, t, a, lang)
    : s.reserveAt ? formView(s, t, a)
      : s.product ? stockView(s, t, a, lang)
        : searchView(s, t, a);
  return h("div", { key: `session-${s.session}`, class: "kiosk" },
    h("header", { class: "bar" },
      h("h1", { id: "k-title", tabindex: "-1", text: t("welcome") }),
      s.store ? h("p", { class: "here", text: t("here", { store: s.store.name }) }) : null,
      h("button", { type: "button", lang: t("otherLangCode"), text: t("otherLang"), onclick: () => a.setLang(t("otherLangCode")) })),
    h("main", {}, body,
      s.error ? h("p", { class: "error-text", role: "alert", text: s.error }) : null));
}

function searchView(s, t, a) {
  return h("section", { class: "panel", "aria-label": t("welcome") },
    h("form", { class: "row", role: "search", novalidate: true, onsubmit: (e) => { e.preventDefault(); a.search(); } },
      h("div", { class: "field" },
        h("label", { for: "k-q", text: t("searchLabel") }),
        h("input", { id: "k-q", type: "search", autocomplete: "off", value: s.q, oninput: (e) => a.set({ q: e.target.value }) })),
      h("button", { type: "submit", class: "primary", "aria-disabled": s.busy ? "true" : null, text: s.busy ? t("searching") : t("search") })),
    s.products && !s.products.length ? h("p", { class: "hint", role: "status", text: t("noProduct", { q: s.searched }) }) : null,
    s.products?.length ? h("h2", { id: "k-choose", tabindex: "-1", text: t("choose") }) : null,
    s.products?.length ? h("ul", { class: "choices" }, s.products.map((p) => h("li", { key: p.sku },
      h("button", { type: "button", part: "product", text: p.name ? `${p.name} (${p.sku})` : p.sku, onclick: () => a.choose(p) })))) : null);
}

function stockView(s, t, a, lang) {
  return h("section", { class: "panel", "aria-labelledby": "k-stock" },
    h("h2", { id: "k-stock", tabindex: "-1", text: t("stockHeading", { product: s.product.name || s.product.sku }) }),
    h("ul", { class: "stores", part: "kiosk-stores" }, s.rows.map((row) => {
      const own = row.store.id === s.store.id;
      const qty = typeof row.available_qty === "number" ? t("qty", { n: row.available_qty }) : "";
      return h("li", { key: row.store.id, class: own ? "own" : "", part: own ? "kiosk-store own-store" : "kiosk-store" },
        h("p", { class: "name" }, h("strong", { text: own ? `${row.store.name} (${t("thisStore")})` : row.store.name }),
          own || row.store.distance_km === null ? null : ` · ${formatDistance(row.store.distance_km, "km", lang)}`),
        h("p", { class: `level level-${row.level}`, text: [t(`level_${row.level}`), qty].filter(Boolean).join(" · ") }),
        row.level === "out_of_stock" ? null
          : h("button", { type: "button", class: "primary", text: t("reserveHere", { store: row.store.name }), onclick: () => a.reserveAt(row) }));
    })),
    h("div", { class: "actions" }, h("button", { type: "button", text: t("startOver"), onclick: () => a.reset() })));
}

function formView(s, t, a) {
  return h("form", { class: "panel", novalidate: true, "aria-labelledby": "k-form", onsubmit: (e) => { e.preventDefault(); a.reserve(); } },
    h("h2", { id: "k-form", tabindex: "-1", text: t("formHeading", { store: s.reserveAt.store.name }) }),
    h("div", { class: "field" },
      h("label", { for: "k-contact", text: t("contactLabel") }),
      h("input", { id: "k-contact", type: "text", inputmode: "email", autocomplete: "off", value: s.contact,
        "aria-describedby": "k-contact-hint", "aria-invalid": s.invalid ? "true" : null, oninput: (e) => a.set({ contact: e.target.value }) }),
      h("p", { id: "k-contact-hint", class: "hint", text: t("contactHint") })),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", "aria-disabled": s.busy ? "true" : null, text: s.busy ? t("reserving") : t("reserve") }),
      h("button", { type: "button", text: t("back"), onclick: () => a.set({ reserveAt: null, contact: "", error: null }) })));
}

function doneView(s, t, a, lang) {
  const r = s.created;
  const store = s.reserveAt.store;
  return h("section", { class: "panel done", part: "kiosk-confirmation", "aria-labelledby": "k-done" },
    h("h2", { id: "k-done", tabindex: "-1", text: t("doneTitle", { code: r.pickup_code }) }),
    h("p", { text: t("doneText", { store: store.name, time: formatDateTime(r.expires_at, store.timezone, lang) }) }),
    h("p", {}, h("strong", { class: "code", part: "pickup-code", text: r.pickup_code })),
    qrCode(r.pickup_code, t("qrLabel", { code: r.pickup_code }), "pickup-qr"),
    h("p", { class: "hint", text: t("clears") }),
    h("button", { type: "button", class: "primary", text: t("done"), onclick: () => a.reset() }));
}
