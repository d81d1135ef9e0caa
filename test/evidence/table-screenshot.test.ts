import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { diffSource } from "../../pipeline/diff/diff.ts";
import { captureEvidence, provenanceOf, type SourceToEvidence } from "../../pipeline/evidence/capture.ts";
import { evidencePage } from "../../pipeline/evidence/evidence-rows.ts";
import { TableScreenshotter } from "../../pipeline/evidence/table-screenshot.ts";
import { CHROMIUM_ARGS, chromiumExecutable, chromiumStatus } from "../../pipeline/fetch/browser.ts";
import { renderPullRequest } from "../../pipeline/publish/pull-request.ts";
import { openAiPricingSource } from "../../pipeline/sources/openai.ts";
import { ModelEntry } from "../../schemas/model-entry.ts";
import { startFlakyServer, type TestServer } from "../support/flaky-server.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const FIXTURE = path.resolve(import.meta.dirname, "../fixtures/openai/platform-docs-pricing__2025-12-19.md");
const RUN_DATE = "2026-08-15";
const mini = ModelEntry.parse(JSON.parse(await readFile("catalog/openai/gpt-image-1-mini.json", "utf8")));
const entries = new Map([[mini.id, mini]]);

/** Width and height from the PNG's IHDR chunk. */
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

let tmp: string;
let runDir: string;
let source: SourceToEvidence;
let noChromium: string | undefined;

beforeAll(async () => {
  const found = chromiumStatus();
  if ("missing" in found) noChromium = `No Chromium for the evidence screenshots: run .ci/install-chromium.sh or set CHROMIUM_PATH (${found.missing})`;
  tmp = await mkdtemp(path.join(tmpdir(), "evidence-test-"));
  // The page stored as a run stores it: <runDir>/pages/<source-id>.md.
  runDir = path.join(tmp, "run");
  await mkdir(path.join(runDir, "pages"), { recursive: true });
  await copyFile(FIXTURE, path.join(runDir, "pages/openai-pricing.md"));
  const body = await readFile(FIXTURE, "utf8");
  source = {
    diff: diffSource(openAiPricingSource.extract(body, "markdown"), [mini], RUN_DATE),
    pages: [{ file: "pages/openai-pricing.md", format: "markdown", url: openAiPricingSource.url, fetchedAt: "2026-08-15T03:17:05.000Z", sha256: "ab".repeat(32) }],
  };
});

// CI installs Chromium (.ci/run), so a missing one is a failure with the fix in it, never a skip.
beforeEach((ctx) => {
  if (noChromium && !ctx.task.name.includes("without Chromium")) throw new Error(noChromium);
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("screenshots of the price table a changed price came from", () => {
  it("pictures OpenAI's image table alone, the gpt-image-1-mini rows highlighted, and saves it with the run", async () => {
    const captured = await captureEvidence([source], { runDir, runDate: RUN_DATE, entries, log: () => {} });
    const [evidence] = captured.get("openai-pricing")!;
    expect(evidence).toEqual({
      model: "openai/gpt-image-1-mini",
      screenshots: [
        {
          file: "evidence/openai-pricing/gpt-image-1-mini.png",
          rows: ["GPT Image 1 Mini | Low | $0.005 | $0.006 | $0.006", "Medium | $0.011 | $0.015 | $0.015", "High | $0.036 | $0.052 | $0.052"],
        },
      ],
      // The token prices this page adds are quoted in the PR, and said not to be pictured.
      notShown: [
        {
          reason:
            "new price(s) input, cached_input, image_input, image_cached_input, image_output are quoted above with their rows, not pictured (only changed prices and a new shape are)",
        },
      ],
      chart: "evidence/openai-pricing/gpt-image-1-mini-history.svg",
    });
    const png = await readFile(path.join(runDir, evidence!.screenshots[0]!.file));
    expect(png.length).toBeGreaterThan(5_000);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);

    // The same page and rows, measured in the render the picture is taken from: the PNG is the table's box,
    // a small part of the page, and the highlighted rows are the three the prices came from.
    const page = evidencePage(await readFile(FIXTURE, "utf8"), "markdown", evidence!.screenshots[0]!.rows.map((evidence) => ({ evidence, tiers: ["standard"] })), ["gpt-image-1-mini"], provenanceOf("openai-pricing", source.pages[0]!));
    const screenshotter = new TableScreenshotter();
    try {
      const [shot] = await screenshotter.shoot(page.html, ["1"]);
      expect(Math.abs(pngSize(shot!.png).width - shot!.box.width)).toBeLessThanOrEqual(1);
      expect(Math.abs(pngSize(shot!.png).height - shot!.box.height)).toBeLessThanOrEqual(1);
      expect(pngSize(png)).toEqual(pngSize(shot!.png));
      expect(shot!.box.height).toBeLessThan(shot!.pageSize.height / 4);
      expect(shot!.box.height).toBeGreaterThan(20 * 24); // 20 rows of the image table, and its caption
      expect(shot!.highlighted).toEqual(["GPT Image 1 Mini Low $0.005 $0.006 $0.006", "Medium $0.011 $0.015 $0.015", "High $0.036 $0.052 $0.052"]);
    } finally {
      await screenshotter.close();
    }
  });

  it("gives a model whose new prices come from two tables (Flex, Standard) one picture per table, each named in the PR", async () => {
    const base = ModelEntry.parse(JSON.parse(await readFile("catalog/openai/gpt-5.2.json", "utf8")));
    // The catalog as if Standard input and Flex input had been cheaper: the page's rows now differ from it.
    const prices = Object.fromEntries(Object.entries(base.prices).filter(([key]) => !/^(fast|priority)\//.test(key)));
    const entry: ModelEntry = { ...base, lastVerified: "2025-12-19", prices: { ...prices, input: { usd: 1.5, unit: "1M tokens" }, "flex/input": { usd: 0.8, unit: "1M tokens" } } };
    const body = await readFile(FIXTURE, "utf8");
    const diff = diffSource(openAiPricingSource.extract(body, "markdown"), [entry], RUN_DATE);
    expect(diff.entries).toMatchObject([{ model: "openai/gpt-5.2", outcome: "changed" }]);

    const captured = await captureEvidence([{ ...source, diff }], { runDir, runDate: RUN_DATE, entries: new Map([[entry.id, entry]]), log: () => {} });
    const evidence = captured.get("openai-pricing")![0]!;
    expect(evidence.screenshots).toEqual([
      { file: "evidence/openai-pricing/gpt-5.2.png", rows: ["gpt-5.2 | $0.875 | $0.0875 | $7.00"] },
      { file: "evidence/openai-pricing/gpt-5.2.table-2.png", rows: ["gpt-5.2 | $1.75 | $0.175 | $14.00"] },
    ]);
    for (const shot of evidence.screenshots) expect((await readFile(path.join(runDir, shot.file))).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);

    const pr = renderPullRequest(diff, new Map([[entry.id, entry]]), { ...source.pages[0]!, artifacts: [evidence] }).body;
    expect(pr).toContain("- Screenshot of the table of `flex/input`, the row highlighted: `evidence/openai-pricing/gpt-5.2.png`");
    expect(pr).toContain("- Screenshot of the table of `input`, the row highlighted: `evidence/openai-pricing/gpt-5.2.table-2.png`");
  });

  it("renders the stored page offline: no request leaves the browser and no script or handler runs", async () => {
    let server: TestServer | undefined;
    const screenshotter = new TableScreenshotter();
    try {
      server = await startFlakyServer({});
      const stored = `<!doctype html><html><head><link rel="stylesheet" href="${server.url("/style.css")}">
<meta http-equiv="refresh" content="0; url=${server.url("/moved")}"></head>
<body onload="document.querySelector('td').textContent = 'changed by onload'">
<img src="${server.url("/pixel.png")}"><img src="missing.png" onerror="document.querySelector('td').textContent = 'changed by onerror'">
<iframe src="${server.url("/frame")}"></iframe>
<script>document.querySelector('td').textContent = 'changed by script'</script>
<h2>Models</h2><table><tr><th>Model</th><th>Input</th></tr><tr><td>deepseek-v4-flash</td><td>$0.14</td></tr></table>
<script src="${server.url("/app.js")}"></script></body></html>`;
      const page = evidencePage(stored, "html", [{ evidence: "deepseek-v4-flash | $0.14", tiers: ["standard"] }], ["deepseek-v4-flash"], "deepseek-pricing");
      const [shot] = await screenshotter.shoot(page.html, page.shots.map((s) => s.marker));
      expect(shot!.highlighted).toEqual(["deepseek-v4-flash $0.14"]);
      expect(shot!.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(server.requests).toEqual([]);
    } finally {
      await screenshotter.close();
      await server?.close();
    }
  });

  it("writes a chart a browser parses as SVG", async () => {
    const svg = await readFile(path.join(runDir, "evidence/openai-pricing/gpt-image-1-mini-history.svg"), "utf8");
    const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: [...CHROMIUM_ARGS] });
    try {
      const page = await browser.newPage();
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, "image/svg+xml");
        return { error: doc.querySelector("parsererror")?.textContent ?? null, root: doc.documentElement.nodeName, series: doc.querySelectorAll("g.series").length };
      }, svg);
      expect(parsed).toEqual({ error: null, root: "svg", series: 3 });
    } finally {
      await browser.close();
    }
  });

  it("without Chromium, or without the row on the page, the PR still shows the change and says why there is no picture", async () => {
    const otherRun = path.join(tmp, "no-browser");
    await mkdir(path.join(otherRun, "pages"), { recursive: true });
    await copyFile(FIXTURE, path.join(otherRun, "pages/openai-pricing.md"));
    const diff = structuredClone(source.diff);
    const changed = diff.entries.find((e) => e.outcome === "changed")!;
    if (changed.outcome !== "changed") throw new Error("unreachable");
    changed.changes[2]!.evidence = "High | $0.036 | a row the page does not have";

    const captured = await captureEvidence([{ ...source, diff }], {
      runDir: otherRun,
      runDate: RUN_DATE,
      entries,
      log: () => {},
      browser: { executablePath: path.join(otherRun, "no-such-chromium") },
    });
    const evidence = captured.get("openai-pricing")![0]!;
    expect(evidence.screenshots).toEqual([]);
    expect(evidence.chart).toBe("evidence/openai-pricing/gpt-image-1-mini-history.svg");
    expect(existsSync(path.join(otherRun, evidence.chart!))).toBe(true);

    const body = renderPullRequest(diff, entries, { ...source.pages[0]!, artifacts: [evidence] }).body;
    expect(body).toContain("| `image:low:1024x1024` (per image) | $0.004 | $0.005 | +25.0% |");
    expect(body).toMatch(
      /^- No screenshot of “GPT Image 1 Mini \\\| Low \\\| \\\$0\.005 \\\| \\\$0\.006 \\\| \\\$0\.006”, “Medium \\\| \\\$0\.011 \\\| \\\$0\.015 \\\| \\\$0\.015”: Chromium could not start \\\(.*no-such-chromium\\\)/m,
    );
    expect(body).toContain("- No screenshot of “High \\| \\$0.036 \\| a row the page does not have”: this row was not found on the stored page");
    expect(body).toContain("- Price history chart: `evidence/openai-pricing/gpt-image-1-mini-history.svg`");
  });
});
