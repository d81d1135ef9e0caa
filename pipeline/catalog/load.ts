import { readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { z } from "zod";
import { ModelEntry } from "../../schemas/model-entry.ts";

/**
 * One catalog file as read from disk: where it is, and the entry when it parsed and matched the schema. Its
 * text is not kept (read it again with `catalogFileText`): held for every file of a 10,000-entry catalog it was
 * a quarter of the validation's peak memory, and only `format` and a write look at it.
 */
export interface CatalogFile {
  /** Path relative to the catalog directory, with `/` separators: `openai/gpt-image-1-mini.json`. */
  relativePath: string;
  absolutePath: string;
  entry: ModelEntry | undefined;
  problems: CatalogProblem[];
}

/** The file's text as it is on disk now. */
export function catalogFileText(file: Pick<CatalogFile, "absolutePath">): string {
  return readFileSync(file.absolutePath, "utf8");
}

/** One problem in one file, printed as `path: json-pointer: message`. */
export interface CatalogProblem {
  file: string;
  pointer: string;
  message: string;
}

export function formatProblem(p: CatalogProblem): string {
  return `${p.file}: ${p.pointer || "/"}: ${p.message}`;
}

/** Every `*.json` file under `<catalogDir>/<vendor>/`, sorted, so problems print in a stable order. */
export async function listCatalogFiles(catalogDir: string): Promise<string[]> {
  const out: string[] = [];
  const vendors = await readdir(catalogDir, { withFileTypes: true });
  for (const vendor of vendors.filter((d) => d.isDirectory()).sort(byName)) {
    const files = await readdir(path.join(catalogDir, vendor.name), { withFileTypes: true });
    for (const f of files.filter((d) => d.isFile() && d.name.endsWith(".json")).sort(byName)) {
      out.push(`${vendor.name}/${f.name}`);
    }
  }
  return out;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Read synchronously: a catalog file is a few kB, and each asynchronous read is four trips through
 * libuv's thread pool (open, stat, read, close). 10,000 files: about 75 ms this way, 325–440 ms with the
 * callback `fs.readFile` 64 at a time, ~900 ms with `fs/promises` (`npm run bench`, 2-core Xeon).
 */
export function readCatalogFile(catalogDir: string, relativePath: string): CatalogFile {
  const absolutePath = path.join(catalogDir, relativePath);
  const displayPath = path.join(catalogDir, relativePath);
  const text = readFileSync(absolutePath, "utf8");
  const problems: CatalogProblem[] = [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    problems.push({ file: displayPath, pointer: "", message: `not valid JSON: ${(err as Error).message}` });
    return { relativePath, absolutePath, entry: undefined, problems };
  }
  // reportInput: a key that is absent (JSON has no undefined) is told apart from one with a wrong value.
  const parsed = ModelEntry.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    for (const p of schemaProblems(parsed.error.issues)) problems.push({ file: displayPath, ...p });
    return { relativePath, absolutePath, entry: undefined, problems };
  }
  return { relativePath, absolutePath, entry: parsed.data, problems };
}

/** zod issues as `json-pointer: message`; a bad record key says why the key is bad, not just "invalid key". */
export function schemaProblems(issues: readonly z.core.$ZodIssue[]): { pointer: string; message: string }[] {
  return issues.map((issue) => {
    const pointer = toJsonPointer(issue.path);
    if (issue.code === "invalid_key") {
      const reasons = issue.issues.map((i) => i.message).join("; ");
      return { pointer, message: `bad key: ${reasons}` };
    }
    if ("input" in issue && issue.input === undefined) return { pointer, message: missingFieldMessage(issue) };
    return { pointer, message: issue.message };
  });
}

/**
 * zod says "expected string, received undefined" for an absent field; a maintainer filling in a draft
 * (`catalog add`) needs "missing: fill in a string — Display name, as the vendor writes it".
 */
function missingFieldMessage(issue: z.core.$ZodIssue): string {
  const field = issue.path.length === 1 ? ModelEntry.shape[issue.path[0] as keyof typeof ModelEntry.shape] : undefined;
  const format = field && "format" in field ? field.format : undefined;
  const wanted =
    format === "date"
      ? "a day, YYYY-MM-DD"
      : format === "safeint"
        ? "a whole number"
        : issue.code === "invalid_type"
          ? `${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}`
          : issue.code === "invalid_value"
            ? `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`
            : "a value";
  return `missing: fill in ${wanted}${field?.description ? ` — ${field.description}` : ""}`;
}

/** RFC 6901: `/prices/image:low:1024x1024/usd`, with `~` and `/` escaped. */
export function toJsonPointer(segments: readonly PropertyKey[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}
