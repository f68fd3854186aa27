/**
 * View: the reserve form of one store (quantity, name, email or phone, consent), with each
 * problem said at its field. Pure description from the state; what the shopper types goes to
 * the state as they type, and a render after a failed submit keeps the fields and the focus.
 * @module reserve-form
 */

import { h } from "./render.js";
import { maxQuantity } from "./reserve.js";

/**
 * @typedef {object} ReserveActions
 * @property {() => void} submit
 * @property {() => void} close
 * @property {(field: "qty" | "name" | "contact" | "consent", value: string | boolean) => void} input
 */

/**
 * Describe the reserve panel for `state.reserveRow`.
 * @param {import("./state.js").ViewContext} ctx
 * @param {import("./state.js").LocatorState} state
 * @param {ReserveActions} actions
 * @returns {import("./render.js").VElement}
 */
export function reserveFormView(ctx, state, actions) {
  const { t, id } = ctx;
  const row = /** @type {import("./results.js").StoreRow} */ (state.reserveRow);
  const max = maxQuantity(row);
  const ids = { title: id("r-title"), qty: id("r-qty"), name: id("r-name"), contact: id("r-contact"), consent: id("r-consent") };
  /** @param {string} field @param {string} fieldId */
  const errorFor = (field, fieldId) => h("p", {
    id: `${fieldId}-error`, class: "field-error", hidden: !state.formErrors[field],
    text: state.formErrors[field] ? t(state.formErrors[field], { max }) : "",
  });
  const invalid = (/** @type {string} */ field) => (state.formErrors[field] ? "true" : null);
  /** @param {"qty" | "name" | "contact"} field */
  const typed = (field) => (/** @type {Event} */ event) => {
    actions.input(field, /** @type {HTMLInputElement} */ (event.currentTarget).value);
  };
  const form = h("form", {
    class: "form", part: "form", novalidate: true, "aria-busy": String(state.submitting),
    onsubmit: (/** @type {Event} */ event) => {
      event.preventDefault();
      actions.submit();
    },
  },
  h("div", { class: "field" }, h("label", { for: ids.qty, text: t("quantity") }),
    h("input", {
      id: ids.qty, name: "qty", type: "number", inputmode: "numeric", min: "1", max: String(max), step: "1",
      class: "qty", required: true, value: state.form.qty, "aria-invalid": invalid("qty"),
      "aria-describedby": `${ids.qty}-hint ${ids.qty}-error`, oninput: typed("qty"),
    }),
    h("p", { id: `${ids.qty}-hint`, class: "hint", text: t("quantityHint", { n: max }) }), errorFor("qty", ids.qty)),
  h("div", { class: "field" }, h("label", { for: ids.name, text: t("name") }),
    h("input", {
      id: ids.name, name: "name", type: "text", autocomplete: "name", required: true, value: state.form.name,
      "aria-invalid": invalid("name"), "aria-describedby": `${ids.name}-error`, oninput: typed("name"),
    }),
    errorFor("name", ids.name)),
  h("div", { class: "field" }, h("label", { for: ids.contact, text: t("contact") }),
    h("input", {
      id: ids.contact, name: "contact", type: "text", autocomplete: "email", inputmode: "email", required: true,
      value: state.form.contact, "aria-invalid": invalid("contact"),
      "aria-describedby": `${ids.contact}-hint ${ids.contact}-error`, oninput: typed("contact"),
    }),
    h("p", { id: `${ids.contact}-hint`, class: "hint", text: t("contactHint") }), errorFor("contact", ids.contact)),
  h("div", { class: "field" }, h("label", { class: "check", for: ids.consent },
    h("input", {
      id: ids.consent, name: "consent", type: "checkbox", required: true, checked: state.form.consent,
      "aria-invalid": invalid("consent"), "aria-describedby": `${ids.consent}-error`,
      onchange: (/** @type {Event} */ event) => actions.input("consent", /** @type {HTMLInputElement} */ (event.currentTarget).checked),
    }),
    h("span", { text: t("consent") })), errorFor("consent", ids.consent)),
  h("p", { class: "error-text", part: "form-message", hidden: !state.formMessage, text: state.formMessage ?? "" }),
  h("div", { class: "actions" },
    h("button", {
      type: "submit", class: "primary", part: "button submit-button", "aria-disabled": state.submitting ? "true" : null,
      text: state.submitting ? t("reserving") : t("submitReserve"),
    }),
    h("button", { type: "button", part: "button back-button", text: t("back"), onclick: () => actions.close() })));
  return h("section", { key: "reserve", class: "panel", part: "reserve-panel", "aria-labelledby": ids.title },
    h("h2", { id: ids.title, tabindex: "-1", text: t("reserveTitle", { store: row.name }) }),
    h("p", { text: ctx.productName }),
    row.address ? h("p", { class: "address", text: row.address }) : null,
    row.level ? h("p", { class: `level level-${row.level}` }, h("span", { class: "dot", "aria-hidden": "true" }),
      h("span", { text: t(`level_${row.level}`) })) : null,
    form);
}
