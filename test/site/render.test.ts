// The site's pages read as HTML (no browser): an entry holding every kind of fact the catalog can — prices in
// several units, a multiplier, a scheduled price, a recorded change — shows each in words on its page, and in
// the changes page and the feed; and the `site` command refuses what it should, with one line.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as cheerio from "cheerio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSite, type SiteFlags, siteCommand } from "../../pipeline/site/build.ts";
import { priceKeyInWords } from "../../pipeline/site/words.ts";
import type { ModelEntry } from "../../schemas/model-entry.ts";
import { REPO_ROOT } from "../support/cli.ts";

let tmp: string;
let catalog: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), "site-render-"));
  catalog = path.join(tmp, "catalog");
  cpSync(path.join(REPO_ROOT, "catalog"), catalog, { recursive: true });
  const file = path.join(catalog, "deepseek/deepseek-v4-pro.json");
  const entry = JSON.parse(readFileSync(file, "utf8")) as ModelEntry;
  entry.prices["transcription_per_minute"] = { usd: 0.006, unit: "minute" };
  entry.prices["batch/input@over_200k"] = { usd: 0.3, unit: "1M tokens" };
  entry.multipliers = { batch: { factor: 0.5, sentence: "Batch requests are billed at 50% off.", source: "deepseek-pricing" } };
  entry.scheduledPrices = [{ price: "output", usd: 1.74, unit: "1M tokens", from: "2026-09-01", source: "deepseek-pricing" }];
  entry.priceHistory = [{ price: "input", usd: 0.5, unit: "1M tokens", from: "2026-05-01", until: "2026-07-01" }];
  writeFileSync(file, `${JSON.stringify(entry, null, 2)}\n`);
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("the pages, as HTML", () => {
  let out: string;
  beforeAll(async () => {
    out = path.join(tmp, "site");
    const result = await buildSite({ catalogDir: catalog, outDir: out, asOf: "2026-08-23", now: new Date("2026-08-23T06:00:00Z") });
    expect(result.problems).toEqual([]);
  });
  const page = (relative: string) => cheerio.load(readFileSync(path.join(out, relative), "utf8"));

  it("a model page: a table per unit, tiers and conditions in words, the multiplier's sentence, the scheduled price's day", () => {
    const $ = page("models/deepseek/deepseek-v4-pro.html");
    expect($("table.prices").map((_, t) => $(t).attr("data-unit")).get()).toEqual(["1M tokens", "minute"]);
    expect($('table.prices[data-unit="minute"] caption').text()).toBe("USD per minute");
    expect($('tr[data-price="transcription_per_minute"]').text()).toContain("$0.006");
    expect($('tr[data-price="transcription_per_minute"] th').text()).toBe("Transcription");
    expect($('tr[data-price="batch/input@over_200k"] th').text()).toBe("Input, prompts over 200K tokens (Batch)");
    expect($('tr[data-price="batch/input@over_200k"] td').first().text()).toBe("Batch");
    const multiplier = $('tr[data-multiplier="batch"]').text();
    expect(multiplier).toContain("× 0.5 (50% off)");
    expect(multiplier).toContain("Batch requests are billed at 50% off.");
    const scheduled = $("table.scheduled tr[data-price=output]").text();
    expect(scheduled).toContain("$1.74");
    expect(scheduled).toContain("September 1, 2026");
    // The chart: the recorded change and the scheduled price on the one scale of their unit.
    const chart = $('figure.chart[data-unit="1M tokens"] svg');
    expect(chart.find('g.series[data-price="input"] line.step.history').attr("data-until")).toBe("2026-07-01");
    expect(chart.find('g.series[data-price="output"] line.step.scheduled').attr("data-from")).toBe("2026-09-01");
    expect($("figure.chart").length).toBe(1);
  });

  it("the changes page and the feed: the recorded change with its %, and the scheduled one with its day", () => {
    const $ = page("changes.html");
    const recorded = $('tr[data-model="deepseek/deepseek-v4-pro"][data-price="input"][data-status="recorded"]').text();
    expect(recorded).toContain("$0.50 → $0.435 per 1M tokens");
    expect(recorded).toContain("−13.0%");
    const scheduled = $('tr[data-model="deepseek/deepseek-v4-pro"][data-price="output"][data-status="scheduled"]').text();
    expect(scheduled).toContain("$0.87 → $1.74 per 1M tokens");
    expect(scheduled).toContain("+100.0%");
    const feed = cheerio.load(readFileSync(path.join(out, "feed.xml"), "utf8"), { xml: true });
    const titles = feed("entry > title").map((_, t) => feed(t).text()).get();
    const scheduledTitle = "DeepSeek V4 Pro output: $0.87 → $1.74 per 1M tokens (+100.0%), scheduled from 2026-09-01";
    const recordedTitle = "DeepSeek V4 Pro input: $0.50 → $0.435 per 1M tokens (−13.0%), on 2026-07-01";
    expect(titles).toContain(scheduledTitle);
    expect(titles).toContain(recordedTitle);
    // Newest first: the scheduled day leads.
    expect(titles.indexOf(scheduledTitle)).toBeLessThan(titles.indexOf(recordedTitle));
    // The content is HTML whose source page is a link.
    const content = cheerio.load(feed("entry").eq(titles.indexOf(scheduledTitle)).children("content").text());
    expect(content("a").attr("href")).toBe("https://api-docs.deepseek.com/quick_start/pricing");
    expect(content("p").first().text()).toBe("deepseek/deepseek-v4-pro — Output (output): $0.87 → $1.74 per 1M tokens (+100.0%), scheduled from 2026-09-01.");
  });

  it("without a run, the front page says the sources' states are unknown", () => {
    const $ = page("index.html");
    expect($('tr[data-source="deepseek-pricing"] .state').text()).toBe("unknown (no run given)");
    expect($("main").text()).toContain("No run report was given");
  });
});

describe("price keys in words", () => {
  it.each([
    ["input", "Input"],
    ["cached_input@over_200k", "Cached input, prompts over 200K tokens"],
    ["flex/output", "Output (Flex)"],
    ["input@off_peak", "Input, off-peak hours"],
    ["image:low:1024x1024", "Image, low quality, 1024×1024"],
    ["image:2k", "Image at 2K resolution"],
    ["video_per_second:720p", "Video, 720p"],
    ["input_per_1m_characters", "Input"],
    ["ocr_per_page", "Ocr"],
    ["search_per_request", "Search"],
  ])("%s reads %s", (key, words) => {
    expect(priceKeyInWords(key)).toBe(words);
  });
});

describe("npm run catalog -- site: refusals, one line each", () => {
  const site = async (flags: Partial<SiteFlags> & { out: string }) => {
    const out: string[] = [];
    const err: string[] = [];
    const status = await siteCommand({ catalog, staleAfter: "30", ...flags }, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { status, out, err };
  };

  it("a directory that holds something else is never cleared", async () => {
    const dir = path.join(tmp, "precious");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "notes.txt"), "mine");
    const r = await site({ out: dir });
    expect(r.status).toBe(1);
    expect(r.err).toEqual([`${dir} is not empty and is not a site this command built: choose an empty or new directory`]);
    expect(readFileSync(path.join(dir, "notes.txt"), "utf8")).toBe("mine");
  });

  it("a run directory without a readable report: said once, and the site is built without it; a bad flag: exit 2", async () => {
    const dir = path.join(tmp, "no-report");
    const r = await site({ out: dir, runDir: path.join(tmp, "nowhere") });
    expect(r.status, r.err.join("\n")).toBe(0);
    expect(r.err).toEqual([expect.stringMatching(/^cannot read .*nowhere\/report\.json: ENOENT.*; the site is built without it$/)]);
    expect(r.out.at(-1)).toMatch(/^open: file:\/\/.*no-report\/index\.html$/);
    expect(await site({ out: dir, date: "2026-02-30" })).toEqual({ status: 2, out: [], err: ['--date must be a real day written YYYY-MM-DD, not "2026-02-30"'] });
    expect(await site({ out: dir, staleAfter: "-1" })).toMatchObject({ status: 2, err: ['--stale-after must be a whole number of days, 0 or more, not "-1"'] });
    // A rebuild into a site this command built replaces it.
    expect((await site({ out: dir })).status).toBe(0);
  });
});
