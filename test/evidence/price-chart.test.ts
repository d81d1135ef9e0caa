import { readFileSync } from "node:fs";
import * as cheerio from "cheerio";
import { describe, expect, it } from "vitest";
import { priceHistoryChart } from "../../pipeline/evidence/price-chart.ts";
import type { PriceChange } from "../../schemas/diff.ts";
import { ModelEntry } from "../../schemas/model-entry.ts";

const mini = ModelEntry.parse(JSON.parse(readFileSync("catalog/openai/gpt-image-1-mini.json", "utf8")));
const change = (price: string, old: number, now: number): PriceChange => ({
  price,
  unit: "image",
  old,
  new: now,
  percent: Math.round(((now - old) / old) * 1000) / 10,
});
const CHANGES = [change("image:low:1024x1024", 0.004, 0.005), change("image:medium:1024x1024", 0.02, 0.011)];

/** Every tag opened is closed, in order: what an XML parser (a browser's SVG loader) insists on. */
function unbalancedTags(xml: string): string[] {
  const open: string[] = [];
  const problems: string[] = [];
  for (const m of xml.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (!closing) open.push(name!);
    else if (open.pop() !== name) problems.push(`</${name}> closes nothing open`);
  }
  return [...problems, ...open.map((n) => `<${n}> never closed`)];
}

describe("the price-history chart of a changed model", () => {
  it("draws one series per changed price: the catalog price until the run date, the new price from it", () => {
    const svg = priceHistoryChart(mini, CHANGES, "2026-08-15");
    const $ = cheerio.load(svg, { xml: true });
    expect($("svg").attr("xmlns")).toBe("http://www.w3.org/2000/svg");
    expect($("g.series").map((_, g) => $(g).attr("data-price")).get()).toEqual(["image:low:1024x1024", "image:medium:1024x1024"]);

    const low = $('g.series[data-price="image:low:1024x1024"]');
    const current = low.find("line.step.current");
    expect(current.attr("data-usd")).toBe("0.004");
    expect(current.attr("data-until")).toBe("2026-08-15");
    // No history: the catalog does not say since when $0.004 held, so the line says so (dashed).
    expect(current.attr("data-from")).toBe("");
    expect(current.attr("stroke-dasharray")).toBeDefined();
    const fresh = low.find("line.step.new");
    expect(fresh.attr("data-usd")).toBe("0.005");
    expect(fresh.attr("data-from")).toBe("2026-08-15");
    expect(low.find("text.value").map((_, t) => $(t).text()).get()).toEqual(["$0.004", "$0.005 new"]);
    expect(low.find("text.date").map((_, t) => $(t).text()).get()).toEqual(["2026-04-04", "2026-08-15"]);
    // One scale for every panel of one unit: the medium price ($0.02) sets it, so the two compare by eye.
    expect(low.find("text.usd-tick").map((_, t) => $(t).text()).get()).toEqual(["$0", "$0.0125", "$0.025"]);
    expect(low.text()).toContain("USD per image");
    expect($("title").first().text()).toBe("openai/gpt-image-1-mini: price history, and the new price seen on 2026-08-15");
    expect(unbalancedTags(svg)).toEqual([]);
  });

  it("draws a key retired for a new shape together with the keys that took its place, on one scale", () => {
    const deepseek: ModelEntry = { ...mini, id: "deepseek/deepseek-v4-pro", prices: { input: { usd: 0.435, unit: "1M tokens" } } };
    const svg = priceHistoryChart(
      deepseek,
      [
        { price: "input", unit: "1M tokens", old: 0.435, on: "2026-08-16" },
        { price: "input@off_peak", unit: "1M tokens", new: 0.66, on: "2026-08-16", replaces: "input" },
        { price: "input@peak", unit: "1M tokens", new: 1.32, on: "2026-08-16", replaces: "input" },
      ],
      "2026-08-23",
    );
    const $ = cheerio.load(svg, { xml: true });
    expect($("g.series").map((_, g) => $(g).attr("data-price")).get()).toEqual(["input input@off_peak input@peak"]);
    expect($("g.series text").first().text()).toBe("input → input@off_peak, input@peak (USD per 1M tokens)");
    expect($("text.value").map((_, t) => $(t).text()).get()).toEqual(["$0.435", "input@off_peak $0.66 new", "input@peak $1.32 new"]);
    expect(unbalancedTags(svg)).toEqual([]);
  });

  it("steps through priceHistory with its from/until days, oldest first", () => {
    const entry: ModelEntry = {
      ...mini,
      priceHistory: [
        { price: "image:low:1024x1024", usd: 0.006, unit: "image", from: "2025-10-01", until: "2026-01-10" },
        { price: "image:low:1024x1024", usd: 0.008, unit: "image", until: "2025-10-01" },
        { price: "image:high:1024x1024", usd: 0.09, unit: "image", from: "2025-09-26", until: "2026-02-01" },
      ],
    };
    const $ = cheerio.load(priceHistoryChart(entry, CHANGES, "2026-08-15"), { xml: true });
    const steps = $('g.series[data-price="image:low:1024x1024"] line.step')
      .map((_, l) => [[$(l).attr("class"), $(l).attr("data-usd"), $(l).attr("data-from"), $(l).attr("data-until")]])
      .get();
    expect(steps).toEqual([
      ["step history", "0.008", "", "2025-10-01"],
      ["step history", "0.006", "2025-10-01", "2026-01-10"],
      ["step current", "0.004", "2026-01-10", "2026-08-15"],
      ["step new", "0.005", "2026-08-15", ""],
    ]);
    const dates = $('g.series[data-price="image:low:1024x1024"] text.date').map((_, t) => $(t).text()).get();
    expect(dates).toEqual(["2025-10-01", "2026-01-10", "2026-04-04", "2026-08-15"]);
    // A history row of a key that did not change is not drawn.
    expect($('g.series[data-price="image:high:1024x1024"]')).toHaveLength(0);
  });

  it("escapes what it writes, so the file stays well-formed XML", () => {
    const svg = priceHistoryChart({ ...mini, id: "openai/a<b&c" as ModelEntry["id"] }, CHANGES.slice(0, 1), "2026-08-15");
    expect(svg).toContain("openai/a&lt;b&amp;c");
    expect(unbalancedTags(svg)).toEqual([]);
  });
});
