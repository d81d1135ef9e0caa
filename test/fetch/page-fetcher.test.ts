import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FetchedPage, FetchedPageIndex } from "../../schemas/fetched-page.ts";
import { FetchError } from "../../pipeline/fetch/errors.ts";
import { HostQueues } from "../../pipeline/fetch/host-queue.ts";
import { PageFetcher, readIndex, type FetchableSource } from "../../pipeline/fetch/index.ts";
import { startReplayServer, type ReplayServer } from "../../pipeline/fetch/replay.ts";
import { startFlakyServer, text, type TestServer } from "../support/flaky-server.ts";

const MARKDOWN = "# Pricing\n\n| Model | Input | Output |\n|---|---|---|\n| gpt-x | $1.25 | $10.00 |\n\nPrices in US$ — per 1M tokens.\n";
const HTML = "<!doctype html><html><head><title>Pricing</title></head><body><table><tr><td>gpt-x</td><td>$1.25</td></tr></table></body></html>";

let tmp: string;
let server: TestServer | undefined;
let replay: ReplayServer | undefined;
let fetcher: PageFetcher;

beforeEach(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "fetch-test-"));
  fetcher = new PageFetcher({ hostQueues: new HostQueues(), http: { timeoutMs: 2_000, backoffMs: 1, maxBackoffMs: 5 } });
});
afterEach(async () => {
  await fetcher.close();
  await server?.close();
  await replay?.close();
  server = undefined;
  replay = undefined;
  await rm(tmp, { recursive: true, force: true });
});

function source(id: string, url: string, format: "markdown" | "html" = "markdown"): FetchableSource {
  return { id, url, format, fetchWith: "http" };
}

const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

describe("PageFetcher (http)", () => {
  it("stores the body under pages/<id>.<ext> and records url, status, bytes, sha256, fetchedAt", async () => {
    server = await startFlakyServer({ "/pricing.md": text(MARKDOWN), "/pricing": text(HTML, "text/html; charset=utf-8") });
    const runDir = path.join(tmp, "run");
    const before = Date.now();
    const md = await fetcher.fetch(source("vendor-md", server.url("/pricing.md")), { runDir });
    const html = await fetcher.fetch(source("vendor-html", server.url("/pricing"), "html"), { runDir });

    expect(md.body).toBe(MARKDOWN);
    expect(md.file).toBe("pages/vendor-md.md");
    expect(html.file).toBe("pages/vendor-html.html");
    const stored = await readFile(path.join(runDir, md.file));
    expect(stored.toString("utf8")).toBe(MARKDOWN);
    expect(md.bytes).toBe(stored.length);
    expect(md.sha256).toBe(sha256(stored));
    expect(md).toMatchObject({
      sourceId: "vendor-md",
      url: server.url("/pricing.md"),
      finalUrl: server.url("/pricing.md"),
      status: 200,
      contentType: "text/markdown; charset=utf-8",
      method: "http",
      attempts: 1,
    });
    expect(md.screenshot).toBeUndefined();
    expect(md.fetchedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(md.fetchedAt)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(md.fetchedAt)).toBeLessThanOrEqual(Date.now());
    expect(md.durationMs).toBeGreaterThanOrEqual(0);

    const { body: _body, ...record } = md;
    expect(FetchedPage.parse(record)).toEqual(record);
    const index = FetchedPageIndex.parse(JSON.parse(await readFile(path.join(runDir, "pages/index.json"), "utf8")));
    expect(index.map((p) => p.sourceId)).toEqual(["vendor-md", "vendor-html"]);
    expect(index[0]).toEqual(record);
    expect(fetcher.pages(runDir)).toEqual(index);
  });

  it("fetches with the replay URL when given one, and records that URL", async () => {
    server = await startFlakyServer({ "/elsewhere.md": text(MARKDOWN) });
    const page = await fetcher.fetch(source("vendor", "https://vendor.invalid/pricing.md"), { url: server.url("/elsewhere.md"), runDir: tmp });
    expect(page.url).toBe(server.url("/elsewhere.md"));
    expect(page.body).toBe(MARKDOWN);
  });

  it("throws the FetchError and leaves no record or body for a page it could not get", async () => {
    let fail = false;
    server = await startFlakyServer({ "/p.md": (_req, res) => void (fail ? res.writeHead(503).end() : res.writeHead(200, { "content-type": "text/markdown" }).end(MARKDOWN)) });
    const src = source("vendor", server.url("/p.md"));
    await fetcher.fetch(src, { runDir: tmp });
    expect(existsSync(path.join(tmp, "pages/vendor.md"))).toBe(true);
    fail = true;
    const err = await fetcher.fetch(src, { runDir: tmp }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).reason).toBe("status");
    expect((err as FetchError).message).toBe(`${server.url("/p.md")}: HTTP 503 after 3 attempts`);
    expect(existsSync(path.join(tmp, "pages/vendor.md"))).toBe(false);
    expect(await readIndex(tmp)).toEqual([]);
  });

  it("keeps index.json whole when pages are fetched concurrently, and picks up an existing index", async () => {
    const routes: Parameters<typeof startFlakyServer>[0] = {};
    for (let i = 0; i < 6; i++) routes[`/p${i}.md`] = text(`# Page ${i}\n\n$${i}.00 per 1M tokens\n`);
    server = await startFlakyServer(routes);
    await Promise.all([0, 1, 2].map((i) => fetcher.fetch(source(`s${i}`, server!.url(`/p${i}.md`)), { runDir: tmp })));
    const second = new PageFetcher({ hostQueues: new HostQueues() });
    await Promise.all([3, 4, 5].map((i) => second.fetch(source(`s${i}`, server!.url(`/p${i}.md`)), { runDir: tmp })));
    await second.close();
    const index = await readIndex(tmp);
    expect(index.map((p) => p.sourceId).sort()).toEqual(["s0", "s1", "s2", "s3", "s4", "s5"]);
  });

  it("refuses a source id that is not a file name", async () => {
    await expect(fetcher.fetch(source("../escape", "http://127.0.0.1:9/x"), { runDir: tmp })).rejects.toThrow(/cannot be used as a file name/);
  });
});

describe("replay server", () => {
  it("round trip: a run's pages, served back, give the same bodies through the real http path", async () => {
    server = await startFlakyServer({ "/a.md": text(MARKDOWN), "/b": text(HTML, "text/html; charset=utf-8") });
    const first = path.join(tmp, "first");
    const sources = [source("vendor-a", server.url("/a.md")), source("vendor-b", server.url("/b"), "html")];
    const original = await Promise.all(sources.map((s) => fetcher.fetch(s, { runDir: first })));
    await server.close();
    server = undefined; // the vendor is gone: everything below is offline

    replay = await startReplayServer(path.join(first, "pages"));
    const second = path.join(tmp, "second");
    for (const [i, s] of sources.entries()) {
      const url = replay.urlFor(s);
      expect(url).toBe(`${replay.origin}/${s.id}.${s.format === "markdown" ? "md" : "html"}`);
      const again = await fetcher.fetch(s, { url, runDir: second });
      expect(again.body).toBe(original[i]!.body);
      expect(again.sha256).toBe(original[i]!.sha256);
      expect(again.contentType).toBe(s.format === "markdown" ? "text/markdown; charset=utf-8" : "text/html; charset=utf-8");
    }
  });

  it("accepts a run dir as well as its pages dir, and answers 404 for a page it does not have", async () => {
    await mkdir(path.join(tmp, "pages"), { recursive: true });
    await writeFile(path.join(tmp, "pages/vendor-a.md"), MARKDOWN);
    replay = await startReplayServer(tmp);
    const page = await fetcher.fetch(source("vendor-a", "https://vendor.invalid/"), { url: replay.urlFor({ id: "vendor-a", format: "markdown" }), runDir: path.join(tmp, "out") });
    expect(page.body).toBe(MARKDOWN);

    const missing = source("vendor-missing", "https://vendor.invalid/");
    const err = await fetcher.fetch(missing, { url: replay.urlFor(missing), runDir: path.join(tmp, "out") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).reason).toBe("status");
    expect((err as FetchError).status).toBe(404);
    expect((err as FetchError).message).toBe(`${replay.urlFor(missing)}: HTTP 404`);
  });

  it("serves saved HTML with scripts off (the saved DOM is already rendered) unless asked", async () => {
    await writeFile(path.join(tmp, "x.html"), HTML);
    replay = await startReplayServer(tmp);
    const res = await fetch(`${replay.origin}/x.html`);
    expect(res.headers.get("content-security-policy")).toMatch(/script-src 'none'/);
    expect(await res.text()).toBe(HTML);
    expect((await fetch(`${replay.origin}/../../etc/passwd`)).status).toBe(404);
    expect(replay.urlFor({ id: "../x", format: "html" })).toBeUndefined();
    await replay.close();
    replay = await startReplayServer(tmp, { scripts: true });
    expect((await fetch(`${replay.origin}/x.html`)).headers.get("content-security-policy")).toBeNull();
  });
});
