import { describe, expect, it } from "vitest";
import { jsxTablesIn } from "../../pipeline/extract/jsx-table.ts";
import { amountsStatedIn } from "../../pipeline/extract/accounting.ts";

const PAGE = `### K3 Series Models

<DocTable
  columns={[
{ title: "Model", width: "12%" },
{ title: "Unit", width: "10%" },
{ title: "Input Price", width: "13%" },
{ title: "Context Window", width: "16%" },
]}
  rows={[
["kimi-k3", "1M tokens", <>{"$"}3.00</>, "1,048,576 tokens"],
["kimi-x", 'per "1M"', <><b>{"$"}1,200.50</b></>, someVariable],
]}
/>

### Other

<DocTable rows={[["a"]]} columns={[{ width: "1%" }]} />
`;

describe("JSX tables (columns and rows as props)", () => {
  const [k3, other] = jsxTablesIn(PAGE);

  it("reads the column titles and each cell as the text it shows, commas inside fragments and strings kept", () => {
    expect(k3).toMatchObject({ component: "DocTable", header: ["Model", "Unit", "Input Price", "Context Window"], headings: ["K3 Series Models"] });
    if (!k3 || "broken" in k3) throw new Error("not read");
    expect(k3.rows.map((r) => r.cells.map((c) => c.text))).toEqual([
      ["kimi-k3", "1M tokens", "$3.00", "1,048,576 tokens"],
      ["kimi-x", 'per "1M"', "$1,200.50", "someVariable"],
    ]);
    expect(k3.rows[0]!.text).toBe("kimi-k3 | 1M tokens | $3.00 | 1,048,576 tokens");
    // An expression is not evaluated: the caller reports it.
    expect(k3.rows[1]!.cells.map((c) => c.literal)).toEqual([true, true, true, false]);
  });

  it("says why a call cannot be read, instead of guessing its columns", () => {
    expect(other).toEqual({ index: 1, component: "DocTable", broken: 'a column without a string title: { width: "1%" }' });
  });

  it("lets the accounting see a dollar written as a JSX string expression", () => {
    expect(amountsStatedIn(PAGE).map((a) => a.usd)).toEqual([3, 1200.5]);
  });
});
