/**
 * The /reports page: asks for a secret key (or reads a signed link from the URL's fragment),
 * loads the unmet-demand report, and shows totals, a weekly chart, tables and, when asked, a
 * map of the areas (a lazily loaded chunk). Everything a reader sees is in French or English.
 * @module reports/index
 */

import { createChart } from "./chart.js";
import { pickLang, t } from "./messages.js";
import {
  COUNT_COLUMNS, areaName, chartSeries, dayLabel, defaultPeriod, linkFromHash, rowsFor, weekLabel,
} from "./model.js";

/** @typedef {import("./messages.js").Lang} Lang */

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));

const state = {
  /** @type {Lang} */
  lang: pickLang(new URLSearchParams(location.search).get("lang"), navigator.languages ?? []),
  /** @type {Record<string, string> | null} */
  credentials: null,
  /** @type {any} */
  report: null,
  /** @type {string | null} */
  area: null,
  /** @type {ReturnType<typeof createChart> | null} */
  chart: null,
  /** @type {any} */
  map: null,
};

/**
 * Create an element with text and attributes (never HTML from data).
 * @param {string} tag
 * @param {Record<string, string>} [attributes]
 * @param {(Node | string)[]} [children]
 */
function el(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function translatePage() {
  document.documentElement.lang = state.lang;
  document.title = t(state.lang, "pageTitle");
  for (const node of document.querySelectorAll("[data-i18n]")) {
    node.textContent = t(state.lang, /** @type {HTMLElement} */ (node).dataset.i18n ?? "");
  }
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.setAttribute("aria-pressed", String(/** @type {HTMLElement} */ (button).dataset.lang === state.lang));
  }
  $("chart").setAttribute("aria-label", t(state.lang, "chartLabel"));
  $("map").setAttribute("aria-label", t(state.lang, "mapLabel"));
  if (state.report) show();
}

/** @param {string} text @param {boolean} [isError] */
function say(text, isError = false) {
  $("status").textContent = isError ? "" : text;
  $("error").textContent = isError ? text : "";
}

function query(format = "json") {
  const params = new URLSearchParams({ from: $("from").value, to: $("to").value, format });
  const sku = $("sku").value.trim();
  if (sku) params.set("sku", sku);
  return `/v1/reports/unmet-demand?${params}`;
}

/** @param {string} format */
async function fetchReport(format) {
  let response;
  try {
    response = await fetch(query(format), { headers: state.credentials ?? {} });
  } catch {
    throw new Error(t(state.lang, "networkError"));
  }
  if (response.status === 401 || response.status === 403) throw new Error(t(state.lang, "badKey"));
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.detail || `HTTP ${response.status}`);
  }
  return response;
}

async function load() {
  say(t(state.lang, "loading"));
  try {
    state.report = await (await fetchReport("json")).json();
  } catch (error) {
    say(t(state.lang, "error", { detail: /** @type {Error} */ (error).message }), true);
    return;
  }
  $("access").hidden = true;
  $("filters").hidden = false;
  $("report").hidden = false;
  if (state.area && !state.report.areas.some((/** @type {any} */ a) => a.area === state.area)) state.area = null;
  show();
  const { totals } = state.report;
  say(totals.unmet || totals.reservations_expired || totals.alerts_created
    ? t(state.lang, "loaded", {
      from: dayLabel(state.report.from, state.lang), to: dayLabel(state.report.to, state.lang), unmet: totals.unmet,
    })
    : t(state.lang, "empty"));
}

async function downloadCsv() {
  try {
    const blob = await (await fetchReport("csv")).blob();
    const link = el("a", { href: URL.createObjectURL(blob), download: `unmet-demand-${$("from").value}-${$("to").value}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  } catch (error) {
    say(t(state.lang, "error", { detail: /** @type {Error} */ (error).message }), true);
  }
}

/** @param {number} n */
const number = (n) => new Intl.NumberFormat(state.lang).format(n);

/**
 * Fill a table: a header row of message keys, then one row per item.
 * @param {string} id
 * @param {string[]} headers message keys
 * @param {(string | number)[][]} rows
 */
function fillTable(id, headers, rows) {
  const table = $(id);
  table.replaceChildren(
    el("thead", {}, [el("tr", {}, headers.map((key) => el("th", { scope: "col" }, [t(state.lang, key)])))]),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((cell, i) => (
      i === 0 ? el("th", { scope: "row" }, [String(cell)]) : el("td", typeof cell === "number" ? { class: "num" } : {},
        [typeof cell === "number" ? number(cell) : cell])))))),
  );
}

function show() {
  const report = state.report;
  const lang = state.lang;
  const areaByCell = new Map(report.areas.map((/** @type {any} */ a) => [a.area, a]));
  const nameOf = (/** @type {any} */ row) => areaName(areaByCell.get(row.area) ?? row, lang);

  $("totals").replaceChildren(...COUNT_COLUMNS.flatMap((key) => [
    el("dt", {}, [t(lang, key)]), el("dd", { "data-total": key }, [number(report.totals[key])])]));
  $("truncated").hidden = !report.truncated;

  const select = $("area");
  select.replaceChildren(el("option", { value: "" }, [t(lang, "allAreas")]),
    ...report.areas.filter((/** @type {any} */ a) => a.area)
      .map((/** @type {any} */ a) => el("option", { value: a.area }, [`${areaName(a, lang)} — ${number(a.unmet)}`])));
  select.value = state.area ?? "";

  state.chart ??= createChart($("chart"));
  state.chart.update(chartSeries(report, state.area, lang));

  fillTable("products", ["product", "unmet", "searches", "basket_lines", "reservations_refused",
    "reservations_expired", "alerts_created", "areas"],
  report.products.map((/** @type {any} */ p) => [p.name ? `${p.name} (${p.sku})` : p.sku, p.unmet, p.searches,
    p.basket_lines, p.reservations_refused, p.reservations_expired, p.alerts_created, p.areas]));
  fillTable("areas-table", ["area", "unmet", "topProducts", "nearestStore"],
    report.areas.map((/** @type {any} */ a) => [areaName(a, lang), a.unmet, a.top_skus.join(", "),
      a.nearest_store ? `${a.nearest_store.name ?? a.nearest_store.id} (${a.nearest_store.id})` : "—"]));
  fillTable("rows", ["week", "area", "product", "unmet", "searches", "basket_lines", "reservations_refused",
    "reservations_expired"],
  rowsFor(report, state.area).slice(0, 100).map((/** @type {any} */ r) => [weekLabel(r.week, lang), nameOf(r),
    r.name ? `${r.name} (${r.sku})` : r.sku, r.unmet, r.searches, r.basket_lines, r.reservations_refused,
    r.reservations_expired]));
  state.map?.update(report.areas, (/** @type {any} */ a) => areaName(a, lang));
}

async function toggleMap() {
  const wanted = $("show-map").checked;
  $("map").hidden = !wanted;
  if (!wanted || state.map) return;
  try {
    const { createAreaMap, MAP_CSS } = await import("./area-map.js");
    document.head.append(el("style", {}, [MAP_CSS]));
    state.map = createAreaMap($("map"), {
      tileUrl: document.body.dataset.tileUrl ?? "",
      onSelect: (area) => { state.area = area; show(); },
    });
    if (state.report) state.map.update(state.report.areas, (/** @type {any} */ a) => areaName(a, state.lang));
  } catch (error) {
    say(t(state.lang, "error", { detail: /** @type {Error} */ (error).message }), true);
  }
}

function start() {
  const period = defaultPeriod(new Date());
  $("from").value = period.from;
  $("to").value = period.to;
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.addEventListener("click", () => {
      state.lang = /** @type {Lang} */ (/** @type {HTMLElement} */ (button).dataset.lang);
      translatePage();
    });
  }
  $("access").addEventListener("submit", (/** @type {Event} */ event) => {
    event.preventDefault();
    const key = $("key").value.trim();
    if (!key) return;
    state.credentials = { "X-Api-Key": key };
    load();
  });
  $("filters").addEventListener("submit", (/** @type {Event} */ event) => {
    event.preventDefault();
    load();
  });
  $("csv").addEventListener("click", downloadCsv);
  $("area").addEventListener("change", () => { state.area = $("area").value || null; show(); });
  $("show-map").addEventListener("change", toggleMap);
  translatePage();
  const link = linkFromHash(location.hash);
  if (link) {
    state.credentials = { "X-Report-Link": link };
    load();
  }
}

start();
