import { describe, expect, it } from "vitest";
import { loadDocument } from "../../pipeline/extract/document.ts";
import { readFlow } from "../../pipeline/extract/flow.ts";
import { readTables } from "../../pipeline/extract/tables.ts";

describe("readFlow", () => {
  it("a markdown page: headings, the lines of a paragraph, list items, tables by their readTables index", () => {
    const $ = loadDocument(
      [
        "# gpt-image-1-mini",
        "",
        "Model ID: `gpt-image-1-mini`",
        "",
        "## Pricing",
        "",
        "Text tokens",
        "Per 1M tokens",
        "",
        "- Input: $2",
        "",
        "| Metric | Price |",
        "| --- | --- |",
        "| Input | $2 |",
        "",
        "<!-- a comment -->",
        "![icon](/icon.png)",
        "",
        "Last line",
      ].join("\n"),
      "markdown",
    );
    expect(readFlow($)).toEqual([
      { kind: "heading", level: 1, text: "gpt-image-1-mini" },
      { kind: "line", text: "Model ID: gpt-image-1-mini" },
      { kind: "heading", level: 2, text: "Pricing" },
      { kind: "line", text: "Text tokens" },
      { kind: "line", text: "Per 1M tokens" },
      { kind: "line", text: "Input: $2" },
      { kind: "table", index: 0 },
      { kind: "line", text: "Last line" },
    ]);
  });

  it("an HTML page: blocks and <br> end lines, inline elements do not, scripts and styles are not text", () => {
    const $ = loadDocument(
      `<html><head><title>t</title><style>p{}</style></head><body>
        <div><span>Quality</span><br>Low</div><p>1024x1024 <b>$0.005</b></p>
        <script>var x = "$1";</script>
        <table><tr><td>a<table><tr><td>nested</td></tr></table></td></tr></table>
        <h3>Image <br>tokens</h3><table><tr><td>b</td></tr></table>
      </body></html>`,
      "html",
    );
    const flow = readFlow($);
    expect(flow).toEqual([
      { kind: "line", text: "Quality" },
      { kind: "line", text: "Low" },
      { kind: "line", text: "1024x1024 $0.005" },
      { kind: "table", index: 0 },
      { kind: "table", index: 1 },
      { kind: "heading", level: 3, text: "Image tokens" },
      { kind: "table", index: 2 },
    ]);
    // The same numbering as readTables, nested tables included.
    expect(readTables($).map((t) => t.rows.length + (t.header.length > 0 ? 1 : 0))).toHaveLength(3);
    expect(readTables($)[1]!.header).toEqual(["nested"]);
  });
});
