/**
 * The map loader: owns the map's container, fetches the map chunk (Leaflet) only when a
 * `<store-locator map>` asks for it, and passes the shown stores on, only when they changed.
 * The container's insides belong to Leaflet: renders place the container and never look inside.
 * @module map-loader
 */

import { setProps } from "./render.js";

/** @typedef {import("./results.js").StoreRow} StoreRow */
/** @typedef {import("./places.js").Place} Place */

/**
 * @typedef {object} MapLoaderOptions
 * @property {() => boolean} wanted whether the element still asks for a map (checked once loaded)
 * @property {(mapCss: string) => void} addStyles adopt the map's style sheet next to the widget's
 * @property {() => {url: string, attribution: string}} tiles the tile template and its credits
 * @property {() => {rows: StoreRow[], place: Place | null}} current what the map should show now
 * @property {(storeId: string) => void} onSelect a marker was clicked
 * @property {(error: any) => void} onError the chunk could not be loaded or the map not made
 */

/**
 * @typedef {object} MapLoader
 * @property {HTMLElement} container the node to place in the element (replaced by drop())
 * @property {() => Promise<void>} ensure load the map once (a second call while loading waits for nothing)
 * @property {() => void} drop remove the map and give a fresh container
 * @property {(options: {hidden: boolean, label: string}) => void} show set the container's visibility and name
 * @property {(rows: StoreRow[], place: Place | null) => void} update show these stores (skipped when unchanged)
 * @property {(url: string, attribution: string) => void} setTiles
 */

/**
 * Create the map loader of one element.
 * @param {MapLoaderOptions} options
 * @returns {MapLoader}
 */
export function createMapLoader({ wanted, addStyles, tiles, current, onSelect, onError }) {
  /** @type {import("./map.js").MapController | null} */
  let map = null;
  /** @type {Promise<void> | null} */
  let loading = null;
  /** What the map shows, so that an unchanged list does not move it. */
  let shown = "";

  const fresh = () => {
    // Not described with h(): Leaflet adds its own classes, which a render must not take away.
    const element = document.createElement("div");
    element.className = "map";
    element.setAttribute("part", "map");
    element.hidden = true;
    return element;
  };

  const loader = {
    container: fresh(),

    async ensure() {
      if (map || loading) return;
      loading = import("./map.js")
        .then(({ createMap, MAP_CSS }) => {
          if (!wanted()) return;
          addStyles(MAP_CSS);
          const { url, attribution } = tiles();
          map = createMap(loader.container, { tileUrl: url, attribution, onSelect });
          shown = "";
          const now = current();
          loader.update(now.rows, now.place);
        })
        .catch(onError)
        .finally(() => { loading = null; });
      await loading;
    },

    drop() {
      map?.destroy();
      map = null;
      shown = "";
      // A fresh container: Leaflet leaves its classes and state on the old one.
      const next = fresh();
      setProps(next, { "aria-label": loader.container.getAttribute("aria-label") });
      loader.container.replaceWith(next);
      loader.container = next;
    },

    show({ hidden, label }) {
      // Hidden, Leaflet cannot measure: the next update after showing it again must refit.
      if (hidden) shown = "";
      setProps(loader.container, { hidden, "aria-label": label });
    },

    update(rows, place) {
      if (!map) return;
      const signature = JSON.stringify([
        place && [place.lat, place.lon], rows.map((row) => [row.id, row.lat, row.lon, row.level, row.name]),
      ]);
      if (signature === shown) return;
      shown = signature;
      map.update(rows, place);
    },

    setTiles(url, attribution) {
      map?.setTiles(url, attribution);
    },
  };
  return loader;
}
