import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { entryRelativePath, type ModelEntry } from "../../schemas/model-entry.ts";
import { serializeEntry } from "../catalog/serialize.ts";
import { loadCatalog } from "../catalog/validate.ts";
import { DEMO_PAGES } from "../demo/demo.ts";
import { diffSource } from "../diff/diff.ts";
import { SOURCES } from "../sources/index.ts";

/** The pages the measurements serve: the real saved vendor pages the demo replays, and derived ones. */
export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

/** `<source-id>.md`: the real saved page of that source (DEMO_PAGES). */
export function realPage(sourceId: string): string {
  const file = DEMO_PAGES[`${sourceId}.md`];
  if (!file) throw new Error(`no saved page for ${sourceId}`);
  return readFileSync(path.join(REPO_ROOT, file), "utf8");
}

/** A client-rendered pricing page: the table exists only after the script ran; two images, a font, a stylesheet. */
export function scriptedPricingPage(n: number): string {
  const filler = Array.from(
    { length: 40 },
    (_, i) => `<p>Section ${i}: prices are in US dollars per 1M tokens unless stated otherwise; batch requests cost half.</p>`,
  ).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pricing ${n} | Bench Vendor</title>
<link rel="stylesheet" href="/assets/site.css">
<style>@font-face{font-family:Brand;src:url(/assets/brand-${n}.woff2) format("woff2")}body{font-family:Brand,sans-serif}</style>
</head><body><main>
<h1>Model pricing</h1>
<img src="/assets/hero-${n}.png" alt="" width="1200" height="400">
<img src="/assets/logo-${n}.svg" alt="" width="120" height="40">
<div id="pricing"></div>
${filler}
</main>
<script>
  const rows = [];
  for (let i = 0; i < 60; i++) rows.push("<tr><td>bench-model-${n}-" + i + "</td><td>$" + (0.1 + i / 10).toFixed(2) + "</td><td>$" + (0.4 + i / 2.5).toFixed(2) + "</td></tr>");
  document.getElementById("pricing").innerHTML = "<table><thead><tr><th>Model</th><th>Input</th><th>Output</th></tr></thead><tbody>" + rows.join("") + "</tbody></table>";
</script>
</body></html>`;
}

/**
 * Rewrite a copy of the real catalog so that it matches the real pages on `runDate`: every price a page
 * shows for a catalog model becomes the catalog's, and prices the pages no longer list are dropped (unless
 * that would leave none). A run over it then verifies, changes nothing, and captures no evidence.
 */
export async function matchCatalogToPages(catalogDir: string, runDate: string): Promise<void> {
  const catalog = await loadCatalog(catalogDir);
  if (catalog.problems.length > 0) throw new Error(`the catalog is invalid: ${catalog.problems.length} problems`);
  const entries = new Map([...catalog.entries].map(([id, { entry }]) => [id, structuredClone(entry)]));
  const touched = new Set<string>();
  for (const source of SOURCES) {
    if (!DEMO_PAGES[`${source.id}.md`]) continue;
    const extraction = source.extract(realPage(source.id), "markdown");
    const covered = [...entries.values()].filter((e) => e.sources.some((s) => s.source === source.id));
    const diff = diffSource(extraction, covered, runDate, new Set(entries.keys()));
    for (const d of diff.entries) {
      const entry: ModelEntry = entries.get(d.model)!;
      if (d.outcome === "changed" || d.outcome === "incomplete") {
        for (const c of d.changes) entry.prices[c.price] = { usd: c.new, unit: c.unit };
        touched.add(d.model);
      }
      if (d.outcome === "incomplete" && d.notOnPage.length < Object.keys(entry.prices).length) {
        for (const key of d.notOnPage) delete entry.prices[key];
      }
    }
  }
  for (const id of touched) await writeFile(path.join(catalogDir, entryRelativePath(id)), serializeEntry(entries.get(id)!));
}
