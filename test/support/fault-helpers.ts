/**
 * Shared pieces of the fault tests (test/faults/catalog-git-github.test.ts, test/faults/concurrency.test.ts):
 * a "world" (git fixture + local GitHub API + the demo's real pages), the real CLI run against it,
 * byte snapshots of the catalog, and the secret / OpenAPI checks every fault case ends with.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import http from "node:http";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "vitest";
import { FAULT_DATE, FAULT_REPLAY_PAGES, ONLY_FAULT_SOURCES, useSeededCatalog } from "./fault-pages.ts";
import { type GitHubServer, startGitHubServer } from "../../pipeline/demo/github-server.ts";
import { RunReport } from "../../schemas/run-report.ts";
import { type CliResult, NO_SCREENSHOTS_ENV, REPO_ROOT, runCli } from "./cli.ts";
import { type GitFixture, makeGitFixture } from "./git-fixture.ts";

/** Looks like a real GitHub Actions token, so a leak of it would be a leak of a real one. */
export const SECRET_TOKEN = "ghs_FAULT_SECRET_7f3c9a1e5b2d8046c1e9f7a3b5d2c8e0";
export const OWNER = "acme";
export const REPO = "catalog";
export const PR_BRANCH = "catalog-freshness/openai-pricing";
export const LOCK_NAME = "catalog-freshness.lock";

export interface RunOutcome extends CliResult {
  runDir: string;
  /** `<run-dir>/report.json`, parsed with the RunReport schema; undefined when the run wrote none. */
  report: RunReport | undefined;
  /** The raw report text (for secret checks), or "" when there is none. */
  reportText: string;
}

export interface FaultWorld {
  fx: GitFixture;
  server: GitHubServer;
  /** The four real pages of the fault tests, named `<source-id>.md` as --replay expects. */
  pages: string;
  /** The Actions variables of a healthy run (override any of them per run). */
  env(extra?: Record<string, string>): Record<string, string>;
  /** `catalog run --replay <pages> --date FAULT_DATE --run-dir <fresh dir> --only <the four sources> …args` in the fixture checkout, via runCli. */
  run(args?: string[], extraEnv?: Record<string, string>): Promise<RunOutcome>;
  /** A fresh run directory under the fixture root. */
  runDir(): string;
  /** Every output of every run so far (stdout, stderr, report), for the secret check. */
  outputs: string[];
  originHead(branch?: string): string;
  /** `git log --format=%s` of origin's branch, newest first. */
  originLog(branch?: string): string[];
  close(): Promise<void>;
}

let runCounter = 0;

export async function startFaultWorld(options: { catalog?: (catalogDir: string) => void } = {}): Promise<FaultWorld> {
  // The seeded catalog (matching the four pages but for gpt-image-1-mini), then whatever the test breaks in it.
  const fx = makeGitFixture({
    catalog: (dir) => {
      useSeededCatalog(dir);
      options.catalog?.(dir);
    },
  });
  const server = await startGitHubServer({ token: SECRET_TOKEN, owner: OWNER, repo: REPO, bareRepoPath: fx.bare });
  const pages = path.join(fx.root, "pages");
  mkdirSync(pages);
  for (const [name, file] of Object.entries(FAULT_REPLAY_PAGES)) cpSync(path.join(REPO_ROOT, file), path.join(pages, name));
  const outputs: string[] = [];
  /** The Actions job summary the runs append to: checked for secrets like the rest. */
  const summary = path.join(fx.root, "step-summary.md");
  const env = (extra: Record<string, string> = {}) => ({
    GITHUB_TOKEN: SECRET_TOKEN,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_API_URL: server.url,
    GITHUB_STEP_SUMMARY: summary,
    GH_TOKEN: "",
    // runCli leaves Chromium out by itself; spawnPipeline (a run to kill mid-way) is given the same.
    ...NO_SCREENSHOTS_ENV,
    ...extra,
  });
  const world: FaultWorld = {
    fx,
    server,
    pages,
    env,
    outputs,
    runDir: () => path.join(fx.root, `run-${++runCounter}`),
    async run(args = [], extraEnv = {}) {
      const runDir = world.runDir();
      const only = args.includes("--only") ? [] : ONLY_FAULT_SOURCES;
      const result = await runCli(["run", "--replay", pages, "--date", FAULT_DATE, "--run-dir", runDir, ...only, ...args], { cwd: fx.work, env: env(extraEnv) });
      const outcome = { ...result, runDir, ...readReport(runDir) };
      outputs.push(outcome.stdout, outcome.stderr, outcome.reportText);
      return outcome;
    },
    originHead: (branch = "main") => fx.git(["rev-parse", branch], fx.bare).trim(),
    originLog: (branch = "main") => fx.git(["log", "--format=%s", branch], fx.bare).trim().split("\n"),
    async close() {
      await server.close();
      fx.cleanup();
    },
  };
  return world;
}

export function readReport(runDir: string): { report: RunReport | undefined; reportText: string } {
  const file = path.join(runDir, "report.json");
  if (!existsSync(file)) return { report: undefined, reportText: "" };
  const reportText = readFileSync(file, "utf8");
  return { report: RunReport.parse(JSON.parse(reportText)), reportText };
}

/** Every file under `dir` (relative path → bytes), including non-JSON leftovers. */
export function snapshotTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string) => {
    for (const d of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(r);
      else out.set(r, readFileSync(path.join(dir, r)));
    }
  };
  walk("");
  return out;
}

export function expectSameTree(actual: Map<string, Buffer>, expected: Map<string, Buffer>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  const differing = [...expected].filter(([rel, bytes]) => !actual.get(rel)?.equals(bytes)).map(([rel]) => rel);
  expect(differing, "files whose bytes changed").toEqual([]);
}

/** The two checks every fault case ends with: no token anywhere a person or an artifact sees, no off-spec request. */
export function expectNoLeakAndNoViolations(world: FaultWorld, secrets: readonly string[] = [SECRET_TOKEN]): void {
  const summary = path.join(world.fx.root, "step-summary.md");
  for (const text of [...world.outputs, existsSync(summary) ? readFileSync(summary, "utf8") : ""]) {
    for (const secret of secrets) expect(text.includes(secret), `a secret leaked into:\n${text.slice(0, 2000)}`).toBe(false);
  }
  expect(world.server.violations).toEqual([]);
  expect(world.server.responseViolations).toEqual([]);
}

/** Open pull requests per head branch: never more than one each. */
export function expectAtMostOneOpenPrPerBranch(server: GitHubServer): void {
  const open = new Map<string, number>();
  for (const pr of server.state.pulls) if (pr.state === "open") open.set(pr.head.ref, (open.get(pr.head.ref) ?? 0) + 1);
  for (const [branch, n] of open) expect(n, `open pull requests for ${branch}`).toBe(1);
}

/**
 * The pipeline as ONE process (node + tsx's loader, no tsx wrapper process), so that SIGKILL to its pid
 * kills the very process that writes the catalog and holds the lock. (`npm run catalog` / tsx's CLI runs
 * the script in a child process: killing the wrapper would leave the writer running.)
 */
export function spawnPipeline(args: string[], options: { cwd: string; env: Record<string, string> }): { child: ChildProcess; done: Promise<CliResult & { signal: NodeJS.Signals | null }> } {
  const loader = pathToFileURL(path.join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs")).href;
  const child = spawn(process.execPath, ["--import", loader, path.join(REPO_ROOT, "pipeline/cli.ts"), ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return { child, done };
}

/** The pid of a process that has exited (for a stale lock). */
export function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  const pid = Number(r.stdout);
  expect(isAlive(pid)).toBe(false);
  return pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface GatedProxy {
  /** Use as GITHUB_API_URL: every request is forwarded to the target once the gate is open. */
  url: string;
  /** Resolves when the first request arrives (it is held until `release()`). */
  firstRequest: Promise<void>;
  release(): void;
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy in front of the local GitHub API that holds every request until `release()`.
 * A run whose GITHUB_API_URL points here stops at its first API call, inside the publish step, holding
 * the lock (its verification commit is pushed by then: the push comes before any API call).
 * (`--replay <url>` cannot do this: the CLI resolves the URL as a path, see the report.)
 */
export async function startGatedProxy(target: string): Promise<GatedProxy> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let arrived!: () => void;
  const firstRequest = new Promise<void>((resolve) => (arrived = resolve));
  const to = new URL(target);
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    arrived();
    const body: Buffer[] = [];
    req.on("data", (c: Buffer) => body.push(c));
    req.on("end", () => {
      void gate.then(() => {
        const upstream = http.request(
          { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        upstream.on("error", () => res.destroy());
        upstream.end(Buffer.concat(body));
      });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as import("node:net").AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    firstRequest,
    release,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
