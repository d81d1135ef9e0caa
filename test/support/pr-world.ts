/**
 * A checkout with a real bare `origin` and the local GitHub API, where the real CLI runs on saved pages and
 * a maintainer merges its pull requests: for the tests that follow a proposal from the page to the base
 * branch and back (test/run/reshape-cli.test.ts, test/faults/shape-faults.test.ts).
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type GitHubServer, startGitHubServer } from "../../pipeline/demo/github-server.ts";
import { RunReport } from "../../schemas/run-report.ts";
import { type CliResult, REPO_ROOT, runCli } from "./cli.ts";
import { type GitFixture, makeGitFixture } from "./git-fixture.ts";

const TOKEN = "ghs_prWorldToken_0123456789abcdef0123";

export interface PrWorld {
  fx: GitFixture;
  server: GitHubServer;
  /** Put saved pages in a fresh replay dir: `{ "deepseek-pricing.md": <fixture path or text> }`. */
  pages(files: Record<string, { fixture: string } | { text: string }>): string;
  /** `catalog <command> … --replay <pages> --date <day> --run-dir <fresh>`, with the token set. */
  run(command: "run" | "verify", args: string[], pages: string, date: string): Promise<CliResult & { report: RunReport }>;
  /** A maintainer merges a PR branch into main (a second clone, pushed). */
  merge(branch: string): void;
  /** An entry as it is on a branch of origin. */
  entry(ref: string, id: string): Record<string, any>;
  openPulls(): { ref: string; title: string; body: string; labels: string[] }[];
  close(): Promise<void>;
}

let pageDirs = 0;

export async function startPrWorld(options: { catalog?: (catalogDir: string) => void } = {}): Promise<PrWorld> {
  const fx = makeGitFixture(options);
  const server = await startGitHubServer({ token: TOKEN, owner: "acme", repo: "catalog", bareRepoPath: fx.bare });
  const env = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: "acme/catalog", GITHUB_API_URL: server.url, GITHUB_STEP_SUMMARY: "", GH_TOKEN: "" };
  return {
    fx,
    server,
    pages(files) {
      const dir = path.join(fx.root, `pages-${++pageDirs}`);
      for (const [name, what] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        if ("fixture" in what) cpSync(path.join(REPO_ROOT, what.fixture), path.join(dir, name));
        else writeFileSync(path.join(dir, name), what.text);
      }
      return dir;
    },
    async run(command, args, pages, date) {
      const runDir = path.join(fx.root, `run-${++pageDirs}`);
      const r = await runCli([command, ...args, "--replay", pages, "--date", date, "--run-dir", runDir], { cwd: fx.work, env });
      return { ...r, report: RunReport.parse(JSON.parse(readFileSync(path.join(runDir, "report.json"), "utf8"))) };
    },
    merge(branch) {
      const clone = fx.otherClone();
      fx.git(["merge", "--quiet", "--no-edit", `origin/${branch}`], clone);
      fx.git(["push", "--quiet", "origin", "main"], clone);
      // The run's checkout catches up as a CI job's fresh checkout would.
      fx.git(["pull", "--quiet", "--ff-only", "origin", "main"]);
    },
    entry(ref, id) {
      const [vendor, model] = id.split("/");
      return JSON.parse(fx.git(["show", `${ref}:catalog/${vendor}/${model!.replace(/[/:]/g, "--")}.json`], fx.bare)) as Record<string, any>;
    },
    openPulls() {
      return server.state.pulls.filter((p) => p.state === "open").map((p) => ({ ref: p.head.ref, title: p.title, body: p.body ?? "", labels: p.labels }));
    },
    async close() {
      await server.close();
      fx.cleanup();
    },
  };
}
