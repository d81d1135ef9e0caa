import { readFileSync } from "node:fs";
import path from "node:path";
import type { Extraction } from "../../schemas/observation.ts";
import { serializeEntry } from "../catalog/serialize.ts";
import { loadCatalog } from "../catalog/validate.ts";
import { DEMO_PAGES, DEMO_DATE } from "../demo/demo.ts";
import { diffSource } from "../diff/diff.ts";
import { sourceById } from "../sources/index.ts";
import { runAsChild } from "./child.ts";
import { median } from "./stats.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** Odd, so the median is one of the runs. */
const REPEAT = 15;

export interface RealDataResult {
  /** Per real saved page: size, observations, first (cold) extraction and the median of the next ones. */
  extract: { source: string; kib: number; observations: number; firstMs: number; medianMs: number }[];
  diffAllMs: number;
  serializeAllMs: number;
  loadCatalogMs: number;
  entries: number;
}

const time = (f: () => unknown): number => {
  const t = performance.now();
  f();
  return performance.now() - t;
};

/** The pure middle of a nightly run on the real pages and the real catalog (what `vitest bench` measured before). */
export async function realData(): Promise<RealDataResult> {
  const t = performance.now();
  const catalog = await loadCatalog(path.join(ROOT, "catalog"));
  const loadCatalogMs = performance.now() - t;
  const entries = [...catalog.entries.values()].map((e) => e.entry);
  const extract: RealDataResult["extract"] = [];
  const extractions: Extraction[] = [];
  for (const [name, file] of Object.entries(DEMO_PAGES)) {
    const source = sourceById(name.replace(/\.md$/, ""))!;
    const body = readFileSync(path.join(ROOT, file), "utf8");
    const firstMs = time(() => extractions.push(source.extract(body, "markdown")));
    const runs = Array.from({ length: REPEAT }, () => time(() => source.extract(body, "markdown")));
    extract.push({ source: source.id, kib: Math.round(body.length / 1024), observations: extractions.at(-1)!.observations.length, firstMs: round(firstMs), medianMs: round(median(runs)) });
  }
  const ids = new Set(entries.map((e) => e.id));
  const diffAllMs = median(
    Array.from({ length: REPEAT }, () =>
      time(() => {
        for (const x of extractions) diffSource(x, entries.filter((e) => e.sources.some((s) => s.source === x.source)), DEMO_DATE, ids);
      }),
    ),
  );
  const serializeAllMs = median(Array.from({ length: REPEAT }, () => time(() => entries.forEach((e) => serializeEntry(e)))));
  return { extract, diffAllMs: round(diffAllMs), serializeAllMs: round(serializeAllMs), loadCatalogMs: round(loadCatalogMs), entries: entries.length };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

runAsChild(import.meta.url, () => realData());
