/**
 * The desk page's entry: registers `<store-desk>` (safe to load twice).
 * @module desk/index
 */

import { StoreDeskElement } from "./store-desk.js";

export { StoreDeskElement } from "./store-desk.js";

if (globalThis.customElements && !customElements.get("store-desk")) {
  customElements.define("store-desk", StoreDeskElement);
}
