/**
 * Places: what the geocoder answers, turned into a point with a label.
 * @module places
 */

/** @typedef {{lat: number, lon: number, label: string}} Place */

/**
 * Take the best place from a /v1/geocode answer (a single place, or a list under `results`),
 * or null when nothing was found.
 * @param {any} body
 * @param {string} query what the shopper typed, the label when the answer has none
 * @returns {Place | null}
 */
export function placeFromGeocode(body, query) {
  const list = Array.isArray(body) ? body : body?.results ?? body?.places ?? (body ? [body] : []);
  for (const item of list) {
    const point = item?.location ?? item?.point ?? item;
    const lat = Number(point?.lat ?? point?.latitude);
    const lon = Number(point?.lon ?? point?.lng ?? point?.longitude);
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || point?.lat === null) continue;
    const label = item.label ?? item.name ?? item.display_name ?? item.city ?? query;
    return { lat, lon, label: String(label || query) };
  }
  return null;
}

/**
 * Read a place from `lat`/`lon` attributes, or null when either is missing or not a number.
 * @param {string | null} lat
 * @param {string | null} lon
 * @param {string} label
 * @returns {Place | null}
 */
export function placeFromAttributes(lat, lon, label) {
  if (lat === null || lon === null || lat.trim() === "" || lon.trim() === "") return null;
  const point = { lat: Number(lat), lon: Number(lon) };
  if (!Number.isFinite(point.lat) || !Number.isFinite(point.lon)) return null;
  if (Math.abs(point.lat) > 90 || Math.abs(point.lon) > 180) return null;
  return { ...point, label };
}

/**
 * Parse a positive radius attribute in kilometres, or the fallback.
 * @param {string | null} value
 * @param {number} fallback
 * @returns {number}
 */
export function parseRadius(value, fallback) {
  const radius = Number(value);
  return value !== null && value !== "" && Number.isFinite(radius) && radius > 0 ? radius : fallback;
}
