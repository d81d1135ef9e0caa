/** Why a page could not be got. Stable codes: the run report and tests match on them. */
export type FetchErrorReason =
  /** No complete answer (headers and body) within the per-attempt timeout. */
  | "timeout"
  /** The final answer was not a 2xx (after retries for 429 and 5xx). */
  | "status"
  /** A 429/503 asked to wait longer (Retry-After) than we are willing to. */
  | "retry-after"
  /** The body is larger than the size cap. */
  | "too-large"
  /** A redirect came back to a URL already visited. */
  | "redirect-loop"
  /** More redirects than allowed. */
  | "too-many-redirects"
  /** A redirect pointed to another host: reported, never followed. */
  | "redirect-off-host"
  /** A 3xx without a usable Location. */
  | "bad-redirect"
  /** Connection refused, reset or cut short. */
  | "network"
  /** The host name does not resolve. */
  | "dns"
  /** Not a text page: a non-text Content-Type or NUL bytes in the body. */
  | "binary"
  /** The charset is unknown, or the body is not valid in it. */
  | "charset"
  /** The body is empty (or only whitespace). */
  | "empty"
  /** The URL is not an absolute http(s) URL. */
  | "bad-url"
  /** The headless browser could not be started or crashed. */
  | "browser";

/** Every failure of the fetch layer. `message` names the URL and what happened. */
export class FetchError extends Error {
  override readonly name = "FetchError";
  readonly reason: FetchErrorReason;
  readonly url: string;
  /** What happened, without the URL: the message is `<url>: <detail>`. */
  readonly detail: string;
  /** HTTP status of the last answer, when there was one. */
  readonly status: number | undefined;
  /** Requests made before giving up. */
  readonly attempts: number;
  /** Whether another attempt could help (429, 5xx, timeout, reset): used by the retry loop. */
  readonly retryable: boolean;
  /** How long the server asked us to wait (Retry-After), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(
    reason: FetchErrorReason,
    url: string,
    what: string,
    options: {
      status?: number;
      attempts?: number;
      retryable?: boolean;
      retryAfterMs?: number;
      cause?: unknown;
    } = {},
  ) {
    super(`${url}: ${what}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.url = url;
    this.detail = what;
    this.status = options.status;
    this.attempts = options.attempts ?? 1;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** The same failure, re-worded after the retry loop is done (`… after 3 attempts`). */
  withMessage(what: string, attempts: number): FetchError {
    return new FetchError(this.reason, this.url, what, {
      status: this.status,
      attempts,
      retryable: false,
      retryAfterMs: this.retryAfterMs,
      cause: this.cause,
    });
  }
}

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_NODATA", "EAI_FAIL"]);

/** Walk `cause` chains (undici wraps socket errors in `TypeError: fetch failed`) for an errno code. */
export function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/** Innermost message of a cause chain: `getaddrinfo ENOTFOUND x.invalid` rather than `fetch failed`. */
export function rootMessage(err: unknown): string {
  let msg = err instanceof Error ? err.message : String(err);
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error && e.message) msg = e.message;
  }
  return msg;
}

/** A low-level error (no response) as a FetchError: DNS failures are final, resets may be retried. */
export function networkError(url: string, err: unknown): FetchError {
  if (err instanceof FetchError) return err;
  const code = errorCode(err);
  if (code && DNS_CODES.has(code)) {
    return new FetchError("dns", url, `cannot resolve host ${hostOf(url)} (${rootMessage(err)})`, { cause: err });
  }
  return new FetchError("network", url, `network error: ${rootMessage(err)}${code && !rootMessage(err).includes(code) ? ` (${code})` : ""}`, {
    retryable: true,
    cause: err,
  });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
