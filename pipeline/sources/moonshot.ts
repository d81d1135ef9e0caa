import { ModelId } from "../../schemas/model-entry.ts";
import type { PageFormat } from "../extract/document.ts";
import { type JsxTable, jsxTablesIn } from "../extract/jsx-table.ts";
import { readCellPrice } from "../extract/price-cell.ts";
import { tokenDimensionIn } from "../extract/price-labels.ts";
import { billedUnitIn } from "../extract/units.ts";
import { type ExtractionBuilder, extractWith, type PricingSource } from "./source.ts";

/**
 * Moonshot AI (Kimi) API prices: https://platform.kimi.ai/docs/pricing/chat, read as the markdown the docs
 * serve at that URL + `.md` (the page's own `llms.txt` banner points there). Mintlify MDX: a title, then
 * `export const DocTable = ({columns, rows}) => …` (the component, a JavaScript function), then one
 * `<DocTable columns={[{ title: "…", width: "…" }, …]} rows={[["kimi-k3", "1M tokens", <>{"$"}3.00</>, …]]} />`
 * per series under `### K3 Series Models` / `### K2 Series Models`. There is no markdown table: every price is
 * a JSX fragment in a props array (`extract/jsx-table.ts`), and only the column titles say which slot is which.
 *
 * - Columns differ per table and move between captures: K3 has Unit | Cache Write Price (TTL 5min) | Cache
 *   Write Price (TTL 1h) | Cached Input Price | Input Price | Output Price | Context Window; K2 has Unit | Input
 *   Price (Cache Hit) | Input Price (Cache Miss) | Output Price | Context Window (kimi-k3 sat in a K2-style table
 *   in an earlier version). Each price column is keyed by what its title says (`tokenDimensionIn`: TTL 5min →
 *   `cache_write_5m`, 1h → `cache_write_1h`, Cache Hit → `cached_input`, Cache Miss → `input`), never by position;
 *   a column whose title names no price, or a table without a Model column, is reported.
 * - The unit is a column of its own ("1M tokens"); a row that states none, or another, is reported.
 * - Non-prices in the arrays: the unit and "1,048,576 tokens" (the context window) are strings, not amounts.
 * - Prose: "Prices exclude applicable taxes"; file APIs "temporarily free" (no amount). No multiplier, no tier.
 */

const SOURCE_ID = "moonshot-pricing";
const PRICING_URL = "https://platform.kimi.ai/docs/pricing/chat.md";

function readKimiPricing(result: ExtractionBuilder, body: string): void {
  const tables = jsxTablesIn(body);
  if (tables.length === 0) {
    result.fail("no <DocTable columns=… rows=…> price table on the page; the layout changed", "page");
    return;
  }
  for (const t of tables) {
    if ("broken" in t) {
      result.problem(`a ${t.component} table that cannot be read: ${t.broken}`, `table ${t.index + 1}`);
      continue;
    }
    readTable(result, t);
  }
}

function readTable(result: ExtractionBuilder, table: JsxTable): void {
  const where = `table "${table.headings.at(-1) ?? table.index + 1}"`;
  const modelAt = table.header.findIndex((h) => /^model$/i.test(h));
  const unitAt = table.header.findIndex((h) => /^unit$/i.test(h));
  if (modelAt < 0) {
    result.problem(`no Model column (${table.header.join(" | ")}); whose prices these are is not stated, not read`, where);
    return;
  }
  // Each column by its title: a price dimension, or a column that holds no price (the model, unit, context window).
  const columns = table.header.map((title, i) =>
    i === modelAt || i === unitAt || /^context\s+(?:window|length)$/i.test(title) ? undefined : { title, dimension: tokenDimensionIn(title) },
  );
  for (const row of table.rows) {
    const rowWhere = `${where}, row "${row.text}"`;
    const name = row.cells[modelAt]?.text ?? "";
    const model = `moonshot/${name}`;
    if (!ModelId.safeParse(model).success || !row.cells[modelAt]!.literal) {
      result.problem(`"${name}" is not a model id; its prices are not read`, rowWhere);
      result.untrackedModel(name, rowWhere);
      result.passOver("untracked-model", row.text);
      continue;
    }
    const unitText = unitAt >= 0 ? row.cells[unitAt]?.text ?? "" : "";
    const unit = billedUnitIn(`per ${unitText}`);
    if (unit?.unit !== "1M tokens") {
      result.problem(`the row's unit "${unitText}" is not 1M tokens; not read`, rowWhere);
      continue;
    }
    row.cells.forEach((cell, i) => {
      const column = columns[i];
      if (!column) return;
      const at = `${rowWhere}, column "${column.title}"`;
      if (!cell.literal) {
        result.problem(`the cell ${cell.text} is an expression, not a value; not read`, at);
        return;
      }
      const price = readCellPrice(cell.text, cell.text, unit);
      if (price.kind === "none") return;
      if (price.kind === "free") {
        result.problem(`"${cell.text}" in a price column: a free price is not read as $0`, at);
        return;
      }
      if (price.kind === "bad") {
        result.problem(`not read: ${price.reason}`, at);
        return;
      }
      if (!column.dimension || price.unit !== "1M tokens") {
        result.problem(`the column "${column.title}" names no token price this source knows ($${price.usd} not read)`, at);
        return;
      }
      result.observe({ model, price: column.dimension, usd: price.usd, unit: "1M tokens", evidence: `${table.header.join(" | ")}: ${row.text}` }, at);
      if (price.list !== undefined) result.passOver("list-price", `$${price.list}`);
    });
  }
}

export const moonshotPricingSource: PricingSource = {
  id: SOURCE_ID,
  vendor: "moonshot",
  url: PRICING_URL,
  format: "markdown",
  fetchWith: "http",
  extract(body: string, _format: PageFormat = "markdown") {
    return extractWith(SOURCE_ID, body, (result) => readKimiPricing(result, body));
  },
};
