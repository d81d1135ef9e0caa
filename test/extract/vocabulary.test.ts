import { describe, expect, it } from "vitest";
import { contextConditionIn, contextLengthIn, thresholdAboveIn } from "../../pipeline/extract/context-conditions.ts";
import { announcementIn, announcesPrices, datedBoundsIn, datesIn } from "../../pipeline/extract/dates.ts";
import { amountSegmentsIn, readPriceCell, statedUnitIn } from "../../pipeline/extract/money.ts";
import { tierLabel, tierNamedIn, tokenDimensionIn } from "../../pipeline/extract/price-labels.ts";

// The words vendors use for the same things, as the real pages under test/fixtures write them.
describe("price labels", () => {
  it.each([
    ["Input", "input"],
    ["Base Input Tokens", "input"],
    ["Input / 1M tokens", "input"],
    ["Input (/M tokens)", "input"],
    ["1M INPUT TOKENS (CACHE MISS)", "input"],
    ["Cached input / 1M tokens", "cached_input"],
    ["Cache Hits & Refreshes", "cached_input"],
    ["1M INPUT TOKENS (CACHE HIT)", "cached_input"],
    ["Context caching price", "cached_input"],
    ["5m Cache Writes", "cache_write_5m"],
    ["1h Cache Writes", "cache_write_1h"],
    ["Cache writes", "cache_write"],
    ["Output price (including thinking tokens)", "output"],
    ["1M OUTPUT TOKENS", "output"],
    ["Input and output", undefined],
    ["Context", undefined],
  ])("%s → %s", (label, dimension) => {
    expect(tokenDimensionIn(label)).toBe(dimension);
  });

  it("reads a tier label only when the text is one, and a tier named among other words only when it is alone", () => {
    expect(tierLabel("Batch")).toBe("batch");
    expect(tierLabel("Standard pricing data")).toBe("standard");
    expect(tierLabel("Fast mode")).toBe("fast");
    expect(tierLabel("Batch discounts apply")).toBeUndefined();
    expect(tierNamedIn("Batch input")).toBe("batch");
    expect(tierNamedIn("Batch and flex")).toBeUndefined();
  });
});

describe("context conditions", () => {
  it.each([
    ["grok-4.6 (≥ 200k prompt tokens)", "over_200k"],
    ["$2.50, prompts > 200k tokens", "over_200k"],
    ["requests that exceed 200K input tokens", "over_200k"],
    ["above 200,000 tokens", "over_200k"],
    ["Prompts with >272K input tokens", "over_272k"],
    ["prompts reaching 1M tokens", "over_1m"],
  ])("%s → %s", (text, key) => {
    expect(contextConditionIn(text).condition).toEqual({ kind: "over", key });
  });

  it("reads an upper bound as the standard context, and refuses a text with both or a bare small number", () => {
    expect(contextConditionIn("grok-4.6 (< 200k prompt tokens)").condition).toEqual({ kind: "standard" });
    expect(contextConditionIn("$1.25, prompts <= 200k tokens").condition).toEqual({ kind: "standard" });
    expect(contextConditionIn("≤ 200K and > 200K").condition).toBeUndefined();
    expect(contextConditionIn("more than 2 images").condition).toBeUndefined();
  });

  it("returns the text without the condition", () => {
    expect(contextConditionIn("grok-4.6 (≥ 200k prompt tokens)").rest.replace(/[()\s]+/g, " ").trim()).toBe("grok-4.6");
  });

  it("reads the threshold prose says prices start above, even beside the range below it", () => {
    // Anthropic's long-context section, 2025-10-25: the text above a table whose cells name no condition.
    const prose = "When using Claude Sonnet 4 or Sonnet 4.5 with the 1M token context window enabled, requests that exceed 200K input tokens are automatically charged at premium long context rates:";
    expect(thresholdAboveIn(prose)).toEqual({ kind: "over", key: "over_200k" });
    expect(thresholdAboveIn("Requests of up to 200K tokens are billed at standard rates; above 200K, at premium rates")).toEqual({ kind: "over", key: "over_200k" });
    expect(thresholdAboveIn("more than 2 images, or over 128K tokens")).toEqual({ kind: "over", key: "over_128k" });
    expect(thresholdAboveIn("The 1M token context window is in beta")).toBeUndefined();
  });

  it("reads a header that names a context length without a threshold (OpenAI's short/long-context columns)", () => {
    expect(contextLengthIn("Short context cached input")).toEqual({ condition: { kind: "standard" }, rest: "cached input" });
    expect(contextLengthIn("Long context output")).toEqual({ condition: { kind: "over", key: "long" }, rest: "output" });
    expect(contextLengthIn("Input (longer context)")).toEqual({ condition: { kind: "over", key: "long" }, rest: "Input" });
    expect(contextLengthIn("Context window")).toBeUndefined();
  });
});

describe("dates", () => {
  it("reads the bounds of a dated row", () => {
    expect(datedBoundsIn("Claude Sonnet 5 through August 31, 2026")).toMatchObject({ kind: "bounds", effectiveUntil: "2026-08-31" });
    expect(datedBoundsIn("Claude Sonnet 5 starting September 1, 2026")).toMatchObject({ kind: "bounds", effectiveFrom: "2026-09-01" });
    expect(datedBoundsIn("Claude Sonnet 5 before September 1, 2026")).toMatchObject({ kind: "bounds", effectiveUntil: "2026-08-31" });
    expect(datedBoundsIn("Claude Sonnet 5 through August 31")).toMatchObject({ kind: "problem" });
    expect(datedBoundsIn("Claude Sonnet 5 through February 30, 2026")).toMatchObject({ kind: "problem" });
  });

  it("quotes the label as written when the dates were read from a reading of it", () => {
    const written = "Claude Sonnet 5 (deprecated) through August 31";
    expect(datedBoundsIn("Claude Sonnet 5 through August 31", { quoted: written })).toEqual({
      kind: "problem",
      message: `a date without a year in the label "${written}"`,
    });
    expect(datedBoundsIn("Claude Sonnet 5 through August 31, 2026", { quoted: written })).toMatchObject({ effectiveUntil: "2026-08-31" });
  });

  it("moves a stated time zone to the UTC day", () => {
    expect(datesIn("from 00:30 (UTC+8) on … no, at 16:00 UTC on August 16, 2026").map((d) => d.iso)).toEqual(["2026-08-16"]);
    expect(datesIn("August 17, 2026, 00:30 (UTC+8)").map((d) => d.iso)).toEqual(["2026-08-16"]);
  });

  it("finds the announced day above a table", () => {
    expect(announcementIn(["The new prices take effect at 16:00 UTC on August 16, 2026, as follows:"])).toMatchObject({ kind: "from", date: "2026-08-16" });
    expect(announcementIn(["New prices will apply soon."])).toMatchObject({ kind: "undated" });
    expect(announcementIn(["Prices per 1M tokens."])).toEqual({ kind: "none" });
  });

  it("tells announcing words from a plain statement of prices", () => {
    // DeepSeek, 2026-08-13, the footnote above the announced table.
    expect(announcesPrices("DeepSeek API pricing will be updated to peak / off-peak billing, with off-peak rates at half the peak rates.")).toBe(true);
    expect(announcesPrices("The prices listed below are in units of per 1M tokens.")).toBe(false);
  });
});

describe("money cells with units", () => {
  it("reads one amount in the expected unit, scaling per 1K tokens to per 1M", () => {
    expect(readPriceCell("$1.25", "1M tokens")).toEqual({ kind: "usd", usd: 1.25 });
    expect(readPriceCell("\\$0.50 / 1K tokens", "1M tokens")).toEqual({ kind: "usd", usd: 500 });
    expect(readPriceCell("$0.04 / image", "image")).toEqual({ kind: "usd", usd: 0.04 });
    expect(readPriceCell("-", "image")).toEqual({ kind: "none" });
  });

  it("never turns another unit, another currency or 'Free' into a price", () => {
    expect(readPriceCell("$0.080 / sec", "image")).toMatchObject({ kind: "bad" });
    expect(readPriceCell("$0.04 / image", "1M tokens")).toMatchObject({ kind: "bad" });
    expect(readPriceCell("€0.50", "1M tokens")).toMatchObject({ kind: "bad" });
    expect(readPriceCell("Free", "1M tokens")).toMatchObject({ kind: "free" });
  });
});

// Gemini's paid-tier cells, as the 2025-11-21 export and the 2026-08-13 devsite page write them.
describe("cells with several amounts", () => {
  it("splits a cell into its amounts, each with the words after it", () => {
    expect(amountSegmentsIn("$1.25, prompts <= 200k tokens $2.50, prompts > 200k tokens")).toEqual([
      { written: "1.25", usd: 1.25, index: 0, tail: ", prompts <= 200k tokens " },
      { written: "2.50", usd: 2.5, index: 30, tail: ", prompts > 200k tokens" },
    ]);
    const cell = "Same as Standard $0.20, prompts <= 200k tokens $0.40, prompts > 200k $4.50 / 1,000,000 tokens per hour (storage price)";
    const segments = amountSegmentsIn(cell);
    expect(segments.map((s) => s.usd)).toEqual([0.2, 0.4, 4.5]);
    expect(cell.slice(0, segments[0]!.index)).toBe("Same as Standard ");
    expect(segments[2]!.tail).toBe(" / 1,000,000 tokens per hour (storage price)");
  });

  it("keeps an amount that is not a number, for the caller to report", () => {
    expect(amountSegmentsIn("$1,25 (text)")).toEqual([{ written: "1,25", usd: undefined, index: 0, tail: " (text)" }]);
    expect(amountSegmentsIn("Free of charge")).toEqual([]);
  });
});

describe("stated units", () => {
  it.each([
    [" / 1,000,000 tokens (text/image/video) ", { per: "1M tokens" }],
    ["Paid Tier, per 1M tokens in USD", { per: "1M tokens" }],
    [" / 1K tokens", { per: "1K tokens" }],
    ["Paid Tier, per Image in USD", { per: "image", sizes: undefined }],
    [" per 1K/2K image** ", { per: "image", sizes: ["1k", "2k"] }],
    [" per 1K resolution image*", { per: "image", sizes: ["1k"] }],
    ["Paid Tier, per second in USD", { per: "other", phrase: "per second" }],
    [" / 1,000 grounded prompts", { per: "other", phrase: "/ 1,000" }],
    ["/min (audio)", { per: "other", phrase: "/min" }],
    // A storage price is per hour, whatever token count it names.
    [" / 1,000,000 tokens per hour (storage price)", { per: "other", phrase: "per hour" }],
  ])("%s", (text, unit) => {
    expect(statedUnitIn(text)?.unit).toEqual(unit);
  });

  it("returns the text without the unit, and nothing when no unit is stated", () => {
    expect(statedUnitIn(" / 1,000,000 tokens (audio)")?.rest).toBe("   (audio)");
    expect(statedUnitIn(", prompts <= 200k tokens ")).toBeUndefined();
    // The slashes of a modality list are not "per image" or "per video".
    expect(statedUnitIn("(text / image / video)")).toBeUndefined();
    expect(statedUnitIn("(text/image/video)")).toBeUndefined();
  });
});
