import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Command } from "commander";
import { JSON_SCHEMA_PATH, renderJsonSchema } from "./catalog/json-schema.ts";
import { formatProblem } from "./catalog/load.ts";
import { serializeEntry } from "./catalog/serialize.ts";
import { loadCatalog } from "./catalog/validate.ts";
import { writeEntry } from "./catalog/write.ts";

const program = new Command()
  .name("catalog")
  .description("Keep the AI model catalog true to what the vendors publish.")
  .showHelpAfterError();

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
    console.log(`${catalog.entries.size} entries valid in ${opts.catalog}`);
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
      if (serializeEntry(entry) === file.text) continue;
      offenders.push(file.absolutePath);
      if (!opts.check) await writeEntry(opts.catalog, entry, file.text);
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
    const body = await readFile(opts.file, "utf8");
    const extraction = source.extract(body, format);
    process.stdout.write(`${JSON.stringify(extraction, null, 2)}\n`);
    if (extraction.status !== "ok") process.exitCode = 1;
  });

interface RunFlags {
  only?: string[];
  dryRun?: boolean;
  date?: string;
  replay?: string;
  verifiedTo: string;
  runDir?: string;
  catalog: string;
}

async function runCommand(flags: RunFlags): Promise<void> {
  const { runPipeline, RunRefused } = await import("./run/run.ts");
  const { isIsoDay, todayUtc } = await import("./apply/dates.ts");
  const runDate = flags.date ?? todayUtc();
  if (!isIsoDay(runDate)) return usageError(`--date must be a real day written YYYY-MM-DD, not "${runDate}"`);
  if (flags.verifiedTo !== "base" && flags.verifiedTo !== "pr") return usageError(`--verified-to must be base or pr`);
  const runDir = path.resolve(flags.runDir ?? path.join("runs", new Date().toISOString().replace(/[:.]/g, "-")));
  try {
    const report = await runPipeline({
      repoDir: process.cwd(),
      catalogDir: path.resolve(flags.catalog),
      only: flags.only ?? [],
      dryRun: !!flags.dryRun,
      runDate,
      ...(flags.replay ? { replayDir: /^https?:\/\//i.test(flags.replay) ? flags.replay : path.resolve(flags.replay) } : {}),
      verifiedTo: flags.verifiedTo,
      runDir,
      env: process.env,
      fetchOptions: fetchOptionsFromEnv(process.env),
      out: (line) => console.log(line),
      log: (line) => console.error(line),
    });
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
    .option("--catalog <dir>", "catalog directory", "catalog");

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
).action((models: string[], flags: RunFlags) => runCommand({ ...flags, only: models }));

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
