import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { SOURCES } from "../../pipeline/sources/index.ts";
import { FreshnessReport } from "../../schemas/freshness-report.ts";
import { REPO_ROOT, runCli } from "../support/cli.ts";

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The seeded catalog read straight from its files: the oracle the report is checked against. */
const seeded = readdirSync(path.join(REPO_ROOT, "catalog")).flatMap((vendor) =>
  readdirSync(path.join(REPO_ROOT, "catalog", vendor)).map(
    (f) => JSON.parse(readFileSync(path.join(REPO_ROOT, "catalog", vendor, f), "utf8")) as { id: string; lastVerified: string; retired?: string; sources: { source: string }[] },
  ),
);
const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
/** Retired entries are listed apart, never as stale. */
const staleIn = (asOf: string, days: number) => seeded.filter((e) => e.retired === undefined && daysBetween(e.lastVerified, asOf) > days);
const retired = seeded.filter((e) => e.retired !== undefined);
const pipelineIds = new Set(SOURCES.map((s) => s.id));

describe("npm run catalog -- report", () => {
  it("lists openai/gpt-image-1-mini (verified 2026-04-04) as stale, with its age and the sources covering it; every vendor has a source", async () => {
    const r = await runCli(["report", "--date", "2026-11-24"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^ {2}openai\/gpt-image-1-mini +2026-04-04 +234 +openai-pricing, openai-models$/m);
    expect(r.stdout).toMatch(/^ {2}xai\/grok-4\.3 +2026-08-13 +103 +xai-pricing$/m);
    expect(r.stdout).toMatch(/^ {2}mistral\/mistral-small-2603 +2026-08-17 +99 +mistral-pricing$/m);
    expect(r.stdout).not.toMatch(/ {2}no automated source$/m); // no entry of any vendor
    const stale = staleIn("2026-11-24", 30);
    expect(stale.filter((e) => !e.sources.some((s) => pipelineIds.has(s.source)))).toEqual([]);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toMatch(
      new RegExp(`^${stale.length} of ${seeded.length} entries stale \\(lastVerified more than 30 days before 2026-11-24\\): .*openai \\d+.*; 0 have no automated source; ${retired.length} retired, not counted$`),
    );
    // A retired entry is shown as such, with its day, never as stale.
    expect(r.stdout).toMatch(/^ {2}retired 2026-08-17: mistral\/open-mixtral-8x7b \(last verified 2024-04-01\)$/m);
  });

  it("counts ages from today (UTC) when no --date is given", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const r = await runCli(["report"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^ {2}openai/gpt-image-1-mini +2026-04-04 +${daysBetween("2026-04-04", today)} +openai-pricing, openai-models$`, "m"));
    expect(r.stdout).toContain(`before ${today})`);
  });

  it("--format json: the stale entries and only those, by vendor then oldest first, each with its covering sources", async () => {
    const r = await runCli(["report", "--format", "json", "--date", "2026-09-01", "--stale-after", "10"]);
    expect(r.status, r.stderr).toBe(0);
    const report = FreshnessReport.parse(JSON.parse(r.stdout));
    const expected = staleIn("2026-09-01", 10);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(seeded.length); // the date splits the catalog: a real test of the cut-off
    const listed = report.vendors.flatMap((v) => v.stale);
    expect(listed.map((e) => e.id).sort()).toEqual(expected.map((e) => e.id).sort());
    expect(report).toMatchObject({ asOf: "2026-09-01", staleAfterDays: 10, entries: seeded.length, stale: expected.length });

    expect(report.vendors.map((v) => v.vendor)).toEqual([...new Set(expected.map((e) => e.id.split("/")[0]))].sort());
    for (const v of report.vendors) {
      const days = v.stale.map((e) => e.lastVerified);
      expect(days, v.vendor).toEqual([...days].sort());
    }
    const byId = new Map(listed.map((e) => [e.id, e]));
    expect(byId.get("openai/gpt-image-1-mini")).toEqual({ id: "openai/gpt-image-1-mini", lastVerified: "2026-04-04", ageDays: 150, coveredBy: ["openai-pricing", "openai-models"] });
    expect(byId.get("xai/grok-4.3")?.coveredBy).toEqual(["xai-pricing"]);
    expect(byId.get("mistral/mistral-embed")?.coveredBy).toEqual(["mistral-pricing"]);
    expect(report.withoutAutomatedSource).toBe(0);
    expect(report.retired).toBe(retired.length);
    expect(report.vendors.flatMap((v) => v.retired.map((e) => e.id)).sort()).toEqual(retired.map((e) => e.id).sort());
  });

  it("--format markdown: a heading, the summary and a folded table per vendor", async () => {
    const r = await runCli(["report", "--format", "markdown", "--date", "2026-11-24"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^## Catalog freshness\n\n\d+ of \d+ entries stale /);
    expect(r.stdout).toMatch(
      /^<details><summary>openai: \d+ of \d+ entries stale<\/summary>\n\n\| model \| last verified \| age \(days\) \| source \|\n\| --- \| --- \| ---: \| --- \|$/m,
    );
    expect(r.stdout.match(/<details>/g)?.length).toBe(r.stdout.match(/\n<\/details>\n/g)?.length);
    expect(r.stdout).toContain("\n| openai/gpt-image-1-mini | 2026-04-04 | 234 | openai-pricing, openai-models |\n");
    expect(r.stdout).toMatch(/^Retired: mistral\/mistral-medium-2508 \(2026-08-04\), /m);
  });

  it("through npm run --silent (as the nightly job runs it), stdout is the markdown alone", async () => {
    const { stdout } = await promisify(execFile)("npm", ["run", "--silent", "catalog", "--", "report", "--format", "markdown", "--date", "2026-11-24"], {
      cwd: REPO_ROOT,
    });
    expect(stdout.startsWith("## Catalog freshness\n")).toBe(true);
  });

  it("refuses a bad flag with exit 2, naming it", async () => {
    const cases: [string[], RegExp][] = [
      [["--stale-after", "-1"], /--stale-after must be a whole number of days.*"-1"/],
      [["--stale-after", "thirty"], /--stale-after .*"thirty"/],
      [["--format", "xml"], /--format must be one of table, markdown, json, not "xml"/],
      [["--date", "2026-02-30"], /--date must be a real day/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(["report", ...args])));
    results.forEach((r, i) => {
      expect(r.status, cases[i]![0].join(" ")).toBe(2);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stdout).toBe("");
    });
  });

  it("lists the problems of an invalid catalog and exits 1", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "report-catalog-"));
    temps.push(dir);
    cpSync(path.join(REPO_ROOT, "catalog"), dir, { recursive: true });
    const file = path.join(dir, "openai/gpt-image-1-mini.json");
    writeFileSync(file, readFileSync(file, "utf8").replace('"lastVerified": "2026-04-04"', '"lastVerified": "2026-13-04"'));
    const r = await runCli(["report", "--catalog", dir, "--date", "2026-11-24"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}: /lastVerified:`);
    expect(r.stdout).toBe("");
  });
});
