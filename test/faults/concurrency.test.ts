/**
 * Process-level faults of the real pipeline: two runs on one checkout at once, locks left behind by
 * killed runs, and a run SIGKILLed in the middle of writing the catalog.
 */
import { existsSync, readdirSync, readFileSync, utimesSync, watch, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FAULT_DATE, ONLY_FAULT_SOURCES } from "../support/fault-pages.ts";
import { loadCatalog } from "../../pipeline/catalog/validate.ts";
import { runCli } from "../support/cli.ts";
import {
  deadPid,
  expectAtMostOneOpenPrPerBranch,
  expectNoLeakAndNoViolations,
  type FaultWorld,
  isAlive,
  LOCK_NAME,
  PR_BRANCH,
  snapshotTree,
  spawnPipeline,
  startFaultWorld,
  startGatedProxy,
} from "../support/fault-helpers.ts";

let world: FaultWorld | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await world?.close();
  world = undefined;
});

const lockFile = (w: FaultWorld) => path.join(w.fx.work, ".git", LOCK_NAME);
const lockHolder = (w: FaultWorld): { pid: number } | undefined => {
  try {
    const data = JSON.parse(readFileSync(lockFile(w), "utf8")) as { pid?: unknown };
    return typeof data.pid === "number" ? { pid: data.pid } : undefined;
  } catch {
    return undefined;
  }
};

/** Wait for `event`; fail at once (with the run's output) if the run ends first. */
async function untilOrFail(event: Promise<void>, run: Promise<{ status: number | null; stdout: string; stderr: string }>): Promise<void> {
  const ended = run.then((r) => {
    throw new Error(`the run ended (exit ${r.status}) before it reached the point under test:\n${r.stderr}\n${r.stdout}`);
  });
  ended.catch(() => {});
  await Promise.race([event, ended]);
}

/** Wait until every thread of `pid` is stopped (SIGSTOP is delivered asynchronously); false if it is gone. */
function waitStopped(pid: number): boolean {
  // Generous: on a loaded machine the stop reaches every thread late, never early.
  const until = Date.now() + 15_000;
  for (;;) {
    let states: string[];
    try {
      states = readdirSync(`/proc/${pid}/task`).map((t) => /\) (\S)/.exec(readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8"))?.[1] ?? "?");
    } catch {
      return false;
    }
    if (states.every((st) => st === "T" || st === "t")) return true;
    if (states.some((st) => st === "Z" || st === "X")) return false;
    if (Date.now() > until) throw new Error(`pid ${pid} did not stop: ${states.join("")}`);
  }
}

/** After any number of runs on one checkout: one verification commit on origin, one PR, nothing interleaved. */
function expectOneCleanPublication(w: FaultWorld, baseBefore: string): void {
  const log = w.originLog();
  expect(log, "origin main: the seed commit plus exactly one verification commit").toHaveLength(2);
  expect(log[0]).toMatch(/^catalog: verify \d+ entries on 2026-08-15$/);
  expect(w.fx.git(["rev-parse", "main^"], w.fx.bare).trim()).toBe(baseBefore);
  expect(w.server.state.pulls.map((p) => [p.head.ref, p.state])).toEqual([[PR_BRANCH, "open"]]);
  expect(w.server.requests.filter((q) => q.method === "POST" && q.path.endsWith("/pulls") && q.status === 201)).toHaveLength(1);
  expectAtMostOneOpenPrPerBranch(w.server);
  // The PR branch is exactly one commit on top of the verification commit: no commit of the other run mixed in.
  expect(w.fx.git(["rev-list", "--count", `main..${PR_BRANCH}`], w.fx.bare).trim()).toBe("1");
  expect(w.fx.git(["merge-base", "main", PR_BRANCH], w.fx.bare).trim()).toBe(w.originHead());
  // The checkout is back on main, at origin's main, clean, and the lock is gone.
  expect(w.fx.git(["rev-parse", "--abbrev-ref", "HEAD"]).trim()).toBe("main");
  expect(w.fx.git(["rev-parse", "HEAD"]).trim()).toBe(w.originHead());
  expect(w.fx.git(["status", "--porcelain"])).toBe("");
  expect(existsSync(lockFile(w))).toBe(false);
}

describe("4. two runs on one checkout, and locks left behind", () => {
  it("a second run started while the first holds the lock exits 2 naming the lock, and nothing interleaves", async () => {
    world = await startFaultWorld();
    const w = world;
    const baseBefore = w.originHead();
    const gated = await startGatedProxy(w.server.url);
    cleanups.push(() => gated.close());

    // The first run takes the lock, pushes its verification, then waits at its first GitHub API call.
    const first = w.run([], { GITHUB_API_URL: gated.url });
    await untilOrFail(gated.firstRequest, first);
    const holder = lockHolder(w);
    expect(holder, "the first run holds the lock while it publishes").toBeDefined();
    expect(isAlive(holder!.pid)).toBe(true);
    const originMeanwhile = w.originHead();

    const second = await w.run();
    expect(second.status, second.stderr + second.stdout).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`another catalog-freshness run \\(pid ${holder!.pid}, started [^)]+\\) is using this checkout`));
    expect(second.stderr).toContain(lockFile(w));
    expect(second.report).toBeUndefined();
    expect(existsSync(second.runDir)).toBe(false);
    // The refused run did nothing: origin, GitHub and the lock are as the first run left them.
    expect(w.originHead()).toBe(originMeanwhile);
    expect(w.server.requests).toEqual([]);
    expect(lockHolder(w)).toEqual(holder);

    gated.release();
    const r = await first;
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expectOneCleanPublication(w, baseBefore);
    expectNoLeakAndNoViolations(w);
  });

  it("two runs started at the same moment: one publishes; the other is refused on the lock or finds nothing left to do", async () => {
    world = await startFaultWorld();
    const w = world;
    const baseBefore = w.originHead();

    const [a, b] = await Promise.all([w.run(), w.run()]);

    const statuses = [a.status, b.status].sort();
    expect([[0, 0], [0, 2]], `exit statuses ${statuses.join(", ")}\n${a.stderr}\n${b.stderr}`).toContainEqual(statuses);
    for (const r of [a, b]) {
      if (r.status === 2) {
        expect(r.stderr).toMatch(/another catalog-freshness run .*(lock: .*catalog-freshness\.lock)/);
        expect(r.report).toBeUndefined();
      }
    }
    expectOneCleanPublication(w, baseBefore);
    expectNoLeakAndNoViolations(w);
  });

  it("a stale lock (its pid is dead) does not block the next run, which takes it over and removes it", async () => {
    world = await startFaultWorld();
    const w = world;
    const baseBefore = w.originHead();
    const pid = deadPid();
    writeFileSync(lockFile(w), JSON.stringify({ pid, since: "2026-08-15T01:00:00.000Z" }));

    const r = await w.run();

    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).not.toMatch(/another catalog-freshness run/);
    expectOneCleanPublication(w, baseBefore);
    expectNoLeakAndNoViolations(w);
  });

  it("a lock left by a run SIGKILLed mid-run (while publishing) does not block the next run", async () => {
    world = await startFaultWorld();
    const w = world;
    const baseBefore = w.originHead();
    const gated = await startGatedProxy(w.server.url);
    cleanups.push(() => gated.close());

    const killed = spawnPipeline(["run", "--replay", w.pages, "--date", FAULT_DATE, "--run-dir", w.runDir(), ...ONLY_FAULT_SOURCES], {
      cwd: w.fx.work,
      env: w.env({ GITHUB_API_URL: gated.url }),
    });
    cleanups.push(() => void killed.child.kill("SIGKILL"));
    await untilOrFail(gated.firstRequest, killed.done);
    expect(lockHolder(w)?.pid, "the lock holds the pid of the process under test").toBe(killed.child.pid);
    killed.child.kill("SIGKILL");
    const k = await killed.done;
    expect(k.signal).toBe("SIGKILL");
    expect(lockHolder(w)?.pid, "the killed run's lock is still there").toBe(killed.child.pid);
    w.outputs.push(k.stdout, k.stderr);

    const r = await w.run();

    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).not.toMatch(/another catalog-freshness run/);
    expectOneCleanPublication(w, baseBefore);
    expectNoLeakAndNoViolations(w);
  });

  it("an empty lock file (a run killed between creating and filling it) older than a few seconds does not block", async () => {
    world = await startFaultWorld();
    const w = world;
    const baseBefore = w.originHead();
    writeFileSync(lockFile(w), "");
    const past = new Date(Date.now() - 60_000);
    utimesSync(lockFile(w), past, past);

    const r = await w.run();

    expect(r.status, r.stderr + r.stdout).toBe(0);
    expectOneCleanPublication(w, baseBefore);
    expectNoLeakAndNoViolations(w);
  });
});

describe("5. the process killed while it writes the catalog", () => {
  /** write-file-atomic's temporary name: `<file>.json.<uint32>`, renamed over the file when complete. */
  const TEMP_FILE = /\.json\.\d+$/;
  const NO_TOKEN = { GITHUB_TOKEN: "", GITHUB_REPOSITORY: "" };

  it("every catalog file is either its old bytes or the canonical new bytes, validate passes, and the lock left behind does not block", { timeout: 180_000 }, async () => {
    world = await startFaultWorld();
    const w = world;
    const catalogDir = w.fx.catalogDir;
    const vendors = readdirSync(catalogDir);
    const restore = () => {
      w.fx.git(["checkout", "--quiet", "--", "catalog"]);
      w.fx.git(["clean", "-fdq", "--", "catalog"]);
    };
    const oldBytes = snapshotTree(catalogDir);

    /**
     * Run the pipeline in no-token mode (it writes into the working tree), watching the catalog's directories;
     * `killAtEvent`: SIGKILL it as the n-th file event (temp file created, written, renamed…) arrives.
     * Counting events rather than milliseconds keeps the kill moments inside the writing however loaded the machine.
     */
    const runOnce = async (killAtEvent: number | undefined) => {
      let events = 0;
      const p = spawnPipeline(["run", "--replay", w.pages, "--date", FAULT_DATE, "--run-dir", w.runDir(), ...ONLY_FAULT_SOURCES], { cwd: w.fx.work, env: w.env(NO_TOKEN) });
      cleanups.push(() => void p.child.kill("SIGKILL"));
      const watchers = vendors.map((v) =>
        watch(path.join(catalogDir, v), () => {
          if (++events === killAtEvent) p.child.kill("SIGKILL");
        }),
      );
      const result = await p.done;
      for (const x of watchers) x.close();
      return { result, pid: p.child.pid!, events };
    };

    // Calibration: an uninterrupted run gives the canonical new bytes and how many file events the writing makes.
    const full = await runOnce(undefined);
    expect(full.result.status, full.result.stderr).toBe(0);
    const newBytes = snapshotTree(catalogDir);
    const changed = [...oldBytes.keys()].filter((rel) => !newBytes.get(rel)!.equals(oldBytes.get(rel)!));
    expect(changed.length, "files the run rewrites").toBeGreaterThan(10);
    expect([...newBytes.keys()].sort()).toEqual([...oldBytes.keys()].sort());
    expect(existsSync(lockFile(w))).toBe(false);

    /**
     * The catalog as a process killed now would leave it: every file old or new, nothing else but
     * unfinished temporary files of the atomic write (which the loader ignores). Returns how many are new.
     */
    const checkState = (moment: string) => {
      const after = snapshotTree(catalogDir);
      let nNew = 0;
      for (const [rel, old] of oldBytes) {
        const now = after.get(rel);
        expect(now, `${rel} disappeared (${moment})`).toBeDefined();
        expect(() => JSON.parse(now!.toString("utf8")), `${rel} is not JSON (${moment})`).not.toThrow();
        const isOld = now!.equals(old);
        const isNew = now!.equals(newBytes.get(rel)!);
        expect(isOld || isNew, `${rel} is neither its old nor its new bytes (${moment})`).toBe(true);
        if (!isOld && isNew) nNew++;
      }
      const extra = [...after.keys()].filter((rel) => !oldBytes.has(rel));
      for (const rel of extra) expect(rel, `an unexpected file in the catalog (${moment})`).toMatch(TEMP_FILE);
      return { nNew, extra };
    };

    // Frozen at every write: SIGSTOP the writer on each file event, check what a SIGKILL at that instant
    // would leave (written bytes are visible to other processes; the process's death changes nothing of
    // them), SIGCONT. One run samples every step of every file write, e.g. between a truncate and a write.
    restore();
    const frozen = { samples: 0, mixed: 0, failures: [] as string[] };
    {
      const p = spawnPipeline(["run", "--replay", w.pages, "--date", FAULT_DATE, "--run-dir", w.runDir(), ...ONLY_FAULT_SOURCES], { cwd: w.fx.work, env: w.env(NO_TOKEN) });
      cleanups.push(() => void p.child.kill("SIGKILL"));
      const pid = p.child.pid!;
      const watchers = vendors.map((v) =>
        watch(path.join(catalogDir, v), () => {
          if (!p.child.kill("SIGSTOP")) return; // already gone
          try {
            if (!waitStopped(pid)) return;
            frozen.samples++;
            const { nNew } = checkState(`frozen sample ${frozen.samples}`);
            if (nNew > 0 && nNew < changed.length) frozen.mixed++;
          } catch (err) {
            frozen.failures.push((err as Error).message);
          } finally {
            p.child.kill("SIGCONT");
          }
        }),
      );
      const r = await p.done;
      for (const x of watchers) x.close();
      w.outputs.push(r.stdout, r.stderr);
      expect(r.status, r.stderr).toBe(0);
    }
    expect(frozen.failures.slice(0, 3), JSON.stringify({ samples: frozen.samples })).toEqual([]);
    expect(frozen.mixed, "samples taken mid-write").toBeGreaterThan(changed.length / 2);

    // Kill moments from the first file event to the last, spread evenly; the middle one last, so the state
    // the checks after the loop see is one killed mid-write.
    const KILLS = 10;
    const killAt = Array.from({ length: KILLS }, (_, i) => 1 + Math.round((i / (KILLS - 1)) * (full.events - 1)));
    killAt.push(...killAt.splice(KILLS / 2, 1));
    const seen = { allOld: 0, mixed: 0, allNew: 0, tempFiles: 0, locksLeft: 0 };
    let last = { pid: 0, mixed: false };
    for (const [i, at] of killAt.entries()) {
      restore();
      const k = await runOnce(at);
      expect(isAlive(k.pid)).toBe(false);
      w.outputs.push(k.result.stdout, k.result.stderr);

      const { nNew, extra } = checkState(`kill ${i} at file event ${at}`);
      seen.tempFiles += extra.length;
      const catalog = await loadCatalog(catalogDir);
      expect(catalog.problems, `kill ${i}`).toEqual([]);
      if (nNew === 0) seen.allOld++;
      else if (nNew === changed.length) seen.allNew++;
      else seen.mixed++;
      // A run killed before it finished leaves its lock behind (naming the dead process); one killed
      // mid-write always does (the lock is released only after the report is written).
      const holder = lockHolder(w);
      if (holder) {
        expect(holder.pid).toBe(k.pid);
        seen.locksLeft++;
      }
      const mixed = nNew > 0 && nNew < changed.length;
      if (mixed) expect(holder, `kill ${i}: killed mid-write but no lock left`).toBeDefined();
      last = { pid: k.pid, mixed };
    }
    // The kills did land while files were being written, not only before or after.
    expect(seen.mixed, JSON.stringify({ ...seen, events: full.events })).toBeGreaterThan(0);

    // Afterwards (the state the last kill left): validate passes, and the lock left behind does not block the next run.
    const validate = await runCli(["validate"], { cwd: w.fx.work });
    expect(validate.status, validate.stderr).toBe(0);
    expect(lockHolder(w)?.pid, `the lock left by the last kill (at file event ${killAt.at(-1)}, mid-write: ${last.mixed})`).toBe(last.pid);
    const next = await runCli(["run", "--replay", w.pages, "--date", FAULT_DATE, "--run-dir", w.runDir(), ...ONLY_FAULT_SOURCES], { cwd: w.fx.work, env: w.env(NO_TOKEN) });
    expect(next.status, next.stderr).toBe(0);
    expect(existsSync(lockFile(w))).toBe(false);
    const final = snapshotTree(catalogDir);
    for (const [rel, bytes] of newBytes) expect(final.get(rel)?.equals(bytes), `${rel} after the run that followed the kill`).toBe(true);
    expect(w.server.requests).toEqual([]);
    w.outputs.push(full.result.stdout, full.result.stderr, validate.stdout, validate.stderr, next.stdout, next.stderr);
    expectNoLeakAndNoViolations(w);
    console.info(
      `kill-while-writing: ${full.events} file events; ${frozen.samples} frozen samples (${frozen.mixed} mid-write); kills at events ${killAt.join("/")}: ${JSON.stringify(seen)}`,
    );
  });
});
