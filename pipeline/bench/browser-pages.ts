import { chromium, type Browser } from "playwright-core";
import { BrowserFetcher, CHROMIUM_ARGS, chromiumStatus } from "../fetch/browser.ts";
import { HostQueues } from "../fetch/host-queue.ts";
import { runAsChild } from "./child.ts";
import { hostStats } from "./hosts.ts";
import { median } from "./stats.ts";

export const BROWSER_PAGES = 10;

export interface BrowserPagesResult {
  chromium: string;
  pages: number;
  /** Per page, in order: one browser for the run, a fresh context per page (BrowserFetcher as a run uses it). */
  sharedMs: number[];
  /** Per page: a BrowserFetcher launched for that page and closed after it. */
  freshMs: number[];
  sharedMedianMs: number;
  freshMedianMs: number;
  /** The first shared page, which pays for the launch. */
  sharedFirstMs: number;
  /**
   * The same pages with nothing but what a fresh context per page costs (new context and page, load, read
   * the DOM, close; no settling, no screenshot, no filter), in one browser and in a browser per page: the
   * most any fetcher that opens a fresh context per page could gain from sharing the browser here.
   */
  bareSharedMedianMs: number;
  bareFreshMedianMs: number;
  rowsSeen: number[];
  blockedPerPage: number[];
  /** Images and fonts that reached the host (the fetcher blocks them: must be none). */
  assetHits: Record<string, number>;
}

/**
 * Ten pages whose price table a script builds (`/page/browser-<n>.html` on a local host, no delay), each
 * with two images, a web font and a stylesheet, fetched through `BrowserFetcher` with its defaults
 * (settle, images/fonts/media blocked, full-page screenshot): each page once with the fetcher shared by all
 * ten and once with a fetcher of its own, launched and closed around it. The two alternate page by page, so
 * a machine that slows down mid-way slows both alike. Then the bare ceiling (see `bareSharedMedianMs`).
 */
export async function browserPages(origin: string): Promise<BrowserPagesResult> {
  const status = chromiumStatus();
  if ("missing" in status) throw new Error(status.missing);
  const urls = Array.from({ length: BROWSER_PAGES }, (_, n) => `${origin}/page/browser-${n}.html`);
  const rowsSeen: number[] = [];
  const blockedPerPage: number[] = [];
  await hostStats([origin], true);

  const sharedMs: number[] = [];
  const freshMs: number[] = [];
  const shared = new BrowserFetcher();
  try {
    for (const url of urls) {
      let t = performance.now();
      const page = await shared.fetch(url, { hostQueues: new HostQueues() });
      sharedMs.push(Math.round(performance.now() - t));
      // Rows in the DOM the script built (the script's own text has "…-" + i + "</td>", which does not match).
      rowsSeen.push((page.body.match(/<td>bench-model-\d+-\d+<\/td>/g) ?? []).length);
      blockedPerPage.push(page.blockedRequests);

      t = performance.now();
      const own = new BrowserFetcher();
      try {
        await own.fetch(url, { hostQueues: new HostQueues() });
      } finally {
        await own.close();
      }
      freshMs.push(Math.round(performance.now() - t));
    }
  } finally {
    await shared.close();
  }
  const [stats] = await hostStats([origin]);
  const bare = await bareCeiling(status.path, urls);
  return {
    chromium: status.path,
    pages: urls.length,
    sharedMs,
    freshMs,
    sharedMedianMs: median(sharedMs),
    freshMedianMs: median(freshMs),
    sharedFirstMs: sharedMs[0]!,
    bareSharedMedianMs: bare.sharedMedianMs,
    bareFreshMedianMs: bare.freshMedianMs,
    rowsSeen,
    blockedPerPage,
    assetHits: stats!.assetHits,
  };
}

/** Open a context and page, load `url`, read its DOM, close the context: the least a fresh context per page does. */
async function barePage(browser: Browser, url: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1024 } });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    await page.content();
  } finally {
    await context.close();
  }
}

async function bareCeiling(executablePath: string, urls: string[]): Promise<{ sharedMedianMs: number; freshMedianMs: number }> {
  const launch = () => chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
  const sharedMs: number[] = [];
  const freshMs: number[] = [];
  const browser = await launch();
  try {
    await barePage(browser, urls[0]!); // warm-up, as the fetcher's first page
    for (const url of urls) {
      let t = performance.now();
      await barePage(browser, url);
      sharedMs.push(performance.now() - t);
      t = performance.now();
      const own = await launch();
      try {
        await barePage(own, url);
      } finally {
        await own.close();
      }
      freshMs.push(performance.now() - t);
    }
  } finally {
    await browser.close();
  }
  return { sharedMedianMs: Math.round(median(sharedMs)), freshMedianMs: Math.round(median(freshMs)) };
}

export function browserPagesErrors(r: BrowserPagesResult): string[] {
  const errors: string[] = [];
  if (r.rowsSeen.some((n) => n !== 60)) errors.push(`script-built table rows seen: ${r.rowsSeen.join(",")} (expected 60 each)`);
  if (r.blockedPerPage.some((n) => n < 3)) errors.push(`requests blocked per page: ${r.blockedPerPage.join(",")} (2 images and a font each)`);
  if (r.assetHits.png || r.assetHits.svg || r.assetHits.woff2) errors.push(`images or fonts reached the host: ${JSON.stringify(r.assetHits)}`);
  return errors;
}

// `browser-pages.ts <origin>`; without Chromium it reports `{ missing }` instead of failing the bench.
runAsChild(import.meta.url, async ([origin]) => {
  if (!origin) throw new Error("usage: browser-pages.ts <origin>");
  const status = chromiumStatus();
  if ("missing" in status) return { missing: status.missing };
  const result = await browserPages(origin);
  return { ...result, errors: browserPagesErrors(result) };
});
