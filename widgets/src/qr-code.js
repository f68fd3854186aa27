/**
 * A QR code of a short text (the pick-up code), drawn locally as SVG: the encoder (uqr, MIT) is
 * a lazy chunk fetched only when a code is shown, so the core bundle does not carry it.
 *
 * Returns a real node (render.js places it as it is and leaves its insides alone), filled once
 * the encoder has loaded. One node per text and size, so a re-render keeps the drawing.
 * @module qr-code
 */

const SVG_NS = "http://www.w3.org/2000/svg";
/** @type {Map<string, HTMLElement>} */
const nodes = new Map();
const MAX_CACHED = 20;

/**
 * Return the QR code node of `text`, labelled for screen readers.
 * @param {string} text
 * @param {string} label e.g. "QR code of pick-up code 7KQ2MX"
 * @param {string} [part] the ::part() name of the container
 * @returns {HTMLElement}
 */
export function qrCode(text, label, part = "pickup-qr") {
  const cacheKey = `${part}\u001f${text}\u001f${label}`;
  const cached = nodes.get(cacheKey);
  if (cached) return cached;
  const box = document.createElement("div");
  box.className = "qr";
  box.setAttribute("part", part);
  box.setAttribute("role", "img");
  box.setAttribute("aria-label", label);
  box.setAttribute("data-qr", text);
  if (nodes.size >= MAX_CACHED) nodes.delete(nodes.keys().next().value);
  nodes.set(cacheKey, box);
  import("uqr").then(({ encode }) => box.append(drawing(encode(text, { ecc: "M", border: 2 }).data)))
    .catch(() => box.setAttribute("data-failed", "true"));
  return box;
}

/**
 * Draw the modules as one SVG path (crisp at any size, printable).
 * @param {boolean[][]} modules
 * @returns {SVGSVGElement}
 */
export function drawing(modules) {
  const size = modules.length;
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("shape-rendering", "crispEdges");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const background = document.createElementNS(SVG_NS, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#ffffff");
  const path = document.createElementNS(SVG_NS, "path");
  let d = "";
  modules.forEach((row, y) => row.forEach((dark, x) => { if (dark) d += `M${x} ${y}h1v1h-1z`; }));
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000000");
  svg.append(background, path);
  return svg;
}
