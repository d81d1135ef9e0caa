import { existsSync } from "node:fs";
import { appendFile, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SourceDiff } from "../../schemas/diff.ts";
import type { ModelEntry } from "../../schemas/model-entry.ts";
import type { FetchedPage } from "../../schemas/fetched-page.ts";
import type { Extraction } from "../../schemas/observation.ts";
import { ReportedPage, RunReport, type SourceReport } from "../../schemas/run-report.ts";
import { applyToCatalog } from "../apply/write-catalog.ts";
import { formatProblem } from "../catalog/load.ts";
import { loadCatalog } from "../catalog/validate.ts";
import { diffSource } from "../diff/diff.ts";
import { withEvidence } from "../evidence/capture.ts";
import { cutOffInATable, notAPricingPage } from "../extract/refusal.ts";
import { FetchError } from "../fetch/errors.ts";
import { PageFetcher, type PageFetcherOptions, pageFileName } from "../fetch/index.ts";
import { startReplayServer } from "../fetch/replay.ts";
import { CatalogRepo } from "../publish/git.ts";
import { GitHubPlatform, gitHubSettingsFromEnv } from "../publish/github.ts";
import type { ForgePlatform } from "../publish/platform.ts";
import { publish, type SourceToPublish } from "../publish/publish.ts";
import { type PageEvidence, renderPullRequest } from "../publish/pull-request.ts";
import { SOURCES } from "../sources/index.ts";
import type { PricingSource } from "../sources/source.ts";
import { LockHeld, RunLock } from "./lock.ts";
import { nextStepForProblem, nextStepForSource, type SourceFailure } from "./next-step.ts";
import type { RunEvent } from "./progress.ts";
import { renderStepSummary } from "./summary.ts";
import { progressLineRenderer, renderErrorLine, renderSummaryTable, renderUntracked } from "./terminal.ts";

export interface RunOptions {
  /** The git checkout the run works in; `origin` is where it publishes. */
  repoDir: string;
  catalogDir: string;
  /** Source ids or model ids; empty = every source. */
  only: readonly string[];
  dryRun: boolean;
  runDate: string;
  /**
   * Replay saved pages in place of the vendor URLs: a directory (`<dir>/<source-id>.<md|html>`, served
   * from a local HTTP server) or a base URL whose `<url>/<source-id>.<md|html>` are fetched instead.
   */
  replayDir?: string;
  verifiedTo: "base" | "pr";
  runDir: string;
  env: NodeJS.ProcessEnv;
  /** What a person reads (stdout): dry-run diffs and pull requests, the summary table, the untracked models. */
  out: (line: string) => void;
  /** Warnings and what publishing does (stderr). */
  log: (line: string) => void;
  /** One event per step of each source, and the run's problems at the end; by default rendered to `log`. */
  progress?: (event: RunEvent) => void;
  /** Colour the summary table written to `out` (only when `out` is a terminal). */
  colour?: boolean;
  sources?: readonly PricingSource[];
  fetchOptions?: PageFetcherOptions;
  /** Tests and other forges inject one; by default GitHub from the Actions variables. */
  platform?: ForgePlatform;
}

/** A usage error (unknown --only, bad catalog): the run does not start. */
export class RunRefused extends Error {}

interface SourceOutcome {
  source: PricingSource;
  report: SourceReport;
  diff?: SourceDiff;
  evidence?: PageEvidence;
  /** The page as this run fetched and stored it (absent when the fetch failed). */
  page?: FetchedPage;
  /** Set when the source did not succeed: why, and what to do about it. */
  failure: { why: SourceFailure; nextStep: string } | undefined;
}

/**
 * The nightly job: fetch every selected source, extract, diff against the catalog, apply, publish.
 * Returns the report; `report.exitCode` is 0 only when every source it ran succeeded and publishing worked.
 */
export async function runPipeline(options: RunOptions): Promise<RunReport> {
  const redact = redactor(options.env);
  let printed = 0;
  const out = (line: string) => {
    printed++;
    options.out(redact(line));
  };
  const log = (line: string) => options.log(redact(line));
  const render = options.progress ?? defaultProgress(log);
  const emit = (event: RunEvent) => render(redactDeep(event, redact));
  const startedAt = new Date().toISOString();

  // Lock first, then read: another run may have a PR branch checked out, and its files are not the base's.
  let lock: RunLock | undefined;
  const lockFile = path.join(options.repoDir, ".git", "catalog-freshness.lock");
  if (!options.dryRun) {
    lock = await RunLock.acquire(lockFile).catch((err) => {
      throw err instanceof LockHeld ? new RunRefused(err.message) : err;
    });
  }
  try {
    if (lock) await removeTempFilesOfKilledRuns(options.catalogDir);
    const catalog = await loadCatalog(options.catalogDir);
    if (catalog.problems.length > 0) {
      throw new RunRefused(
        `the catalog is invalid; the run did not start and wrote nothing:\n${catalog.problems.map(formatProblem).join("\n")}`,
      );
    }
    const entries = new Map([...catalog.entries].map(([id, { entry }]) => [id, entry]));
    const plan = selectSources(options.sources ?? SOURCES, entries, options.only);
    await mkdir(options.runDir, { recursive: true });
    emit({ kind: "start", sources: plan.map((p) => p.source.id), runDate: options.runDate, dryRun: options.dryRun });
    const replay = !options.replayDir
      ? undefined
      : /^https?:\/\//.test(options.replayDir)
        ? replayFromUrl(options.replayDir)
        : await startReplayServer(options.replayDir);
    const fetcher = new PageFetcher(options.fetchOptions);
    let outcomes: SourceOutcome[];
    try {
      outcomes = await Promise.all(
        plan.map(({ source, covered }) =>
          readSource(source, covered, {
            fetcher,
            url: replay ? replay.urlFor(source) : source.url,
            runDir: options.runDir,
            runDate: options.runDate,
            catalogIds: new Set(entries.keys()),
            runUrl: runUrlOf(options.env),
            replaying: replay !== undefined,
            emit,
          }),
        ),
      );
    } finally {
      await fetcher.close();
      await replay?.close();
    }
    // Evidence for the price-change PRs: per changed model a screenshot of the page rows its new prices came
    // from and a price-history chart, under <runDir>/evidence/; never fails the run.
    outcomes = await withEvidence(outcomes, { runDir: options.runDir, runDate: options.runDate, entries, log });
    for (const o of outcomes) {
      if (o.failure) o.report.nextStep = o.failure.nextStep;
      if (o.evidence?.artifacts) o.report.evidence = o.evidence.artifacts;
    }

    const report: RunReport = {
      runDate: options.runDate,
      startedAt,
      finishedAt: startedAt,
      dryRun: options.dryRun,
      only: [...options.only],
      sources: outcomes.map((o) => o.report),
      problems: [],
      exitCode: 0,
    };
    const healthy = outcomes.filter((o): o is Required<SourceOutcome> => o.report.status === "ok" && !!o.diff && !!o.evidence);

    if (options.dryRun) {
      printDryRun(healthy, entries, out);
    } else {
      try {
        await publishOutcomes(healthy, entries, options, report, { out, log });
      } catch (err) {
        // Not a git checkout, git missing, an unexpected API answer: report it; the catalog was not half-written
        // (every file write is atomic, and the checkout is reset on a failed push).
        report.problems.push({ message: (err as Error).message, where: "publish" });
        log(`publishing failed: ${(err as Error).message}`);
      }
    }

    for (const problem of report.problems) emit({ kind: "problem", problem, nextStep: nextStepForProblem(problem) });

    const failed = report.sources.filter((s) => s.status !== "ok").length;
    report.exitCode = failed > 0 || report.problems.length > 0 ? 1 : 0;
    report.finishedAt = new Date().toISOString();
    const reportPath = path.join(options.runDir, "report.json");
    await writeFile(reportPath, redact(`${JSON.stringify(RunReport.parse(report), null, 2)}\n`));
    if (options.env.GITHUB_STEP_SUMMARY) {
      await appendFile(options.env.GITHUB_STEP_SUMMARY, redact(renderStepSummary(report)));
    }
    const colour = options.colour ?? false;
    if (printed > 0) out("");
    for (const line of renderSummaryTable(report, colour)) out(line);
    const untracked = renderUntracked(report, colour);
    if (untracked.length > 0) out("");
    for (const line of untracked) out(line);
    out("");
    out(`report: ${reportPath}`);
    return report;
  } finally {
    await lock?.release();
  }
}

/**
 * A run killed while writing leaves write-file-atomic's temporary `<file>.json.<digits>` beside the file
 * (the file itself is intact). Holding the lock, no other run is writing: they are garbage.
 */
async function removeTempFilesOfKilledRuns(catalogDir: string): Promise<void> {
  const vendors = await readdir(catalogDir, { withFileTypes: true }).catch(() => []);
  for (const vendor of vendors.filter((d) => d.isDirectory())) {
    const dir = path.join(catalogDir, vendor.name);
    for (const name of await readdir(dir)) {
      if (/\.json\.\d+$/.test(name)) await rm(path.join(dir, name), { force: true });
    }
  }
}

/** `--replay http://host/dir`: the pages are fetched from that base URL, through the same fetch path. */
function replayFromUrl(base: string): { urlFor(source: PricingSource): string; close(): Promise<void> } {
  const root = base.replace(/\/+$/, "");
  return {
    urlFor: (source) => `${root}/${pageFileName(source)}`,
    close: async () => {},
  };
}

function selectSources(
  sources: readonly PricingSource[],
  entries: ReadonlyMap<string, ModelEntry>,
  only: readonly string[],
): { source: PricingSource; covered: ModelEntry[] }[] {
  const covers = (source: PricingSource, entry: ModelEntry) => entry.sources.some((ref) => ref.source === source.id);
  const coveredBy = (source: PricingSource) => [...entries.values()].filter((e) => covers(source, e));
  if (only.length === 0) return sources.map((source) => ({ source, covered: coveredBy(source) }));

  const picked = new Map<string, { source: PricingSource; covered: Set<ModelEntry> }>();
  for (const wanted of only) {
    const source = sources.find((s) => s.id === wanted);
    if (source) {
      picked.set(source.id, { source, covered: new Set(coveredBy(source)) });
      continue;
    }
    const entry = entries.get(wanted);
    if (!entry) {
      throw new RunRefused(`--only ${JSON.stringify(wanted)} is neither a source (${sources.map((s) => s.id).join(", ")}) nor a catalog model id`);
    }
    const covering = sources.filter((s) => covers(s, entry));
    if (covering.length === 0) throw new RunRefused(`no source covers ${wanted}: its entry names no pipeline source`);
    for (const s of covering) {
      const slot = picked.get(s.id) ?? { source: s, covered: new Set<ModelEntry>() };
      slot.covered.add(entry);
      picked.set(s.id, slot);
    }
  }
  return [...picked.values()].map(({ source, covered }) => ({ source, covered: [...covered] }));
}

async function readSource(
  source: PricingSource,
  covered: ModelEntry[],
  ctx: {
    fetcher: PageFetcher;
    url: string | undefined;
    runDir: string;
    runDate: string;
    catalogIds: ReadonlySet<string>;
    runUrl?: string;
    replaying: boolean;
    emit: (event: RunEvent) => void;
  },
): Promise<SourceOutcome> {
  const t0 = performance.now();
  const base = {
    source: source.id,
    url: source.url,
    problems: [] as SourceReport["problems"],
    counts: { observations: 0, covered: covered.length, verified: 0, changed: 0, incomplete: 0, missing: 0, untracked: 0 },
  };
  const failing = (status: "failed" | "partial", why: SourceFailure): SourceOutcome["failure"] => {
    const nextStep = nextStepForSource(why, { sourceId: source.id, sourceModule: sourceModuleOf(source), replaying: ctx.replaying });
    ctx.emit({ kind: "failed", source: source.id, status, failure: why, nextStep });
    return { why, nextStep };
  };
  if (!ctx.url) {
    const reason = `no page to replay for ${source.id}`;
    const failure = failing("failed", { stage: "replay", detail: reason });
    return { source, failure, report: { ...base, status: "failed", reason, problems: [{ message: reason, where: "replay" }], timings: { fetchMs: 0, extractMs: 0, totalMs: 0 } } };
  }
  let fetched: Awaited<ReturnType<PageFetcher["fetch"]>>;
  ctx.emit({ kind: "fetching", source: source.id, url: ctx.url });
  try {
    fetched = await ctx.fetcher.fetch(source, { url: ctx.url, runDir: ctx.runDir });
  } catch (err) {
    const reason = `fetch failed: ${(err as Error).message}`;
    const failure = failing(
      "failed",
      err instanceof FetchError
        ? { stage: "fetch", url: err.url, kind: err.reason, ...(err.status !== undefined ? { httpStatus: err.status } : {}), detail: err.detail }
        : { stage: "fetch", url: ctx.url, kind: "unknown", detail: (err as Error).message },
    );
    const ms = Math.round(performance.now() - t0);
    return { source, failure, report: { ...base, status: "failed", reason, problems: [{ message: reason, where: ctx.url }], timings: { fetchMs: ms, extractMs: 0, totalMs: ms } } };
  }
  const t1 = performance.now();
  ctx.emit({ kind: "fetched", source: source.id, bytes: fetched.bytes, httpStatus: fetched.status, ms: Math.round(t1 - t0) });
  const extraction: Extraction = source.extract(fetched.body, fetched.format);
  const tExtracted = performance.now();
  ctx.emit({
    kind: "parsed",
    source: source.id,
    status: extraction.status,
    prices: extraction.observations.length,
    problems: extraction.problems.length,
    ms: Math.round(tExtracted - t1),
  });
  const diff = extraction.status === "ok" ? diffSource(extraction, covered, ctx.runDate, ctx.catalogIds) : undefined;
  const t2 = performance.now();
  const page = ReportedPage.parse(fetched);
  const counts = { ...base.counts, observations: extraction.observations.length };
  if (diff) {
    for (const e of diff.entries) counts[e.outcome]++;
    counts.untracked = diff.untracked.length;
    ctx.emit({ kind: "diffed", source: source.id, counts });
  }
  const url = fetched.finalUrl ?? fetched.url;
  const pageFile = page.file ? path.join(ctx.runDir, page.file) : undefined;
  let status: SourceReport["status"] = extraction.status;
  let reason: string | undefined;
  let failure: SourceOutcome["failure"];
  if (extraction.status !== "ok") {
    const first = extraction.problems[0];
    const detail = `${first ? `${first.message} (at ${first.where})` : "no reason given"}${extraction.problems.length > 1 ? ` (+${extraction.problems.length - 1} more)` : ""}`;
    reason = `${extraction.status === "failed" ? "page not read" : "page read only in part"}: ${detail}`;
    // The same checks every source runs first (extractWith), asked again to tell the cases apart.
    const cause = cutOffInATable(fetched.body) ? "cut-off" : notAPricingPage(fetched.body) ? "not-a-pricing-page" : "layout";
    failure = failing(extraction.status, { stage: "extract", url, status: extraction.status, cause, detail, ...(pageFile ? { pageFile } : {}) });
  } else if (diff?.refused) {
    status = "failed";
    reason = diff.refused;
    failure = failing("failed", { stage: "refused", url, detail: diff.refused, ...(pageFile ? { pageFile } : {}) });
  }
  const timings = { fetchMs: Math.round(t1 - t0), extractMs: Math.round(t2 - t1), totalMs: Math.round(t2 - t0) };
  const report: SourceReport = {
    ...base,
    status,
    ...(reason ? { reason } : {}),
    page,
    counts,
    problems: [...extraction.problems, ...(diff?.refused ? [{ message: diff.refused, where: "page" }] : [])],
    ...(diff ? { diff } : {}),
    timings,
  };
  return {
    source,
    report,
    failure,
    ...(diff ? { diff } : {}),
    page: fetched,
    evidence: { url: source.url, fetchedAt: fetched.fetchedAt, sha256: fetched.sha256, ...(ctx.runUrl ? { runUrl: ctx.runUrl } : {}) },
  };
}

/** The file a maintainer fixes when a source's page changed: `pipeline/sources/<id without -pricing>.ts` where that exists. */
function sourceModuleOf(source: PricingSource): string {
  const stem = source.id.replace(/-pricing$/, "");
  return existsSync(path.join(import.meta.dirname, "..", "sources", `${stem}.ts`)) ? `pipeline/sources/${stem}.ts` : `the ${source.id} module in pipeline/sources/`;
}

/** Progress for callers that pass none (the demo): every event as a log line, failures with their next step. */
function defaultProgress(log: (line: string) => void): (event: RunEvent) => void {
  const progressLine = progressLineRenderer(false);
  return (event) => {
    const line = event.kind === "failed" || event.kind === "problem" ? renderErrorLine(event, false) : progressLine(event);
    if (line !== undefined) log(line);
  };
}

/** Every string in an event through `redact`: page text and error messages may carry anything. */
function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T;
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redact)])) as T;
  return value;
}

async function publishOutcomes(
  healthy: Required<SourceOutcome>[],
  entries: ReadonlyMap<string, ModelEntry>,
  options: RunOptions,
  report: RunReport,
  io: { out: (l: string) => void; log: (l: string) => void },
): Promise<void> {
  const settings = gitHubSettingsFromEnv(options.env);
  const platform = options.platform ?? ("missing" in settings ? undefined : new GitHubPlatform(settings));
  const sources: SourceToPublish[] = healthy.map((o) => ({ diff: o.diff, page: o.evidence }));
  const byId = new Map(report.sources.map((s) => [s.source, s]));

  if (!platform) {
    // No forge to talk to: say so once, and leave the result in the working tree for a person to look at.
    io.log(`${"missing" in settings ? settings.missing : "no forge"}: staying local (files written to ${options.catalogDir}, nothing committed, pushed or opened)`);
    const diffs = sources.flatMap((s) => s.diff.entries.filter((e) => e.outcome === "verified" || e.outcome === "changed"));
    const written = await applyToCatalog(options.catalogDir, diffs, options.runDate);
    report.verification = { entries: written.filter((id) => diffs.some((d) => d.model === id && d.outcome === "verified")) };
    for (const s of sources) {
      if (!s.diff.entries.some((e) => e.outcome === "changed")) continue;
      const pr = renderPullRequest(s.diff, entries, s.page);
      byId.get(s.diff.source)!.pullRequest = { action: "local-only", branch: pr.branch, labels: pr.labels };
      io.out(`\n--- pull request that would be opened for ${s.diff.source} (${pr.branch}) ---\n# ${pr.title}\n\n${pr.body}`);
    }
    return;
  }

  const repo = await CatalogRepo.open(options.repoDir);
  const base = await repo.currentBranch(options.env);
  const dirty = await repo.dirty(options.catalogDir);
  if (dirty.length > 0) {
    report.problems.push({ message: `the catalog has uncommitted changes (${dirty.slice(0, 5).join(", ")}): commit or discard them first`, where: options.catalogDir });
    return;
  }
  const result = await publish({
    repo,
    platform,
    base,
    catalogDir: options.catalogDir,
    runDate: options.runDate,
    verifiedTo: options.verifiedTo,
    sources,
    entries,
    log: io.log,
  });
  if (result.verification) report.verification = result.verification;
  report.problems.push(...result.problems);
  for (const pr of result.pullRequests) {
    byId.get(pr.source)!.pullRequest = {
      action: pr.action,
      branch: pr.branch,
      labels: pr.labels,
      ...(pr.number !== undefined ? { number: pr.number } : {}),
      ...(pr.url ? { url: pr.url } : {}),
    };
    io.out(`${pr.source}: pull request ${pr.action}${pr.number !== undefined ? ` #${pr.number}` : ""}${pr.url ? ` ${pr.url}` : ""}`);
  }
}

function printDryRun(healthy: Required<SourceOutcome>[], entries: ReadonlyMap<string, ModelEntry>, out: (l: string) => void): void {
  for (const o of healthy) {
    // The summary table comes last now: say whose entries these are.
    if (o.diff.entries.some((e) => e.outcome !== "verified")) out(`${o.source.id} (dry run): what the page says differently`);
    for (const e of o.diff.entries) {
      if (e.outcome === "changed") {
        for (const c of e.changes) out(`  ${e.model} ${c.price}: ${c.old} → ${c.new}${c.guard ? `  [${c.guard}]` : ""}`);
      } else if (e.outcome === "incomplete") {
        out(`  ${e.model} incomplete: not on the page: ${e.notOnPage.join(", ")}`);
      } else if (e.outcome === "missing") {
        out(`  ${e.model} missing from the page`);
      }
    }
    if (o.diff.entries.some((e) => e.outcome === "changed")) {
      const pr = renderPullRequest(o.diff, entries, o.evidence);
      out(`\n--- dry run: pull request for ${o.source.id} (${pr.branch}, labels: ${pr.labels.join(", ")}) ---\n# ${pr.title}\n\n${pr.body}`);
    }
  }
}

function runUrlOf(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_RUN_ID || !env.GITHUB_REPOSITORY) return undefined;
  return `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}

/** The token must never reach stdout, stderr or the report, whatever an error message carries. */
export function redactor(env: NodeJS.ProcessEnv): (text: string) => string {
  const secrets = [env.GITHUB_TOKEN, env.GH_TOKEN].filter((s): s is string => !!s && s.length >= 4);
  return (text) => secrets.reduce((t, s) => t.split(s).join("***"), text);
}
