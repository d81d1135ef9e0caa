/**
 * Fault tests of the real pipeline (the CLI as a child process) against a real bare `origin` and the local
 * GitHub API: a malformed catalog, git pushes that are rejected or cannot reach the remote, and GitHub API
 * failures (401, 403 rate limit, 422, 500). Every case also checks that no token reaches stdout, stderr or
 * the report, and that every request the pipeline made conforms to GitHub's OpenAPI description.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FailureRule } from "../../pipeline/demo/github-server.ts";
import {
  expectAtMostOneOpenPrPerBranch,
  expectNoLeakAndNoViolations,
  expectSameTree,
  type FaultWorld,
  LOCK_NAME,
  PR_BRANCH,
  SECRET_TOKEN,
  snapshotTree,
  startFaultWorld,
} from "../support/fault-helpers.ts";
import { SEED_DATE } from "../support/fault-pages.ts";

let world: FaultWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Record<string, any>;
const showJson = (w: FaultWorld, ref: string, file: string) => JSON.parse(w.fx.git(["show", `${ref}:${file}`], w.fx.bare)) as Record<string, any>;

describe("1. a malformed catalog file committed in the checkout: the run refuses to start and writes nothing", () => {
  const cases: { name: string; breakIt: (catalogDir: string) => void; expectStderr: RegExp[] }[] = [
    {
      name: "bad JSON",
      breakIt: (dir) => {
        const file = path.join(dir, "openai/gpt-4o.json");
        writeFileSync(file, readFileSync(file, "utf8").slice(0, 200)); // cut off mid-object
      },
      expectStderr: [/catalog\/openai\/gpt-4o\.json: \/: not valid JSON/],
    },
    {
      name: 'a schema error (a price "abc")',
      breakIt: (dir) => {
        const file = path.join(dir, "anthropic/claude-sonnet-4-5.json");
        const entry = readJson(file);
        entry.prices.input.usd = "abc";
        writeFileSync(file, `${JSON.stringify(entry, null, 2)}\n`);
      },
      expectStderr: [/catalog\/anthropic\/claude-sonnet-4-5\.json: \/prices\/input\/usd: /],
    },
    {
      name: "a duplicate id (a copy of an entry under another file name, sorting before the original)",
      breakIt: (dir) => copyFileSync(path.join(dir, "openai/gpt-4o.json"), path.join(dir, "openai/gpt-4o-copy.json")),
      expectStderr: [/catalog\/openai\/gpt-4o-copy\.json: \/id: .*openai\/gpt-4o\b/],
    },
    {
      name: "a duplicate id (a copy of an entry under another file name, sorting after the original)",
      breakIt: (dir) => copyFileSync(path.join(dir, "openai/gpt-4o.json"), path.join(dir, "openai/zz-copy.json")),
      expectStderr: [/catalog\/openai\/zz-copy\.json: \/id: duplicate id openai\/gpt-4o: also in .*catalog\/openai\/gpt-4o\.json/],
    },
  ];

  it.each(cases)("$name", async ({ breakIt, expectStderr }) => {
    world = await startFaultWorld({ catalog: breakIt });
    const w = world;
    const originBefore = w.originHead();
    const headBefore = w.fx.git(["rev-parse", "HEAD"]).trim();
    const catalogBefore = snapshotTree(w.fx.catalogDir);

    const r = await w.run();

    expect(r.status, r.stderr + r.stdout).toBe(2);
    expect(r.stderr).toContain("the catalog is invalid; the run did not start and wrote nothing");
    for (const re of expectStderr) expect(r.stderr).toMatch(re);
    // Nothing written, nothing pushed, nothing asked of GitHub, nothing claiming success.
    expect(w.originHead()).toBe(originBefore);
    expect(w.fx.git(["for-each-ref", "--format=%(refname)", "refs/heads"], w.fx.bare).trim()).toBe("refs/heads/main");
    expect(w.server.requests).toEqual([]);
    expect(w.server.state.pulls).toEqual([]);
    expectSameTree(snapshotTree(w.fx.catalogDir), catalogBefore);
    expect(w.fx.git(["rev-parse", "HEAD"]).trim()).toBe(headBefore);
    expect(w.fx.git(["status", "--porcelain"])).toBe("");
    expect(r.report).toBeUndefined();
    expect(existsSync(r.runDir)).toBe(false);
    expect(r.stdout).not.toMatch(/report:|\bOK\b|verified/);
    expect(existsSync(path.join(w.fx.work, ".git", LOCK_NAME))).toBe(false);
    expectNoLeakAndNoViolations(w);
  });
});

describe("2. git push faults", () => {
  it("the base moved before the push (rejected): the verification commit is rebuilt on the new base and lands on top of it", async () => {
    world = await startFaultWorld();
    const w = world;
    // A maintainer pushes to origin/main behind the pipeline's back, after the job's checkout was made.
    const other = w.fx.otherClone();
    writeFileSync(path.join(other, "MAINTAINERS.md"), "catalog maintainers\n");
    const embed = path.join(other, "catalog/mistral/mistral-embed.json");
    writeFileSync(embed, readFileSync(embed, "utf8").replace("billed on input tokens only.", "billed on input tokens only (edited by a maintainer)."));
    w.fx.git(["add", "--all"], other);
    w.fx.git(["commit", "--quiet", "-m", "maintainer: a note and a summary edit"], other);
    w.fx.git(["push", "--quiet", "origin", "main"], other);
    const moved = w.originHead();

    const r = await w.run();

    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).toMatch(/push to main was rejected.*retrying on the new main/);
    const log = w.originLog();
    expect(log).toHaveLength(3);
    expect(log[0]).toMatch(/^catalog: verify \d+ entries on 2026-08-15$/);
    expect(log[1]).toBe("maintainer: a note and a summary edit");
    // On top of the maintainer's commit, keeping it, with the verification in it.
    expect(w.fx.git(["rev-parse", "main^"], w.fx.bare).trim()).toBe(moved);
    expect(w.fx.git(["show", "main:MAINTAINERS.md"], w.fx.bare)).toBe("catalog maintainers\n");
    expect(showJson(w, "main", "catalog/mistral/mistral-embed.json").summary).toContain("(edited by a maintainer)");
    expect(showJson(w, "main", "catalog/anthropic/claude-sonnet-4-5.json").lastVerified).toBe("2026-08-15");
    expect(r.report?.verification).toMatchObject({ pushedTo: "main", commit: w.originHead() });
    expect(r.report?.problems).toEqual([]);
    // The PR branch is built on the new base as well, and there is exactly one PR.
    expect(w.server.state.pulls.map((p) => [p.head.ref, p.state])).toEqual([[PR_BRANCH, "open"]]);
    execFileSync("git", ["merge-base", "--is-ancestor", moved, PR_BRANCH], { cwd: w.fx.bare });
    // The checkout ends on the new base, clean.
    expect(w.fx.git(["rev-parse", "HEAD"]).trim()).toBe(w.originHead());
    expect(w.fx.git(["status", "--porcelain"])).toBe("");
    expectNoLeakAndNoViolations(w);
  });

  it("the base moved and changed a price of an entry the page verified: the retried commit does not stamp lastVerified on a price nobody saw", async () => {
    world = await startFaultWorld();
    const w = world;
    const other = w.fx.otherClone();
    const file = path.join(other, "catalog/anthropic/claude-sonnet-4-5.json");
    const edited = readJson(file);
    expect(edited.lastVerified).toBe(SEED_DATE);
    edited.prices.input.usd = 4; // the page (and the run's diff) say 3
    writeFileSync(file, `${JSON.stringify(edited, null, 2)}\n`);
    w.fx.git(["commit", "--quiet", "-am", "maintainer: sonnet 4.5 input to $4"], other);
    w.fx.git(["push", "--quiet", "origin", "main"], other);

    const r = await w.run();

    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(w.originLog()[1]).toBe("maintainer: sonnet 4.5 input to $4");
    const landed = showJson(w, "main", "catalog/anthropic/claude-sonnet-4-5.json");
    expect(landed.prices.input.usd).toBe(4);
    // The run saw $3 on the page; $4 was never seen there on 2026-08-15, so this entry is not verified today.
    expect(landed.lastVerified, "lastVerified moved for a price the page does not show").toBe(SEED_DATE);
    expect(r.report?.verification?.entries ?? []).not.toContain("anthropic/claude-sonnet-4-5");
    expectNoLeakAndNoViolations(w);
  });

  it("the remote is unreachable: exit non-zero, the report names the push, the catalog on disk is byte-identical and the tree clean", async () => {
    world = await startFaultWorld();
    const w = world;
    w.fx.git(["remote", "set-url", "origin", "/nonexistent"]);
    const originBefore = w.originHead();
    const headBefore = w.fx.git(["rev-parse", "HEAD"]).trim();
    const catalogBefore = snapshotTree(w.fx.catalogDir);

    const r = await w.run();

    expect(r.status, r.stderr + r.stdout).not.toBe(0);
    expect(r.report, "a report is written even when publishing fails").toBeDefined();
    expect(r.report!.exitCode).toBe(r.status);
    const push = r.report!.problems.find((p) => /^push to main$/.test(p.where));
    expect(push, JSON.stringify(r.report!.problems, null, 2)).toBeDefined();
    expect(push!.message).toMatch(/nonexistent|does not appear to be a git repository|Could not read from remote/i);
    expect(r.stderr).toMatch(/verification not published/);
    expect(r.report!.verification?.pushedTo).toBeUndefined();
    // Nothing reached origin, and no PR for a branch that was never pushed.
    expect(w.originHead()).toBe(originBefore);
    expect(w.server.state.pulls).toEqual([]);
    expect(w.server.requests.filter((q) => q.method === "POST")).toEqual([]);
    // The checkout is exactly as it was.
    expectSameTree(snapshotTree(w.fx.catalogDir), catalogBefore);
    expect(w.fx.git(["rev-parse", "HEAD"]).trim()).toBe(headBefore);
    expect(w.fx.git(["rev-parse", "--abbrev-ref", "HEAD"]).trim()).toBe("main");
    expect(w.fx.git(["status", "--porcelain"])).toBe("");
    expect(existsSync(path.join(w.fx.work, ".git", LOCK_NAME))).toBe(false);
    expectNoLeakAndNoViolations(w);
  });
});

describe("3. GitHub API failures: a clear error, exit non-zero, and the next healthy run ends with exactly one PR", () => {
  const WRONG_TOKEN = "ghs_FAULT_SECRET_WRONG_d41d8cd98f00b204e9800998ecf8427e";
  const rateLimited = { "x-ratelimit-remaining": "0" };
  const cases: {
    name: string;
    rule?: FailureRule;
    env?: Record<string, string>;
    status: number;
    /** What the message must also say (besides the status). */
    says?: RegExp;
  }[] = [
    { name: "401 Bad credentials (wrong token)", env: { GITHUB_TOKEN: WRONG_TOKEN }, status: 401, says: /bad credentials/i },
    { name: "403 rate limit on PR creation", rule: { method: "POST", path: /\/pulls$/, status: 403, times: Infinity, headers: rateLimited }, status: 403, says: /rate limit/i },
    { name: "403 rate limit on PR listing", rule: { method: "GET", path: /\/pulls$/, status: 403, times: Infinity, headers: rateLimited }, status: 403, says: /rate limit/i },
    { name: "422 on PR creation", rule: { method: "POST", path: /\/pulls$/, status: 422, times: 1 }, status: 422, says: /validation failed/i },
    { name: "500 on PR creation", rule: { method: "POST", path: /\/pulls$/, status: 500, times: 1 }, status: 500 },
    { name: "500 on PR listing", rule: { method: "GET", path: /\/pulls$/, status: 500, times: Infinity }, status: 500 },
    { name: "500 on labelling the new PR", rule: { method: "PUT", path: /\/issues\/\d+\/labels$/, status: 500, times: 1 }, status: 500 },
  ];

  it.each(cases)("$name", async ({ rule, env, status, says }) => {
    world = await startFaultWorld();
    const w = world;
    const failure = rule ? w.server.fail(rule) : undefined;

    const bad = await w.run([], env);

    expect(bad.status, bad.stderr + bad.stdout).not.toBe(0);
    expect(bad.report).toBeDefined();
    expect(bad.report!.exitCode).toBe(bad.status);
    const problem = bad.report!.problems.find((p) => p.where === "pull request for openai-pricing");
    expect(problem, JSON.stringify(bad.report!.problems, null, 2)).toBeDefined();
    // The status and what failed, in the report and on stderr.
    // (soft: a missing status is reported, and the rest of the case still runs)
    expect.soft(problem!.message, "the report names the HTTP status").toMatch(new RegExp(`\\b${status}\\b`));
    if (says) expect(problem!.message).toMatch(says);
    expect(bad.stderr).toMatch(/openai-pricing: pull request not published/);
    expect.soft(bad.stderr, "stderr names the HTTP status").toMatch(new RegExp(`openai-pricing: pull request not published: .*\\b${status}\\b`));
    expect(w.server.requests.some((q) => q.status === status), "the fault was actually served").toBe(true);
    expectAtMostOneOpenPrPerBranch(w.server);

    failure?.cancel();
    const good = await w.run();

    expect(good.status, good.stderr + good.stdout).toBe(0);
    expect(good.report!.problems).toEqual([]);
    const pulls = w.server.state.pulls.filter((p) => p.head.ref === PR_BRANCH);
    expect(pulls, "exactly one PR for the source, over both runs").toHaveLength(1);
    expect(pulls[0]!.state).toBe("open");
    expect(w.server.state.pulls).toHaveLength(1);
    expect(pulls[0]!.labels.length, "the PR carries its labels after the healthy run").toBeGreaterThan(0);
    expect(good.report!.sources[0]!.pullRequest).toMatchObject({ number: pulls[0]!.number });
    expectAtMostOneOpenPrPerBranch(w.server);
    // Exactly one verification commit on origin over both runs.
    expect(w.originLog().filter((s) => s.startsWith("catalog: verify"))).toHaveLength(1);
    expect(w.fx.git(["status", "--porcelain"])).toBe("");
    expectNoLeakAndNoViolations(w, [SECRET_TOKEN, WRONG_TOKEN]);
  });
});
