import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const FIXTURES = path.resolve(import.meta.dirname, "fixtures");
const SNAPSHOTS = path.resolve(import.meta.dirname, "../../shared/snapshots");
const MANIFEST = path.join(SNAPSHOTS, "MANIFEST.md");

/** Saved vendor pages under test/fixtures/<vendor>/, named as in the snapshots' MANIFEST. */
const pages = savedPages(FIXTURES).map((f) => path.relative(FIXTURES, f));

/** Files named `<name>__<date>…` below a vendor folder (and its subfolders, e.g. openai/models/). */
function savedPages(dir: string, depth = 0): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return savedPages(full, depth + 1);
    return depth > 0 && /__\d{4}-\d{2}-\d{2}/.test(name) ? [full] : [];
  });
}

describe("fixtures are real pages, never edited", () => {
  it("has the snapshots of the six vendors", () => {
    expect(new Set(pages.map((p) => p.split(path.sep)[0])).size).toBeGreaterThanOrEqual(6);
    expect(pages.length).toBeGreaterThanOrEqual(50);
  });

  // The shared snapshots sit beside the repository on developer machines and in CI; a clone elsewhere skips this.
  it.skipIf(!existsSync(MANIFEST)).each(pages)("%s is byte-identical to the shared snapshot", (page) => {
    const fixture = readFileSync(path.join(FIXTURES, page));
    const original = readFileSync(path.join(SNAPSHOTS, page));
    expect(createHash("sha256").update(fixture).digest("hex")).toBe(createHash("sha256").update(original).digest("hex"));
  });
});
