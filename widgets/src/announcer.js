/**
 * The announcer: the two live regions a screen reader listens to (a polite status for results
 * and progress, an alert for failures). They are created once and never replaced or moved by a
 * render: a screen reader that lost its live region would stop announcing, or lose its place.
 * @module announcer
 */

import { mount, h } from "./render.js";

/** Delay before new words are put in: screen readers then speak the same words again. */
export const ANNOUNCE_DELAY_MS = 50;

/**
 * @typedef {object} Announcer
 * @property {HTMLElement} live the polite status region (role=status)
 * @property {HTMLElement} alert the assertive region (role=alert)
 * @property {(text: string) => void} announce say politely (results, progress)
 * @property {(text: string) => void} say say assertively (failures)
 */

/**
 * Create the live regions; place `live` and `alert` in the element once.
 * @param {(callback: () => void, ms: number) => unknown} [later] setTimeout, or a stand-in in tests
 * @returns {Announcer}
 */
export function createAnnouncer(later = (callback, ms) => setTimeout(callback, ms)) {
  const live = /** @type {HTMLElement} */ (mount(h("div", {
    class: "sr-only", role: "status", "aria-live": "polite", "aria-atomic": "true",
  })));
  const alert = /** @type {HTMLElement} */ (mount(h("div", { class: "sr-only", role: "alert" })));
  /**
   * @param {HTMLElement} region
   * @param {string} text
   */
  const put = (region, text) => {
    region.textContent = "";
    // A new text node after a tick makes screen readers speak the same words again.
    later(() => { region.textContent = text; }, ANNOUNCE_DELAY_MS);
  };
  return {
    live,
    alert,
    announce: (text) => put(live, text),
    say: (text) => put(alert, text),
  };
}
