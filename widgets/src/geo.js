/**
 * The shopper's position from the browser, with every failure named so the widget can say why
 * it falls back to the search box.
 * @module geo
 */

/** @typedef {{lat: number, lon: number, accuracy?: number}} Point */
/** @typedef {"denied" | "timeout" | "insecure" | "unavailable" | "unsupported"} GeoFailure */

export class GeoError extends Error {
  /**
   * @param {GeoFailure} reason
   * @param {string} [message]
   */
  constructor(reason, message) {
    super(message || reason);
    this.name = "GeoError";
    /** @type {GeoFailure} */
    this.reason = reason;
  }
}

/**
 * Map a `GeolocationPositionError` code to a reason (1 denied, 2 unavailable, 3 timeout).
 * @param {number} code
 * @returns {GeoFailure}
 */
export function reasonForCode(code) {
  if (code === 1) return "denied";
  if (code === 3) return "timeout";
  return "unavailable";
}

/**
 * Ask for the current position.
 *
 * An insecure page (plain http other than localhost) never gets a position, and browsers report
 * that as "denied"; it is told apart here so the shopper learns the real reason.
 * @param {object} env
 * @param {Geolocation | undefined} env.geolocation `navigator.geolocation`
 * @param {boolean} env.secure `window.isSecureContext`
 * @param {number} [env.timeoutMs] how long the browser may take
 * @returns {Promise<Point>} rejects with a GeoError
 */
export function locate({ geolocation, secure, timeoutMs = 10000 }) {
  if (!secure) return Promise.reject(new GeoError("insecure"));
  if (!geolocation || typeof geolocation.getCurrentPosition !== "function") {
    return Promise.reject(new GeoError("unsupported"));
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    // Some browsers never call back while their permission prompt is ignored: a guard timer
    // turns that silence into a timeout too.
    const guard = setTimeout(() => finish(null, new GeoError("timeout")), timeoutMs + 2000);
    /**
     * @param {Point | null} point
     * @param {GeoError | null} error
     */
    function finish(point, error) {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      if (point) resolve(point);
      else reject(error);
    }
    try {
      geolocation.getCurrentPosition(
        (position) => finish({
          lat: position.coords.latitude,
          lon: position.coords.longitude,
          accuracy: position.coords.accuracy,
        }, null),
        (error) => finish(null, new GeoError(reasonForCode(error?.code), error?.message)),
        { enableHighAccuracy: false, timeout: timeoutMs, maximumAge: 5 * 60 * 1000 },
      );
    } catch (error) {
      finish(null, new GeoError("unavailable", String(error)));
    }
  });
}
