import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { Octokit } from "@octokit/rest";
import { RequestError } from "@octokit/request-error";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startGitHubServer, type GitHubServer } from "../../pipeline/demo/github-server.ts";

const TOKEN = "ghp_localTestToken0123456789abcdefABCDEF";
const OWNER = "acme";
const REPO = "model-catalog";
const BRANCH = "catalog-freshness/openai-pricing";
const EMPTY_BRANCH = "catalog-freshness/nothing-new";

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/** A bare `origin` with `main`, a branch one commit ahead, and a branch with nothing new. */
function makeRepo(): { bare: string; work: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), "gh-server-test-"));
  tempDirs.push(root);
  const bare = path.join(root, "origin.git");
  const work = path.join(root, "work");
  git(root, "init", "--bare", "--initial-branch=main", bare);
  git(root, "clone", "--quiet", bare, work);
  git(work, "checkout", "--quiet", "-B", "main");
  writeFileSync(path.join(work, "catalog.json"), '{ "models": [] }\n');
  git(work, "add", ".");
  git(work, "commit", "--quiet", "-m", "seed catalog");
  git(work, "push", "--quiet", "origin", "main");
  git(work, "branch", EMPTY_BRANCH);
  git(work, "push", "--quiet", "origin", EMPTY_BRANCH);
  git(work, "checkout", "--quiet", "-b", BRANCH);
  writeFileSync(path.join(work, "catalog.json"), '{ "models": [{ "id": "openai/gpt-x", "input": "1.25" }] }\n');
  git(work, "commit", "--quiet", "-am", "openai: input price 1.25");
  git(work, "push", "--quiet", "origin", BRANCH);
  git(work, "checkout", "--quiet", "main");
  return { bare, work };
}

async function setup(): Promise<{ server: GitHubServer; octokit: Octokit; bare: string; work: string }> {
  const { bare, work } = makeRepo();
  const server = await startGitHubServer({ token: TOKEN, owner: OWNER, repo: REPO, bareRepoPath: bare });
  servers.push(server);
  const octokit = new Octokit({ auth: TOKEN, baseUrl: server.url, log: quietLog });
  return { server, octokit, bare, work };
}

const quietLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const servers: GitHubServer[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()?.close();
});

async function rejection(promise: Promise<unknown>): Promise<RequestError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RequestError);
    return error as RequestError;
  }
  throw new Error("expected the request to fail");
}

// An independent validator for GitHub's response shapes (not the server's own code path).
const specFile = path.join(path.dirname(createRequire(import.meta.url).resolve("@octokit/openapi/package.json")), "generated", "api.github.com.json");
let validateShape: (schema: string, value: unknown) => string[];
beforeAll(() => {
  const spec = JSON.parse(readFileSync(specFile, "utf8")) as { components: { schemas: Record<string, unknown> } };
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormatsModule.default(ajv);
  ajv.addFormat("repo.nwo", true);
  ajv.addSchema({ $id: "spec", components: { schemas: spec.components.schemas } });
  validateShape = (schema, value) => {
    const validate = ajv.getSchema(`spec#/components/schemas/${schema}`);
    if (!validate) throw new Error(`no schema ${schema}`);
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
});

describe("local GitHub server: the publish flow through a real Octokit", () => {
  it("creates, finds, updates, labels, comments on and closes a PR the way GitHub does", async () => {
    const { server, octokit, bare, work } = await setup();
    const repo = { owner: OWNER, repo: REPO };

    const info = await octokit.rest.repos.get(repo);
    expect(info.data.default_branch).toBe("main");
    expect(validateShape("full-repository", info.data)).toEqual([]);

    const created = await octokit.rest.pulls.create({ ...repo, title: "OpenAI: price change", head: BRANCH, base: "main", body: "First body", maintainer_can_modify: true });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`${server.url}/repos/${OWNER}/${REPO}/pulls/1`);
    const pr = created.data;
    expect(pr).toMatchObject({
      number: 1,
      state: "open",
      title: "OpenAI: price change",
      body: "First body",
      merged: false,
      draft: false,
      commits: 1,
      html_url: `https://github.com/${OWNER}/${REPO}/pull/1`,
      head: { ref: BRANCH, label: `${OWNER}:${BRANCH}`, sha: git(bare, "rev-parse", BRANCH) },
      base: { ref: "main", sha: git(bare, "rev-parse", "main") },
      user: { login: "github-actions[bot]" },
      labels: [],
    });
    expect(validateShape("pull-request", pr)).toEqual([]);

    // The same PR again: GitHub refuses.
    const duplicate = await rejection(octokit.rest.pulls.create({ ...repo, title: "again", head: BRANCH, base: "main", body: "x" }));
    expect(duplicate.status).toBe(422);
    expect(duplicate.response?.data).toMatchObject({
      message: "Validation Failed",
      errors: [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${OWNER}:${BRANCH}.` }],
    });

    // Find it by head (`owner:branch`) — list items are GitHub's `pull-request-simple`.
    const listed = await octokit.rest.pulls.list({ ...repo, state: "open", head: `${OWNER}:${BRANCH}`, base: "main", per_page: 100 });
    expect(listed.data.map((p) => p.number)).toEqual([1]);
    expect(validateShape("pull-request-simple", listed.data[0])).toEqual([]);
    expect(listed.data[0]).not.toHaveProperty("merged");
    expect((await octokit.rest.pulls.list({ ...repo, head: `${OWNER}:some/other-branch` })).data).toEqual([]);

    // Update title and body.
    const updated = await octokit.rest.pulls.update({ ...repo, pull_number: 1, title: "OpenAI: 2 price changes", body: "Second body" });
    expect(updated.data).toMatchObject({ title: "OpenAI: 2 price changes", body: "Second body", state: "open" });
    expect(server.state.pulls[0]).toMatchObject({ title: "OpenAI: 2 price changes", body: "Second body" });

    // Labels: add (creating unknown labels like GitHub), set, list; repo labels get/create.
    const missingLabel = await rejection(octokit.rest.issues.getLabel({ ...repo, name: "catalog-freshness" }));
    expect(missingLabel.status).toBe(404);
    const label = await octokit.rest.issues.createLabel({ ...repo, name: "catalog-freshness", color: "0e8a16", description: "Automated price updates" });
    expect(label.status).toBe(201);
    expect(validateShape("label", label.data)).toEqual([]);
    const labelAgain = await rejection(octokit.rest.issues.createLabel({ ...repo, name: "catalog-freshness" }));
    expect(labelAgain.status).toBe(422);
    expect((await octokit.rest.issues.getLabel({ ...repo, name: "catalog-freshness" })).data.color).toBe("0e8a16");
    const added = await octokit.rest.issues.addLabels({ ...repo, issue_number: 1, labels: ["catalog-freshness", "vendor: openai"] });
    expect(added.data.map((l) => l.name)).toEqual(["catalog-freshness", "vendor: openai"]);
    expect((await octokit.rest.issues.getLabel({ ...repo, name: "vendor: openai" })).status).toBe(200);
    const set = await octokit.rest.issues.setLabels({ ...repo, issue_number: 1, labels: ["catalog-freshness", "needs-review"] });
    expect(set.data.map((l) => l.name)).toEqual(["catalog-freshness", "needs-review"]);
    expect((await octokit.rest.issues.listLabelsOnIssue({ ...repo, issue_number: 1 })).data.map((l) => l.name)).toEqual(["catalog-freshness", "needs-review"]);
    expect((await octokit.rest.pulls.get({ ...repo, pull_number: 1 })).data.labels.map((l) => l.name)).toEqual(["catalog-freshness", "needs-review"]);
    expect(server.state.pulls[0]?.labels).toEqual(["catalog-freshness", "needs-review"]);

    // Comment.
    const comment = await octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: "Prices moved again." });
    expect(comment.status).toBe(201);
    expect(validateShape("issue-comment", comment.data)).toEqual([]);
    const comments = await octokit.rest.issues.listComments({ ...repo, issue_number: 1, per_page: 100 });
    expect(comments.data.map((c) => c.body)).toEqual(["Prices moved again."]);
    expect((await octokit.rest.pulls.get({ ...repo, pull_number: 1 })).data.comments).toBe(1);

    // A push to the head branch moves the PR's head sha, as on GitHub.
    git(work, "checkout", "--quiet", BRANCH);
    writeFileSync(path.join(work, "catalog.json"), '{ "models": [{ "id": "openai/gpt-x", "input": "1.50" }] }\n');
    git(work, "commit", "--quiet", "-am", "openai: input price 1.50");
    git(work, "push", "--quiet", "--force", "origin", BRANCH);
    const refreshed = await octokit.rest.pulls.get({ ...repo, pull_number: 1 });
    expect(refreshed.data.head.sha).toBe(git(bare, "rev-parse", BRANCH));
    expect(refreshed.data.commits).toBe(2);

    // Close.
    const closed = await octokit.rest.pulls.update({ ...repo, pull_number: 1, state: "closed" });
    expect(closed.data).toMatchObject({ state: "closed", merged: false });
    expect(closed.data.closed_at).toEqual(expect.any(String));
    expect((await octokit.rest.pulls.list({ ...repo, state: "open", head: `${OWNER}:${BRANCH}` })).data).toEqual([]);
    expect((await octokit.rest.pulls.list({ ...repo, state: "all", head: `${OWNER}:${BRANCH}` })).data.map((p) => p.state)).toEqual(["closed"]);

    // A closed PR does not block a new one.
    const second = await octokit.rest.pulls.create({ ...repo, title: "OpenAI: price change", head: BRANCH, base: "main", body: "b" });
    expect(second.data.number).toBe(2);

    // A branch with nothing new, and a branch that does not exist.
    const empty = await rejection(octokit.rest.pulls.create({ ...repo, title: "nothing", head: EMPTY_BRANCH, base: "main", body: "b" }));
    expect(empty.status).toBe(422);
    expect(JSON.stringify(empty.response?.data)).toContain(`No commits between main and ${EMPTY_BRANCH}`);
    const missing = await rejection(octokit.rest.pulls.create({ ...repo, title: "ghost", head: "catalog-freshness/ghost", base: "main", body: "b" }));
    expect(missing.status).toBe(422);
    expect(missing.response?.data).toMatchObject({ errors: [{ resource: "PullRequest", field: "head", code: "invalid" }] });

    // Every request was a legitimate GitHub request, and every answer had GitHub's shape.
    expect(server.violations).toEqual([]);
    expect(server.unexpected).toEqual([]);
    expect(server.responseViolations).toEqual([]);
    expect(server.requests.filter((r) => r.method === "POST" && r.path === `/repos/${OWNER}/${REPO}/pulls`).map((r) => r.status)).toEqual([201, 422, 201, 422, 422]);
    expect(server.requests.every((r) => r.auth === "valid")).toBe(true);
    expect(JSON.stringify(server.requests)).not.toContain(TOKEN);
  });

  it("paginates with Link headers that Octokit follows", async () => {
    const { server, octokit, work } = await setup();
    const repo = { owner: OWNER, repo: REPO };
    for (const n of [1, 2, 3]) {
      const branch = `catalog-freshness/vendor-${n}`;
      git(work, "checkout", "--quiet", "-b", branch, "main");
      writeFileSync(path.join(work, `v${n}.json`), "{}\n");
      git(work, "add", ".");
      git(work, "commit", "--quiet", "-m", `vendor ${n}`);
      git(work, "push", "--quiet", "origin", branch);
      await octokit.rest.pulls.create({ ...repo, title: `vendor ${n}`, head: branch, base: "main" });
    }
    const firstPage = await octokit.rest.pulls.list({ ...repo, per_page: 2 });
    expect(firstPage.data.map((p) => p.number)).toEqual([3, 2]);
    expect(firstPage.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.pulls.list, { ...repo, state: "all", per_page: 2 });
    expect(all.map((p) => p.number)).toEqual([3, 2, 1]);
    // GitHub ignores `head` without the `owner:` prefix.
    expect((await octokit.rest.pulls.list({ ...repo, head: "catalog-freshness/vendor-1" })).data).toHaveLength(3);
    expect((await octokit.rest.pulls.list({ ...repo, head: `${OWNER}:catalog-freshness/vendor-1` })).data).toHaveLength(1);
    expect(server.violations).toEqual([]);
    expect(server.responseViolations).toEqual([]);
  });

  it("lets tests close (as a maintainer) and merge PRs; deleting the head branch closes the PR", async () => {
    const { server, octokit, bare, work } = await setup();
    const repo = { owner: OWNER, repo: REPO };
    await octokit.rest.pulls.create({ ...repo, title: "t", head: BRANCH, base: "main" });

    server.closePull(1, { byMaintainer: true });
    expect(server.state.pulls[0]).toMatchObject({ state: "closed", close_reason: "maintainer", closed_by: "maintainer", merged: false });
    expect((await octokit.rest.pulls.get({ ...repo, pull_number: 1 })).data.state).toBe("closed");

    // Reopening through the API works like GitHub (branch still there).
    expect((await octokit.rest.pulls.update({ ...repo, pull_number: 1, state: "open" })).data.state).toBe("open");

    const mainBefore = git(bare, "rev-parse", "main");
    const merged = await server.mergePull(1);
    expect(merged).toMatchObject({ state: "closed", merged: true, close_reason: "merged" });
    expect(git(bare, "rev-parse", "main")).toBe(merged.merge_commit_sha);
    expect(git(bare, "rev-list", "--parents", "-n", "1", "main").split(" ")).toEqual([merged.merge_commit_sha, mainBefore, git(bare, "rev-parse", BRANCH)]);
    const got = await octokit.rest.pulls.get({ ...repo, pull_number: 1 });
    expect(got.data).toMatchObject({ merged: true, state: "closed", merged_by: { login: "maintainer" } });
    expect(got.data.merged_at).toEqual(expect.any(String));
    const reopen = await rejection(octokit.rest.pulls.update({ ...repo, pull_number: 1, state: "open" }));
    expect(reopen.status).toBe(422);

    // Head branch deleted while the PR is open → GitHub closes it.
    git(work, "checkout", "--quiet", "-b", "catalog-freshness/gone", "main");
    writeFileSync(path.join(work, "gone.json"), "{}\n");
    git(work, "add", ".");
    git(work, "commit", "--quiet", "-m", "gone");
    git(work, "push", "--quiet", "origin", "catalog-freshness/gone");
    const gone = await octokit.rest.pulls.create({ ...repo, title: "gone", head: `${OWNER}:catalog-freshness/gone`, base: "main" });
    git(work, "push", "--quiet", "origin", "--delete", "catalog-freshness/gone");
    expect((await octokit.rest.pulls.get({ ...repo, pull_number: gone.data.number })).data.state).toBe("closed");
    expect(server.state.pulls.find((p) => p.number === gone.data.number)?.close_reason).toBe("head-branch-deleted");
    expect(server.violations).toEqual([]);
    expect(server.responseViolations).toEqual([]);
  });
});

describe("local GitHub server: failures", () => {
  it("answers a missing or wrong token with 401 Bad credentials and never records the token", async () => {
    const { server } = await setup();
    const wrong = new Octokit({ auth: "ghp_wrong", baseUrl: server.url, log: quietLog });
    const error = await rejection(wrong.rest.pulls.list({ owner: OWNER, repo: REPO }));
    expect(error.status).toBe(401);
    expect(error.response?.data).toMatchObject({ message: "Bad credentials" });
    const anonymous = new Octokit({ baseUrl: server.url, log: quietLog });
    expect((await rejection(anonymous.rest.repos.get({ owner: OWNER, repo: REPO }))).status).toBe(401);
    const bearer = await fetch(`${server.url}/repos/${OWNER}/${REPO}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
    expect(server.requests.map((r) => r.auth)).toEqual(["invalid", "missing", "valid"]);
    expect(server.state.pulls).toEqual([]);
  });

  it("injects a rate limit (403 + x-ratelimit headers) and a 500, then recovers", async () => {
    const { server, octokit } = await setup();
    const repo = { owner: OWNER, repo: REPO };
    const reset = String(Math.floor(Date.now() / 1000) + 120);
    const rateLimit = server.fail({ method: "POST", path: /\/pulls$/, status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset } });
    const limited = await rejection(octokit.rest.pulls.create({ ...repo, title: "t", head: BRANCH, base: "main" }));
    expect(limited.status).toBe(403);
    expect(limited.response?.headers["x-ratelimit-remaining"]).toBe("0");
    expect(limited.response?.headers["x-ratelimit-reset"]).toBe(reset);
    expect(limited.message).toContain("API rate limit exceeded");
    expect(rateLimit.remaining).toBe(0);
    expect(server.state.pulls).toEqual([]);

    server.fail({ path: /\/pulls/, status: 500, times: 2 });
    expect((await rejection(octokit.rest.pulls.list(repo))).status).toBe(500);
    expect((await rejection(octokit.rest.pulls.create({ ...repo, title: "t", head: BRANCH, base: "main" }))).status).toBe(500);
    expect(server.state.pulls).toEqual([]);

    server.fail({ method: "GET", status: 401 });
    expect((await rejection(octokit.rest.repos.get(repo))).status).toBe(401);

    const ok = await octokit.rest.pulls.create({ ...repo, title: "t", head: BRANCH, base: "main" });
    expect(ok.status).toBe(201);
    expect(server.requests.map((r) => [r.method, r.status, r.injected])).toEqual([
      ["POST", 403, true],
      ["GET", 500, true],
      ["POST", 500, true],
      ["GET", 401, true],
      ["POST", 201, false],
    ]);
    expect(server.violations).toEqual([]);
  });

  it("records requests that GitHub's OpenAPI description does not allow", async () => {
    const { server, octokit } = await setup();
    const repo = { owner: OWNER, repo: REPO };
    // Deliberately wrong requests, which Octokit's types would reject at compile time.
    const request = octokit.request as unknown as (route: string, parameters: Record<string, unknown>) => Promise<unknown>;

    // Unknown query parameter.
    const unknownParam = await rejection(request("GET /repos/{owner}/{repo}/pulls", { ...repo, branch: BRANCH }));
    expect(unknownParam.status).toBe(400);
    expect(server.violations.at(-1)?.reasons.join()).toContain('unknown query parameter "branch"');

    // Invalid query value.
    await rejection(request("GET /repos/{owner}/{repo}/pulls", { ...repo, state: "merged" }));
    expect(server.violations.at(-1)?.reasons.join()).toContain('query parameter "state"');

    // Body that does not match the requestBody schema; body property GitHub does not know.
    await rejection(request("POST /repos/{owner}/{repo}/pulls", { ...repo, title: "t", head: BRANCH, base: "main", draft: "yes" }));
    expect(server.violations.at(-1)?.reasons.join()).toContain("body/draft must be boolean");
    await rejection(request("POST /repos/{owner}/{repo}/pulls", { ...repo, title: "t", head: BRANCH, base: "main", labels: ["x"] }));
    expect(server.violations.at(-1)?.reasons.join()).toContain('request body property "labels" is not declared');
    await rejection(request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: 1, body: null }));
    expect(server.violations.at(-1)?.reasons.join()).toContain("body/body must be string");
    await rejection(request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { ...repo, issue_number: 1 }));
    expect(server.violations.at(-1)?.reasons.join()).toContain("request body is required");
    await rejection(request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { ...repo, issue_number: 1, body: 42 }));
    expect(server.violations.at(-1)?.reasons.join()).toContain("body/body must be string");

    // A path parameter of the wrong type.
    await rejection(request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: "latest" }));
    expect(server.violations.at(-1)?.reasons.join()).toContain('path parameter "pull_number"');

    // A path GitHub does not have: 404, unexpected and a violation.
    const noRoute = await rejection(request("GET /repos/{owner}/{repo}/pull-requests", repo));
    expect(noRoute.status).toBe(404);
    expect(noRoute.response?.data).toMatchObject({ message: "Not Found", documentation_url: expect.any(String) });

    const violationCount = server.violations.length;
    expect(violationCount).toBe(9);
    expect(server.requests.slice(0, 8).every((r) => r.status === 400)).toBe(true);

    // A real GitHub endpoint the server does not serve, and another repository: 404 + unexpected, not a violation.
    expect((await rejection(octokit.rest.repos.delete(repo))).status).toBe(404);
    expect((await rejection(octokit.rest.pulls.list({ owner: OWNER, repo: "other-repo" }))).status).toBe(404);
    expect(server.violations).toHaveLength(violationCount);
    expect(server.unexpected.map((u) => `${u.method} ${u.path}`)).toEqual([
      `GET /repos/${OWNER}/${REPO}/pull-requests`,
      `DELETE /repos/${OWNER}/${REPO}`,
      `GET /repos/${OWNER}/other-repo/pulls`,
    ]);
    expect(server.state.pulls).toEqual([]);
  });

  it("flags a request that carries the token in its body, and never echoes it", async () => {
    const { server, octokit } = await setup();
    const leaked = await rejection(
      octokit.rest.pulls.create({ owner: OWNER, repo: REPO, title: "t", head: BRANCH, base: "main", body: `debug: token=${TOKEN}` }),
    );
    expect(leaked.status).toBe(400);
    expect(JSON.stringify(leaked.response?.data)).not.toContain(TOKEN);
    expect(server.violations[0]?.reasons).toContain("the request body contains the API token");
    expect(JSON.stringify(server.requests)).not.toContain(TOKEN);
    expect(JSON.stringify(server.violations)).not.toContain(TOKEN);
    expect(server.requests[0]?.body).toMatchObject({ body: "debug: token=[REDACTED]" });
  });
});
