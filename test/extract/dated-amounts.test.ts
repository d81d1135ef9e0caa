import { describe, expect, it } from "vitest";
import { datedAmountsIn } from "../../pipeline/extract/money.ts";

// Cells that price one thing for two periods: today's price and the one announced for a later day.
describe("money cells with several dated amounts", () => {
  const today = { usd: 0.75, written: "0.75", effectiveUntil: "2026-12-31", words: "" };
  const scheduled = { usd: 1.5, written: "1.50", effectiveFrom: "2027-01-01", words: "" };

  it.each([
    ["as Gemini's HTML writes it, with <br> between", "$0.75 through December 31, 2026.<br>$1.50 starting January 1, 2027."],
    ["as the markdown conversion runs it on", "$0.75 through December 31, 2026. $1.50 starting January 1, 2027."],
    ["with a self-closing <br/>", "$0.75 through December 31, 2026.<br/>$1.50 starting January 1, 2027."],
    ["with markdown escapes", "\\$0.75 through December 31, 2026. \\$1.50 starting January 1, 2027."],
    ["with until / from", "$0.75 until December 31, 2026, $1.50 from January 1, 2027"],
    ["with until / starting, short months", "$0.75 until Dec 31, 2026; $1.50 starting Jan 1, 2027"],
  ])("%s → today's price until the last day, the new one from the next", (_how, cell) => {
    expect(datedAmountsIn(cell)).toEqual({ kind: "dated", amounts: [today, scheduled] });
  });

  it("keeps a storage price per hour apart from the token price it follows, each with its two periods", () => {
    const cell =
      "$0.075 through December 31, 2026.<br>$0.15 starting January 1, 2027.<br>$0.50 / 1,000,000 tokens per hour (storage price) through December 31, 2026.<br>$1.00 / 1,000,000 tokens per hour (storage price) starting January 1, 2027.";
    const read = datedAmountsIn(cell);
    expect(read).toEqual({
      kind: "dated",
      amounts: [
        { usd: 0.075, written: "0.075", effectiveUntil: "2026-12-31", words: "" },
        { usd: 0.15, written: "0.15", effectiveFrom: "2027-01-01", words: "" },
        { usd: 0.5, written: "0.50", effectiveUntil: "2026-12-31", words: "/ 1,000,000 tokens per hour (storage price)" },
        { usd: 1, written: "1.00", effectiveFrom: "2027-01-01", words: "/ 1,000,000 tokens per hour (storage price)" },
      ],
    });
  });

  it("reads one dated amount alone: a price that ends, or one that starts", () => {
    expect(datedAmountsIn("$0.30 until March 31, 2027")).toEqual({
      kind: "dated",
      amounts: [{ usd: 0.3, written: "0.30", effectiveUntil: "2027-03-31", words: "" }],
    });
    expect(datedAmountsIn("$0.60 starting April 1, 2027")).toEqual({
      kind: "dated",
      amounts: [{ usd: 0.6, written: "0.60", effectiveFrom: "2027-04-01", words: "" }],
    });
  });

  it("leaves a cell with no day to the ordinary readers", () => {
    expect(datedAmountsIn("$1.25, prompts <= 200k tokens $2.50, prompts > 200k tokens")).toEqual({ kind: "undated" });
    expect(datedAmountsIn("$3.50 or $0.0053/min* (audio)")).toEqual({ kind: "undated" });
    expect(datedAmountsIn("Free of charge")).toEqual({ kind: "undated" });
  });

  it("never guesses which amount holds on which day", () => {
    const problem = (cell: string) => {
      const read = datedAmountsIn(cell);
      expect(read.kind, cell).toBe("problem");
      return read.kind === "problem" ? read.message : "";
    };
    // A gap, an overlap, two ends: the periods do not follow one another.
    expect(problem("$0.75 through December 31, 2026. $1.50 starting January 5, 2027.")).toMatch(/do not follow one another/);
    expect(problem("$0.75 through December 31, 2026. $1.50 starting December 1, 2026.")).toMatch(/do not follow one another/);
    expect(problem("$0.75 through December 31, 2026. $1.50 through January 31, 2027.")).toMatch(/do not follow one another/);
    // An amount without a day beside a dated one.
    expect(problem("$0.75 $1.50 starting January 1, 2027.")).toMatch(/no day beside dated ones/);
    // A day before the amounts: which one it dates is not said.
    expect(problem("Through December 31, 2026: $0.75. Starting January 1, 2027: $1.50.")).toMatch(/before the first amount/);
    // A day without a year, or one that does not exist.
    expect(problem("$0.75 through December 31. $1.50 starting January 1.")).toMatch(/without a year/);
    expect(problem("$0.75 through February 30, 2026. $1.50 starting March 1, 2026.")).toMatch(/is not a day/);
  });
});
