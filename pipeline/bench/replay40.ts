import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { entryRelativePath } from "../../schemas/model-entry.ts";
import { serializeEntry } from "../catalog/serialize.ts";
import { loadCatalog } from "../catalog/validate.ts";
import { DEMO_DATE } from "../demo/demo.ts";
import { HostQueues } from "../fetch/host-queue.ts";
import type { PageFetcherOptions } from "../fetch/index.ts";
import { runPipeline } from "../run/run.ts";
import { SOURCES } from "../sources/index.ts";
import { type PricingSource, readsSeveralDocuments } from "../sources/source.ts";
import { runAsChild } from "./child.ts";
import { hostStats } from "./hosts.ts";
import { matchCatalogToPages, REPO_ROOT, savedPageName } from "./pages.ts";
import { maxOverlap } from "./stats.ts";

/** When this module was evaluated: node, tsx and every module of the run loaded. */
const LOADED_AT = performance.now();

/** Copies of each one-page source: 5 sources × 8 = 40 pages. */
export const COPIES = 8;

export type ReplayMode = "parallel" | "sequential" | "browser";

/** The per-host limit of one request at a time, widened to every host at once: the sequential baseline. */
/**
 * A dry run of the real `runPipeline` over injected sources, on DEMO_DATE, output kept in memory: the run the
 * replay figures time (`runMs`), with the wall-clock bounds its requests are compared against.
 */
export async function timedDryRun(root: string, catalogDir: string, sources: PricingSource[], fetchOptions?: PageFetcherOptions) {
  const lines: string[] = [];
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
    ...(fetchOptions ? { fetchOptions } : {}),
  });
  return { report, runMs: Math.round(performance.now() - t0), wallStart, wallEnd: Date.now() };
}

export class OneRequestAtATime extends HostQueues {
  override run<T>(_url: string, task: () => Promise<T>): Promise<T> {
    return super.run("http://every-host.invalid/", task);
  }
}

/**
 * The five one-page sources the 40-page figure has always replayed (the ones that read several documents, and the
 * eight vendors of issue 19, are measured by `nightly.ts`): kept fixed so the figure compares across commits.
 */
const REPLAY40_SOURCE_IDS = ["openai-pricing", "anthropic-pricing", "gemini-pricing", "deepseek-pricing", "xai-pricing"];
export const ONE_PAGE_SOURCES: readonly PricingSource[] = SOURCES.filter((s) => REPLAY40_SOURCE_IDS.includes(s.id) && !readsSeveralDocuments(s));

/** The one-page source whose copies go through Chromium in "browser" mode: markdown, which the browser keeps as sent. */
const BROWSER_SOURCE = "xai-pricing";

/**
 * 40 sources: eight copies of each of the five one-page sources (its real extractor, a catalog that covers
 * it, its real saved page), copy j of every source on host j mod the host count, so each of 8 hosts serves
 * 5 pages, one of each source. The two sources of several documents (OpenAI's model pages, Mistral's cards,
 * index and model pages) are not copied here: a copy of one is not one page but 5 or 22, and `nightly.ts`
 * replays them with the vendors' own hosts. In "browser" mode the xAI copies (one per host) are read
 * through Chromium (the page is markdown, which the browser path keeps as sent, so they read the same prices).
 */
export function replaySources(origins: readonly string[], mode: ReplayMode): PricingSource[] {
  const out: PricingSource[] = [];
  for (const real of ONE_PAGE_SOURCES) {
    const page = savedPageName(real);
    if (!page) throw new Error(`no saved page for ${real.id}`);
    for (let j = 0; j < COPIES; j++) {
      const origin = origins[j % origins.length]!;
      const browser = mode === "browser" && real.id === BROWSER_SOURCE && j < origins.length;
      const id = `${real.id}-${j}`;
      out.push({
        ...real,
        id,
        url: `${origin}/page/${page}?copy=${j}`,
        fetchWith: browser ? "browser" : "http",
        extract: (body, format, document) => ({ ...real.extract(body, format, document), source: id }),
      });
    }
  }
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
  /** Proposals (changed, reshaped, added, retired, scheduled) over every source: must be none, the catalog matches the pages. */
  proposals: number;
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
 * real catalog matched to the saved pages, each entry also naming the copies of its source, so every page
 * is fetched, stored, extracted and diffed as in a nightly run, and nothing is proposed. The per-host limit is the pipeline's own (`HostQueues`);
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
    // Each entry a one-page source covers is covered by that source's copies too, unless a source of several
    // documents also prices it (OpenAI's image models): judged on the pricing page alone, its per-image prices
    // would read as retired. Those entries are left to the nightly figure (nightly.ts).
    const catalog = await loadCatalog(catalogDir);
    const multiDocument = new Set(SOURCES.filter(readsSeveralDocuments).map((s) => s.id));
    for (const { entry } of catalog.entries.values()) {
      if (entry.sources.some((ref) => multiDocument.has(ref.source))) continue;
      const extra = entry.sources.flatMap((ref) => sources.filter((s) => s.id.replace(/-\d+$/, "") === ref.source).map((s) => ({ source: s.id, url: s.url })));
      if (extra.length === 0) continue;
      await writeFile(path.join(catalogDir, entryRelativePath(entry.id)), serializeEntry({ ...entry, sources: [...entry.sources, ...extra] }));
    }

    await hostStats(origins, true);
    const setupMs = Math.round(performance.now() - LOADED_AT);
    const { report, runMs, wallStart, wallEnd } = await timedDryRun(root, catalogDir, sources, {
      hostQueues: mode === "sequential" ? new OneRequestAtATime() : new HostQueues(),
    });
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
      proposals: report.sources.reduce((n, s) => n + s.counts.changed + s.counts.reshaped + s.counts.added + s.counts.retired + s.counts.scheduled, 0),
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

export function replayErrors(r: ReplayResult): string[] {
  const errors: string[] = [];
  if ((r.statuses.ok ?? 0) !== r.pages) errors.push(`${r.pages - (r.statuses.ok ?? 0)} of ${r.pages} sources not ok: ${r.failures.slice(0, 3).join("; ")}`);
  if (r.maxInFlightPerHost !== 1) errors.push(`a host had ${r.maxInFlightPerHost} requests at once`);
  if (r.requestsPerHost.some((n) => n !== r.pages / r.hosts)) errors.push(`requests per host ${r.requestsPerHost.join(",")}, expected ${r.pages / r.hosts} each`);
  if (r.proposals !== 0) errors.push(`${r.proposals} proposals: the catalog does not match the pages`);
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
