/**
 * The map of the areas (Leaflet, a separate chunk loaded only when the map is asked for): each
 * area's hexagon, darker with more unmet demand, and a dot at its nearest store. Without tiles by
 * default, since the page's Content-Security-Policy allows images from its own origin only.
 * @module reports/area-map
 */

import { circleMarker, latLngBounds, map as leafletMap, polygon, tileLayer } from "leaflet";
import LEAFLET_CSS from "leaflet/dist/leaflet.css";

export const MAP_CSS = LEAFLET_CSS;

/**
 * Create the map in a container.
 * @param {HTMLElement} container
 * @param {{tileUrl: string, onSelect: (area: string) => void}} options
 */
export function createAreaMap(container, { tileUrl, onSelect }) {
  const instance = leafletMap(container, { scrollWheelZoom: false, attributionControl: false })
    .setView([46.6, 2.4], 5);
  if (tileUrl) tileLayer(tileUrl, { maxZoom: 12 }).addTo(instance);
  /** @type {any[]} */
  let layers = [];
  return {
    /**
     * @param {any[]} areas entries of `report.areas`
     * @param {(area: any) => string} nameOf
     */
    update(areas, nameOf) {
      for (const layer of layers) layer.remove();
      layers = [];
      const shown = areas.filter((a) => a.boundary);
      const most = Math.max(1, ...shown.map((a) => a.unmet));
      const bounds = latLngBounds([]);
      for (const area of shown) {
        const shape = polygon(area.boundary, {
          color: "#7a1f00", weight: 1, fillColor: "#D55E00", fillOpacity: 0.2 + 0.6 * (area.unmet / most),
          className: "area",
        }).bindTooltip(`${nameOf(area)}: ${area.unmet}`).on("click", () => onSelect(area.area)).addTo(instance);
        shape.getElement()?.setAttribute("data-area", area.area);
        layers.push(shape);
        bounds.extend(shape.getBounds());
        const store = area.nearest_store?.location;
        if (store) {
          layers.push(circleMarker([store.lat, store.lon], {
            radius: 3, color: "#1a1a1a", weight: 1, fillOpacity: 1, interactive: false,
          }).addTo(instance));
        }
      }
      if (bounds.isValid()) instance.fitBounds(bounds, { padding: [20, 20], maxZoom: 9 });
    },
  };
}
