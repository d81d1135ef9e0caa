/**
 * `npm run bench`: the figures of issue 7, each measured in a process of its own, then a table and, last,
 * one line of JSON. Every figure's child also checks that what it measured is right (all pages read, one
 * request per host, only `lastVerified` lines changed, images and fonts blocked…).
 *
 * Exit code: 0 when every measurement ran and its checks held, whether or not the timing targets were met
 * (the table says "met"/"MISSED"); 1 when a measurement crashed or a check failed, as then a figure would
 * describe a broken run.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BrowserPagesResult } from "./browser-pages.ts";
import { runChild } from "./child.ts";
import type { NoopRunResult } from "./noop-run.ts";
import type { NightlyResult } from "./nightly.ts";
import type { RealDataResult } from "./real-data.ts";
import { COPIES, ONE_PAGE_SOURCES, type ReplayResult } from "./replay40.ts";
import { mb } from "./rss.ts";
import type { Validate10kResult } from "./validate10k.ts";

const CATALOG_SIZE = 10_000;
/** Hosts of the 40-page replay (the nightly replay has one per vendor host: 7). */
const HOSTS = 8;
const HOST_DELAY_MS = 250;
const PAGES_PER_HOST = 5;
/** 1.5 × the longest host's share: 5 pages × 250 ms. */
const REPLAY_TARGET_MS = 1.5 * PAGES_PER_HOST * HOST_DELAY_MS;

type Checked<T> = T & { errors?: string[]; missing?: string };

interface Row {
  figure: string;
  value: string;
  target: string;
  /** undefined: no target (shown for context). */
  met?: boolean;
}

const rows: Row[] = [];
const figures: Record<string, unknown> = {};
const failures: string[] = [];
const notes: string[] = [];
const log = (line: string) => process.stderr.write(`${line}\n`);

const began = performance.now();
const machine = {
  cpu: os.cpus()[0]?.model.trim() ?? "unknown",
  cores: os.cpus().length,
  memGb: Math.round(os.totalmem() / 1024 ** 3),
  os: `${os.type()} ${os.release()}`,
  node: process.version,
  loadAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
};
log(`catalog-freshness bench on ${machine.cpu}, ${machine.cores} cores, ${machine.memGb} GB, ${machine.os}, node ${machine.node}; load average ${machine.loadAtStart.join(" ")}`);

/** Run one measurement; a crash or a failed check is recorded and the bench goes on with the next. */
async function measure<T>(name: string, script: string, args: string[], timeoutMs: number): Promise<(Awaited<ReturnType<typeof runChild<Checked<T>>>>) | undefined> {
  log(`▸ ${name}`);
  try {
    const run = await runChild<Checked<T>>(script, args, { label: name, timeoutMs });
    for (const e of run.result.errors ?? []) failures.push(`${name}: ${e}`);
    return run;
  } catch (err) {
    failures.push(`${name}: ${(err as Error).message}`);
    return undefined;
  }
}

/** The stand-in hosts, in their own process (see hosts.ts): `[count, delay]` or `["vendors", delay]`. */
async function startHostsProcess(args: string[]): Promise<{ origins: string[]; standIns: Record<string, string>; stop(): void }> {
  const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), path.join(import.meta.dirname, "hosts.ts"), ...args], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const ready = await new Promise<{ origins: string[]; standIns: Record<string, string> }>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("hosts.ts did not start within 30 s")), 30_000);
    child.on("exit", (code) => reject(new Error(`hosts.ts exited (${code})`)));
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const m = /HOSTS_READY (.*)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(JSON.parse(m[1]!) as { origins: string[]; standIns: Record<string, string> });
      }
    });
  });
  return {
    ...ready,
    stop: () => {
      child.stdin.end();
      setTimeout(() => child.kill(), 2_000).unref();
    },
  };
}

const ms = (n: number) => `${Math.round(n).toLocaleString("en-US")} ms`;

// 1. validate10k: the catalog is generated (untimed) by one process, loaded, validated and diffed by another.
const dataDir = mkdtempSync(path.join(os.tmpdir(), "catalog-freshness-bench-10k-"));
try {
  const generated = await measure<{ files: number; bytes: number; text: number; image: number }>("generate", "generate-catalog.ts", [dataDir, String(CATALOG_SIZE)], 120_000);
  if (generated) {
    const g = generated.result;
    notes.push(`generated catalog: ${g.files} files (${g.text} text, ${g.image} image models), ${mb(g.bytes)} MB`);
    // Flush the 10,000 new files to disk first, so their write-back does not run during the measurement.
    spawnSync("sync");
    const v = await measure<Validate10kResult>("validate10k", "validate10k.ts", [dataDir, String(CATALOG_SIZE)], 120_000);
    if (v) {
      const r = v.result;
      figures.validate10k_ms = r.totalMs;
      figures.validate10k_rss_mb = r.maxRssMb;
      rows.push({ figure: "validate10k_ms", value: ms(r.totalMs), target: "< 2,000 ms", met: r.totalMs < 2_000 });
      rows.push({ figure: "  load + validate catalog", value: ms(r.loadValidateMs), target: "" });
      rows.push({ figure: "  read + validate observations", value: `${ms(r.observationsMs)} (${r.observations.toLocaleString("en-US")})`, target: "" });
      rows.push({ figure: "  diff", value: ms(r.diffMs), target: "" });
      rows.push({ figure: "  CPU time (all threads)", value: ms(r.cpuMs), target: "" });
      rows.push({ figure: "validate10k_rss_mb", value: `${r.maxRssMb} MB`, target: "< 400 MB", met: r.maxRssMb < 400 });
    }
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

// 2. No-op run: a real run over real pages and a catalog that matches them.
const noop = await measure<NoopRunResult>("noop-run", "noop-run.ts", [], 120_000);
if (noop) {
  const r = noop.result;
  figures.noop_run_files_rewritten = r.filesRewritten;
  figures.noop_run_changed_lines = r.changedLines;
  figures.noop_run_other_lines = r.otherLines;
  const ok = (r.errors ?? []).length === 0;
  rows.push({
    figure: "noop_run_files_rewritten",
    value: `${r.filesRewritten} of ${r.catalogFiles} (verified ${r.outcomes.verified ?? 0}, moved ${r.expectedRewrites})`,
    target: "only files whose lastVerified moved",
    met: ok && r.filesRewritten === r.expectedRewrites && r.filesTouched === r.filesRewritten,
  });
  rows.push({ figure: "noop_run_changed_lines", value: `${r.changedLines} (${r.otherLines} not lastVerified)`, target: "1 per file, all lastVerified", met: ok && r.otherLines === 0 && r.changedLines === r.filesRewritten });
  rows.push({ figure: "  same run again: files written", value: String(r.rerunFilesTouched), target: "0", met: r.rerunFilesTouched === 0 });
  rows.push({ figure: `  run time (${r.documents} real documents, ${r.catalogFiles} entries)`, value: ms(r.runMs), target: "" });
}

// 3. Replay of 40 pages (8 copies of each one-page source) over 8 hosts answering after 250 ms: the per-host
//    limit, then one request at a time overall, then with eight pages through Chromium for the peak RSS.
let hosts: Awaited<ReturnType<typeof startHostsProcess>> | undefined;
const replays: Partial<Record<ReplayResult["mode"], Awaited<ReturnType<typeof measure<ReplayResult>>>>> = {};
try {
  hosts = await startHostsProcess([String(HOSTS), String(HOST_DELAY_MS)]);
  for (const mode of ["parallel", "sequential", "browser"] as const) {
    if (mode === "browser" && (await chromiumMissing())) continue;
    replays[mode] = await measure<ReplayResult>(`replay40 ${mode}`, "replay40.ts", [mode, ...hosts.origins], 120_000);
  }
} catch (err) {
  failures.push(`replay40: ${(err as Error).message}`);
} finally {
  hosts?.stop();
}
const par = replays.parallel?.result;
const seq = replays.sequential?.result;
if (par) {
  figures.replay40_ms = par.runMs;
  rows.push({ figure: `replay40_ms (${par.pages} pages: ${COPIES} copies of ${ONE_PAGE_SOURCES.length} one-page sources, ${par.hosts} hosts)`, value: ms(par.runMs), target: `≤ ${ms(REPLAY_TARGET_MS)} (1.5 × 5 × 250 ms)`, met: par.runMs <= REPLAY_TARGET_MS });
  rows.push({ figure: "  before first request / requests / after last", value: `${ms(par.beforeFirstRequestMs)} / ${ms(par.fetchSpanMs)} / ${ms(par.afterLastRequestMs)}`, target: "" });
  rows.push({ figure: "  requests at once: overall / per host", value: `${par.maxInFlightOverall} / ${par.maxInFlightPerHost}`, target: "per host: 1", met: par.maxInFlightPerHost === 1 });
  rows.push({ figure: "  extract + diff, summed over pages", value: ms(par.extractMsSum), target: "" });
  rows.push({ figure: "  process start-up (node, tsx, modules)", value: ms(par.startupMs), target: "" });
}
if (seq) {
  figures.replay40_sequential_ms = seq.runMs;
  rows.push({ figure: "replay40_sequential_ms", value: ms(seq.runMs), target: "", met: undefined });
}
if (par && seq) {
  const ratio = Math.round((seq.runMs / par.runMs) * 10) / 10;
  figures.replay40_speedup = ratio;
  rows.push({ figure: "  sequential / per-host limit", value: `${ratio}×`, target: "well over 3×", met: ratio > 3 });
}

// 4. The nightly run as the vendors' hosts have it: every real source with every real document, each from the
//    stand-in of its vendor host (7 hosts answering after 250 ms), per-host queue; then one request at a time
//    overall; then the sources of several documents multiplied, for how the time grows with documents.
const GROWTH: { copies: number; copied?: string[]; label: string }[] = [
  { copies: 2, label: "×2 OpenAI + Mistral" },
  { copies: 4, label: "×4 OpenAI + Mistral" },
  { copies: 4, copied: ["openai-models"], label: "×4 OpenAI model pages only" },
];
interface GrowthPoint {
  label: string;
  copies: number;
  copied: string[];
  documents: number;
  max_documents_per_host: number;
  busiest_host: string;
  run_ms: number;
  /** max documents per host × latency, and documents × latency: the two laws the run could follow. */
  busiest_host_floor_ms: number;
  all_documents_floor_ms: number;
}
const growth: GrowthPoint[] = [];
const point = (label: string, r: NightlyResult): GrowthPoint => ({
  label,
  copies: r.copies,
  copied: r.copied,
  documents: r.documents,
  max_documents_per_host: r.maxDocumentsPerHost,
  busiest_host: r.busiestHost,
  run_ms: r.runMs,
  busiest_host_floor_ms: r.maxDocumentsPerHost * HOST_DELAY_MS,
  all_documents_floor_ms: r.documents * HOST_DELAY_MS,
});
let vendors: Awaited<ReturnType<typeof startHostsProcess>> | undefined;
let nightly: Awaited<ReturnType<typeof measure<NightlyResult>>> | undefined;
let nightlySeq: Awaited<ReturnType<typeof measure<NightlyResult>>> | undefined;
try {
  vendors = await startHostsProcess(["vendors", String(HOST_DELAY_MS)]);
  const standIns = JSON.stringify(vendors.standIns);
  nightly = await measure<NightlyResult>("nightly", "nightly.ts", ["per-host", "1", "-", standIns], 120_000);
  nightlySeq = await measure<NightlyResult>("nightly sequential", "nightly.ts", ["sequential", "1", "-", standIns], 120_000);
  if (nightly) growth.push(point("×1 (the nightly run)", nightly.result));
  for (const g of GROWTH) {
    const run = await measure<NightlyResult>(`nightly ${g.label}`, "nightly.ts", ["per-host", String(g.copies), g.copied?.join(",") ?? "-", standIns], 180_000);
    if (run) growth.push(point(g.label, run.result));
  }
} catch (err) {
  failures.push(`nightly: ${(err as Error).message}`);
} finally {
  vendors?.stop();
}
if (nightly) {
  const r = nightly.result;
  const perHost = Object.entries(r.documentsPerHost).sort((a, b) => b[1] - a[1]);
  const ones = perHost.filter(([, n]) => n === 1);
  figures.nightly_replay_ms = r.runMs;
  figures.nightly_documents = r.documents;
  figures.nightly_sources = r.sources;
  figures.nightly_hosts = r.hosts;
  figures.nightly_max_documents_per_host = r.maxDocumentsPerHost;
  figures.nightly_busiest_host = r.busiestHost;
  rows.push({
    figure: `nightly_replay_ms (${r.sources} sources, ${r.documents} documents, ${r.hosts} hosts)`,
    value: ms(r.runMs),
    target: `floor ${r.maxDocumentsPerHost} × ${HOST_DELAY_MS} ms = ${ms(r.maxDocumentsPerHost * HOST_DELAY_MS)}`,
  });
  rows.push({
    figure: "  documents per host",
    value: [...perHost.filter(([, n]) => n > 1).map(([h, n]) => `${h} ${n}`), ...(ones.length ? [`${ones.length} others 1`] : [])].join(", "),
    target: "",
  });
  rows.push({ figure: "  requests at once: overall / per host", value: `${r.maxInFlightOverall} / ${r.maxInFlightPerHost}`, target: "per host: 1", met: r.maxInFlightPerHost === 1 });
  rows.push({ figure: "  every source ok / each document once / proposals", value: `${r.statuses.ok ?? 0} of ${r.sources} / ${r.repeated.length === 0 && r.documents === r.expectedDocuments ? "yes" : "NO"} / ${r.proposals}`, target: "all / yes / 0", met: (nightly.result.errors ?? []).length === 0 });
  rows.push({ figure: "  before first request / requests / after last", value: `${ms(r.beforeFirstRequestMs)} / ${ms(r.fetchSpanMs)} / ${ms(r.afterLastRequestMs)}`, target: "" });
  rows.push({ figure: "  extract + diff, summed over sources", value: ms(r.extractMsSum), target: "" });
  rows.push({ figure: "  peak RSS of the run's process", value: `${mb(nightly.peakTreeRssBytes)} MB`, target: "" });
}
if (nightlySeq) {
  const r = nightlySeq.result;
  figures.nightly_sequential_ms = r.runMs;
  rows.push({ figure: "nightly_sequential_ms (one request at a time overall)", value: ms(r.runMs), target: `floor ${r.documents} × ${HOST_DELAY_MS} ms = ${ms(r.documents * HOST_DELAY_MS)}` });
}
if (growth.length > 0) {
  figures.nightly_growth = growth;
  rows.push({ figure: "nightly_growth: run time against documents", value: "", target: `floors: max per host × ${HOST_DELAY_MS} ms / all × ${HOST_DELAY_MS} ms` });
  for (const g of growth) {
    rows.push({
      figure: `  ${g.label}: ${g.documents} documents, at most ${g.max_documents_per_host} on one host`,
      value: ms(g.run_ms),
      target: `${ms(g.busiest_host_floor_ms)} / ${ms(g.all_documents_floor_ms)}`,
    });
  }
  // The law: each extra document on the busiest host costs one latency; documents on other hosts cost nothing.
  const both = growth.filter((g) => g.copied.length > 1 || g.copies === 1).sort((a, b) => a.max_documents_per_host - b.max_documents_per_host);
  const [lo, hi] = [both[0], both.at(-1)];
  if (lo && hi && hi.max_documents_per_host > lo.max_documents_per_host) {
    const slope = Math.round((hi.run_ms - lo.run_ms) / (hi.max_documents_per_host - lo.max_documents_per_host));
    figures.nightly_ms_per_busiest_host_document = slope;
    rows.push({ figure: `  per extra document on the busiest host (${lo.label.split(" ")[0]} → ${hi.label.split(" ")[0]})`, value: `${slope} ms`, target: `latency ${HOST_DELAY_MS} ms` });
  }
  const ratios = growth.map((g) => Math.round((g.run_ms / g.busiest_host_floor_ms) * 100) / 100);
  figures.nightly_run_over_busiest_host_floor = ratios;
  rows.push({ figure: `  run / (max per host × ${HOST_DELAY_MS} ms), per row`, value: ratios.join(", "), target: "" });
  notes.push(
    `nightly growth: a run takes about (most documents on one host) × ${HOST_DELAY_MS} ms, not (all documents) × ${HOST_DELAY_MS} ms, ` +
      `because hosts are fetched in parallel but each host one request at a time. Measured: ` +
      growth.map((g) => `${g.label}: ${g.documents} documents, ${g.max_documents_per_host} on ${g.busiest_host}, ${ms(g.run_ms)}`).join("; ") +
      (figures.nightly_ms_per_busiest_host_document !== undefined ? `; each extra document on the busiest host added ${figures.nightly_ms_per_busiest_host_document} ms` : ""),
  );
}

// 5. Browser pages: one browser for ten pages, then a browser per page.
let browser: Checked<BrowserPagesResult> | undefined;
try {
  const one = await startHostsProcess(["1", "0"]);
  try {
    browser = (await measure<BrowserPagesResult>("browser-pages", "browser-pages.ts", [one.origins[0]!], 180_000))?.result;
  } finally {
    one.stop();
  }
} catch (err) {
  failures.push(`browser-pages: ${(err as Error).message}`);
}
if (browser?.missing) {
  notes.push(`browser figures are null: ${browser.missing}`);
  figures.browser_page_ms = null;
  figures.browser_page_fresh_ms = null;
  figures.peak_rss_mb = null;
} else if (browser) {
  const ratio = Math.round((browser.freshMedianMs / browser.sharedMedianMs) * 10) / 10;
  figures.browser_page_ms = browser.sharedMedianMs;
  figures.browser_page_fresh_ms = browser.freshMedianMs;
  figures.browser_speedup = ratio;
  rows.push({ figure: "browser_page_ms (median of 10)", value: `${ms(browser.sharedMedianMs)} (first ${ms(browser.sharedFirstMs)})`, target: "" });
  rows.push({ figure: "browser_page_fresh_ms (median of 10)", value: ms(browser.freshMedianMs), target: "" });
  rows.push({ figure: "  fresh / shared", value: `${ratio}×`, target: "≥ 3×", met: ratio >= 3 });
  // The most sharing the browser could gain while each page gets a fresh context: context, load, DOM, close.
  const ceiling = Math.round((browser.bareFreshMedianMs / browser.bareSharedMedianMs) * 10) / 10;
  figures.browser_bare_page_ms = browser.bareSharedMedianMs;
  figures.browser_bare_page_fresh_ms = browser.bareFreshMedianMs;
  figures.browser_bare_speedup = ceiling;
  rows.push({ figure: "  bare page (fresh context, load, DOM): shared / fresh", value: `${ms(browser.bareSharedMedianMs)} / ${ms(browser.bareFreshMedianMs)}`, target: "" });
  rows.push({ figure: "  the most sharing can gain here (bare fresh / shared)", value: `${ceiling}×`, target: "" });
}
const withBrowser = replays.browser;
if (withBrowser) {
  figures.peak_rss_mb = mb(withBrowser.peakTreeRssBytes);
  figures.peak_pss_mb = mb(withBrowser.peakTreePssBytes);
  rows.push({
    figure: "peak_rss_mb (replay, 8 of 40 via Chromium)",
    value: `${mb(withBrowser.peakTreeRssBytes)} MB in ${withBrowser.processesAtPeak} processes`,
    target: "",
  });
  rows.push({ figure: "  the same as PSS (shared pages once)", value: `${mb(withBrowser.peakTreePssBytes)} MB`, target: "" });
  rows.push({ figure: "  that run's time", value: ms(withBrowser.result.runMs), target: "" });
}
if (replays.parallel) rows.push({ figure: "  peak RSS, replay without browser", value: `${mb(replays.parallel.peakTreeRssBytes)} MB`, target: "" });

// 6. The pure middle on the real data (what the old vitest bench measured), for context.
const real = (await measure<RealDataResult>("real-data", "real-data.ts", [], 60_000))?.result;
if (real) {
  for (const x of real.extract) {
    const docs = x.documents > 1 ? `${x.documents} documents, ` : "";
    rows.push({ figure: `extract ${x.source} (${docs}${x.kib} KiB, ${x.observations} prices)`, value: `${x.medianMs} ms (first ${x.firstMs} ms)`, target: "" });
  }
  rows.push({ figure: `diff all ${real.extract.length} sources (${real.entries} entries)`, value: `${real.diffAllMs} ms`, target: "" });
  rows.push({ figure: `serialize ${real.entries} entries`, value: `${real.serializeAllMs} ms`, target: "" });
  rows.push({ figure: `load + validate the real catalog`, value: `${real.loadCatalogMs} ms`, target: "" });
}

// The table, then the JSON line.
const loadAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
const width = (k: keyof Row) => Math.max(...rows.map((r) => String(r[k] ?? "").length), k.length);
const [wf, wv, wt] = [width("figure"), width("value"), width("target")];
const line = (f: string, v: string, t: string, m: string) => `${f.padEnd(wf)}  ${v.padEnd(wv)}  ${t.padEnd(wt)}  ${m}`;
console.log("");
console.log(line("figure", "value", "target", ""));
console.log(line("-".repeat(wf), "-".repeat(wv), "-".repeat(wt), "------"));
for (const r of rows) console.log(line(r.figure, r.value, r.target, r.met === undefined ? "" : r.met ? "met" : "MISSED"));
console.log("");
for (const n of notes) console.log(`note: ${n}`);
console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGb} GB RAM, ${machine.os}, node ${machine.node}`);
console.log(`load average at start ${machine.loadAtStart.join(" ")}, at end ${loadAtEnd.join(" ")} (timings are only comparable on a quiet machine)`);
console.log(`bench took ${ms(performance.now() - began)}`);
for (const f of failures) console.log(`FAILED: ${f}`);
const targets = rows.filter((r) => r.met !== undefined);
console.log(
  JSON.stringify({
    ...figures,
    targets_met: `${targets.filter((r) => r.met).length}/${targets.length}`,
    checks_failed: failures.length,
    machine: { ...machine, loadAtEnd },
  }),
);
process.exitCode = failures.length > 0 ? 1 : 0;

async function chromiumMissing(): Promise<boolean> {
  const { chromiumStatus } = await import("../fetch/browser.ts");
  const status = chromiumStatus();
  if ("missing" in status) {
    notes.push(`replay with browser pages skipped: ${status.missing}`);
    return true;
  }
  return false;
}
