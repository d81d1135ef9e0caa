import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateCatalog, writeGeneratedCatalog } from "../../pipeline/bench/generate-catalog.ts";
import { DEMO_PAGES } from "../../pipeline/demo/demo.ts";
import { startHosts, startVendorHosts } from "../../pipeline/bench/hosts.ts";
import { MULTI_DOCUMENT_SOURCES, nightlyErrors, nightlyReplay, nightlySources } from "../../pipeline/bench/nightly.ts";
import { realPage } from "../../pipeline/bench/pages.ts";
import { realData } from "../../pipeline/bench/real-data.ts";
import { noopRun, noopRunErrors } from "../../pipeline/bench/noop-run.ts";
import { SOURCES } from "../../pipeline/sources/index.ts";
import { COPIES, ONE_PAGE_SOURCES, replay40, replayErrors } from "../../pipeline/bench/replay40.ts";
import { RssSampler, treeRssBytes } from "../../pipeline/bench/rss.ts";
import { validate10k, validate10kErrors } from "../../pipeline/bench/validate10k.ts";

// `npm run bench` measures; this only checks that what it measures is right, on small inputs. No times.
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("bench measurements", () => {
  it("the generated catalog is valid, mixes text and image models, and its diff finds what was planted", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "bench-smoke-"));
    dirs.push(dir);
    const generated = generateCatalog(400);
    expect(generated.expected.text).toBeGreaterThan(0);
    expect(generated.expected.image).toBeGreaterThan(0);
    expect(generated.entries.some((e) => Object.keys(e.prices).some((k) => k.startsWith("image:")))).toBe(true);
    await writeGeneratedCatalog(dir, generated);
    const result = await validate10k(dir);
    expect(validate10kErrors(result, 400)).toEqual([]);
    expect(result.outcomes.changed).toBeGreaterThan(0);
  });

  it("a run where every price matches rewrites only lastVerified lines, and a second run nothing", async () => {
    const result = await noopRun();
    expect(noopRunErrors(result)).toEqual([]);
    expect(result.filesRewritten).toBeGreaterThan(0);
    expect(result.changedLines).toBe(result.filesRewritten);
  });

  it("the 40-page replay reads every copy of every one-page source, never more than one request at a time per host", async () => {
    const hosts = await startHosts(4, 20);
    try {
      const result = await replay40(hosts.origins, "parallel");
      expect(replayErrors(result)).toEqual([]);
      expect(result.pages).toBe(COPIES * ONE_PAGE_SOURCES.length);
      expect(result.maxInFlightOverall).toBeGreaterThan(1);
    } finally {
      await hosts.close();
    }
  });

  it("the nightly replay fetches every saved document once, each from the stand-in of its vendor host, one request per host at a time", async () => {
    const hosts = await startVendorHosts(20);
    try {
      // One stand-in per vendor host the sources read (Mistral's documents are all on docs.mistral.ai since its card page moved there).
      expect(Object.keys(hosts.standIns)).toEqual(expect.arrayContaining(["developers.openai.com", "docs.mistral.ai", "ai.google.dev"]));
      const result = await nightlyReplay(hosts.standIns);
      expect(nightlyErrors(result)).toEqual([]);
      expect(result.documents).toBe(Object.keys(DEMO_PAGES).length);
      expect(result.hosts).toBe(Object.keys(hosts.standIns).length);
      // The model index's links were followed on the docs.mistral.ai stand-in: the index and every model page.
      const mistralDocs = Object.keys(DEMO_PAGES).filter((n) => n.startsWith("mistral-pricing/") && n !== "mistral-pricing/pricing-api.html").length;
      expect(result.documentsPerHost["docs.mistral.ai"]).toBe(mistralDocs);
      expect(result.maxDocumentsPerHost).toBe(mistralDocs);
      expect(result.maxInFlightOverall).toBeGreaterThan(1);
      expect(result.verified).toBeGreaterThan(0);

      // Twice the sources of several documents: twice their documents, on the same hosts, still one at a time each.
      const doubled = await nightlyReplay(hosts.standIns, { copies: 2 });
      expect(nightlyErrors(doubled)).toEqual([]);
      const multi = Object.keys(DEMO_PAGES).filter((n) => MULTI_DOCUMENT_SOURCES.some((id) => n.startsWith(`${id}/`))).length;
      expect(doubled.documents).toBe(result.documents + multi);
      expect(doubled.maxDocumentsPerHost).toBe(2 * mistralDocs);

      // The baseline: one request at a time over every host.
      const sequential = await nightlyReplay(hosts.standIns, { sequential: true });
      expect(nightlyErrors(sequential)).toEqual([]);
      expect(sequential.maxInFlightOverall).toBe(1);
    } finally {
      await hosts.close();
    }
  });

  it("a stand-in source keeps the real source's documents and names, only on the stand-in hosts", () => {
    const standIns = { "developers.openai.com": "http://127.0.0.1:1", "docs.mistral.ai": "http://127.0.0.1:2", "mistral.ai": "http://127.0.0.1:3" };
    const others = SOURCES.map((s) => new URL(s.url).host).filter((h) => !(h in standIns));
    const all = { ...standIns, ...Object.fromEntries(others.map((h, i) => [h, `http://127.0.0.1:${10 + i}`])) };
    const mistral = nightlySources(all, { copies: 2, copied: ["mistral-pricing"] }).filter((s) => s.id.startsWith("mistral-pricing"));
    expect(mistral.map((s) => s.id)).toEqual(["mistral-pricing", "mistral-pricing-copy2"]);
    const [first, second] = mistral.map((s) => s.documents!([]));
    expect(first!.map((d) => [d.name, d.url])).toEqual([
      ["pricing", "http://127.0.0.1:2/inference/pricing"],
      ["models", "http://127.0.0.1:2/models"],
      ["priority-tier", "http://127.0.0.1:2/inference/priority-tier.md"],
      ["regional-inference", "http://127.0.0.1:2/inference/regional-inference.md"],
      ["batch-processing", "http://127.0.0.1:2/studio/batch-processing.md"],
    ]);
    expect(second!.map((d) => d.url)).toEqual([
      "http://127.0.0.1:2/inference/pricing?copy=2",
      "http://127.0.0.1:2/models?copy=2",
      "http://127.0.0.1:2/inference/priority-tier.md?copy=2",
      "http://127.0.0.1:2/inference/regional-inference.md?copy=2",
      "http://127.0.0.1:2/studio/batch-processing.md?copy=2",
    ]);
    // The real saved index's links, read by the real source, point at model pages on the docs.mistral.ai stand-in.
    const links = mistral[0]!.linkedDocuments!(first![1]!, realPage("mistral-pricing/models.html"), "html");
    expect(links.length).toBe(Object.keys(DEMO_PAGES).filter((n) => /^mistral-pricing\/(?!pricing\.|models\.|priority-tier\.|regional-inference\.|batch-processing\.)/.test(n)).length);
    for (const d of links) expect(d.url).toBe(`http://127.0.0.1:2/models/${d.name}`);
    const copied = mistral[1]!.linkedDocuments!(second![1]!, realPage("mistral-pricing/models.html"), "html");
    for (const d of copied) expect(d.url).toBe(`http://127.0.0.1:2/models/${d.name}?copy=2`);
  });

  it("the pure middle reads every source's saved documents", async () => {
    const result = await realData({ repeat: 1 });
    expect(result.extract.map((x) => x.source)).toEqual(expect.arrayContaining(["openai-models", "mistral-pricing", "gemini-pricing"]));
    expect(result.extract.reduce((n, x) => n + x.documents, 0)).toBe(Object.keys(DEMO_PAGES).length);
    for (const x of result.extract) expect(x.observations).toBeGreaterThan(0);
  });

  it("RSS of a process tree is read from /proc", () => {
    if (process.platform !== "linux") return;
    expect(treeRssBytes(process.pid)).toBeGreaterThan(10 * 1024 * 1024);
    const sampler = new RssSampler(process.pid, 10);
    expect(sampler.stop().peakBytes).toBeGreaterThan(0);
  });
});
