import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ModelEntry } from "../../schemas/model-entry.ts";
import { Extraction } from "../../schemas/observation.ts";
import { loadCatalog } from "../catalog/validate.ts";
import { diffSource } from "../diff/diff.ts";
import { runAsChild } from "./child.ts";
import { BENCH_SOURCES, GENERATED_RUN_DATE, type GeneratedCatalog } from "./generate-catalog.ts";
import { mb, ownMaxRssBytes } from "./rss.ts";

export interface Validate10kResult {
  entries: number;
  problems: number;
  observations: number;
  outcomes: Record<string, number>;
  untracked: number;
  expected: GeneratedCatalog["expected"];
  /** load + validate the catalog, read + validate the observations, diff: the figure. */
  totalMs: number;
  loadValidateMs: number;
  observationsMs: number;
  diffMs: number;
  /** CPU time (user + system, all threads: GC and libuv's file reads included) over the same span. */
  cpuMs: number;
  /** Peak RSS of this process (kernel high-water mark), start-up included. */
  maxRssMb: number;
  heapUsedMb: number;
}

/**
 * The 10k figure, on a catalog written by generate-catalog.ts: `loadCatalog` (read every file, JSON.parse,
 * the zod schema, the cross-file rules), the observations read and checked against the `Extraction`
 * schema (what each source's extractor does for its own), and `diffSource` for every source over the
 * entries it covers, as a run does. Timed together; the parts are reported too.
 */
export async function validate10k(dir: string): Promise<Validate10kResult> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const catalog = await loadCatalog(path.join(dir, "catalog"));
  const t1 = performance.now();
  const extractions = await Promise.all(
    BENCH_SOURCES.map(async (s) => Extraction.parse(JSON.parse(await readFile(path.join(dir, "observations", `${s.source}.json`), "utf8")))),
  );
  const t2 = performance.now();
  const entries = [...catalog.entries.values()].map((e) => e.entry);
  const catalogIds = new Set(catalog.entries.keys());
  const covering = new Map<string, ModelEntry[]>();
  for (const e of entries) {
    for (const ref of e.sources) {
      const list = covering.get(ref.source);
      if (list) list.push(e);
      else covering.set(ref.source, [e]);
    }
  }
  const diffs = extractions.map((x) => diffSource(x, covering.get(x.source) ?? [], GENERATED_RUN_DATE, catalogIds));
  const t3 = performance.now();
  const cpu = process.cpuUsage(cpu0);

  const outcomes: Record<string, number> = {};
  for (const d of diffs) for (const e of d.entries) outcomes[e.outcome] = (outcomes[e.outcome] ?? 0) + 1;
  const expected = JSON.parse(await readFile(path.join(dir, "expected.json"), "utf8")) as GeneratedCatalog["expected"];
  return {
    entries: catalog.entries.size,
    problems: catalog.problems.length,
    observations: extractions.reduce((n, x) => n + x.observations.length, 0),
    outcomes,
    untracked: diffs.reduce((n, d) => n + d.untracked.length, 0),
    expected,
    totalMs: Math.round(t3 - t0),
    loadValidateMs: Math.round(t1 - t0),
    observationsMs: Math.round(t2 - t1),
    diffMs: Math.round(t3 - t2),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    maxRssMb: mb(ownMaxRssBytes()),
    heapUsedMb: mb(process.memoryUsage().heapUsed),
  };
}

/** What must hold for the figure to count: every entry valid, and the diff found what was planted. */
export function validate10kErrors(r: Validate10kResult, count: number): string[] {
  const errors: string[] = [];
  if (r.entries !== count) errors.push(`${r.entries} valid entries, expected ${count}`);
  if (r.problems !== 0) errors.push(`${r.problems} catalog problems`);
  if ((r.outcomes.verified ?? 0) !== r.expected.verified) errors.push(`${r.outcomes.verified} verified, expected ${r.expected.verified}`);
  if ((r.outcomes.changed ?? 0) !== r.expected.changed) errors.push(`${r.outcomes.changed} changed, expected ${r.expected.changed}`);
  if (r.observations !== r.expected.observations) errors.push(`${r.observations} observations, expected ${r.expected.observations}`);
  if (r.untracked !== r.expected.untracked) errors.push(`${r.untracked} untracked, expected ${r.expected.untracked}`);
  return errors;
}

// `validate10k.ts <dir> <count>`
runAsChild(import.meta.url, async ([dir, count = "10000"]) => {
  if (!dir) throw new Error("usage: validate10k.ts <dir> [count]");
  const result = await validate10k(dir);
  return { ...result, errors: validate10kErrors(result, Number(count)) };
});
