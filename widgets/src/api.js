/**
 * A small client for the locator HTTP API (v1), used by both elements.
 *
 * Failures are ApiError with a `kind`: "network" (unreachable, timed out), "http" (a problem+json
 * answer), so that the widget can tell "try again" from "this request is wrong".
 * @module api
 */

export class ApiError extends Error {
  /**
   * @param {"network" | "http"} kind
   * @param {string} message
   * @param {object} [extra]
   * @param {number} [extra.status]
   * @param {any} [extra.problem] the problem+json body
   */
  constructor(kind, message, { status = 0, problem = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
    this.status = status;
    this.problem = problem;
  }

  /** True when trying again later may work (network trouble, overload, server errors). */
  get retryable() {
    return this.kind === "network" || this.status === 429 || this.status >= 500;
  }
}

/**
 * Build a query string from parameters, leaving out null, undefined and empty values.
 * @param {Record<string, string | number | boolean | null | undefined>} params
 * @returns {string} "" or "?a=1&b=2"
 */
export function queryString(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === "") continue;
    search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/**
 * Return the API's base URL: the element's `api-base` attribute when given, else the origin the
 * widget script was served from (the API serves the widget).
 * @param {string | null | undefined} attribute
 * @param {string} scriptUrl `import.meta.url` of the bundle
 * @returns {string} base URL without a trailing slash
 */
export function apiBase(attribute, scriptUrl) {
  const base = attribute ? new URL(attribute, scriptUrl) : new URL("/", scriptUrl);
  return base.href.replace(/\/+$/, "");
}

/**
 * Return a fresh idempotency key; random enough to be unique per reservation attempt, and
 * available on insecure pages too (where `crypto.randomUUID` is missing).
 * @param {Crypto} [cryptoImpl]
 * @returns {string}
 */
export function idempotencyKey(cryptoImpl = globalThis.crypto) {
  if (typeof cryptoImpl?.randomUUID === "function") return cryptoImpl.randomUUID();
  const bytes = new Uint8Array(16);
  cryptoImpl.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export class ApiClient {
  /**
   * @param {object} options
   * @param {string} options.base API base URL
   * @param {string} options.key publishable API key
   * @param {typeof fetch} [options.fetchImpl]
   * @param {number} [options.timeoutMs] per request
   */
  constructor({ base, key, fetchImpl, timeoutMs = 15000 }) {
    this.base = base;
    this.key = key;
    this.fetchImpl = fetchImpl || ((...args) => globalThis.fetch(...args));
    this.timeoutMs = timeoutMs;
  }

  /**
   * Send one request and return the decoded JSON body.
   * @param {string} method
   * @param {string} path starting with "/"
   * @param {object} [options]
   * @param {any} [options.body] sent as JSON
   * @param {Record<string, string>} [options.headers]
   * @param {AbortSignal} [options.signal] aborts the request (an AbortError is re-thrown as is)
   * @returns {Promise<any>}
   */
  async request(method, path, { body, headers = {}, signal } = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error("timeout")), this.timeoutMs);
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    let response;
    try {
      response = await this.fetchImpl(`${this.base}${path}`, {
        method,
        headers: {
          Accept: "application/json",
          "X-Api-Key": this.key,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        credentials: "omit",
        mode: "cors",
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError("network", String(error?.message || error));
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
    const text = await response.text().catch(() => "");
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const title = data?.detail || data?.title || response.statusText || `HTTP ${response.status}`;
      throw new ApiError("http", title, { status: response.status, problem: data });
    }
    return data;
  }

  /**
   * Stores near a point that carry a product (GET /v1/availability).
   * `countUnmet: false` for automatic checks, so that a search finding nothing counts once in
   * the unmet-demand report (the locator's), not again for the badge.
   * @param {{sku: string, lat: number, lon: number, radiusKm: number, limit?: number, countUnmet?: boolean}} query
   * @param {AbortSignal} [signal]
   */
  availability({ sku, lat, lon, radiusKm, limit = 20, countUnmet = true }, signal) {
    return this.request("GET", `/v1/availability${queryString({
      sku, lat: round(lat), lon: round(lon), radius_km: radiusKm, limit, include_out_of_stock: true,
      count_unmet: countUnmet ? null : false,
    })}`, { signal });
  }

  /**
   * Stores near a point (GET /v1/stores), for a locator without a product.
   * @param {{lat: number, lon: number, radiusKm: number, limit?: number}} query
   * @param {AbortSignal} [signal]
   */
  stores({ lat, lon, radiusKm, limit = 20 }, signal) {
    return this.request("GET", `/v1/stores${queryString({
      lat: round(lat), lon: round(lon), radius_km: radiusKm, limit,
    })}`, { signal });
  }

  /**
   * A town, postcode or address to a point (GET /v1/geocode).
   * @param {string} q
   * @param {string | null} [country] ISO 3166 code to prefer, e.g. "FR"
   * @param {AbortSignal} [signal]
   */
  geocode(q, country, signal) {
    return this.request("GET", `/v1/geocode${queryString({ q, country })}`, { signal });
  }

  /**
   * Hold items for pick-up (POST /v1/reservations).
   * @param {{store_id: string, items: {sku: string, qty: number}[], customer: object}} body
   * @param {string} key Idempotency-Key: the same for retries of one attempt
   */
  reserve(body, key) {
    return this.request("POST", "/v1/reservations", { body, headers: { "Idempotency-Key": key } });
  }

  /**
   * Cancel the shopper's reservation (POST /v1/reservations/{id}/cancel). The token goes in the
   * query string, which needs no CORS preflight header on a retailer's own origin.
   * @param {string} id
   * @param {string} token the reservation token returned at creation
   */
  cancel(id, token) {
    return this.request("POST", `/v1/reservations/${encodeURIComponent(id)}/cancel${queryString({ token })}`);
  }
}

/**
 * Round a coordinate to 5 decimals (about 1 m): enough for a store finder, and it keeps exact
 * positions out of URLs and logs.
 * @param {number} value
 * @returns {number}
 */
export function round(value) {
  return Math.round(Number(value) * 1e5) / 1e5;
}
