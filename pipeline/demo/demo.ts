/**
 * `npm run demo`: the whole nightly loop, offline, with zero set-up.
 *
 * A temporary clone of this repository's catalog gets a local bare `origin` and a local GitHub API;
 * real saved vendor pages are replayed through the real fetch path; the run verifies what matches,
 * and opens a pull request for what does not — the gpt-image-1-mini profile, whose per-image prices
 * OpenAI's page states differently.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runPipeline } from "../run/run.ts";
import { startGitHubServer } from "./github-server.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

/** The real pages the demo replays (copies of ../shared/snapshots kept under test/fixtures). */
export const DEMO_PAGES: Record<string, string> = {
  "openai-pricing.md": "test/fixtures/openai/platform-docs-pricing__2025-12-19.md",
  "anthropic-pricing.md": "test/fixtures/anthropic/platform-claude-docs-pricing__2026-08-08.md",
  "gemini-pricing.md": "test/fixtures/google/ai-google-dev-gemini-api-pricing__2025-11-21.md",
  "deepseek-pricing.md": "test/fixtures/deepseek/api-docs-quick_start-pricing__2026-08-13.md",
};

/** The day the demo pretends to run on: after the newest page's capture, before the prices it announces. */
export const DEMO_DATE = "2026-08-15";

const TOKEN = "demo-token-not-a-secret";
const OWNER = "catalog-freshness";
const REPO = "catalog";

export async function demo(options: { keep?: boolean; print?: (line: string) => void } = {}): Promise<number> {
  const print = options.print ?? ((line: string) => console.log(line));
  const root = mkdtempSync(path.join(tmpdir(), "catalog-freshness-demo-"));
  const bare = path.join(root, "origin.git");
  const work = path.join(root, "checkout");
  const pages = path.join(root, "pages");
  const git = (args: string[], cwd = work) =>
    execFileSync("git", ["-c", "user.name=catalog-freshness demo", "-c", "user.email=demo@catalog-freshness.invalid", ...args], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });

  const server = await (async () => {
    // 1. A bare origin and a checkout holding this repository's catalog, as a CI job would have it.
    git(["init", "--quiet", "--bare", "--initial-branch=main", bare], root);
    git(["clone", "--quiet", bare, work], root);
    git(["checkout", "--quiet", "-B", "main"]);
    cpSync(path.join(REPO_ROOT, "catalog"), path.join(work, "catalog"), { recursive: true });
    mkdirSync(path.join(work, "schemas"));
    cpSync(path.join(REPO_ROOT, "schemas/model-entry.schema.json"), path.join(work, "schemas/model-entry.schema.json"));
    git(["add", "--all"]);
    git(["commit", "--quiet", "-m", "catalog as in this repository"]);
    git(["push", "--quiet", "origin", "main"]);
    // 2. The real pages, named as --replay expects: <source-id>.<ext>.
    mkdirSync(pages);
    for (const [name, file] of Object.entries(DEMO_PAGES)) cpSync(path.join(REPO_ROOT, file), path.join(pages, name));
    // 3. A GitHub API on localhost that answers as GitHub does and checks every request against its OpenAPI description.
    return startGitHubServer({ token: TOKEN, owner: OWNER, repo: REPO, bareRepoPath: bare });
  })();

  try {
    print(`catalog-freshness demo, in ${root}`);
    print(`replaying ${Object.keys(DEMO_PAGES).length} real vendor pages as if on ${DEMO_DATE}; origin is ${bare}; GitHub API at ${server.url}\n`);
    const report = await runPipeline({
      repoDir: work,
      catalogDir: path.join(work, "catalog"),
      only: [],
      dryRun: false,
      runDate: DEMO_DATE,
      replayDir: pages,
      verifiedTo: "base",
      runDir: path.join(root, "run"),
      env: { ...process.env, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_API_URL: server.url, GITHUB_STEP_SUMMARY: "" },
      out: print,
      log: (line) => print(`  · ${line}`),
    });

    print("\n=== what landed on origin/main ===");
    print(git(["log", "--format=%h %s", "-3", "main"], bare).trimEnd());
    for (const pr of server.state.pulls) {
      print(`\n=== pull request #${pr.number}: ${pr.title} ===`);
      print(`branch ${pr.head.ref} → ${pr.base.ref} · labels: ${pr.labels.join(", ")}`);
      print(git(["diff", "--stat", `main...${pr.head.ref}`], bare).trimEnd());
      print(`\n${pr.body ?? ""}`);
    }
    const violations = server.violations.length + server.responseViolations.length;
    if (violations > 0) print(`\n${violations} request(s) did not match GitHub's OpenAPI description`);
    print(report.exitCode === 0 && violations === 0 ? "demo finished: every source read, verification pushed, pull request opened" : "demo finished with problems (see above)");
    return report.exitCode === 0 && violations === 0 && server.state.pulls.length > 0 ? 0 : 1;
  } finally {
    await server.close();
    if (options.keep) print(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await demo({ keep: process.argv.includes("--keep") });
}
