import type { EntryDiff } from "../../schemas/diff.ts";
import { catalogFileText, formatProblem } from "../catalog/load.ts";
import { loadCatalog } from "../catalog/validate.ts";
import { writeEntry } from "../catalog/write.ts";
import { type ApplyScope, applyVerification } from "./apply.ts";

/**
 * Apply diffs to the catalog files as they are on disk now (which may be a freshly rebuilt branch),
 * each file written atomically in canonical form, with the proposals `scope` names (see `applyVerification`).
 * Returns the ids whose file changed.
 */
export async function applyToCatalog(catalogDir: string, diffs: readonly EntryDiff[], runDate: string, scope?: ApplyScope): Promise<string[]> {
  const catalog = await loadCatalog(catalogDir);
  if (catalog.problems.length > 0) {
    throw new Error(`the catalog is invalid, nothing written:\n${catalog.problems.map(formatProblem).join("\n")}`);
  }
  // Compute every new entry before writing any, so a bad diff cannot leave half a run on disk.
  const updates = diffs.flatMap((diff) => {
    const current = catalog.entries.get(diff.model);
    if (!current) return [];
    const next = applyVerification(current.entry, diff, runDate, scope);
    return next ? [{ next, file: current.file }] : [];
  });
  const written: string[] = [];
  for (const { next, file } of updates) {
    if (await writeEntry(catalogDir, next, catalogFileText(file))) written.push(next.id);
  }
  return written;
}
