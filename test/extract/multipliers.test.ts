import { describe, expect, it } from "vitest";
import { multipliersIn } from "../../pipeline/extract/multipliers.ts";

// The sentences vendors price a tier, a region, a long context or a cache write in, as real pages write them.
const factors = (s: string) => multipliersIn(s).map(({ factor, dimension }) => (dimension ? { factor, dimension } : { factor }));

describe("multipliers in prose", () => {
  it.each([
    // OpenAI model pages (gpt-5.6-cyber)
    [">272K input tokens are priced at 2x input and 1.5x output for the full request", [{ factor: 2, dimension: "input" }, { factor: 1.5, dimension: "output" }]],
    ["above 272K tokens: 2× input, 1.5× output", [{ factor: 2, dimension: "input" }, { factor: 1.5, dimension: "output" }]],
    ["Cache writes are billed at 1.25x", [{ factor: 1.25 }]],
    ["Batch: 50% off", [{ factor: 0.5 }]],
    // xAI
    ["Batch: 20% off", [{ factor: 0.8 }]],
    ["Batch requests are billed at a 20% discount to standard rates.", [{ factor: 0.8 }]],
    // Mistral's priority, regional and batch pages
    ["The multiplier is 1.75x standard list pricing, which is a 75% premium on input, output, and cached tokens", [{ factor: 1.75 }]],
    ["Regional inference is billed at 1.1× standard list pricing (a 10% upcharge) for input tokens, output tokens, cached reads, and cache writes", [{ factor: 1.1 }]],
    ["running large workloads at a 50% discount", [{ factor: 0.5 }]],
    // DeepSeek-style off-peak wording, MiniMax's priority footnote
    ["Off-peak rates are half of the peak rates", [{ factor: 0.5 }]],
    ["Pricing is 1.5x standard", [{ factor: 1.5 }]],
    ["a discount of 25% applies", [{ factor: 0.75 }]],
    ["twice the standard rate", [{ factor: 2 }]],
    ["cached input is 0.1x the input price", [{ factor: 0.1, dimension: "input" }]],
  ])("%s", (sentence, expected) => {
    expect(factors(sentence)).toEqual(expected);
  });

  it.each([
    "4x faster than GPT-5",
    "2x more context than before",
    "Save up to 50% off with the Batch API",
    "up to 2x cheaper",
    "Context window: 400K tokens",
    "",
  ])("reads no factor in %j", (sentence) => {
    expect(multipliersIn(sentence)).toEqual([]);
  });

  it("keeps the words that stated each factor", () => {
    expect(multipliersIn("billed at 1.1× standard list pricing").map((m) => m.phrase)).toEqual(["1.1×"]);
    expect(multipliersIn("Batch: 50% off").map((m) => m.phrase)).toEqual(["50% off"]);
  });
});
