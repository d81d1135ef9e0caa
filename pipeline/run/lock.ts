import { open, readFile, rm, stat } from "node:fs/promises";

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
