/**
 * The desk's calls to the API, signed with the store key. The pick-up list is polled with
 * `If-None-Match`: an unchanged list is a bodyless 304, so many desks stay cheap.
 * @module desk/desk-api
 */

import { ApiClient, ApiError, idempotencyKey, queryString } from "../api.js";

export class DeskClient extends ApiClient {
  /** Who is signed in: the tenant and the key's store (GET /v1/desk). */
  desk() {
    return this.request("GET", "/v1/desk");
  }

  /**
   * The pick-up list, or null when it has not changed since `etag`.
   * @param {string | null} etag
   * @returns {Promise<{etag: string | null, body: any} | null>}
   */
  async pickups(etag) {
    let response;
    try {
      response = await this.fetchImpl(`${this.base}/v1/desk/pickups`, {
        headers: { Accept: "application/json", "X-Api-Key": this.key, ...(etag ? { "If-None-Match": etag } : {}) },
        cache: "no-store", credentials: "omit",
      });
    } catch (error) {
      throw new ApiError("network", String(error?.message || error));
    }
    if (response.status === 304) return null;
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError("http", body?.detail || `HTTP ${response.status}`, { status: response.status, problem: body });
    return { etag: response.headers.get("ETag"), body };
  }

  /** @param {string} storeId @param {string} code */
  byCode(storeId, code) {
    return this.request("GET", `/v1/stores/${encodeURIComponent(storeId)}/reservations/by-code/${encodeURIComponent(code)}`);
  }

  /** @param {string} id @param {"ready" | "collect"} action */
  act(id, action) {
    return this.request("POST", `/v1/reservations/${encodeURIComponent(id)}/${action}`);
  }

  /** @param {string} id @param {string} reason */
  cancelWithReason(id, reason) {
    return this.request("POST", `/v1/reservations/${encodeURIComponent(id)}/cancel${queryString({ reason })}`);
  }

  /** @param {string} q */
  products(q) {
    return this.request("GET", `/v1/products${queryString({ q, limit: 8 })}`);
  }

  /** Stores near this one with the product, exact quantities (the key is the store's). */
  nearby(sku, lat, lon) {
    return this.request("GET", `/v1/availability${queryString({ sku, lat, lon, radius_km: 200, limit: 6, include_out_of_stock: true })}`);
  }

  /** A count for this store, taken now (PUT /v1/stock), answered once searches see it. */
  correct(storeId, sku, onHand) {
    return this.request("PUT", "/v1/stock?wait_for_visible=true", { body: { rows: [{ store_id: storeId, sku, on_hand: onHand, as_of: new Date().toISOString() }] } });
  }

  /** Reserve at any store for the customer present. */
  reserveFor(body) {
    return this.request("POST", "/v1/reservations", { body, headers: { "Idempotency-Key": idempotencyKey() } });
  }
}
