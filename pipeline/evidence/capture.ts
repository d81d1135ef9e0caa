/**
 * The evidence a reviewer sees in a price-change PR, saved with the run's artifacts: per model with proposals,
 * a screenshot of the page table(s) its new prices came from (rows highlighted, on the document each came
 * from) and a price-history chart of its changed, new and retired keys.
 * Nothing here can fail a run or hide a price change: what could not be pictured is said, with the reason.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SourceDiff } from "../../schemas/diff.ts";
import { EVIDENCE_DIR, type ModelEvidence } from "../../schemas/evidence.ts";
import type { FetchedPage } from "../../schemas/fetched-page.ts";
import { entryRelativePath, type ModelEntry } from "../../schemas/model-entry.ts";
import { type EntryProposals, proposalsOf } from "../diff/proposals.ts";
import type { PageEvidence } from "../publish/pull-request.ts";
import { evidencePage } from "./evidence-rows.ts";
import { type ChartedPrice, chartedPrices, priceHistoryChart } from "./price-chart.ts";
import { NoChromium, TableScreenshotter, type TableScreenshotterOptions } from "./table-screenshot.ts";

/** One stored document of a source: its vendor URL and where this run keeps its body. */
export type StoredPage = Pick<FetchedPage, "file" | "format" | "url" | "fetchedAt" | "sha256">;

/**
 * One source with proposals, and its documents as this run stored them (by vendor URL; empty: the run has
 * none). A one-page source has one; each proposal's `document` says which page its row is on.
 */
export interface SourceToEvidence {
  diff: SourceDiff;
  pages: readonly StoredPage[];
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
 * Screenshots and charts for every model a source proposes to change, by source id. Chromium is started once,
 * and only when some row to picture was found; a fresh browser context per model and page.
 */
export async function captureEvidence(sources: readonly SourceToEvidence[], options: CaptureOptions): Promise<Map<string, ModelEvidence[]>> {
  const result = new Map<string, ModelEvidence[]>();
  const screenshotter = new TableScreenshotter(options.browser);
  const said = new Set<string>();
  try {
    for (const { diff, pages } of sources) {
      const proposals = proposalsOf(diff);
      if (proposals.length === 0) continue;
      const dir = path.posix.join(EVIDENCE_DIR, diff.source);
      const bodies = new Map<string, string>();
      let unreadable = "";
      try {
        await mkdir(path.join(options.runDir, dir), { recursive: true });
        if (pages.length === 0) throw new Error("the run kept no copy of it");
        for (const page of pages) bodies.set(page.url, await readFile(path.join(options.runDir, page.file), "utf8"));
      } catch (err) {
        unreadable = `the stored page could not be read: ${(err as Error).message}`;
        options.log(`${diff.source}: ${unreadable}`);
      }
      const models: ModelEvidence[] = [];
      for (const p of proposals) {
        const stem = modelFileStem(p.model);
        const entry = options.entries.get(p.model);
        const evidence: ModelEvidence = { model: p.model, screenshots: [], notShown: [] };
        if (unreadable) {
          evidence.notShown.push({ reason: unreadable });
          models.push(evidence);
          continue;
        }
        try {
          const charted = chartedPrices(p);
          if (charted.length > 0) Object.assign(evidence, await writeChart(entry, p.model, charted, options, `${dir}/${stem}-history.svg`));
          await screenshotRows(screenshotter, { bodies, pages, proposals: p, entry, dir, stem, source: diff.source, said }, evidence, options);
        } catch (err) {
          // A page that trips up the marking, a disk error: the PR still shows the change, and says why no picture.
          evidence.notShown.push({ reason: `evidence not captured: ${(err as Error).message.split("\n")[0]}` });
          options.log(`${p.model}: evidence not captured: ${(err as Error).message}`);
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
export function provenanceOf(source: string, page: Pick<FetchedPage, "url" | "fetchedAt" | "sha256" | "replayed">): string {
  // A replayed page was not captured now: say so, and when it was captured, where anything says.
  const when = page.replayed
    ? `replayed from a saved copy${page.replayed.capturedAt ? ` captured ${page.replayed.capturedAt}` : " (capture time unknown)"}`
    : `captured ${page.fetchedAt}`;
  return `${source} · ${page.url} · ${when} · sha256 ${page.sha256.slice(0, 12)}…`;
}

async function writeChart(
  entry: ModelEntry | undefined,
  model: string,
  charted: ChartedPrice[],
  options: CaptureOptions,
  file: string,
): Promise<Pick<ModelEvidence, "chart" | "chartProblem">> {
  if (!entry) return { chartProblem: "the model's catalog entry was not loaded" };
  try {
    await writeFile(path.join(options.runDir, file), priceHistoryChart(entry, charted, options.runDate));
    return { chart: file };
  } catch (err) {
    options.log(`${model}: price history chart not written: ${(err as Error).message}`);
    return { chartProblem: (err as Error).message };
  }
}

async function screenshotRows(
  screenshotter: TableScreenshotter,
  input: {
    bodies: ReadonlyMap<string, string>;
    pages: readonly StoredPage[];
    proposals: EntryProposals;
    entry: ModelEntry | undefined;
    dir: string;
    stem: string;
    source: string;
    /** Reasons already logged in this run. */
    said: Set<string>;
  },
  evidence: ModelEvidence,
  options: CaptureOptions,
): Promise<void> {
  const { proposals, entry } = input;
  // Pictured: changed prices, and the new keys that took a retired key's place (a new shape). Other new keys are
  // quoted in the PR, and a line says they are not pictured: a page with many new keys (a new tier) would cost a
  // render per model and bury the change in pictures.
  const replacing = new Set(proposals.retired.flatMap((r) => r.replacedBy));
  const shown = [...proposals.changes, ...proposals.added.filter((a) => replacing.has(a.price))];
  const pictured = new Set(shown.map((c) => c.evidence));
  const quotedOnly = proposals.added.filter((a) => !replacing.has(a.price) && !(a.evidence && pictured.has(a.evidence)));
  if (quotedOnly.length > 0) {
    evidence.notShown.push({
      reason: `new price(s) ${quotedOnly.map((a) => a.price).join(", ")} are quoted above with their rows, not pictured (only changed prices and a new shape are)`,
    });
  }
  if (shown.some((c) => !c.evidence)) evidence.notShown.push({ reason: "the source recorded no page row for some of these prices" });
  // Rows by page, then by their text; a row's price keys say which tier's table (Batch, Flex…) it belongs to.
  const byPage = new Map<StoredPage, Map<string, Set<string>>>();
  for (const c of shown) {
    if (!c.evidence) continue;
    const page = input.pages.find((p) => p.url === c.document) ?? input.pages[0]!;
    const rows = byPage.get(page) ?? new Map<string, Set<string>>();
    const tier = c.price.includes("/") ? c.price.slice(0, c.price.indexOf("/")) : "standard";
    rows.set(c.evidence, (rows.get(c.evidence) ?? new Set()).add(tier));
    byPage.set(page, rows);
  }
  const names = [proposals.model.slice(proposals.model.indexOf("/") + 1), ...(entry ? [entry.name] : [])];
  for (const [page, rows] of byPage) {
    const marked = evidencePage(input.bodies.get(page.url)!, page.format, [...rows].map(([evidence, tiers]) => ({ evidence, tiers: [...tiers] })), names, provenanceOf(input.source, page));
    for (const row of marked.notFound) evidence.notShown.push({ row, reason: "this row was not found on the stored page" });
    if (marked.shots.length === 0) continue;
    try {
      const shots = await screenshotter.shoot(marked.html, marked.shots.map((s) => s.marker));
      for (const [i, shot] of shots.entries()) {
        const n = evidence.screenshots.length;
        const file = `${input.dir}/${input.stem}${n === 0 ? "" : `.table-${n + 1}`}.png`;
        await writeFile(path.join(options.runDir, file), shot.png);
        evidence.screenshots.push({ file, rows: marked.shots[i]!.rows });
      }
    } catch (err) {
      const reason = (err as Error).message.split("\n")[0]!.replace(/browserType\.launch: /, "");
      // No Chromium at all is said once for the run, not once per model.
      if (!(err instanceof NoChromium)) options.log(`${proposals.model}: ${reason}`);
      else if (!input.said.has(reason)) {
        input.said.add(reason);
        options.log(reason);
      }
      for (const s of marked.shots) for (const row of s.rows) if (!evidence.screenshots.some((x) => x.rows.includes(row))) evidence.notShown.push({ row, reason });
    }
  }
}

/**
 * For the run: attach the evidence of each healthy source with proposals to its outcome's PageEvidence (plus the
 * run directory, for local runs with no run page to link), from the pages as this run stored them.
 */
export async function withEvidence<
  T extends { diff?: SourceDiff; evidence?: PageEvidence; pages: readonly { document: { url: string }; page: FetchedPage }[]; report: { source: string; status: string } },
>(outcomes: T[], options: CaptureOptions): Promise<T[]> {
  const sources: SourceToEvidence[] = [];
  for (const o of outcomes) {
    if (o.report.status !== "ok" || !o.diff || o.diff.refused || !o.evidence) continue;
    if (proposalsOf(o.diff).length === 0) continue;
    // The vendor's URL, not the replay server's, is what the picture's caption names.
    sources.push({ diff: o.diff, pages: o.pages.map((p) => ({ ...p.page, url: p.document.url })) });
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
