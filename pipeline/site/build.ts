/**
 * `npm run -s catalog -- site --out DIR [--run-dir DIR]`: the static site, built from catalog/ and (when given) a
 * run directory's report.json and evidence. The I/O edge: it loads the catalog and the report, copies the
 * evidence the pages show, and writes what the pure renderers (pages.tsx, feed.ts, catalog-json.ts) return.
 *
 *   index.html                       per vendor: each source's state on the last night, entries by age
 *   models/<vendor>/<model>.html     one page per model
 *   changes.html, feed.xml           every price change, newest first (Atom)
 *   catalog.json, catalog.schema.json
 *   evidence/<source>/<file>         the screenshots and charts the model pages show, copied from the run
 *
 * Nothing is loaded from the network: the pages work from file:// as from GitHub Pages.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { RunReport } from "../../schemas/run-report.ts";
import { isIsoDay, todayUtc } from "../apply/dates.ts";
import { formatProblem } from "../catalog/load.ts";
import { loadCatalog } from "../catalog/validate.ts";
import { SOURCES } from "../sources/index.ts";
import { CATALOG_JSON, CATALOG_SCHEMA_JSON, catalogDocument, catalogJsonSchema } from "./catalog-json.ts";
import { atomFeed } from "./feed.ts";
import { type ModelEvidenceFiles, siteModel, type SiteSource } from "./model.ts";
import { changesPage, frontPage, modelPage } from "./pages.tsx";

/** Written into every site this builds, so a rebuild may clear the directory and nothing else is ever cleared. */
const MARKER = ".catalog-freshness-site";

export interface BuildSiteOptions {
  catalogDir: string;
  /** A run directory holding report.json (and the evidence/ it names). */
  runDir?: string;
  outDir: string;
  /** Count ages to this day; default the run's day, else today (UTC). */
  asOf?: string;
  /** As `catalog report --stale-after`: stale when lastVerified is more than this many days before asOf. */
  staleAfterDays?: number;
  /** Where the site is published, for absolute links in feed.xml (e.g. GitHub Pages' base_url). */
  siteUrl?: string;
  now?: Date;
}

export interface BuildSiteResult {
  /** Set when the site was written: its front page, as a path and as the file: URL to open. */
  index?: string;
  url?: string;
  pages: number;
  changes: number;
  /** One line each; when `index` is unset, why nothing was built. */
  problems: string[];
}

export async function buildSite(options: BuildSiteOptions): Promise<BuildSiteResult> {
  const problems: string[] = [];
  const refuse = (line: string): BuildSiteResult => ({ pages: 0, changes: 0, problems: [...problems, line] });
  const staleAfterDays = options.staleAfterDays ?? 30;
  if (!Number.isInteger(staleAfterDays) || staleAfterDays < 0) return refuse(`--stale-after must be a whole number of days, 0 or more, not "${staleAfterDays}"`);
  if (options.asOf !== undefined && !isIsoDay(options.asOf)) return refuse(`--date must be a real day written YYYY-MM-DD, not "${options.asOf}"`);
  let siteUrl: string | undefined;
  if (options.siteUrl) {
    try {
      siteUrl = new URL(options.siteUrl.endsWith("/") ? options.siteUrl : `${options.siteUrl}/`).toString();
    } catch {
      return refuse(`--site-url must be an absolute URL, not "${options.siteUrl}"`);
    }
  }

  const catalog = await loadCatalog(options.catalogDir);
  if (catalog.problems.length > 0) {
    return refuse(
      `${catalog.problems.length} problem(s) in ${options.catalogDir}, first: ${formatProblem(catalog.problems[0]!)} (see: npm run catalog -- validate); no site built`,
    );
  }
  const entries = [...catalog.entries.values()].map(({ entry }) => entry);

  let report: RunReport | undefined;
  if (options.runDir !== undefined) {
    const file = path.join(options.runDir, "report.json");
    try {
      const parsed = RunReport.safeParse(JSON.parse(readFileSync(file, "utf8")));
      if (parsed.success) report = parsed.data;
      else problems.push(`${file} is not a run report (${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}); the site is built without it`);
    } catch (err) {
      problems.push(`cannot read ${file}: ${(err as Error).message.split("\n")[0]}; the site is built without it`);
    }
  }

  const out = path.resolve(options.outDir);
  if (existsSync(out) && readdirSync(out).length > 0) {
    if (!existsSync(path.join(out, MARKER))) return refuse(`${options.outDir} is not empty and is not a site this command built: choose an empty or new directory`);
    rmSync(out, { recursive: true, force: true });
  }
  mkdirSync(out, { recursive: true });

  // The evidence the model pages show: the first screenshot of each changed model, and the run's chart.
  const evidence = new Map<string, ModelEvidenceFiles>();
  for (const source of report?.sources ?? []) {
    for (const e of source.evidence ?? []) {
      const files: ModelEvidenceFiles = { ...evidence.get(e.model) };
      const shot = e.screenshots[0];
      if (shot && copyRunFile(options.runDir!, shot.file, out, problems)) files.screenshot = { file: shot.file, rows: shot.rows, source: source.source };
      if (e.chart && copyRunFile(options.runDir!, e.chart, out, problems)) files.chart = e.chart;
      evidence.set(e.model, files);
    }
  }

  const now = options.now ?? new Date();
  const sources: SiteSource[] = SOURCES.map((s) => ({ id: s.id, vendor: s.vendor, url: s.url }));
  const asOf = options.asOf ?? report?.runDate ?? todayUtc(now);
  const model = siteModel({
    entries,
    sources,
    ...(report ? { report } : {}),
    asOf,
    staleAfterDays,
    ...(siteUrl ? { siteUrl } : {}),
    builtAt: now.toISOString(),
    evidence,
  });

  const write = (relative: string, text: string) => {
    const file = path.join(out, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  write(MARKER, "Built by `npm run catalog -- site`; a rebuild clears this directory.\n");
  // GitHub Pages serves the files as they are (no Jekyll).
  write(".nojekyll", "");
  write("index.html", frontPage(model));
  write("changes.html", changesPage(model));
  write("feed.xml", atomFeed(model, `${pathToFileURL(out).href}/`));
  write(CATALOG_JSON, catalogDocument(entries, now.toISOString(), asOf));
  write(CATALOG_SCHEMA_JSON, catalogJsonSchema());
  for (const view of model.byId.values()) write(view.href, modelPage(model, view));
  const index = path.join(out, "index.html");
  return { index, url: pathToFileURL(index).href, pages: model.byId.size + 2, changes: model.changes.length, problems };
}

function copyRunFile(runDir: string, file: string, out: string, problems: string[]): boolean {
  const from = path.join(runDir, file);
  if (!existsSync(from)) {
    problems.push(`${from} is named in report.json but missing; its model page shows no such evidence`);
    return false;
  }
  mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
  copyFileSync(from, path.join(out, file));
  return true;
}

export interface SiteFlags {
  out: string;
  runDir?: string;
  catalog: string;
  date?: string;
  staleAfter: string;
  siteUrl?: string;
}

/**
 * The `site` command: 0 built (a problem with the run's report or evidence is printed, and the site is built
 * without that part, so a night whose report is broken still publishes the catalog); 1 nothing built; 2 a bad flag.
 */
export async function siteCommand(flags: SiteFlags, io: { out: (line: string) => void; err: (line: string) => void }): Promise<number> {
  if (!/^\d+$/.test(flags.staleAfter)) {
    io.err(`--stale-after must be a whole number of days, 0 or more, not "${flags.staleAfter}"`);
    return 2;
  }
  if (flags.date !== undefined && !isIsoDay(flags.date)) {
    io.err(`--date must be a real day written YYYY-MM-DD, not "${flags.date}"`);
    return 2;
  }
  const result = await buildSite({
    catalogDir: flags.catalog,
    outDir: flags.out,
    staleAfterDays: Number(flags.staleAfter),
    ...(flags.runDir !== undefined ? { runDir: flags.runDir } : {}),
    ...(flags.date !== undefined ? { asOf: flags.date } : {}),
    ...(flags.siteUrl !== undefined ? { siteUrl: flags.siteUrl } : {}),
  });
  for (const p of result.problems) io.err(p);
  if (!result.index) return 1;
  io.out(`site: ${result.pages} page(s), ${result.changes} price change(s) in ${path.resolve(flags.out)}`);
  io.out(`open: ${result.url}`);
  return 0;
}
