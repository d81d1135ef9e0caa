import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const FIXTURES = path.resolve(import.meta.dirname, "fixtures");
const SNAPSHOTS = path.resolve(import.meta.dirname, "../../shared/snapshots");
const MANIFEST = path.join(SNAPSHOTS, "MANIFEST.md");

/** Saved vendor pages under test/fixtures/<vendor>/, named as in the snapshots' MANIFEST. */
const pages = readdirSync(FIXTURES)
  .filter((d) => statSync(path.join(FIXTURES, d)).isDirectory())
  .flatMap((vendor) => readdirSync(path.join(FIXTURES, vendor)).filter((f) => /__\d{4}-\d{2}-\d{2}/.test(f)).map((f) => `${vendor}/${f}`));

describe("fixtures are real pages, never edited", () => {
  it("has the snapshots of the four vendors", () => {
    expect(pages.length).toBeGreaterThanOrEqual(14);
  });

  // The shared snapshots sit beside the repository on developer machines and in CI; a clone elsewhere skips this.
  it.skipIf(!existsSync(MANIFEST)).each(pages)("%s is byte-identical to the shared snapshot", (page) => {
    const fixture = readFileSync(path.join(FIXTURES, page));
    const original = readFileSync(path.join(SNAPSHOTS, page));
    expect(createHash("sha256").update(fixture).digest("hex")).toBe(createHash("sha256").update(original).digest("hex"));
  });
});
