/**
 * The desk's styles: the shop widget's base (theming, resets, focus) plus large touch targets
 * (at least 44 px), a two-column tablet layout and a one-column phone layout.
 * @module desk/desk-styles
 */

import { BASE } from "../styles.js";

export const DESK_CSS = `${BASE}
.root { padding: 0.75em; font-size: var(--locator-font-size, 1.0625rem); }
button, input, select { min-height: 44px; min-width: 44px; }
select { border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.3em 0.5em; background: var(--_bg); }
h1 { font-size: 1.3em; margin: 0; }
.bar { display: flex; flex-wrap: wrap; gap: 0.6em; align-items: center; justify-content: space-between; padding-bottom: 0.6em; border-bottom: 1px solid var(--_border); }
.tabs, .tools, .actions, .row { display: flex; flex-wrap: wrap; gap: 0.5em; align-items: end; }
.row .field { flex: 1 1 14em; }
.field { display: grid; gap: 0.25em; }
.field label { font-weight: 600; }
.panel { display: grid; gap: 0.8em; margin-top: 0.8em; }
.form { display: grid; gap: 0.8em; max-width: 32em; }
.hint { color: var(--_muted); }
.error-text { color: var(--_out); font-weight: 600; }
.error-text:empty { display: none; }
.alert { margin: 0.6em 0 0; padding: 0.7em 1em; border-radius: var(--_radius); background: #fff4ce; color: #3d2c00; border: 2px solid #8a6100; font-weight: 700; }
.note { margin: 0.6em 0 0; padding: 0.5em 1em; border-radius: var(--_radius); background: var(--_surface); }
ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.6em; }
.pickups { grid-template-columns: repeat(auto-fill, minmax(19em, 1fr)); }
.pickup, .found, .created, .stores li { padding: 0.7em; border: 1px solid var(--_border); border-radius: var(--_radius); background: var(--_bg); display: grid; gap: 0.4em; }
.pickup.fresh { border: 3px solid #8a6100; background: #fffbea; }
.who { display: flex; flex-wrap: wrap; gap: 0.6em; align-items: baseline; }
.code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 1.3em; letter-spacing: 0.1em; }
.badge { padding: 0.1em 0.5em; border-radius: 1em; border: 1px solid currentColor; font-size: 0.9em; }
.badge-held { color: var(--_low); }
.badge-ready { color: var(--_in); }
.badge-today { color: var(--_out); font-weight: 600; }
.handover { display: grid; gap: 0.5em; padding: 0.7em; background: var(--_surface); border-radius: var(--_radius); }
.handover video { width: 100%; max-width: 24em; border-radius: var(--_radius); }
.stores li { grid-template-columns: 1fr auto auto; align-items: center; }
.stores li.own { border-width: 2px; border-color: var(--_accent); }
.stores li button { grid-column: 1 / -1; justify-self: start; }
.choices button { width: 100%; justify-content: flex-start; text-align: start; }
.qr { width: 12em; max-width: 100%; }
.qr svg { display: block; width: 100%; height: auto; }
@media (max-width: 40em) {
  .pickups { grid-template-columns: 1fr; }
  .stores li { grid-template-columns: 1fr; }
  .bar, .tools { align-items: stretch; }
  .tools button, .tabs button { flex: 1 1 auto; }
}
`;
