// `npm run catalog -- site`: built from the repository's catalog and a replayed dry run (DeepSeek's real page,
// which restructures two models into peak / off-peak prices, and xAI's, which reads partial), then opened in
// headless Chromium over file:// and read as a person would: every vendor and source with its state, a model
// page's prices, chart and freshness note, the changes page and the Atom feed. No request may leave the
// machine, no console error, no serious accessibility violation (axe). Screenshots are kept under
// test-results/site/ (gitignored) for a person to look at.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { AxeBuilder } from "@axe-core/playwright";
import { Ajv2020 } from "ajv/dist/2020.js";
import * as cheerio from "cheerio";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, chromiumExecutable, chromiumStatus } from "../../pipeline/fetch/browser.ts";
import { formatUsd } from "../../pipeline/publish/markdown.ts";
import { SOURCES } from "../../pipeline/sources/index.ts";
import type { ModelEntry } from "../../schemas/model-entry.ts";
import { RunReport } from "../../schemas/run-report.ts";
import { REPO_ROOT, runCli } from "../support/cli.ts";

const RUN_DATE = "2026-08-23";
const PAGES: Record<string, string> = {
  "deepseek-pricing.html": "test/fixtures/deepseek/api-docs-quick_start-pricing__2026-08-13.html",
  // xAI's 2025 models page, whose price table its scripts drew: the source fails there, and the site says so.
  "xai-pricing.md": "test/fixtures/xai/docs-x-ai-docs-models__2025-12-19.md",
};
const ARTIFACTS = path.join(REPO_ROOT, "test-results/site");

let tmp: string;
let site: string;
let report: RunReport;
let build: { status: number | null; stdout: string; stderr: string };
let browser: Browser | undefined;
let noChromium: string | undefined;
/** Every URL the pages asked for that is not a file: URL (each one is refused). */
const leaked: string[] = [];
const consoleErrors: string[] = [];

const entry = (id: string): ModelEntry => JSON.parse(readFileSync(path.join(REPO_ROOT, "catalog", `${id}.json`), "utf8")) as ModelEntry;
const url = (relative: string) => pathToFileURL(path.join(site, relative)).href;

beforeAll(async () => {
  const found = chromiumStatus();
  if ("missing" in found) noChromium = `No Chromium to open the site in: run .ci/install-chromium.sh or set CHROMIUM_PATH (${found.missing})`;
  tmp = mkdtempSync(path.join(tmpdir(), "site-test-"));
  const pages = path.join(tmp, "pages");
  for (const [name, file] of Object.entries(PAGES)) {
    mkdirSync(path.dirname(path.join(pages, name)), { recursive: true });
    cpSync(path.join(REPO_ROOT, file), path.join(pages, name));
  }
  // A dry run over the repository's catalog (copied: a dry run writes nothing, but the test never risks it).
  cpSync(path.join(REPO_ROOT, "catalog"), path.join(tmp, "catalog"), { recursive: true });
  const runDir = path.join(tmp, "run");
  const run = await runCli(
    ["run", "--dry-run", "--replay", pages, "--date", RUN_DATE, "--run-dir", runDir, "--catalog", path.join(tmp, "catalog"), "--only", "deepseek-pricing", "--only", "xai-pricing"],
    { cwd: tmp, env: { GITHUB_TOKEN: "", GITHUB_REPOSITORY: "" }, screenshots: true },
  );
  report = RunReport.parse(JSON.parse(readFileSync(path.join(runDir, "report.json"), "utf8")));
  expect(report.sources.map((s) => s.source), run.stderr).toEqual(["deepseek-pricing", "xai-pricing"]);
  site = path.join(tmp, "site");
  build = await runCli(["site", "--out", site, "--run-dir", runDir]);
  if (!noChromium) browser = await chromium.launch({ executablePath: chromiumExecutable(), args: [...CHROMIUM_ARGS] });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 180_000);

// CI installs Chromium (.ci/run), so a missing one is a failure with the fix in it, never a skip.
beforeEach((ctx) => {
  if (noChromium && ctx.task.name.includes("in Chromium")) throw new Error(noChromium);
});

afterAll(async () => {
  await browser?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A page of the site, every request outside file: refused and recorded, console errors recorded. */
async function open(relative: string): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width: 1200, height: 900 } });
  await context.route("**/*", (route) => {
    const requested = route.request().url();
    if (requested.startsWith("file:")) return route.continue();
    leaked.push(requested);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(`${relative}: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`${relative}: ${e.message}`));
  await page.goto(url(relative), { waitUntil: "load" });
  return page;
}

async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

describe("npm run catalog -- site --out DIR --run-dir DIR", () => {
  it("builds from the catalog and the run, and prints where to open it", () => {
    expect(build.status, build.stderr).toBe(0);
    expect(build.stderr).toBe("");
    expect(build.stdout).toContain(`open: ${url("index.html")}`);
  });

  it("in Chromium: the front page lists every vendor and every source with its state on the last night", async () => {
    const page = await open("index.html");
    for (const vendor of ["OpenAI", "Anthropic", "Google", "DeepSeek", "xAI", "Mistral AI"]) {
      await expect.poll(() => page.getByRole("heading", { level: 2, name: vendor }).isVisible()).toBe(true);
    }
    const states = new Map(report.sources.map((s) => [s.source, s.status === "ok" ? "read" : s.status]));
    expect(states.get("deepseek-pricing")).toBe("read");
    expect(states.get("xai-pricing")).toBe("failed");
    for (const source of SOURCES) {
      const row = page.locator(`tr[data-source="${source.id}"]`);
      expect(await row.isVisible(), source.id).toBe(true);
      expect(await row.locator(".state").innerText(), source.id).toBe(states.get(source.id) ?? "not run");
    }
    // A source that read only part of its page says what happened and what to do next.
    const xai = await page.locator('tr[data-source="xai-pricing"]').innerText();
    expect(xai).toContain(report.sources.find((s) => s.source === "xai-pricing")!.reason!);
    expect(xai).toMatch(/Next: the page layout changed/);
    // Entries by age, oldest first, the stale ones marked (DeepSeek's V3.2 entries were last verified 2025-12-19).
    const deepseek = page.locator("section#deepseek");
    const rows = await deepseek.locator("table.entries tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-model")));
    expect(rows).toEqual(["deepseek/deepseek-chat", "deepseek/deepseek-reasoner", "deepseek/deepseek-v4-flash", "deepseek/deepseek-v4-pro"]);
    expect(await deepseek.locator('tr[data-model="deepseek/deepseek-chat"]').innerText()).toMatch(/2025-12-19\s+247 day\(s\)\s*stale/);
    expect(await deepseek.locator('tr[data-model="deepseek/deepseek-v4-pro"]').innerText()).not.toContain("stale");
    // Mistral's retired entries are counted and listed apart.
    expect(await page.locator("section#mistral .counts").innerText()).toMatch(/ 5 retired/);
    expect(await page.locator("section#mistral table.retired tbody tr").count()).toBe(5);
    await page.screenshot({ path: path.join(ARTIFACTS, "front.png"), fullPage: true });
    console.log(`screenshot: ${path.join(ARTIFACTS, "front.png")}`);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("in Chromium: a model page shows its prices, its history chart, the run's evidence and its freshness note", async () => {
    const page = await open("models/deepseek/deepseek-v4-pro.html");
    const pro = entry("deepseek/deepseek-v4-pro");
    await expect.poll(() => page.getByRole("heading", { level: 1, name: pro.name }).isVisible()).toBe(true);
    expect(await page.locator(".freshness-note").innerText()).toBe(
      "Freshness note: prices can change quickly. This profile's prices were last verified on August 13, 2026 against api-docs.deepseek.com/quick_start/pricing.",
    );
    expect(await page.locator(".freshness-note a").getAttribute("href")).toBe("https://api-docs.deepseek.com/quick_start/pricing");
    // Every price of the entry, in words and with its key, in the table of its unit.
    for (const [key, price] of Object.entries(pro.prices)) {
      const row = page.locator(`table.prices[data-unit="${price.unit}"] tr[data-price="${key}"]`);
      expect(await row.innerText(), key).toContain(formatUsd(price.usd));
    }
    expect(await page.locator('tr[data-price="cached_input"] th').innerText()).toBe("Cached input");
    // The chart: one per unit, the old keys and the keys the run proposes in their place on one scale.
    const chart = page.locator('figure.chart[data-unit="1M tokens"] svg');
    expect(await chart.isVisible()).toBe(true);
    const series = await chart.locator("g.series").evaluateAll((gs) => gs.map((g) => g.getAttribute("data-price")));
    expect(series).toEqual(expect.arrayContaining(["input", "input@off_peak", "input@peak", "output", "output@peak"]));
    expect(await chart.locator('g.series[data-price="input"] line.step.current').getAttribute("data-until")).toBe("2026-08-16");
    expect(await chart.locator('g.series[data-price="input@peak"] line.step.proposed').getAttribute("data-usd")).toBe("1.32");
    // The run's screenshot of the table the new prices came from, loaded from the site itself.
    const shot = page.locator("figure.evidence img").first();
    expect(await shot.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 100)).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, "model-deepseek-v4-pro.png"), fullPage: true });
    console.log(`screenshot: ${path.join(ARTIFACTS, "model-deepseek-v4-pro.png")}`);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("in Chromium: a model priced per image shows those prices and the restructuring its history records", async () => {
    const page = await open("models/openai/dall-e-3.html");
    const dalle = entry("openai/dall-e-3");
    for (const [key, price] of Object.entries(dalle.prices)) {
      expect(await page.locator(`table.prices[data-unit="image"] tr[data-price="${key}"]`).innerText(), key).toContain(formatUsd(price.usd));
    }
    expect(await page.locator('tr[data-price="image:hd:1024x1536"] th').first().innerText()).toBe("Image, HD quality, 1024×1536");
    const chart = page.locator('figure.chart[data-unit="image"] svg');
    const keys = await chart.locator("g.series").evaluateAll((gs) => gs.map((g) => g.getAttribute("data-price")));
    expect(keys).toEqual(expect.arrayContaining(["image:hd:1024x1792", "image:hd:1024x1536"]));
    expect(await chart.locator('g.series[data-price="image:hd:1024x1792"] line.step.history').getAttribute("data-until")).toBe("2026-08-22");
    await page.screenshot({ path: path.join(ARTIFACTS, "model-dall-e-3.png"), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("in Chromium: the changes page lists the run's restructuring and the catalog's recorded changes, newest first", async () => {
    const page = await open("changes.html");
    const rows = page.locator("table.changes tbody tr");
    const proposed = page.locator('tr[data-model="deepseek/deepseek-v4-pro"][data-price="input"]');
    const text = await proposed.innerText();
    expect(text).toContain("2026-08-16");
    expect(text).toContain("$0.435 per 1M tokens → no longer priced; now input@off_peak $0.66 (+51.7%) / input@peak $1.32 (+203.4%)");
    expect(text).toContain("proposed (dry run)");
    expect(text).toContain("api-docs.deepseek.com/quick_start/pricing");
    expect(await page.locator('tr[data-model="openai/dall-e-3"][data-price="image:hd:1024x1792"]').innerText()).toMatch(/2026-08-22[\s\S]*\$0\.12 per image → no longer priced[\s\S]*in the catalog/);
    const days = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector("time")!.getAttribute("datetime")!));
    expect(days.length).toBeGreaterThan(4);
    expect([...days].sort().reverse()).toEqual(days);
    await page.screenshot({ path: path.join(ARTIFACTS, "changes.png"), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("in Chromium: no request left the machine and no page logged an error", () => {
    expect(leaked).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it("feed.xml is Atom with the required elements, one entry per change, newest first", () => {
    const $ = cheerio.load(readFileSync(path.join(site, "feed.xml"), "utf8"), { xml: true });
    const feed = $("feed");
    expect(feed.attr("xmlns")).toBe("http://www.w3.org/2005/Atom");
    expect(feed.children("id").text()).toMatch(/\S/);
    expect(feed.children("title").text()).toMatch(/price changes/);
    expect(Date.parse(feed.children("updated").text())).not.toBeNaN();
    expect(feed.children("author").children("name").text()).toMatch(/\S/);
    const entries = feed.children("entry").toArray().map((e) => ({
      id: $(e).children("id").text(),
      title: $(e).children("title").text(),
      updated: $(e).children("updated").text(),
      link: $(e).children("link").attr("href") ?? "",
    }));
    expect(entries.length).toBeGreaterThan(4);
    for (const e of entries) {
      expect(e.id).toMatch(/^urn:catalog-freshness:change:/);
      expect(e.title).toMatch(/\S/);
      expect(Date.parse(e.updated)).not.toBeNaN();
      expect(() => new URL(e.link)).not.toThrow();
    }
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    expect([...entries.map((e) => e.updated)].sort().reverse()).toEqual(entries.map((e) => e.updated));
    expect(entries.map((e) => e.title)).toContain(
      "DeepSeek V4 Pro input: $0.435 per 1M tokens → no longer priced; now input@off_peak $0.66 (+51.7%) / input@peak $1.32 (+203.4%), proposed, from 2026-08-16",
    );
    expect(entries.map((e) => e.title)).toContain("DALL·E 3 image:hd:1024x1792: $0.12 per image → no longer priced, on 2026-08-22");
  });

  it("catalog.json holds every entry and passes its own JSON Schema", () => {
    const doc = JSON.parse(readFileSync(path.join(site, "catalog.json"), "utf8")) as { entries: { id: string }[] };
    const schema = JSON.parse(readFileSync(path.join(site, "catalog.schema.json"), "utf8")) as object;
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(schema);
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(doc.entries.map((e) => e.id)).toContain("deepseek/deepseek-v4-pro");
    expect(doc.entries.find((e) => e.id === "openai/dall-e-3")).toEqual((({ $schema: _, ...rest }) => rest)(entry("openai/dall-e-3")));
  });
});
