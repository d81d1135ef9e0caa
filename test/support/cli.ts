import { spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * For tests about something other than pictures: the evidence screenshots (a Chromium render per changed model, most
 * of a whole run's time) are tested in test/evidence and test/demo, and a run without a Chromium says so and goes on.
 */
export const NO_SCREENSHOTS_ENV: Readonly<Record<string, string>> = { CHROMIUM_PATH: "/nonexistent/no-chromium-for-this-test" };

/**
 * tsx's loader, by file URL (tests run the CLI from temporary checkouts with no node_modules). Loaded with
 * `--import` into the one node process: the `tsx` command would start a second node process per run.
 */
const TSX_LOADER = pathToFileURL(path.join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs")).href;

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run `npm run catalog -- <args>` the way a maintainer does, as a real process (without Chromium for the
 * evidence screenshots unless `screenshots` is set: see NO_SCREENSHOTS_ENV). Asynchronous on purpose:
 * the servers a test starts (GitHub API, vendor pages) live in the test's own event loop.
 */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; screenshots?: boolean } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(process.env.PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.PROF_DIR}`] : []), "--import", TSX_LOADER, path.join(REPO_ROOT, "pipeline/cli.ts"), ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      // No evidence screenshots unless the test asks for them (`screenshots: true`) or names its own CHROMIUM_PATH.
      env: { ...process.env, ...(options.screenshots ? {} : NO_SCREENSHOTS_ENV), ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
