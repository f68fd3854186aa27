/**
 * Tiny DOM helpers: elements are built with properties and text nodes, never from HTML strings,
 * so data from the API can never become markup.
 * @module dom
 */

/**
 * Create an element. Props: `class`, `text`, `on<event>` listeners, booleans (true sets an
 * empty attribute, false/null/undefined leave it out), anything else as an attribute.
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...(Node | string | null | undefined | false | (Node | string | null | undefined | false)[])} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "text") element.textContent = value;
    else if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

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
  for (const text of cssTexts) root.prepend(h("style", { text }));
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
