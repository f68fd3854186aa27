import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { FakeEvent, installFakeDocument } from "./fake-dom.js";

const { patch } = await import("../src/render.js");
const { t } = await import("../src/i18n.js");
const { normalizeStore } = await import("../src/results.js");
const { createState } = await import("../src/state.js");
const { searchFormView } = await import("../src/search-form.js");
const { resultListView } = await import("../src/result-list.js");
const { reserveFormView } = await import("../src/reserve-form.js");
const { confirmationView } = await import("../src/confirmation.js");
const { createAnnouncer } = await import("../src/announcer.js");

const NOW = new Date("2026-11-26T10:00:00Z");
let document;

beforeEach(() => {
  document = installFakeDocument();
});

/** A view context in English, with ids that are stable per name. */
function context(overrides = {}) {
  return {
    t: (key, params) => t("en", key, params), lang: "en", units: "km", sku: "DEMO-1", myStoreId: null,
    productName: "Blue sofa", id: (name) => `id-${name.replace(":", "-")}`, ...overrides,
  };
}

/** Actions that record their calls. */
function recorder() {
  const calls = [];
  const actions = new Proxy({}, { get: (_, name) => (...args) => calls.push([name, ...args]) });
  return { calls, actions };
}

function row(id, { distance = 1.5, level = "in_stock", qty = null } = {}) {
  return normalizeStore({
    store: { id, name: `IKEA ${id}`, address: { street: "1 rue A", postcode: "69000", city: "Lyon" }, location: { lat: 45, lon: 4 }, open_now: true },
    distance_km: distance, level, available_qty: qty,
  });
}

function readyState(rows) {
  const state = createState();
  Object.assign(state, { status: "ready", place: { lat: 45, lon: 4, label: "Lyon, FR" }, rows });
  return state;
}

function show(nodes) {
  const parent = document.createElement("div");
  patch(parent, [nodes]);
  return parent;
}

const ids = (parent, list = "results") => parent.querySelectorAll(`ol[data-list="${list}"] li`).map((li) => li.getAttribute("data-store-id"));

test("search form: labelled box, described by its error and the notice; nothing set in the box", () => {
  const { actions } = recorder();
  const ctx = context();
  const parent = show(searchFormView(ctx, createState(), actions));
  const input = parent.querySelector('input[name="q"]');
  assert.equal(parent.querySelector("label").getAttribute("for"), input.id);
  assert.equal(parent.querySelector("label").textContent, "Postcode or town");
  assert.equal(input.getAttribute("aria-describedby"), "id-q-error id-notice");
  assert.equal(input.hasAttribute("aria-invalid"), false);
  assert.equal(parent.querySelector('[part~="search-button"]').textContent, "Search");
  assert.equal(parent.querySelector('[part~="locate-button"]').textContent, "Use my location");
  assert.equal(parent.querySelector('[part~="notice"]').hidden, true);
  assert.equal(parent.querySelector('[part~="filters"] legend').textContent, "Show only");
  assert.equal(input.value, "");
});

test("search form: an error, a notice, locating, and the stock filter only with a product", () => {
  const { actions } = recorder();
  const state = createState();
  Object.assign(state, { searchError: { key: "placeNotFound", params: { q: "Xq" } }, notice: "geo_denied", locating: true });
  let parent = show(searchFormView(context(), state, actions));
  assert.equal(parent.querySelector('input[name="q"]').getAttribute("aria-invalid"), "true");
  assert.match(parent.querySelector(".field-error").textContent, /No place found for “Xq”/);
  assert.equal(parent.querySelector(".field-error").hidden, false);
  assert.match(parent.querySelector('[part~="notice"]').textContent, /Location access was declined/);
  assert.equal(parent.querySelector('[part~="locate-button"]').textContent, "Finding your location…");
  const stockLabel = (node) => node.querySelectorAll("label.check")[0];
  assert.equal(stockLabel(parent).hidden, false);
  parent = show(searchFormView(context({ sku: "" }), state, actions));
  assert.equal(stockLabel(parent).hidden, true);
  state.view = "reserve";
  parent = show(searchFormView(context(), state, actions));
  for (const part of ["search", "notice", "filters"]) assert.equal(parent.querySelector(`[part~="${part}"]`).hidden, true, part);
});

test("search form: submitting searches what was typed; the filters report their box", () => {
  const { calls, actions } = recorder();
  const parent = show(searchFormView(context(), createState(), actions));
  parent.querySelector("input").value = "Lyon";
  const submit = new FakeEvent("submit");
  parent.querySelector("form").dispatchEvent(submit);
  assert.equal(submit.defaultPrevented, true);
  const open = parent.querySelectorAll('input[type="checkbox"]')[1];
  open.checked = true;
  open.dispatchEvent(new FakeEvent("change"));
  assert.deepEqual(calls, [["searchText", "Lyon"], ["setFilter", "openNow", true]]);
});

test("search form: re-rendered, the box keeps its node, its value and the focus", () => {
  const { actions } = recorder();
  const state = createState();
  const parent = show(searchFormView(context(), state, actions));
  const input = parent.querySelector("input");
  input.value = "Par";
  input.focus();
  state.searchError = { key: "searchEmpty" };
  patch(parent, [searchFormView(context(), state, actions)]);
  assert.equal(parent.querySelector("input"), input);
  assert.equal(input.value, "Par");
  assert.equal(document.activeElement, input);
});

test("result list: loading, then a failure with 'try again'", () => {
  const { calls, actions } = recorder();
  const state = createState();
  state.status = "loading";
  let parent = show(resultListView(context(), state, actions, NOW));
  assert.equal(parent.querySelector('[part~="status"]').textContent, "Searching for stores…");
  Object.assign(state, { status: "error", error: { key: "rejected", params: { status: 401 } } });
  parent = show(resultListView(context(), state, actions, NOW));
  assert.match(parent.querySelector('[part~="error"]').textContent, /refused the request \(401\)/);
  parent.querySelector('[part~="retry-button"]').dispatchEvent(new FakeEvent("click"));
  assert.deepEqual(calls, [["retry"]]);
  state.status = "idle";
  assert.deepEqual(resultListView(context(), state, actions, NOW), []);
});

test("result list: heading, stores nearest first, reserve only where there is stock", () => {
  const { calls, actions } = recorder();
  const state = readyState([row("far", { distance: 12 }), row("near", { level: "low_stock", qty: 2 }), row("out", { level: "out_of_stock" })]);
  state.filters.inStockOnly = false;
  const parent = show(resultListView(context(), state, actions, NOW));
  const heading = parent.querySelector("h2.results-heading");
  assert.equal(heading.textContent, "Stores near Lyon, FR");
  assert.equal(heading.getAttribute("tabindex"), "-1");
  assert.equal(parent.querySelector('ol[data-list="results"]').getAttribute("aria-labelledby"), heading.id);
  assert.deepEqual(ids(parent), ["near", "out", "far"]);
  const near = parent.querySelector('li[data-store-id="near"]');
  assert.equal(near.querySelector("h3").id, near.querySelector("article").getAttribute("aria-labelledby"));
  assert.equal(near.querySelector('[part~="distance"]').textContent, "1.5 km away");
  assert.equal(near.querySelector(".address").textContent, "1 rue A, 69000 Lyon");
  assert.match(near.querySelector('[part~="level"]').textContent, /Low stock\(2 available\)/);
  assert.equal(near.querySelector("p.level").getAttribute("part"), "level level-low_stock");
  assert.equal(near.querySelector('[data-action="reserve"]').getAttribute("aria-label"), "Reserve at IKEA near");
  assert.equal(parent.querySelector('li[data-store-id="out"] [data-action="reserve"]'), null);
  const mine = near.querySelector('[data-action="my-store"]');
  assert.equal(mine.getAttribute("aria-pressed"), "false");
  assert.equal(mine.getAttribute("aria-label"), "Make this my store – IKEA near");
  near.querySelector('[data-action="reserve"]').dispatchEvent(new FakeEvent("click"));
  mine.dispatchEvent(new FakeEvent("click"));
  assert.deepEqual(calls.map(([name, store]) => [name, store.id]), [["reserve", "near"], ["chooseStore", "near"]]);
});

test("result list: my store comes first, tagged and pressed", () => {
  const { actions } = recorder();
  const parent = show(resultListView(context({ myStoreId: "b" }), readyState([row("a"), row("b", { distance: 5 })]), actions, NOW));
  assert.deepEqual(ids(parent), ["b", "a"]);
  const mine = parent.querySelector('li[data-store-id="b"]');
  assert.equal(mine.getAttribute("part"), "store my-store");
  assert.equal(mine.querySelector('[part~="my-store-tag"]').textContent, "My store");
  assert.equal(mine.querySelector('[data-action="my-store"]').getAttribute("aria-pressed"), "true");
});

test("result list: a refresh keeps the entries of the stores still listed, and only changes what differs", () => {
  const { actions } = recorder();
  const state = readyState([row("a"), row("b", { distance: 3 }), row("c", { distance: 6 })]);
  const parent = show(resultListView(context(), state, actions, NOW));
  const [a, , c] = parent.querySelectorAll("li");
  const heading = parent.querySelector("h2");
  document.log.length = 0;
  state.rows = [row("a"), row("c", { distance: 6, level: "low_stock" }), row("d", { distance: 9 })];
  patch(parent, [resultListView(context(), state, actions, NOW)]);
  assert.deepEqual(ids(parent), ["a", "c", "d"]);
  assert.equal(parent.querySelector('li[data-store-id="a"]'), a);
  assert.equal(parent.querySelector('li[data-store-id="c"]'), c);
  assert.equal(parent.querySelector("h2"), heading);
  // Nothing inside store a changed: no change was made in it.
  assert.equal(document.log.some((entry) => a.contains(entry.node) || entry.parent && a.contains(entry.parent)), false);
});

test("result list: no stock nearby offers a wider radius and lists the nearest stores without it", () => {
  const { calls, actions } = recorder();
  const state = readyState([row("x", { level: "out_of_stock" }), row("y", { distance: 3, level: "out_of_stock" })]);
  const parent = show(resultListView(context(), state, actions, NOW));
  assert.equal(parent.querySelector('[part~="empty"] p').textContent, "No store has this product in stock within 50 km.");
  const widen = parent.querySelector('[part~="widen-button"]');
  assert.equal(widen.textContent, "Search within 100 km");
  assert.equal(parent.querySelector("h3").textContent, "Nearest stores, currently without stock");
  assert.deepEqual(ids(parent, "without-stock"), ["x", "y"]);
  assert.equal(parent.querySelector('ol[data-list="without-stock"] [data-action="reserve"]'), null);
  widen.dispatchEvent(new FakeEvent("click"));
  assert.deepEqual(calls, [["widen"]]);
});

test("result list: when the filters hide every store, 'show all stores' clears them", () => {
  const { calls, actions } = recorder();
  const state = readyState([row("a")]);
  state.filters.openNow = true;
  state.rows[0].openNow = false;
  state.radiusKm = 500;
  const parent = show(resultListView(context({ lang: "fr", t: (key, params) => t("fr", key, params) }), state, actions, NOW));
  // French puts a no-break space (of one width or another) between number and unit.
  assert.equal(parent.querySelector('[part~="empty"] p').textContent.replace(/[\u00a0\u202f]/g, " "),
    "Aucun magasin à moins de 500 km ne correspond aux filtres.");
  assert.equal(parent.querySelector('[part~="widen-button"]'), null, "500 km is the widest");
  assert.equal(parent.querySelector('ol[data-list="without-stock"]'), null);
  parent.querySelector('[part~="empty"] button').dispatchEvent(new FakeEvent("click"));
  assert.deepEqual(calls, [["clearFilters"]]);
});

test("reserve form: labelled fields, hints, the shopper's values, errors at their fields", () => {
  const { calls, actions } = recorder();
  const state = createState();
  state.view = "reserve";
  state.reserveRow = row("a", { qty: 4 });
  state.form = { qty: "2", name: "Camille", contact: "", consent: false };
  state.formErrors = { contact: "err_contact", consent: "err_consent" };
  state.formMessage = "Please correct 2 fields.";
  const parent = show(reserveFormView(context(), state, actions));
  const panel = parent.querySelector('[part~="reserve-panel"]');
  assert.equal(panel.querySelector("h2").textContent, "Reserve at IKEA a");
  assert.equal(panel.getAttribute("aria-labelledby"), panel.querySelector("h2").id);
  assert.equal(panel.querySelectorAll("p")[0].textContent, "Blue sofa");
  const qty = panel.querySelector('input[name="qty"]');
  assert.equal(qty.value, "2");
  assert.equal(qty.getAttribute("max"), "4");
  assert.equal(panel.querySelector(`p[id="${qty.id}-hint"]`).textContent, "Up to 4 units.");
  assert.equal(panel.querySelector('input[name="name"]').value, "Camille");
  assert.equal(panel.querySelector('input[name="name"]').hasAttribute("aria-invalid"), false);
  assert.equal(panel.querySelector('input[name="contact"]').getAttribute("aria-invalid"), "true");
  assert.equal(panel.querySelectorAll(".field-error").filter((p) => !p.hidden).length, 2);
  assert.equal(panel.querySelector('[part~="form-message"]').textContent, "Please correct 2 fields.");
  assert.equal(panel.querySelector('[part~="submit-button"]').textContent, "Reserve for pick-up");
  const name = panel.querySelector('input[name="name"]');
  name.value = "Camille Martin";
  name.dispatchEvent(new FakeEvent("input"));
  const consent = panel.querySelector('input[name="consent"]');
  consent.checked = true;
  consent.dispatchEvent(new FakeEvent("change"));
  panel.querySelector('[part~="back-button"]').dispatchEvent(new FakeEvent("click"));
  parent.querySelector("form").dispatchEvent(new FakeEvent("submit"));
  assert.deepEqual(calls, [["input", "name", "Camille Martin"], ["input", "consent", true], ["close"], ["submit"]]);
});

test("reserve form: while sending, the button says so; the fields stay the same nodes", () => {
  const { actions } = recorder();
  const state = createState();
  Object.assign(state, { view: "reserve", reserveRow: row("a") });
  const parent = show(reserveFormView(context(), state, actions));
  const name = parent.querySelector('input[name="name"]');
  name.focus();
  state.submitting = true;
  patch(parent, [reserveFormView(context(), state, actions)]);
  const submit = parent.querySelector('[part~="submit-button"]');
  assert.equal(submit.textContent, "Reserving…");
  assert.equal(submit.getAttribute("aria-disabled"), "true");
  assert.equal(parent.querySelector("form").getAttribute("aria-busy"), "true");
  assert.equal(parent.querySelector('input[name="name"]'), name);
  assert.equal(document.activeElement, name);
});

test("confirmation: pick-up code, expiry in the store's time, cancel; then the cancelled words", () => {
  const { calls, actions } = recorder();
  const store = { ...row("a"), timezone: "Europe/Paris" };
  const reservation = {
    id: "r1", pickup_code: "K7M2QX", expires_at: "2026-11-27T17:30:00Z", token: "tok", store, qty: 2, productName: "Blue sofa",
  };
  let parent = show(confirmationView(context(), reservation, actions));
  const section = parent.querySelector('[part~="confirmation"]');
  assert.equal(section.querySelector("h2").textContent, "Your reservation is confirmed");
  assert.equal(section.querySelectorAll("p")[0].textContent, "2 × Blue sofa at IKEA a");
  assert.equal(section.querySelector('[part~="pickup-code"]').textContent, "K7M2QX");
  assert.match(section.querySelector('[part~="expiry"]').textContent.replace(/\s/g, " "), /Friday, November 27 at 6:30 PM \(store time\)/);
  assert.equal(section.querySelector('[part~="form-message"]').hidden, true);
  section.querySelector('[part~="cancel-button"]').dispatchEvent(new FakeEvent("click"));
  section.querySelector('[part~="back-button"]').dispatchEvent(new FakeEvent("click"));
  assert.deepEqual(calls, [["cancel", reservation, "tok"], ["back"]]);
  parent = show(confirmationView(context(), { ...reservation, token: undefined }, actions));
  assert.equal(parent.querySelector('[part~="cancel-button"]'), null, "no token, no cancel");
  parent = show(confirmationView(context(), { ...reservation, cancelled: true }, actions));
  assert.equal(parent.querySelector('[part~="cancelled"] h2').textContent, "Your reservation is cancelled");
  assert.equal(parent.querySelector("p").textContent, "The store no longer holds Blue sofa for you.");
});

test("announcer: the same two live regions, emptied then given the words after a tick", () => {
  const pending = [];
  const announcer = createAnnouncer((callback, ms) => pending.push([callback, ms]));
  assert.equal(announcer.live.getAttribute("role"), "status");
  assert.equal(announcer.live.getAttribute("aria-live"), "polite");
  assert.equal(announcer.live.getAttribute("aria-atomic"), "true");
  assert.equal(announcer.alert.getAttribute("role"), "alert");
  const { live, alert } = announcer;
  live.textContent = "old words";
  announcer.announce("3 stores near Lyon.");
  assert.equal(live.textContent, "");
  announcer.say("The store service cannot be reached.");
  for (const [callback, ms] of pending) {
    assert.equal(ms, 50);
    callback();
  }
  assert.equal(live.textContent, "3 stores near Lyon.");
  assert.equal(alert.textContent, "The store service cannot be reached.");
  assert.equal(announcer.live, live);
});
