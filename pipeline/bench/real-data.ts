import path from "node:path";
import type { ModelEntry } from "../../schemas/model-entry.ts";
import type { Extraction } from "../../schemas/observation.ts";
import { serializeEntry } from "../catalog/serialize.ts";
import { loadCatalog } from "../catalog/validate.ts";
import { DEMO_PAGES, DEMO_DATE } from "../demo/demo.ts";
import { diffRun } from "../diff/diff.ts";
import { SOURCES } from "../sources/index.ts";
import { runAsChild } from "./child.ts";
import { readSavedDocuments, savedDocuments } from "./pages.ts";
import { median } from "./stats.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** Odd, so the median is one of the runs. */
const REPEAT = 15;

export interface RealDataResult {
  /**
   * Per source, over all its real saved documents (a run's reading: each document, then `combine`): size,
   * observations, first (cold) reading and the median of the next ones.
   */
  extract: { source: string; documents: number; kib: number; observations: number; firstMs: number; medianMs: number }[];
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
export async function realData(options: { repeat?: number } = {}): Promise<RealDataResult> {
  const repeat = options.repeat ?? REPEAT;
  const t = performance.now();
  const catalog = await loadCatalog(path.join(ROOT, "catalog"));
  const loadCatalogMs = performance.now() - t;
  const entries = [...catalog.entries.values()].map((e) => e.entry);
  const byId = new Map(entries.map((e) => [e.id, e]));
  const extract: RealDataResult["extract"] = [];
  const readings: { extraction: Extraction; covered: ModelEntry[] }[] = [];
  for (const source of SOURCES) {
    const covered = entries.filter((e) => e.sources.some((s) => s.source === source.id));
    const saved = savedDocuments(source, covered);
    const read = () => readSavedDocuments(source, covered, DEMO_PAGES, byId);
    let extraction: Extraction | undefined;
    const firstMs = time(() => (extraction = read()));
    const runs = Array.from({ length: repeat }, () => time(read));
    readings.push({ extraction: extraction!, covered });
    extract.push({
      source: source.id,
      documents: saved.length,
      kib: Math.round(saved.reduce((n, d) => n + Buffer.byteLength(d.body), 0) / 1024),
      observations: extraction!.observations.length,
      firstMs: round(firstMs),
      medianMs: round(median(runs)),
    });
  }
  const ids = new Set(entries.map((e) => e.id));
  const sourceIds = new Set(SOURCES.map((s) => s.id));
  const diffAllMs = median(Array.from({ length: repeat }, () => time(() => diffRun(readings, { runDate: DEMO_DATE, catalogIds: ids, sourceIds }))));
  const serializeAllMs = median(Array.from({ length: repeat }, () => time(() => entries.forEach((e) => serializeEntry(e)))));
  return { extract, diffAllMs: round(diffAllMs), serializeAllMs: round(serializeAllMs), loadCatalogMs: round(loadCatalogMs), entries: entries.length };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

runAsChild(import.meta.url, () => realData());
