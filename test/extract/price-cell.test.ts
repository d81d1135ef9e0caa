import { describe, expect, it } from "vitest";
import { readCellPrice } from "../../pipeline/extract/price-cell.ts";
import { billedUnitIn, videoClipIn } from "../../pipeline/extract/units.ts";

describe("one price cell, read whole", () => {
  it("reads the price billed today beside a struck list price, in the cell's own unit", () => {
    expect(readCellPrice("$0.60 $0.30 / M tokens", "<s>&#x24;0.60</s> &#x24;0.30 / M tokens")).toEqual({
      kind: "price",
      usd: 0.3,
      unit: "1M tokens",
      billed: { unit: "1M tokens", quantity: 1e6, phrase: "/ M tokens" },
      stated: "$0.3 / M tokens",
      list: 0.6,
    });
  });

  it.each([
    ["$0.38 / hour", 0.38, "hour"],
    ["$100 / M characters", 100, "1M characters"],
    ["$60/M characters", 60, "1M characters"],
    ["$0.0035 per image", 0.0035, "image"],
    ["$0.08 / second", 0.08, "second"],
    ["$2 / 1K searches", 0.002, "request"],
  ])("%s → %s per %s", (cell, usd, unit) => {
    expect(readCellPrice(cell)).toMatchObject({ kind: "price", usd, unit });
  });

  it("takes the unit stated around the cell when the cell states none", () => {
    expect(readCellPrice("$3.00", "$3.00", billedUnitIn("per 1M tokens"))).toMatchObject({ kind: "price", usd: 3, unit: "1M tokens" });
    expect(readCellPrice("$3.00")).toEqual({ kind: "bad", reason: `"$3.00" states no unit, and none is stated around it` });
  });

  it("never reads Free as $0, and reports what it cannot read surely", () => {
    expect(readCellPrice("Free")).toEqual({ kind: "free", text: "Free" });
    expect(readCellPrice("Limited-time Free")).toEqual({ kind: "free", text: "Limited-time Free" });
    expect(readCellPrice("-")).toEqual({ kind: "none" });
    expect(readCellPrice("$0.60", "~~$0.60~~")).toMatchObject({ kind: "bad" });
    expect(readCellPrice("$1 or $2 / M tokens")).toMatchObject({ kind: "bad" });
  });
});

describe("a price per generated clip", () => {
  it.each([
    ["$0.28 per 768P, 6s video", "768p_6s"],
    ["$0.56 per 768P, 10s video", "768p_10s"],
    ["$0.10 / 512p 6-second clip", "512p_6s"],
  ])("%s → %s", (text, variant) => {
    expect(videoClipIn(text)?.variant).toBe(variant);
  });
  it("is not a per-second price", () => {
    expect(videoClipIn("$0.08 / second")).toBeUndefined();
  });
});
