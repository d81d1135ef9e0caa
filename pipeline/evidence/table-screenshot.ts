/**
 * Pictures of the marked tables of an evidence page (see evidence-rows.ts), taken with headless Chromium
 * offline: a stored vendor page must not call home or run scripts, so JavaScript is off and every request
 * but the page itself is aborted.
 */
import type { Browser } from "playwright-core";
import { playwright } from "../fetch/playwright.ts";
import { CHROMIUM_ARGS, chromiumExecutable, chromiumStatus } from "../fetch/browser.ts";
import { ROW_ATTR, SHOT_ATTR } from "./evidence-rows.ts";

/** Never resolved: the page is served from memory through the route below, whatever this name is. */
const PAGE_URL = "https://evidence.catalog-freshness.invalid/page.html";
const DEFAULT_TIMEOUT_MS = 20_000;

export interface TableShot {
  marker: string;
  png: Buffer;
  /** The element's box in CSS pixels (device scale 1), as measured in the render the PNG was taken from. */
  box: { x: number; y: number; width: number; height: number };
  /** Text of the rows highlighted in it, as the browser shows them. */
  highlighted: string[];
  /** The whole rendered page's size in CSS pixels: what the element is a part of. */
  pageSize: { width: number; height: number };
}

export interface TableScreenshotterOptions {
  /** Defaults to `chromiumExecutable()`. */
  executablePath?: string;
  /** Per page: load, and every screenshot of it. */
  timeoutMs?: number;
}

/**
 * One browser for all screenshots of a run, launched on first use; a fresh context per page.
 * A failed launch is remembered: every later call fails at once with the same reason. Call `close()`.
 */
export class TableScreenshotter {
  private launching: Promise<Browser> | undefined;
  /** The Chromium to start: as given, else `chromiumExecutable()` on first use (which loads playwright-core). */
  private chosen: { path: string | undefined } | undefined;
  private readonly timeoutMs: number;

  constructor(options: TableScreenshotterOptions = {}) {
    if ("executablePath" in options) this.chosen = { path: options.executablePath };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  private get executablePath(): string | undefined {
    return (this.chosen ??= { path: chromiumExecutable() }).path;
  }

  /** Every `[data-evidence-shot]` element of `html`, in marker order, as a PNG of the element alone. */
  async shoot(html: string, markers: readonly string[]): Promise<TableShot[]> {
    const browser = await this.browser();
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 },
      deviceScaleFactor: 1,
      serviceWorkers: "block",
      acceptDownloads: false,
    });
    try {
      await context.route("**/*", (route) =>
        route.request().url() === PAGE_URL
          ? route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html })
          : route.abort("blockedbyclient"),
      );
      const page = await context.newPage();
      page.setDefaultTimeout(this.timeoutMs);
      await page.goto(PAGE_URL, { waitUntil: "load", timeout: this.timeoutMs });
      const pageSize = await page.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }));
      const shots: TableShot[] = [];
      for (const marker of markers) {
        const element = page.locator(`[${SHOT_ATTR}="${marker}"]`);
        const box = await element.boundingBox();
        if (!box) throw new Error(`table ${marker} has no box on the rendered page (hidden?)`);
        const png = await element.screenshot({ type: "png", animations: "disabled", caret: "hide" });
        const highlighted = await page
          .locator(`[${SHOT_ATTR}="${marker}"] [${ROW_ATTR}], [${SHOT_ATTR}="${marker}"][${ROW_ATTR}]`)
          .allInnerTexts();
        shots.push({ marker, png, box, highlighted: highlighted.map((t) => t.replace(/\s+/g, " ").trim()), pageSize });
      }
      return shots;
    } finally {
      await context.close().catch(() => {});
    }
  }

  /** Close the browser (idempotent). */
  async close(): Promise<void> {
    const launching = this.launching;
    this.launching = undefined;
    if (!launching) return;
    await launching.then((b) => b.close()).catch(() => {});
  }

  private browser(): Promise<Browser> {
    if (!this.launching && this.executablePath === chromiumExecutable()) {
      // No Chromium on this machine (a fresh `npm ci`): say so in one line, with how to get one, instead of
      // Playwright's "Executable doesn't exist at …/ms-playwright/…", which reads like a crash.
      const status = chromiumStatus();
      if ("missing" in status) {
        const refused = Promise.reject(new NoChromium());
        refused.catch(() => {}); // awaited by every shoot(); never an unhandled rejection
        this.launching = refused;
      }
    }
    this.launching ??= playwright()
      .chromium
      .launch({ executablePath: this.executablePath, args: [...CHROMIUM_ARGS, "--dns-prefetch-disable"] })
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
        throw new Error(`Chromium could not start (${this.executablePath ?? "Playwright's own Chromium"}): ${message}`, { cause: err });
      });
    return this.launching;
  }
}

/** Why no screenshot can be taken on this machine: there is no Chromium to take it. */
export class NoChromium extends Error {
  constructor() {
    super(
      "the evidence screenshots need a Chromium, and this machine has none: install one (`sudo apt-get install chromium`, or `npx playwright-core install chromium`) or set CHROMIUM_PATH; the pull requests still show every change",
    );
  }
}
