import { describe, expect, it } from "vitest";
import { loadDocument } from "../../pipeline/extract/document.ts";
import { isNoPrice } from "../../pipeline/extract/money.ts";
import { thinkingModeIn, tokenDimensionIn } from "../../pipeline/extract/price-labels.ts";
import { readTables, withSubHeaders } from "../../pipeline/extract/tables.ts";
import { billedUnitIn, perUnit, restatedEquivalentIn, unitLineIn } from "../../pipeline/extract/units.ts";

describe("a unit stated once above a table", () => {
  it("reads the line before the table as every cell's unit", () => {
    const [t] = readTables(loadDocument(`<h3>Image Generation Models</h3><span data-as="p">Prices per image.</span><table><tr><th>Model</th><th>Price</th></tr><tr><td>GLM-Image</td><td>$0.015</td></tr></table>`, "html"));
    expect(unitLineIn(t!.preface)).toMatchObject({ unit: "image", quantity: 1 });
    expect(unitLineIn(["Prices per 1M tokens."])).toMatchObject({ unit: "1M tokens", quantity: 1e6 });
    expect(unitLineIn(["Prices per video."])).toMatchObject({ unit: "request" });
  });

  it("takes no unit from a note that is not about the prices, or from two lines that disagree", () => {
    expect(unitLineIn(["Rate limits are counted per minute of audio and reset daily, whatever the model"])).toBeUndefined();
    expect(unitLineIn(["Prices per image.", "Prices per 1M tokens."])).toBeUndefined();
  });

  it("reads 'per 1 million tokens', 'per video' and '/ use'", () => {
    expect(billedUnitIn("Input price (per 1 million tokens)")).toMatchObject({ unit: "1M tokens", quantity: 1e6 });
    expect(billedUnitIn("$0.2 / video")).toMatchObject({ unit: "request", quantity: 1 });
    expect(billedUnitIn("$0.01 / use")).toMatchObject({ unit: "request", quantity: 1 });
    expect(perUnit(1.4, billedUnitIn("per 1 million tokens")!)).toBe(1.4);
    expect(billedUnitIn("$0.05 per video second")).toMatchObject({ unit: "second" });
  });
});

describe("a price restated in another unit beside it", () => {
  it("splits the price as stated from its equivalent", () => {
    expect(restatedEquivalentIn("$0.03 / MTok (equivalent to approximately $0.0024/minute)")).toEqual({ main: "$0.03 / MTok", equivalent: "equivalent to approximately $0.0024/minute" });
    expect(restatedEquivalentIn("$3.50 (≈ $0.0053/min)")).toEqual({ main: "$3.50", equivalent: "≈ $0.0053/min" });
    expect(restatedEquivalentIn("$0.03 / MTok (batch)")).toBeUndefined();
  });
});

describe("table cells block by block, struck text, two-row headers", () => {
  const html = `<table><tbody>
    <tr><td rowspan="2"><b>Model ID</b></td><td rowspan="2">Input price (per 1 million tokens)</td><td colspan="2">Output price (per 1 million tokens)</td></tr>
    <tr><td>Non-Thinking mode</td><td>Thinking mode (chain of thought + answer)</td></tr>
    <tr><td><p>qwen-plus</p><blockquote>Currently equivalent to qwen-plus-2025-12-01</blockquote></td><td><del>$0.8</del> $0.4</td><td>$1.2</td><td>$4</td></tr>
  </tbody></table>`;

  it("joins a second header row under its group into the header", () => {
    const [t] = readTables(loadDocument(html, "html")).map(withSubHeaders);
    expect(t!.header).toEqual([
      "Model ID",
      "Input price (per 1 million tokens)",
      "Output price (per 1 million tokens) Non-Thinking mode",
      "Output price (per 1 million tokens) Thinking mode (chain of thought + answer)",
    ]);
    expect(t!.rows).toHaveLength(1);
    expect(t!.header.map((h) => [tokenDimensionIn(h), thinkingModeIn(h)])).toEqual([
      [undefined, undefined],
      ["input", undefined],
      ["output", "non_thinking"],
      ["output", "thinking"],
    ]);
    expect(thinkingModeIn("Non-Thinking and Thinking modes")).toBe("both");
  });

  it("gives a cell's blocks apart on request, and marks struck text on request only", () => {
    const plain = readTables(loadDocument(html, "html"))[0]!.rows[1]!;
    expect(plain.cells[0]).toBe("qwen-plusCurrently equivalent to qwen-plus-2025-12-01");
    expect(plain.lines).toBeUndefined();
    expect(plain.cells[1]).toBe("$0.8 $0.4");
    const read = readTables(loadDocument(html, "html"), { lines: true, strikes: true })[0]!.rows[1]!;
    expect(read.lines![0]).toEqual(["qwen-plus", "Currently equivalent to qwen-plus-2025-12-01"]);
    expect(read.cells[1]).toBe("~~$0.8~~ $0.4");
  });

  it("reads a lone backslash as no price (Z.ai's GLM-OCR)", () => {
    expect(isNoPrice("\\")).toBe(true);
    expect(isNoPrice("\\$0.03")).toBe(false);
  });
});
