/**
 * The kiosk page's entry: registers `<store-kiosk>` (safe to load twice).
 * @module kiosk/index
 */

import { StoreKioskElement } from "./store-kiosk.js";

export { StoreKioskElement } from "./store-kiosk.js";

if (globalThis.customElements && !customElements.get("store-kiosk")) {
  customElements.define("store-kiosk", StoreKioskElement);
}
