import { describe, expect, it } from "vitest";
import { tokenPricesInSentence } from "../../pipeline/extract/prose-prices.ts";

describe("token prices stated in a sentence", () => {
  it("reads each amount with its unit and side, and what the sentence prices", () => {
    expect(tokenPricesInSentence("Command R+ 08-2024 pricing is $2.50/1M tokens for input and $10.00/1M tokens for output")).toEqual({
      subject: "Command R+ 08-2024",
      prices: [
        { side: "input", usd: 2.5, stated: "$2.50/1M tokens for input" },
        { side: "output", usd: 10, stated: "$10.00/1M tokens for output" },
      ],
    });
    const aya = tokenPricesInSentence(
      "Aya Expanse models (8B and 32B) on the API are charged at $0.50/1M tokens for input and $1.50/1M tokens for output. Find more information",
    );
    expect(aya.subject).toBe("Aya Expanse models (8B and 32B)");
    expect(aya.prices.map((p) => [p.side, p.usd])).toEqual([["input", 0.5], ["output", 1.5]]);
  });

  it("reads the side written inside the unit, escaped dollars, and scales per 1K tokens", () => {
    const note = tokenPricesInSentence("Token pricing remains the same as standard Sonar Pro (\\$3 per 1M input, \\$15 per 1M output).");
    expect(note.subject).toBeUndefined();
    expect(note.prices.map((p) => [p.side, p.usd])).toEqual([["input", 3], ["output", 15]]);
    expect(tokenPricesInSentence("Legacy is billed at $0.50 / 1K tokens for input").prices).toEqual([{ side: "input", usd: 500, stated: "$0.50 / 1K tokens for input" }]);
  });

  it("leaves out amounts that are not per tokens", () => {
    expect(tokenPricesInSentence("Rerank costs $2 per 1K searches").prices).toEqual([]);
    expect(tokenPricesInSentence("Your bill will be issued when you reach $250 in outstanding balances.").prices).toEqual([]);
  });
});
