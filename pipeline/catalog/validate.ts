import path from "node:path";
import { entryRelativePath, type ModelEntry } from "../../schemas/model-entry.ts";
import { unitOf } from "../../schemas/price-key.ts";
import {
  type CatalogFile,
  type CatalogProblem,
  listCatalogFiles,
  readCatalogFile,
  toJsonPointer,
} from "./load.ts";

export interface Catalog {
  dir: string;
  files: CatalogFile[];
  /** Valid entries by id. */
  entries: Map<string, { entry: ModelEntry; file: CatalogFile }>;
  problems: CatalogProblem[];
}

/**
 * Load every catalog file and check it against the schema and the rules that span a file's
 * path or several files: the id matches the path, ids are unique, history is ordered.
 */
export async function loadCatalog(catalogDir: string): Promise<Catalog> {
  let relativePaths: string[];
  try {
    relativePaths = await listCatalogFiles(catalogDir);
  } catch (err) {
    return {
      dir: catalogDir,
      files: [],
      entries: new Map(),
      problems: [{ file: catalogDir, pointer: "", message: `cannot read catalog directory: ${(err as Error).message}` }],
    };
  }
  // One file at a time, synchronously (see readCatalogFile): one descriptor open, one buffer held.
  const files = relativePaths.map((p) => readCatalogFile(catalogDir, p));
  const problems: CatalogProblem[] = [];
  const entries = new Map<string, { entry: ModelEntry; file: CatalogFile }>();
  for (const file of files) {
    problems.push(...file.problems);
    if (!file.entry) continue;
    const fileProblems = entryRules(file.entry, path.join(catalogDir, file.relativePath), file.relativePath);
    problems.push(...fileProblems);
    const first = entries.get(file.entry.id);
    if (first) {
      problems.push({
        file: path.join(catalogDir, file.relativePath),
        pointer: "/id",
        message: `duplicate id ${file.entry.id}: also in ${path.join(catalogDir, first.file.relativePath)}`,
      });
      continue;
    }
    if (fileProblems.length === 0) entries.set(file.entry.id, { entry: file.entry, file });
  }
  if (files.length === 0 && problems.length === 0) {
    problems.push({ file: catalogDir, pointer: "", message: "no catalog files found (expected <vendor>/<model>.json)" });
  }
  return { dir: catalogDir, files, entries, problems };
}

/**
 * Today in UTC as YYYY-MM-DD, the day `todayUtc` (apply/dates.ts) gives, read off the ISO timestamp: that module
 * loads date-fns's formatter and parser (about a hundred modules, 10-15 MB of RSS under tsx) into every process
 * that only validates the catalog.
 */
const todayUtc = (): string => new Date().toISOString().slice(0, 10);

/** `2026-12-31` → `2027-01-01`, by the same arithmetic (apply/dates.ts's `dayAfter`, without date-fns). */
const dayAfter = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Rules of one entry that the JSON Schema cannot express. */
export function entryRules(entry: ModelEntry, displayPath: string, relativePath: string, today: string = todayUtc()): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const at = (segments: PropertyKey[], message: string) =>
    problems.push({ file: displayPath, pointer: toJsonPointer(segments), message });

  const expectedPath = entryRelativePath(entry.id);
  if (expectedPath !== relativePath) {
    at(["id"], `id ${entry.id} belongs in ${expectedPath}, not ${relativePath}`);
  }
  if (!entry.id.startsWith(`${entry.vendor}/`)) {
    at(["vendor"], `vendor "${entry.vendor}" does not match id ${entry.id}`);
  }
  // Every day an entry records is past, except a scheduled price's `from`: a day to come is a typo (or a run given
  // `--date` in the future), and an entry "verified" on it would never be checked again. One day of slack (the
  // latest day a run accepts), for a maintainer whose calendar is already on tomorrow.
  const latest = dayAfter(today);
  const notToCome = (segments: PropertyKey[], name: string, day: string | undefined) => {
    if (day !== undefined && day > latest) at(segments, `${name} ${day} is a day to come (today is ${today} UTC); only a scheduled price's from may be`);
  };
  notToCome(["lastVerified"], "lastVerified", entry.lastVerified);
  notToCome(["releaseDate"], "releaseDate", entry.releaseDate);
  notToCome(["retired"], "retired", entry.retired);
  entry.priceHistory.forEach((item, i) => {
    if (item.from !== undefined && item.from > item.until) {
      at(["priceHistory", i, "from"], `from ${item.from} is after until ${item.until}`);
    }
    // Not against `lastVerified`: a pull request of one source may retire a price on the run day while the entry's
    // other source still has its own change pending, so lastVerified rightly stays behind.
    notToCome(["priceHistory", i, "until"], "until", item.until);
    notToCome(["priceHistory", i, "from"], "from", item.from);
    const previous = entry.priceHistory[i - 1];
    if (previous && previous.until < item.until) {
      at(["priceHistory", i, "until"], `history must be newest first: ${item.until} comes after ${previous.until}`);
    }
  });
  (entry.scheduledPrices ?? []).forEach((item, i) => {
    const unit = unitOf(item.price);
    if (unit && item.unit !== unit) at(["scheduledPrices", i, "unit"], `unit of ${item.price} must be "${unit}", not "${item.unit}"`);
    if (entry.scheduledPrices!.findIndex((o) => o.price === item.price && o.from === item.from) !== i) {
      at(["scheduledPrices", i], `${item.price} is scheduled twice from ${item.from}`);
    }
  });
  if (entry.retired !== undefined && entry.retired < entry.releaseDate) {
    at(["retired"], `retired ${entry.retired} is before the release date ${entry.releaseDate}`);
  }
  return problems;
}
