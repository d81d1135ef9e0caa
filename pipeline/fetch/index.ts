import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { FetchedPage, FetchedPageIndex } from "../../schemas/fetched-page.ts";
import type { PricingSource } from "../sources/source.ts";
import type { PageFormat } from "../extract/document.ts";
import { BrowserFetcher, type BrowserFetchOptions } from "./browser.ts";
import { defaultHostQueues, type HostQueues } from "./host-queue.ts";
import { fetchText, type HttpFetchOptions } from "./http.ts";

export { FetchError, type FetchErrorReason } from "./errors.ts";
export { BrowserFetcher, chromiumExecutable, type BrowserFetchOptions, type BrowserPage } from "./browser.ts";
export { HostQueues, defaultHostQueues } from "./host-queue.ts";
export { fetchText, USER_AGENT, type HttpFetchOptions, type HttpPage } from "./http.ts";
export { startReplayServer, type ReplayServer } from "./replay.ts";

/** What the fetch layer needs to know of a source. */
export type FetchableSource = Pick<PricingSource, "id" | "url" | "format" | "fetchWith">;

/** A fetched page's record plus its text, for the extractor. */
export type PageWithBody = FetchedPage & { body: string };

/** Where a run keeps its pages: `<runDir>/pages/`. */
export const PAGES_DIR = "pages";
export const PAGES_INDEX = "index.json";

/**
 * The body's file name, in a run's pages dir and in a replay dir: `<source-id>.<md|html>` for a one-page
 * source, `<source-id>/<document>.<md|html>` for a document of a source that reads several.
 */
export function pageFileName(source: Pick<PricingSource, "id" | "format">, format: PageFormat = source.format, document?: string): string {
  const ext = format === "markdown" ? "md" : "html";
  return document === undefined ? `${checkId(source.id)}.${ext}` : `${checkId(source.id)}/${checkId(document)}.${ext}`;
}

/**
 * What the body is, by what the server said: a vendor's `.md` endpoint or a replayed markdown page is
 * markdown whatever the source usually reads; without a clear Content-Type the source's own format holds.
 */
export function pageFormat(source: Pick<PricingSource, "format">, contentType: string): PageFormat {
  if (/markdown/i.test(contentType)) return "markdown";
  if (/text\/html|application\/xhtml/i.test(contentType)) return "html";
  return source.format;
}

export interface PageFetcherOptions {
  /** Options for plain HTTP fetches (timeouts, caps, retries…). */
  http?: Omit<HttpFetchOptions, "hostQueues">;
  /** Options for browser fetches; `timeoutMs`, `maxBytes` and the retry knobs default to `http`'s. */
  browser?: Omit<BrowserFetchOptions, "hostQueues">;
  /** Per source id, a selector the browser waits for once the page settles (e.g. `{ "deepseek-pricing": "table" }`). */
  waitFor?: Readonly<Record<string, string>>;
  /** Shared by both methods: at most one request at a time per host. */
  hostQueues?: HostQueues;
  /** Inject a browser (tests); by default one is created and launched on first browser fetch. */
  browserFetcher?: BrowserFetcher;
}

/**
 * Gets each source's page by its `fetchWith` method and keeps it under `<runDir>/pages/`:
 * the body as `<id>.<md|html>` (a document of a source of several: `<id>/<document>.<md|html>`), the
 * browser's screenshot beside it as `.png`, and every record in `index.json`. The same layout is what
 * `--replay <dir>` serves, so any run can be replayed.
 */
export class PageFetcher {
  private readonly options: PageFetcherOptions;
  private readonly browserFetcher: BrowserFetcher;
  private readonly ownsBrowser: boolean;
  private readonly indexes = new Map<string, { pages: FetchedPage[]; writing: Promise<void> }>();

  constructor(options: PageFetcherOptions = {}) {
    this.options = options;
    this.ownsBrowser = options.browserFetcher === undefined;
    this.browserFetcher = options.browserFetcher ?? new BrowserFetcher();
  }

  /**
   * Fetch one source's page (from `url` instead of `source.url` when replaying), store it and record it.
   * Throws a FetchError when the page cannot be got; the source's previous record in this run dir, if
   * any, is then dropped so the index never describes a body that was not fetched this time.
   */
  async fetch(source: FetchableSource, where: { url?: string; runDir: string; document?: string }): Promise<PageWithBody> {
    const url = where.url ?? source.url;
    const { document } = where;
    const stem = pageFileName(source, "html", document).replace(/\.html$/, "");
    const shotRel = `${PAGES_DIR}/${stem}.png`;
    const hostQueues = this.options.hostQueues ?? defaultHostQueues;
    await mkdir(path.dirname(path.join(where.runDir, shotRel)), { recursive: true });

    let got: { page: Awaited<ReturnType<typeof fetchText>>; screenshot: Buffer | undefined };
    try {
      if (source.fetchWith === "browser") {
        // Timeouts, caps and retry knobs are shared with HTTP unless the browser options override them.
        const { accept: _accept, userAgent: _userAgent, signal: _signal, ...shared } = this.options.http ?? {};
        const page = await this.browserFetcher.fetch(url, {
          ...shared,
          ...this.options.browser,
          waitForSelector: this.options.waitFor?.[source.id] ?? this.options.browser?.waitForSelector,
          hostQueues,
        });
        got = { page, screenshot: page.screenshot };
      } else {
        got = { page: await fetchText(url, { ...this.options.http, hostQueues }), screenshot: undefined };
      }
    } catch (err) {
      await this.forget(where.runDir, source.id, document);
      for (const format of ["markdown", "html"] as const) {
        await rm(path.join(where.runDir, PAGES_DIR, pageFileName(source, format, document)), { force: true });
      }
      await rm(path.join(where.runDir, shotRel), { force: true });
      throw err;
    }

    const { page, screenshot } = got;
    const format = pageFormat(source, page.contentType);
    const bodyRel = `${PAGES_DIR}/${pageFileName(source, format, document)}`;
    // The record describes the file as stored (UTF-8 text), so `sha256sum` on it agrees.
    const stored = Buffer.from(page.body, "utf8");
    await writeFile(path.join(where.runDir, bodyRel), stored);
    if (screenshot) await writeFile(path.join(where.runDir, shotRel), screenshot);
    else await rm(path.join(where.runDir, shotRel), { force: true });

    const record = FetchedPage.parse({
      sourceId: source.id,
      ...(document !== undefined ? { document } : {}),
      url,
      finalUrl: page.finalUrl,
      fetchedAt: page.fetchedAt,
      status: page.status,
      contentType: page.contentType,
      bytes: stored.length,
      sha256: createHash("sha256").update(stored).digest("hex"),
      file: bodyRel,
      format,
      ...(screenshot ? { screenshot: shotRel } : {}),
      method: source.fetchWith,
      attempts: page.attempts,
      durationMs: page.durationMs,
    } satisfies FetchedPage);
    await this.remember(where.runDir, record);
    return { ...record, body: page.body };
  }

  /** The records written so far for a run dir (as in its `pages/index.json`). */
  pages(runDir: string): readonly FetchedPage[] {
    return this.indexes.get(path.resolve(runDir))?.pages ?? [];
  }

  /** End of run: close the browser if this fetcher started it. Idempotent. */
  async close(): Promise<void> {
    if (this.ownsBrowser) await this.browserFetcher.close();
    await Promise.all([...this.indexes.values()].map((i) => i.writing));
  }

  private async index(runDir: string): Promise<{ pages: FetchedPage[]; writing: Promise<void> }> {
    const key = path.resolve(runDir);
    let index = this.indexes.get(key);
    if (!index) {
      // A run dir may be fetched into again (a resumed run): keep what it already records.
      const existing = await readIndex(runDir);
      index = this.indexes.get(key);
      if (!index) {
        index = { pages: existing, writing: Promise.resolve() };
        this.indexes.set(key, index);
      }
    }
    return index;
  }

  private async remember(runDir: string, record: FetchedPage): Promise<void> {
    const index = await this.index(runDir);
    const at = index.pages.findIndex((p) => p.sourceId === record.sourceId && p.document === record.document);
    if (at >= 0) index.pages[at] = record;
    else index.pages.push(record);
    await this.save(runDir, index);
  }

  private async forget(runDir: string, sourceId: string, document: string | undefined): Promise<void> {
    const index = await this.index(runDir);
    const at = index.pages.findIndex((p) => p.sourceId === sourceId && p.document === document);
    if (at < 0) return;
    index.pages.splice(at, 1);
    await this.save(runDir, index);
  }

  /** Writes are chained so concurrent fetches never interleave; each write is atomic (temp + rename). */
  private save(runDir: string, index: { pages: FetchedPage[]; writing: Promise<void> }): Promise<void> {
    const file = path.join(runDir, PAGES_DIR, PAGES_INDEX);
    const write = async () => {
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, `${JSON.stringify(index.pages, null, 2)}\n`);
      await rename(tmp, file);
    };
    index.writing = index.writing.then(write, write);
    return index.writing;
  }
}

/** `<runDir>/pages/index.json`, or `[]` if there is none yet. */
export async function readIndex(runDir: string): Promise<FetchedPage[]> {
  let text: string;
  try {
    text = await readFile(path.join(runDir, PAGES_DIR, PAGES_INDEX), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  return FetchedPageIndex.parse(JSON.parse(text));
}

function checkId(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id) || id.includes("..")) {
    throw new Error(`source id "${id}" cannot be used as a file name`);
  }
  return id;
}
