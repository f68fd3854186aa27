import assert from "node:assert/strict";
import { test } from "node:test";

import { MAX_QTY, maxQuantity, parseContact, reservationBody, validateReservation } from "../src/reserve.js";

test("a contact is an email address or a phone number", () => {
  assert.deepEqual(parseContact(" camille@example.fr "), { kind: "email", value: "camille@example.fr" });
  assert.deepEqual(parseContact("06 12 34 56 78"), { kind: "phone", value: "0612345678" });
  assert.deepEqual(parseContact("+33 (0)6.12.34.56.78"), { kind: "phone", value: "+330612345678" });
  assert.equal(parseContact("camille@"), null);
  assert.equal(parseContact("12"), null);
  assert.equal(parseContact(""), null);
  assert.equal(parseContact(undefined), null);
});

test("the most one may reserve follows the stock, capped", () => {
  assert.equal(maxQuantity({ availableQty: 3, level: "low_stock" }), 3);
  assert.equal(maxQuantity({ availableQty: 40, level: "in_stock" }), MAX_QTY);
  assert.equal(maxQuantity({ availableQty: 0, level: "out_of_stock" }), 0);
  assert.equal(maxQuantity({ availableQty: null, level: "in_stock" }), MAX_QTY);
  assert.equal(maxQuantity({ availableQty: null, level: "low_stock" }), 3);
});

test("every field is checked, in the order of the form", () => {
  const errors = validateReservation({ qty: "0", name: " ", contact: "nope", consent: false }, 5);
  assert.deepEqual(Object.keys(errors), ["qty", "name", "contact", "consent"]);
  assert.deepEqual(validateReservation({ qty: "6", name: "Camille", contact: "c@example.fr", consent: true }, 5),
    { qty: "err_qty" });
  assert.deepEqual(validateReservation({ qty: "1.5", name: "Camille", contact: "c@example.fr", consent: true }, 5),
    { qty: "err_qty" });
  assert.deepEqual(validateReservation({ qty: "2", name: "Camille", contact: "0612345678", consent: true }, 5), {});
});

test("the request body matches POST /v1/reservations", () => {
  assert.deepEqual(reservationBody({
    storeId: "562", sku: "DEMO-2001", form: { qty: "2", name: " Camille Martin ", contact: "c@example.fr", consent: true },
  }), {
    store_id: "562", items: [{ sku: "DEMO-2001", qty: 2 }], customer: { name: "Camille Martin", email: "c@example.fr" },
  });
  assert.deepEqual(reservationBody({
    storeId: "1", sku: "S", form: { qty: 1, name: "A", contact: "06 12 34 56 78", consent: true },
  }).customer, { name: "A", phone: "0612345678" });
  const form = { qty: 1, name: "A", contact: "a@example.fr", consent: true };
  assert.equal(reservationBody({ storeId: "1", sku: "S", form, lang: "fr" }).lang, "fr");
  assert.equal("lang" in reservationBody({ storeId: "1", sku: "S", form, lang: "de" }), false);
});
