/**
 * The optional map, loaded only when a `<store-locator map>` asks for it (a separate chunk).
 * It mirrors the list, which stays the primary and accessible view: markers are vector circles
 * (no image assets), a click on one focuses the store in the list. Tiles are optional.
 * @module map
 */

import { circleMarker, control, latLngBounds, map as leafletMap, tileLayer } from "leaflet";
import LEAFLET_CSS from "leaflet/dist/leaflet.css";

export const MAP_CSS = `${LEAFLET_CSS}
.leaflet-container { font: inherit; background: var(--locator-map-background, #e8eef2); }
.leaflet-container a { color: var(--locator-accent, #0058a3); }
`;

/**
 * @typedef {object} MapController
 * @property {(rows: import("./results.js").StoreRow[], place: import("./places.js").Place | null) => void} update
 * @property {(url: string, attribution: string) => void} setTiles
 * @property {() => void} destroy
 */

/**
 * Create a map inside a container.
 * @param {HTMLElement} container
 * @param {{tileUrl: string, attribution: string, onSelect: (storeId: string) => void}} options
 * @returns {MapController}
 */
export function createMap(container, { tileUrl, attribution, onSelect }) {
  const instance = leafletMap(container, {
    zoomControl: true, attributionControl: false, keyboard: false, scrollWheelZoom: false,
  }).setView([46.6, 2.4], 5);
  const credits = control.attribution({ prefix: false }).addTo(instance);
  /** @type {any} */
  let tiles = null;
  /** @type {any[]} */
  let layers = [];

  /**
   * @param {string} url
   * @param {string} text
   */
  function setTiles(url, text) {
    tiles?.remove();
    tiles = null;
    if (url) tiles = tileLayer(url, { maxZoom: 19, attribution: text, crossOrigin: true }).addTo(instance);
    credits.setPrefix(false);
  }

  /**
   * @param {import("./results.js").StoreRow[]} rows
   * @param {import("./places.js").Place | null} place
   */
  function update(rows, place) {
    for (const layer of layers) layer.remove();
    layers = [];
    const points = [];
    if (place) {
      layers.push(circleMarker([place.lat, place.lon], {
        radius: 6, color: "#1a1a1a", weight: 2, fillColor: "#ffffff", fillOpacity: 1, interactive: false,
      }).addTo(instance));
      points.push([place.lat, place.lon]);
    }
    for (const row of rows) {
      if (row.lat === null || row.lon === null) continue;
      const color = row.level === "out_of_stock" ? "#b3261e" : row.level === "low_stock" ? "#8a4b00" : "#0a6e2c";
      const marker = circleMarker([row.lat, row.lon], {
        radius: 9, color: "#ffffff", weight: 2, fillColor: color, fillOpacity: 0.95,
      }).addTo(instance);
      marker.bindTooltip(row.name);
      marker.on("click", () => onSelect(row.id));
      layers.push(marker);
      points.push([row.lat, row.lon]);
    }
    // The container may have just been shown: measure again before fitting.
    instance.invalidateSize();
    // No animation: results change the view at once (and motion-sensitive shoppers are spared).
    if (points.length === 1) instance.setView(points[0], 11, { animate: false });
    else if (points.length > 1) {
      instance.fitBounds(latLngBounds(points), { padding: [24, 24], maxZoom: 13, animate: false });
    }
  }

  setTiles(tileUrl, attribution);
  return {
    update,
    setTiles,
    destroy: () => instance.remove(),
  };
}
