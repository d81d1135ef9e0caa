import { describe, expect, it } from "vitest";
import { loadMdx, mdxAsMarkdown, readMdxTables, tabTierOf } from "../../pipeline/extract/mdx.ts";

// Mintlify-style MDX as a `.md` endpoint serves it: components on lines of their own, content indented under them.
const PAGE = [
  "## LLM",
  "",
  "<Tabs>",
  '  <Tab title="Standard">',
  "    | Model | Input |",
  "    | :- | :- |",
  "    | **M-1**<br />≤ 512k input tokens | ~~\\$0.60~~ \\$0.30 / M tokens |",
  "  </Tab>",
  "",
  '  <Tab title="Priority*">',
  "    | Model | Input |",
  "    | :- | :- |",
  "    | **M-1** | \\$0.45 / M tokens |",
  "",
  "    \\* Priority gives faster responses. Pricing is 1.5x standard.",
  "  </Tab>",
  "</Tabs>",
  "",
  '<Accordion title="Legacy Models">',
  "  | Model | Price |",
  "  | :- | :- |",
  "  | <div style={{minWidth:'240px'}}>M-0</div> | \\$0.08 / second |",
  "</Accordion>",
].join("\n");

describe("MDX components", () => {
  it("renders the tables inside tabs and accordions as tables, each with the components that hold it", () => {
    const tables = readMdxTables(loadMdx(PAGE));
    expect(tables.map((t) => t.components)).toEqual([
      [{ name: "Tabs" }, { name: "Tab", title: "Standard" }],
      [{ name: "Tabs" }, { name: "Tab", title: "Priority*" }],
      [{ name: "Accordion", title: "Legacy Models" }],
    ]);
    expect(tables.map((t) => t.headings)).toEqual([["LLM"], ["LLM"], ["LLM"]]);
    expect(tables[0]!.rows[0]!.cells).toEqual(["M-1 ≤ 512k input tokens", "$0.60 $0.30 / M tokens"]);
    // The strike is in the markup: a list price is never read from the text alone.
    expect(tables[0]!.rows[0]!.markup![1]).toMatch(/^<s>.*0\.60<\/s> .*0\.30 \/ M tokens$/);
    // A JSX style attribute does not turn the tag into text.
    expect(tables[2]!.rows[0]!.cells).toEqual(["M-0", "$0.08 / second"]);
  });

  it("gives a tab's tier (a footnote mark after its title is not part of it) and the prose inside the tab", () => {
    const tables = readMdxTables(loadMdx(PAGE));
    expect(tables.map((t) => tabTierOf(t.components))).toEqual([
      { tab: "Standard", tier: "standard" },
      { tab: "Priority*", tier: "priority" },
      { tab: undefined, tier: undefined },
    ]);
    expect(tables[1]!.componentProse).toEqual(["* Priority gives faster responses. Pricing is 1.5x standard."]);
    expect(tabTierOf([{ name: "Tab", title: "USD" }])).toEqual({ tab: "USD", tier: undefined });
  });

  it("leaves fenced code and plain markdown alone", () => {
    const code = ["```jsx", "<Tab title=\"Batch\">", "```", "", "Plain **text**."].join("\n");
    expect(mdxAsMarkdown(code)).toBe(code);
  });
});
