/**
 * View: the confirmation of a reservation (pick-up code, the hold's expiry in the store's time,
 * cancel), or the words after the shopper cancelled it. Pure description from the reservation.
 * @module confirmation
 */

import { formatDateTime } from "./format.js";
import { qrCode } from "./qr-code.js";
import { h } from "./render.js";

/**
 * @typedef {object} ConfirmationActions
 * @property {() => void} back
 * @property {(reservation: import("./state.js").Reservation, token: string) => void} cancel
 */

/**
 * The shopper's token of a reservation answer, whichever name the API gave it.
 * @param {import("./state.js").Reservation | null | undefined} reservation
 * @returns {string | undefined}
 */
export function reservationToken(reservation) {
  return reservation?.token ?? reservation?.reservation_token;
}

/**
 * Describe the confirmation (or the cancellation) of a reservation.
 * @param {import("./state.js").ViewContext} ctx
 * @param {import("./state.js").Reservation} reservation
 * @param {ConfirmationActions} actions
 * @returns {import("./render.js").VElement}
 */
export function confirmationView(ctx, reservation, actions) {
  const { t, id } = ctx;
  const row = reservation.store;
  const titleId = id("c-title");
  const back = h("button", { type: "button", part: "button back-button", text: t("back"), onclick: () => actions.back() });
  if (reservation.cancelled) {
    return h("section", { key: "cancelled", class: "panel confirmation", part: "confirmation cancelled", "aria-labelledby": titleId },
      h("h2", { id: titleId, tabindex: "-1", text: t("cancelledTitle") }),
      h("p", { text: t("cancelledText", { product: reservation.productName }) }),
      h("div", { class: "actions" }, back));
  }
  const expires = reservation.expires_at
    ? t("holdUntil", { time: formatDateTime(reservation.expires_at, row.timezone, ctx.lang) })
    : null;
  const token = reservationToken(reservation);
  return h("section", { key: "confirmation", class: "panel confirmation", part: "confirmation", "aria-labelledby": titleId },
    h("h2", { id: titleId, tabindex: "-1", text: t("confirmedTitle") }),
    h("p", { text: t("confirmedWhat", { qty: reservation.qty, product: reservation.productName, store: row.name }) }),
    row.address ? h("p", { class: "address", text: row.address }) : null,
    h("p", {}, h("span", { text: t("pickupCodeLabel") }), " ",
      h("strong", { class: "code", part: "pickup-code", text: reservation.pickup_code ?? "" })),
    reservation.pickup_code ? qrCode(reservation.pickup_code, t("pickupQrLabel", { code: reservation.pickup_code })) : null,
    expires ? h("p", { part: "expiry", class: "expiry", text: expires }) : null,
    reservation.id ? h("p", { class: "hint", text: t("reservationRef", { id: reservation.id }) }) : null,
    h("p", { class: "error-text", part: "form-message", hidden: !reservation.message, text: reservation.message ?? "" }),
    h("div", { class: "actions" }, back, reservation.id && token ? h("button", {
      type: "button", part: "button cancel-button", "aria-disabled": reservation.cancelling ? "true" : null,
      text: reservation.cancelling ? t("cancelling") : t("cancelReservation"),
      onclick: () => actions.cancel(reservation, token),
    }) : null));
}
