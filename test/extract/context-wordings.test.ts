import { describe, expect, it } from "vitest";
import { contextBoundIn, contextSplitOf } from "../../pipeline/extract/context-bounds.ts";
import { conditionKey, contextConditionIn } from "../../pipeline/extract/context-conditions.ts";

// Context conditions in the words vendors use (issue 17): every wording keys as `@over_<n>k` above the threshold
// and as the standard context (no condition) up to it, the same keys as `> 200k` always gave.
describe("context conditions, as vendors word them", () => {
  it.each([
    // Anthropic's Claude Haiku 5.5 rows (no page yet: the wording as quoted).
    ["Claude Haiku 5.5 (for prompts up to 100,000 tokens)", undefined, "up_to", "100k"],
    ["Claude Haiku 5.5 (for prompts over 100,000 tokens)", "over_100k", "over", "100k"],
    ["over 100K", "over_100k", "over", "100k"],
    ["≤ 512k input tokens", undefined, "up_to", "512k"],
    ["> 512k", "over_512k", "over", "512k"],
    ["> 272K context", "over_272k", "over", "272k"],
    ["prompts longer than 200,000 tokens", "over_200k", "over", "200k"],
    ["prompts <= 200k tokens", undefined, "up_to", "200k"],
    ["prompts > 200k tokens", "over_200k", "over", "200k"],
  ])("%s → %s", (text, key, side, threshold) => {
    const { condition } = contextConditionIn(text);
    expect(condition).toBeDefined();
    expect(conditionKey(condition!)).toBe(key);
    expect(contextBoundIn(text).bound).toMatchObject({ side, threshold });
  });

  it("makes one split of the two Haiku 5.5 rows, and of ≤ 512k / > 512k", () => {
    const sides = (a: string, b: string) => contextSplitOf([contextBoundIn(a).bound, contextBoundIn(b).bound]);
    expect(sides("(for prompts up to 100,000 tokens)", "(for prompts over 100,000 tokens)")).toEqual({ ok: true, threshold: "100k" });
    expect(sides("≤ 512k input tokens", "> 512k")).toEqual({ ok: true, threshold: "512k" });
    expect(sides("prompts <= 200k tokens", "prompts longer than 200,000 tokens")).toEqual({ ok: true, threshold: "200k" });
    expect(sides("up to 100,000 tokens", "> 272K context")).toMatchObject({ ok: false });
  });

  it("leaves the model's name when the condition is taken out", () => {
    const { rest } = contextConditionIn("Claude Haiku 5.5 (for prompts over 100,000 tokens)");
    expect(rest).toContain("Claude Haiku 5.5");
    expect(rest).not.toMatch(/100/);
  });
});
