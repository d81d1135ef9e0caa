import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { entryRelativePath } from "../../schemas/model-entry.ts";
import { serializeEntry } from "../catalog/serialize.ts";
import { loadCatalog } from "../catalog/validate.ts";
import { DEMO_DATE } from "../demo/demo.ts";
import { HostQueues } from "../fetch/host-queue.ts";
import { runPipeline } from "../run/run.ts";
import { SOURCES } from "../sources/index.ts";
import type { PricingSource } from "../sources/source.ts";
import { runAsChild } from "./child.ts";
import { hostStats, type HostStats } from "./hosts.ts";
import { matchCatalogToPages, REPO_ROOT } from "./pages.ts";


/** When this module was evaluated: node, tsx and every module of the run loaded. */
const LOADED_AT = performance.now();

/** Pages per real source: 4 sources × 10 = 40 pages. */
export const COPIES = 10;

export type ReplayMode = "parallel" | "sequential" | "browser";

/** The per-host limit of one request at a time, widened to every host at once: the sequential baseline. */
class OneRequestAtATime extends HostQueues {
  override run<T>(_url: string, task: () => Promise<T>): Promise<T> {
    return super.run("http://every-host.invalid/", task);
  }
}

/**
 * 40 sources: ten copies of each real source (its real extractor, a catalog that covers it), copy k of
 * the 40 reading its real saved page from host k mod 8, so each host serves 5 pages. In "browser" mode
 * eight of the DeepSeek copies, one per host, read their page through Chromium (served as markdown, the
 * browser path keeps the text as sent, so they read the same prices).
 */
export function replaySources(origins: readonly string[], mode: ReplayMode): PricingSource[] {
  const out: PricingSource[] = [];
  SOURCES.forEach((real, s) => {
    for (let j = 0; j < COPIES; j++) {
      const k = s * COPIES + j;
      const origin = origins[k % origins.length]!;
      const browser = mode === "browser" && real.id === "deepseek-pricing" && j < origins.length;
      const id = `${real.id}-${j}`;
      out.push({
        ...real,
        id,
        url: `${origin}/page/${real.id}.md?copy=${j}`,
        fetchWith: browser ? "browser" : "http",
        extract: (body, format) => ({ ...real.extract(body, format), source: id }),
      });
    }
  });
  return out;
}

export interface ReplayResult {
  mode: ReplayMode;
  pages: number;
  hosts: number;
  /** runPipeline from call to return: catalog load, fetches, extraction, diff, report. The figure. */
  runMs: number;
  /** From this process's start until node, tsx and the run's modules were loaded (a CLI run pays the same). */
  startupMs: number;
  /** Then until the call: the bench's own set-up (catalog copied and matched to the pages). */
  setupMs: number;
  statuses: Record<string, number>;
  failures: string[];
  /** Summed over sources: waiting for and fetching the page; extracting and diffing it. */
  fetchMsSum: number;
  extractMsSum: number;
  browserPages: number;
  /** Per host: requests served and the most at once (must be 1); over all hosts, the most at once. */
  requestsPerHost: number[];
  maxInFlightPerHost: number;
  maxInFlightOverall: number;
  /** When the last page's request ended, from the first request's start. */
  fetchSpanMs: number;
  /** From the call to the first request (lock, catalog load, plan), and from the last answer to the return. */
  beforeFirstRequestMs: number;
  afterLastRequestMs: number;
  assetHits: Record<string, number>;
}

/**
 * A dry run of the real `runPipeline` over those 40 sources (injected as `options.sources`), against the
 * real catalog with each entry also naming the copies of its source, so every page is fetched, stored,
 * extracted and diffed as in a nightly run. The per-host limit is the pipeline's own (`HostQueues`);
 * "sequential" swaps in one queue for every host.
 */
export async function replay40(origins: readonly string[], mode: ReplayMode): Promise<ReplayResult> {
  const root = mkdtempSync(path.join(tmpdir(), "catalog-freshness-bench-replay-"));
  try {
    const catalogDir = path.join(root, "catalog");
    cpSync(path.join(REPO_ROOT, "catalog"), catalogDir, { recursive: true });
    // A typical night: every price on the pages as in the catalog (no PR, no evidence to capture).
    await matchCatalogToPages(catalogDir, DEMO_DATE);
    const sources = replaySources(origins, mode);
    // Each entry a real source covers is covered by that source's copies too.
    const catalog = await loadCatalog(catalogDir);
    for (const { entry } of catalog.entries.values()) {
      const extra = entry.sources.flatMap((ref) => sources.filter((s) => s.id.startsWith(`${ref.source}-`)).map((s) => ({ source: s.id, url: s.url })));
      if (extra.length === 0) continue;
      await writeFile(path.join(catalogDir, entryRelativePath(entry.id)), serializeEntry({ ...entry, sources: [...entry.sources, ...extra] }));
    }

    await hostStats(origins, true);
    const lines: string[] = [];
    const setupMs = Math.round(performance.now() - LOADED_AT);
    const wallStart = Date.now();
    const t0 = performance.now();
    const report = await runPipeline({
      repoDir: root,
      catalogDir,
      only: [],
      dryRun: true,
      runDate: DEMO_DATE,
      verifiedTo: "base",
      runDir: path.join(root, "run"),
      env: {},
      out: (l) => lines.push(l),
      log: (l) => lines.push(l),
      sources,
      fetchOptions: { hostQueues: mode === "sequential" ? new OneRequestAtATime() : new HostQueues() },
    });
    const runMs = Math.round(performance.now() - t0);
    const wallEnd = Date.now();
    const stats = await hostStats(origins);

    const statuses: Record<string, number> = {};
    for (const s of report.sources) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
    const all = stats.flatMap((h) => h.requests);
    const assetHits: Record<string, number> = {};
    for (const h of stats) for (const [k, v] of Object.entries(h.assetHits)) assetHits[k] = (assetHits[k] ?? 0) + v;
    return {
      mode,
      pages: sources.length,
      hosts: origins.length,
      runMs,
      startupMs: Math.round(LOADED_AT),
      setupMs,
      statuses,
      failures: report.sources.filter((s) => s.status !== "ok").map((s) => `${s.source}: ${s.reason}`),
      fetchMsSum: report.sources.reduce((n, s) => n + s.timings.fetchMs, 0),
      extractMsSum: report.sources.reduce((n, s) => n + s.timings.extractMs, 0),
      browserPages: sources.filter((s) => s.fetchWith === "browser").length,
      requestsPerHost: stats.map((h) => h.requests.length),
      maxInFlightPerHost: Math.max(...stats.map((h) => h.maxInFlight)),
      maxInFlightOverall: maxOverlap(all),
      fetchSpanMs: all.length ? Math.max(...all.map((r) => r.end)) - Math.min(...all.map((r) => r.start)) : 0,
      beforeFirstRequestMs: all.length ? Math.min(...all.map((r) => r.start)) - wallStart : 0,
      afterLastRequestMs: all.length ? wallEnd - Math.max(...all.map((r) => r.end)) : 0,
      assetHits,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function maxOverlap(requests: HostStats["requests"]): number {
  const edges = requests.flatMap((r) => [[r.start, 1] as const, [r.end, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return max;
}

export function replayErrors(r: ReplayResult): string[] {
  const errors: string[] = [];
  if ((r.statuses.ok ?? 0) !== r.pages) errors.push(`${r.pages - (r.statuses.ok ?? 0)} of ${r.pages} sources not ok: ${r.failures.slice(0, 3).join("; ")}`);
  if (r.maxInFlightPerHost !== 1) errors.push(`a host had ${r.maxInFlightPerHost} requests at once`);
  if (r.requestsPerHost.some((n) => n !== r.pages / r.hosts)) errors.push(`requests per host ${r.requestsPerHost.join(",")}, expected ${r.pages / r.hosts} each`);
  if (r.mode === "sequential" && r.maxInFlightOverall !== 1) errors.push(`sequential run had ${r.maxInFlightOverall} requests at once`);
  if (r.mode === "browser" && (r.assetHits.png || r.assetHits.svg || r.assetHits.woff2)) errors.push(`images or fonts reached the hosts: ${JSON.stringify(r.assetHits)}`);
  return errors;
}

// `replay40.ts <parallel|sequential|browser> <origin>…`
runAsChild(import.meta.url, async ([mode, ...origins]) => {
  if ((mode !== "parallel" && mode !== "sequential" && mode !== "browser") || origins.length === 0) {
    throw new Error("usage: replay40.ts <parallel|sequential|browser> <origin>…");
  }
  const result = await replay40(origins, mode);
  return { ...result, errors: replayErrors(result) };
});
