/**
 * Every source's extraction of every saved page under test/fixtures, one line each:
 * `<source>\t<fixture>\t<format>\t<extraction JSON>`. Markdown pages are also read as the HTML markdown-it
 * makes of them, the shape a browser or a converter could hand back.
 *
 * For reshaping code without changing what it reads: dump before, dump after, compare the bytes.
 *
 *   npx tsx test/support/dump-extractions.ts > /tmp/before.tsv
 *   … change the code …
 *   npx tsx test/support/dump-extractions.ts > /tmp/after.tsv && cmp /tmp/before.tsv /tmp/after.tsv
 *
 * `--source ID` limits it to one source.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import MarkdownIt from "markdown-it";
import { stripFrontMatter } from "../../pipeline/extract/document.ts";
import { SOURCES } from "../../pipeline/sources/index.ts";
import { fixtureFiles } from "./fixture-files.ts";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures");
const markdown = new MarkdownIt({ html: true, linkify: false, typographer: false });

const only = process.argv.includes("--source") ? process.argv[process.argv.indexOf("--source") + 1] : undefined;
for (const source of SOURCES) {
  if (only && source.id !== only) continue;
  for (const file of fixtureFiles(FIXTURES)) {
    const rel = path.relative(FIXTURES, file);
    const body = readFileSync(file, "utf8");
    const native = /\.html?$/.test(file) ? "html" : "markdown";
    const reads: [string, string, "markdown" | "html"][] = [[native, body, native]];
    if (native === "markdown") reads.push(["markdown→html", markdown.render(stripFrontMatter(body)), "html"]);
    for (const [label, text, format] of reads) {
      process.stdout.write(`${source.id}\t${rel}\t${label}\t${JSON.stringify(source.extract(text, format))}\n`);
    }
  }
}
