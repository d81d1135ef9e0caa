import { readdirSync, readFileSync } from "node:fs";

/**
 * Resident memory of a process and all its descendants (Chromium's browser, zygote, renderer and GPU
 * processes included), from /proc. Linux only: elsewhere `treeRssBytes` returns undefined.
 *
 * The figure is the plain sum of each process's RSS, as `ps` shows it; pages shared between processes
 * (libraries, Chromium's shared memory) are counted once per process, so for a browser it is an upper bound.
 */
export function treeRssBytes(rootPid: number, parents: Map<number, number> = new Map()): number | undefined {
  const tree = treePids(rootPid, parents);
  if (tree === undefined) return undefined;
  let total = 0;
  let seen = false;
  for (const pid of tree) {
    const rss = rssOf(pid);
    if (rss !== undefined) {
      total += rss;
      seen = true;
    }
  }
  return seen ? total : undefined;
}

/**
 * The root and every process below it. `parents` caches pid → ppid between calls (a sampler calls this
 * every 50 ms; reading every /proc/<pid>/stat each time would cost more than the sample is worth).
 */
function treePids(rootPid: number, parents: Map<number, number>): number[] | undefined {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return undefined;
  }
  const alive = new Set<number>();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    alive.add(pid);
    if (!parents.has(pid)) {
      const ppid = parentOf(pid);
      if (ppid !== undefined) parents.set(pid, ppid);
    }
  }
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    if (!alive.has(pid)) {
      parents.delete(pid); // gone; its pid may come back as another process
      continue;
    }
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const out: number[] = [];
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** How many processes the tree has now (the root included). */
export function treeSize(rootPid: number, parents: Map<number, number> = new Map()): number {
  return treePids(rootPid, parents)?.length ?? 0;
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // `pid (comm) state ppid …`; comm may hold spaces and parentheses, so split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(rest[1]);
  } catch {
    return undefined; // gone in the meantime
  }
}

function rssOf(pid: number): number | undefined {
  try {
    // VmRSS is in kB whatever the page size (statm counts pages). Kernel threads have none.
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "latin1"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Proportional set size of the tree: each shared page split between the processes that map it, so the
 * sum is what the tree really holds. Costlier to read than RSS (smaps_rollup walks the mappings).
 */
export function treePssBytes(rootPid: number, parents: Map<number, number> = new Map()): number | undefined {
  const tree = treePids(rootPid, parents);
  if (tree === undefined) return undefined;
  let total = 0;
  for (const pid of tree) {
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "latin1"));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // gone, or no smaps_rollup (kernel < 4.14)
    }
  }
  return total;
}

/** Samples the tree's RSS every `intervalMs` until stopped; `peak` is the largest sum seen (bytes). */
export class RssSampler {
  peak = 0;
  peakProcesses = 0;
  /** PSS of the tree, read whenever the RSS sum reached a new peak. */
  peakPss = 0;
  samples = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly parents = new Map<number, number>();

  constructor(
    private readonly rootPid: number,
    intervalMs = 50,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    const rss = treeRssBytes(this.rootPid, this.parents);
    if (rss === undefined) return;
    this.samples++;
    if (rss > this.peak) {
      this.peak = rss;
      this.peakProcesses = treeSize(this.rootPid, this.parents);
      this.peakPss = Math.max(this.peakPss, treePssBytes(this.rootPid, this.parents) ?? 0);
    }
  }

  stop(): { peakBytes: number; peakPssBytes: number; processesAtPeak: number; samples: number } {
    clearInterval(this.timer);
    return { peakBytes: this.peak, peakPssBytes: this.peakPss, processesAtPeak: this.peakProcesses, samples: this.samples };
  }
}

/** This process's own high-water mark, from the kernel (exact, unlike sampling). */
export function ownMaxRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

export const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
