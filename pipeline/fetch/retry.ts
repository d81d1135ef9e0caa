import { FetchError } from "./errors.ts";

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  /** First wait; doubled after each failed attempt, with jitter. */
  backoffMs: number;
  /** No computed backoff waits longer than this. */
  maxBackoffMs: number;
  /** A Retry-After asking for longer than this makes us give up at once (reason "retry-after"). */
  maxRetryAfterMs: number;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter source, injectable for tests. */
  random: () => number;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with "equal jitter": between half and all of `base · 2^(attempt-1)`, capped. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, "backoffMs" | "maxBackoffMs" | "random">): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * policy.random());
}

/**
 * Run `attempt` until it succeeds, fails for good, or the budget is spent. Only FetchErrors marked
 * `retryable` (429, 5xx, timeouts, resets) are tried again; the last error is re-thrown with the
 * number of attempts in its message.
 */
export async function withRetries<T>(
  url: string,
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
): Promise<{ value: T; attempts: number }> {
  const max = Math.max(1, Math.floor(policy.maxAttempts));
  for (let n = 1; ; n++) {
    try {
      return { value: await attempt(n), attempts: n };
    } catch (err) {
      const error = err instanceof FetchError ? err : new FetchError("network", url, String(err), { cause: err });
      if (!error.retryable) {
        throw n > 1 ? error.withMessage(`${error.detail} (attempt ${n} of ${max})`, n) : error.withMessage(error.detail, n);
      }
      if (n >= max) {
        throw error.withMessage(`${error.detail} after ${n} attempt${n === 1 ? "" : "s"}`, n);
      }
      if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) {
        throw new FetchError(
          "retry-after",
          url,
          `${error.detail} with Retry-After ${formatMs(error.retryAfterMs)}, more than the ${formatMs(policy.maxRetryAfterMs)} allowed; gave up after ${n} attempt${n === 1 ? "" : "s"}`,
          { status: error.status, attempts: n, retryAfterMs: error.retryAfterMs, cause: error },
        );
      }
      await policy.sleep(error.retryAfterMs ?? backoffDelay(n, policy));
    }
  }
}

/**
 * `Retry-After` as milliseconds from `now`: delay-seconds or an HTTP date. Unparseable → undefined
 * (plain backoff applies); a date in the past → 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const when = Date.parse(v);
  if (Number.isNaN(when)) return undefined;
  return Math.max(0, when - now);
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
