/**
 * View: the search form (postcode or town, "use my location"), the notice under it and the
 * filters. Pure description from the state; the box's typed value is the shopper's and is never
 * set by a render, so a refresh keeps it, and keeps the focus in it.
 * @module search-form
 */

import { h } from "./render.js";

/**
 * @typedef {object} SearchActions
 * @property {(text: string) => void} searchText
 * @property {() => void} locate
 * @property {(name: "inStockOnly" | "openNow", value: boolean) => void} setFilter
 */

/**
 * Describe the search form, the notice and the filters.
 * @param {import("./state.js").ViewContext} ctx
 * @param {import("./state.js").LocatorState} state
 * @param {SearchActions} actions
 * @returns {import("./render.js").VElement[]}
 */
export function searchFormView(ctx, state, actions) {
  const { t, id } = ctx;
  const list = state.view === "list";
  const error = state.searchError;
  const form = h("form", {
    key: "search", class: "search", role: "search", part: "search", novalidate: true,
    "aria-label": t("searchLandmark"), hidden: !list,
    onsubmit: (/** @type {SubmitEvent} */ event) => {
      event.preventDefault();
      const input = /** @type {HTMLFormElement} */ (event.currentTarget).querySelector("input");
      actions.searchText(input?.value ?? "");
    },
  },
  h("label", { for: id("q"), text: t("searchLabel") }),
  h("div", { class: "search-row" },
    h("input", {
      id: id("q"), type: "search", name: "q", autocomplete: "postal-code", enterkeyhint: "search",
      part: "input", "aria-describedby": `${id("q-error")} ${id("notice")}`, "aria-invalid": error ? "true" : null,
    }),
    h("button", { type: "submit", class: "primary", part: "button search-button", text: t("searchButton") })),
  h("p", { id: id("q-error"), class: "field-error", hidden: !error, text: error ? t(error.key, error.params) : "" }),
  h("button", {
    type: "button", class: "locate", part: "button locate-button", onclick: () => actions.locate(),
    text: state.locating ? t("locating") : t("locate"),
  }));
  const notice = h("p", {
    key: "notice", id: id("notice"), class: "notice", part: "notice", hidden: !list || !state.notice,
    text: state.notice ? t(state.notice) : "",
  });
  const filters = h("fieldset", { key: "filters", class: "filters", part: "filters", hidden: !list },
    h("legend", { text: t("filtersLegend") }),
    h("label", { class: "check", for: id("f-stock"), hidden: !ctx.sku },
      h("input", {
        id: id("f-stock"), type: "checkbox", checked: state.filters.inStockOnly,
        onchange: (/** @type {Event} */ event) => actions.setFilter("inStockOnly", checkedOf(event)),
      }),
      h("span", { text: t("inStockOnly") })),
    h("label", { class: "check", for: id("f-open") },
      h("input", {
        id: id("f-open"), type: "checkbox", checked: state.filters.openNow,
        onchange: (/** @type {Event} */ event) => actions.setFilter("openNow", checkedOf(event)),
      }),
      h("span", { text: t("openNowFilter") })));
  return [form, notice, filters];
}

/** @param {Event} event */
function checkedOf(event) {
  return /** @type {HTMLInputElement} */ (event.currentTarget).checked;
}
