import { existsSync, statSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { UntrackedModel } from "../../schemas/diff.ts";
import { entryRelativePath, ModelId } from "../../schemas/model-entry.ts";
import { RunReport, type SourceReport } from "../../schemas/run-report.ts";
import { latestDayAllowed } from "../apply/dates.ts";
import { LockHeld, lockFileFor, lockHolder, RunLock } from "../run/lock.ts";
import { SOURCES, sourceById } from "../sources/index.ts";
import type { PricingSource } from "../sources/source.ts";
import { draftEntry, FIELDS_TO_FILL } from "./draft.ts";
import { serializeEntry } from "./serialize.ts";
import { loadCatalog } from "./validate.ts";

export interface AddFlags {
  from: string;
  runs: string;
  runDir?: string;
  catalog: string;
}

interface IO {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** One run's report, where it was read from. */
interface FoundReport {
  file: string;
  report: RunReport;
}

/** A run in which the source's page was read and diffed: only then are its untracked prices worth anything. */
interface PageRead extends FoundReport {
  source: SourceReport & { diff: NonNullable<SourceReport["diff"]> };
  /** When the page was fetched (the run's start if the report has no page record). */
  observedAt: string;
}

/**
 * `catalog add <model-id> --from <source-id>`: writes a draft entry for a model that the newest run which read
 * the source's page listed as untracked, with the prices it saw. Returns the exit code: 0 written; 1 refused
 * (nothing written: already there, no run read it, a run is in progress); 2 a bad argument (a missing catalog
 * directory too: it is never created).
 */
export async function addCommand(modelId: string, flags: AddFlags, io: IO): Promise<number> {
  const id = ModelId.safeParse(modelId);
  if (!id.success) {
    io.err(`"${modelId}" is not a model id: ${id.error.issues[0]?.message}`);
    return 2;
  }
  const source = sourceById(flags.from);
  if (!source) {
    io.err(`unknown source "${flags.from}"; known: ${SOURCES.map((s) => s.id).join(", ")}`);
    return 2;
  }

  if (!statSync(flags.catalog, { throwIfNoEntry: false })?.isDirectory()) {
    io.err(`--catalog ${flags.catalog}: no such directory; run from the repository's root (the catalog is ./catalog), or give the catalog's directory`);
    return 2;
  }

  // A run holds the checkout (it may have a pull request's branch checked out, and publishes what the catalog
  // holds): read and write nothing now; and no run starts while a draft is written. Outside a git checkout no run
  // can hold it.
  const lockFile = await lockFileFor(process.cwd());
  let lock: RunLock | undefined;
  if ("file" in lockFile) {
    try {
      lock = await RunLock.acquire(lockFile.file);
    } catch (err) {
      if (!(err instanceof LockHeld)) throw err;
      const holder = await lockHolder(lockFile.file);
      const who = holder ? ` (pid ${holder.pid}, started ${holder.since})` : "";
      io.err(`a catalog-freshness run is in progress in this checkout${who}: wait for it to finish, then add again (lock: ${lockFile.file})`);
      return 1;
    }
  }
  try {
    return await addUnlocked(modelId, source, flags, io);
  } finally {
    await lock?.release();
  }
}

async function addUnlocked(modelId: string, source: PricingSource, flags: AddFlags, io: IO): Promise<number> {
  const target = path.join(flags.catalog, entryRelativePath(modelId));
  const existing = existsSync(target) ? target : catalogFileOf(modelId, await loadCatalog(flags.catalog));
  if (existing) {
    io.err(`${modelId} is already in the catalog: ${existing}`);
    return 1;
  }

  const found = await findPageRead(flags, io);
  if ("refusal" in found) {
    io.err(found.refusal);
    return 1;
  }
  const { read, older } = found;
  const seen = read.source.diff.untracked.find((u) => u.model === modelId && u.prices.length > 0);
  if (!seen) {
    const inCatalog = (id: string) => ModelId.safeParse(id).success && existsSync(path.join(flags.catalog, entryRelativePath(id)));
    io.err(notUntrackedMessage(modelId, flags.from, read, older, inCatalog));
    return 1;
  }

  const draft = draftEntry(seen, { source: source.id, url: read.source.url, runDate: read.report.runDate });
  io.out(`using ${describeRead(read)}`);
  await mkdir(path.dirname(target), { recursive: true });
  // "wx": never overwrite; a file that appeared since the check above stays as it is.
  await writeFile(target, serializeEntry(draft), { flag: "wx" });
  io.out(`wrote ${target}: draft of ${modelId} with the ${seen.prices.length} price(s) seen on the page, lastVerified ${draft.lastVerified}`);
  io.out(`fill in: ${FIELDS_TO_FILL.join(", ")}`);
  io.out("(contextWindow and maxOutput may stay out while no page or public catalog states them: never guess them)");
  io.out("until then `validate` fails and `run` refuses the catalog: fill these in, then run: npm run catalog -- validate");
  return 0;
}

function catalogFileOf(modelId: string, catalog: Awaited<ReturnType<typeof loadCatalog>>): string | undefined {
  const found = catalog.entries.get(modelId);
  return found ? path.join(catalog.dir, found.file.relativePath) : undefined;
}

/** The run report to draft from: `--run-dir`'s, or the newest under `--runs` that read the page. */
async function findPageRead(flags: AddFlags, io: IO): Promise<{ read: PageRead; older: PageRead[] } | { refusal: string }> {
  const getOne = `get one without changing anything: npm run catalog -- run --only ${flags.from} --dry-run (it writes runs/<timestamp>/report.json), then add again`;
  if (flags.runDir !== undefined) {
    const file = path.join(flags.runDir, "report.json");
    if (!existsSync(file)) return { refusal: `no report.json in ${flags.runDir}; ${getOne}` };
    const found = await readReport(file);
    if ("problem" in found) return { refusal: found.problem };
    const read = pageRead(found, flags.from);
    if (!read) return { refusal: `${file} did not read ${flags.from}'s page (${whyNotRead(found.report, flags.from)}); ${getOne}` };
    return { read, older: [] };
  }

  const reports: FoundReport[] = [];
  const dirs = await readdir(flags.runs, { withFileTypes: true }).catch(() => []);
  for (const dir of dirs.filter((d) => d.isDirectory())) {
    const file = path.join(flags.runs, dir.name, "report.json");
    if (!existsSync(file)) continue;
    const found = await readReport(file);
    if ("problem" in found) io.err(`skipped ${found.problem}`);
    else reports.push(found);
  }
  const reads = reports
    .map((r) => pageRead(r, flags.from))
    .filter((r): r is PageRead => r !== undefined)
    .sort((a, b) => (a.observedAt > b.observedAt ? -1 : a.observedAt < b.observedAt ? 1 : 0));
  const [newest, ...older] = reads;
  if (!newest) {
    return { refusal: `no run report under ${flags.runs}/ read ${flags.from}'s page (${reports.length} report(s) looked at); ${getOne}` };
  }
  return { read: newest, older };
}

async function readReport(file: string): Promise<FoundReport | { problem: string }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    return { problem: `${file}: not valid JSON: ${(err as Error).message}` };
  }
  const parsed = RunReport.safeParse(json);
  if (!parsed.success) return { problem: `${file}: not a run report: ${parsed.error.issues[0]?.message}` };
  return { file, report: parsed.data };
}

function pageRead(found: FoundReport, sourceId: string): PageRead | undefined {
  const source = found.report.sources.find((s) => s.source === sourceId);
  // A page that failed or was read only in part has nothing trustworthy to draft from.
  if (!source || source.status !== "ok" || !source.diff) return undefined;
  // A dry run may look ahead (--date in the future); a draft verified on that day would never be checked again.
  if (found.report.runDate > latestDayAllowed()) return undefined;
  return { ...found, source: { ...source, diff: source.diff }, observedAt: source.page?.fetchedAt ?? found.report.startedAt };
}

function whyNotRead(report: RunReport, sourceId: string): string {
  const source = report.sources.find((s) => s.source === sourceId);
  if (!source) return `that run did not include ${sourceId}`;
  if (report.runDate > latestDayAllowed()) return `its run date ${report.runDate} is after today: a dry run looking ahead, not a day the page was seen`;
  return `status ${source.status}${source.reason ? `: ${source.reason}` : ""}`;
}

/** `runs/x/report.json: run of 2026-08-22 (dry run), openai-pricing page https://… fetched 2026-…Z` */
function describeRead(read: PageRead): string {
  const { report, source } = read;
  const page = source.page;
  // A replayed run fetched a local copy: say so, but the entry keeps the vendor's URL.
  const servedFrom = page && page.finalUrl !== source.url ? ` (served from ${page.finalUrl})` : "";
  return `${read.file}: run of ${report.runDate}${report.dryRun ? " (dry run)" : ""}, ${source.source} page ${source.url}${servedFrom}, fetched at ${read.observedAt}`;
}

function notUntrackedMessage(
  modelId: string,
  sourceId: string,
  read: PageRead,
  older: PageRead[],
  inCatalog: (id: string) => boolean,
): string {
  // Models added since that run (drafts included) are no longer candidates.
  const untracked = read.source.diff.untracked.filter((u) => !inCatalog(u.model));
  const unmapped = untracked.filter((u) => u.prices.length === 0);
  const sameName = unmapped.find((u) => u.model === modelId || slug(u.model) === slug(modelId.slice(modelId.indexOf("/") + 1)));
  if (sameName) {
    return [
      `${sourceId}'s page lists "${sameName.model}" (${sameName.where}) in ${describeRead(read)},`,
      `but the source could not map that name to a catalog id, so no prices were read for it.`,
      `Map it in the ${sourceId} module under pipeline/sources/ first, then run again: npm run catalog -- run --only ${sourceId} --dry-run`,
    ].join("\n");
  }
  const lines = [
    `${modelId} is not among the models ${sourceId}'s page showed without a catalog entry in ${describeRead(read)}`,
    `untracked there: ${list(untracked.filter((u) => u.prices.length > 0).map((u) => u.model))}`,
  ];
  if (unmapped.length > 0) lines.push(`names ${sourceId} could not map to an id: ${list(unmapped.map(quoted))}`);
  const earlier = older.find((r) => r.source.diff.untracked.some((u) => u.model === modelId && u.prices.length > 0));
  if (earlier) {
    lines.push(
      `an older run listed it: ${describeRead(earlier)}; the page may have dropped it since.`,
      `To draft from that run anyway: npm run catalog -- add ${modelId} --from ${sourceId} --run-dir ${path.dirname(earlier.file)}`,
    );
  }
  return lines.join("\n");
}

function list(items: string[]): string {
  return items.length > 0 ? items.join(", ") : "(none)";
}

function quoted(u: UntrackedModel): string {
  return `"${u.model}" (${u.where})`;
}

/** "GPT Image Latest" and "gpt-image-latest" alike: how a maintainer would type a page's name as an id. */
function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
