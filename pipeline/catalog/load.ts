import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { z } from "zod";
import { ModelEntry } from "../../schemas/model-entry.ts";

/** One catalog file as read from disk: its bytes, and the entry when it parsed and matched the schema. */
export interface CatalogFile {
  /** Path relative to the catalog directory, with `/` separators: `openai/gpt-image-1-mini.json`. */
  relativePath: string;
  absolutePath: string;
  text: string;
  entry: ModelEntry | undefined;
  problems: CatalogProblem[];
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

export async function readCatalogFile(catalogDir: string, relativePath: string): Promise<CatalogFile> {
  const absolutePath = path.join(catalogDir, relativePath);
  const displayPath = path.join(catalogDir, relativePath);
  const text = await readFile(absolutePath, "utf8");
  const problems: CatalogProblem[] = [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    problems.push({ file: displayPath, pointer: "", message: `not valid JSON: ${(err as Error).message}` });
    return { relativePath, absolutePath, text, entry: undefined, problems };
  }
  const parsed = ModelEntry.safeParse(json);
  if (!parsed.success) {
    for (const p of schemaProblems(parsed.error.issues)) problems.push({ file: displayPath, ...p });
    return { relativePath, absolutePath, text, entry: undefined, problems };
  }
  return { relativePath, absolutePath, text, entry: parsed.data, problems };
}

/** zod issues as `json-pointer: message`; a bad record key says why the key is bad, not just "invalid key". */
export function schemaProblems(issues: readonly z.core.$ZodIssue[]): { pointer: string; message: string }[] {
  return issues.map((issue) => {
    const pointer = toJsonPointer(issue.path);
    if (issue.code === "invalid_key") {
      const reasons = issue.issues.map((i) => i.message).join("; ");
      return { pointer, message: `bad key: ${reasons}` };
    }
    return { pointer, message: issue.message };
  });
}

/** RFC 6901: `/prices/image:low:1024x1024/usd`, with `~` and `/` escaped. */
export function toJsonPointer(segments: readonly PropertyKey[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}
