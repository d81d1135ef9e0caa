import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GitHubServer, startGitHubServer } from "../../pipeline/demo/github-server.ts";
import { announceCommand } from "../../pipeline/publish/announce-command.ts";
import { FAILURE_LABEL, NIGHTS_TO_ESCALATE } from "../../pipeline/publish/failure-issue.ts";
import type { RunReport } from "../../schemas/run-report.ts";
import { runCli } from "../support/cli.ts";

// A failing night is announced in one rolling issue on the (local) GitHub API, updated while it fails, and
// closed the first night every source reads again — driven through the CLI as the nightly workflow runs it.

const TOKEN = "ghs_failureIssueTestToken0123456789abcdef";
const root = mkdtempSync(path.join(os.tmpdir(), "failure-issue-"));
let server: GitHubServer;

beforeAll(async () => {
  const bare = path.join(root, "origin.git");
  execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", bare]);
  server = await startGitHubServer({ token: TOKEN, owner: "acme", repo: "catalog", bareRepoPath: bare });
});
afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

const counts = { observations: 0, covered: 9, verified: 0, changed: 0, incomplete: 0, missing: 0, untracked: 0, reshaped: 0, added: 0, retired: 0, scheduled: 0, multipliers: 0 };
const timings = { fetchMs: 1, extractMs: 1, totalMs: 2 };

function night(runDate: string, failing: string[]): string {
  const report: RunReport = {
    runDate,
    startedAt: `${runDate}T03:17:00.000Z`,
    finishedAt: `${runDate}T03:19:00.000Z`,
    dryRun: false,
    only: [],
    sources: ["deepseek-pricing", "mistral-pricing", "xai-pricing"].map((source) =>
      failing.includes(source)
        ? {
            source,
            url: `https://example.invalid/${source}`,
            status: "failed" as const,
            reason: `page not read: neither Mistral's price cards nor its model index (at page)`,
            nextStep: `the page layout changed: reproduce with npm run -s catalog -- extract ${source} --file runs/x/pages/${source}.html`,
            counts,
            problems: [{ message: "no price cards", where: "page" }],
            timings,
          }
        : { source, url: `https://example.invalid/${source}`, status: "ok" as const, counts, problems: [], timings },
    ),
    problems: [],
    exitCode: failing.length > 0 ? 1 : 0,
  };
  const dir = path.join(root, "runs", runDate);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "report.json"), JSON.stringify(report));
  return dir;
}

const env = () => ({ GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: "acme/catalog", GITHUB_API_URL: server.url, GITHUB_RUN_ID: "42", GITHUB_SERVER_URL: "https://github.com" });

/** The first night through the CLI, as the nightly workflow runs it; the later ones in-process (the same command). */
async function announce(runDir: string, viaCli = false): Promise<{ status: number | null; stdout: string; stderr: string }> {
  if (viaCli) return runCli(["announce", "--run-dir", runDir], { env: env() });
  const out: string[] = [];
  const err: string[] = [];
  const status = await announceCommand({ runDir }, { out: (l) => out.push(l), err: (l) => err.push(l), env: env() });
  return { status, stdout: out.join("\n"), stderr: err.join("\n") };
}

describe("the rolling failure issue", () => {
  it("is opened on a failing night, updated (not duplicated) while the source fails, and closed when it reads again", async () => {
    const first = await announce(night("2026-10-07", ["mistral-pricing"]), true);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/failure issue #1 opened/);
    expect(server.state.issues).toHaveLength(1);
    const issue = server.state.issues[0]!;
    expect(issue.labels).toEqual([FAILURE_LABEL]);
    expect(issue.title).toBe("Nightly catalog check failing: 1 source(s) not read");
    expect(issue.body).toContain("| `mistral-pricing` | failed | 2026-10-07 | 1 |");
    expect(issue.body).toContain("Next: the page layout changed: reproduce with npm run -s catalog -- extract mistral-pricing");
    expect(issue.body).toContain("Run: https://github.com/acme/catalog/actions/runs/42");

    // The same night announced twice (a re-run) counts once; the next nights count on.
    await announce(night("2026-10-07", ["mistral-pricing"]));
    await announce(night("2026-10-08", ["mistral-pricing"]));
    const third = await announce(night("2026-10-09", ["mistral-pricing", "xai-pricing"]));
    expect(third.stdout).toMatch(/failure issue #1 updated/);
    expect(server.state.issues).toHaveLength(1);
    expect(issue.title).toBe(`Nightly catalog check failing: 2 source(s) not read (mistral-pricing for ${NIGHTS_TO_ESCALATE} nights)`);
    expect(issue.body).toContain("| `mistral-pricing` | failed | 2026-10-07 | 3 ⚠️ |");
    expect(issue.body).toContain("| `xai-pricing` | failed | 2026-10-09 | 1 |");
    // News is commented, repeats are not: the third night brings xai-pricing and the escalation.
    const comments = server.state.comments.filter((c) => c.issue_number === 1).map((c) => c.body);
    expect(comments).toEqual([expect.stringMatching(/^Night 2026-10-09: `xai-pricing` started failing; `mistral-pricing` has failed 3 nights in a row\./)]);

    const healed = await announce(night("2026-10-10", []));
    expect(healed.status, healed.stderr).toBe(0);
    expect(healed.stdout).toMatch(/failure issue #1 closed/);
    expect(issue.state).toBe("closed");
    expect(server.state.comments.at(-1)!.body).toMatch(/^Night 2026-10-10: every source reads again/);

    // A later good night has nothing to do; a later bad night opens a new issue (the old one stays closed).
    expect((await announce(night("2026-10-11", []))).stdout).toMatch(/no failure issue is open/);
    expect((await announce(night("2026-10-12", ["deepseek-pricing"]))).stdout).toMatch(/failure issue #2 opened/);
    expect(server.state.issues.map((i) => i.state)).toEqual(["closed", "open"]);

    // Every request matched GitHub's OpenAPI description, and every answer its response schema.
    expect(server.violations).toEqual([]);
    expect(server.responseViolations).toEqual([]);
    expect(server.unexpected).toEqual([]);
  });

  it("says in one line what it needs when the run directory or the token is missing", async () => {
    const missing = await runCli(["announce", "--run-dir", path.join(root, "nowhere")], { env: { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: "acme/catalog" } });
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^announce: no report at .*report\.json: give --run-dir/)]);
    const noToken = await runCli(["announce", "--run-dir", night("2026-10-13", ["xai-pricing"])], { env: { GITHUB_TOKEN: "", GITHUB_REPOSITORY: "acme/catalog" } });
    expect(noToken.status).toBe(2);
    expect(noToken.stderr).toMatch(/^announce: GITHUB_TOKEN is not set/);
  });
});
