import { existsSync, statSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Command } from "commander";
import { JSON_SCHEMA_PATH, renderJsonSchema } from "./catalog/json-schema.ts";
import { catalogFileText, formatProblem } from "./catalog/load.ts";
import { serializeEntry } from "./catalog/serialize.ts";
import { loadCatalog } from "./catalog/validate.ts";
import { writeEntry } from "./catalog/write.ts";

const program = new Command()
  .name("catalog")
  .description("Keep the AI model catalog true to what the vendors publish.")
  .showHelpAfterError()
  // Exit codes as README's "Exit codes" says: a usage error (an unknown command or flag, a missing argument) is 2,
  // never 1, which means the command ran and found something wrong (for `run`: a source failed). Help asked for
  // is 0. Set before the commands are added, which inherit it.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
  // A --catalog that is not there is a bad flag value for every command that takes one (and `add` must not
  // create it): one line, exit 2, before anything runs.
  .hook("preAction", (_program, command) => {
    const dir = (command.opts() as { catalog?: unknown }).catalog;
    if (typeof dir !== "string") return;
    const problem = !existsSync(dir) ? "no such directory" : !statSync(dir).isDirectory() ? "not a directory" : undefined;
    if (!problem) return;
    console.error(`--catalog ${dir}: ${problem}; run from the repository's root (the catalog is ./catalog), or give the catalog's directory`);
    process.exit(2);
  });

program
  .command("validate")
  .description("check every catalog file against the schema and the cross-file rules")
  .option("--catalog <dir>", "catalog directory", "catalog")
  .action(async (opts: { catalog: string }) => {
    const catalog = await loadCatalog(opts.catalog);
    for (const p of catalog.problems) console.error(formatProblem(p));
    if (catalog.problems.length > 0) {
      console.error(`${catalog.problems.length} problem(s) in ${opts.catalog}`);
      process.exitCode = 1;
      return;
    }
    const retired = [...catalog.entries.values()].filter(({ entry }) => entry.retired !== undefined);
    console.log(`${catalog.entries.size} entries valid in ${opts.catalog}${retired.length > 0 ? ` (${retired.length} retired: ${retired.map(({ entry }) => `${entry.id} since ${entry.retired}`).join(", ")})` : ""}`);
  });

program
  .command("format")
  .description("rewrite catalog files in canonical form")
  .option("--check", "only list the files that are not canonical, and exit 1 if any")
  .option("--catalog <dir>", "catalog directory", "catalog")
  .action(async (opts: { check?: boolean; catalog: string }) => {
    const catalog = await loadCatalog(opts.catalog);
    if (catalog.problems.length > 0) {
      for (const p of catalog.problems) console.error(formatProblem(p));
      console.error("fix these first: format only rewrites valid entries");
      process.exitCode = 1;
      return;
    }
    const offenders: string[] = [];
    for (const { entry, file } of catalog.entries.values()) {
      const text = catalogFileText(file);
      if (serializeEntry(entry) === text) continue;
      offenders.push(file.absolutePath);
      if (!opts.check) await writeEntry(opts.catalog, entry, text);
    }
    if (opts.check) {
      for (const f of offenders) console.log(f);
      if (offenders.length > 0) {
        console.error(`${offenders.length} file(s) not in canonical form; run: npm run catalog -- format`);
        process.exitCode = 1;
      }
      return;
    }
    console.log(`${offenders.length} file(s) rewritten`);
  });

program
  .command("extract")
  .description("read one saved page with one source and print what it found, as JSON")
  .argument("<source-id>", "e.g. openai-pricing")
  .requiredOption("--file <path>", "the saved page")
  .option("--format <format>", "markdown or html (default: from the file name, else the source's own)")
  .action(async (sourceId: string, opts: { file: string; format?: string }) => {
    const { SOURCES, sourceById } = await import("./sources/index.ts");
    const source = sourceById(sourceId);
    if (!source) {
      console.error(`unknown source "${sourceId}"; known: ${SOURCES.map((s) => s.id).join(", ")}`);
      process.exitCode = 2;
      return;
    }
    const format = opts.format ?? (/\.html?$/i.test(opts.file) ? "html" : source.format);
    if (format !== "markdown" && format !== "html") {
      console.error(`--format must be markdown or html, not "${format}"`);
      process.exitCode = 2;
      return;
    }
    // A saved page, not a directory or a missing path: say which, on one line.
    const file = statSync(opts.file, { throwIfNoEntry: false });
    if (!file) return usageError(`--file ${opts.file}: no such file; give one saved page (e.g. <run-dir>/pages/${sourceId}.md)`);
    if (file.isDirectory()) return usageError(`--file ${opts.file} is a directory; give one saved page in it (e.g. ${path.join(opts.file, `${sourceId}.md`)})`);
    let body: string;
    try {
      body = await readFile(opts.file, "utf8");
    } catch (err) {
      return usageError(`--file ${opts.file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const extraction = source.extract(body, format);
    process.stdout.write(`${JSON.stringify(extraction, null, 2)}\n`);
    if (extraction.status !== "ok") process.exitCode = 1;
  });

interface RunFlags {
  only?: string[];
  /** `verify <model-id>…`: `only` holds the models named. */
  verifying?: boolean;
  dryRun?: boolean;
  date?: string;
  replay?: string;
  verifiedTo: string;
  runDir?: string;
  catalog: string;
  /** stdout is the run report (report.json) and nothing else. */
  json?: boolean;
  /** Nothing on stdout or stderr unless something failed; then only the error lines. */
  quiet?: boolean;
}

async function runCommand(flags: RunFlags): Promise<void> {
  const { runPipeline, RunRefused } = await import("./run/run.ts");
  const { isIsoDay, todayUtc } = await import("./apply/dates.ts");
  const terminal = await import("./run/terminal.ts");
  const runDate = flags.date ?? todayUtc();
  if (!isIsoDay(runDate)) return usageError(`--date must be a real day written YYYY-MM-DD, not "${runDate}"`);
  if (flags.verifiedTo !== "base" && flags.verifiedTo !== "pr") return usageError(`--verified-to must be base or pr`);
  const runDir = path.resolve(flags.runDir ?? path.join("runs", new Date().toISOString().replace(/[:.]/g, "-")));
  let fetchOptions: ReturnType<typeof fetchOptionsFromEnv>;
  try {
    fetchOptions = fetchOptionsFromEnv(process.env);
  } catch (err) {
    return usageError((err as Error).message);
  }
  // stdout: the summary (or, with --json, the report alone); stderr: progress while the run works, and the
  // error lines at the end. --quiet keeps both silent unless something failed. Never colour JSON or a pipe.
  const json = !!flags.json;
  const quiet = !!flags.quiet;
  const colourOut = !json && terminal.colourFor(process.stdout, process.env);
  const colourErr = !json && terminal.colourFor(process.stderr, process.env);
  const errors: import("./run/progress.ts").RunErrorEvent[] = [];
  const progressLine = terminal.progressLineRenderer(colourErr);
  const progress = (event: import("./run/progress.ts").RunEvent) => {
    if (event.kind === "failed" || event.kind === "problem") errors.push(event);
    if (quiet) return;
    const line = progressLine(event);
    if (line !== undefined) console.error(line);
  };
  try {
    const report = await runPipeline({
      repoDir: process.cwd(),
      catalogDir: path.resolve(flags.catalog),
      only: flags.only ?? [],
      ...(flags.verifying ? { verifying: true } : {}),
      dryRun: !!flags.dryRun,
      runDate,
      ...(flags.replay ? { replayDir: /^https?:\/\//i.test(flags.replay) ? flags.replay : path.resolve(flags.replay) } : {}),
      verifiedTo: flags.verifiedTo,
      runDir,
      env: process.env,
      fetchOptions,
      out: json || quiet ? () => {} : (line) => console.log(line),
      log: quiet ? () => {} : (line) => console.error(line),
      progress,
      colour: colourOut,
    });
    // In the order of the sources, not of their failures (the fetches run concurrently).
    const position = (e: import("./run/progress.ts").RunErrorEvent) => (e.kind === "failed" ? report.sources.findIndex((s) => s.source === e.source) : report.sources.length);
    errors.sort((a, b) => position(a) - position(b));
    for (const line of terminal.renderErrorBlock(errors, colourErr)) console.error(line);
    // The report exactly as written (and redacted) in the run dir.
    if (json) process.stdout.write(await readFile(path.join(runDir, "report.json"), "utf8"));
    process.exitCode = report.exitCode;
  } catch (err) {
    if (err instanceof RunRefused) return usageError(err.message);
    throw err;
  }
}

/**
 * Fetch limits a maintainer (or a test of the failure paths) may tighten without code changes:
 * CATALOG_FRESHNESS_TIMEOUT_MS, _MAX_BYTES, _MAX_ATTEMPTS, _BACKOFF_MS, _MAX_RETRY_AFTER_MS.
 */
function fetchOptionsFromEnv(env: NodeJS.ProcessEnv) {
  const num = (name: string) => {
    const raw = env[`CATALOG_FRESHNESS_${name}`];
    if (raw === undefined || raw === "") return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`CATALOG_FRESHNESS_${name} must be a non-negative number, not "${raw}"`);
    return n;
  };
  const http = Object.fromEntries(
    Object.entries({
      timeoutMs: num("TIMEOUT_MS"),
      maxBytes: num("MAX_BYTES"),
      maxAttempts: num("MAX_ATTEMPTS"),
      backoffMs: num("BACKOFF_MS"),
      maxRetryAfterMs: num("MAX_RETRY_AFTER_MS"),
    }).filter(([, v]) => v !== undefined),
  );
  return { http };
}

function usageError(message: string): void {
  console.error(message);
  process.exitCode = 2;
}

const runOptions = (command: Command) =>
  command
    .option("--dry-run", "push nothing, write nothing: print the diff and the pull request bodies")
    .option("--date <YYYY-MM-DD>", "the run date (UTC); default today")
    .option("--replay <dir-or-url>", "read <dir>/<source-id>.<md|html> (served locally), or <url>/<source-id>.<md|html>, in place of the vendor pages")
    .option("--verified-to <where>", "base: push verification-only updates to the base branch; pr: open a PR for them", "base")
    .option("--run-dir <dir>", "where the report and fetched pages go (default runs/<timestamp>)")
    .option("--catalog <dir>", "catalog directory", "catalog")
    .option("--json", "print only the run report (report.json) on stdout; progress and errors stay on stderr")
    .option("--quiet", "print nothing unless something failed, then only the error lines (stderr); for cron");

runOptions(
  program
    .command("run")
    .description("fetch every source, verify the catalog against it, publish changes")
    .option("--only <source-or-model...>", "run only these sources, or only the sources covering these model ids"),
).action((flags: RunFlags) => runCommand(flags));

runOptions(
  program
    .command("verify")
    .description("re-verify single models by hand: runs the sources covering them and touches only them")
    .argument("<model-id...>", "e.g. openai/gpt-image-1-mini"),
).action((models: string[], flags: RunFlags) => runCommand({ ...flags, only: models, verifying: true }));

program
  .command("report")
  .description("list the entries whose lastVerified is older than --stale-after days, by vendor, oldest first")
  .option("--stale-after <days>", "stale when lastVerified is more than this many days before --date", "30")
  .option("--format <format>", "table (terminal), markdown (GitHub job summary) or json", "table")
  .option("--date <YYYY-MM-DD>", "count ages as of this day (UTC); default today")
  .option("--catalog <dir>", "catalog directory", "catalog")
  .action(async (flags: import("./report/command.ts").ReportFlags) => {
    const { reportCommand } = await import("./report/command.ts");
    process.exitCode = await reportCommand(flags, { out: (text) => process.stdout.write(text), err: (line) => console.error(line) });
  });

program
  .command("site")
  .description("build the static site (freshness per vendor, a page per model, price changes, Atom feed, catalog.json) into --out")
  .requiredOption("--out <dir>", "where the site goes (a new or empty directory, or a site this command built)")
  .option("--run-dir <dir>", "a run's directory: its report.json gives each source's state and proposals, its evidence the screenshots")
  .option("--catalog <dir>", "catalog directory", "catalog")
  .option("--date <YYYY-MM-DD>", "count ages as of this day (UTC); default the run's day, else today")
  .option("--stale-after <days>", "stale when lastVerified is more than this many days old (as report)", "30")
  .option("--site-url <url>", "where the site is published, for absolute links in feed.xml")
  .action(async (flags: import("./site/build.ts").SiteFlags) => {
    const { siteCommand } = await import("./site/build.ts");
    process.exitCode = await siteCommand(flags, { out: (line) => console.log(line), err: (line) => console.error(line) });
  });

program
  .command("add")
  .description("write a draft entry for a model a run saw on a source's page but the catalog lacks")
  .argument("<model-id>", "e.g. openai/gpt-5.6-sol, as the run report lists it under untracked")
  .requiredOption("--from <source-id>", "the source whose page listed it, e.g. openai-pricing")
  .option("--runs <dir>", "where runs keep their report.json; the newest that read the page is used", "runs")
  .option("--run-dir <dir>", "use this run's report.json instead of the newest")
  .option("--catalog <dir>", "catalog directory", "catalog")
  .action(async (modelId: string, flags: import("./catalog/add.ts").AddFlags) => {
    const { addCommand } = await import("./catalog/add.ts");
    process.exitCode = await addCommand(modelId, flags, { out: (line) => console.log(line), err: (line) => console.error(line) });
  });

program
  .command("announce")
  .description("after a nightly run: open, update or close the one rolling issue that says the night failed")
  .requiredOption("--run-dir <dir>", "the run's directory (it holds report.json)")
  .action(async (flags: import("./publish/announce-command.ts").AnnounceFlags) => {
    const { announceCommand } = await import("./publish/announce-command.ts");
    process.exitCode = await announceCommand(flags, { out: (line) => console.log(line), err: (line) => console.error(line), env: process.env });
  });

program
  .command("schema")
  .description(`regenerate ${JSON_SCHEMA_PATH} from the zod schema`)
  .option("--check", "exit 1 if the committed file is out of date")
  .action(async (opts: { check?: boolean }) => {
    const rendered = renderJsonSchema();
    const committed = await readFile(JSON_SCHEMA_PATH, "utf8").catch(() => "");
    if (opts.check) {
      if (committed !== rendered) {
        console.error(`${JSON_SCHEMA_PATH} is out of date; run: npm run catalog -- schema`);
        process.exitCode = 1;
      }
      return;
    }
    await writeFile(JSON_SCHEMA_PATH, rendered);
    console.log(`wrote ${JSON_SCHEMA_PATH}`);
  });

await program.parseAsync();
