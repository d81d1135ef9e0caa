import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as cheerio from "cheerio";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BrowserFetcher, chromiumStatus, MAX_SCREENSHOT_HEIGHT } from "../../pipeline/fetch/browser.ts";
import { FetchError } from "../../pipeline/fetch/errors.ts";
import { HostQueues } from "../../pipeline/fetch/host-queue.ts";
import { fetchText, USER_AGENT } from "../../pipeline/fetch/http.ts";
import { PageFetcher, readIndex, type FetchableSource } from "../../pipeline/fetch/index.ts";
import { startReplayServer } from "../../pipeline/fetch/replay.ts";
import { deepSeekPricingSource } from "../../pipeline/sources/deepseek.ts";
import { startFlakyServer, type TestServer } from "../support/flaky-server.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** DeepSeek's pricing table (Docusaurus), rows as data: the page script turns them into the table. */
const PRICES = {
  models: ["deepseek-v4-flash", "deepseek-v4-pro"],
  rows: [
    ["1M INPUT TOKENS (CACHE HIT)", "$0.0028", "$0.003625"],
    ["1M INPUT TOKENS (CACHE MISS)", "$0.14", "$0.435"],
    ["1M OUTPUT TOKENS", "$0.28", "$0.87"],
  ],
};

/** A page whose only table is built by a script after a short timeout, like a client-rendered docs page. */
function scriptedPage(delayMs: number): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Models &amp; Pricing | DeepSeek API Docs</title>
<style>table{border-collapse:collapse}td{border:1px solid #999;padding:4px 8px}</style></head>
<body><main>
<h1>Models &amp; Pricing</h1>
<img src="/logo.png" alt="DeepSeek" width="120" height="40">
<p>The prices listed below are in units of per 1M tokens.</p>
<div id="pricing"></div>
</main>
<script>
  const data = ${JSON.stringify(PRICES)};
  setTimeout(() => {
    const table = document.createElement("table");
    const head = table.insertRow();
    const model = head.insertCell(); model.colSpan = 2; model.textContent = "MODEL";
    for (const m of data.models) head.insertCell().textContent = m;
    data.rows.forEach((cells, i) => {
      const tr = table.insertRow();
      if (i === 0) { const label = tr.insertCell(); label.rowSpan = data.rows.length; label.textContent = "PRICING"; }
      for (const c of cells) tr.insertCell().textContent = c;
    });
    document.getElementById("pricing").append(table);
  }, ${delayMs});
</script>
</body></html>`;
}

/** A page exactly `height` CSS px tall, with a price at its bottom. */
function tallPage(height: number): string {
  return `<!doctype html><html><head><style>html,body{margin:0}div{height:${height - 20}px}p{margin:0;height:20px}</style></head>
<body><div></div><p>Bottom row: $1.25</p></body></html>`;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const CHROMIUM_HELP =
  "No Chromium for the browser fetcher: run .ci/install-chromium.sh (installs Debian's chromium), set CHROMIUM_PATH, or run `npx playwright install chromium`.";

let server: TestServer;
let browser: BrowserFetcher;
let tmp: string;

/** Set when no Chromium can be found: then every test below FAILS with it (never skips). */
let noChromium: string | undefined;

beforeAll(async () => {
  const found = chromiumStatus();
  if ("missing" in found) noChromium = `${CHROMIUM_HELP} (${found.missing})`;
  server = await startFlakyServer({
    "/pricing": (_req, res) => void res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(scriptedPage(150)),
    "/late": (_req, res) => void res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(scriptedPage(900)),
    "/logo.png": (_req, res) => void res.writeHead(200, { "content-type": "image/png" }).end(PNG_SIGNATURE),
    "/hang": () => {},
    "/unavailable": (_req, res, { hit }) => {
      if (hit === 1) return void res.writeHead(503, { "retry-after": "0" }).end("busy");
      res.writeHead(200, { "content-type": "text/html" }).end("<p>back: $1</p>");
    },
    "/moved": (_req, res) => void res.writeHead(301, { location: `http://localhost:${server.port}/pricing` }).end(),
    "/script-moves": (_req, res) =>
      void res
        .writeHead(200, { "content-type": "text/html" })
        .end(`<p>moving: $1</p><script>location.href = "http://localhost:${server.port}/pricing";</script>`),
    "/blank": (_req, res) => void res.writeHead(200, { "content-type": "text/html" }).end("<html><body> </body></html>"),
    // Re-arms a 50 ms timer for ever (a poll), and builds its table after 300 ms.
    "/polling": (_req, res) =>
      void res
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end(scriptedPage(300).replace("<script>", "<script>(function poll() { setTimeout(poll, 50); })();")),
    "/tall": (_req, res) => void res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(tallPage(3_000)),
    "/very-tall": (_req, res) => void res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(tallPage(40_000)),
  });
  browser = new BrowserFetcher();
  tmp = await mkdtemp(path.join(tmpdir(), "browser-test-"));
});

// CI installs Chromium (.ci/run calls .ci/install-chromium.sh), so a missing one is a failure with the fix in it.
beforeEach(() => {
  if (noChromium) throw new Error(noChromium);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const opts = () => ({ timeoutMs: 10_000, hostQueues: new HostQueues(), backoffMs: 1, maxBackoffMs: 5 });

describe("browser fetch of a page whose table is built by a script", () => {
  it("plain HTTP sees no table; the browser sees the rendered one, with images blocked and a PNG screenshot", async () => {
    const plain = await fetchText(server.url("/pricing"), opts());
    expect(cheerio.load(plain.body)("table")).toHaveLength(0);
    expect(deepSeekPricingSource.extract(plain.body, "html").status).toBe("failed");

    expect(browser.launched).toBe(false); // launched lazily, on first use
    const rendered = await browser.fetch(server.url("/pricing"), opts());
    expect(browser.launched).toBe(true);
    const $ = cheerio.load(rendered.body);
    expect($("table")).toHaveLength(1);
    expect($("tr").first().text()).toContain("deepseek-v4-flash");
    expect($("td[rowspan]").text()).toBe("PRICING");
    expect(rendered.status).toBe(200);
    expect(rendered.finalUrl).toBe(server.url("/pricing"));

    expect(rendered.blockedRequests).toBeGreaterThanOrEqual(1);
    expect(server.hits("/logo.png")).toBe(0);

    expect(rendered.screenshot?.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const ua = server.requests.filter((r) => r.path === "/pricing").at(-1)?.headers["user-agent"];
    expect(ua).toContain(USER_AGENT);
  });

  it("PageFetcher stores the rendered HTML and its screenshot; the DeepSeek source reads the prices off it", async () => {
    const fetcher = new PageFetcher({ browserFetcher: browser, hostQueues: new HostQueues(), http: { timeoutMs: 10_000 } });
    const runDir = path.join(tmp, "run");
    const src: FetchableSource = { ...deepSeekPricingSource, url: server.url("/pricing"), fetchWith: "browser" };
    const page = await fetcher.fetch(src, { runDir });

    expect(page).toMatchObject({ sourceId: "deepseek-pricing", method: "browser", file: "pages/deepseek-pricing.html", screenshot: "pages/deepseek-pricing.png" });
    expect(await readFile(path.join(runDir, page.file), "utf8")).toBe(page.body);
    const png = await readFile(path.join(runDir, page.screenshot!));
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.length).toBeGreaterThan(1_000);
    expect((await readIndex(runDir))[0]).toMatchObject({ sourceId: "deepseek-pricing", method: "browser", screenshot: "pages/deepseek-pricing.png" });

    const extraction = deepSeekPricingSource.extract(page.body, "html");
    expect(extraction.problems).toEqual([]);
    expect(extraction.status).toBe("ok");
    const prices = Object.fromEntries(extraction.observations.map((o) => [`${o.model} ${o.price}`, o.usd]));
    expect(prices).toEqual({
      "deepseek/deepseek-v4-flash cached_input": 0.0028,
      "deepseek/deepseek-v4-pro cached_input": 0.003625,
      "deepseek/deepseek-v4-flash input": 0.14,
      "deepseek/deepseek-v4-pro input": 0.435,
      "deepseek/deepseek-v4-flash output": 0.28,
      "deepseek/deepseek-v4-pro output": 0.87,
    });

    // Replay the run offline through the browser path: the saved DOM is served with scripts off,
    // so the table is not built a second time.
    const replay = await startReplayServer(path.join(runDir, "pages"));
    try {
      const again = await fetcher.fetch(src, { url: replay.urlFor(src), runDir: path.join(tmp, "replayed") });
      expect(cheerio.load(again.body)("table")).toHaveLength(1);
      expect(deepSeekPricingSource.extract(again.body, "html").observations).toEqual(extraction.observations);
    } finally {
      await replay.close();
    }
  });

  it("keeps at most two pages open at once, whatever the number of hosts (each is a renderer process)", async () => {
    let open = 0;
    let mostOpen = 0;
    // Each request is held until a second one is open (or 5 s pass), so on a loaded machine the
    // pages still overlap when the fetcher allows two, and a third would be seen if it allowed three.
    const slowPage = async (_req: unknown, res: import("node:http").ServerResponse) => {
      mostOpen = Math.max(mostOpen, ++open);
      const start = Date.now();
      while (mostOpen < 2 && Date.now() - start < 5_000) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      open--;
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<p>DeepSeek pricing: $0.28</p>");
    };
    const hosts = await Promise.all([0, 1, 2, 3].map(() => startFlakyServer({ "/page": slowPage })));
    const fetcher = new BrowserFetcher();
    try {
      const pages = await Promise.all(hosts.map((h) => fetcher.fetch(h.url("/page"), opts())));
      expect(pages.map((p) => p.status)).toEqual([200, 200, 200, 200]);
      expect(mostOpen).toBe(2);
    } finally {
      await fetcher.close();
      await Promise.all(hosts.map((h) => h.close()));
    }
  });

  it("waits for a table a timer builds 900 ms after load, without being told to", async () => {
    const page = await browser.fetch(server.url("/late"), opts());
    expect(cheerio.load(page.body)("table")).toHaveLength(1);
    expect(deepSeekPricingSource.extract(page.body, "html").status).toBe("ok");
  });

  it("a page that re-arms short timers for ever is read once its table is built, not at its timeout", async () => {
    const page = await browser.fetch(server.url("/polling"), { ...opts(), timeoutMs: 60_000 });
    expect(cheerio.load(page.body)("table")).toHaveLength(1);
    // The page is read after at most SETTLE_TIMER_PATIENCE_MS (3 s) of waiting on timers, long before its 60 s
    // timeout: the bound is far from both, so a loaded machine cannot make it fail nor a wait-for-timeout pass.
    expect(page.durationMs).toBeLessThan(30_000);
  });

  it("the screenshot shows the whole page, not only the first screen, and stops at 16,384 px", async () => {
    const tall = await browser.fetch(server.url("/tall"), opts());
    expect(pngSize(tall.screenshot!)).toEqual({ width: 1280, height: 3_000 });
    const veryTall = await browser.fetch(server.url("/very-tall"), opts());
    expect(veryTall.body).toContain("Bottom row: $1.25");
    expect(pngSize(veryTall.screenshot!)).toEqual({ width: 1280, height: MAX_SCREENSHOT_HEIGHT });
  });

  it("waits for a selector when the table comes after the network has settled", async () => {
    const page = await browser.fetch(server.url("/late"), { ...opts(), waitForSelector: "table" });
    expect(cheerio.load(page.body)("table")).toHaveLength(1);
  });
});

describe("browser fetch failures", () => {
  const reasonOf = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FetchError);
    return err as FetchError;
  };

  it("timeout: the page never loads", async () => {
    const began = performance.now();
    const err = await reasonOf(browser.fetch(server.url("/hang"), { ...opts(), timeoutMs: 800, maxAttempts: 1 }));
    expect(err.reason).toBe("timeout");
    expect(err.message).toBe(`${server.url("/hang")}: page did not load and settle within 800 ms after 1 attempt`);
    // Far below the 30 s default, generously above 800 ms: a loaded machine starts Chromium slowly.
    expect(performance.now() - began).toBeLessThan(20_000);
  });

  it("a 503 is retried like over HTTP", async () => {
    const page = await browser.fetch(server.url("/unavailable"), opts());
    expect(page.attempts).toBe(2);
    expect(page.body).toContain("back: $1");
  });

  it("redirect-off-host: reported, its page not used (127.0.0.1 → localhost)", async () => {
    const err = await reasonOf(browser.fetch(server.url("/moved"), opts()));
    expect(err.reason).toBe("redirect-off-host");
    expect(err.message).toBe(
      `${server.url("/moved")}: redirected to another host: http://localhost:${server.port}/pricing (not used; update the source URL if the page moved)`,
    );
  });

  it("redirect-off-host: a script sending the page to another host is stopped", async () => {
    const err = await reasonOf(browser.fetch(server.url("/script-moves"), opts()));
    expect(err.reason).toBe("redirect-off-host");
    expect(err.message).toContain(`http://localhost:${server.port}/pricing (not followed;`);
  });

  it("dns, empty and binary pages, and a 404 (not retried)", async () => {
    expect((await reasonOf(browser.fetch("http://catalog-freshness-test.invalid/", opts()))).reason).toBe("dns");
    expect((await reasonOf(browser.fetch(server.url("/blank"), opts()))).reason).toBe("empty");
    expect((await reasonOf(browser.fetch(server.url("/logo.png"), opts()))).reason).toBe("binary");
    const notFound = await reasonOf(browser.fetch(server.url("/nowhere"), opts()));
    expect(notFound.message).toBe(`${server.url("/nowhere")}: HTTP 404`);
    expect(server.hits("/nowhere")).toBe(1);
  });

  it("a missing Chromium is a FetchError that says how to install one", async () => {
    const missing = new BrowserFetcher({ executablePath: "/nonexistent/chromium" });
    const err = await reasonOf(missing.fetch(server.url("/pricing"), opts()));
    expect(err.reason).toBe("browser");
    expect(err.message).toMatch(/cannot start Chromium \(\/nonexistent\/chromium\).*run \.ci\/install-chromium\.sh or set CHROMIUM_PATH/);
    await missing.close();
  });

  it("close() is idempotent and a later fetch launches again", async () => {
    const own = new BrowserFetcher();
    await own.close();
    expect((await own.fetch(server.url("/pricing"), opts())).status).toBe(200);
    await own.close();
    await own.close();
    expect(own.launched).toBe(false);
  });
});
