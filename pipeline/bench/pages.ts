import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { entryRelativePath, type ModelEntry } from "../../schemas/model-entry.ts";
import { serializeEntry } from "../catalog/serialize.ts";
import { loadCatalog } from "../catalog/validate.ts";
import { DEMO_PAGES } from "../demo/demo.ts";
import { applyVerification } from "../apply/apply.ts";
import { diffRun } from "../diff/diff.ts";
import { isProposing } from "../diff/proposals.ts";
import { SOURCES } from "../sources/index.ts";
import { combineDocuments, type DocumentExtraction, documentsOf, type PricingSource, readsSeveralDocuments, type SourceDocument } from "../sources/source.ts";
import type { Extraction } from "../../schemas/observation.ts";
import type { PageFormat } from "../extract/document.ts";

/** The pages the measurements serve: the real saved vendor pages the demo replays, and derived ones. */
export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * A saved page by its name as `--replay` serves it (a DEMO_PAGES key): `gemini-pricing.html` for a one-page
 * source, `openai-models/gpt-image-1.md` for a document of a source that reads several.
 */
export function realPage(name: string, pages: Readonly<Record<string, string>> = DEMO_PAGES): string {
  const file = pages[name];
  if (!file) throw new Error(`no saved page ${name}`);
  return readFileSync(path.join(REPO_ROOT, file), "utf8");
}

/** The saved page's name of one document of a source (`<source-id>.<ext>` or `<source-id>/<document>.<ext>`), if saved. */
export function savedPageName(source: PricingSource, document?: SourceDocument, pages: Readonly<Record<string, string>> = DEMO_PAGES): string | undefined {
  const stem = readsSeveralDocuments(source) ? `${source.id}/${document?.name}` : source.id;
  return Object.keys(pages).find((name) => name.replace(/\.(md|html)$/, "") === stem);
}

/** One document of a source as saved: what it is (with the vendor's URL), its saved page's name, its text. */
export interface SavedDocument {
  document: SourceDocument;
  page: string;
  format: PageFormat;
  body: string;
}

/**
 * Every document a run of `source` reads for these covered entries, as saved: those it lists, then those
 * they link (each once), in the order a run queues them. Throws when one is not saved.
 */
export function savedDocuments(source: PricingSource, covered: readonly ModelEntry[], pages: Readonly<Record<string, string>> = DEMO_PAGES): SavedDocument[] {
  const queue = documentsOf(source, covered);
  const out: SavedDocument[] = [];
  for (let i = 0; i < queue.length; i++) {
    const document = queue[i]!;
    const page = savedPageName(source, document, pages);
    if (!page) throw new Error(`no saved page for ${source.id} ${document.name}`);
    const format: PageFormat = page.endsWith(".md") ? "markdown" : "html";
    const body = realPage(page, pages);
    out.push({ document, page, format, body });
    for (const next of source.linkedDocuments?.(document, body, format) ?? []) if (!queue.some((d) => d.name === next.name)) queue.push(next);
  }
  return out;
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
 * Rewrite a copy of the catalog so that it matches these saved pages on `runDate` (default: the pages the demo
 * replays, named as `--replay` serves them): every proposal the pipeline's own diff makes for an entry — new
 * and changed prices, retired keys, scheduled prices — is applied, whatever the entry's `lastVerified` (which is
 * kept). A run over it then verifies and proposes nothing, except for the entries in `keep`, left as they were.
 * Only the `sources` given (default: every source with a page) are read and expected.
 */
export async function matchCatalogToPages(
  catalogDir: string,
  runDate: string,
  options: { pages?: Readonly<Record<string, string>>; keep?: readonly string[]; sources?: readonly string[] } = {},
): Promise<void> {
  const pages = options.pages ?? DEMO_PAGES;
  const catalog = await loadCatalog(catalogDir);
  if (catalog.problems.length > 0) throw new Error(`the catalog is invalid: ${catalog.problems.length} problems`);
  // Judged as if last verified no later than `runDate` (a run never judges an entry verified after its day).
  const original = new Map([...catalog.entries].map(([id, { entry }]) => [id, entry.lastVerified]));
  const entries = new Map([...catalog.entries].map(([id, { entry }]) => [id, { ...entry, lastVerified: runDate < entry.lastVerified ? runDate : entry.lastVerified }]));
  const sources = SOURCES.filter((s) => (options.sources ?? SOURCES.map((x) => x.id)).includes(s.id) && Object.keys(pages).some((p) => p.startsWith(`${s.id}.`) || p.startsWith(`${s.id}/`)));
  const readings = sources.map((source) => {
    const covered = [...entries.values()].filter((e) => e.sources.some((s) => s.source === source.id));
    return { extraction: readSavedDocuments(source, covered, pages, entries), covered };
  });
  const diffs = diffRun(readings, { runDate, catalogIds: new Set(entries.keys()), sourceIds: new Set(sources.map((s) => s.id)) });
  const proposing = new Map(diffs.flatMap((d) => d.entries.filter(isProposing).map((e) => [e.model, e] as const)));
  for (const [id, diff] of proposing) {
    if (options.keep?.includes(id)) continue;
    const next = applyVerification(entries.get(id)!, diff, runDate);
    if (next) await writeFile(path.join(catalogDir, entryRelativePath(id)), serializeEntry({ ...next, lastVerified: original.get(id)! }));
  }
}

/** What a source reads from its saved pages, as a run reads them (every document, then across them). */
export function readSavedDocuments(
  source: PricingSource,
  covered: readonly ModelEntry[],
  pages: Readonly<Record<string, string>>,
  entries: ReadonlyMap<string, ModelEntry>,
): Extraction {
  const parts: DocumentExtraction[] = savedDocuments(source, covered, pages).map(({ document, body, format }) => {
    const read = source.extract(body, format, document);
    return { document, body, format, extraction: { ...read, observations: read.observations.map((o) => ({ ...o, document: document.url })) } };
  });
  return source.combine ? source.combine(parts, entries) : parts.length === 1 ? parts[0]!.extraction : combineDocuments(source.id, parts);
}
