import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { installFakeDocument } from "./fake-dom.js";

const { patch } = await import("../src/render.js");
const { deskTranslator } = await import("../src/desk/desk-i18n.js");
const { customerLabel, pickupsView } = await import("../src/desk/desk-views.js");
const { kioskTranslator, KIOSK_MESSAGES } = await import("../src/kiosk/kiosk-i18n.js");
const { DESK_MESSAGES } = await import("../src/desk/desk-i18n.js");

let document;

beforeEach(() => {
  document = installFakeDocument();
});

function reservation(id, code, status, customer) {
  return { id, pickup_code: code, status, customer, items: [{ sku: "DEMO-1", qty: 2 }], expires_at: "2026-12-03T17:00:00Z" };
}

function deskState(pickups, fresh = []) {
  return {
    now: new Date("2026-12-03T09:00:00Z"),
    desk: { store: { id: "645", name: "IKEA Rivoli", timezone: "Europe/Paris" } }, pickups, fresh: new Set(fresh),
    names: { "DEMO-1": "Blue sofa" }, cancelling: null, reason: "not_collected", codeInput: "", found: null,
    canScan: false, scanning: false, video: null,
  };
}

test("desk: the pick-up list shows code, who, items, status and the expiry in the store's time; new ones stand out", () => {
  const root = document.createElement("div");
  const actions = new Proxy({}, { get: () => () => {} });
  const list = [reservation("r1", "7KQ2MX", "held", { name: "Ada" }), reservation("r2", "9ZZ3AB", "ready", { name: null, phone: "0612345678" })];
  list[1].expires_at = "2026-12-04T23:30:00Z"; // Saturday 00:30 in Paris: not today
  patch(root, [pickupsView(deskState(list, ["r2"]), deskTranslator("en"), actions, "en")]);
  const cards = root.querySelectorAll("li");
  assert.equal(cards.length, 2);
  assert.match(cards[0].textContent, /7KQ2MX.*Ada.*To prepare/);
  assert.match(cards[0].textContent, /2 × Blue sofa/);
  assert.match(cards[0].textContent, /Held until .*18:00|Held until .*6:00/);  // 17:00 UTC is 18:00 in Paris
  assert.match(cards[1].textContent, /9ZZ3AB.*0612345678.*Ready/);
  assert.match(cards[0].textContent, /Ends today/);
  assert.match(cards[1].getAttribute("class"), /fresh/);
  assert.doesNotMatch(cards[1].textContent, /Ends today/);
  assert.doesNotMatch(cards[0].getAttribute("class"), /fresh/);
});

test("desk: who collects is the name, else the contact given", () => {
  assert.equal(customerLabel({ customer: { name: "Ada", email: "a@b.c" } }), "Ada");
  assert.equal(customerLabel({ customer: { name: null, email: "a@b.c" } }), "a@b.c");
  assert.equal(customerLabel({ customer: null }), "—");
});

test("desk and kiosk: every word exists in French and in English", () => {
  for (const messages of [DESK_MESSAGES, KIOSK_MESSAGES]) {
    assert.deepEqual(Object.keys(messages.fr).sort(), Object.keys(messages.en).sort());
  }
  assert.equal(kioskTranslator("fr")("qty", { n: 3 }), "3 disponibles");
  assert.equal(deskTranslator("en")("pickupsCount", { n: 1 }), "1 reservation to prepare or hand over");
});
