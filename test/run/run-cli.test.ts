import { cpSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_PAGES } from "../../pipeline/demo/demo.ts";
import { type GitHubServer, startGitHubServer } from "../../pipeline/demo/github-server.ts";
import { RunReport } from "../../schemas/run-report.ts";
import { REPO_ROOT, runCli } from "../support/cli.ts";
import { type GitFixture, makeGitFixture } from "../support/git-fixture.ts";

const TOKEN = "ghs_runCliSecretToken_0123456789abcdef";
let fx: GitFixture;
let server: GitHubServer;
let pages: string;

beforeEach(async () => {
  fx = makeGitFixture();
  server = await startGitHubServer({ token: TOKEN, owner: "acme", repo: "catalog", bareRepoPath: fx.bare });
  pages = path.join(fx.root, "pages");
  mkdirSync(pages);
  for (const [name, file] of Object.entries(DEMO_PAGES)) cpSync(path.join(REPO_ROOT, file), path.join(pages, name));
});
afterEach(async () => {
  await server.close();
  fx.cleanup();
});

const env = () => ({ GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: "acme/catalog", GITHUB_API_URL: server.url, GITHUB_STEP_SUMMARY: path.join(fx.root, "summary.md") });
const run = (args: string[], extraEnv: Record<string, string> = {}) =>
  runCli(["run", "--replay", pages, "--date", "2026-08-15", "--run-dir", path.join(fx.root, `run-${Math.random().toString(36).slice(2)}`), ...args], { cwd: fx.work, env: { ...env(), ...extraEnv } });
const report = (stdout: string) => RunReport.parse(JSON.parse(readFileSync(/report: (.*)/.exec(stdout)![1]!, "utf8")));

describe("npm run catalog -- run --replay DIR --date D", async () => {
  it("pushes the verification commit, opens one PR per source with a changed price, and a second run opens none", async () => {
    const first = await run([]);
    expect(first.status, first.stderr + first.stdout).toBe(0);
    const log = fx.git(["log", "--format=%s", "main"], fx.bare).trim().split("\n");
    expect(log[0]).toMatch(/^catalog: verify \d+ entries on 2026-08-15$/);
    expect(server.state.pulls.map((p) => p.head.ref)).toEqual(["catalog-freshness/openai-pricing"]);
    const r = report(first.stdout);
    expect(r.sources.map((s) => [s.source, s.status])).toEqual([
      ["openai-pricing", "ok"],
      ["anthropic-pricing", "ok"],
      ["gemini-pricing", "ok"],
      ["deepseek-pricing", "ok"],
    ]);
    expect(r.sources[0]!.pullRequest).toMatchObject({ action: "created", number: 1 });
    expect(r.sources[0]!.page?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(path.join(fx.root, "summary.md"), "utf8")).toContain("| openai-pricing | ok |");

    const second = await run([]);
    expect(second.status, second.stderr).toBe(0);
    expect(server.state.pulls).toHaveLength(1);
    expect(server.requests.filter((q) => q.method === "POST" && q.path.endsWith("/pulls"))).toHaveLength(1);
    expect(report(second.stdout).sources[0]!.pullRequest).toMatchObject({ action: "unchanged", number: 1 });
    expect(fx.git(["log", "--format=%s", "main"], fx.bare).trim().split("\n")).toHaveLength(log.length);
    expect(server.violations).toEqual([]);
    for (const out of [first.stdout, first.stderr, second.stdout, second.stderr]) expect(out).not.toContain(TOKEN);
  });

  it("--dry-run pushes and writes nothing, and prints the diff and the PR body", async () => {
    const before = fx.git(["rev-parse", "main"], fx.bare);
    const r = await run(["--dry-run"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("openai/gpt-image-1-mini image:low:1024x1024: 0.004 → 0.005");
    expect(r.stdout).toContain("--- dry run: pull request for openai-pricing (catalog-freshness/openai-pricing");
    expect(fx.git(["rev-parse", "main"], fx.bare)).toBe(before);
    expect(fx.git(["status", "--porcelain"])).toBe("");
    expect(server.requests).toEqual([]);
  });

  it("verify <model> runs only the source covering it and touches only that entry", async () => {
    const r = await runCli(["verify", "anthropic/claude-sonnet-4-5", "--replay", pages, "--date", "2026-08-15", "--run-dir", path.join(fx.root, "v")], { cwd: fx.work, env: env() });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/anthropic-pricing +OK +1 covered: 1 verified/);
    expect(r.stdout).not.toContain("openai-pricing");
    expect(fx.git(["show", "--name-only", "--format=", "main"], fx.bare).trim()).toBe("catalog/anthropic/claude-sonnet-4-5.json");
  });

  it("without a token it says so once, stays local, and prints the PR it would open", async () => {
    const r = await runCli(["run", "--only", "openai-pricing", "--replay", pages, "--date", "2026-08-15", "--run-dir", path.join(fx.root, "l")], {
      cwd: fx.work,
      env: { GITHUB_TOKEN: "", GITHUB_REPOSITORY: "", GITHUB_API_URL: server.url },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.match(/GITHUB_TOKEN is not set/g)).toHaveLength(1);
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
});
