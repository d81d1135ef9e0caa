import { describe, expect, it } from "vitest";
import { loadDocument } from "../../pipeline/extract/document.ts";
import { priceCardsIn } from "../../pipeline/extract/price-cards.ts";

// Cards as ElevenLabs writes them: a heading, a product line, an amount on its own line, the unit on the next.
describe("price cards", () => {
  it("reads name, amount and the unit line below it, even when a card never closes its <div>s", () => {
    const html =
      `<div class="cards"><h3>Flash / Turbo</h3><p>Text to Speech</p></div><div><div><div>$0.05</div><p>Price per 1K characters</p></div>` +
      `<h3>Scribe v2</h3><p>Speech to Text</p></div><div><div><div>$0.22</div><p>Price per hour</p></div>`;
    const cards = priceCardsIn(loadDocument(html, "html"));
    expect(cards.map((c) => [c.name, c.prices.map((p) => [p.usd, p.billed?.unit, p.billed?.quantity, p.unitLine])])).toEqual([
      ["Flash / Turbo", [[0.05, "1M characters", 1000, "Price per 1K characters"]]],
      ["Scribe v2", [[0.22, "hour", 1, "Price per hour"]]],
    ]);
    expect(cards[0]!.text).toBe("Flash / Turbo · Text to Speech · $0.05 · Price per 1K characters");
  });

  it("reads a unit on the amount's own line, and leaves an amount without a unit unit-less", () => {
    const cards = priceCardsIn(loadDocument(`<h3>A</h3><p>$1.20 per minute</p><h3>B</h3><p>$3</p><p>Contact us</p>`, "html"));
    expect(cards.map((c) => c.prices.map((p) => [p.usd, p.billed?.unit]))).toEqual([[[1.2, "minute"]], [[3, undefined]]]);
  });

  it("gives the sale figure of a struck-through line, with its list price, never the list price as today's", () => {
    const [card] = priceCardsIn(loadDocument(`<h3>A</h3><div><del>$0.10</del> $0.05</div><p>Price per 1K characters</p>`, "html"));
    expect(card!.prices).toMatchObject([{ usd: 0.05, listUsd: 0.1 }]);
  });

  it("keeps amounts among other words apart, and ends a card at a heading of another level", () => {
    const cards = priceCardsIn(loadDocument(`<h3>A</h3><p>$0.10</p><p>Price per hour</p><p>Save $20 on annual plans</p><h2>FAQ</h2><p>$99 is not a card's</p>`, "html"));
    expect(cards).toHaveLength(1);
    expect(cards[0]!.otherAmounts).toEqual(["Save $20 on annual plans"]);
    expect(cards[0]!.lines).not.toContain("$99 is not a card's");
  });
});

describe("price cards: text beside block children", () => {
  it("reads an amount written straight into a block that also holds the unit's block", () => {
    const [card] = priceCardsIn(loadDocument(`<h3>A</h3><div>$0.22<p>Price per hour</p></div>`, "html"));
    expect(card!.prices).toMatchObject([{ usd: 0.22, billed: { unit: "hour" }, unitLine: "Price per hour" }]);
  });
});
