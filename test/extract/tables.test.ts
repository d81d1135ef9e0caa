import { describe, expect, it } from "vitest";
import { loadDocument } from "../../pipeline/extract/document.ts";
import { readTables } from "../../pipeline/extract/tables.ts";

const tablesOf = (html: string) => readTables(loadDocument(html, "html"));

describe("readTables", () => {
  it("expands merged cells into every slot they cover and keeps the row as written", () => {
    const [table] = tablesOf(`<table>
      <thead><tr><th colspan="2">Model</th><th>Input</th></tr></thead>
      <tbody>
        <tr><td rowspan="2">gpt-x</td><td>Standard</td><td>$1.25</td></tr>
        <tr><td>Batch</td><td>$0.625</td></tr>
      </tbody></table>`);
    expect(table!.header).toEqual(["Model", "Model", "Input"]);
    expect(table!.rows.map((r) => r.cells)).toEqual([
      ["gpt-x", "Standard", "$1.25"],
      ["gpt-x", "Batch", "$0.625"],
    ]);
    expect(table!.rows.map((r) => r.inherited)).toEqual([
      [false, false, false],
      [true, false, false],
    ]);
    expect(table!.rows[1]!.text).toBe("Batch$0.625");
  });

  it("reads <br> in a cell as a space, and no-break spaces as spaces", () => {
    const [table] = tablesOf(`<table><tr><th>Size</th><th>Price</th></tr><tr><td>Portrait:<br>1024x1536</td><td>$0.063&nbsp;/ image</td></tr></table>`);
    expect(table!.rows[0]!.cells).toEqual(["Portrait: 1024x1536", "$0.063 / image"]);
  });

  it("names a table by the headings above it and the short texts since the nearest one, not by scripts or styles", () => {
    const tables = tablesOf(`<h1>Pricing</h1>
      <h2>Image generation</h2>
      <table><tr><th>A</th></tr><tr><td>1</td></tr></table>
      <div><p>Batch</p></div>
      <style>td { color: red }</style>
      <script>window.tabs = ["Standard"]</script>
      <table><tr><th>B</th></tr><tr><td>2</td></tr></table>`);
    expect(tables.map((t) => t.headings)).toEqual([
      ["Pricing", "Image generation"],
      ["Pricing", "Image generation"],
    ]);
    expect(tables.map((t) => t.preface)).toEqual([[], ["Batch"]]);
  });

  it("stops a preface at an earlier table, even one wrapped in another element", () => {
    const tables = tablesOf(`<h2>Text tokens</h2><p>Standard</p>
      <div class="tab"><table><tr><th>A</th></tr><tr><td>1</td></tr></table></div>
      <table><tr><th>B</th></tr><tr><td>2</td></tr></table>`);
    expect(tables.map((t) => t.preface)).toEqual([["Standard"], []]);
  });
});
