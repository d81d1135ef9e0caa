import { readFileSync } from "node:fs";
import path from "node:path";
import { bench, describe } from "vitest";
import { serializeEntry } from "../../pipeline/catalog/serialize.ts";
import { loadCatalog } from "../../pipeline/catalog/validate.ts";
import { DEMO_PAGES } from "../../pipeline/demo/demo.ts";
import { diffSource } from "../../pipeline/diff/diff.ts";
import { sourceById } from "../../pipeline/sources/index.ts";

// `npm run bench`: how long the pure middle of a nightly run takes on the real pages and the real catalog.
const ROOT = path.resolve(import.meta.dirname, "../..");
const catalog = await loadCatalog(path.join(ROOT, "catalog"));
const entries = [...catalog.entries.values()].map((e) => e.entry);

describe("extract one real page", () => {
  for (const [name, file] of Object.entries(DEMO_PAGES)) {
    const source = sourceById(name.replace(/\.md$/, ""))!;
    const body = readFileSync(path.join(ROOT, file), "utf8");
    bench(`${source.id} (${Math.round(body.length / 1024)} KiB)`, () => {
      source.extract(body, "markdown");
    });
  }
});

describe("diff and write the whole catalog", () => {
  const source = sourceById("openai-pricing")!;
  const extraction = source.extract(readFileSync(path.join(ROOT, DEMO_PAGES["openai-pricing.md"]!), "utf8"), "markdown");
  const covered = entries.filter((e) => e.sources.some((s) => s.source === source.id));
  bench(`diff openai-pricing (${extraction.observations.length} observations × ${covered.length} entries)`, () => {
    diffSource(extraction, covered, "2026-08-15");
  });
  bench(`serialize ${entries.length} catalog entries`, () => {
    for (const e of entries) serializeEntry(e);
  });
  bench("load and validate the catalog from disk", async () => {
    await loadCatalog(path.join(ROOT, "catalog"));
  });
});
