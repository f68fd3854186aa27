/**
 * The elements' styles. Everything visible is themable through CSS custom properties
 * (`--locator-*`) and `::part()`; `:host` resets inherited styles so host-page CSS cannot leak in.
 * Sizes are in `em` from a `medium` base, not `rem`, so a page's root font size changes nothing.
 * @module styles
 */

export const BASE = `
:host {
  all: initial !important;
  display: block !important;
}
:host([hidden]) { display: none !important; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.root {
  --_accent: var(--locator-accent, #0058a3);
  --_accent-text: var(--locator-accent-text, #ffffff);
  --_bg: var(--locator-background, #ffffff);
  --_surface: var(--locator-surface, #f4f6f8);
  --_fg: var(--locator-text, #1a1a1a);
  --_muted: var(--locator-muted, #555555);
  --_border: var(--locator-border, #767676);
  --_radius: var(--locator-radius, 0.5em);
  --_focus: var(--locator-focus, #0b57d0);
  --_in: var(--locator-in-stock, #0a6e2c);
  --_low: var(--locator-low-stock, #8a4b00);
  --_out: var(--locator-out-of-stock, #b3261e);
  display: block;
  font-family: var(--locator-font, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
  font-size: var(--locator-font-size, medium);
  font-weight: normal;
  font-style: normal;
  line-height: 1.45;
  letter-spacing: normal;
  text-transform: none;
  text-align: start;
  color: var(--_fg);
  background: var(--_bg);
  overflow-wrap: anywhere;
}
.sr-only {
  position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap;
}
button, input, select { font: inherit; color: inherit; letter-spacing: inherit; margin: 0; }
button {
  display: inline-flex; align-items: center; justify-content: center; gap: 0.4em;
  min-height: 2.75em; padding: 0.45em 1em; cursor: pointer; text-align: center;
  border: 1px solid var(--_accent); border-radius: var(--_radius);
  background: var(--_bg); color: var(--_accent); font-weight: 600;
}
button.primary { background: var(--_accent); color: var(--_accent-text); }
button:hover { filter: brightness(0.92); }
button[disabled], button[aria-disabled="true"] { cursor: default; opacity: 0.65; filter: none; }
button.link {
  min-height: auto; padding: 0.1em 0; border: 0; background: none; color: var(--_accent);
  text-decoration: underline; font-weight: normal;
}
:is(button, input, a, [tabindex]):focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
h2:focus, h3:focus, [tabindex="-1"]:focus { outline: none; }
h2:focus-visible, [tabindex="-1"]:focus-visible { outline: 2px dashed var(--_focus); outline-offset: 2px; }
input[type="text"], input[type="search"], input[type="number"], input[type="email"], input[type="tel"] {
  display: block; width: 100%; min-height: 2.75em; padding: 0.4em 0.6em;
  border: 1px solid var(--_border); border-radius: var(--_radius); background: var(--_bg); color: var(--_fg);
}
input[aria-invalid="true"] { border: 2px solid var(--_out); }
input[type="checkbox"] { width: 1.25em; height: 1.25em; flex: none; margin-top: 0.15em; accent-color: var(--_accent); }
h2, h3, p, ol, ul, fieldset, legend, form { margin: 0; padding: 0; }
@media (forced-colors: active) {
  .dot { background: CanvasText; }
  button.primary { border: 1px solid ButtonText; }
}
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { transition: none !important; animation: none !important; scroll-behavior: auto !important; }
}
h2 { font-size: 1.15em; line-height: 1.3; }
h3 { font-size: 1.05em; line-height: 1.3; }
`;

export const LOCATOR_CSS = `${BASE}
.root { padding: var(--locator-padding, 1em); border-radius: var(--_radius); }
.stack > * + * { margin-top: 0.75em; }
.search label { display: block; font-weight: 600; margin-bottom: 0.25em; }
.search-row { display: flex; flex-wrap: wrap; gap: 0.5em; }
.search-row input { flex: 1 1 12em; width: auto; }
.search-row button { flex: 0 0 auto; }
.locate { margin-top: 0.5em; }
.notice {
  padding: 0.6em 0.8em; border-left: 4px solid var(--_low); background: var(--_surface); border-radius: 0.25em;
}
.field-error, .error-text { color: var(--_out); font-weight: 600; }
.filters { border: 0; display: flex; flex-wrap: wrap; gap: 0.4em 1.25em; align-items: center; }
.filters legend { float: left; font-weight: 600; margin-right: 0.5em; }
.check { display: flex; align-items: flex-start; gap: 0.5em; cursor: pointer; }
.status { color: var(--_muted); }
.results-heading { margin-top: 1em; }
.list { list-style: none; display: grid; gap: 0.75em; }
.store {
  border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.75em 0.9em; background: var(--_bg);
}
.store.mine { border: 2px solid var(--_accent); }
.store-head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.25em 1em; align-items: baseline; }
.distance { color: var(--_muted); white-space: nowrap; }
.mine-tag {
  display: inline-block; margin-left: 0.5em; padding: 0 0.5em; border-radius: 1em; font-size: 0.85em;
  background: var(--_accent); color: var(--_accent-text); font-weight: 600; vertical-align: middle;
}
.address, .hours, .today { color: var(--_muted); }
.hours .state-open { color: var(--_in); font-weight: 600; }
.hours .state-closed { color: var(--_out); font-weight: 600; }
.level { display: flex; flex-wrap: wrap; align-items: center; gap: 0.2em 0.5em; font-weight: 600; margin-top: 0.25em; }
.dot { width: 0.7em; height: 0.7em; border-radius: 50%; background: currentColor; flex: none; }
.level-in_stock { color: var(--_in); }
.level-low_stock { color: var(--_low); }
.level-out_of_stock { color: var(--_out); }
.level-unknown { color: var(--_muted); }
.simulated { font-weight: normal; color: var(--_muted); font-size: 0.85em; }
.actions { display: flex; flex-wrap: wrap; gap: 0.5em; margin-top: 0.6em; }
.empty, .error-box, .panel { padding: 0.9em; border-radius: var(--_radius); background: var(--_surface); }
.error-box { border-left: 4px solid var(--_out); }
.map { height: var(--locator-map-height, 18em); border-radius: var(--_radius); overflow: hidden; border: 1px solid var(--_border); }
.field { display: grid; gap: 0.25em; }
.field > label { font-weight: 600; }
.field > label.check { font-weight: normal; }
.hint { color: var(--_muted); font-size: 0.9em; }
.form { display: grid; gap: 0.9em; margin-top: 0.75em; }
.qty { max-width: 8em; }
.qr { width: 10em; max-width: 100%; margin: 0.5em 0; }
.qr svg { display: block; width: 100%; height: auto; }
.code {
  display: inline-block; font-size: 1.8em; font-weight: 700; letter-spacing: 0.12em;
  font-family: var(--locator-code-font, ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace);
  padding: 0.1em 0.4em; border: 2px dashed var(--_accent); border-radius: var(--_radius); background: var(--_bg);
}
.confirmation h2 { color: var(--_in); }
@media (max-width: 26em) {
  .root { padding: 0.6em; }
  .actions button, .search-row button, .locate { flex: 1 1 100%; width: 100%; }
}
`;

export const BADGE_CSS = `${BASE}
:host { display: inline-block !important; max-width: 100%; }
.root { display: inline-block; max-width: 100%; background: transparent; }
.badge {
  display: inline-flex; align-items: center; gap: 0.5em; text-align: start; justify-content: flex-start;
  min-height: 2.75em; padding: 0.4em 0.9em; font-weight: 600; max-width: 100%;
  border: 1px solid var(--_border); background: var(--_bg); color: var(--_fg);
}
.badge .text { display: grid; }
.badge .nearest { font-weight: normal; color: var(--_muted); font-size: 0.9em; }
.state-in .dot { color: var(--_in); }
.state-low .dot { color: var(--_low); }
.state-none .dot { color: var(--_out); }
.state-unknown .dot, .state-loading .dot { color: var(--_muted); }
.dot { width: 0.75em; height: 0.75em; border-radius: 50%; background: currentColor; flex: none; }
`;
