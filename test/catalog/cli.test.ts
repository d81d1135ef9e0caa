import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listCatalogFiles } from "../../pipeline/catalog/load.ts";
import { serializeEntry } from "../../pipeline/catalog/serialize.ts";
import { loadCatalog } from "../../pipeline/catalog/validate.ts";
import { REPO_ROOT, runCli } from "../support/cli.ts";

const temps: string[] = [];
function copyOfCatalog(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "catalog-copy-"));
  temps.push(dir);
  cpSync(path.join(REPO_ROOT, "catalog"), dir, { recursive: true });
  return dir;
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("the real catalog", () => {
  it("validates", async () => {
    const r = await runCli(["validate"]);
    expect(r.stderr).not.toMatch(/problem/);
    expect(r.status).toBe(0);
  });

  it("is in canonical form", async () => {
    const r = await runCli(["format", "--check"]);
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
  });

  it("has at least 60 entries over at least 5 vendors, each with a $schema pointer and a pricing source", async () => {
    const catalog = await loadCatalog(path.join(REPO_ROOT, "catalog"));
    expect(catalog.problems).toEqual([]);
    const vendors = new Set([...catalog.entries.values()].map(({ entry }) => entry.vendor));
    expect(catalog.entries.size).toBeGreaterThanOrEqual(60);
    expect(vendors.size).toBeGreaterThanOrEqual(5);
    for (const id of ["openai/gpt-image-1", "openai/gpt-image-1-mini", "openai/gpt-image-1.5", "openai/dall-e-3"]) {
      expect(catalog.entries.has(id), id).toBe(true);
    }
    for (const { entry } of catalog.entries.values()) {
      expect(entry.sources.length, entry.id).toBeGreaterThan(0);
    }
  });

  it("re-serializes every file to the same bytes", async () => {
    const catalog = await loadCatalog(path.join(REPO_ROOT, "catalog"));
    for (const { entry, file } of catalog.entries.values()) {
      expect(serializeEntry(entry), file.relativePath).toBe(readFileSync(file.absolutePath, "utf8"));
    }
  });
});

describe("validate on a broken copy", () => {
  it('names the file and the JSON pointer of a price of "abc", and exits 1', async () => {
    const dir = copyOfCatalog();
    const file = path.join(dir, "openai/gpt-image-1-mini.json");
    writeFileSync(file, readFileSync(file, "utf8").replace('"usd": 0.004', '"usd": "abc"'));
    const r = await runCli(["validate", "--catalog", dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}: /prices/image:low:1024x1024/usd: Invalid input: expected number, received string`);
  });

  it("reports bad JSON, a misplaced file and a duplicate id, one line each", async () => {
    const dir = copyOfCatalog();
    writeFileSync(path.join(dir, "openai/broken.json"), "{ not json");
    const text = readFileSync(path.join(dir, "openai/gpt-image-1-mini.json"), "utf8");
    writeFileSync(path.join(dir, "openai/gpt-image-1-mini-copy.json"), text);
    const r = await runCli(["validate", "--catalog", dir]);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toContainEqual(expect.stringMatching(/openai\/broken\.json: \/: not valid JSON/));
    expect(lines).toContainEqual(
      expect.stringMatching(/openai\/gpt-image-1-mini-copy\.json: \/id: id openai\/gpt-image-1-mini belongs in openai\/gpt-image-1-mini\.json/),
    );
  });

  it("reports an impossible date with its pointer", async () => {
    const dir = copyOfCatalog();
    const file = path.join(dir, "openai/gpt-image-1-mini.json");
    writeFileSync(file, readFileSync(file, "utf8").replace('"lastVerified": "2026-04-04"', '"lastVerified": "2026-02-30"'));
    const r = await runCli(["validate", "--catalog", dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}: /lastVerified:`);
  });
});

describe("validate: days to come", () => {
  it("flags a lastVerified, a history from/until and a release date in the future, but not a scheduled price's day", async () => {
    const dir = copyOfCatalog();
    const file = path.join(dir, "openai/gpt-4o.json");
    const entry = JSON.parse(readFileSync(file, "utf8"));
    entry.lastVerified = "2099-01-01";
    entry.releaseDate = "2099-01-02";
    entry.priceHistory = [{ price: "output", usd: 20, unit: "1M tokens", from: "2099-02-01", until: "2099-02-02" }, ...entry.priceHistory];
    entry.scheduledPrices = [{ price: "input", usd: 2, unit: "1M tokens", from: "2099-03-01" }];
    writeFileSync(file, serializeEntry(entry));
    const r = await runCli(["validate", "--catalog", dir]);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split("\n");
    for (const [pointer, name, day] of [["/lastVerified", "lastVerified", "2099-01-01"], ["/releaseDate", "releaseDate", "2099-01-02"], ["/priceHistory/0/from", "from", "2099-02-01"], ["/priceHistory/0/until", "until", "2099-02-02"]]) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: ${pointer}: ${name} ${day} is a day to come \\(today is \\d{4}-\\d\\d-\\d\\d UTC\\)`)));
    }
    expect(r.stderr).not.toContain("scheduledPrices");
    expect(lines).toHaveLength(5); // the four, then the count
  });

  it("accepts tomorrow (UTC) for a maintainer whose calendar is already on it, not the day after", async () => {
    const dir = copyOfCatalog();
    const file = path.join(dir, "openai/gpt-4o.json");
    const entry = JSON.parse(readFileSync(file, "utf8"));
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    writeFileSync(file, serializeEntry({ ...entry, lastVerified: day(1) }));
    // Should midnight pass while the test runs, day(1) becomes today: still accepted.
    const ok = await runCli(["validate", "--catalog", dir]);
    expect(ok.status, ok.stderr).toBe(0);
    writeFileSync(file, serializeEntry({ ...entry, lastVerified: day(3) }));
    const late = await runCli(["validate", "--catalog", dir]);
    expect(late.status).toBe(1);
    expect(late.stderr).toContain(`/lastVerified: lastVerified ${day(3)} is a day to come`);
  });

  it("a missing --catalog directory is a usage error (exit 2, one line), for validate, format and report", async () => {
    const missing = path.join(tmpdir(), "no-catalog-here-xyz");
    for (const command of [["validate"], ["format", "--check"], ["report"]]) {
      const r = await runCli([...command, "--catalog", missing]);
      expect(r.status, `${command[0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split("\n"), command[0]).toEqual([`--catalog ${missing}: no such directory; run from the repository's root (the catalog is ./catalog), or give the catalog's directory`]);
    }
  });
});

describe("format", () => {
  it("--check lists a file that is not canonical and exits 1; format rewrites it and nothing else", async () => {
    const dir = copyOfCatalog();
    const file = path.join(dir, "openai/gpt-image-1-mini.json");
    const canonical = readFileSync(file, "utf8");
    writeFileSync(file, JSON.stringify(JSON.parse(canonical)));
    const before = new Map(
      (await listCatalogFiles(dir)).map((f) => [f, readFileSync(path.join(dir, f), "utf8")] as const),
    );

    const check = await runCli(["format", "--check", "--catalog", dir]);
    expect(check.status).toBe(1);
    expect(check.stdout.trim()).toBe(file);

    const fix = await runCli(["format", "--catalog", dir]);
    expect(fix.status).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(canonical);
    for (const [f, text] of before) {
      if (path.join(dir, f) !== file) expect(readFileSync(path.join(dir, f), "utf8"), f).toBe(text);
    }
    expect((await runCli(["format", "--check", "--catalog", dir])).status).toBe(0);
  });
});
