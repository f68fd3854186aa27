/**
 * The one render helper of the widget: describe elements with `h()`, then `patch()` a parent's
 * children to that description, touching only what differs. An element whose tag (and `key`)
 * still matches is kept and updated in place, so focus, the caret, a typed value and a screen
 * reader's position survive a re-render; a text node is rewritten only when its words change.
 *
 * No HTML strings anywhere (a page with Trusted Types forbids them, and API data must never
 * become markup): descriptions are plain objects, turned into nodes with `createElement`.
 * @module render
 */

/**
 * An element description.
 * @typedef {object} VElement
 * @property {string} tag
 * @property {Record<string, any>} props attributes, `value`/`checked` properties, `on<event>` listeners
 * @property {VNode[]} children
 * @property {string | undefined} key matched against the same key among the old children
 */

/**
 * What a parent may hold: a description, a text, or a real node placed as it is (a node owned
 * by someone else, e.g. the live region or the map's container, whose insides are left alone).
 * @typedef {VElement | string | Node} VNode
 */

/** @typedef {VNode | number | null | undefined | false | Child[]} Child */

/** Props set as DOM properties rather than attributes: they are what the shopper changes. */
const PROPERTIES = new Set(["value", "checked"]);
/**
 * What patch() knows of a node: its key, the props it set, its listeners, and whether it was
 * placed as a real node (then it is never reused for a description).
 * @type {WeakMap<Node, {key?: string, props?: Record<string, any>, handlers?: Record<string, Function | undefined>, foreign?: boolean}>}
 */
const META = new WeakMap();

/**
 * Describe an element. Props: `key` (identity among its siblings), `class`, `text` (the only
 * child), `on<event>` listeners, `value` and `checked` (properties), booleans (true sets an empty
 * attribute, false/null/undefined leave it out), anything else as an attribute.
 * @param {string} tag
 * @param {Record<string, any> | null} [props]
 * @param {...Child} children
 * @returns {VElement}
 */
export function h(tag, props, ...children) {
  const { key, text, ...rest } = props ?? {};
  const list = text === undefined || text === null ? flatten(children) : flatten([String(text)]);
  return { tag, props: rest, children: list, key: key === undefined || key === null ? undefined : String(key) };
}

/**
 * Create the node of a description (a real node is returned as it is).
 * @param {VNode} vnode
 * @returns {Node}
 */
export function mount(vnode) {
  if (typeof vnode === "string") return document.createTextNode(vnode);
  if (isNode(vnode)) return vnode;
  const element = document.createElement(vnode.tag);
  META.set(element, { key: vnode.key });
  setProps(element, vnode.props);
  patch(element, vnode.children);
  return element;
}

/**
 * Make a parent's children match the descriptions: keep and update what matches (same key, or
 * the next unkeyed sibling with the same tag), create what is new, remove what is gone, and
 * move a node only when its place changed.
 * @param {Node} parent
 * @param {Child[]} children
 */
export function patch(parent, children) {
  const wanted = flatten(children);
  const old = [...parent.childNodes];
  const placed = new Set(wanted.filter(isNode));
  /** @type {Map<string, Node>} */
  const keyed = new Map();
  /** @type {Node[]} */
  const free = [];
  for (const node of placed) {
    const meta = META.get(node);
    if (meta) meta.foreign = true;
    else META.set(node, { foreign: true });
  }
  for (const node of old) {
    const meta = META.get(node);
    if (placed.has(node) || meta?.foreign) continue;
    const key = meta?.key;
    if (key === undefined) free.push(node);
    else if (!keyed.has(key)) keyed.set(key, node);
  }
  let cursor = 0;
  /** @type {Set<Node>} */
  const used = new Set();
  const nodes = wanted.map((vnode) => {
    let node = isNode(vnode) ? vnode : null;
    if (!node && typeof vnode !== "string" && vnode.key !== undefined) {
      const match = keyed.get(vnode.key);
      if (match && !used.has(match) && sameTag(match, vnode.tag)) node = update(match, vnode);
    } else if (!node) {
      // The next unkeyed old child of the same kind, in order; the ones skipped are removed.
      for (let i = cursor; i < free.length; i += 1) {
        if (typeof vnode === "string" ? free[i].nodeType === 3 : sameTag(free[i], vnode.tag)) {
          cursor = i + 1;
          node = update(free[i], vnode);
          break;
        }
      }
    }
    node ??= mount(vnode);
    used.add(node);
    return node;
  });
  // What is gone goes first, so that the nodes kept are already in their places and need no
  // move (moving a node takes the focus away from it, as removing it would).
  for (const node of old) if (!used.has(node) && node.parentNode === parent) parent.removeChild(node);
  nodes.forEach((node, index) => {
    const here = parent.childNodes[index] ?? null;
    if (here !== node) parent.insertBefore(node, here);
  });
}

/**
 * Set an element's props (as `h()` takes them, without `key`, `text` or children). Props set
 * by an earlier call and absent now are removed; attributes set by others are left alone.
 * @param {Element} element
 * @param {Record<string, any>} props
 */
export function setProps(element, props) {
  const meta = META.get(element) ?? {};
  META.set(element, meta);
  const before = meta.props ?? {};
  for (const name of Object.keys(before)) {
    if (!(name in props)) setProp(element, meta, name, null);
  }
  for (const [name, value] of Object.entries(props)) setProp(element, meta, name, value);
  meta.props = props;
}

/**
 * @param {Element} element
 * @param {{handlers?: Record<string, Function | undefined>}} meta
 * @param {string} name
 * @param {any} value
 */
function setProp(element, meta, name, value) {
  if (name.startsWith("on")) {
    // One listener per event for the element's life, calling the latest handler.
    const type = name.slice(2);
    const handlers = (meta.handlers ??= {});
    if (!(type in handlers)) element.addEventListener(type, (event) => handlers[type]?.(event));
    handlers[type] = typeof value === "function" ? value : undefined;
    return;
  }
  if (PROPERTIES.has(name)) {
    const next = name === "checked" ? Boolean(value) : String(value ?? "");
    // @ts-ignore: value and checked of form controls
    if (element[name] !== next) element[name] = next;
    return;
  }
  const text = value === null || value === undefined || value === false ? null : value === true ? "" : String(value);
  if (text === null) {
    if (element.hasAttribute(name)) element.removeAttribute(name);
  } else if (element.getAttribute(name) !== text) {
    element.setAttribute(name, text);
  }
}

/**
 * @param {Node} node
 * @param {VElement | string} vnode
 * @returns {Node}
 */
function update(node, vnode) {
  if (typeof vnode === "string") {
    // @ts-ignore: a Text node
    if (node.data !== vnode) node.data = vnode;
    return node;
  }
  setProps(/** @type {Element} */ (node), vnode.props);
  patch(node, vnode.children);
  return node;
}

/**
 * @param {Node} node
 * @param {string} tag
 */
function sameTag(node, tag) {
  return node.nodeType === 1 && /** @type {Element} */ (node).localName === tag.toLowerCase();
}

/** @param {any} value @returns {value is Node} */
function isNode(value) {
  return typeof value === "object" && value !== null && typeof value.nodeType === "number";
}

/**
 * @param {Child[]} children
 * @returns {VNode[]}
 */
function flatten(children) {
  /** @type {VNode[]} */
  const out = [];
  for (const child of children) {
    if (Array.isArray(child)) out.push(...flatten(child));
    else if (child === null || child === undefined || child === false || child === "") continue;
    else out.push(typeof child === "number" ? String(child) : child);
  }
  return out;
}
