import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { open, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

/** The lock's file name, in the repository's git dir (never in the working tree, so never committed). */
export const LOCK_NAME = "catalog-freshness.lock";

/**
 * Where the run lock of the checkout `repoDir` lives: `<git common dir>/catalog-freshness.lock`, found the git
 * way (`git rev-parse --git-common-dir`), so a linked worktree (whose `.git` is a file) and a run from a
 * subdirectory find the same lock as the main checkout. The common dir, not the worktree's own: every worktree of
 * a repository shares its branches, and a run checks out and pushes branches. Not a git checkout, or no git:
 * `{ problem }`, one line saying what is needed.
 */
export async function lockFileFor(repoDir: string): Promise<{ file: string } | { problem: string }> {
  try {
    const { stdout } = await promisify(execFile)("git", ["rev-parse", "--git-common-dir"], { cwd: repoDir });
    return { file: path.join(path.resolve(repoDir, stdout.trim()), LOCK_NAME) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (typeof e.code === "string") {
      // The process did not start: git is missing (or the directory is: spawn says ENOENT for both).
      if (!existsSync(repoDir)) return { problem: `${repoDir} does not exist: run from a clone of the catalog's repository` };
      return { problem: `git could not be run (${e.code}): a run that writes needs git; install it (or put it on PATH), or use --dry-run` };
    }
    const said = (e.stderr || e.message).trim().split("\n")[0];
    return { problem: `${repoDir} is not a git checkout (git: ${said}): a run that writes works in a clone of the catalog's repository; run it there, or use --dry-run` };
  }
}

/** The run holding the lock `file` now, if any (a lock left by a killed run holds nothing). */
export async function lockHolder(file: string): Promise<{ pid: number; since: string } | undefined> {
  const holder = await readHolder(file);
  return holder && isAlive(holder.pid) ? holder : undefined;
}

/**
 * One run per checkout at a time: two runs interleaving git operations would mix branches and commits.
 * The lock is a file created exclusively (O_EXCL) holding the owner's pid; a lock whose process is
 * gone (killed run) is taken over.
 */
export class RunLock {
  private constructor(private readonly file: string) {}

  static async acquire(file: string): Promise<RunLock> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(file, "wx");
        await handle.writeFile(JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
        await handle.close();
        return new RunLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        const holder = await readHolder(file);
        if (!holder && (await youngerThan(file, 10_000))) {
          // Just created by another run that has not written its pid yet.
          throw new LockHeld(`another catalog-freshness run is starting in this checkout (lock: ${file})`);
        }
        if (holder && isAlive(holder.pid)) {
          throw new LockHeld(`another catalog-freshness run (pid ${holder.pid}, started ${holder.since}) is using this checkout; wait for it to finish (lock: ${file})`);
        }
        await rm(file, { force: true }); // stale: its process is gone
      }
    }
    throw new LockHeld(`could not take the lock ${file}`);
  }

  async release(): Promise<void> {
    await rm(this.file, { force: true });
  }
}

export class LockHeld extends Error {}

async function readHolder(file: string): Promise<{ pid: number; since: string } | undefined> {
  try {
    const data = JSON.parse(await readFile(file, "utf8")) as { pid?: unknown; since?: unknown };
    return typeof data.pid === "number" ? { pid: data.pid, since: String(data.since) } : undefined;
  } catch {
    return undefined; // half-written by a process killed at that moment: treat as stale
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function youngerThan(file: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(file)).mtimeMs < ms;
  } catch {
    return false;
  }
}
