import { describe, expect, it } from "vitest";
import { inputLengthConditions, inputLengthTierIn } from "../../pipeline/extract/input-length-tiers.ts";

describe("tiers by input length written as token ranges", () => {
  it("reads a range, an open upper tier and the words for no tiers", () => {
    expect(inputLengthTierIn("0<Token≤256K")).toMatchObject({ kind: "range", from: 0, to: 256_000 });
    expect(inputLengthTierIn("256K<Token≤1M")).toMatchObject({ kind: "range", from: 256_000, to: 1_000_000, fromText: "256K" });
    expect(inputLengthTierIn("32K < Tokens <= 128K")).toMatchObject({ kind: "range", from: 32_000, to: 128_000 });
    expect(inputLengthTierIn("1M<Token")).toMatchObject({ kind: "range", from: 1_000_000, to: undefined });
    expect(inputLengthTierIn("No tiered pricing")).toEqual({ kind: "flat" });
    expect(inputLengthTierIn("flat-rate pricing")).toEqual({ kind: "flat" });
    expect(inputLengthTierIn("Non-Thinking and Thinking modes")).toBeUndefined();
    expect(inputLengthTierIn("128K<Token≤32K")).toBeUndefined();
  });

  it("keys the lowest tier plainly and each tier above by where it starts", () => {
    expect(inputLengthConditions(["0<Token≤256K", "256K<Token≤1M"])).toEqual({ ok: true, conditions: [undefined, "over_256k"] });
    expect(inputLengthConditions(["0<Token≤32K", "32K<Token≤128K", "128K<Token≤256K"])).toEqual({ ok: true, conditions: [undefined, "over_32k", "over_128k"] });
    expect(inputLengthConditions(["0<Token≤1M"])).toEqual({ ok: true, conditions: [undefined] });
    expect(inputLengthConditions(["No tiered pricing"])).toEqual({ ok: true, conditions: [undefined] });
  });

  it("reports tiers with a gap, not starting at 0, or beside a flat price", () => {
    expect(inputLengthConditions(["0<Token≤256K", "512K<Token≤1M"])).toMatchObject({ ok: false, reason: expect.stringContaining("do not follow") });
    expect(inputLengthConditions(["32K<Token≤128K"])).toMatchObject({ ok: false, reason: expect.stringContaining("does not start at 0") });
    expect(inputLengthConditions(["No tiered pricing", "0<Token≤256K"])).toMatchObject({ ok: false });
    expect(inputLengthConditions(["up to a lot"])).toMatchObject({ ok: false, reason: expect.stringContaining("not understood") });
  });
});
