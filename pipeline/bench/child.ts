import { spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { RssSampler } from "./rss.ts";

/**
 * Each figure is measured in a process of its own (`node --import tsx pipeline/bench/<figure>.ts`), so
 * memory and warm caches of one measurement never leak into the next. A child writes human progress to
 * stderr and, last, one line `BENCH_RESULT <json>` to stdout.
 */
const RESULT_PREFIX = "BENCH_RESULT ";

export function emit(result: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** True when this module is the script node was started with (not imported by another module or a test). */
export function isMain(importMetaUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(path.resolve(script)).href === importMetaUrl;
}

/** Run `main` as a child's whole job: its result is emitted, a throw is printed and exits 1. */
export function runAsChild(importMetaUrl: string, main: (args: string[]) => Promise<unknown>): void {
  if (!isMain(importMetaUrl)) return;
  main(process.argv.slice(2)).then(
    (result) => {
      emit(result);
      // Lingering handles (a keep-alive socket, a browser pipe) must not keep the child alive.
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}

export interface ChildRun<T> {
  result: T;
  /** Wall time of the whole child, node and tsx start-up included. */
  wallMs: number;
  /** Peak of the child's RSS plus all its descendants' (e.g. Chromium), sampled every 50 ms. */
  peakTreeRssBytes: number;
  /** The tree's PSS (shared pages split, not counted per process), read at the RSS peaks. */
  peakTreePssBytes: number;
  processesAtPeak: number;
}

const TSX = import.meta.resolve("tsx");

/** Spawn `pipeline/bench/<script>` with args, sample its process tree's RSS, and return what it emitted. */
export function runChild<T>(script: string, args: readonly string[], options: { label: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<ChildRun<T>> {
  const file = path.join(import.meta.dirname, script);
  const began = performance.now();
  const child = spawn(process.execPath, ["--import", TSX, file, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: options.env ?? process.env,
  });
  const sampler = new RssSampler(child.pid!);
  let stdout = "";
  let stderrTail = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  let partial = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) process.stderr.write(`  [${options.label}] ${line}\n`);
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const rss = sampler.stop();
      if (partial) process.stderr.write(`  [${options.label}] ${partial}\n`);
      const line = stdout.split("\n").reverse().find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) {
        const why = signal ? `killed by ${signal}${signal === "SIGKILL" ? ` (over ${options.timeoutMs} ms?)` : ""}` : `exit code ${code}`;
        reject(new Error(`${script} ${args.join(" ")} failed (${why})${line ? "" : ", no result line"}\n${stderrTail.trim()}`));
        return;
      }
      resolve({
        result: JSON.parse(line.slice(RESULT_PREFIX.length)) as T,
        wallMs: Math.round(performance.now() - began),
        peakTreeRssBytes: rss.peakBytes,
        peakTreePssBytes: rss.peakPssBytes,
        processesAtPeak: rss.processesAtPeak,
      });
    });
  });
}
