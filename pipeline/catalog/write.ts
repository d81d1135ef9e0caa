import { mkdir } from "node:fs/promises";
import path from "node:path";
import writeFileAtomic from "write-file-atomic";
import { entryRelativePath, type ModelEntry } from "../../schemas/model-entry.ts";
import { serializeEntry } from "./serialize.ts";

/**
 * Write one entry in canonical form, atomically (temp file + rename), so a killed process leaves
 * either the old file or the new one, never half of one. Returns whether the bytes changed.
 */
export async function writeEntry(catalogDir: string, entry: ModelEntry, previousText?: string): Promise<boolean> {
  const text = serializeEntry(entry);
  if (text === previousText) return false;
  const file = path.join(catalogDir, entryRelativePath(entry.id));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, text, { encoding: "utf8" });
  return true;
}
