import PQueue from "p-queue";

/**
 * At most one request at a time per host (`host` = name and port), so a run never hammers a vendor
 * however many of its pages it reads. A fetch holds its host for all its attempts, the waits between
 * them and its redirects (which stay on the host), so a 429's Retry-After is honoured by everyone.
 */
export class HostQueues {
  private readonly queues = new Map<string, PQueue>();

  constructor(private readonly concurrency = 1) {}

  run<T>(url: string, task: () => Promise<T>): Promise<T> {
    const key = hostKey(url);
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new PQueue({ concurrency: this.concurrency });
      this.queues.set(key, queue);
    }
    return queue.add(task);
  }
}

function hostKey(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}

/** Shared by every fetch in the process unless a caller injects its own. */
export const defaultHostQueues = new HostQueues();
