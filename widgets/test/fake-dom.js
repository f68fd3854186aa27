// A tiny stand-in for the DOM, enough for render.js and the views in node: elements, text
// nodes, attributes, `value`/`checked`/`hidden`, listeners, focus (lost when the focused node
// leaves the tree, as in a browser), simple selectors, and a log of every change, so that a
// test can say exactly what a render touched. Not a browser: the browser tests are the proof.

export class FakeNode {
  constructor(document, nodeType) {
    this.ownerDocument = document;
    this.nodeType = nodeType;
    /** @type {FakeNode | null} */
    this.parentNode = null;
    /** @type {FakeNode[]} */
    this.childNodes = [];
  }

  get firstChild() {
    return this.childNodes[0] ?? null;
  }

  get textContent() {
    return this.childNodes.map((node) => node.textContent).join("");
  }

  set textContent(value) {
    for (const child of [...this.childNodes]) this.removeChild(child);
    if (value !== "" && value !== null && value !== undefined) {
      this.insertBefore(this.ownerDocument.createTextNode(String(value)), null);
    }
  }

  insertBefore(node, reference) {
    if (reference && reference.parentNode !== this) throw new Error("reference is not a child");
    if (node.parentNode) node.parentNode.removeChild(node);
    const index = reference ? this.childNodes.indexOf(reference) : this.childNodes.length;
    this.childNodes.splice(index, 0, node);
    node.parentNode = this;
    this.ownerDocument.log.push({ type: "insert", parent: this, node });
    return node;
  }

  removeChild(node) {
    const index = this.childNodes.indexOf(node);
    if (index < 0) throw new Error("not a child");
    this.childNodes.splice(index, 1);
    node.parentNode = null;
    this.ownerDocument.log.push({ type: "remove", parent: this, node });
    // A browser blurs a focused element that leaves the tree, even to be put back at once.
    const active = this.ownerDocument.activeElement;
    if (active && (active === node || node.contains(active))) this.ownerDocument.activeElement = null;
    return node;
  }

  append(...nodes) {
    for (const node of nodes) {
      this.insertBefore(typeof node === "string" ? this.ownerDocument.createTextNode(node) : node, null);
    }
  }

  prepend(...nodes) {
    for (const node of nodes.reverse()) this.insertBefore(node, this.firstChild);
  }

  remove() {
    this.parentNode?.removeChild(this);
  }

  replaceWith(node) {
    const parent = this.parentNode;
    if (!parent) return;
    parent.insertBefore(node, this);
    parent.removeChild(this);
  }

  contains(node) {
    for (let current = node; current; current = current.parentNode) if (current === this) return true;
    return false;
  }
}

export class FakeText extends FakeNode {
  constructor(document, data) {
    super(document, 3);
    this._data = data;
  }

  get data() {
    return this._data;
  }

  set data(value) {
    this._data = value;
    this.ownerDocument.log.push({ type: "text", node: this });
  }

  get textContent() {
    return this._data;
  }

  set textContent(value) {
    this.data = String(value);
  }
}

export class FakeElement extends FakeNode {
  constructor(document, tag) {
    super(document, 1);
    this.localName = tag.toLowerCase();
    this.tagName = tag.toUpperCase();
    /** @type {Map<string, string>} */
    this.attributes = new Map();
    /** @type {Record<string, Function[]>} */
    this.listeners = {};
    this._value = "";
    this._checked = false;
  }

  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }

  hasAttribute(name) {
    return this.attributes.has(name);
  }

  setAttribute(name, value) {
    this.attributes.set(name, String(value));
    this.ownerDocument.log.push({ type: "attribute", node: this, name, value: String(value) });
  }

  removeAttribute(name) {
    if (!this.attributes.delete(name)) return;
    this.ownerDocument.log.push({ type: "attribute", node: this, name, value: null });
  }

  get id() {
    return this.getAttribute("id") ?? "";
  }

  get className() {
    return this.getAttribute("class") ?? "";
  }

  set className(value) {
    this.setAttribute("class", value);
  }

  get hidden() {
    return this.hasAttribute("hidden");
  }

  set hidden(value) {
    if (value) this.setAttribute("hidden", "");
    else this.removeAttribute("hidden");
  }

  get value() {
    return this._value;
  }

  set value(text) {
    this._value = String(text);
    this.ownerDocument.log.push({ type: "property", node: this, name: "value", value: this._value });
  }

  get checked() {
    return this._checked;
  }

  set checked(on) {
    this._checked = Boolean(on);
    this.ownerDocument.log.push({ type: "property", node: this, name: "checked", value: this._checked });
  }

  get children() {
    return this.childNodes.filter((node) => node.nodeType === 1);
  }

  addEventListener(type, listener) {
    (this.listeners[type] ??= []).push(listener);
  }

  dispatchEvent(event) {
    event.target ??= this;
    for (let node = this; node; node = node.parentNode) {
      event.currentTarget = node;
      for (const listener of node.listeners?.[event.type] ?? []) listener(event);
      if (!event.bubbles) break;
    }
    return !event.defaultPrevented;
  }

  focus() {
    this.ownerDocument.activeElement = this;
  }

  /** @param {string} selector simple selectors (`tag.class[attr="v"][attr~="v"]`), a space between them */
  querySelectorAll(selector) {
    const steps = selector.trim().split(/\s+(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    const found = [];
    const visit = (node) => {
      for (const child of node.children) {
        if (matches(child, steps)) found.push(child);
        visit(child);
      }
    };
    visit(this);
    return found;
  }

  querySelector(selector) {
    return this.querySelectorAll(selector)[0] ?? null;
  }
}

/** Does an element match the last step, with each earlier step matched by an ancestor? */
function matches(element, steps) {
  if (!matchesSimple(element, steps[steps.length - 1])) return false;
  let rest = steps.slice(0, -1);
  for (let node = element.parentNode; node && rest.length; node = node.parentNode) {
    if (node.nodeType === 1 && matchesSimple(node, rest[rest.length - 1])) rest = rest.slice(0, -1);
  }
  return rest.length === 0;
}

function matchesSimple(element, step) {
  const pattern = /^([a-z0-9-]+)|\.([\w-]+)|\[([\w-]+)(?:(~?=)"([^"]*)")?\]/gi;
  let match;
  let rest = step;
  while ((match = pattern.exec(step))) {
    rest = rest.replace(match[0], "");
    const [, tag, cls, attr, op, value] = match;
    if (tag && element.localName !== tag.toLowerCase()) return false;
    if (cls && !element.className.split(/\s+/).includes(cls)) return false;
    if (attr) {
      const actual = element.getAttribute(attr);
      if (actual === null) return false;
      if (op === "=" && actual !== value) return false;
      if (op === "~=" && !actual.split(/\s+/).includes(value)) return false;
    }
  }
  if (rest) throw new Error(`the fake DOM cannot read the selector ${step}`);
  return true;
}

export class FakeDocument {
  constructor() {
    /** @type {object[]} every change, in order */
    this.log = [];
    /** @type {FakeElement | null} */
    this.activeElement = null;
  }

  createElement(tag) {
    return new FakeElement(this, tag);
  }

  createTextNode(data) {
    return new FakeText(this, data);
  }
}

/** A minimal Event: type, bubbles, preventDefault. */
export class FakeEvent {
  constructor(type, { bubbles = false } = {}) {
    this.type = type;
    this.bubbles = bubbles;
    this.defaultPrevented = false;
  }

  preventDefault() {
    this.defaultPrevented = true;
  }
}

/**
 * Install a fresh fake document as `globalThis.document` and return it.
 * @returns {FakeDocument}
 */
export function installFakeDocument() {
  const document = new FakeDocument();
  globalThis.document = document;
  return document;
}
