import { describe, expect, it } from "vitest";
import { columnUnitIn } from "../../pipeline/extract/column-units.ts";

describe("the unit a column header states", () => {
  it("reads a bare per-count in parentheses against what the header counts", () => {
    expect(columnUnitIn("Input Tokens ($/1M)")).toMatchObject({ unit: "1M tokens", quantity: 1e6 });
    expect(columnUnitIn("Search Queries ($/1K)")).toMatchObject({ unit: "request", quantity: 1e3 });
    expect(columnUnitIn("Request Fee (per 1K)")).toMatchObject({ unit: "request", quantity: 1e3 });
  });

  it("reads a header that states the unit whole, and nothing from one that states none", () => {
    expect(columnUnitIn("Price ($/1M tokens)")).toMatchObject({ unit: "1M tokens", quantity: 1e6 });
    expect(columnUnitIn("Price per 1K requests")).toMatchObject({ unit: "request", quantity: 1e3 });
    expect(columnUnitIn("Low Context Size")).toBeUndefined();
    expect(columnUnitIn("Discount ($/1K)")).toBeUndefined();
  });
});
