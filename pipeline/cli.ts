import { readFile, writeFile } from "node:fs/promises";
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
