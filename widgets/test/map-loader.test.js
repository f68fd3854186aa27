import assert from "node:assert/strict";
import { test } from "node:test";

import { installFakeDocument } from "./fake-dom.js";

const { createMapLoader } = await import("../src/map-loader.js");
const { patch } = await import("../src/render.js");

function loader(overrides = {}) {
  const seen = { errors: [], styles: [] };
  const instance = createMapLoader({
    wanted: () => true,
    addStyles: (css) => seen.styles.push(css),
    tiles: () => ({ url: "", attribution: "" }),
    current: () => ({ rows: [], place: null }),
    onSelect: () => {},
    onError: (error) => seen.errors.push(error),
    ...overrides,
  });
  return { instance, seen };
}

test("the container starts hidden; show() sets only its visibility and name, never its class", () => {
  installFakeDocument();
  const { instance } = loader();
  const container = instance.container;
  assert.equal(container.getAttribute("part"), "map");
  assert.equal(container.hidden, true);
  container.setAttribute("class", "map leaflet-container"); // what Leaflet does
  instance.show({ hidden: false, label: "Map of the stores in the list" });
  assert.equal(container.hidden, false);
  assert.equal(container.getAttribute("aria-label"), "Map of the stores in the list");
  assert.equal(container.getAttribute("class"), "map leaflet-container");
});

test("drop() puts a fresh container in the old one's place, named the same", () => {
  const document = installFakeDocument();
  const { instance } = loader();
  const parent = document.createElement("section");
  instance.show({ hidden: false, label: "Carte" });
  patch(parent, [instance.container]);
  const old = instance.container;
  instance.drop();
  assert.notEqual(instance.container, old);
  assert.equal(parent.firstChild, instance.container);
  assert.equal(old.parentNode, null);
  assert.equal(instance.container.getAttribute("aria-label"), "Carte");
  assert.equal(instance.container.getAttribute("class"), "map");
});

test("before the map is loaded, updates wait; a chunk that cannot load is reported, and may be tried again", async () => {
  installFakeDocument();
  const { instance, seen } = loader();
  instance.update([], null); // nothing to update yet: no error
  // Leaflet and its CSS cannot load in node: the failure path is the one exercised here.
  await instance.ensure();
  assert.equal(seen.errors.length, 1);
  await instance.ensure();
  assert.equal(seen.errors.length, 2, "a failed load is not remembered as loading");
  assert.deepEqual(seen.styles, []);
});
