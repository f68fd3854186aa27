// Build the widget bundle into ../static and copy the API docs' assets (served locally, no CDN).
//
// static/locator.js is the one script a retailer includes (an ES module); the map (Leaflet) is
// a separate chunk under static/locator-chunks/, fetched only by a <store-locator map>, and so is
// the QR encoder, fetched when a pick-up code is shown. static/desk.js, the store's <store-desk>,
// and static/kiosk.js, the in-store <store-kiosk>, are entries of their own (shared modules land in
// common chunks), never loaded by a shop page. The build
// prints the gzipped sizes and fails when the core (everything loaded without the map) is above
// its budget. The report page (/reports) has its own bundle, static/reports.js (with Chart.js),
// whose map of the areas is a chunk of its own under static/reports-chunks/.
import { build } from "esbuild";
import { cp, mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "static");
const CHUNKS = "locator-chunks";
const CORE_BUDGET_BYTES = 25 * 1024;

async function copyDocsAssets() {
  const source = join(here, "node_modules", "swagger-ui-dist");
  const target = join(out, "vendor", "swagger-ui");
  await mkdir(target, { recursive: true });
  for (const file of ["swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"]) {
    await cp(join(source, file), join(target, file));
  }
}

async function gzippedSize(path) {
  return gzipSync(await readFile(path), { level: 9 }).length;
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

async function buildWidget() {
  // Old hashed chunks would pile up otherwise.
  await rm(join(out, CHUNKS), { recursive: true, force: true });
  const result = await build({
    absWorkingDir: here,
    entryPoints: { locator: "src/index.js", desk: "src/desk/index.js", kiosk: "src/kiosk/index.js" },
    bundle: true,
    splitting: true,
    format: "esm",
    outdir: out,
    entryNames: "[name]",
    chunkNames: `${CHUNKS}/[name]-[hash]`,
    minify: true,
    // The element classes keep their names (devtools, error messages, `customElements.get().name`).
    keepNames: true,
    target: ["chrome100", "firefox100", "safari15.4", "edge100"],
    loader: { ".css": "text" },
    legalComments: "eof",
    metafile: true,
    logLevel: "warning",
  });
  const outputs = result.metafile.outputs;
  // An entry's load is the entry and whatever it imports statically, transitively.
  const loadedBy = (entryPoint) => {
    const seen = new Set();
    const visit = (path) => {
      if (seen.has(path)) return;
      seen.add(path);
      for (const item of outputs[path].imports) if (item.kind === "import-statement" && outputs[item.path]) visit(item.path);
    };
    visit(Object.keys(outputs).find((path) => outputs[path].entryPoint === entryPoint));
    return seen;
  };
  const core = loadedBy("src/index.js");
  const desk = loadedBy("src/desk/index.js");
  const kiosk = loadedBy("src/kiosk/index.js");
  let coreBytes = 0;
  let lazyBytes = 0;
  let deskBytes = 0;
  let kioskBytes = 0;
  const lines = [];
  for (const path of Object.keys(outputs)) {
    const size = await gzippedSize(join(here, path));
    const lazy = !core.has(path) && !desk.has(path) && !kiosk.has(path);
    if (core.has(path)) coreBytes += size;
    if (desk.has(path)) deskBytes += size;
    if (kiosk.has(path)) kioskBytes += size;
    if (lazy) lazyBytes += size;
    const tag = lazy ? "  (lazy)" : core.has(path) ? "" : desk.has(path) ? "  (desk)" : "  (kiosk)";
    lines.push(`  ${relative(join(here, ".."), join(here, path)).padEnd(48)} ${kb(outputs[path].bytes).padStart(9)}  ${kb(size).padStart(8)} gzip${tag}`);
  }
  console.log("widget bundle:");
  for (const line of lines) console.log(line);
  console.log(`  core (without the map): ${kb(coreBytes)} gzip, budget ${kb(CORE_BUDGET_BYTES)}; lazy chunks (map, QR): ${kb(lazyBytes)} gzip; desk page: ${kb(deskBytes)} gzip; kiosk page: ${kb(kioskBytes)} gzip`);
  if (coreBytes > CORE_BUDGET_BYTES) {
    console.error(`widget core bundle is ${kb(coreBytes)} gzipped, above the ${kb(CORE_BUDGET_BYTES)} budget`);
    process.exit(1);
  }
}

async function buildReports() {
  const chunks = "reports-chunks";
  await rm(join(out, chunks), { recursive: true, force: true });
  const result = await build({
    absWorkingDir: here,
    entryPoints: { reports: "src/reports/index.js" },
    bundle: true,
    splitting: true,
    format: "esm",
    outdir: out,
    entryNames: "[name]",
    chunkNames: `${chunks}/[name]-[hash]`,
    minify: true,
    target: ["chrome100", "firefox100", "safari15.4", "edge100"],
    loader: { ".css": "text" },
    legalComments: "eof",
    metafile: true,
    logLevel: "warning",
  });
  console.log("report page bundle:");
  for (const path of Object.keys(result.metafile.outputs)) {
    const size = await gzippedSize(join(here, path));
    console.log(`  ${relative(join(here, ".."), join(here, path)).padEnd(48)} ${kb(size).padStart(8)} gzip`);
  }
}

await copyDocsAssets();
console.log("docs assets copied to static/vendor/swagger-ui");
await buildWidget();
await buildReports();
