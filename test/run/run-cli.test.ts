import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_DATE, writeDemoPages } from "../../pipeline/demo/demo.ts";
import { type GitHubServer, startGitHubServer } from "../../pipeline/demo/github-server.ts";
import { RunReport } from "../../schemas/run-report.ts";
import { runCli } from "../support/cli.ts";
import { type GitFixture, makeGitFixture } from "../support/git-fixture.ts";

const TOKEN = "ghs_runCliSecretToken_0123456789abcdef";
let fx: GitFixture;
let server: GitHubServer;
let pages: string;

beforeEach(async () => {
  fx = makeGitFixture();
  server = await startGitHubServer({ token: TOKEN, owner: "acme", repo: "catalog", bareRepoPath: fx.bare });
  pages = path.join(fx.root, "pages");
  writeDemoPages(pages);
});
afterEach(async () => {
  await server.close();
  fx.cleanup();
});

// The screenshots are the demo's and test/evidence's to test: here a run without a Chromium says so once and goes on.
const env = () => ({
  GITHUB_TOKEN: TOKEN,
  GITHUB_REPOSITORY: "acme/catalog",
  GITHUB_API_URL: server.url,
  GITHUB_STEP_SUMMARY: path.join(fx.root, "summary.md"),
});
const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
  runCli(["run", "--replay", pages, "--date", DEMO_DATE, "--run-dir", path.join(fx.root, `run-${Math.random().toString(36).slice(2)}`), ...args], { cwd: fx.work, env: { ...env(), ...extraEnv } });
const report = (stdout: string) => RunReport.parse(JSON.parse(readFileSync(/report: (.*)/.exec(stdout)![1]!, "utf8")));
/** As a pipe, whatever the developer's shell sets: no colour forced on or off. */
const PIPED = { FORCE_COLOR: undefined, NO_COLOR: undefined };
const ANSI = /\u001b\[/;
const SOURCES = ["openai-pricing", "openai-models", "anthropic-pricing", "gemini-pricing", "deepseek-pricing", "xai-pricing", "mistral-pricing", "minimax-pricing", "moonshot-pricing", "cohere-pricing", "perplexity-pricing", "zai-pricing", "alibaba-pricing", "voyage-pricing", "elevenlabs-pricing"];
/** The sources whose newest pages propose something for the catalog as committed (each opens its own PR). */
const PROPOSING = [
  "catalog-freshness/openai-pricing",
  "catalog-freshness/openai-models",
  "catalog-freshness/gemini-pricing",
  "catalog-freshness/deepseek-pricing",
  "catalog-freshness/mistral-pricing",
];

describe("npm run catalog -- run --replay DIR --date D: every source on the newest real pages", async () => {
  it("pushes the verification commit, opens one PR per source with a proposal, and a second run opens none", async () => {
    const first = await run([]);
    expect(first.status, first.stderr + first.stdout).toBe(0);
    const log = fx.git(["log", "--format=%s", "main"], fx.bare).trim().split("\n");
    expect(log[0]).toMatch(new RegExp(`^catalog: verify \\d+ entries on ${DEMO_DATE}$`));
    expect(server.state.pulls.map((p) => p.head.ref)).toEqual(PROPOSING);
    const r = report(first.stdout);
    expect(r.sources.map((s) => [s.source, s.status])).toEqual(SOURCES.map((id) => [id, "ok"]));
    expect(r.sources[0]!.pullRequest).toMatchObject({ action: "created", number: 1 });
    expect(r.sources[0]!.page?.sha256).toMatch(/^[0-9a-f]{64}$/);
    // A source of several documents lists each one it read, with its own record.
    const models = r.sources.find((s) => s.source === "openai-models")!;
    expect(models.documents?.map((d) => d.document)).toEqual(["dall-e-3", "gpt-image-1-mini", "gpt-image-1.5", "gpt-image-1", "gpt-image-2", "gpt-transcribe"]);
    expect(models.documents?.every((d) => /^[0-9a-f]{64}$/.test(d.sha256) && d.file === `pages/openai-models/${d.document}.md`)).toBe(true);
    expect(readFileSync(path.join(fx.root, "summary.md"), "utf8")).toContain("| openai-pricing | ok |");

    const second = await run([]);
    expect(second.status, second.stderr).toBe(0);
    expect(server.state.pulls).toHaveLength(PROPOSING.length);
    expect(server.requests.filter((q) => q.method === "POST" && q.path.endsWith("/pulls"))).toHaveLength(PROPOSING.length);
    expect(report(second.stdout).sources[0]!.pullRequest).toMatchObject({ action: "unchanged", number: 1 });
    expect(fx.git(["log", "--format=%s", "main"], fx.bare).trim().split("\n")).toHaveLength(log.length);
    expect(server.violations).toEqual([]);
    for (const out of [first.stdout, first.stderr, second.stdout, second.stderr]) expect(out).not.toContain(TOKEN);
  }, 180_000); // two whole runs of every source

  it("--dry-run pushes and writes nothing, and prints the diff and the PR body", async () => {
    const before = fx.git(["rev-parse", "main"], fx.bare);
    const r = await run(["--dry-run"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("openai/gpt-image-1-mini image:low:1024x1024: 0.004 → 0.005");
    expect(r.stdout).toContain("--- dry run: pull request for openai-models (catalog-freshness/openai-models");
    expect(fx.git(["rev-parse", "main"], fx.bare)).toBe(before);
    expect(fx.git(["status", "--porcelain"])).toBe("");
    expect(server.requests).toEqual([]);
  });

  it("verify <model> runs only the source covering it and touches only that entry", async () => {
    const r = await runCli(["verify", "anthropic/claude-sonnet-4-5", "--replay", pages, "--date", DEMO_DATE, "--run-dir", path.join(fx.root, "v")], { cwd: fx.work, env: { ...env(), ...PIPED } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^anthropic-pricing +ok +1( +0){7} +\d+ +\d+(\.\d)? m?s$/m); // 1 verified, nothing changed, new, retired, incomplete or missing
    expect(r.stdout).not.toContain("openai-pricing");
    expect(fx.git(["show", "--name-only", "--format=", "main"], fx.bare).trim()).toBe("catalog/anthropic/claude-sonnet-4-5.json");
  });

  it("verify runs every source covering the model; without a token it says so once, stays local, and prints the PRs it would open", async () => {
    const r = await runCli(["verify", "openai/gpt-image-1-mini", "--replay", pages, "--date", DEMO_DATE, "--run-dir", path.join(fx.root, "l")], {
      cwd: fx.work,
      env: { GITHUB_TOKEN: "", GITHUB_REPOSITORY: "", GITHUB_API_URL: server.url },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.match(/GITHUB_TOKEN is not set/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/^openai-pricing +ok /m);
    expect(r.stdout).toMatch(/^openai-models +ok /m);
    expect(r.stdout).toContain("--- pull request that would be opened for openai-models");
    expect(r.stdout).toContain("--- pull request that would be opened for openai-pricing");
    expect(server.requests).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(fx.catalogDir, "openai/gpt-image-1-mini.json"), "utf8")).prices["image:low:1024x1024"].usd).toBe(0.005);
    expect(fx.git(["log", "--oneline"]).trim().split("\n")).toHaveLength(1);
  });

  it("rejects an --only that names nothing, before doing anything", async () => {
    const r = await run(["--only", "openai/gpt-9"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--only "openai\/gpt-9" is neither a source/);
    expect(server.requests).toEqual([]);
  });

  it("piped: one progress line per source and step on stderr; the summary table and the untracked models on stdout; no colour", async () => {
    const r = await run([], PIPED);
    expect(r.status, r.stderr).toBe(0);
    const err = r.stderr.split("\n");
    for (const id of SOURCES) {
      const at = (re: RegExp) => err.findIndex((l) => re.test(l));
      const steps = [
        new RegExp(`^${id} +fetching http://127\\.0\\.0\\.1:\\d+/${id}(?:/[\\w.-]+)?\\.(?:md|html)$`),
        new RegExp(`^${id} +fetched (?:[\\w.-]+ )?[\\d.]+ kB \\(HTTP 200\\) in \\d`),
        // Voyage's page reads partial: its two problems are rows of models with no entry, so it is compared.
        new RegExp(`^${id} +parsed \\d+ price\\(s\\): ${id === "voyage-pricing" ? "partial, 2 problem\\(s\\) about models not in the catalog \\(compared\\)" : "ok"} in \\d`),
        new RegExp(`^${id} +diff: \\d+ verified, \\d+ changed, (?:\\d+ [\\w ()]+, )*\\d+ incomplete, \\d+ missing, \\d+ untracked$`),
      ].map(at);
      expect(steps.every((i) => i >= 0), `${id}'s progress lines\n${r.stderr}`).toBe(true);
      expect([...steps].sort((a, b) => a - b), `${id}: in order`).toEqual(steps);
    }
    const out = r.stdout.trimEnd().split("\n");
    const header = out.findIndex((l) => /^source +status +verified +changed +reshaped +added +retired +scheduled +incomplete +missing +untracked +time$/.test(l));
    expect(header, r.stdout).toBeGreaterThanOrEqual(0);
    const rows = out.slice(header + 1, header + 1 + SOURCES.length);
    expect(rows.map((l) => l.split(/ +/).slice(0, 2))).toEqual(SOURCES.map((id) => [id, "ok"]));
    // Every row as wide as the header: the columns line up.
    for (const row of rows) expect(row.length).toBe(out[header]!.length);
    expect(out.at(-1)).toMatch(/^report: \//);
    // The untracked models, once each, with the prices the page gives and the command that adds one.
    expect(r.stdout).toContain("add one with: npm run catalog -- add <model-id> --from <source-id>");
    expect(r.stdout).toMatch(/^ {2}openai\/babbage-002 +openai-pricing +input \$0\.40, output \$0\.40, batch\/input \$0\.20, batch\/output \$0\.20 per 1M tokens$/m);
    expect(r.stdout.match(/^ {2}anthropic\/claude-opus-5 /gm)).toHaveLength(1);
    const untracked = report(r.stdout).sources.flatMap((s) => s.diff?.untracked ?? []);
    expect(r.stdout).toContain(`${untracked.length} model(s) on the vendor pages are not in the catalog`);
    const summary = readFileSync(path.join(fx.root, "summary.md"), "utf8");
    expect(summary).toContain("| `openai/babbage-002` | openai-pricing | input $0.40, output $0.40, batch/input $0.20, batch/output $0.20 per 1M tokens |");
    for (const text of [r.stdout, r.stderr]) expect(text).not.toMatch(ANSI);
  });

  it("FORCE_COLOR colours the table's status; --json never colours, and stdout is the report and nothing else", async () => {
    const coloured = await run(["--dry-run"], { ...PIPED, FORCE_COLOR: "1" });
    expect(coloured.status, coloured.stderr).toBe(0);
    expect(coloured.stdout).toMatch(/^openai-pricing +\u001b\[32mok/m);

    const runDir = path.join(fx.root, "json-run");
    const r = await runCli(["run", "--replay", pages, "--date", DEMO_DATE, "--run-dir", runDir, "--dry-run", "--json"], { cwd: fx.work, env: { ...env(), ...PIPED, FORCE_COLOR: "1" } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(path.join(runDir, "report.json"), "utf8"));
    expect(RunReport.parse(JSON.parse(r.stdout)).sources.map((s) => s.status)).toEqual(SOURCES.map(() => "ok"));
    expect(r.stdout, "no dry-run PR body on stdout with --json").not.toContain("--- dry run");
    for (const text of [r.stdout, r.stderr]) expect(text).not.toMatch(ANSI);
    expect(r.stderr, "progress stays on stderr").toMatch(/^openai-pricing +diff: /m);
  });

  it("--quiet prints nothing at all when the run succeeds, and still publishes", async () => {
    const r = await run(["--quiet"], PIPED);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("");
    expect(server.state.pulls.map((p) => p.head.ref)).toEqual(PROPOSING);
  });

  it("--quiet on a failure prints only the error lines, naming the source, the URL and the next step; exit 1; --json --quiet adds the report on stdout", async () => {
    rmSync(path.join(pages, "deepseek-pricing.html"));
    const expected = [
      '1 source(s) did not succeed; nothing from them was applied (see "When a source fails" in README.md):',
      expect.stringMatching(
        /^ {2}deepseek-pricing: fetch failed for http:\/\/127\.0\.0\.1:\d+\/deepseek-pricing\.html: HTTP 404\. Next: the replayed pages have no deepseek-pricing\.md or deepseek-pricing\.html: add it, or leave the source out with --only\. Nothing from this source was applied\.$/,
      ),
    ];
    const quiet = await run(["--quiet"], PIPED);
    expect(quiet.status).toBe(1);
    expect(quiet.stdout).toBe("");
    expect(quiet.stderr.trimEnd().split("\n")).toEqual(expected);

    const both = await run(["--quiet", "--json", "--dry-run"], PIPED);
    expect(both.status).toBe(1);
    const r = RunReport.parse(JSON.parse(both.stdout));
    expect(r.exitCode).toBe(1);
    expect(r.sources.find((s) => s.source === "deepseek-pricing")?.status).toBe("failed");
    expect(both.stderr.trimEnd().split("\n")).toEqual(expected);
  });
});

describe("the eight vendors added in issue 19, replayed with the other six", () => {
  it("a changed price on one of them (ElevenLabs' Scribe v2, $0.22 → $0.25 per hour) opens that source's PR, with the card as evidence", async () => {
    const file = path.join(pages, "elevenlabs-pricing.html");
    const card = '<div class="tw-mb-3 tw-type-2xl">$0.22</div><p class="tw-opacity-80 tw-type-xs">Price per hour</p>';
    const page = readFileSync(file, "utf8");
    expect(page).toContain(card);
    writeFileSync(file, page.replace(card, card.replace("$0.22", "$0.25")));

    const r = await run(["--only", "elevenlabs-pricing", "voyage-pricing", "zai-pricing"]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(server.state.pulls.map((p) => p.head.ref)).toEqual(["catalog-freshness/elevenlabs-pricing"]);
    const body = server.state.pulls[0]!.body ?? "";
    expect(body).toContain("| `transcription_per_hour` (per hour) | $0.22 | $0.25 | +13.6% |");
    expect(body).toContain("https://elevenlabs.io/pricing/api");
    expect(body).toContain("- transcription\\_per\\_hour: “Scribe v2 · Speech to Text · \\$0.25 · Price per hour”");
    // The other vendors replayed with it verify and propose nothing; Voyage's two self-contradicting rows (models with
    // no entry) are listed, and do not keep its ten entries from being verified.
    const sources = report(r.stdout).sources;
    expect(sources.map((s) => [s.source, s.status]).sort()).toEqual([["elevenlabs-pricing", "ok"], ["voyage-pricing", "ok"], ["zai-pricing", "ok"]]);
    const voyage = sources.find((s) => s.source === "voyage-pricing")!;
    expect(voyage.problems.map((p) => p.models)).toEqual([["voyage/voyage-context-4"], ["voyage/voyage-code-4"]]);
    expect(voyage.diff?.entries.filter((e) => e.outcome === "verified")).toHaveLength(10);
  }, 120_000);
});
