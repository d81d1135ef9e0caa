import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { anthropicModelId, anthropicPricingSource } from "../../pipeline/sources/anthropic.ts";
import { Extraction, type Observation } from "../../schemas/observation.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const FIXTURES = path.join(REPO_ROOT, "test/fixtures/anthropic");

const SNAPSHOTS = {
  "2024-04-01": "pricing-page-text__2024-04-01.txt",
  "2025-10-25": "docs-claude-com-pricing__2025-10-25.md",
  "2026-01-15": "platform-claude-docs-pricing__2026-01-15.md",
  "2026-02-18": "platform-claude-docs-pricing__2026-02-18.md",
  "2026-07-21": "platform-claude-docs-pricing__2026-07-21.md",
  "2026-08-08": "platform-claude-docs-pricing__2026-08-08.md",
} as const;
type Day = keyof typeof SNAPSHOTS;

const fixture = (day: Day) => path.join(FIXTURES, SNAPSHOTS[day]);
const page = (day: Day) => readFileSync(fixture(day), "utf8");
const extract = (body: string, format?: "markdown" | "html") => anthropicPricingSource.extract(body, format);

interface When {
  from?: string;
  until?: string;
}

/** The one price of this model and key (and validity window) the extraction gives, if any. */
function priceOf(x: Extraction, model: string, key: string, when: When = {}): number | undefined {
  const hits = x.observations.filter(
    (o) => o.model === model && o.price === key && o.effectiveFrom === when.from && o.effectiveUntil === when.until,
  );
  expect(hits.length, `${model} ${key} read more than once`).toBeLessThanOrEqual(1);
  return hits[0]?.usd;
}

function expectPrices(x: Extraction, model: string, expected: Record<string, number>, when: When = {}): void {
  for (const [key, usd] of Object.entries(expected)) {
    expect(priceOf(x, model, key, when), `${model} ${key} ${JSON.stringify(when)}`).toBe(usd);
  }
}

const MODEL_TABLE = ["input", "cache_write_5m", "cache_write_1h", "cached_input", "output"] as const;
/** Prices of one model-table row, in the page's column order. */
function row(...usd: [number, number, number, number, number]): Record<string, number> {
  return Object.fromEntries(MODEL_TABLE.map((k, i) => [k, usd[i]!]));
}

const unprefixed = (o: Observation) => !o.price.includes("/");
const byKey = (o: Observation) => `${o.model} ${o.price} ${o.effectiveFrom ?? ""} ${o.effectiveUntil ?? ""}`;
const sorted = (os: Observation[]) => [...os].sort((a, b) => (byKey(a) < byKey(b) ? -1 : byKey(a) > byKey(b) ? 1 : 0));

/** Apply `edit` to every line of the first pipe table under "## Model pricing". */
function editModelTable(body: string, edit: (cells: string[], index: number) => string[]): string {
  const lines = body.split("\n");
  const heading = lines.findIndex((l) => /^## Model pricing\s*$/.test(l));
  expect(heading).toBeGreaterThanOrEqual(0);
  let i = lines.findIndex((l, j) => j > heading && l.startsWith("|"));
  for (let n = 0; i < lines.length && lines[i]!.startsWith("|"); i++, n++) {
    const cells = lines[i]!.split("|").slice(1, -1);
    lines[i] = `|${edit(cells, n).join("|")}|`;
  }
  return lines.join("\n");
}

function withoutModelColumn(body: string, header: string): string {
  let drop = -1;
  return editModelTable(body, (cells, n) => {
    if (n === 0) drop = cells.findIndex((c) => c.trim() === header);
    expect(drop, `no "${header}" column`).toBeGreaterThanOrEqual(0);
    return cells.filter((_, i) => i !== drop);
  });
}

// ---------------------------------------------------------------------------------------------------

describe("anthropic-pricing: every snapshot", () => {
  for (const day of Object.keys(SNAPSHOTS) as Day[]) {
    describe(day, () => {
      const x = extract(page(day));

      it("is read completely, in the Extraction contract", () => {
        expect(Extraction.parse(x)).toEqual(x);
        expect(x.source).toBe("anthropic-pricing");
        expect(x.problems).toEqual([]);
        expect(x.status).toBe("ok");
        expect(new Set(x.observations.map((o) => o.model)).size).toBeGreaterThanOrEqual(5);
      });

      it("has no zero price (no page says $0) and every price carries the row it came from", () => {
        for (const o of x.observations) {
          expect(o.usd, byKey(o)).toBeGreaterThan(0);
          expect(o.unit).toBe("1M tokens");
          expect(o.model).toMatch(/^anthropic\/claude-/);
          expect(o.evidence, byKey(o)).toBeTruthy();
          // The amount itself is written in its evidence (e.g. "$1.50" for 1.5).
          const amounts = [...o.evidence!.matchAll(/\$\s?([0-9][0-9,]*(?:\.[0-9]+)?)/g)].map((m) => Number(m[1]!.replace(/,/g, "")));
          expect(amounts, `${byKey(o)}: ${o.evidence}`).toContain(o.usd);
        }
      });

      it("keeps tiers apart: every batch price is half the model-table price of the same model and window", () => {
        for (const b of x.observations.filter((o) => o.price.startsWith("batch/"))) {
          const standard = priceOf(x, b.model, b.price.slice("batch/".length), { from: b.effectiveFrom, until: b.effectiveUntil });
          if (standard !== undefined) expect(b.usd * 2, byKey(b)).toBe(standard);
        }
      });
    });
  }
});

describe("anthropic-pricing: 2024-04-01 anthropic.com text (no tables)", () => {
  const x = extract(page("2024-04-01"));

  it("reads the Claude 3 family and the legacy models off the text", () => {
    expectPrices(x, "anthropic/claude-3-haiku", { input: 0.25, output: 1.25 });
    expectPrices(x, "anthropic/claude-3-sonnet", { input: 3, output: 15 });
    expectPrices(x, "anthropic/claude-3-opus", { input: 15, output: 75 });
    expectPrices(x, "anthropic/claude-2.1", { input: 8, output: 24 });
    expectPrices(x, "anthropic/claude-2.0", { input: 8, output: 24 });
    expectPrices(x, "anthropic/claude-instant-1.2", { input: 0.8, output: 2.4 });
    expect(x.observations).toHaveLength(12);
    expect(x.untracked).toEqual([]);
  });

  it("fails clearly when the text is collapsed into one line", () => {
    const collapsed = page("2024-04-01").replace(/\s*\n\s*/g, "");
    const y = extract(collapsed);
    expect(y.status).toBe("failed");
    expect(y.observations).toEqual([]);
    expect(y.problems.map((p) => p.message).join("\n")).toMatch(/no price table/);
  });

  it("fails when only one model block can be read", () => {
    const text = page("2024-04-01");
    const cut = text.slice(0, text.indexOf("Hard-working"));
    const y = extract(cut);
    expect(y.status).toBe("failed");
    expect(y.problems.some((p) => /only 1 known model/.test(p.message))).toBe(true);
  });
});

describe("anthropic-pricing: 2025-10-25 docs.claude.com (escaped dollars, Source/Last fetched header)", () => {
  const x = extract(page("2025-10-25"));

  it("reads the hand-checked model-table prices", () => {
    expectPrices(x, "anthropic/claude-opus-4-1", row(15, 18.75, 30, 1.5, 75));
    expectPrices(x, "anthropic/claude-sonnet-4-5", row(3, 3.75, 6, 0.3, 15));
    expectPrices(x, "anthropic/claude-haiku-4-5", row(1, 1.25, 2, 0.1, 5));
    expectPrices(x, "anthropic/claude-3-5-haiku", row(0.8, 1, 1.6, 0.08, 4));
    expectPrices(x, "anthropic/claude-opus-4-0", row(15, 18.75, 30, 1.5, 75));
    expectPrices(x, "anthropic/claude-sonnet-4-0", row(3, 3.75, 6, 0.3, 15));
    expectPrices(x, "anthropic/claude-3-7-sonnet", row(3, 3.75, 6, 0.3, 15));
    expectPrices(x, "anthropic/claude-3-opus", row(15, 18.75, 30, 1.5, 75));
    expectPrices(x, "anthropic/claude-3-haiku", row(0.25, 0.3, 0.5, 0.03, 1.25));
  });

  it("reads the batch table as batch/ and the long-context table (no model column) for the models its text names", () => {
    expectPrices(x, "anthropic/claude-opus-4-1", { "batch/input": 7.5, "batch/output": 37.5 });
    expectPrices(x, "anthropic/claude-3-haiku", { "batch/input": 0.125, "batch/output": 0.625 });
    for (const model of ["anthropic/claude-sonnet-4-0", "anthropic/claude-sonnet-4-5"]) {
      expectPrices(x, model, { "input@over_200k": 6, "output@over_200k": 22.5 });
    }
    expect(x.observations.filter((o) => o.price.includes("@")).map((o) => o.model).sort()).toEqual([
      "anthropic/claude-sonnet-4-0",
      "anthropic/claude-sonnet-4-0",
      "anthropic/claude-sonnet-4-5",
      "anthropic/claude-sonnet-4-5",
    ]);
  });
});

describe("anthropic-pricing: 2026-01-15 platform.claude.com", () => {
  const x = extract(page("2026-01-15"));

  it("reads the hand-checked prices", () => {
    expectPrices(x, "anthropic/claude-opus-4-5", row(5, 6.25, 10, 0.5, 25));
    expectPrices(x, "anthropic/claude-sonnet-4-5", row(3, 3.75, 6, 0.3, 15));
    expectPrices(x, "anthropic/claude-haiku-4-5", { input: 1, output: 5 });
    expectPrices(x, "anthropic/claude-opus-4-1", { input: 15, output: 75 });
    expectPrices(x, "anthropic/claude-3-7-sonnet", { input: 3, output: 15 });
    expectPrices(x, "anthropic/claude-opus-4-5", { "batch/input": 2.5, "batch/output": 12.5 });
    for (const model of ["anthropic/claude-sonnet-4-0", "anthropic/claude-sonnet-4-5"]) {
      expectPrices(x, model, { "input@over_200k": 6, "output@over_200k": 22.5 });
    }
  });

  it("reports a long-context '≤ 200K' price that disagrees with the model table", () => {
    const body = page("2026-01-15").replace("| Input: $3 / MTok | Input: $6 / MTok |", "| Input: $4 / MTok | Input: $6 / MTok |");
    const y = extract(body);
    expect(y.status).toBe("partial");
    expect(y.problems.some((p) => /long-context table gives \$4/.test(p.message) && /^table 2/.test(p.where))).toBe(true);
    // The model table still owns the standard price.
    expect(priceOf(y, "anthropic/claude-sonnet-4-5", "input")).toBe(3);
  });
});

describe("anthropic-pricing: 2026-02-18 (Sonnet 4.6, fast mode, long-context table with a model column)", () => {
  const x = extract(page("2026-02-18"));

  it("reads the model table", () => {
    expectPrices(x, "anthropic/claude-sonnet-4-6", row(3, 3.75, 6, 0.3, 15));
    expectPrices(x, "anthropic/claude-opus-4-6", row(5, 6.25, 10, 0.5, 25));
    expectPrices(x, "anthropic/claude-opus-4-5", { input: 5, output: 25 });
    expectPrices(x, "anthropic/claude-haiku-4-5", { input: 1, output: 5 });
    expectPrices(x, "anthropic/claude-3-haiku", { input: 0.25, output: 1.25 });
  });

  it("reads fast mode (no model column: Opus 4.6 from the text) split at 200K input tokens", () => {
    expectPrices(x, "anthropic/claude-opus-4-6", {
      "fast/input": 30,
      "fast/output": 150,
      "fast/input@over_200k": 60,
      "fast/output@over_200k": 225,
    });
    expect(new Set(x.observations.filter((o) => o.price.startsWith("fast/")).map((o) => o.model))).toEqual(
      new Set(["anthropic/claude-opus-4-6"]),
    );
    // The unprefixed price is the model table's, not fast mode's.
    expect(priceOf(x, "anthropic/claude-opus-4-6", "input")).toBe(5);
  });

  it("reads the long-context table, with continuation rows and 'Claude Sonnet 4.6 / 4.5 / 4'", () => {
    expectPrices(x, "anthropic/claude-opus-4-6", { "input@over_200k": 10, "output@over_200k": 37.5 });
    for (const model of ["anthropic/claude-sonnet-4-6", "anthropic/claude-sonnet-4-5", "anthropic/claude-sonnet-4-0"]) {
      expectPrices(x, model, { "input@over_200k": 6, "output@over_200k": 22.5 });
    }
  });
});

describe("anthropic-pricing: 2026-07-21 (Fable 5, dated Sonnet 5 rows, many tables)", () => {
  const x = extract(page("2026-07-21"));

  it("reads the hand-checked model-table prices", () => {
    expectPrices(x, "anthropic/claude-fable-5", row(10, 12.5, 20, 1, 50));
    expectPrices(x, "anthropic/claude-opus-4-8", row(5, 6.25, 10, 0.5, 25));
    expectPrices(x, "anthropic/claude-opus-4-7", row(5, 6.25, 10, 0.5, 25));
    expectPrices(x, "anthropic/claude-opus-4-1", { input: 15, output: 75 });
    expectPrices(x, "anthropic/claude-sonnet-4-0", { input: 3, output: 15 });
    expectPrices(x, "anthropic/claude-3-5-haiku", { cache_write_1h: 1.6 });
  });

  it("reads Sonnet 5's introductory price with effectiveUntil and the announced one with effectiveFrom", () => {
    expectPrices(x, "anthropic/claude-sonnet-5", row(2, 2.5, 4, 0.2, 10), { until: "2026-08-31" });
    expectPrices(x, "anthropic/claude-sonnet-5", row(3, 3.75, 6, 0.3, 15), { from: "2026-09-01" });
    expectPrices(x, "anthropic/claude-sonnet-5", { "batch/input": 1, "batch/output": 5 }, { until: "2026-08-31" });
    expectPrices(x, "anthropic/claude-sonnet-5", { "batch/input": 1.5, "batch/output": 7.5 }, { from: "2026-09-01" });
    // No undated Sonnet 5 price: the tool-token table's undated "Claude Sonnet 5" row is not a price.
    expect(x.observations.filter((o) => o.model === "anthropic/claude-sonnet-5" && !o.effectiveFrom && !o.effectiveUntil)).toEqual([]);
  });

  it("reads fast mode by heading, and the model table wins for unprefixed keys", () => {
    expectPrices(x, "anthropic/claude-opus-4-8", { "fast/input": 10, "fast/output": 50, input: 5, output: 25, "batch/input": 2.5 });
    expectPrices(x, "anthropic/claude-opus-4-7", { "fast/input": 30, "fast/output": 150, input: 5, output: 25 });
    for (const o of x.observations.filter(unprefixed)) {
      // Model-table rows have five amounts; batch and fast rows two.
      expect(o.evidence!.match(/\$/g)?.length, byKey(o)).toBe(5);
    }
  });

  it("takes no price from the CCU, caching-multiplier, tool or worked-example tables, and no long-context price", () => {
    expect(x.observations.filter((o) => o.price.includes("@"))).toEqual([]);
    for (const o of x.observations) expect(o.evidence, byKey(o)).toMatch(/^Claude (?:Fable|Mythos|Opus|Sonnet|Haiku) \d/);
    expect(x.observations.some((o) => [0.01, 0.375, 0.705, 0.525].includes(o.usd))).toBe(false);
    expect(new Set(x.observations.map((o) => o.price.split("/")[0]))).toEqual(
      new Set(["input", "cache_write_5m", "cache_write_1h", "cached_input", "output", "batch", "fast"]),
    );
  });
});

describe("anthropic-pricing: 2026-08-08 (Opus 5)", () => {
  const x = extract(page("2026-08-08"));

  it("reads the hand-checked prices", () => {
    expectPrices(x, "anthropic/claude-opus-5", row(5, 6.25, 10, 0.5, 25));
    expectPrices(x, "anthropic/claude-opus-5", { "batch/input": 2.5, "batch/output": 12.5 });
    expectPrices(x, "anthropic/claude-sonnet-5", row(2, 2.5, 4, 0.2, 10), { until: "2026-08-31" });
    expectPrices(x, "anthropic/claude-sonnet-5", row(3, 3.75, 6, 0.3, 15), { from: "2026-09-01" });
    expectPrices(x, "anthropic/claude-sonnet-5", { "batch/input": 1, "batch/output": 5 }, { until: "2026-08-31" });
    expectPrices(x, "anthropic/claude-sonnet-5", { "batch/input": 1.5, "batch/output": 7.5 }, { from: "2026-09-01" });
    expectPrices(x, "anthropic/claude-fable-5", row(10, 12.5, 20, 1, 50));
    expectPrices(x, "anthropic/claude-opus-4-1", { input: 15, output: 75 });
  });

  it("splits 'Claude Opus 5 / Claude Opus 4.8' in the fast-mode table; Opus 4.7 has no fast price any more", () => {
    for (const model of ["anthropic/claude-opus-5", "anthropic/claude-opus-4-8"]) {
      expectPrices(x, model, { "fast/input": 10, "fast/output": 50 });
    }
    expect(x.observations.filter((o) => o.model === "anthropic/claude-opus-4-7" && o.price.startsWith("fast/"))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------

describe("anthropic-pricing: drift", () => {
  it("fails with no observation when every heading is gone", () => {
    for (const day of ["2025-10-25", "2026-07-21"] as const) {
      const y = extract(page(day).replace(/^#{1,6} .*$/gm, ""));
      expect(y.status, day).toBe("failed");
      expect(y.observations).toEqual([]);
      expect(y.problems.some((p) => p.where === 'heading "Model pricing"')).toBe(true);
      // The model table is named where it now sits.
      expect(y.problems.some((p) => /^table 0 under/.test(p.where) && /does not know/.test(p.message))).toBe(true);
    }
  });

  it("fails when only the 'Model pricing' heading is gone (the table is not read by position)", () => {
    const y = extract(page("2026-02-18").replace("## Model pricing\n", ""));
    expect(y.status).toBe("failed");
    expect(y.observations).toEqual([]);
    expect(y.problems.map((p) => p.where)).toContain('table 0 under "Pricing"');
  });

  it("does not read a batch table that lost its heading as fast mode (2026-02-18)", () => {
    const intact = extract(page("2026-02-18"));
    const y = extract(page("2026-02-18").replace("### Batch processing\n", ""));
    expect(y.status).toBe("partial");
    expect(y.observations.filter((o) => o.price.startsWith("batch/"))).toEqual([]);
    expect(y.problems.some((p) => /names the batch tier but sits under the "Fast mode pricing" heading/.test(p.message) && /^table 2/.test(p.where))).toBe(true);
    expect(sorted(y.observations.filter(unprefixed))).toEqual(sorted(intact.observations.filter(unprefixed)));
    expect(sorted(y.observations.filter((o) => o.price.startsWith("fast/")))).toEqual(
      sorted(intact.observations.filter((o) => o.price.startsWith("fast/"))),
    );
  });

  it("reads no batch or fast table that lost its heading, and keeps the model-table prices (2026-07-21)", () => {
    const intact = extract(page("2026-07-21"));
    const y = extract(page("2026-07-21").replace("### Batch processing\n", "").replace("### Fast mode pricing\n", ""));
    expect(y.status).toBe("partial");
    expect(y.observations.filter((o) => o.price.includes("/"))).toEqual([]);
    expect(y.problems.map((p) => p.where)).toEqual(
      expect.arrayContaining(['table 4 under "Data residency pricing"', 'table 5 under "Data residency pricing"', 'heading "Batch processing"']),
    );
    expect(sorted(y.observations)).toEqual(sorted(intact.observations.filter(unprefixed)));
  });

  it("never takes unprefixed prices from a batch table that lands under a second 'Model pricing' heading", () => {
    const intact = extract(page("2026-07-21"));
    const body = page("2026-07-21")
      .replace("### Batch processing\n", "## Model pricing\n")
      .replace(/\| Batch input  \| Batch output  \|/, "| Input        | Output        |");
    const y = extract(body);
    expect(y.status).toBe("partial");
    expect(y.problems.some((p) => /more than one table under "Model pricing"/.test(p.message) && /^table 5/.test(p.where))).toBe(true);
    expect(sorted(y.observations.filter(unprefixed))).toEqual(sorted(intact.observations.filter(unprefixed)));
  });

  it("is partial and names the table when the model table loses a cache column", () => {
    const y = extract(withoutModelColumn(page("2025-10-25"), "1h Cache Writes"));
    expect(y.status).toBe("partial");
    expect(y.problems).toEqual([
      expect.objectContaining({ where: 'table 0 under "Model pricing"', message: expect.stringMatching(/no column for cache_write_1h/) }),
    ]);
    expect(y.observations.filter((o) => o.price === "cache_write_1h")).toEqual([]);
    expectPrices(y, "anthropic/claude-opus-4-1", { input: 15, cache_write_5m: 18.75, cached_input: 1.5, output: 75 });
  });

  it("fails and names the table when the model table loses its output column", () => {
    const y = extract(withoutModelColumn(page("2026-07-21"), "Output Tokens"));
    expect(y.status).toBe("failed");
    expect(y.observations).toEqual([]);
    expect(y.problems[0]).toEqual({
      where: 'table 0 under "Model pricing"',
      message: expect.stringMatching(/no output column/),
    });
  });

  it("tolerates reordered and extra columns", () => {
    const intact = extract(page("2026-01-15"));
    const shuffled = editModelTable(page("2026-01-15"), (c, n) => [
      c[5]!, c[0]!, c[4]!, c[1]!, c[3]!, c[2]!, n === 0 ? " Notes " : n === 1 ? " --- " : " new ",
    ]);
    const y = extract(shuffled);
    expect(y.status).toBe("ok");
    expect(sorted(y.observations.map(({ evidence: _, ...o }) => o as Observation))).toEqual(
      sorted(intact.observations.map(({ evidence: _, ...o }) => o as Observation)),
    );
  });

  it("fails when two model-table columns mean the same price", () => {
    const y = extract(editModelTable(page("2026-08-08"), (c, n) => (n === 0 ? [c[0]!, c[1]!, " Input ", ...c.slice(3)] : c)));
    expect(y.status).toBe("failed");
    expect(y.problems[0]).toEqual({
      where: 'table 0 under "Model pricing"',
      message: expect.stringMatching(/columns "Base Input Tokens" and "Input" both read as input/),
    });
  });

  it("reads '-' as no price, never as 0", () => {
    const body = editModelTable(page("2025-10-25"), (c) => (c[0]!.trim() === "Claude Haiku 3" ? [c[0]!, c[1]!, c[2]!, " - ", c[4]!, c[5]!] : c));
    const y = extract(body);
    expect(y.status).toBe("ok");
    expect(priceOf(y, "anthropic/claude-3-haiku", "cache_write_1h")).toBeUndefined();
    expectPrices(y, "anthropic/claude-3-haiku", { input: 0.25, output: 1.25 });
    expect(y.observations.some((o) => o.usd === 0)).toBe(false);
  });

  it("reports an unreadable price cell instead of guessing", () => {
    const body = editModelTable(page("2026-08-08"), (c) =>
      c[0]!.trim() === "Claude Opus 5" ? [c[0]!, " $5 / MTok or $6 / MTok ", ...c.slice(2)] : c,
    );
    const y = extract(body);
    expect(y.status).toBe("partial");
    expect(priceOf(y, "anthropic/claude-opus-5", "input")).toBeUndefined();
    expect(priceOf(y, "anthropic/claude-opus-5", "output")).toBe(25);
    expect(y.problems.some((p) => /^table 0 under "Model pricing", row 3$/.test(p.where))).toBe(true);
  });

  it("reports a model name it cannot map as untracked, never a guessed id", () => {
    const body = page("2026-08-08").replace(
      "| Claude Opus 5  ",
      "| Claude Mythos Preview | $25 / MTok | $31.25 / MTok | $50 / MTok | $2.50 / MTok | $125 / MTok |\n| Claude Opus 5  ",
    );
    const y = extract(body);
    expect(y.status).toBe("ok");
    expect(y.untracked).toEqual([{ name: "Claude Mythos Preview", where: 'table 0 under "Model pricing", row 3' }]);
    expect(y.observations.some((o) => o.usd === 125)).toBe(false);
  });

  it("does not read a row whose date has no clear meaning", () => {
    const body = page("2026-07-21").replace("| Claude Sonnet 5 starting September 1, 2026    ", "| Claude Sonnet 5 on September 1, 2026          ");
    const y = extract(body);
    expect(y.status).toBe("partial");
    expect(y.observations.filter((o) => o.model === "anthropic/claude-sonnet-5" && o.effectiveFrom === "2026-09-01" && unprefixed(o))).toEqual([]);
    expect(y.problems.some((p) => /whose meaning is unclear/.test(p.message))).toBe(true);
  });

  it("does not attribute a model-less table to models its text names in a negative sentence", () => {
    const body = page("2026-02-18").replace(
      "Currently supported on Opus 4.6:",
      "Currently supported on Opus 4.6; not available on Claude Opus 4.5:",
    );
    const y = extract(body);
    expect(y.status).toBe("partial");
    expect(y.observations.filter((o) => o.price.startsWith("fast/"))).toEqual([]);
    expect(y.problems.filter((p) => !/passed over by no rule$/.test(p.message))).toEqual([
      expect.objectContaining({ where: 'table 1 under "Fast mode pricing"', message: expect.stringMatching(/negative sentence/) }),
    ]);
    // The table's amounts are then no price's: each is reported, none passed over.
    expect(y.problems.filter((p) => /passed over by no rule$/.test(p.message)).map((p) => p.where).join("\n")).toMatch(/\$60 \/ MTok/);
  });

  it("refuses a bot-challenge page with zero observations", () => {
    const challenge =
      '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><div id="cf-chl-widget"></div>' +
      "<h2>Model pricing</h2><table><tr><th>Model</th><th>Base Input Tokens</th><th>Output Tokens</th></tr>" +
      "<tr><td>Claude Opus 4.1</td><td>$1 / MTok</td><td>$2 / MTok</td></tr></table></body></html>";
    for (const format of ["html", "markdown"] as const) {
      const y = extract(challenge, format);
      expect(y.status).toBe("failed");
      expect(y.observations).toEqual([]);
      expect(y.problems[0]).toEqual({ where: "page", message: expect.stringMatching(/bot challenge/) });
    }
  });

  it("never throws on junk", () => {
    for (const body of ["", "   ", "| a | b |\n|---|---|\n| $1 | $2 |", "\u0000\u0001binary", "# Pricing\n\n## Model pricing\n\nnothing here"]) {
      const y = extract(body);
      expect(y.status).toBe("failed");
      expect(y.observations).toEqual([]);
      expect(y.problems.length).toBeGreaterThan(0);
    }
  });

  it("reads the same prices from the page rendered as HTML", () => {
    const html = new MarkdownIt({ html: true }).render(page("2026-07-21").replace(/^---\n[\s\S]*?\n---\n/, ""));
    const y = extract(`<!DOCTYPE html><html><body>${html}</body></html>`, "html");
    expect(y.status).toBe("ok");
    expect(sorted(y.observations)).toEqual(sorted(extract(page("2026-07-21")).observations));
  });
});

describe("anthropic-pricing: model names", () => {
  it("maps Claude 4+ by rule and Claude 3 and older by table", () => {
    const cases: Record<string, string | undefined> = {
      "Claude Sonnet 4.5": "anthropic/claude-sonnet-4-5",
      "Claude Opus 4.1": "anthropic/claude-opus-4-1",
      "Claude Sonnet 4": "anthropic/claude-sonnet-4-0",
      "Claude Opus 4": "anthropic/claude-opus-4-0",
      "Claude Fable 5": "anthropic/claude-fable-5",
      "Claude Opus 5": "anthropic/claude-opus-5",
      "Claude Haiku 3.5": "anthropic/claude-3-5-haiku",
      "Claude 3.5 Haiku": "anthropic/claude-3-5-haiku",
      "Claude Sonnet 3.7": "anthropic/claude-3-7-sonnet",
      "Claude Opus 3": "anthropic/claude-3-opus",
      "Claude 3 Opus": "anthropic/claude-3-opus",
      "Claude Haiku 3": "anthropic/claude-3-haiku",
      "CLAUDE 2.1": "anthropic/claude-2.1",
      "Claude Instant": "anthropic/claude-instant-1.2",
      "Claude Haiku 4": undefined,
      "Claude Opus 3.5": undefined,
      "Claude Mythos Preview": undefined,
      "Claude 4.x models": undefined,
      "Claude Code 2.0": undefined,
      "Claude 2": undefined,
    };
    for (const [name, id] of Object.entries(cases)) expect(anthropicModelId(name), name).toBe(id);
  });
});

describe("anthropic-pricing: CLI", () => {
  // NOTE: pipeline/sources/index.ts imports every vendor module; until the other sources exist this
  // test fails with "Cannot find module …/openai.ts" (or another vendor), which is expected.
  it("prints only the extraction as JSON", () => {
    const stdout = execFileSync("npx", ["tsx", "pipeline/cli.ts", "extract", "anthropic-pricing", "--file", fixture("2026-08-08")], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const printed = Extraction.parse(JSON.parse(stdout));
    expect(printed).toEqual(extract(page("2026-08-08")));
    expect(printed.status).toBe("ok");
  });
});

// ---------------------------------------------------------------------------------------------------

describe("anthropic-pricing: every dollar accounted for, multipliers as stated", () => {
  const AUG_13 = readFileSync(path.join(FIXTURES, "platform-claude-docs-pricing__2026-08-13.md"), "utf8");
  const PAGES: [string, string][] = [...Object.keys(SNAPSHOTS).map((day) => [day, page(day as Day)] as [string, string]), ["2026-08-13", AUG_13]];

  it.each(PAGES)("%s: no amount unread, and none passed over that is a model price", (_day, body) => {
    const x = extract(body);
    expect(x.status).toBe("ok");
    expect(x.accounting).toHaveLength(1);
    const [a] = x.accounting!;
    expect(a!.unread).toBe(0);
    expect(a!.read + a!.passedOver.reduce((n, p) => n + p.amounts, 0)).toBe(a!.seen);
    // Only the named rules for what is no model's price.
    for (const p of a!.passedOver) expect(["worked-example", "tool-fees", "not-a-model-price"]).toContain(p.rule);
  });

  it("2026-08-13: the CCU price, a container hour, a session hour and the worked bills are passed over by name", () => {
    const x = extract(AUG_13);
    const rules = Object.fromEntries(x.accounting![0]!.passedOver.map((p) => [p.rule, p.amounts]));
    // "$0.01 per CCU" three times under each marketplace (AWS, Foundry).
    expect(AUG_13.match(/\$0\.01 per CCU/g)).toHaveLength(6);
    expect(rules["not-a-model-price"]).toBe(6);
    // "$0.05 USD per hour, per container" (code execution); "Session runtime | $0.08 per session-hour" is
    // another value the page also prices a model at (Haiku 3.5's cache hits), so it counts as read.
    expect(AUG_13).toContain("billed at **$0.05 USD per hour, per container**");
    expect(rules["tool-fees"]).toBeGreaterThanOrEqual(1);
    // "50,000 × $5 / 1,000,000 | $0.25", "**$0.705**", "Total cost: \~$37.00 per 10,000 tickets", …
    expect(AUG_13).toContain("| Input tokens    | 50,000 × $5 / 1,000,000  | $0.25      |");
    expect(rules["worked-example"]).toBeGreaterThanOrEqual(7);
  });

  it("a dollar amount in a section this source reads is never passed over: a new row there is reported", () => {
    const body = AUG_13.replace(
      "The Batch API allows asynchronous processing",
      "Batch requests also carry a flat $0.77 per batch fee. The Batch API allows asynchronous processing",
    );
    const x = extract(body);
    expect(x.status).toBe("partial");
    expect(x.problems.map((p) => `${p.message} ${p.where}`).join("\n")).toMatch(/\$0\.77 is read into no price[^\n]*\$0\.77 per batch fee/);
  });

  it("2026-08-13: the batch discount and the prompt-caching table are multipliers, as the page words them", () => {
    const x = extract(AUG_13);
    expect(x.multipliers).toEqual([
      { name: "cache_write_5m", factor: 1.25, sentence: "5-minute cache write | 1.25x base input price | Cache valid for 5 minutes" },
      { name: "cache_write_1h", factor: 2, sentence: "1-hour cache write | 2x base input price | Cache valid for 1 hour" },
      { name: "cached_input", factor: 0.1, sentence: "Cache read (hit) | 0.1x base input price | Same duration as the preceding write" },
      {
        name: "batch",
        factor: 0.5,
        sentence: "The Batch API allows asynchronous processing of large volumes of requests with a 50% discount on both input and output tokens.",
      },
    ]);
    // They agree with the prices read from the tables, which stay read as prices (never derived).
    expectPrices(x, "anthropic/claude-opus-5", { input: 5, cache_write_5m: 6.25, cache_write_1h: 10, cached_input: 0.5, "batch/input": 2.5 });
  });

  it("a multiplier the page's own prices contradict is reported, not recorded", () => {
    const x = extract(AUG_13.replace("| 5-minute cache write | 1.25x base input price |", "| 5-minute cache write | 1.5x base input price  |"));
    expect(x.status).toBe("partial");
    expect(x.multipliers?.map((m) => m.name)).not.toContain("cache_write_5m");
    expect(x.problems.map((p) => p.message).join("\n")).toMatch(/states 1\.5× input, but anthropic\/claude-\w+-[\w-]+ cache_write_5m is \$/);
  });

  it("2025-10-25 .. 2026-02-18: the batch discount only (their cache multipliers are worded 'N times', not read)", () => {
    for (const day of ["2025-10-25", "2026-01-15", "2026-02-18"] as const) {
      expect(extract(page(day)).multipliers?.map((m) => `${m.name} ${m.factor}`), day).toEqual(["batch 0.5"]);
    }
  });
});

describe("anthropic-pricing: a model row for one side of a context threshold (a variant of the 2026-08-13 page)", () => {
  const AUG_13 = readFileSync(path.join(FIXTURES, "platform-claude-docs-pricing__2026-08-13.md"), "utf8");
  const SONNET_5 = /^\| Claude Sonnet 5 +\| \$2 \/ MTok .*$/m;
  /** The page's own Sonnet 5 row, relabelled, and a second row for prompts over the threshold. */
  const split = (upTo: string, over: string) =>
    AUG_13.replace(SONNET_5, (r) => {
      const overRow = r.replace(/^\| Claude Sonnet 5 +\|.*$/, `| Claude Sonnet 5 ${over} | $4 / MTok | $5 / MTok | $8 / MTok | $0.40 / MTok | $15 / MTok |`);
      return `${r.replace(/^\| Claude Sonnet 5 +\|/, `| Claude Sonnet 5 ${upTo} |`)}\n${overRow}`;
    });

  it("'(for prompts up to 100,000 tokens)' / '(for prompts over 100,000 tokens)': the plain keys and the @over_100k keys", () => {
    const x = extract(split("(for prompts up to 100,000 tokens)", "(for prompts over 100,000 tokens)"));
    expectPrices(x, "anthropic/claude-sonnet-5", row(2, 2.5, 4, 0.2, 10));
    expectPrices(x, "anthropic/claude-sonnet-5", {
      "input@over_100k": 4,
      "cache_write_5m@over_100k": 5,
      "cache_write_1h@over_100k": 8,
      "cached_input@over_100k": 0.4,
      "output@over_100k": 15,
    });
    expect(x.observations.find((o) => o.price === "input@over_100k")?.evidence).toContain("(for prompts over 100,000 tokens)");
    expect(x.status).toBe("ok");
  });

  it("'(prompts > 200K tokens)' beside the plain row: @over_200k, the plain row unchanged", () => {
    const x = extract(AUG_13.replace(SONNET_5, (r) => `${r}\n| Claude Sonnet 5 (prompts > 200K tokens) | $4 / MTok | $5 / MTok | $8 / MTok | $0.40 / MTok | $15 / MTok |`));
    expectPrices(x, "anthropic/claude-sonnet-5", { input: 2, output: 10, "input@over_200k": 4, "output@over_200k": 15 });
    expect(x.status).toBe("ok");
  });

  it("a label naming both sides at once is no condition the vocabulary reads: reported, not read as plain prices", () => {
    const x = extract(AUG_13.replace(SONNET_5, (r) => `${r}\n| Claude Sonnet 5 (prompts over 200K and up to 1M tokens) | $4 / MTok | $5 / MTok | $8 / MTok | $0.40 / MTok | $15 / MTok |`));
    expect(priceOf(x, "anthropic/claude-sonnet-5", "input")).toBe(2);
    expect(x.observations.filter((o) => o.model === "anthropic/claude-sonnet-5" && unprefixed(o)).map((o) => o.usd)).toEqual([2, 2.5, 4, 0.2, 10]);
    expect(x.status).toBe("partial");
    expect(x.problems.map((p) => p.message).join("\n")).toMatch(/"Claude Sonnet 5 \(prompts over 200K and up to 1M tokens\)" names a context length/);
  });
});
