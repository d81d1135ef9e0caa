import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { deepSeekPricingSource as source } from "../../pipeline/sources/deepseek.ts";
import { Extraction } from "../../schemas/observation.ts";
import { REPO_ROOT } from "../support/cli.ts";

const FIXTURES = path.join(REPO_ROOT, "test/fixtures/deepseek");
const DEC_19 = "api-docs-quick_start-pricing__2025-12-19.md";
const AUG_02 = "api-docs-quick_start-pricing__2026-08-02.md";
const AUG_13 = "api-docs-quick_start-pricing__2026-08-13.md";
const HANDMADE_TABLE = "handmade-docusaurus-table.html";
const HANDMADE_ANNOUNCED = "handmade-docusaurus-announced-peak.html";
const HANDMADE_THIRD_LABEL = "handmade-third-label-column.md";
/** The late-August page (three models, peak/off-peak rows under merged labels) in four renderings. */
const AUG_21_HTML = "api-docs-quick_start-pricing__2026-08-21.est.html";
const AUG_21_READER = "api-docs-quick_start-pricing__2026-08-21.est.reader.md";
const AUG_23 = "api-docs-quick_start-pricing__2026-08-23.md";
const AUG_27 = "api-docs-quick_start-pricing__2026-08-27.md";
const LATE_AUGUST: [string, "html" | "markdown"][] = [
  [AUG_21_HTML, "html"],
  [AUG_21_READER, "markdown"],
  [AUG_23, "markdown"],
  [AUG_27, "markdown"],
];

const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");

/** Replace one exact piece of a fixture, failing loudly if it is not there (so a mutation never silently no-ops). */
function mutate(body: string, from: string | RegExp, to: string): string {
  const changed = body.replace(from, to);
  expect(changed, `mutation ${String(from)} did not apply`).not.toBe(body);
  return changed;
}

function extract(body: string, format: "markdown" | "html"): Extraction {
  const result = source.extract(body, format);
  return Extraction.parse(result);
}

type PriceMap = Record<string, Record<string, number>>;

/** model → price key → usd, for current prices (no effectiveFrom) or for the prices announced from `from`. */
function prices(extraction: Extraction, from?: string): PriceMap {
  const map: PriceMap = {};
  for (const o of extraction.observations) {
    if (o.effectiveFrom !== from) continue;
    (map[o.model] ??= {})[o.price] = o.usd;
  }
  return map;
}

const DIMENSION_LABEL: Record<string, string> = {
  cached_input: "1M INPUT TOKENS (CACHE HIT)",
  input: "1M INPUT TOKENS (CACHE MISS)",
  output: "1M OUTPUT TOKENS",
};

/**
 * One quote per price: each observation's evidence names the header of its own column (the model, or in the
 * table of models as rows, the price label) before its row, and says its peak/off-peak label and its amount.
 */
function expectEvidenceOnEveryObservation(extraction: Extraction): void {
  for (const o of extraction.observations) {
    const what = `${o.model} ${o.price}`;
    expect(o.unit).toBe("1M tokens");
    expect(o.evidence, what).toContain(`$${o.usd}`);
    const [dimension, condition] = o.price.split("@");
    const column = o.evidence!.split(" › ")[0]!;
    expect([o.model.replace(/^deepseek\//, ""), DIMENSION_LABEL[dimension!]], what).toContain(column);
    expect(o.evidence, what).toContain(DIMENSION_LABEL[dimension!]);
    if (condition === "off_peak") expect(o.evidence, what).toContain("OFF-PEAK");
    if (condition === "peak") expect(o.evidence, what).toMatch(/(?<!OFF-)PEAK/);
    if (condition === undefined) expect(o.evidence, what).not.toMatch(/PEAK/);
  }
}

/** Every amount the page states is read (none passed over, none left unread). */
function expectEveryAmountRead(extraction: Extraction): void {
  expect(extraction.accounting).toHaveLength(1);
  const [accounting] = extraction.accounting!;
  expect(accounting!.unread).toBe(0);
  expect(accounting!.passedOver).toEqual([]);
  expect(accounting!.read).toBe(accounting!.seen);
}

const V32 = { cached_input: 0.028, input: 0.28, output: 0.42 };
/** MANIFEST.md, checked by hand: the late-August page prices the vision model as deepseek-v4-flash. */
const V4_LATE = (peak: PriceMap): PriceMap => ({
  ...peak,
  "deepseek/deepseek-v4-flash-vision-exp": peak["deepseek/deepseek-v4-flash"]!,
});
const V4_CURRENT: PriceMap = {
  "deepseek/deepseek-v4-flash": { cached_input: 0.0028, input: 0.14, output: 0.28 },
  "deepseek/deepseek-v4-pro": { cached_input: 0.003625, input: 0.435, output: 0.87 },
};
const V4_PEAK: PriceMap = {
  "deepseek/deepseek-v4-flash": {
    "cached_input@off_peak": 0.007,
    "input@off_peak": 0.22,
    "output@off_peak": 0.66,
    "cached_input@peak": 0.014,
    "input@peak": 0.44,
    "output@peak": 1.32,
  },
  "deepseek/deepseek-v4-pro": {
    "cached_input@off_peak": 0.022,
    "input@off_peak": 0.66,
    "output@off_peak": 1.98,
    "cached_input@peak": 0.044,
    "input@peak": 1.32,
    "output@peak": 3.96,
  },
};

describe("deepseek-pricing: the source", () => {
  it("is the DeepSeek pricing page, fetched as HTML over plain HTTP", () => {
    expect(source).toMatchObject({
      id: "deepseek-pricing",
      vendor: "deepseek",
      url: "https://api-docs.deepseek.com/quick_start/pricing",
      format: "html",
      fetchWith: "http",
    });
  });

  it("keeps the snapshots byte-exact (sizes as in MANIFEST.md)", () => {
    expect(readFileSync(path.join(FIXTURES, DEC_19)).length).toBe(1424);
    expect(readFileSync(path.join(FIXTURES, AUG_02)).length).toBe(2868);
    expect(readFileSync(path.join(FIXTURES, AUG_13)).length).toBe(2951);
    expect(LATE_AUGUST.map(([name]) => readFileSync(path.join(FIXTURES, name)).length)).toEqual([23168, 3569, 3088, 2821]);
  });
});

describe("deepseek-pricing: snapshots", () => {
  it("2025-12-19 pseudo-table: one price spanning deepseek-chat and deepseek-reasoner applies to both", () => {
    const r = extract(fixture(DEC_19), "markdown");
    expect(r.status).toBe("ok");
    expect(r.problems).toEqual([]);
    expect(r.untracked).toEqual([]);
    expect(prices(r)).toEqual({ "deepseek/deepseek-chat": V32, "deepseek/deepseek-reasoner": V32 });
    expect(r.observations).toHaveLength(6);
    expectEvidenceOnEveryObservation(r);
  });

  it("2026-08-02 pipe table with uneven rows: every price lands on its model; the footnote announces nothing readable", () => {
    const r = extract(fixture(AUG_02), "markdown");
    expect(r.status).toBe("ok");
    expect(r.problems).toEqual([]);
    expect(r.untracked).toEqual([]);
    expect(prices(r)).toEqual(V4_CURRENT);
    expect(r.observations).toHaveLength(6);
    // "(2) … will soon adopt a peak/off-peak pricing policy … subject to the official announcement": no future price.
    expect(r.observations.filter((o) => o.effectiveFrom !== undefined || o.price.includes("@"))).toEqual([]);
    expectEvidenceOnEveryObservation(r);
  });

  it("2026-08-13: current prices, and the announced peak/off-peak prices from 2026-08-16", () => {
    const r = extract(fixture(AUG_13), "markdown");
    expect(r.status).toBe("ok");
    expect(r.problems).toEqual([]);
    expect(r.untracked).toEqual([]);
    expect(prices(r)).toEqual(V4_CURRENT);
    expect(prices(r, "2026-08-16")).toEqual(V4_PEAK);
    expect(r.observations).toHaveLength(6 + 12);
    // An announced (peak/off-peak) price is never without its date; a current one holds until that day.
    for (const o of r.observations) {
      if (o.price.includes("@")) {
        expect(o.effectiveFrom, `${o.model} ${o.price}`).toBe("2026-08-16");
        expect(o.effectiveUntil).toBeUndefined();
      } else {
        expect(o.effectiveFrom, `${o.model} ${o.price}`).toBeUndefined();
        expect(o.effectiveUntil, `${o.model} ${o.price}`).toBe("2026-08-16");
      }
    }
    expect(r.observations.find((o) => o.price === "output@peak")?.evidence).toContain("August 16, 2026");
    expectEvidenceOnEveryObservation(r);
  });

  it.each(LATE_AUGUST)("late August, %s: three models' peak and off-peak prices, each read from its own cell", (name, format) => {
    const body = fixture(name);
    const r = extract(body, format);
    expect(r.status).toBe("ok");
    expect(r.problems).toEqual([]);
    expect(r.untracked).toEqual([]);
    expect(prices(r)).toEqual(V4_LATE(V4_PEAK));
    expect(r.observations).toHaveLength(18);
    expect(r.observations.every((o) => o.effectiveFrom === undefined && o.effectiveUntil === undefined)).toBe(true);
    // Checked against the page text: the row a price is quoted from is on the page, with its amount, in the
    // column its model heads (the third, fourth or fifth amount of the row).
    const MODELS = ["deepseek-v4-flash", "deepseek-v4-pro", "deepseek-v4-flash-vision-exp"];
    for (const o of r.observations) {
      const row = o.evidence!.split(" › ").at(-1)!;
      if (format === "markdown") expect(body.replace(/<br>/g, " "), `${o.model} ${o.price}`).toContain(row);
      const amounts = [...row.matchAll(/\$([\d.]+)/g)].map((m) => Number(m[1]));
      expect(amounts[MODELS.indexOf(o.model.replace(/^deepseek\//, ""))], `${o.model} ${o.price}`).toBe(o.usd);
    }
    expectEvidenceOnEveryObservation(r);
    // The Concurrency Limit row (2500 | 500 | 2500) is no price: nothing else is read, every dollar is.
    expectEveryAmountRead(r);
    expect(r.accounting![0]!.seen).toBe(18);
  });

  it.each(LATE_AUGUST)("late August, %s: 'Off-peak rates are half of the peak rates' is the off_peak multiplier 0.5", (name, format) => {
    const r = extract(fixture(name), format);
    expect(r.multipliers).toEqual([{ name: "off_peak", factor: 0.5, sentence: "Off-peak rates are half of the peak rates." }]);
  });

  it("an off-peak sentence the prices contradict is reported, not recorded (the prices are still read)", () => {
    const body = mutate(fixture(AUG_27), "Off-peak rates are half of the peak rates.", "Off-peak rates are 25% off the peak rates.");
    const r = extract(body, "markdown");
    expect(r.status).toBe("partial");
    expect(r.multipliers).toBeUndefined();
    expect(r.problems.map((p) => p.message).join("\n")).toMatch(/says off-peak is 0\.75× peak, but deepseek\/deepseek-v4-flash cached_input@off_peak is \$0\.007/);
    expect(prices(r)).toEqual(V4_LATE(V4_PEAK));
  });

  it("an off-peak rate announced for a later day (2026-08-13) is no multiplier: a multiplier carries no date", () => {
    expect(extract(fixture(AUG_13), "markdown").multipliers).toBeUndefined();
  });

  it.each([DEC_19, AUG_02, AUG_13, HANDMADE_THIRD_LABEL])("%s: every amount the page states is read", (name) => {
    expectEveryAmountRead(extract(fixture(name), "markdown"));
  });

  it("a markdown copy sent without a format (the source's own is html) is still read as markdown", () => {
    const r = Extraction.parse(source.extract(fixture(AUG_02)));
    expect(r.status).toBe("ok");
    expect(prices(r)).toEqual(V4_CURRENT);
  });
});

describe("deepseek-pricing: hand-made pages", () => {
  it("Docusaurus-shaped HTML: one table, rowspan/colspan, a colspan price covering both models", () => {
    const r = extract(fixture(HANDMADE_TABLE), "html");
    expect(r.status).toBe("ok");
    expect(r.problems).toEqual([]);
    expect(prices(r)).toEqual({ "deepseek/deepseek-chat": V32, "deepseek/deepseek-reasoner": V32 });
    expectEvidenceOnEveryObservation(r);
  });

  it("Docusaurus-shaped HTML with an announced table (model cell merged over OFF-PEAK/PEAK)", () => {
    const r = extract(fixture(HANDMADE_ANNOUNCED), "html");
    expect(r.status).toBe("ok");
    expect(r.problems).toEqual([]);
    expect(prices(r)).toEqual(V4_CURRENT);
    expect(prices(r, "2026-08-16")).toEqual(V4_PEAK);
    expect(r.observations).toHaveLength(18);
    expectEvidenceOnEveryObservation(r);
  });

  it("a third label column (price label merged over OFF-PEAK/PEAK rows) gives current @off_peak/@peak prices", () => {
    const r = extract(fixture(HANDMADE_THIRD_LABEL), "markdown");
    expect(r.status).toBe("ok");
    expect(r.problems).toEqual([]);
    expect(prices(r)).toEqual(V4_PEAK);
    expect(r.observations.every((o) => o.effectiveFrom === undefined)).toBe(true);
    expectEvidenceOnEveryObservation(r);
  });

  it("the Docusaurus table pasted into markdown as raw HTML is read with its merged cells", () => {
    const html = fixture(HANDMADE_TABLE);
    const table = /<table>[\s\S]*<\/table>/.exec(html)![0];
    const r = extract(`# Models & Pricing\n\n## Model Details\n\n${table}\n\n## Deduction Rules\n`, "markdown");
    expect(r.status).toBe("ok");
    expect(prices(r)).toEqual({ "deepseek/deepseek-chat": V32, "deepseek/deepseek-reasoner": V32 });
  });

  it("a column that is not a deepseek-… id is reported as untracked; the others are read", () => {
    let html = mutate(fixture(HANDMADE_TABLE), "<th>deepseek-reasoner</th>", "<th>deepseek-reasoner</th><th>Partner Model X</th>");
    html = html.replaceAll('colspan="2">$', 'colspan="3">$');
    const r = extract(html, "html");
    expect(r.status).toBe("ok");
    expect(r.untracked.map((u) => u.name)).toEqual(["Partner Model X"]);
    expect(prices(r)).toEqual({ "deepseek/deepseek-chat": V32, "deepseek/deepseek-reasoner": V32 });
  });
});

describe("deepseek-pricing: drift", () => {
  const AUG_02_OUTPUT_ROW = "| 1M OUTPUT TOKENS | $0.28 | $0.87 |";

  it("MODEL row removed (pipe table) → failed, nothing observed", () => {
    const r = extract(mutate(fixture(AUG_02), "| MODEL | | deepseek-v4-flash | deepseek-v4-pro |\n", ""), "markdown");
    expect(r.status).toBe("failed");
    expect(r.observations).toEqual([]);
    expect(r.problems.map((p) => p.where)).toContain("table 1");
    expect(r.problems.some((p) => /MODEL row/.test(p.message))).toBe(true);
  });

  it("MODEL row removed (pseudo-table) → failed", () => {
    const r = extract(mutate(fixture(DEC_19), "**MODEL|  deepseek-chat| deepseek-reasoner  \n", "**"), "markdown");
    expect(r.status).toBe("failed");
    expect(r.observations).toEqual([]);
  });

  it("MODEL row removed from the current table while the announced table keeps its own → failed", () => {
    const body = fixture(AUG_13);
    const r = extract(mutate(body, "| MODEL | | deepseek-v4-flash | deepseek-v4-pro |\n", ""), "markdown");
    expect(r.status).toBe("failed");
    expect(r.observations).toEqual([]);
  });

  it("MODEL row removed (HTML) → failed", () => {
    const html = mutate(fixture(HANDMADE_TABLE), /<thead>[\s\S]*?<\/thead>/, "");
    const r = extract(html, "html");
    expect(r.status).toBe("failed");
    expect(r.observations).toEqual([]);
  });

  it("a price row with a cell missing (markdown) → partial, the row named, no shifted price", () => {
    const r = extract(mutate(fixture(AUG_02), AUG_02_OUTPUT_ROW, "| 1M OUTPUT TOKENS | $0.87 |"), "markdown");
    expect(r.status).toBe("partial");
    expect(r.problems.map((p) => p.where)).toContain('table 1, row "1M OUTPUT TOKENS"');
    expect(r.observations.filter((o) => o.price === "output")).toEqual([]);
    // The rest of the page is still read.
    expect(prices(r)).toEqual({
      "deepseek/deepseek-v4-flash": { cached_input: 0.0028, input: 0.14 },
      "deepseek/deepseek-v4-pro": { cached_input: 0.003625, input: 0.435 },
    });
  });

  it("a price row with an empty cell → partial, never a 0", () => {
    const r = extract(mutate(fixture(AUG_02), AUG_02_OUTPUT_ROW, "| 1M OUTPUT TOKENS | $0.28 | |"), "markdown");
    expect(r.status).toBe("partial");
    expect(r.problems.map((p) => p.where)).toContain('table 1, row "1M OUTPUT TOKENS", deepseek-v4-pro');
    // The cell under deepseek-v4-flash is where it belongs; the empty one is reported, not read as 0.
    expect(r.observations.filter((o) => o.price === "output").map((o) => [o.model, o.usd])).toEqual([["deepseek/deepseek-v4-flash", 0.28]]);
    expect(r.observations.some((o) => o.usd === 0)).toBe(false);
  });

  it("a price row with an extra cell → partial, no shifted price", () => {
    const r = extract(mutate(fixture(AUG_02), AUG_02_OUTPUT_ROW, "| 1M OUTPUT TOKENS | $0.28 | $0.87 | $1.10 |"), "markdown");
    expect(r.status).toBe("partial");
    expect(r.observations.filter((o) => o.price === "output")).toEqual([]);
  });

  it("a price row with a cell missing (HTML) → partial, the row named, no shifted price", () => {
    const html = mutate(
      fixture(HANDMADE_ANNOUNCED),
      "<tr><td>1M OUTPUT TOKENS</td><td>$0.28</td><td>$0.87</td></tr>",
      "<tr><td>1M OUTPUT TOKENS</td><td>$0.87</td></tr>",
    );
    const r = extract(html, "html");
    expect(r.status).toBe("partial");
    expect(r.problems.map((p) => p.where)).toContain('table 1, row "1M OUTPUT TOKENS"');
    expect(r.observations.filter((o) => o.price === "output")).toEqual([]);
    expect(prices(r, "2026-08-16")).toEqual(V4_PEAK);
  });

  it("a row pushed left by a short rowspan (HTML) is not read as shifted prices", () => {
    const html = mutate(fixture(HANDMADE_ANNOUNCED), '<td rowspan="3">PRICING<sup>(1)</sup></td>', '<td rowspan="2">PRICING<sup>(1)</sup></td>');
    const r = extract(html, "html");
    expect(r.status).toBe("partial");
    expect(r.problems.map((p) => p.where)).toContain('table 1, row "1M OUTPUT TOKENS"');
    expect(r.observations.filter((o) => o.price === "output")).toEqual([]);
  });

  it('"-" means no price: no observation, never a 0', () => {
    const r = extract(mutate(fixture(AUG_02), "| $0.0028 | $0.003625 |", "| $0.0028 | - |"), "markdown");
    expect(r.observations.find((o) => o.model === "deepseek/deepseek-v4-pro" && o.price === "cached_input")).toBeUndefined();
    expect(r.observations.some((o) => o.usd === 0)).toBe(false);
    expect(prices(r)["deepseek/deepseek-v4-flash"]).toEqual(V4_CURRENT["deepseek/deepseek-v4-flash"]);
  });

  it("a price row missing altogether → partial, named", () => {
    const r = extract(mutate(fixture(AUG_02), `${AUG_02_OUTPUT_ROW}\n`, ""), "markdown");
    expect(r.status).toBe("partial");
    expect(r.problems.map((p) => p.where)).toContain('table 1, row "1M OUTPUT TOKENS"');
  });

  it("too few deepseek-… models (a column renamed to a display name) → failed, the name reported", () => {
    const r = extract(mutate(fixture(HANDMADE_TABLE), "<th>deepseek-reasoner</th>", "<th>DeepSeek Reasoner</th>"), "html");
    expect(r.status).toBe("failed");
    expect(r.observations).toEqual([]);
    expect(r.untracked.map((u) => u.name)).toContain("DeepSeek Reasoner");
  });

  it("a challenge page → failed, zero observations", () => {
    const challenge =
      '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><div id="challenge-platform">' +
      "Checking your browser before accessing api-docs.deepseek.com.</div></body></html>";
    const r = extract(challenge, "html");
    expect(r.status).toBe("failed");
    expect(r.observations).toEqual([]);
  });

  it("never throws, and fails on pages with no price table", () => {
    for (const body of ["", "|||", "| MODEL |\n| --- |\n| $1 |", "(CACHE HIT)OFF-PEAK$0.003$0.022", "<table><tr><td>MODEL</td></tr></table>"]) {
      for (const format of ["markdown", "html"] as const) {
        const r = extract(body, format);
        expect(r.status, JSON.stringify(body)).toBe("failed");
        expect(r.observations).toEqual([]);
      }
    }
  });
});

describe("deepseek-pricing: announced prices", () => {
  const SENTENCE = "The new prices take effect at 16:00 UTC on August 16, 2026, as follows:";

  it("announced without a readable date → that table is not read (never as current prices)", () => {
    const r = extract(mutate(fixture(AUG_13), SENTENCE, "The new prices take effect soon, as follows:"), "markdown");
    expect(r.status).toBe("partial");
    expect(r.problems.map((p) => p.where)).toContain("table 2");
    expect(prices(r)).toEqual(V4_CURRENT);
    expect(r.observations.filter((o) => o.price.includes("@"))).toEqual([]);
  });

  it("a time in Beijing time moves the date to the UTC day", () => {
    const r = extract(mutate(fixture(AUG_13), SENTENCE, "The new prices take effect at 00:00 (UTC+8) on August 17, 2026, as follows:"), "markdown");
    expect(r.status).toBe("ok");
    expect(prices(r, "2026-08-16")).toEqual(V4_PEAK);
  });

  it("a second table cut off from the dated announcement is not read as current prices", () => {
    const body = mutate(fixture(AUG_13), `${SENTENCE}\n`, `${SENTENCE}\n\n## Peak pricing\n\nSee below.\n`);
    const r = extract(body, "markdown");
    expect(r.status).toBe("partial");
    expect(prices(r)).toEqual(V4_CURRENT);
    expect(r.observations.filter((o) => o.price.includes("@"))).toEqual([]);
  });
});

describe("deepseek-pricing: CLI", () => {
  it("`catalog extract deepseek-pricing --file <snapshot> --format markdown` prints the extraction as JSON", () => {
    const stdout = execFileSync(
      "npx",
      ["tsx", "pipeline/cli.ts", "extract", "deepseek-pricing", "--file", path.join(FIXTURES, AUG_13), "--format", "markdown"],
      { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    const r = Extraction.parse(JSON.parse(stdout));
    expect(r.source).toBe("deepseek-pricing");
    expect(r.status).toBe("ok");
    expect(prices(r)).toEqual(V4_CURRENT);
    expect(prices(r, "2026-08-16")).toEqual(V4_PEAK);
  });
});
