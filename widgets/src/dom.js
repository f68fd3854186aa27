/**
 * Tiny DOM helpers shared by the elements: style sheets, events, ids, selectors. Elements
 * themselves are described and updated with render.js.
 * @module dom
 */

/**
 * Adopt style sheets into a shadow root. Constructed sheets are not inline styles, so a strict
 * Content-Security-Policy (no 'unsafe-inline') does not block them; an old browser without them
 * gets a <style> element instead.
 * @param {ShadowRoot} root
 * @param {string[]} cssTexts
 * @param {Map<string, CSSStyleSheet>} cache sheets shared by every instance
 */
export function adoptStyles(root, cssTexts, cache) {
  if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
    root.adoptedStyleSheets = cssTexts.map((text) => {
      let sheet = cache.get(text);
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(text);
        cache.set(text, sheet);
      }
      return sheet;
    });
    return;
  }
  for (const text of cssTexts) {
    const style = document.createElement("style");
    style.textContent = text;
    root.prepend(style);
  }
}

/**
 * Dispatch a bubbling, composed CustomEvent from an element, so the host page hears it across
 * the shadow boundary.
 * @param {HTMLElement} element
 * @param {string} type
 * @param {any} detail
 * @returns {boolean} false when a listener called preventDefault()
 */
export function emit(element, type, detail) {
  return element.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable: true }));
}

let counter = 0;

/**
 * Return an id unique in the page, for label/description links inside a shadow root.
 * @param {string} prefix
 * @returns {string}
 */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/**
 * Quote a value for an attribute selector (`[data-store-id="…"]`).
 * @param {string} value
 * @returns {string}
 */
export function cssEscape(value) {
  return globalThis.CSS?.escape ? CSS.escape(value) : value.replace(/["\\]/g, "\\$&");
}
