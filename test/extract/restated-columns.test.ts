import { describe, expect, it } from "vitest";
import { rateColumnsIn, restatedRatesIn } from "../../pipeline/extract/restated-columns.ts";

// One rate in two units of the same thing, as Voyage's tables write it: both columns scaled, and they must agree.
describe("restated rate columns", () => {
  const header = ["Model", "Price per thousand tokens", "Price per million tokens", "Number of free tokens"];
  const columns = rateColumnsIn(header);

  it("finds the columns whose header states a unit, and no others", () => {
    expect(columns.map((c) => [c.index, c.billed.unit, c.billed.quantity])).toEqual([
      [1, "1M tokens", 1000],
      [2, "1M tokens", 1e6],
    ]);
  });

  it("reads one price when the two columns agree once scaled", () => {
    expect(restatedRatesIn(["voyage-4-large", "$0.00012", "$0.12", "200 million"], columns)).toEqual([
      {
        kind: "agree",
        unit: "1M tokens",
        usd: 0.12,
        readings: [
          { header: "Price per thousand tokens", text: "$0.00012", usd: 0.12 },
          { header: "Price per million tokens", text: "$0.12", usd: 0.12 },
        ],
      },
    ]);
  });

  it("reports two columns that disagree, never choosing one", () => {
    const [rate] = restatedRatesIn(["voyage-context-4", "$0.00018", "$0.12", "200 million"], columns);
    expect(rate).toMatchObject({ kind: "disagree", unit: "1M tokens" });
    expect(rate!.kind === "disagree" && rate!.readings.map((r) => r.usd)).toEqual([0.18, 0.12]);
  });

  it("keeps columns of different units apart: per million tokens and per billion pixels are two prices", () => {
    const mm = rateColumnsIn(["Model", "Price per million tokens", "Price per billion pixels", "Number of free tokens and pixels"]);
    const rates = restatedRatesIn(["voyage-multimodal-3.5", "$0.12", "$0.60", "200M text tokens and 150B pixels"], mm);
    expect(rates.map((r) => [r.kind, r.unit, r.kind === "agree" ? r.usd : undefined])).toEqual([
      ["agree", "1M tokens", 0.12],
      ["agree", "1B pixels", 0.6],
    ]);
  });

  it("skips a '-' cell, and reports a cell that is not a price instead of reading the other column alone", () => {
    expect(restatedRatesIn(["m", "-", "$0.12"], columns)).toMatchObject([{ kind: "agree", usd: 0.12 }]);
    const rates = restatedRatesIn(["m", "Free", "$0.12"], columns);
    expect(rates).toMatchObject([{ kind: "bad", header: "Price per thousand tokens", text: "Free" }]);
  });
});
