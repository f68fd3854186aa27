// Build the widget bundle into ../static and copy the API docs' assets (served locally, no CDN).
import { cp, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "static");

async function copyDocsAssets() {
  const source = join(here, "node_modules", "swagger-ui-dist");
  const target = join(out, "vendor", "swagger-ui");
  await mkdir(target, { recursive: true });
  for (const file of ["swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"]) {
    await cp(join(source, file), join(target, file));
  }
}

await copyDocsAssets();
console.log("docs assets copied to static/vendor/swagger-ui");
