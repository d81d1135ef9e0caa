/**
 * `npm run demo`: the whole nightly loop, offline, with zero set-up.
 *
 * A temporary clone of this repository's catalog gets a local bare `origin` and a local GitHub API;
 * the newest real saved vendor documents are replayed through the real fetch path; the run verifies what
 * matches, and opens a pull request per source for what does not — among them the gpt-image-1-mini
 * profile, whose per-image prices OpenAI's model page states differently.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runPipeline } from "../run/run.ts";
import { buildSite } from "../site/build.ts";
import { startGitHubServer } from "./github-server.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * The real pages the demo replays, the newest of each vendor (copies of ../shared/snapshots kept under
 * test/fixtures), named as `--replay` expects: `<source-id>.<ext>` for a one-page source,
 * `<source-id>/<document>.<ext>` for each document of a source that reads several.
 */
export const DEMO_PAGES: Record<string, string> = {
  "openai-pricing.md": "test/fixtures/openai/developers-openai-api-docs-pricing__2026-08-22.est.md",
  "openai-models/gpt-image-1-mini.md": "test/fixtures/openai/models/gpt-image-1-mini__2026-08-19.md",
  "openai-models/gpt-image-1.md": "test/fixtures/openai/models/gpt-image-1__2026-08-19.md",
  "openai-models/gpt-image-2.md": "test/fixtures/openai/models/gpt-image-2__2026-08-19.md",
  "openai-models/dall-e-3.md": "test/fixtures/openai/models/dall-e-3__2026-08-19.md",
  "openai-models/gpt-image-1.5.md": "test/fixtures/openai/models/gpt-image-1.5__2026-08-19.md",
  "openai-models/gpt-transcribe.md": "test/fixtures/openai/models/gpt-transcribe__2026-08.est.md",
  "anthropic-pricing.md": "test/fixtures/anthropic/platform-claude-docs-pricing__2026-08-13.md",
  "gemini-pricing.html": "test/fixtures/google/ai-google-dev-gemini-api-pricing__2026-08-25.html",
  "deepseek-pricing.html": "test/fixtures/deepseek/api-docs-quick_start-pricing__2026-08-21.est.html",
  "xai-pricing.md": "test/fixtures/xai/docs-x-ai-developers-pricing__2026-08-13.md",
  // Since about 2026-10-07 the source starts from the docs pricing page (mistral.ai/pricing/api redirects there).
  "mistral-pricing/pricing.html": "test/fixtures/mistral/docs-mistral-ai-inference-pricing__2026-08-17.est.excerpt.html",
  "mistral-pricing/priority-tier.md": "test/fixtures/mistral/docs-mistral-ai-inference-priority-tier__2026-09-24.est.excerpt.md",
  "mistral-pricing/regional-inference.md": "test/fixtures/mistral/docs-mistral-ai-inference-regional-inference__2026-09-24.est.md",
  "mistral-pricing/batch-processing.md": "test/fixtures/mistral/docs-mistral-ai-studio-batch-processing__2026-09-24.est.excerpt.md",
  "mistral-pricing/models.html": "test/fixtures/mistral/docs-models/index__2026-08-17.excerpt.html",
  "minimax-pricing.md": "test/fixtures/minimax/platform-minimax-io-docs-guides-pricing-paygo__2026-10-10.est.md",
  "moonshot-pricing.md": "test/fixtures/moonshot/platform-kimi-ai-docs-pricing-chat__2026-09-25.est.md",
  "cohere-pricing.html": "test/fixtures/cohere/cohere-com-pricing__2026-10-06.est.excerpt.html",
  "zai-pricing.html": "test/fixtures/zai/docs-z-ai-guides-overview-pricing__2026-08-25.est.excerpt.html",
  "alibaba-pricing.html": "test/fixtures/alibaba/alibabacloud-com-help-en-model-studio-model-pricing__2026-08-19.excerpt.html",
  "perplexity-pricing.md": "test/fixtures/perplexity/docs-perplexity-ai-pricing__2026-08-13.md",
  "voyage-pricing.md": "test/fixtures/voyage/docs-voyageai-com-docs-pricing__2026-08-13.md",
  "elevenlabs-pricing.html": "test/fixtures/elevenlabs/elevenlabs-io-pricing-api__2026-08-13.excerpt.html",
  ...Object.fromEntries(
    readdirSync(path.join(REPO_ROOT, "test/fixtures/mistral/docs-models"))
      .filter((f) => !f.startsWith("index__"))
      .map((f) => [`mistral-pricing/${f.replace(/__.*$/, "")}.html`, `test/fixtures/mistral/docs-models/${f}`]),
  ),
};

/**
 * Copy the demo's pages into a replay directory, in the layout `--replay` serves, with `captures.json`: when each
 * page was captured, from its fixture's name (`…__2026-08-13.md`; `__2026-08-21.est` is an estimate), so the PRs
 * say which capture they replayed.
 */
export function writeDemoPages(dir: string, pages: Record<string, string> = DEMO_PAGES): void {
  const captures: Record<string, string> = {};
  for (const [name, file] of Object.entries(pages)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    cpSync(path.join(REPO_ROOT, file), path.join(dir, name));
    const m = /__(\d{4}-\d{2}(?:-\d{2})?)(\.est)?/.exec(path.basename(file));
    if (m) captures[name] = `${m[1]}${m[2] ? " (estimated)" : ""}`;
  }
  writeFileSync(path.join(dir, "captures.json"), `${JSON.stringify(captures, null, 2)}\n`);
}

/** The day the demo pretends to run on: after the newest page's capture, and after Mistral's move to its docs (about 2026-10-07). */
export const DEMO_DATE = "2026-10-10";

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
    writeDemoPages(pages);
    // 3. A GitHub API on localhost that answers as GitHub does and checks every request against its OpenAPI description.
    return startGitHubServer({ token: TOKEN, owner: OWNER, repo: REPO, bareRepoPath: bare });
  })();

  try {
    print(`catalog-freshness demo, in ${root}`);
    print(`replaying ${Object.keys(DEMO_PAGES).length} real vendor documents as if on ${DEMO_DATE}; origin is ${bare}; GitHub API at ${server.url}\n`);
    const report = await runPipeline({
      repoDir: work,
      catalogDir: path.join(work, "catalog"),
      only: [],
      dryRun: false,
      runDate: DEMO_DATE,
      replayDir: pages,
      verifiedTo: "base",
      runDir: path.join(root, "run"),
      // The local forge is both the API and the web host the PR bodies link their images to.
      env: { ...process.env, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_API_URL: server.url, GITHUB_SERVER_URL: server.url, GITHUB_STEP_SUMMARY: "" },
      out: print,
      log: (line) => print(`  · ${line}`),
    });

    // The freshness site, built from the catalog as the run left it and the run's report and evidence.
    const site = await buildSite({ catalogDir: path.join(work, "catalog"), runDir: path.join(root, "run"), outDir: path.join(root, "site"), asOf: DEMO_DATE });
    print(site.url ? `\nsite: open ${site.url}` : `\nsite not built: ${site.problems.join("; ")}`);

    print("\n=== what landed on origin/main ===");
    print(git(["log", "--format=%h %s", "-3", "main"], bare).trimEnd());
    for (const pr of server.state.pulls) {
      print(`\n=== pull request #${pr.number}: ${pr.title} ===`);
      print(`branch ${pr.head.ref} → ${pr.base.ref} · labels: ${pr.labels.join(", ")}`);
      print(git(["diff", "--stat", `main...${pr.head.ref}`], bare).trimEnd());
      print(`\n${pr.body ?? ""}`);
    }
    // The pictures the PR bodies show inline must be there for a reviewer: each link is asked of the local forge.
    const images = server.state.pulls.flatMap((pr) => [...(pr.body ?? "").matchAll(/!\[[^\]]*\]\((https?:\/\/[^)\s]+)\)/g)].map((m) => m[1]!));
    const broken: string[] = [];
    for (const url of images) {
      const res = await fetch(url).catch(() => undefined);
      if (!res?.ok || !/^image\//.test(res.headers.get("content-type") ?? "")) broken.push(url);
      await res?.arrayBuffer().catch(() => undefined);
    }
    print(`\n${images.length - broken.length} of ${images.length} evidence image(s) in the pull requests resolve on the local forge`);
    for (const url of broken) print(`  not served: ${url}`);
    const violations = server.violations.length + server.responseViolations.length + broken.length;
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
  // Kept unless --clean: the run directory holds the report, the pages and the evidence the PR bodies name.
  process.exitCode = await demo({ keep: !process.argv.includes("--clean") });
}
