/**
 * The evidence a reviewer sees in a price-change PR, saved with the run's artifacts: per changed model, a
 * screenshot of the page table(s) its new prices came from (rows highlighted) and a price-history chart.
 * Nothing here can fail a run or hide a price change: what could not be pictured is said, with the reason.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { EntryDiff, SourceDiff } from "../../schemas/diff.ts";
import { EVIDENCE_DIR, type ModelEvidence } from "../../schemas/evidence.ts";
import type { FetchedPage } from "../../schemas/fetched-page.ts";
import { entryRelativePath, type ModelEntry } from "../../schemas/model-entry.ts";
import type { PageEvidence } from "../publish/pull-request.ts";
import { evidencePage } from "./evidence-rows.ts";
import { priceHistoryChart } from "./price-chart.ts";
import { TableScreenshotter, type TableScreenshotterOptions } from "./table-screenshot.ts";

type Changed = Extract<EntryDiff, { outcome: "changed" }>;

/** One source with price changes, and its page as this run stored it (undefined: the run has none). */
export interface SourceToEvidence {
  diff: SourceDiff;
  page: Pick<FetchedPage, "file" | "format" | "url" | "fetchedAt" | "sha256"> | undefined;
}

export interface CaptureOptions {
  runDir: string;
  runDate: string;
  entries: ReadonlyMap<string, ModelEntry>;
  log: (line: string) => void;
  browser?: TableScreenshotterOptions;
}

/** `openai/gpt-image-1-mini` → `gpt-image-1-mini`: the model's catalog file name, as evidence file names. */
export function modelFileStem(id: string): string {
  return path.posix.basename(entryRelativePath(id), ".json");
}

/**
 * Screenshots and charts for every changed model of these sources, by source id. Chromium is started once,
 * and only when some row to picture was found; a fresh browser context per model.
 */
export async function captureEvidence(sources: readonly SourceToEvidence[], options: CaptureOptions): Promise<Map<string, ModelEvidence[]>> {
  const result = new Map<string, ModelEvidence[]>();
  const screenshotter = new TableScreenshotter(options.browser);
  try {
    for (const { diff, page } of sources) {
      const changed = diff.entries.filter((e): e is Changed => e.outcome === "changed");
      if (changed.length === 0) continue;
      const dir = path.posix.join(EVIDENCE_DIR, diff.source);
      let body: string | undefined;
      let unreadable = "";
      try {
        await mkdir(path.join(options.runDir, dir), { recursive: true });
        if (!page) throw new Error("the run kept no copy of it");
        body = await readFile(path.join(options.runDir, page.file), "utf8");
      } catch (err) {
        unreadable = `the stored page could not be read: ${(err as Error).message}`;
        options.log(`${diff.source}: ${unreadable}`);
      }
      const models: ModelEvidence[] = [];
      for (const e of changed) {
        const stem = modelFileStem(e.model);
        const entry = options.entries.get(e.model);
        const evidence: ModelEvidence = { model: e.model, screenshots: [], notShown: [] };
        if (body === undefined || !page) {
          evidence.notShown.push({ reason: unreadable });
          models.push(evidence);
          continue;
        }
        try {
          Object.assign(evidence, await writeChart(entry, e, options, `${dir}/${stem}-history.svg`));
          await screenshotRows(screenshotter, { body, page, change: e, entry, dir, stem, source: diff.source }, evidence, options);
        } catch (err) {
          // A page that trips up the marking, a disk error: the PR still shows the change, and says why no picture.
          evidence.notShown.push({ reason: `evidence not captured: ${(err as Error).message.split("\n")[0]}` });
          options.log(`${e.model}: evidence not captured: ${(err as Error).message}`);
        }
        models.push(evidence);
      }
      result.set(diff.source, models);
    }
  } finally {
    await screenshotter.close();
  }
  return result;
}

/** The line under a pictured table's heading: which page, fetched when, which bytes. */
export function provenanceOf(source: string, page: Pick<FetchedPage, "url" | "fetchedAt" | "sha256">): string {
  return `${source} · ${page.url} · captured ${page.fetchedAt} · sha256 ${page.sha256.slice(0, 12)}…`;
}

async function writeChart(entry: ModelEntry | undefined, e: Changed, options: CaptureOptions, file: string): Promise<Pick<ModelEvidence, "chart" | "chartProblem">> {
  if (!entry) return { chartProblem: "the model's catalog entry was not loaded" };
  try {
    await writeFile(path.join(options.runDir, file), priceHistoryChart(entry, e.changes, options.runDate));
    return { chart: file };
  } catch (err) {
    options.log(`${e.model}: price history chart not written: ${(err as Error).message}`);
    return { chartProblem: (err as Error).message };
  }
}

async function screenshotRows(
  screenshotter: TableScreenshotter,
  input: { body: string; page: NonNullable<SourceToEvidence["page"]>; change: Changed; entry: ModelEntry | undefined; dir: string; stem: string; source: string },
  evidence: ModelEvidence,
  options: CaptureOptions,
): Promise<void> {
  const { change, entry } = input;
  if (change.changes.some((c) => !c.evidence)) evidence.notShown.push({ reason: "the source recorded no page row for some of these prices" });
  // Rows by their text; a row's price keys say which tier's table (Batch, Flex…) it belongs to.
  const rows = new Map<string, Set<string>>();
  for (const c of change.changes) {
    if (!c.evidence) continue;
    const tier = c.price.includes("/") ? c.price.slice(0, c.price.indexOf("/")) : "standard";
    rows.set(c.evidence, (rows.get(c.evidence) ?? new Set()).add(tier));
  }
  if (rows.size === 0) return;
  const names = [change.model.slice(change.model.indexOf("/") + 1), ...(entry ? [entry.name] : [])];
  const marked = evidencePage(input.body, input.page.format, [...rows].map(([evidence, tiers]) => ({ evidence, tiers: [...tiers] })), names, provenanceOf(input.source, input.page));
  for (const row of marked.notFound) evidence.notShown.push({ row, reason: "this row was not found on the stored page" });
  if (marked.shots.length === 0) return;
  try {
    const shots = await screenshotter.shoot(marked.html, marked.shots.map((s) => s.marker));
    for (const [i, shot] of shots.entries()) {
      const file = `${input.dir}/${input.stem}${i === 0 ? "" : `.table-${i + 1}`}.png`;
      await writeFile(path.join(options.runDir, file), shot.png);
      evidence.screenshots.push({ file, rows: marked.shots[i]!.rows });
    }
  } catch (err) {
    const reason = (err as Error).message.split("\n")[0]!.replace(/browserType\.launch: /, "");
    options.log(`${change.model}: ${reason}`);
    for (const s of marked.shots.slice(evidence.screenshots.length)) for (const row of s.rows) evidence.notShown.push({ row, reason });
  }
}

/**
 * For the run: attach the evidence of each healthy source with price changes to its outcome's PageEvidence
 * (plus the run directory, for local runs with no run page to link), from the page as this run stored it.
 */
export async function withEvidence<
  T extends { diff?: SourceDiff; evidence?: PageEvidence; page?: FetchedPage; report: { source: string; status: string } },
>(outcomes: T[], options: CaptureOptions): Promise<T[]> {
  const sources: SourceToEvidence[] = [];
  for (const o of outcomes) {
    if (o.report.status !== "ok" || !o.diff || o.diff.refused || !o.evidence) continue;
    if (!o.diff.entries.some((e) => e.outcome === "changed")) continue;
    // The vendor's URL, not the replay server's, is what the picture's caption names.
    sources.push({ diff: o.diff, page: o.page && { ...o.page, url: o.evidence.url } });
  }
  let captured = new Map<string, ModelEvidence[]>();
  try {
    if (sources.length > 0) captured = await captureEvidence(sources, options);
  } catch (err) {
    // Whatever went wrong here, the run goes on and its PRs show the changes (without pictures).
    options.log(`evidence not captured: ${(err as Error).message}`);
  }
  const runDir = path.resolve(options.runDir);
  return outcomes.map((o) =>
    o.evidence ? { ...o, evidence: { ...o.evidence, runDir, ...(captured.has(o.report.source) ? { artifacts: captured.get(o.report.source) } : {}) } } : o,
  );
}
