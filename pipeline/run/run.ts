import { existsSync } from "node:fs";
import { appendFile, mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SourceDiff } from "../../schemas/diff.ts";
import { entryRelativePath, type ModelEntry } from "../../schemas/model-entry.ts";
import type { FetchedPage } from "../../schemas/fetched-page.ts";
import type { Extraction } from "../../schemas/observation.ts";
import { ReportedPage, RunReport, type SourceReport } from "../../schemas/run-report.ts";
import { latestDayAllowed, todayUtc } from "../apply/dates.ts";
import { applyToCatalog } from "../apply/write-catalog.ts";
import { formatProblem } from "../catalog/load.ts";
import { loadCatalog } from "../catalog/validate.ts";
import { diffRun } from "../diff/diff.ts";
import { countProposals, isProposing, proposalsOf } from "../diff/proposals.ts";
import { withEvidence } from "../evidence/capture.ts";
import { cutOffInATable, homePage, notAPricingPage, notInUsDollars } from "../extract/refusal.ts";
import { FetchError } from "../fetch/errors.ts";
import { PageFetcher, type PageFetcherOptions, pageFileName } from "../fetch/index.ts";
import { type Replayed, startReplayServer } from "../fetch/replay.ts";
import { CatalogRepo } from "../publish/git.ts";
import { GitHubPlatform, gitHubSettingsFromEnv } from "../publish/github.ts";
import type { ForgePlatform } from "../publish/platform.ts";
import { publish, type SourceToPublish } from "../publish/publish.ts";
import { type PageEvidence, renderPullRequest } from "../publish/pull-request.ts";
import { SOURCES } from "../sources/index.ts";
import { combineDocuments, type DocumentExtraction, documentsOf, type PricingSource, readsSeveralDocuments, type SourceDocument } from "../sources/source.ts";
import { LockHeld, lockFileFor, RunLock } from "./lock.ts";
import { nearestIds, nextStepForProblem, nextStepForSource, type SourceFailure } from "./next-step.ts";
import type { RunEvent } from "./progress.ts";
import { renderStepSummary } from "./summary.ts";
import { progressLineRenderer, renderAccounting, renderErrorLine, renderSummaryTable, renderUntracked } from "./terminal.ts";

export interface RunOptions {
  /** The git checkout the run works in; `origin` is where it publishes. */
  repoDir: string;
  catalogDir: string;
  /** Source ids or model ids; empty = every source. */
  only: readonly string[];
  /** `only` came from `verify <model-id>…`, not from `--only`: refusals speak of the models named. */
  verifying?: boolean;
  dryRun: boolean;
  runDate: string;
  /**
   * Replay saved pages in place of the vendor URLs: a directory laid out as a run's `pages/`
   * (`<dir>/<source-id>.<md|html>`, and `<dir>/<source-id>/<document>.<md|html>` for a source of several
   * documents), served from a local HTTP server, or a base URL whose files of that layout are fetched instead.
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
  /** The documents as this run fetched and stored them, in the order the source reads them (empty when none was got). */
  pages: StoredDocument[];
  /** What the source read, when every document was read (status ok): compared with the catalog. */
  extraction?: Extraction;
  covered: ModelEntry[];
  /** Set when the source did not succeed: why, and what to do about it. */
  failure: { why: SourceFailure; nextStep: string } | undefined;
}

/** One document of a source as this run got it: what it is (with the vendor's URL) and its stored record. */
export interface StoredDocument {
  document: SourceDocument;
  page: FetchedPage;
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

  await refuseBadOptions(options);
  // Lock first, then read: another run may have a PR branch checked out, and its files are not the base's.
  let lock: RunLock | undefined;
  if (!options.dryRun) {
    const lockFile = await lockFileFor(options.repoDir);
    if ("problem" in lockFile) throw new RunRefused(lockFile.problem);
    lock = await RunLock.acquire(lockFile.file).catch((err) => {
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
    const plan = selectSources(options.sources ?? SOURCES, entries, options.only, { verifying: !!options.verifying, catalogDir: options.catalogDir });
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
            urlFor: (document) => (replay ? replay.urlFor(source, readsSeveralDocuments(source) ? document : undefined) : document.url),
            provenance: (url) => replay?.provenance(url),
            runDir: options.runDir,
            entries,
            runUrl: runUrlOf(options.env),
            replaying: replay !== undefined,
            ...(replay && "fileFor" in replay ? { replayedFile: (url: string) => replay.fileFor(url) } : {}),
            emit,
          }),
        ),
      );
    } finally {
      await fetcher.close();
      await replay?.close();
    }
    // Every source's reading against the catalog at once: an entry two sources cover is judged on both.
    outcomes = compareWithCatalog(outcomes, { runDate: options.runDate, entries, emit, replaying: replay !== undefined, sources: options.sources ?? SOURCES });
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
    const accounting = renderAccounting(report, colour);
    if (accounting.length > 0) out("");
    for (const line of accounting) out(line);
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
 * The checks of a run's options that need no catalog: a usage error refuses the run before it locks, reads or
 * writes anything (the CLI exits 2).
 */
async function refuseBadOptions(options: RunOptions): Promise<void> {
  const latest = latestDayAllowed();
  if (!options.dryRun && options.runDate > latest) {
    // A dry run may look ahead (what the page says once a scheduled price takes effect): it records nothing.
    throw new RunRefused(
      `--date ${options.runDate} is after today (${todayUtc()} UTC, or ${latest} east of it): a run that writes records its day as the day the prices were seen; leave --date out, or use --dry-run to look ahead`,
    );
  }
  if (options.replayDir !== undefined && !/^https?:\/\//i.test(options.replayDir)) {
    const found = await stat(options.replayDir).catch(() => undefined);
    if (!found) throw new RunRefused(`--replay ${options.replayDir}: no such directory; give a directory of saved pages (<source-id>.md or .html, as a run's pages/) or an http(s) URL`);
    if (!found.isDirectory()) throw new RunRefused(`--replay ${options.replayDir} is a file; give the directory that holds the saved pages (<source-id>.md or .html, as a run's pages/)`);
  }
  const runDir = await stat(options.runDir).catch(() => undefined);
  if (runDir && !runDir.isDirectory()) throw new RunRefused(`--run-dir ${options.runDir} is a file; give a directory (it is created when missing)`);
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
function replayFromUrl(base: string): {
  urlFor(source: PricingSource, document?: SourceDocument): string;
  provenance(url: string): Replayed | undefined;
  close(): Promise<void>;
} {
  const root = base.replace(/\/+$/, "");
  return {
    urlFor: (source, document) => `${root}/${pageFileName(source, document?.format ?? source.format, document?.name)}`,
    // Pages served from another place: the URL is what there is to say of where they came from.
    provenance: (url) => (url.startsWith(`${root}/`) ? { file: url } : undefined),
    close: async () => {},
  };
}

function selectSources(
  sources: readonly PricingSource[],
  entries: ReadonlyMap<string, ModelEntry>,
  only: readonly string[],
  { verifying, catalogDir }: { verifying: boolean; catalogDir: string },
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
      const near = nearestIds(wanted, verifying ? entries.keys() : [...entries.keys(), ...sources.map((s) => s.id)]);
      const nearest = near.length > 0 ? `; did you mean ${near.join(", ")}?` : "; `npm run catalog -- validate` lists the catalog";
      if (verifying) throw new RunRefused(`verify: ${JSON.stringify(wanted)} is not a model id of the catalog${nearest}`);
      throw new RunRefused(`--only ${JSON.stringify(wanted)} is neither a source (${sources.map((s) => s.id).join(", ")}) nor a catalog model id${nearest}`);
    }
    if (entry.retired !== undefined) {
      // Its sources no longer expect it: the run would read the pages and say nothing about it.
      throw new RunRefused(
        `${wanted} is retired (since ${entry.retired}): its sources no longer check it, so there is nothing to ${verifying ? "verify" : "run"}; if the vendor offers it again, remove "retired" from ${shownPath(path.join(catalogDir, entryRelativePath(wanted)))} and ${verifying ? "verify" : "run"} again`,
      );
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

/** A path as a maintainer would type it: relative to the working directory when inside it. */
function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

interface ReadContext {
  fetcher: PageFetcher;
  /** Where to fetch a document from: the vendor's URL, or the replay's. */
  urlFor: (document: SourceDocument) => string | undefined;
  /** For a replay: the saved file a URL served, and when that page was captured. */
  provenance: (url: string) => Replayed | undefined;
  runDir: string;
  entries: ReadonlyMap<string, ModelEntry>;
  runUrl?: string;
  replaying: boolean;
  /** Replaying from a directory: the saved file served at a URL of the replay server. */
  replayedFile?: (url: string) => string | undefined;
  emit: (event: RunEvent) => void;
}

/**
 * Fetch every document of one source (those it lists, then those they point at), under the fetcher's per-host
 * queue, and read each; then read across them. One document that cannot be got or read fails the source:
 * nothing is applied from half a reading.
 */
async function readSource(source: PricingSource, covered: ModelEntry[], ctx: ReadContext): Promise<SourceOutcome> {
  const t0 = performance.now();
  const several = readsSeveralDocuments(source);
  const zero = { observations: 0, covered: covered.length, verified: 0, changed: 0, incomplete: 0, missing: 0, untracked: 0, reshaped: 0, added: 0, retired: 0, scheduled: 0, multipliers: 0 };
  const base = { source: source.id, url: source.url, problems: [] as SourceReport["problems"], counts: zero };
  const failing = (status: "failed" | "partial", why: SourceFailure): SourceOutcome["failure"] => {
    const served = why.stage === "fetch" || why.stage === "extract" ? ctx.replayedFile?.(why.url) : undefined;
    const nextStep = nextStepForSource(why, { sourceId: source.id, sourceModule: sourceModuleOf(source), replaying: ctx.replaying, ...(served ? { replayedFile: served } : {}) });
    ctx.emit({ kind: "failed", source: source.id, status, failure: why, nextStep });
    return { why, nextStep };
  };
  const failedOutcome = (failure: SourceOutcome["failure"], reason: string, where: string, pages: StoredDocument[], fetchMs: number): SourceOutcome => {
    const ms = Math.round(performance.now() - t0);
    return {
      source,
      covered,
      failure,
      pages,
      report: { ...base, status: "failed", reason, ...reportedPages(pages, several), problems: [{ message: reason, where }], timings: { fetchMs, extractMs: 0, totalMs: ms } },
    };
  };

  // Fetch: the listed documents, and the documents they point at, each once.
  const queued: SourceDocument[] = [];
  const got = new Map<string, { page: Awaited<ReturnType<PageFetcher["fetch"]>>; extraction: Extraction }>();
  const errors: { document: SourceDocument; url: string | undefined; err?: unknown }[] = [];
  let extractMs = 0;
  const fetchOne = async (document: SourceDocument): Promise<void> => {
    const url = ctx.urlFor(document);
    if (!url) {
      errors.push({ document, url });
      return;
    }
    ctx.emit({ kind: "fetching", source: source.id, url, ...(several ? { document: document.name } : {}) });
    const started = performance.now();
    try {
      const fetched = await ctx.fetcher.fetch(
        { id: source.id, url: document.url, format: document.format, fetchWith: document.fetchWith },
        { url, runDir: ctx.runDir, ...(several ? { document: document.name } : {}) },
      );
      // A replayed page says so, with the file it came from and when it was captured, wherever it is shown.
      const replayed = ctx.provenance(url);
      const page = replayed ? { ...fetched, replayed } : fetched;
      ctx.emit({ kind: "fetched", source: source.id, bytes: page.bytes, httpStatus: page.status, ms: Math.round(performance.now() - started), ...(several ? { document: document.name } : {}) });
      if (page.finalUrl !== url) ctx.emit({ kind: "redirected", source: source.id, from: url, to: page.finalUrl });
      const t = performance.now();
      const read = source.extract(page.body, page.format, document);
      // Every price is attributed to the document that showed it, by the vendor's URL (not the replay's).
      const extraction = { ...read, observations: read.observations.map((o) => ({ ...o, document: o.document ?? document.url })) };
      extractMs += performance.now() - t;
      got.set(document.name, { page, extraction });
      const more = source.linkedDocuments?.(document, page.body, page.format) ?? [];
      await Promise.all(more.filter((d) => enqueue(d)).map(fetchOne));
    } catch (err) {
      errors.push({ document, url, err });
    }
  };
  const enqueue = (document: SourceDocument): boolean => {
    if (queued.some((d) => d.name === document.name)) return false;
    queued.push(document);
    return true;
  };
  const listed = documentsOf(source, covered).filter(enqueue);
  await Promise.all(listed.map(fetchOne));
  const fetchMs = Math.round(performance.now() - t0 - extractMs);
  const pages: StoredDocument[] = queued.flatMap((document) => {
    const g = got.get(document.name);
    return g ? [{ document, page: recordOf(g.page) }] : [];
  });

  const firstError = queued.map((d) => errors.find((e) => e.document.name === d.name)).find((e) => e !== undefined);
  if (firstError) {
    const { document, url, err } = firstError;
    const which = several ? ` (${document.name})` : "";
    if (!url) {
      const reason = `no page to replay for ${source.id}${which}`;
      return failedOutcome(failing("failed", { stage: "replay", detail: reason, ...(several ? { document: document.name } : {}) }), reason, "replay", pages, fetchMs);
    }
    const reason = `fetch failed${which}: ${(err as Error).message}`;
    const failure = failing(
      "failed",
      err instanceof FetchError
        ? { stage: "fetch", url: err.url, kind: err.reason, ...(err.status !== undefined ? { httpStatus: err.status } : {}), detail: err.detail, ...(several ? { document: document.name } : {}) }
        : { stage: "fetch", url, kind: "unknown", detail: (err as Error).message, ...(several ? { document: document.name } : {}) },
    );
    return failedOutcome(failure, reason, url, pages, fetchMs);
  }

  // Read across the documents (a one-page source: its page's reading as it is).
  const t1 = performance.now();
  const parts: DocumentExtraction[] = queued.map((document) => {
    const g = got.get(document.name)!;
    return { document, body: g.page.body, format: g.page.format, extraction: g.extraction };
  });
  let extraction: Extraction;
  try {
    extraction = source.combine ? source.combine(parts, ctx.entries) : parts.length === 1 ? parts[0]!.extraction : combineDocuments(source.id, parts);
  } catch (error) {
    extraction = { source: source.id, status: "failed", observations: [], untracked: [], problems: [{ message: `reading across the documents stopped: ${(error as Error).message}`, where: "documents" }] };
  }
  extractMs += performance.now() - t1;
  const outsideCatalog = confinedToModelsOutsideCatalog(extraction, ctx.entries);
  const comparable = extraction.status === "ok" || outsideCatalog;
  ctx.emit({
    kind: "parsed",
    source: source.id,
    status: extraction.status,
    prices: extraction.observations.length,
    problems: extraction.problems.length,
    ...(outsideCatalog ? { outsideCatalog } : {}),
    ms: Math.round(extractMs),
  });
  const counts = { ...base.counts, observations: extraction.observations.length };
  let failure: SourceOutcome["failure"];
  let reason: string | undefined;
  if (extraction.status !== "ok" && !comparable) {
    const first = extraction.problems[0];
    const detail = `${first ? `${first.message} (at ${first.where})` : "no reason given"}${extraction.problems.length > 1 ? ` (+${extraction.problems.length - 1} more)` : ""}`;
    reason = `${extraction.status === "failed" ? "page not read" : "page read only in part"}: ${detail}`;
    // The document that went wrong: the first one whose own reading is not ok (else the first one).
    const bad = parts.find((p) => p.extraction.status !== "ok") ?? parts[0]!;
    const stored = pages.find((p) => p.document.name === bad.document.name)!.page;
    const pageFile = path.join(ctx.runDir, stored.file);
    // The same checks every source runs first (extractWith), asked again to tell the cases apart.
    const cause = failureCause(bad.body);
    failure = failing(extraction.status, { stage: "extract", url: stored.finalUrl, status: extraction.status, cause, detail, pageFile, ...(several ? { document: bad.document.name } : {}) });
  }
  const timings = { fetchMs, extractMs: Math.round(extractMs), totalMs: Math.round(performance.now() - t0) };
  const report: SourceReport = {
    ...base,
    // A reading whose problems touch no catalog entry is compared, and reported ok with those problems listed.
    status: comparable ? "ok" : extraction.status,
    ...(reason ? { reason } : {}),
    ...reportedPages(pages, several),
    counts,
    problems: [...extraction.problems],
    ...(extraction.accounting ? { accounting: extraction.accounting } : {}),
    timings,
  };
  const start = pages[0]!.page;
  const evidence: PageEvidence = {
    url: pages[0]!.document.url,
    fetchedAt: start.fetchedAt,
    sha256: start.sha256,
    ...(start.replayed ? { replayed: start.replayed } : {}),
    ...(several
      ? {
          documents: pages.map((p) => ({
            name: p.document.name,
            url: p.document.url,
            fetchedAt: p.page.fetchedAt,
            sha256: p.page.sha256,
            ...(p.page.replayed ? { replayed: p.page.replayed } : {}),
          })),
        }
      : {}),
    ...(ctx.runUrl ? { runUrl: ctx.runUrl } : {}),
    ...(extraction.accounting ? { accounting: extraction.accounting } : {}),
  };
  return { source, covered, report, failure, pages, evidence, ...(comparable ? { extraction } : {}) };
}

/**
 * A partial reading every problem of which is about models the catalog does not hold (Voyage's page states two
 * prices for voyage-context-4, which has no entry): every catalog price it read was read surely, so the source
 * is compared, its problems still listed. Any problem that may touch another price (an unread amount, a layout
 * change, a problem naming no model) keeps the whole source untouched, as before.
 */
export function confinedToModelsOutsideCatalog(extraction: Extraction, entries: ReadonlyMap<string, ModelEntry>): boolean {
  return (
    extraction.status === "partial" &&
    extraction.problems.length > 0 &&
    extraction.problems.every((p) => p.models !== undefined && p.models.every((m) => !entries.has(m)))
  );
}

/**
 * Why a page was not read, as far as the body tells (the checks every source runs first, in extractWith,
 * asked again to tell the cases apart): what a maintainer does next differs for each.
 */
function failureCause(body: string): Extract<SourceFailure, { stage: "extract" }>["cause"] {
  if (body.trim() === "") return "empty";
  if (cutOffInATable(body)) return "cut-off";
  if (homePage(body)) return "home-page";
  if (notInUsDollars(body)) return "other-currency";
  return notAPricingPage(body) ? "not-a-pricing-page" : "layout";
}

/** The fetch record without the body. */
function recordOf(page: Awaited<ReturnType<PageFetcher["fetch"]>>): FetchedPage {
  const { body: _body, ...record } = page;
  return record;
}

/** The report's `page` (the start document) and, for a source of several, `documents`. */
function reportedPages(pages: readonly StoredDocument[], several: boolean): Pick<SourceReport, "page" | "documents"> {
  if (pages.length === 0) return {};
  const reported = pages.map((p) => ReportedPage.parse(p.page));
  return { page: reported[0]!, ...(several ? { documents: reported } : {}) };
}

/**
 * The diff stage: every source that read its documents is compared with the catalog, each entry on what all
 * the sources covering it showed; counts and the drop guard go into each source's report.
 */
function compareWithCatalog(
  outcomes: SourceOutcome[],
  ctx: { runDate: string; entries: ReadonlyMap<string, ModelEntry>; emit: (event: RunEvent) => void; replaying: boolean; sources: readonly PricingSource[] },
): SourceOutcome[] {
  const readable = outcomes.filter((o) => o.extraction !== undefined);
  const diffs = diffRun(
    readable.map((o) => ({ extraction: o.extraction!, covered: o.covered })),
    { runDate: ctx.runDate, catalogIds: new Set(ctx.entries.keys()), sourceIds: new Set(ctx.sources.map((s) => s.id)) },
  );
  return outcomes.map((o) => {
    const i = readable.indexOf(o);
    if (i < 0) return o;
    const diff = diffs[i]!;
    const t = performance.now();
    const counts = { ...o.report.counts, untracked: diff.untracked.length, ...countProposals(proposalsOf(diff)) };
    for (const e of diff.entries) if (e.outcome !== "changed") counts[e.outcome]++;
    ctx.emit({ kind: "diffed", source: o.source.id, counts });
    const report: SourceReport = { ...o.report, counts, diff, timings: { ...o.report.timings, totalMs: o.report.timings.totalMs + Math.round(performance.now() - t) } };
    if (!diff.refused) return { ...o, report, diff };
    const stored = o.pages[0]!.page;
    const failure = {
      why: { stage: "refused" as const, url: stored.finalUrl, detail: diff.refused, pageFile: stored.file },
      nextStep: "",
    };
    failure.nextStep = nextStepForSource(failure.why, { sourceId: o.source.id, sourceModule: sourceModuleOf(o.source), replaying: ctx.replaying });
    ctx.emit({ kind: "failed", source: o.source.id, status: "failed", failure: failure.why, nextStep: failure.nextStep });
    return {
      ...o,
      diff,
      failure,
      report: { ...report, status: "failed", reason: diff.refused, problems: [...report.problems, { message: diff.refused, where: "page" }] },
    };
  });
}

/**
 * The file a maintainer fixes when a source's page changed: `pipeline/sources/<id without -pricing>.ts`, or the
 * folder of a vendor whose reading spans several documents (`pipeline/sources/mistral/`), where that exists.
 */
function sourceModuleOf(source: PricingSource): string {
  const stem = source.id.replace(/-pricing$/, "");
  const dir = path.join(import.meta.dirname, "..", "sources");
  if (existsSync(path.join(dir, `${stem}.ts`))) return `pipeline/sources/${stem}.ts`;
  if (existsSync(path.join(dir, stem, "index.ts"))) return `pipeline/sources/${stem}/`;
  return `the ${source.id} module in pipeline/sources/`;
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
    // An entry two sources cover is in both diffs, whole: apply it once.
    const diffs = [...new Map(sources.flatMap((s) => s.diff.entries.filter(isProposing).map((e) => [e.model, e] as const))).values()];
    const written = await applyToCatalog(options.catalogDir, diffs, options.runDate);
    report.verification = { entries: written.filter((id) => diffs.some((d) => d.model === id && d.outcome === "verified")) };
    for (const s of sources) {
      if (proposalsOf(s.diff).length === 0) continue;
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
    const proposals = proposalsOf(o.diff);
    const others = o.diff.entries.filter((e) => e.outcome === "incomplete" || e.outcome === "missing");
    // The summary table comes last now: say whose entries these are.
    if (proposals.length > 0 || others.length > 0) out(`${o.source.id} (dry run): what the page says differently`);
    for (const p of proposals) {
      for (const c of p.changes) out(`  ${p.model} ${c.price}: ${c.old} → ${c.new}${c.takesEffect ? ` (scheduled from ${c.takesEffect})` : ""}${c.guard ? `  [${c.guard}]` : ""}`);
      for (const r of p.retired) out(`  ${p.model} ${r.price}: ${r.usd} retired${r.replacedBy.length > 0 ? `, now ${r.replacedBy.join(" / ")}` : ""} (until ${r.until})  [${r.guard}]`);
      for (const a of p.added) out(`  ${p.model} ${a.price}: new at ${a.usd}${a.guard ? `  [${a.guard}]` : ""}`);
      for (const x of p.scheduled) out(`  ${p.model} ${x.price}: ${x.kind === "announce" ? "scheduled" : x.kind === "withdraw" ? "scheduled price withdrawn:" : "scheduled price lapsed:"} ${x.usd} from ${x.effectiveFrom}${x.reason ? ` (${x.reason})` : ""}`);
    }
    for (const e of others) {
      if (e.outcome === "incomplete") out(`  ${e.model} incomplete: ${[...(e.notOnPage.length > 0 ? [`not on the page: ${e.notOnPage.join(", ")}`] : []), ...(e.reasons ?? [])].join("; ")}`);
      else out(`  ${e.model} missing from the page`);
    }
    if (proposals.length > 0) {
      const pr = renderPullRequest(o.diff, entries, o.evidence);
      out(`\n--- dry run: pull request for ${o.source.id} (${pr.branch}, labels: ${pr.labels.join(", ")}) ---\n# ${pr.title}\n\n${pr.body}`);
    }
  }
}

export function runUrlOf(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_RUN_ID || !env.GITHUB_REPOSITORY) return undefined;
  return `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}

/** The token must never reach stdout, stderr or the report, whatever an error message carries. */
export function redactor(env: NodeJS.ProcessEnv): (text: string) => string {
  const secrets = [env.GITHUB_TOKEN, env.GH_TOKEN].filter((s): s is string => !!s && s.length >= 4);
  return (text) => secrets.reduce((t, s) => t.split(s).join("***"), text);
}
