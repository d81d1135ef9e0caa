import { createHash } from "node:crypto";
import pkg from "../../package.json" with { type: "json" };
import { FetchError, networkError } from "./errors.ts";
import { defaultHostQueues, type HostQueues } from "./host-queue.ts";
import { realSleep, withRetries, parseRetryAfter, type RetryPolicy } from "./retry.ts";

/** Who we are, on every request: vendors can see the bot and reach its maintainers. */
export const USER_AGENT = `catalog-freshness/${pkg.version} (+https://github.com/catalog-freshness/catalog-freshness)`;

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 1_000;
export const DEFAULT_MAX_BACKOFF_MS = 30_000;
export const DEFAULT_MAX_RETRY_AFTER_MS = 120_000;
export const DEFAULT_MAX_REDIRECTS = 5;

export interface HttpFetchOptions {
  /** Per attempt, covering the redirects, the headers and the whole body. */
  timeoutMs?: number;
  /** Size cap on the (decompressed) body; the stream is cut as soon as it is passed. */
  maxBytes?: number;
  /** Attempts in all, retries included. */
  maxAttempts?: number;
  /** First wait between attempts (doubled each time, with jitter). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Longest Retry-After honoured; a longer one ends the fetch with reason "retry-after". */
  maxRetryAfterMs?: number;
  maxRedirects?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Accept header; by default one that prefers markdown, then HTML. */
  accept?: string;
  userAgent?: string;
  /** One request at a time per host; injected in tests, shared process-wide by default. */
  hostQueues?: HostQueues;
  /** Cancels the fetch from outside (reason "timeout", "cancelled by the caller", not retried). */
  signal?: AbortSignal;
}

export interface HttpPage {
  /** The URL asked for. */
  url: string;
  /** The URL that answered, after redirects. */
  finalUrl: string;
  /** Every URL visited, `url` first and `finalUrl` last. */
  redirects: string[];
  status: number;
  contentType: string;
  /** The decoded text. */
  body: string;
  /** Size of the body as received (after content-encoding), in bytes. */
  bytes: number;
  /** Hex SHA-256 of the body as received. */
  sha256: string;
  attempts: number;
  durationMs: number;
  /** When the body was complete, ISO UTC. */
  fetchedAt: string;
}

export const ACCEPT_ANY_TEXT = "text/markdown, text/html;q=0.9, application/xhtml+xml;q=0.9, text/plain;q=0.8, */*;q=0.1";

/**
 * GET one text page with Node's fetch: identifying User-Agent, bounded time, size and redirects,
 * retries on 429/5xx/timeouts/resets, one request at a time per host. Every failure is a FetchError.
 */
export async function fetchText(url: string, options: HttpFetchOptions = {}): Promise<HttpPage> {
  const start = checkUrl(url);
  const policy = retryPolicy(options);
  const queues = options.hostQueues ?? defaultHostQueues;
  return queues.run(start.href, async () => {
    const began = performance.now();
    const { value, attempts } = await withRetries(url, policy, () => attemptOnce(url, options));
    return { ...value, attempts, durationMs: Math.round(performance.now() - began) };
  });
}

type AttemptResult = Omit<HttpPage, "attempts" | "durationMs">;

async function attemptOnce(url: string, options: HttpFetchOptions): Promise<AttemptResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onOuterAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  if (options.signal?.aborted) onOuterAbort();

  const origin = new URL(url);
  const visited: string[] = [origin.href];
  let current = origin.href;
  try {
    for (;;) {
      const response = await fetch(current, {
        redirect: "manual",
        signal: controller.signal,
        headers: {
          "user-agent": options.userAgent ?? USER_AGENT,
          accept: options.accept ?? ACCEPT_ANY_TEXT,
        },
      });

      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        await discard(response);
        current = nextHop(url, origin, current, response, visited, maxRedirects);
        visited.push(current);
        continue;
      }

      if (response.status === 429 || response.status >= 500) {
        await discard(response);
        throw new FetchError("status", url, `HTTP ${response.status}`, {
          status: response.status,
          retryable: true,
          retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
        });
      }
      if (response.status < 200 || response.status >= 300) {
        await discard(response);
        throw new FetchError("status", url, `HTTP ${response.status}${current !== url ? ` from ${current}` : ""}`, {
          status: response.status,
        });
      }

      const contentType = response.headers.get("content-type") ?? "";
      const media = parseContentType(contentType);
      if (media.type && !isTextType(media.type)) {
        await discard(response);
        throw new FetchError("binary", url, `Content-Type ${media.type} is not a text page`, { status: response.status });
      }
      const declared = Number(response.headers.get("content-length"));
      if (Number.isFinite(declared) && declared > maxBytes) {
        await discard(response);
        throw new FetchError("too-large", url, `body is ${declared} bytes (Content-Length), more than the ${maxBytes} allowed`, {
          status: response.status,
        });
      }
      const raw = await readCapped(url, response, maxBytes);
      const body = decode(url, raw, media);
      return {
        url,
        finalUrl: current,
        redirects: visited,
        status: response.status,
        contentType,
        body,
        bytes: raw.length,
        sha256: createHash("sha256").update(raw).digest("hex"),
        fetchedAt: new Date().toISOString(),
      };
    }
  } catch (err) {
    controller.abort();
    if (options.signal?.aborted) {
      throw new FetchError("timeout", url, "cancelled by the caller", { cause: err }); // not retried
    }
    if (timedOut) {
      throw new FetchError("timeout", url, `no complete answer within ${timeoutMs} ms`, { retryable: true, cause: err });
    }
    throw networkError(url, err);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
}

/** The retry knobs of a fetch with their defaults: the same for the HTTP and browser paths. */
export function retryPolicy(
  options: Pick<HttpFetchOptions, "maxAttempts" | "backoffMs" | "maxBackoffMs" | "maxRetryAfterMs" | "sleep" | "random">,
): RetryPolicy {
  return {
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
    maxBackoffMs: options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
  };
}

/** An absolute http(s) URL, or a FetchError saying why not: the same check for the HTTP and browser paths. */
export function checkUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FetchError("bad-url", url, "not an absolute URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new FetchError("bad-url", url, `unsupported protocol ${parsed.protocol}`);
  }
  return parsed;
}

/**
 * Whether a redirect from `from` to `to` stays on the vendor's own site: the same host, or two hosts under
 * the same registrable domain (`mistral.ai` → `docs.mistral.ai`). An IP address or a one-label host
 * (`localhost`) matches only itself. The registrable domain is the last two labels, or three under a
 * two-letter country code with a generic second level (`example.co.uk`): enough for vendors' sites,
 * without shipping the public-suffix list.
 */
export function sameSite(from: URL, to: URL): boolean {
  const a = from.hostname.toLowerCase().replace(/\.$/, "");
  const b = to.hostname.toLowerCase().replace(/\.$/, "");
  if (a === b) return true;
  const site = (host: string): string | undefined => {
    if (/^[\d.]+$/.test(host) || host.includes(":") || host.includes("[")) return undefined;
    const labels = host.split(".");
    if (labels.length < 2) return undefined;
    const generic = /^(?:co|com|net|org|gov|edu|ac)$/.test(labels.at(-2)!) && labels.at(-1)!.length === 2;
    const keep = generic ? 3 : 2;
    return labels.length >= keep ? labels.slice(-keep).join(".") : undefined;
  };
  const sa = site(a);
  return sa !== undefined && sa === site(b);
}

/** A site's front page: `/`, or a locale's front page (`/en/`, `/zh-cn`, `/zh-cn/`). */
export function isHomePage(url: URL): boolean {
  return /^\/(?:[a-z]{2}-[a-z]{2,4}\/?|[a-z]{2}\/)?$/i.test(url.pathname);
}

/** Where a 3xx points, if we may go there: the vendor's own site, not seen before, within the redirect budget. */
function nextHop(url: string, origin: URL, current: string, response: Response, visited: string[], maxRedirects: number): string {
  const location = response.headers.get("location");
  if (!location) throw new FetchError("bad-redirect", url, `HTTP ${response.status} from ${current} without a Location`, { status: response.status });
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    throw new FetchError("bad-redirect", url, `HTTP ${response.status} to an invalid Location "${location}"`, { status: response.status });
  }
  if (next.protocol !== "http:" && next.protocol !== "https:") {
    throw new FetchError("bad-redirect", url, `redirected to ${next.href}: unsupported protocol`, { status: response.status });
  }
  if (isHomePage(next) && !isHomePage(origin)) {
    // A moved or retired page often redirects to the site's front page: that is not the price page.
    throw new FetchError("bad-redirect", url, `redirected to the vendor's home page ${next.href}, not a price page (not followed; update the source URL if the page moved)`, {
      status: response.status,
    });
  }
  if (!sameSite(origin, next)) {
    throw new FetchError("redirect-off-host", url, `redirected to another host: ${next.href} (not followed; update the source URL if the page moved)`, {
      status: response.status,
    });
  }
  if (visited.includes(next.href)) {
    throw new FetchError("redirect-loop", url, `redirect loop: ${[...visited, next.href].join(" → ")}`, { status: response.status });
  }
  if (visited.length > maxRedirects) {
    throw new FetchError("too-many-redirects", url, `more than ${maxRedirects} redirects (${visited.join(" → ")} → ${next.href})`, {
      status: response.status,
    });
  }
  return next.href;
}

async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // the connection is going away anyway
  }
}

/** Read the body as a stream, stopping (and dropping the connection) as soon as it passes the cap. */
async function readCapped(url: string, response: Response, maxBytes: number): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new FetchError("too-large", url, `body larger than the ${maxBytes} bytes allowed (stopped after ${total})`, {
        status: response.status,
      });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

interface MediaType {
  /** Lower-cased `type/subtype`, `""` when there is no Content-Type. */
  type: string;
  charset: string | undefined;
}

export function parseContentType(header: string): MediaType {
  const [type = "", ...params] = header.split(";");
  let charset: string | undefined;
  for (const param of params) {
    const m = /^\s*charset\s*=\s*"?([^";]*)"?\s*$/i.exec(param);
    if (m?.[1]) charset = m[1].trim();
  }
  return { type: type.trim().toLowerCase(), charset };
}

/** `text/*`, (X)HTML, XML, JSON, markdown: types a pricing page can come as. */
export function isTextType(type: string): boolean {
  return (
    type.startsWith("text/") ||
    /^application\/(xhtml\+xml|xml|json|markdown|x-markdown|javascript)$/.test(type) ||
    /\+(xml|json)$/.test(type)
  );
}

/** Bytes → text in the declared charset (HTML may declare it in a <meta>), strictly. */
function decode(url: string, raw: Buffer, media: MediaType): string {
  if (raw.length === 0) throw new FetchError("empty", url, "empty body");
  let label = media.charset;
  if (!label && (media.type === "text/html" || media.type === "application/xhtml+xml" || media.type === "")) {
    label = sniffMetaCharset(raw);
  }
  label ??= "utf-8";
  const wide = /^(utf-?16|utf-?32|ucs-?2)/i.test(label);
  if (!wide && raw.includes(0)) {
    throw new FetchError("binary", url, `body contains NUL bytes${media.type ? ` (Content-Type ${media.type})` : ""}: not a text page`);
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    throw new FetchError("charset", url, `unknown charset "${label}"`);
  }
  let text: string;
  try {
    text = decoder.encoding === "windows-1252" ? decodeWindows1252(raw) : decoder.decode(raw);
  } catch {
    throw new FetchError("charset", url, `body is not valid ${label} (declared ${media.charset ? "in Content-Type" : "by default"})`);
  }
  if (text.includes("\u0000")) throw new FetchError("binary", url, "body contains NUL characters: not a text page");
  if (text.trim() === "") throw new FetchError("empty", url, `body is only whitespace (${raw.length} bytes)`);
  return text;
}

// WHATWG windows-1252 (also what "latin1" and "iso-8859-1" mean on the web) for 0x80–0x9F.
// Node 20's TextDecoder decodes this label as ISO-8859-1, turning "€" (0x80) into a C1 control.
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function decodeWindows1252(raw: Buffer): string {
  let out = "";
  for (let i = 0; i < raw.length; i += 8192) {
    const codes = Array.from(raw.subarray(i, i + 8192), (b) => (b >= 0x80 && b <= 0x9f ? (CP1252_HIGH[b - 0x80] ?? b) : b));
    out += String.fromCharCode(...codes);
  }
  return out;
}

/** `<meta charset="…">` or `<meta http-equiv="Content-Type" content="…; charset=…">` in the first 1 KiB. */
function sniffMetaCharset(raw: Buffer): string | undefined {
  const head = raw.subarray(0, 1024).toString("latin1");
  const m = /<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)/i.exec(head);
  return m?.[1];
}
