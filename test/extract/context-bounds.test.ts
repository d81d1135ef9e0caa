import { describe, expect, it } from "vitest";
import { contextBoundIn, contextSplitOf } from "../../pipeline/extract/context-bounds.ts";

// The labels as xAI's, Gemini's and OpenAI's pages write the two sides of a long-context split.
describe("context bounds", () => {
  it.each([
    ["grok-4.6 (< 200k prompt tokens)", { side: "up_to", threshold: "200k" }],
    ["grok-4.6 (≥ 200k prompt tokens)", { side: "over", threshold: "200k", key: "over_200k" }],
    ["< 200k prompt tokens (per 1M tokens)", { side: "up_to", threshold: "200k" }],
    ["$1.25, prompts <= 200,000 tokens", { side: "up_to", threshold: "200k" }],
    ["Prompts with >272K input tokens", { side: "over", threshold: "272k", key: "over_272k" }],
    ["up to 1M tokens", { side: "up_to", threshold: "1m" }],
  ])("%s", (text, bound) => {
    expect(contextBoundIn(text).bound).toEqual(bound);
  });

  it("names no bound where there is none, or only a small bare number", () => {
    expect(contextBoundIn("grok-4.6").bound).toBeUndefined();
    expect(contextBoundIn("Input / 1M tokens").bound).toBeUndefined();
    expect(contextBoundIn("under 2 images").bound).toBeUndefined();
  });

  it("returns the label without its condition", () => {
    expect(contextBoundIn("grok-4.6 (< 200k prompt tokens)").rest.replace(/[()\s]+/g, " ").trim()).toBe("grok-4.6");
  });

  it("accepts one unconditioned price or the two sides of one threshold, and nothing else", () => {
    const up = contextBoundIn("< 200k").bound;
    const over = contextBoundIn("≥ 200k").bound;
    expect(contextSplitOf([undefined, undefined])).toEqual({ ok: true });
    expect(contextSplitOf([up, over, up, over])).toEqual({ ok: true, threshold: "200k" });
    expect(contextSplitOf([undefined, over])).toMatchObject({ ok: false, reason: expect.stringContaining("some do not") });
    expect(contextSplitOf([up])).toMatchObject({ ok: false, reason: expect.stringContaining("only one side") });
    expect(contextSplitOf([over])).toMatchObject({ ok: false, reason: expect.stringContaining("only one side") });
    expect(contextSplitOf([up, contextBoundIn("≥ 128k").bound])).toMatchObject({ ok: false, reason: expect.stringContaining("different thresholds") });
    expect(contextSplitOf([up, over, contextBoundIn("> 1M").bound])).toMatchObject({ ok: false });
  });
});
