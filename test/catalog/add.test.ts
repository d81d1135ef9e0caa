// `catalog add`: a model a run saw on a vendor page but the catalog lacks becomes a draft entry. The run
// reports here are real: dry runs of the CLI replaying real saved pages against a catalog from which
// openai/gpt-4.1 (and openai/gpt-5.6-sol, which only the newer page lists) were removed, so that the page lists
// them as untracked.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../support/cli.ts";

const REMOVED = "openai/gpt-4.1";
const REMOVED_FILE = "catalog/openai/gpt-4.1.json";
const OPENAI_PAGE_URL = "https://developers.openai.com/api/docs/pricing.md";
/** A page on which every price of openai/gpt-4.1 equals the catalog's (its entry was verified against it). */
const PAGE_2026_08_22 = "test/fixtures/openai/developers-openai-api-docs-pricing__2026-08-22.est.md";
/** An older page: lists gpt-4.1 too, not gpt-5.6-sol, and a name the source cannot map ("GPT Image Latest"). */
const PAGE_2025_12_19 = "test/fixtures/openai/platform-docs-pricing__2025-12-19.md";
const FIELDS = ["name", "family", "kind", "summary", "contextWindow", "maxOutput", "releaseDate", "releaseDateApproximate"];

let root: string;
/** `runs/<timestamp>`, written by a dry run with the default --run-dir: the 2026-08-22 page. */
let runName: string;
/** `<root>/runs-both`: `a` = that run, `b` = a later run of the 2025-12-19 page. */
let runsBoth: string;
const noSummary = { GITHUB_STEP_SUMMARY: "" };

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), "catalog-add-"));
  cpSync(path.join(REPO_ROOT, "catalog"), path.join(root, "catalog"), { recursive: true });
  rmSync(path.join(root, REMOVED_FILE));
  rmSync(path.join(root, "catalog/openai/gpt-5.6-sol.json"));
  for (const [dir, page] of [["pages-new", PAGE_2026_08_22], ["pages-old", PAGE_2025_12_19]] as const) {
    mkdirSync(path.join(root, dir));
    cpSync(path.join(REPO_ROOT, page), path.join(root, dir, "openai-pricing.md"));
  }
  const dryRun = ["run", "--only", "openai-pricing", "--dry-run"];
  const first = await runCli([...dryRun, "--replay", "pages-new", "--date", "2026-08-22"], { cwd: root, env: noSummary });
  expect(first.status, first.stderr).toBe(0);
  // A dry run with no --run-dir leaves its report in runs/<timestamp>/: where `add` looks by default.
  const runNames = readdirSync(path.join(root, "runs"));
  expect(runNames).toHaveLength(1);
  runName = runNames[0]!;
  const reportPath = path.join(root, "runs", runName, "report.json");
  expect(existsSync(reportPath)).toBe(true);

  runsBoth = path.join(root, "runs-both");
  cpSync(path.dirname(reportPath), path.join(runsBoth, "a"), { recursive: true });
  const second = await runCli([...dryRun, "--replay", "pages-old", "--date", "2025-12-19", "--run-dir", path.join(runsBoth, "b")], { cwd: root, env: noSummary });
  expect(second.status, second.stderr).toBe(0);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A checkout to work in: the catalog without gpt-4.1, and the first run's report under runs/. */
function workspace(): string {
  const ws = mkdtempSync(path.join(root, "ws-"));
  cpSync(path.join(root, "catalog"), path.join(ws, "catalog"), { recursive: true });
  cpSync(path.join(root, "runs"), path.join(ws, "runs"), { recursive: true });
  return ws;
}
const catalogFiles = (ws: string) => readdirSync(path.join(ws, "catalog"), { recursive: true }).map(String).sort();
const add = (ws: string, args: string[]) => runCli(["add", ...args], { cwd: ws });

describe("npm run catalog -- add <model-id> --from <source-id>", () => {
  it("drafts a removed model back from the run report; validate names what is missing; filled in, it is the original again", async () => {
    const ws = workspace();
    const originalText = readFileSync(path.join(REPO_ROOT, REMOVED_FILE), "utf8");
    const original = JSON.parse(originalText) as Record<string, unknown>;

    const r = await add(ws, [REMOVED, "--from", "openai-pricing"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`using runs/${runName}/report.json: run of 2026-08-22 (dry run), openai-pricing page ${OPENAI_PAGE_URL}`);
    expect(r.stdout).toMatch(/, fetched at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    expect(r.stdout).toContain(`wrote ${REMOVED_FILE}: draft of ${REMOVED} with the 8 price(s) seen on the page, lastVerified 2026-08-22`);
    expect(r.stdout).toContain(`fill in: ${FIELDS.join(", ")}`);
    expect(r.stdout).toContain("then run: npm run catalog -- validate");

    const draftText = readFileSync(path.join(ws, REMOVED_FILE), "utf8");
    const draft = JSON.parse(draftText) as Record<string, unknown>;
    expect(draft).toEqual({
      $schema: original.$schema,
      id: REMOVED,
      vendor: "openai",
      lastVerified: "2026-08-22",
      prices: original.prices,
      priceHistory: [],
      sources: [{ source: "openai-pricing", url: OPENAI_PAGE_URL }],
    });
    // Canonical form: schema key order, price-key order, 2-space indent, final newline.
    expect(Object.keys(draft)).toEqual(Object.keys(original).filter((k) => k in draft));
    expect(Object.keys(draft.prices as object)).toEqual(Object.keys(original.prices as object));
    expect(draftText).toBe(`${JSON.stringify(draft, null, 2)}\n`);

    const [validate, run] = await Promise.all([
      runCli(["validate"], { cwd: ws }),
      runCli(["run", "--dry-run", "--only", "openai-pricing", "--replay", path.join(root, "pages-new"), "--run-dir", path.join(ws, "refused")], { cwd: ws, env: noSummary }),
    ]);
    expect(validate.status).toBe(1);
    // The limits may stay absent (no source may state them yet, and none is guessed); the rest must be filled in.
    const required = FIELDS.filter((f) => f !== "contextWindow" && f !== "maxOutput");
    for (const field of required) expect(validate.stderr).toMatch(new RegExp(`^${REMOVED_FILE}: /${field}: missing: fill in `, "m"));
    expect(validate.stderr).toContain(`${REMOVED_FILE}: /releaseDate: missing: fill in a day, YYYY-MM-DD`);
    expect(validate.stderr).toContain(`${REMOVED_FILE}: /kind: missing: fill in one of "text", "image", "embedding", "rerank", "audio", "video"`);
    expect(validate.stderr).toContain(`${required.length} problem(s)`);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/catalog is invalid/);

    // The maintainer fills the gaps (here: from the removed entry) where the draft has them.
    const filled = Object.fromEntries(Object.keys(original).map((k) => [k, k in draft ? draft[k] : original[k]]));
    writeFileSync(path.join(ws, REMOVED_FILE), `${JSON.stringify(filled, null, 2)}\n`);
    const [valid, format] = await Promise.all([runCli(["validate"], { cwd: ws }), runCli(["format", "--check"], { cwd: ws })]);
    expect(valid.status, valid.stderr).toBe(0);
    expect(format.status, format.stdout + format.stderr).toBe(0);
    // Byte for byte the original, but for its models.dev source, which no pricing page gives.
    expect(originalText).toBe(`${JSON.stringify(original, null, 2)}\n`);
    expect(readFileSync(path.join(ws, REMOVED_FILE), "utf8")).toBe(`${JSON.stringify({ ...original, sources: draft.sources }, null, 2)}\n`);
  });

  it("uses the newest report that read the page, and says which", async () => {
    const ws = workspace();
    const r = await add(ws, [REMOVED, "--from", "openai-pricing", "--runs", runsBoth]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`using ${path.join(runsBoth, "b", "report.json")}: run of 2025-12-19 (dry run)`);
    expect(JSON.parse(readFileSync(path.join(ws, REMOVED_FILE), "utf8")).lastVerified).toBe("2025-12-19");
  });

  it("refuses a model the newest report does not list, pointing at the older run that did; --run-dir takes that one", async () => {
    const ws = workspace();
    const refused = await add(ws, ["openai/gpt-5.6-sol", "--from", "openai-pricing", "--runs", runsBoth]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("openai/gpt-5.6-sol is not among the models openai-pricing's page showed without a catalog entry");
    expect(refused.stderr).toContain(`an older run listed it: ${path.join(runsBoth, "a", "report.json")}: run of 2026-08-22`);
    const suggested = `npm run catalog -- add openai/gpt-5.6-sol --from openai-pricing --run-dir ${path.join(runsBoth, "a")}`;
    expect(refused.stderr).toContain(suggested);
    expect(existsSync(path.join(ws, "catalog/openai/gpt-5.6-sol.json"))).toBe(false);

    const taken = await add(ws, suggested.split(" ").slice(5));
    expect(taken.status, taken.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(ws, "catalog/openai/gpt-5.6-sol.json"), "utf8"))).toMatchObject({ id: "openai/gpt-5.6-sol", lastVerified: "2026-08-22" });
  });

  describe("refuses, writing nothing", () => {
    const cases: { name: string; args: (ws: string) => string[]; status: number; says: (string | RegExp)[] }[] = [
      {
        name: "an unknown source, listing the known ones",
        args: () => [REMOVED, "--from", "openai"],
        status: 2,
        says: ['unknown source "openai"; known: openai-pricing, openai-models, anthropic-pricing, gemini-pricing, deepseek-pricing, xai-pricing, mistral-pricing'],
      },
      {
        name: "a model id without its vendor",
        args: () => ["gpt-4.1", "--from", "openai-pricing"],
        status: 2,
        says: ['"gpt-4.1" is not a model id: id must be <vendor>/<api-model-id>'],
      },
      {
        name: "a model already in the catalog, naming its file",
        args: () => ["openai/gpt-4o", "--from", "openai-pricing"],
        status: 1,
        says: ["openai/gpt-4o is already in the catalog: catalog/openai/gpt-4o.json"],
      },
      {
        name: "when no run report exists, saying how to get one",
        args: (ws) => [REMOVED, "--from", "openai-pricing", "--runs", path.join(ws, "no-runs-here")],
        status: 1,
        says: ["read openai-pricing's page (0 report(s) looked at)", "npm run catalog -- run --only openai-pricing --dry-run"],
      },
      {
        name: "when no run read that source's page",
        args: () => ["anthropic/claude-x", "--from", "anthropic-pricing"],
        status: 1,
        says: ["no run report under runs/ read anthropic-pricing's page (1 report(s) looked at)", "npm run catalog -- run --only anthropic-pricing --dry-run"],
      },
      {
        name: "a --run-dir without a report",
        args: (ws) => [REMOVED, "--from", "openai-pricing", "--run-dir", ws],
        status: 1,
        says: [/^no report\.json in .*; get one without changing anything/m],
      },
      {
        name: "a model the page did not show untracked, listing what it did",
        args: () => ["openai/gpt-99", "--from", "openai-pricing"],
        status: 1,
        says: [`openai/gpt-99 is not among the models openai-pricing's page showed without a catalog entry in runs/`, /^untracked there: .*openai\/gpt-4\.1, .*openai\/gpt-5\.6-sol/m],
      },
      {
        name: "a name the source could not map, saying the source must map it first",
        args: () => ["openai/gpt-image-latest", "--from", "openai-pricing", "--run-dir", path.join(runsBoth, "b")],
        status: 1,
        says: [`openai-pricing's page lists "GPT Image Latest" (table 14 under "Image generation")`, "could not map that name to a catalog id, so no prices were read", "Map it in the openai-pricing module under pipeline/sources/ first"],
      },
    ];
    it.each(cases)("$name", async ({ args, status, says }) => {
      const ws = workspace();
      const before = catalogFiles(ws);
      const r = await add(ws, args(ws));
      expect(r.status, r.stderr).toBe(status);
      for (const s of says) expect(r.stderr).toMatch(typeof s === "string" ? new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : s);
      expect(r.stdout).toBe("");
      expect(catalogFiles(ws)).toEqual(before);
    });
  });
});
