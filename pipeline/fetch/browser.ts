import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import PQueue from "p-queue";
import type { Browser, BrowserContext, Page, Request, Response } from "playwright-core";
import { playwright } from "./playwright.ts";
import { FetchError } from "./errors.ts";
import { defaultHostQueues } from "./host-queue.ts";
import {
  checkUrl,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_TIMEOUT_MS,
  type HttpFetchOptions,
  type HttpPage,
  isTextType,
  parseContentType,
  retryPolicy,
  isHomePage,
  sameSite,
  USER_AGENT,
} from "./http.ts";
import { parseRetryAfter, withRetries } from "./retry.ts";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
] as const;

/**
 * A page is read once, after `load`, it has been still this long (no request in flight, no change to its
 * DOM, no short timer run) and no short timer is pending. Playwright's `networkidle` waits a fixed 500 ms
 * of network silence on every page and misses a table a timer builds later than that; watching the page's
 * pending timers lets the quiet window be short and still see such a table.
 */
export const SETTLE_QUIET_MS = 100;

/** A `setTimeout` due within this is waited for (a table built "in a moment"); a later one is not. */
export const SETTLE_TIMER_HORIZON_MS = 2_000;

/**
 * For how long after `load` pending timers are waited for. A page that re-arms short timers forever (a
 * poll, a ticker) is read on stillness alone after this, instead of at its timeout.
 */
export const SETTLE_TIMER_PATIENCE_MS = 3_000;

/** A full-page screenshot stops at this height (CSS px): a taller page is cut there, not refused. */
export const MAX_SCREENSHOT_HEIGHT = 16_384;

/** Resource types never loaded: they cost time and bandwidth and carry no price. */
export const BLOCKED_RESOURCE_TYPES = ["image", "font", "media"] as const;

/**
 * Which Chromium to drive: $CHROMIUM_PATH; else undefined when Playwright's own build is installed, which
 * makes Playwright launch it; else Debian's /usr/bin/chromium.
 */
export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  // Playwright's own build when it was installed (GitHub Actions: `npx playwright-core install chromium`),
  // as it matches this playwright-core exactly; else Debian's chromium (this machine, CI via .ci/run).
  if (playwrightOwnChromium()) return undefined;
  return existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined;
}

/** The Chromium a launch would start, or why there is none (the bench then reports no browser figures). */
export function chromiumStatus(env: NodeJS.ProcessEnv = process.env): { path: string } | { missing: string } {
  const exe = chromiumExecutable(env);
  if (exe) return existsSync(exe) ? { path: exe } : { missing: `CHROMIUM_PATH=${exe} does not exist` };
  const own = playwrightOwnChromium();
  if (own) return { path: own };
  return { missing: "no Chromium: not at /usr/bin/chromium, no CHROMIUM_PATH, no Playwright build (.ci/install-chromium.sh installs one)" };
}

function playwrightOwnChromium(): string | undefined {
  try {
    const own = playwright().chromium.executablePath();
    return own && existsSync(own) ? own : undefined;
  } catch {
    return undefined;
  }
}

export interface BrowserFetcherOptions {
  /** Defaults to `chromiumExecutable()`. */
  executablePath?: string;
  /** Pages open at once across all hosts (default 2). */
  maxOpenPages?: number;
}

/**
 * Each open page is a renderer process of 100–200 MB that competes for the CPU: on a 2-core runner, eight
 * at once (one per host) used 1.2 GB and ran no faster than two.
 */
export const DEFAULT_MAX_OPEN_PAGES = 2;

/**
 * The same limits and retry knobs as a plain HTTP fetch (timeoutMs covers, per attempt, navigation,
 * settling, the optional selector, reading the DOM and the screenshot), plus what only a browser has.
 */
export interface BrowserFetchOptions
  extends Pick<
    HttpFetchOptions,
    "timeoutMs" | "maxBytes" | "maxAttempts" | "backoffMs" | "maxBackoffMs" | "maxRetryAfterMs" | "maxRedirects" | "sleep" | "random" | "hostQueues"
  > {
  /** Also wait until this selector is in the DOM (e.g. `table`) after the page settles. */
  waitForSelector?: string;
  /** Take a full-page PNG (default true). */
  screenshot?: boolean;
  /** Resource types to abort; default images, fonts and media. */
  block?: readonly string[];
}

export interface BrowserPage extends HttpPage {
  /** Full-page PNG of the rendered page; undefined if it was not asked for or could not be taken. */
  screenshot: Buffer | undefined;
  /** Requests aborted because of their resource type. */
  blockedRequests: number;
}

/**
 * Gets pages through headless Chromium so their scripts run. One browser per run, launched on first
 * use; a fresh context (no cookies, cache or storage carried over) per page. Call `close()` at the end.
 */
export class BrowserFetcher {
  private launching: Promise<{ browser: Browser; userAgent: string | undefined }> | undefined;
  /** The Chromium to start: as given, else `chromiumExecutable()` on first use (which loads playwright-core). */
  private chosen: { path: string | undefined } | undefined;
  private readonly openPages: PQueue;

  constructor(options: BrowserFetcherOptions = {}) {
    if ("executablePath" in options) this.chosen = { path: options.executablePath };
    this.openPages = new PQueue({ concurrency: options.maxOpenPages ?? DEFAULT_MAX_OPEN_PAGES });
  }

  private get executablePath(): string | undefined {
    return (this.chosen ??= { path: chromiumExecutable() }).path;
  }

  /** Whether Chromium has been started (and not closed). */
  get launched(): boolean {
    return this.launching !== undefined;
  }

  async fetch(url: string, options: BrowserFetchOptions = {}): Promise<BrowserPage> {
    const origin = checkUrl(url);
    const policy = retryPolicy(options);
    return (options.hostQueues ?? defaultHostQueues).run(origin.href, async () => {
      const began = performance.now();
      const { value, attempts } = await withRetries(url, policy, () => this.openPages.add(() => this.attemptOnce(url, origin, options)));
      return { ...value, attempts, durationMs: Math.round(performance.now() - began) };
    });
  }

  /** Close the browser (idempotent). A later fetch launches a new one. */
  async close(): Promise<void> {
    const launching = this.launching;
    this.launching = undefined;
    if (!launching) return;
    try {
      const { browser } = await launching;
      await browser.close();
    } catch {
      // never started, or already gone
    }
  }

  private browser(url: string): Promise<{ browser: Browser; userAgent: string | undefined }> {
    if (!this.launching) {
      const launching = this.launch(url);
      this.launching = launching;
      launching.catch(() => {
        if (this.launching === launching) this.launching = undefined;
      });
    }
    return this.launching;
  }

  private async launch(url: string): Promise<{ browser: Browser; userAgent: string | undefined }> {
    let browser: Browser;
    try {
      browser = await playwright().chromium.launch({ executablePath: this.executablePath, args: [...CHROMIUM_ARGS] });
    } catch (err) {
      const which = this.executablePath ?? "Playwright's own Chromium";
      throw new FetchError(
        "browser",
        url,
        `cannot start Chromium (${which}): ${firstLine(err)}; run .ci/install-chromium.sh or set CHROMIUM_PATH`,
        { cause: err },
      );
    }
    browser.on("disconnected", () => {
      this.launching = undefined;
    });
    // Keep Chromium's own User-Agent (some sites refuse unknown browsers) but say who we are at its end.
    let userAgent: string | undefined;
    try {
      const cdp = await browser.newBrowserCDPSession();
      const version = (await cdp.send("Browser.getVersion")) as { userAgent?: string };
      await cdp.detach();
      if (version.userAgent) userAgent = `${version.userAgent} ${USER_AGENT}`;
    } catch {
      userAgent = undefined;
    }
    return { browser, userAgent };
  }

  private async attemptOnce(url: string, origin: URL, options: BrowserFetchOptions): Promise<Omit<BrowserPage, "attempts" | "durationMs">> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    const block = new Set(options.block ?? BLOCKED_RESOURCE_TYPES);
    const { browser, userAgent } = await this.browser(url);
    const deadline = performance.now() + timeoutMs;
    const remaining = () => Math.max(1, Math.round(deadline - performance.now()));

    let context: BrowserContext;
    try {
      context = await browser.newContext({
        userAgent,
        viewport: { width: 1280, height: 1024 },
        serviceWorkers: "block",
        acceptDownloads: false,
      });
    } catch (err) {
      throw new FetchError("browser", url, `cannot open a browser context: ${firstLine(err)}`, { cause: err, retryable: true });
    }
    let timedOut = false;
    // Belt and braces: if a step ignores its own timeout, closing the context ends it.
    const guard = setTimeout(() => {
      timedOut = true;
      void context.close().catch(() => {});
    }, timeoutMs + 2_000);
    let blockedRequests = 0;
    let offHost: string | undefined;
    try {
      await context.route("**/*", async (route) => {
        const request = route.request();
        // A script sending the page to another host is stopped here (HTTP redirects are not routed).
        if (request.isNavigationRequest() && request.frame().parentFrame() === null) {
          const target = safeUrl(request.url());
          if (target && !sameSite(origin, target)) {
            offHost ??= request.url();
            await route.abort("blockedbyclient").catch(() => {});
            return;
          }
        }
        if (block.has(request.resourceType())) {
          blockedRequests++;
          await route.abort("blockedbyclient").catch(() => {});
          return;
        }
        await route.continue().catch(() => {});
      });
      await context.addInitScript(watchPageActivity, SETTLE_TIMER_HORIZON_MS);
      const page = await context.newPage();
      const network = watchNetwork(page);

      let response: Response | null;
      try {
        response = await page.goto(url, { waitUntil: "load", timeout: remaining() });
        await settle(page, network, performance.now(), deadline);
      } catch (err) {
        if (offHost) throw offHostError(url, offHost);
        throw navigationError(url, err, timeoutMs, timedOut);
      }
      if (offHost) throw offHostError(url, offHost);
      if (!response) throw new FetchError("network", url, "navigation produced no response", { retryable: true });

      // Chromium follows HTTP redirects itself and does not pass them through `route`, so a redirect
      // to another host is caught here, after the fact: its page is never used.
      const chain = redirectChain(response.request());
      const away = chain.find((u) => {
        const hop = safeUrl(u);
        return !hop || !sameSite(origin, hop);
      });
      if (away) throw offHostError(url, away, "not used");
      const landed = safeUrl(chain.at(-1)!);
      if (landed && isHomePage(landed) && !isHomePage(origin)) {
        throw new FetchError("bad-redirect", url, `redirected to the vendor's home page ${landed.href}, not a price page (not used; update the source URL if the page moved)`);
      }
      if (chain.length - 1 > maxRedirects) {
        throw new FetchError("too-many-redirects", url, `more than ${maxRedirects} redirects (${chain.join(" → ")})`);
      }
      const status = response.status();
      if (status === 429 || status >= 500) {
        throw new FetchError("status", url, `HTTP ${status}`, {
          status,
          retryable: true,
          retryAfterMs: parseRetryAfter(await response.headerValue("retry-after").catch(() => null)),
        });
      }
      if (status < 200 || status >= 300) throw new FetchError("status", url, `HTTP ${status}`, { status });

      if (options.waitForSelector) {
        try {
          await page.waitForSelector(options.waitForSelector, { state: "attached", timeout: remaining() });
        } catch (err) {
          if (err instanceof playwright().errors.TimeoutError) {
            throw new FetchError("timeout", url, `"${options.waitForSelector}" did not appear within ${timeoutMs} ms`, {
              status,
              retryable: true,
              cause: err,
            });
          }
          throw navigationError(url, err, timeoutMs, timedOut);
        }
      }

      const contentType = (await response.headerValue("content-type").catch(() => null)) ?? "";
      const media = parseContentType(contentType);
      if (media.type && !isTextType(media.type)) {
        throw new FetchError("binary", url, `Content-Type ${media.type} is not a text page`, { status });
      }
      const isHtml = media.type === "" || media.type === "text/html" || media.type === "application/xhtml+xml";
      // HTML: the DOM after scripts ran. Other text (markdown, plain): what the server sent.
      const body = isHtml ? await page.content() : await response.text();
      const raw = Buffer.from(body, "utf8");
      if (raw.length > maxBytes) {
        throw new FetchError("too-large", url, `rendered page is ${raw.length} bytes, more than the ${maxBytes} allowed`, { status });
      }
      const visibleText = isHtml
        ? await page.evaluate(() => (document.body?.innerText ?? "").trim().length).catch(() => 1)
        : body.trim().length;
      if (visibleText === 0) throw new FetchError("empty", url, "the rendered page has no text", { status });

      // A screenshot is evidence, not the page: one that fails or runs out of time is left out.
      const screenshot = (options.screenshot ?? true) ? await withinMs(fullPageScreenshot(page), remaining()).catch(() => undefined) : undefined;
      return {
        url,
        finalUrl: response.url(),
        redirects: chain,
        status,
        contentType,
        body,
        bytes: raw.length,
        sha256: createHash("sha256").update(raw).digest("hex"),
        fetchedAt: new Date().toISOString(),
        screenshot,
        blockedRequests,
      };
    } catch (err) {
      if (err instanceof FetchError) throw err;
      throw navigationError(url, err, timeoutMs, timedOut);
    } finally {
      clearTimeout(guard);
      await context.close().catch(() => {});
    }
  }
}

/** What `watchPageActivity` keeps on the page's window. */
interface PageActivity {
  /** `performance.now()` of the last DOM change. */
  domChangedAt: number;
  /** `performance.now()` of the last callback of a timer due within the horizon. */
  timerRanAt: number;
  /** Ids of the pending `setTimeout`s due within the horizon. */
  timers: Set<number>;
}

/**
 * In the page, from its first script on: when its DOM last changed and a short timer last ran, and which
 * short timers are still pending (read by `settle`). setTimeout, clearTimeout and clearInterval are wrapped
 * in Proxies that only take note: what the page's scripts call still runs as before.
 */
function watchPageActivity(horizonMs: number): void {
  const w = window as unknown as { __catalogFreshness?: PageActivity };
  if (w.__catalogFreshness) return;
  const activity: PageActivity = { domChangedAt: performance.now(), timerRanAt: 0, timers: new Set() };
  w.__catalogFreshness = activity;
  new MutationObserver(() => {
    activity.domChangedAt = performance.now();
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  window.setTimeout = new Proxy(window.setTimeout, {
    apply(target, thisArg, args: unknown[]) {
      const [handler, delay] = args;
      const ms = delay === undefined ? 0 : Number(delay);
      if (typeof handler !== "function" || !(ms <= horizonMs)) return Reflect.apply(target, thisArg, args) as number;
      let id = 0;
      args[0] = function (this: unknown, ...rest: unknown[]) {
        activity.timers.delete(id);
        activity.timerRanAt = performance.now();
        return (handler as (...a: unknown[]) => unknown).apply(this, rest);
      };
      id = Reflect.apply(target, thisArg, args) as number;
      activity.timers.add(id);
      return id;
    },
  });
  // Timeouts and intervals share their ids: either clear ends a pending timeout.
  for (const name of ["clearTimeout", "clearInterval"] as const) {
    window[name] = new Proxy(window[name], {
      apply(target, thisArg, args: unknown[]) {
        activity.timers.delete(args[0] as number);
        return Reflect.apply(target, thisArg, args) as void;
      },
    });
  }
}

interface NetworkWatch {
  inFlight: number;
  /** `performance.now()` of the last request started or ended. */
  lastActivity: number;
}

function watchNetwork(page: Page): NetworkWatch {
  const watch: NetworkWatch = { inFlight: 0, lastActivity: performance.now() };
  const ended = () => {
    watch.inFlight = Math.max(0, watch.inFlight - 1);
    watch.lastActivity = performance.now();
  };
  page.on("request", () => {
    watch.inFlight++;
    watch.lastActivity = performance.now();
  });
  page.on("requestfinished", ended);
  page.on("requestfailed", ended);
  return watch;
}

/**
 * Wait until the page has settled (see SETTLE_QUIET_MS). A page that never stops changing (a ticker, a
 * long poll) is read when the time is up rather than failed: its source then says whether the prices are
 * there.
 */
async function settle(page: Page, network: NetworkWatch, loadedAt: number, deadline: number): Promise<void> {
  const stop = deadline - 500; // leave time to read the DOM and take the screenshot
  while (performance.now() < stop) {
    const inPage = await page
      .evaluate(() => {
        const a = (window as unknown as { __catalogFreshness?: PageActivity }).__catalogFreshness;
        if (!a) return undefined;
        const now = performance.now();
        return { domStillFor: now - a.domChangedAt, timersStillFor: now - a.timerRanAt, timers: a.timers.size };
      })
      .catch(() => undefined); // navigating away (a script moving the page): not still
    const now = performance.now();
    const networkStillFor = network.inFlight > 0 ? 0 : now - network.lastActivity;
    // Past its patience, a page busy with timers is judged by its DOM and network alone.
    const patient = now - loadedAt < SETTLE_TIMER_PATIENCE_MS;
    const timersStillFor = patient ? (inPage?.timersStillFor ?? 0) : Infinity;
    const still = Math.min(inPage?.domStillFor ?? 0, networkStillFor, timersStillFor);
    if (still >= SETTLE_QUIET_MS && !(patient && (inPage?.timers ?? 0) > 0)) return;
    await new Promise((resolve) => setTimeout(resolve, Math.max(15, Math.min(50, SETTLE_QUIET_MS - still))));
  }
}

/**
 * A PNG of the whole page (cut at MAX_SCREENSHOT_HEIGHT), encoded for speed: Playwright's full-page PNG
 * took 220–470 ms of a 3,350 px page here, this 110–180 ms, for a file about 30% larger.
 */
async function fullPageScreenshot(page: Page): Promise<Buffer> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { cssContentSize } = (await cdp.send("Page.getLayoutMetrics")) as { cssContentSize: { width: number; height: number } };
    const { data } = (await cdp.send("Page.captureScreenshot", {
      format: "png",
      optimizeForSpeed: true,
      captureBeyondViewport: true,
      clip: {
        x: 0,
        y: 0,
        width: Math.max(1, Math.ceil(cssContentSize.width)),
        height: Math.max(1, Math.min(MAX_SCREENSHOT_HEIGHT, Math.ceil(cssContentSize.height))),
        scale: 1,
      },
    })) as { data: string };
    return Buffer.from(data, "base64");
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** `promise`, or undefined once `ms` have passed. */
async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function redirectChain(request: Request): string[] {
  const chain: string[] = [];
  for (let r: Request | null = request; r; r = r.redirectedFrom()) chain.unshift(r.url());
  return chain;
}

function offHostError(url: string, target: string, what = "not followed"): FetchError {
  return new FetchError("redirect-off-host", url, `redirected to another host: ${target} (${what}; update the source URL if the page moved)`);
}

/** Chromium's net::ERR_* codes and Playwright's timeouts as FetchErrors. */
function navigationError(url: string, err: unknown, timeoutMs: number, timedOut: boolean): FetchError {
  if (err instanceof FetchError) return err;
  const message = firstLine(err);
  if (timedOut || err instanceof playwright().errors.TimeoutError) {
    return new FetchError("timeout", url, `page did not load and settle within ${timeoutMs} ms`, { retryable: true, cause: err });
  }
  const net = /net::(ERR_[A-Z_]+)/.exec(message)?.[1];
  if (net === "ERR_NAME_NOT_RESOLVED" || net === "ERR_NAME_RESOLUTION_FAILED") {
    return new FetchError("dns", url, `cannot resolve host ${new URL(url).host} (${net})`, { cause: err });
  }
  if (net === "ERR_TOO_MANY_REDIRECTS") return new FetchError("redirect-loop", url, `redirect loop (${net})`, { cause: err });
  if (net === "ERR_TIMED_OUT" || net === "ERR_CONNECTION_TIMED_OUT") {
    return new FetchError("timeout", url, `no answer (${net})`, { retryable: true, cause: err });
  }
  if (/Download is starting/i.test(message)) {
    return new FetchError("binary", url, "the browser treated the page as a download: not a text page", { cause: err });
  }
  if (net) return new FetchError("network", url, `network error: ${net}`, { retryable: true, cause: err });
  if (/Target (page, context or browser )?(has been )?closed|Browser has been closed/i.test(message)) {
    return new FetchError("browser", url, `the browser went away: ${message}`, { retryable: true, cause: err });
  }
  return new FetchError("browser", url, message, { cause: err });
}

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split("\n").find((l) => l.trim() !== "") ?? message).trim();
}
