/**
 * The kiosk's styles: the shop widget's base, scaled up for a touch screen on the shop floor
 * (targets of at least 64 px, large type), one column on narrow screens.
 * @module kiosk/kiosk-styles
 */

import { BASE } from "../styles.js";

export const KIOSK_CSS = `${BASE}
.root { font-size: var(--locator-font-size, 1.35rem); padding: 1em; }
button, input { min-height: 64px; min-width: 64px; font-size: 1em; }
button { padding: 0.5em 1.2em; }
h1 { font-size: 1.6em; margin: 0; }
h2 { font-size: 1.3em; }
.bar { display: flex; flex-wrap: wrap; gap: 0.5em 1em; align-items: center; justify-content: space-between; margin-bottom: 0.8em; }
.here { color: var(--_muted); }
.panel { display: grid; gap: 0.8em; }
.row, .actions { display: flex; flex-wrap: wrap; gap: 0.6em; align-items: end; }
.row .field { flex: 1 1 14em; }
.field { display: grid; gap: 0.3em; }
.field label { font-weight: 600; }
.hint { color: var(--_muted); }
.error-text { color: var(--_out); font-weight: 600; margin-top: 0.6em; }
ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.6em; }
.choices button { width: 100%; justify-content: flex-start; text-align: start; }
.stores { grid-template-columns: repeat(auto-fill, minmax(16em, 1fr)); }
.stores li { display: grid; gap: 0.4em; padding: 0.8em; border: 1px solid var(--_border); border-radius: var(--_radius); }
.stores li.own { border: 3px solid var(--_accent); }
.level-in_stock { color: var(--_in); font-weight: 600; }
.level-low_stock { color: var(--_low); font-weight: 600; }
.level-out_of_stock { color: var(--_out); }
.code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 2em; letter-spacing: 0.12em; }
.qr { width: 14em; max-width: 100%; }
.qr svg { display: block; width: 100%; height: auto; }
@media (max-width: 40em) { .stores { grid-template-columns: 1fr; } }
`;
