/**
 * Fault harness: runs the REAL nightly job (`npm run catalog -- run --replay <url>` as a child process,
 * real git with a bare `origin`, the local GitHub API server) against a local vendor server that can be
 * told to misbehave, per source.
 *
 * ```ts
 * const h = await startFaultRun();
 * h.setRoute("openai-pricing", (_req, res) => {
 *   res.writeHead(503).end();
 * }); // for the next run only
 * const before = h.snapshotCatalog();
 * const r = await h.run([], { CATALOG_FRESHNESS_MAX_ATTEMPTS: "3" });
 * h.assertInvariants(r, { failedSource: "openai-pricing", before });
 * await h.close();
 * ```
 *
 * - The vendor server serves four real pages (`FAULT_PAGES`, the four one-page sources) at `/<source-id>.md`
 *   (`/deepseek-pricing.html` for DeepSeek: its markdown page with a markdown Content-Type, which the run
 *   then reads as markdown), and every run is limited to those four sources (`--only`). The checkout's
 *   catalog is this repository's, with every entry made to match those pages (`matchCatalogToPages`) except
 *   gpt-image-1-mini, and with references to the other sources dropped. So every source is `ok`,
 *   openai-pricing has one changed entry (gpt-image-1-mini), and its PR `catalog-freshness/openai-pricing`
 *   opens on the first healthy run: the only PR there is.
 * - Every `run()` gets the next day of `RUN_DATES` (unless `--date` is passed), so healthy sources really
 *   push a verification commit each time: one harness holds `RUN_DATES.length` runs. The pages give the
 *   same result on each of those days (DeepSeek's announced prices start on 2026-08-16 at 16:00 UTC, after
 *   the last of them).
 * - Runs must not overlap on one harness (one checkout, one lock): await each `run()`. Runs on one harness
 *   share its history (earlier verification commits, the open PR), which is why `assertInvariants` compares
 *   with a snapshot taken just before the run.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { FAULT_PAGES, ONLY_FAULT_SOURCES, SOURCE_IDS, type SourceId, useSeededCatalog } from "../support/fault-pages.ts";
import { type GitHubServer, type RecordedRequest, startGitHubServer } from "../../pipeline/demo/github-server.ts";
import { RunReport } from "../../schemas/run-report.ts";
import { REPO_ROOT, runCli } from "../support/cli.ts";
import { type Handler, startFlakyServer, type TestServer, text } from "../support/flaky-server.ts";
import { type GitFixture, makeGitFixture } from "../support/git-fixture.ts";

export type { Handler } from "../support/flaky-server.ts";

export { FAULT_PAGES, SOURCE_IDS, type SourceId } from "../support/fault-pages.ts";

/** A token shaped like a real GitHub App token: it must never show up in any output. */
export const FAULT_TOKEN = "ghs_FAULT_SECRET_0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d";
export const OWNER = "acme";
export const REPO = "catalog";

/** The days runs are dated, in order; the healthy pages verify the same entries on each. */
export const RUN_DATES = ["2026-08-08", "2026-08-09", "2026-08-10", "2026-08-11", "2026-08-12", "2026-08-13", "2026-08-14", "2026-08-15"];

/**
 * Fetch limits every run gets unless the test passes its own (fast retries; the size cap stays at its
 * 5 MiB default). CATALOG_FRESHNESS_TIMEOUT_MS is generous so healthy pages never time out on a busy machine.
 */
export const FAST_FETCH_ENV: Readonly<Record<string, string>> = {
  CATALOG_FRESHNESS_TIMEOUT_MS: "10000",
  CATALOG_FRESHNESS_MAX_ATTEMPTS: "3",
  CATALOG_FRESHNESS_BACKOFF_MS: "20",
  CATALOG_FRESHNESS_MAX_RETRY_AFTER_MS: "5000",
};

/** Where the vendor server serves each source's page (what `--replay <url>` asks for). */
export const PAGE_PATH: Readonly<Record<SourceId, string>> = {
  "openai-pricing": "/openai-pricing.md",
  "anthropic-pricing": "/anthropic-pricing.md",
  "gemini-pricing": "/gemini-pricing.html",
  "deepseek-pricing": "/deepseek-pricing.html",
};

export const MARKDOWN = "text/markdown; charset=utf-8";

/** The real saved page a source is served by default (its text, as in test/fixtures). */
export function realPage(sourceId: SourceId): string {
  return readFileSync(path.join(REPO_ROOT, FAULT_PAGES[sourceId]), "utf8");
}

/** A hand-made page under test/faults/fixtures/. */
export function faultFixture(name: string): string {
  return readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");
}

export interface FaultResult {
  /** Exit status of the CLI (null if it was killed). */
  status: number | null;
  stdout: string;
  stderr: string;
  /** `<runDir>/report.json`, parsed with the RunReport schema; undefined when the run wrote none. */
  report: RunReport | undefined;
  /** The report file as written (for secret checks). */
  reportText: string | undefined;
  /** The GitHub step summary the run appended to (its own file per run), or undefined if none. */
  summary: string | undefined;
  runDir: string;
  runDate: string;
  /** Requests the vendor server got for each source's page during this run. */
  hits: Record<SourceId, number>;
  /** GitHub API requests made during this run. */
  githubRequests: RecordedRequest[];
  /** Wall time of the CLI run. */
  ms: number;
}

/**
 * A catalog snapshot: `work:<path>` for every file under the checkout's `catalog/`, and
 * `origin/<branch>:<path>` for every `catalog/` file of every branch on origin (main and the PR branches).
 */
export type CatalogSnapshot = Map<string, Buffer>;

export interface InvariantOptions {
  /** The source(s) made to fail this run; none = every source must succeed. */
  failedSource?: SourceId | readonly SourceId[];
  /** `snapshotCatalog()` taken just before the run. */
  before: CatalogSnapshot;
  /** Model ids whose files must also stay byte-identical everywhere (an entry read but not trusted). */
  untouched?: readonly string[];
}

export interface FaultRun {
  readonly fx: GitFixture;
  readonly github: GitHubServer;
  readonly vendor: TestServer;
  /** Make one source's page misbehave. Applies until the end of the next `run()`, then the real page is back. */
  setRoute(sourceId: SourceId, handler: Handler): void;
  /** Run `catalog run --replay <vendor> --date <next RUN_DATES day> --run-dir <fresh dir>` plus `extraArgs`. */
  run(extraArgs?: string[], extraEnv?: Record<string, string>): Promise<FaultResult>;
  snapshotCatalog(): CatalogSnapshot;
  /** The checks every fault must pass (see `assertInvariants` below). */
  assertInvariants(result: FaultResult, options: InvariantOptions): void;
  /** A file on origin's main, as text (e.g. `catalog/openai/gpt-image-1-mini.json`). */
  originFile(file: string, branch?: string): string;
  close(): Promise<void>;
}

const defaultRoutes = (): Record<string, Handler> =>
  Object.fromEntries(SOURCE_IDS.map((id) => [PAGE_PATH[id], text(realPage(id), MARKDOWN)]));

export async function startFaultRun(): Promise<FaultRun> {
  const fx = makeGitFixture({ catalog: useSeededCatalog });
  const github = await startGitHubServer({ token: FAULT_TOKEN, owner: OWNER, repo: REPO, bareRepoPath: fx.bare });
  // startFlakyServer looks routes up per request, so replacing entries of this object re-routes the server.
  const routes = defaultRoutes();
  const vendor = await startFlakyServer(routes);
  let runs = 0;
  let running = false;

  const snapshotCatalog = (): CatalogSnapshot => snapshot(fx);

  const run = async (extraArgs: string[] = [], extraEnv: Record<string, string> = {}): Promise<FaultResult> => {
    if (running) throw new Error("startFaultRun: runs on one harness must not overlap");
    running = true;
    const n = runs++;
    try {
      const dateAt = extraArgs.indexOf("--date");
      const runDate = dateAt >= 0 ? extraArgs[dateAt + 1]! : RUN_DATES[n];
      if (!runDate) throw new Error(`startFaultRun: one harness holds ${RUN_DATES.length} runs; start another one`);
      const runDir = path.join(fx.root, "runs", String(n));
      const summaryFile = path.join(fx.root, `summary-${n}.md`);
      const args = ["run"];
      if (!extraArgs.includes("--replay")) args.push("--replay", vendor.origin);
      if (dateAt < 0) args.push("--date", runDate);
      args.push("--run-dir", runDir, ...extraArgs);
      if (!extraArgs.includes("--only")) args.push(...ONLY_FAULT_SOURCES);
      const hitsBefore = Object.fromEntries(SOURCE_IDS.map((id) => [id, vendor.hits(PAGE_PATH[id])]));
      const requestsBefore = github.requests.length;
      const t0 = performance.now();
      const cli = await runCli(args, {
        cwd: fx.work,
        env: {
          GITHUB_TOKEN: FAULT_TOKEN,
          GH_TOKEN: "",
          GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
          GITHUB_API_URL: github.url,
          GITHUB_STEP_SUMMARY: summaryFile,
          GITHUB_RUN_ID: "",
          ...FAST_FETCH_ENV,
          ...extraEnv,
        },
      });
      const ms = Math.round(performance.now() - t0);
      const reportFile = path.join(runDir, "report.json");
      const reportText = existsSync(reportFile) ? readFileSync(reportFile, "utf8") : undefined;
      return {
        ...cli,
        report: reportText === undefined ? undefined : RunReport.parse(JSON.parse(reportText)),
        reportText,
        summary: existsSync(summaryFile) ? readFileSync(summaryFile, "utf8") : undefined,
        runDir,
        runDate,
        hits: Object.fromEntries(SOURCE_IDS.map((id) => [id, vendor.hits(PAGE_PATH[id]) - hitsBefore[id]!])) as Record<SourceId, number>,
        githubRequests: github.requests.slice(requestsBefore),
        ms,
      };
    } finally {
      Object.assign(routes, defaultRoutes());
      running = false;
    }
  };

  const harness: FaultRun = {
    fx,
    github,
    vendor,
    setRoute(sourceId, handler) {
      routes[PAGE_PATH[sourceId]] = handler;
    },
    run,
    snapshotCatalog,
    assertInvariants: (result, options) => assertInvariants(harness, result, options),
    originFile: (file, branch = "main") => fx.git(["show", `${branch}:${file}`], fx.bare),
    async close() {
      await vendor.close();
      await github.close();
      fx.cleanup();
    },
  };
  return harness;
}

/**
 * What every fault must leave true:
 * - the exit status is 1 when a source failed (0 when none was made to fail);
 * - the report exists and names each failed source as not `ok`, with a reason and problems that each say where;
 * - no catalog file covered by a failed source (an entry whose `sources[].source` is its id), nor any
 *   `untouched` entry, changed by a byte in the checkout or on origin's main; on a PR branch such a file
 *   holds its own earlier bytes or main's from before the run (another source's PR branch is rebuilt on the
 *   base), never new ones; and no GitHub request of the run mentions a failed source's PR branch;
 * - every other source is `ok`, verified at least one entry, and each entry its diff calls verified has
 *   `lastVerified` = the run date on origin's main (or its earlier, later value: it never moves backwards);
 * - the token is in none of stdout, stderr, the report file and the step summary;
 * - the GitHub server saw no request outside GitHub's OpenAPI description, and answered none wrongly.
 */
function assertInvariants(h: FaultRun, result: FaultResult, options: InvariantOptions): void {
  const failed: readonly SourceId[] = options.failedSource === undefined ? [] : typeof options.failedSource === "string" ? [options.failedSource] : options.failedSource;
  const context = `${result.stderr}\n${result.stdout}`;

  // Exit status and report.
  expect(result.status, context).toBe(failed.length > 0 ? 1 : 0);
  expect(result.report, `no report was written\n${context}`).toBeDefined();
  const report = result.report!;
  expect(report.exitCode).toBe(result.status);
  expect(report.runDate).toBe(result.runDate);
  for (const id of failed) {
    const s = report.sources.find((x) => x.source === id);
    expect(s, `${id} is not in the report`).toBeDefined();
    expect(s!.status, `${id} should not be ok`).not.toBe("ok");
    expect(s!.reason ?? "", `${id} has no reason`).toMatch(/\S/);
    expect(s!.problems.length, `${id} lists no problem`).toBeGreaterThan(0);
    for (const p of s!.problems) {
      expect(p.message).toMatch(/\S/);
      expect(p.where, `problem "${p.message}" says not where`).toMatch(/\S/);
    }
    expect(s!.pullRequest, `${id} failed but has a pull request entry`).toBeUndefined();
    const covered = coveredIds(options.before, [id]);
    expect((report.verification?.entries ?? []).filter((e) => covered.includes(e)), `${id} failed but its entries were verified`).toEqual([]);
  }

  // Files of failed sources (and untouched entries) are byte-identical everywhere.
  const after = h.snapshotCatalog();
  const byId = entryFiles(options.before);
  const guarded = new Set([...coveredIds(options.before, failed), ...(options.untouched ?? [])]);
  const files = [...guarded].map((id) => {
    const file = byId.get(id);
    expect(file, `no catalog file for ${id}`).toBeDefined();
    return file!;
  });
  const locations = new Set([...options.before.keys(), ...after.keys()].map((k) => k.slice(0, k.indexOf(":"))));
  for (const where of locations) {
    for (const file of files) {
      // main and the checkout keep their bytes. Another source's PR branch is rebuilt on the base, so there the
      // file may also have become main's bytes from before the run, but never anything new.
      const allowed = [options.before.get(`${where}:${file}`), where === "origin/main" ? undefined : options.before.get(`origin/main:${file}`)].filter(
        (b): b is Buffer => b !== undefined,
      );
      const now = after.get(`${where}:${file}`);
      expect(now, `${file} is gone from ${where}`).toBeDefined();
      expect(
        allowed.some((b) => b.equals(now!)),
        `${file} changed on ${where} although its source failed or the entry must stay untouched`,
      ).toBe(true);
    }
  }
  for (const id of failed) {
    const branch = `catalog-freshness/${id}`;
    const touching = result.githubRequests.filter((q) => JSON.stringify([q.path, q.query, q.body]).includes(branch));
    expect(touching.map((q) => `${q.method} ${q.path}`), `GitHub requests about ${branch}`).toEqual([]);
  }

  // Healthy sources still verified, and that verification is on origin's main.
  for (const s of report.sources) {
    if (failed.includes(s.source as SourceId)) continue;
    expect(s.status, `${s.source} should be ok: ${s.reason ?? ""}`).toBe("ok");
    const verified = (s.diff?.entries ?? []).filter((e) => e.outcome === "verified").map((e) => e.model);
    expect(verified.length, `${s.source} verified nothing`).toBeGreaterThan(0);
    for (const id of verified) {
      const file = byId.get(id)!;
      const was = JSON.parse(options.before.get(`origin/main:${file}`)!.toString("utf8")) as { lastVerified: string };
      const now = JSON.parse(after.get(`origin/main:${file}`)!.toString("utf8")) as { lastVerified: string };
      const expected = was.lastVerified > result.runDate ? was.lastVerified : result.runDate;
      expect(now.lastVerified, `${id} lastVerified on origin/main`).toBe(expected);
    }
  }

  // No secret anywhere a person or an artifact reads.
  for (const [what, textOut] of [
    ["stdout", result.stdout],
    ["stderr", result.stderr],
    ["report.json", result.reportText ?? ""],
    ["step summary", result.summary ?? ""],
  ] as const) {
    expect(textOut.includes(FAULT_TOKEN), `the token leaked into ${what}`).toBe(false);
  }

  expect(h.github.violations).toEqual([]);
  expect(h.github.responseViolations).toEqual([]);
}

// ---------------------------------------------------------------------------------------------------------

function snapshot(fx: GitFixture): CatalogSnapshot {
  const out: CatalogSnapshot = new Map();
  const walk = (dir: string, rel: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.isDirectory()) walk(path.join(dir, d.name), `${rel}/${d.name}`);
      else out.set(`work:${rel}/${d.name}`, readFileSync(path.join(dir, d.name)));
    }
  };
  walk(fx.catalogDir, "catalog");

  const branches = fx.git(["for-each-ref", "--format=%(refname:short)", "refs/heads"], fx.bare).split("\n").filter(Boolean);
  const blobs: { key: string; sha: string }[] = [];
  for (const branch of branches) {
    for (const line of fx.git(["ls-tree", "-r", branch, "--", "catalog"], fx.bare).split("\n")) {
      const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line);
      if (m) blobs.push({ key: `origin/${branch}:${m[2]}`, sha: m[1]! });
    }
  }
  if (blobs.length > 0) {
    const raw = execFileSync("git", ["cat-file", "--batch"], { cwd: fx.bare, input: `${blobs.map((b) => b.sha).join("\n")}\n`, maxBuffer: 256 * 1024 * 1024 });
    let at = 0;
    for (const b of blobs) {
      const nl = raw.indexOf(10, at);
      const [sha, , size] = raw.subarray(at, nl).toString("utf8").split(" ");
      if (sha !== b.sha) throw new Error(`git cat-file --batch: expected ${b.sha}, got ${sha}`);
      const start = nl + 1;
      out.set(b.key, Buffer.from(raw.subarray(start, start + Number(size))));
      at = start + Number(size) + 1;
    }
  }
  return out;
}

/** model id → `catalog/…` path, from the checkout's files in a snapshot. */
function entryFiles(s: CatalogSnapshot): Map<string, string> {
  const map = new Map<string, string>();
  for (const [key, bytes] of s) {
    if (!key.startsWith("work:") || !key.endsWith(".json")) continue;
    const id = (JSON.parse(bytes.toString("utf8")) as { id?: string }).id;
    if (id) map.set(id, key.slice("work:".length));
  }
  return map;
}

/** Ids of the entries any of these sources covers (`sources[].source`), from the checkout's files. */
function coveredIds(s: CatalogSnapshot, sources: readonly string[]): string[] {
  const ids: string[] = [];
  for (const [key, bytes] of s) {
    if (!key.startsWith("work:") || !key.endsWith(".json")) continue;
    const entry = JSON.parse(bytes.toString("utf8")) as { id: string; sources?: { source: string }[] };
    if (entry.sources?.some((r) => sources.includes(r.source))) ids.push(entry.id);
  }
  return ids;
}
