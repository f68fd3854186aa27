/**
 * The reservation form: validation and the request body. Pure module.
 * @module reserve
 */

/** The most units one shopper may reserve at once in the widget, whatever the stock. */
export const MAX_QTY = 10;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?\d{6,15}$/;

/**
 * Tell whether a contact is an email address or a phone number (spaces, dots, dashes and
 * brackets in phone numbers are allowed and dropped), or null when it is neither.
 * @param {string} value
 * @returns {{kind: "email" | "phone", value: string} | null}
 */
export function parseContact(value) {
  const text = String(value ?? "").trim();
  if (EMAIL.test(text)) return { kind: "email", value: text };
  const digits = text.replace(/[\s.\-()]/g, "");
  if (PHONE.test(digits)) return { kind: "phone", value: digits };
  return null;
}

/**
 * The most a shopper may reserve in a store: the known available quantity, capped at MAX_QTY;
 * MAX_QTY when the quantity is not exposed (the API refuses with 409 if it is short).
 * @param {{availableQty: number | null, level: string | null}} row
 * @returns {number}
 */
export function maxQuantity(row) {
  if (row.availableQty === null || row.availableQty === undefined) {
    return row.level === "low_stock" ? 3 : MAX_QTY;
  }
  return Math.max(0, Math.min(MAX_QTY, Math.floor(row.availableQty)));
}

/**
 * @typedef {object} ReserveForm
 * @property {string | number} qty
 * @property {string} name
 * @property {string} contact
 * @property {boolean} consent
 */

/**
 * Validate the form; return the errors by field (message keys) in the order of the fields.
 * @param {ReserveForm} form
 * @param {number} maxQty
 * @returns {Record<string, string>} empty when valid
 */
export function validateReservation(form, maxQty) {
  /** @type {Record<string, string>} */
  const errors = {};
  const qty = Number(form.qty);
  if (!Number.isInteger(qty) || qty < 1 || qty > maxQty) errors.qty = "err_qty";
  if (!String(form.name ?? "").trim()) errors.name = "err_name";
  if (!parseContact(form.contact)) errors.contact = "err_contact";
  if (!form.consent) errors.consent = "err_consent";
  return errors;
}

/**
 * Build the body of POST /v1/reservations from a valid form.
 * `lang` is the shopper's language in the widget: the language of their emails.
 * @param {{storeId: string, sku: string, form: ReserveForm, lang?: string}} input
 * @returns {{store_id: string, items: {sku: string, qty: number}[], customer: Record<string, string>, lang?: string}}
 */
export function reservationBody({ storeId, sku, form, lang }) {
  const contact = parseContact(form.contact);
  /** @type {Record<string, string>} */
  const customer = { name: String(form.name).trim() };
  if (contact) customer[contact.kind] = contact.value;
  const body = { store_id: storeId, items: [{ sku, qty: Number(form.qty) }], customer };
  return lang === "fr" || lang === "en" ? { ...body, lang } : body;
}
