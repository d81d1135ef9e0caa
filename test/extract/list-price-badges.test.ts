import { describe, expect, it } from "vitest";
import { listPriceBadgeIn } from "../../pipeline/extract/list-price-badges.ts";

describe("a list price with a discount stated in words beside it", () => {
  it("reads the one amount as the price stated, and each period's discount as a factor", () => {
    expect(listPriceBadgeIn("List price $1.65 Limited-time night 80% off, daytime 50% off")).toEqual({
      kind: "list-price",
      usd: 1.65,
      written: "$1.65",
      badge: "Limited-time night 80% off, daytime 50% off",
      discounts: [
        { period: "night", factor: 0.2, phrase: "night 80% off" },
        { period: "daytime", factor: 0.5, phrase: "daytime 50% off" },
      ],
    });
    expect(listPriceBadgeIn("List price $0.4 Limited-time 20% off")).toMatchObject({ usd: 0.4, discounts: [{ period: undefined, factor: 0.8 }] });
    expect(listPriceBadgeIn("List price: $4.951")).toMatchObject({ kind: "list-price", usd: 4.951, discounts: [] });
  });

  it("leaves other cells alone and reports what it cannot read surely", () => {
    expect(listPriceBadgeIn("$1.65")).toEqual({ kind: "none" });
    expect(listPriceBadgeIn("~~$0.60~~ $0.30")).toEqual({ kind: "none" });
    expect(listPriceBadgeIn("List price $1.65 Sale $0.8")).toMatchObject({ kind: "unclear" });
    expect(listPriceBadgeIn("List price $1.65 Limited-time bonus credits")).toMatchObject({ kind: "unclear" });
    expect(listPriceBadgeIn("List price $1.65 night 80% off, night 50% off")).toMatchObject({ kind: "unclear" });
  });
});
