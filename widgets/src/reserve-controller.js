/**
 * The reserve controller: open the form for a store, check and send it (a retry reuses the same
 * Idempotency-Key, so it never holds twice), show the confirmation, cancel from it, and go back
 * to the list. It updates the state, asks the element to render, moves focus, announces, and
 * tells the host page.
 * @module reserve-controller
 */

import { ApiError, idempotencyKey } from "./api.js";
import { reservationToken } from "./confirmation.js";
import { cssEscape, emit } from "./dom.js";
import { maxQuantity, reservationBody, validateReservation } from "./reserve.js";
import { publicStore } from "./results.js";
import { backToList, startReserve } from "./state.js";

/** @typedef {import("./store-locator.js").StoreLocatorElement} Host */
/** @typedef {import("./state.js").Reservation} Reservation */

export class ReserveController {
  /**
   * @param {Host} host the element whose state this controller changes
   * @param {import("./controller.js").SearchController} search to refresh the list afterwards
   */
  constructor(host, search) {
    this.host = host;
    this.search = search;
  }

  get state() {
    return this.host._state;
  }

  /** @param {import("./results.js").StoreRow} row */
  open(row) {
    startReserve(this.state, row);
    emit(this.host, "locator:store-selected", { storeId: row.id, store: publicStore(row), reason: "reserve" });
    this.host.render();
    this.host._focusSoon(".panel h2");
  }

  /** Back from the form to the list, focus on the store's reserve button. */
  close() {
    const id = this.state.reserveRow?.id;
    backToList(this.state);
    this.host.render();
    this.host._focusSoon(id ? `[data-store-id="${cssEscape(id)}"] [data-action="reserve"]` : "input");
  }

  /**
   * The shopper typed in a field: kept in the state, nothing to render.
   * @param {"qty" | "name" | "contact" | "consent"} field
   * @param {string | boolean} value
   */
  input(field, value) {
    this.state.form = { ...this.state.form, [field]: value };
  }

  /** @returns {Promise<void>} */
  async submit() {
    const { host, state } = this;
    const row = state.reserveRow;
    if (!row || state.submitting) return;
    const max = maxQuantity(row);
    state.formErrors = validateReservation(state.form, max);
    const invalid = Object.keys(state.formErrors);
    if (invalid.length) {
      state.formMessage = host._t("formErrors", { n: invalid.length });
      host.render();
      host._focusSoon(`[name="${invalid[0]}"]`);
      return;
    }
    const sku = host._sku;
    const body = reservationBody({ storeId: row.id, sku, form: state.form, lang: host._lang });
    const text = JSON.stringify(body);
    // A retry of the same request keeps its key, so that it can never hold twice.
    if (!state.attempt || state.attempt.body !== text) state.attempt = { body: text, key: idempotencyKey() };
    state.submitting = true;
    state.formMessage = null;
    host.render();
    host._announcer.announce(host._t("reserving"));
    try {
      const reservation = await host._client.reserve(body, state.attempt.key);
      const qty = Number(state.form.qty);
      state.submitting = false;
      state.reservation = { ...reservation, store: row, qty, productName: host._context().productName };
      state.view = "confirmation";
      state.attempt = null;
      host.render();
      host._focusSoon(".confirmation h2");
      host._announcer.announce(host._t("confirmedAnnounce", { code: reservation?.pickup_code ?? "" }));
      emit(host, "locator:reserved", {
        reservationId: reservation?.id, pickupCode: reservation?.pickup_code, expiresAt: reservation?.expires_at,
        status: reservation?.status, token: reservationToken(reservation),
        storeId: row.id, store: publicStore(row), sku, qty,
      });
    } catch (error) {
      state.submitting = false;
      const apiError = error instanceof ApiError ? error : new ApiError("network", String(error));
      if (apiError.status === 409) {
        state.formMessage = host._t("stockShort");
        state.attempt = null;
      } else if (apiError.retryable) {
        state.formMessage = host._t("unreachable");
      } else {
        state.formMessage = host._t("reserveFailed", { detail: apiError.message });
        state.attempt = null;
      }
      host.render();
      host._announcer.say(state.formMessage);
      host._focusSoon(apiError.status === 409 ? '[name="qty"]' : 'button[type="submit"]');
      emit(host, "locator:error", {
        kind: "reservation", status: apiError.status, message: apiError.message, problem: apiError.problem,
      });
    }
  }

  /**
   * Cancel the reservation just made (the shopper changed their mind); the units are free at once.
   * @param {Reservation} reservation
   * @param {string} token
   * @returns {Promise<void>}
   */
  async cancel(reservation, token) {
    const host = this.host;
    if (reservation.cancelling) return;
    reservation.cancelling = true;
    reservation.message = null;
    host.render();
    try {
      await host._client.cancel(/** @type {string} */ (reservation.id), token);
      reservation.cancelling = false;
      reservation.cancelled = true;
      host.render();
      host._focusSoon(".confirmation h2");
      host._announcer.announce(host._t("cancelledTitle"));
      emit(host, "locator:cancelled", {
        reservationId: reservation.id, storeId: reservation.store.id, store: publicStore(reservation.store),
      });
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError("network", String(error));
      reservation.cancelling = false;
      reservation.message = apiError.retryable ? host._t("unreachable") : host._t("cancelFailed", { detail: apiError.message });
      host.render();
      host._announcer.say(reservation.message);
      host._focusSoon('[part~="cancel-button"]');
      emit(host, "locator:error", { kind: "cancel", status: apiError.status, message: apiError.message });
    }
  }

  /** From the confirmation back to the stores, searched again (the counts changed). */
  back() {
    const { host, state } = this;
    backToList(state);
    host.render();
    host._focusSoon(".results-heading");
    // The search re-renders at once (loading): focus the heading again once the results are in.
    if (state.place) this.search.search(state.place, { focusHeading: true });
  }
}
