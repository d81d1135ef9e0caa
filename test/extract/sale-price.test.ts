import { describe, expect, it } from "vitest";
import { saleIn } from "../../pipeline/extract/sale-price.ts";

describe("saleIn: a sale price is today's price, the struck list price is kept as the promotion's", () => {
  it("reads markdown strikethrough", () => {
    expect(saleIn("~~$0.60~~ $0.30")).toMatchObject({ kind: "sale", usd: 0.3, listUsd: 0.6 });
    expect(saleIn("~~\\$0.60~~ \\$0.30 / 1M tokens")).toMatchObject({ kind: "sale", usd: 0.3, listUsd: 0.6 });
  });

  it("reads <del>/<ins>, <s>, <strike> and line-through markup", () => {
    expect(saleIn("<del>$0.60</del> <ins>$0.30</ins>")).toMatchObject({ kind: "sale", usd: 0.3, listUsd: 0.6 });
    expect(saleIn("<s>$0.60</s> $0.30")).toMatchObject({ kind: "sale", usd: 0.3, listUsd: 0.6 });
    expect(saleIn("<strike>$2</strike><span>$1.5</span>")).toMatchObject({ kind: "sale", usd: 1.5, listUsd: 2 });
    expect(saleIn('<span class="text-muted line-through">$0.60</span> <span>$0.30</span>')).toMatchObject({ kind: "sale", usd: 0.3, listUsd: 0.6 });
    expect(saleIn('<span style="text-decoration: line-through">$0.60</span> $0.30')).toMatchObject({ kind: "sale", usd: 0.3, listUsd: 0.6 });
  });

  it("reads 'Original price … Sale price …' and 'Was … Now …' in either order", () => {
    expect(saleIn("Original price $0.60 Sale price $0.30")).toMatchObject({ kind: "sale", usd: 0.3, listUsd: 0.6 });
    expect(saleIn("Sale price: $0.30 Regular price: $0.60")).toMatchObject({ kind: "sale", usd: 0.3, listUsd: 0.6 });
    expect(saleIn("Was $0.60, now $0.30")).toMatchObject({ kind: "sale", usd: 0.3, listUsd: 0.6 });
  });

  it("reads a discount badge beside one amount as today's price, and computes no list price from it", () => {
    const sale = saleIn("$0.30 50% off");
    expect(sale).toMatchObject({ kind: "sale", usd: 0.3, badge: "50% off" });
    expect(sale).not.toHaveProperty("listUsd");
    expect(saleIn("<span>50% discount</span> <span>$1.5</span>")).toMatchObject({ kind: "sale", usd: 1.5, badge: "50% discount" });
  });

  it("leaves a plain price alone", () => {
    expect(saleIn("$0.30")).toEqual({ kind: "none" });
    expect(saleIn("$4 /1000 Pages")).toEqual({ kind: "none" });
    expect(saleIn("Free")).toEqual({ kind: "none" });
    // "up to 50% off" is a ceiling, not a badge on this amount.
    expect(saleIn("$0.30, up to 50% off with batch")).toEqual({ kind: "none" });
  });

  it("reports what it cannot read surely, never picks the list price", () => {
    expect(saleIn("~~$0.60~~")).toMatchObject({ kind: "unclear", reason: expect.stringContaining("no price beside it") });
    expect(saleIn("~~$0.60~~ $0.30 $0.20")).toMatchObject({ kind: "unclear", reason: expect.stringContaining("several sale prices") });
    expect(saleIn("~~$0.30~~ $0.60")).toMatchObject({ kind: "unclear", reason: expect.stringContaining("not below") });
    expect(saleIn("50% off")).toMatchObject({ kind: "unclear" });
  });
});
