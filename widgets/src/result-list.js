/**
 * View: the results — progress, a failure with "try again", the heading and the list of stores,
 * or the empty state (clear the filters, a wider radius, the nearest stores without stock).
 * Pure description from the state; each store is keyed by its id, so a refresh updates the
 * entries in place and adds or removes only the stores that changed.
 * @module result-list
 */

import { formatDistance, formatRadius } from "./format.js";
import { h } from "./render.js";
import { maxQuantity } from "./reserve.js";
import { hasStock, openingLine, todayLine, widerRadius } from "./results.js";
import { emptyKey, filtersHideAll, shownRows, withoutStock } from "./state.js";

/** @typedef {import("./results.js").StoreRow} StoreRow */

/**
 * @typedef {object} ListActions
 * @property {() => void} retry
 * @property {() => void} clearFilters
 * @property {() => void} widen
 * @property {(row: StoreRow) => void} reserve
 * @property {(row: StoreRow) => void} chooseStore
 */

/**
 * The words of the empty state ("No store has this product in stock within 50 km.").
 * @param {import("./state.js").ViewContext} ctx
 * @param {import("./state.js").LocatorState} state
 * @returns {string}
 */
export function emptyMessage(ctx, state) {
  return ctx.t(emptyKey(state, ctx.sku), { radius: formatRadius(state.radiusKm, ctx.units, ctx.lang) });
}

/**
 * Describe what the list area shows for the state.
 * @param {import("./state.js").ViewContext} ctx
 * @param {import("./state.js").LocatorState} state
 * @param {ListActions} actions
 * @param {Date} [now]
 * @returns {import("./render.js").VElement[]}
 */
export function resultListView(ctx, state, actions, now = new Date()) {
  const { t, id } = ctx;
  if (state.status === "loading") {
    return [h("p", { key: "status", class: "status", part: "status", text: t("loading") })];
  }
  if (state.status === "error" && state.error) {
    return [h("div", { key: "error", class: "error-box", part: "error" },
      h("p", { text: t(state.error.key, state.error.params) }),
      h("div", { class: "actions" }, h("button", {
        type: "button", part: "button retry-button", text: t("retry"), onclick: () => actions.retry(),
      })))];
  }
  if (state.status !== "ready" || !state.place) return [];
  const shown = shownRows(state, ctx.sku, ctx.myStoreId);
  const heading = h("h2", {
    key: "heading", id: id("heading"), class: "results-heading", tabindex: "-1",
    text: t("resultsHeading", { place: state.place.label }),
  });
  if (shown.length) {
    return [heading, h("ol", { key: "results", class: "list", part: "list", "data-list": "results", "aria-labelledby": id("heading") },
      shown.map((row) => storeItem(ctx, row, true, actions, now)))];
  }
  const next = widerRadius(state.radiusKm);
  const hideAll = filtersHideAll(state, ctx.sku);
  const without = withoutStock(state, ctx.sku);
  return [
    heading,
    h("div", { key: "empty", class: "empty", part: "empty" },
      h("p", { text: emptyMessage(ctx, state) }),
      h("div", { class: "actions" },
        hideAll ? h("button", { type: "button", part: "button", text: t("clearFilters"), onclick: () => actions.clearFilters() }) : null,
        next ? h("button", {
          type: "button", class: "primary", part: "button widen-button",
          text: t("widen", { radius: formatRadius(next, ctx.units, ctx.lang) }), onclick: () => actions.widen(),
        }) : null)),
    without.length ? h("h3", { key: "without-heading", id: id("without"), text: t("nearestWithout") }) : null,
    without.length ? h("ol", { key: "without", class: "list", part: "list", "data-list": "without-stock", "aria-labelledby": id("without") },
      without.map((row) => storeItem(ctx, row, false, actions, now))) : null,
  ].filter((vnode) => vnode !== null);
}

/**
 * Describe one store of a list.
 * @param {import("./state.js").ViewContext} ctx
 * @param {StoreRow} row
 * @param {boolean} reservable
 * @param {ListActions} actions
 * @param {Date} now
 * @returns {import("./render.js").VElement}
 */
export function storeItem(ctx, row, reservable, actions, now) {
  const { t, lang, units } = ctx;
  const mine = row.id === ctx.myStoreId;
  const nameId = ctx.id(`store:${row.id}`);
  const opening = openingLine(row, lang, now);
  const today = todayLine(row, lang);
  const label = mine ? t("myStore") : t("setMyStore");
  return h("li", {
    key: row.id, class: mine ? "store mine" : "store", part: mine ? "store my-store" : "store", "data-store-id": row.id,
  }, h("article", { "aria-labelledby": nameId },
    h("div", { class: "store-head" },
      h("h3", { id: nameId, part: "store-name" }, row.name,
        mine ? h("span", { class: "mine-tag", part: "my-store-tag", text: t("myStore") }) : null),
      row.distanceKm === null ? null : h("span", {
        class: "distance", part: "distance", text: t("away", { distance: formatDistance(row.distanceKm, units, lang) }),
      })),
    row.address ? h("p", { class: "address", text: row.address }) : null,
    h("p", { class: "hours", part: "hours" },
      h("span", { class: `state-${opening.state}`, text: opening.text }),
      today ? ` · ${today}` : null),
    row.level ? h("p", { class: `level level-${row.level}`, part: `level level-${row.level}` },
      h("span", { class: "dot", "aria-hidden": "true" }),
      h("span", { text: t(`level_${row.level}`) }),
      row.availableQty !== null && row.level !== "out_of_stock"
        ? h("span", { text: `(${t("qtyAvailable", { n: row.availableQty })})` }) : null,
      row.stale ? h("span", { class: "simulated", text: `(${t("stale")})` }) : null,
      row.simulated ? h("span", { class: "simulated", text: `(${t("simulated")})` }) : null) : null,
    h("div", { class: "actions" },
      reservable && ctx.sku && hasStock(row) && maxQuantity(row) > 0 ? h("button", {
        key: "reserve", type: "button", class: "primary", part: "button reserve-button", "data-action": "reserve",
        "aria-label": t("reserveAt", { store: row.name }), text: t("reserve"), onclick: () => actions.reserve(row),
      }) : null,
      h("button", {
        key: "my-store", type: "button", part: "button my-store-button", "data-action": "my-store",
        // The visible words first, so that speech control ("click Make this my store") matches.
        "aria-pressed": String(mine), "aria-label": t("withStore", { label, store: row.name }),
        text: label, onclick: () => actions.chooseStore(row),
      }))));
}
