import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { FakeEvent, installFakeDocument } from "./fake-dom.js";

const { h, mount, patch, setProps } = await import("../src/render.js");

let document;
beforeEach(() => {
  document = installFakeDocument();
});

/** Render children into a fresh parent, then forget the changes made so far. */
function rendered(...children) {
  const parent = document.createElement("div");
  patch(parent, children);
  document.log.length = 0;
  return parent;
}

test("h() describes an element; text, key and empty children are handled", () => {
  const vnode = h("p", { key: 7, class: "x", text: "hello" }, "ignored");
  assert.deepEqual(vnode, { tag: "p", props: { class: "x" }, children: ["hello"], key: "7" });
  assert.deepEqual(h("ol", null, [null, false, "", ["a", 2]], undefined).children, ["a", "2"]);
  assert.equal(h("div").key, undefined);
});

test("mount() builds nodes: attributes, booleans, properties, listeners", () => {
  let clicked = 0;
  const button = mount(h("button", {
    type: "button", hidden: false, disabled: true, "aria-label": null, onclick: () => { clicked += 1; },
  }, "Go"));
  assert.equal(button.getAttribute("type"), "button");
  assert.equal(button.hasAttribute("hidden"), false);
  assert.equal(button.getAttribute("disabled"), "");
  assert.equal(button.hasAttribute("aria-label"), false);
  assert.equal(button.textContent, "Go");
  button.dispatchEvent(new FakeEvent("click"));
  assert.equal(clicked, 1);
  const box = mount(h("input", { type: "checkbox", checked: true }));
  assert.equal(box.checked, true);
  assert.equal(box.hasAttribute("checked"), false, "checked is the live property, not the default");
});

test("an unchanged render changes nothing at all", () => {
  const view = () => [h("h2", { id: "t", tabindex: "-1" }, "Stores near Paris"), h("ol", {}, h("li", { key: "a" }, "A"))];
  const parent = rendered(view());
  patch(parent, view());
  assert.deepEqual(document.log, []);
});

test("only what differs is written, and the nodes stay the same", () => {
  const parent = rendered(h("p", { class: "a", title: "old" }, "one"), h("span", {}, "two"));
  const [p, span] = parent.childNodes;
  patch(parent, [h("p", { class: "b" }, "one"), h("span", {}, "three")]);
  assert.equal(parent.childNodes[0], p);
  assert.equal(parent.childNodes[1], span);
  assert.equal(p.getAttribute("class"), "b");
  assert.equal(p.hasAttribute("title"), false, "a prop no longer given is removed");
  assert.equal(span.textContent, "three");
  assert.deepEqual(document.log.map((entry) => entry.type), ["attribute", "attribute", "text"]);
});

test("attributes set by someone else are left alone", () => {
  const parent = rendered(h("h3", { id: "s" }, "IKEA"));
  const heading = parent.firstChild;
  heading.setAttribute("tabindex", "-1"); // e.g. focus() from a map marker
  patch(parent, [h("h3", { id: "s" }, "IKEA")]);
  assert.equal(heading.getAttribute("tabindex"), "-1");
});

test("keyed children are matched by key: reordered, added and removed without re-creating the others", () => {
  const list = (ids) => h("ol", {}, ids.map((id) => h("li", { key: id }, id)));
  const parent = rendered(list(["a", "b", "c"]));
  const [a, b, c] = parent.firstChild.childNodes;
  patch(parent, [list(["c", "a", "d"])]);
  const items = parent.firstChild.childNodes;
  assert.deepEqual(items.map((item) => item.textContent), ["c", "a", "d"]);
  assert.equal(items[0], c);
  assert.equal(items[1], a);
  assert.equal(b.parentNode, null);
});

test("a different tag or key gives a new node", () => {
  const parent = rendered(h("p", { key: "status" }, "Loading"));
  const old = parent.firstChild;
  patch(parent, [h("div", { key: "status" }, "Error")]);
  assert.notEqual(parent.firstChild, old);
  patch(parent, [h("div", { key: "other" }, "Error")]);
  assert.equal(parent.childNodes.length, 1);
  assert.equal(parent.firstChild.textContent, "Error");
});

test("a focused input keeps the focus and what was typed while its siblings change", () => {
  const view = (message) => [h("form", {},
    h("input", { name: "q", "aria-invalid": message ? "true" : null }),
    message ? h("p", { class: "field-error" }, message) : null)];
  const parent = rendered(view(null));
  const input = parent.querySelector("input");
  input.value = "Lyon"; // the shopper typed
  input.focus();
  patch(parent, [view("No place found")]);
  assert.equal(parent.querySelector("input"), input);
  assert.equal(input.value, "Lyon");
  assert.equal(document.activeElement, input);
  assert.equal(input.getAttribute("aria-invalid"), "true");
});

test("value and checked are set only when they differ from the control's own", () => {
  const parent = rendered(h("input", { value: "1" }));
  const input = parent.firstChild;
  input.value = "2";
  document.log.length = 0;
  patch(parent, [h("input", { value: "2" })]);
  assert.deepEqual(document.log, []);
  patch(parent, [h("input", { value: "3" })]);
  assert.equal(input.value, "3");
});

test("listeners are swapped, never stacked", () => {
  const calls = [];
  const parent = rendered(h("button", { onclick: () => calls.push("first") }));
  const button = parent.firstChild;
  patch(parent, [h("button", { onclick: () => calls.push("second") })]);
  button.dispatchEvent(new FakeEvent("click"));
  assert.deepEqual(calls, ["second"]);
  assert.equal(button.listeners.click.length, 1);
  patch(parent, [h("button", {})]);
  button.dispatchEvent(new FakeEvent("click"));
  assert.deepEqual(calls, ["second"]);
});

test("real nodes are placed as they are and their insides are never touched", () => {
  const live = document.createElement("div");
  live.textContent = "3 stores near Paris.";
  const parent = rendered(h("p", {}, "a"), live);
  const text = live.firstChild;
  patch(parent, [h("p", {}, "b"), h("div", {}, "body"), live]);
  assert.equal(parent.childNodes[2], live);
  assert.equal(live.firstChild, text, "the live region's words are its own");
  assert.equal(parent.childNodes[1].textContent, "body");
  // A node placed as it is is never reused for a description, even once it is no longer placed.
  patch(parent, [h("p", {}, "b"), h("div", {}, "body")]);
  assert.equal(live.parentNode, null);
  assert.equal(parent.childNodes[1].textContent, "body");
});

test("unkeyed children are matched in order by tag; the ones left over are removed", () => {
  const parent = rendered(h("div", {}, "head"), h("p", { class: "address" }), h("p", { class: "hours" }), h("div", {}, "actions"));
  const [head, , , actions] = parent.childNodes;
  patch(parent, [h("div", {}, "head"), h("p", { class: "hours" }), h("div", {}, "actions")]);
  assert.equal(parent.childNodes.length, 3);
  assert.equal(parent.childNodes[0], head);
  assert.equal(parent.childNodes[2], actions);
  assert.equal(parent.childNodes[1].getAttribute("class"), "hours");
});

test("setProps() updates one element's props and forgets only its own earlier ones", () => {
  const element = document.createElement("div");
  element.setAttribute("class", "map leaflet-container");
  setProps(element, { hidden: true, "aria-label": "Map" });
  assert.equal(element.hidden, true);
  setProps(element, { hidden: false });
  assert.equal(element.hidden, false);
  assert.equal(element.hasAttribute("aria-label"), false);
  assert.equal(element.getAttribute("class"), "map leaflet-container");
});

test("a store removed before the focused one leaves the focused one where it is, focused", () => {
  const list = (ids) => h("ol", {}, ids.map((id) => h("li", { key: id }, h("button", {}, id))));
  const parent = rendered(list(["a", "b", "c"]));
  const button = parent.querySelector("li button");
  const focused = parent.firstChild.childNodes[1].firstChild; // store b's button
  focused.focus();
  patch(parent, [list(["b", "c"])]);
  assert.equal(document.activeElement, focused);
  assert.equal(button.parentNode.parentNode, null, "store a is gone");
  assert.deepEqual(document.log.filter((entry) => entry.type === "insert"), [], "nothing was moved");
});
