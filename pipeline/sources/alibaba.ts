import { chooseScope, isKnownRegionalScope } from "../extract/deployment-scope.ts";
import { loadDocument } from "../extract/document.ts";
import { inputLengthConditions } from "../extract/input-length-tiers.ts";
import { listPriceBadgeIn } from "../extract/list-price-badges.ts";
import { isNoPrice, parseMoneyCell } from "../extract/money.ts";
import { thinkingModeIn, tokenDimensionIn } from "../extract/price-labels.ts";
import { type PageTable, readTables, type TableRow, withSubHeaders } from "../extract/tables.ts";
import { billedUnitIn, perUnit } from "../extract/units.ts";
import { type ExtractionBuilder, extractWith, type PricingSource } from "./source.ts";

/**
 * Alibaba Cloud Model Studio's model pricing page, https://www.alibabacloud.com/help/en/model-studio/model-pricing
 * (server-rendered DITA HTML, plain HTTP GET). One table per model family; every cell a `<p>`, notes in
 * `<blockquote>`s. Columns (header in the first row, a second header row under a `colspan` group):
 *
 * - Model ID: the API id in the cell's first block (`qwen3.7-max`), then notes ("Currently equivalent to
 *   qwen3.7-max-2026-05-20", "context caching discount"): read block by block (`readTables` `lines`).
 *   An alias row states its own prices; the "equivalent" note is not followed (it can name an older snapshot).
 * - Deployment scope: Global / International / Hong Kong (China) / Chinese Mainland, a price per scope. The
 *   catalog holds the Global price where a model has one, else the International one (`chooseScope`); the
 *   rows of the other scopes are passed over (`other-deployment-scope`); a model priced only in Hong Kong or
 *   the Mainland (qwen3-max here) is listed untracked with its scope; a scope never seen before is reported.
 * - Mode ("Non-Thinking and Thinking modes"), Input tokens per request: tiers by input length as ranges
 *   (`0<Token≤256K`, `256K<Token≤1M`; "No tiered pricing", "flat-rate pricing"), one row per tier, the model
 *   cell spanning them (rowspan, expanded by `readTables`). Lowest tier plain, the others `@over_<from>`.
 * - Input price / Output price (per 1 million tokens): `input`, `output`; under an "Output price" group the
 *   sub-columns "Non-Thinking mode" → `output` and "Thinking mode (chain of thought + answer)" →
 *   `thinking_output`. One output column ("Chain of thought + answer") is `output` for both modes.
 * - Free quota ("1 million tokens", "None"): a free allowance, not a price; not read.
 *
 * Cells: `$1.65`, `$1.400`, `-` (no such price), and "List price $1.65 Limited-time night 80% off, daytime 50%
 * off" / "List price $0.4 Limited-time 20% off": the page states the list price and a discount in words whose
 * figure depends on the time of day; the list price is the price stated, read as it is, and the discount is
 * recorded as multipliers of that model (`promotion_night` 0.2, `promotion_daytime` 0.5, `promotion` 0.8), never
 * computed into a price (`listPriceBadgeIn`).
 */

const SOURCE_ID = "alibaba-pricing";
const URL = "https://www.alibabacloud.com/help/en/model-studio/model-pricing";
const API_ID = /^[a-z0-9][a-z0-9._-]*$/;

type Column =
  | { kind: "model" | "scope" | "mode" | "tier" | "quota" }
  | { kind: "price"; dimension: "input" | "output" | "thinking_output" };

export const alibabaPricingSource: PricingSource = {
  id: SOURCE_ID,
  vendor: "alibaba",
  url: URL,
  format: "html",
  fetchWith: "http",
  extract: (body) => extractWith(SOURCE_ID, body, (result) => readModelStudioPricing(result, body)),
};

function readModelStudioPricing(result: ExtractionBuilder, body: string): void {
  const tables = readTables(loadDocument(body, "html"), { lines: true }).map(withSubHeaders);
  const priced = tables.filter((t) => t.header.some((h) => /price/i.test(h)));
  if (priced.length === 0) {
    result.fail("no price table (Model ID | Deployment scope | … | Input price | Output price) on the page; the layout changed", "page");
    return;
  }
  for (const table of priced) readTable(result, table);
}

function columnOf(header: string): Column | undefined {
  if (/^model(?:\s+(?:id|name))?$/i.test(header)) return { kind: "model" };
  if (/deployment\s+scope|^region$/i.test(header)) return { kind: "scope" };
  if (/^mode$/i.test(header)) return { kind: "mode" };
  if (/tokens\s+per\s+request|input\s+length/i.test(header)) return { kind: "tier" };
  if (/free\s+quota/i.test(header)) return { kind: "quota" };
  const side = tokenDimensionIn(header);
  if (billedUnitIn(header)?.unit !== "1M tokens") return undefined;
  if (side === "input") return { kind: "price", dimension: "input" };
  if (side === "output") return { kind: "price", dimension: thinkingModeIn(header) === "thinking" ? "thinking_output" : "output" };
  return undefined;
}

function readTable(result: ExtractionBuilder, table: PageTable): void {
  const where = `table ${table.index + 1}`;
  const columns = table.header.map(columnOf);
  const unknown = table.header.filter((_, i) => columns[i] === undefined);
  const at = (kind: string) => columns.findIndex((c) => c?.kind === kind);
  if (unknown.length > 0 || at("model") !== 0 || at("price") < 0) {
    result.problem(`the columns (${table.header.join(" | ")}) are not read: ${unknown.length > 0 ? `not understood: ${unknown.join(", ")}` : "no Model ID or price column"}`, where);
    return;
  }
  // Rows by model, in page order (a model's tiers are consecutive rows under its rowspan cell).
  const byModel = new Map<string, TableRow[]>();
  for (const row of table.rows) {
    const id = row.lines?.[0]?.[0] ?? row.cells[0] ?? "";
    byModel.set(id, [...(byModel.get(id) ?? []), row]);
  }
  const scopeAt = at("scope");
  for (const [id, rows] of byModel) {
    const modelWhere = `${where}, model ${id}`;
    const priceCells = (r: TableRow) => columns.flatMap((c, i) => (c?.kind === "price" ? [r.cells[i] ?? ""] : []));
    if (!API_ID.test(id)) {
      result.problem(`the model cell "${id}" is not an API id; its rows are not read`, modelWhere);
      continue;
    }
    const scopes = scopeAt < 0 ? [] : rows.map((r) => r.cells[scopeAt] ?? "");
    const { chosen, passed } = scopeAt < 0 ? { chosen: undefined, passed: [] } : chooseScope(scopes);
    for (const scope of passed) {
      for (const r of rows.filter((r) => r.cells[scopeAt] === scope)) result.passOver("other-deployment-scope", priceCells(r).join(" | "));
      if (!isKnownRegionalScope(scope)) result.problem(`a deployment scope "${scope}" the source does not know; its prices are not read`, modelWhere);
    }
    if (scopeAt >= 0 && chosen === undefined) {
      result.untrackedModel(`${id} (${passed.join(", ")} scope only)`, modelWhere);
      continue;
    }
    readModel(result, `alibaba/${id}`, rows.filter((r) => scopeAt < 0 || r.cells[scopeAt] === chosen), columns, `${modelWhere}${chosen ? `, ${chosen} scope` : ""}`);
  }
}

function readModel(result: ExtractionBuilder, model: string, rows: TableRow[], columns: (Column | undefined)[], where: string): void {
  const tierAt = columns.findIndex((c) => c?.kind === "tier");
  const modeAt = columns.findIndex((c) => c?.kind === "mode");
  const tiers = tierAt < 0 ? { ok: true as const, conditions: rows.map(() => undefined) } : inputLengthConditions(rows.map((r) => r.cells[tierAt] ?? ""));
  if (!tiers.ok) {
    result.problem(`its input-length tiers cannot be keyed: ${tiers.reason}; not read`, where);
    return;
  }
  rows.forEach((row, r) => {
    const condition = tiers.conditions[r];
    const rowWhere = tierAt < 0 ? where : `${where}, ${row.cells[tierAt]}`;
    const mode = modeAt < 0 ? undefined : thinkingModeIn(row.cells[modeAt] ?? "");
    const evidence = row.cells.map((c, i) => (i === 0 ? (row.lines?.[0]?.[0] ?? c) : c)).join(" | ");
    columns.forEach((column, i) => {
      if (column?.kind !== "price") return;
      const text = row.cells[i] ?? "";
      if (isNoPrice(text)) return;
      // A one-mode row (Thinking only) bills its one output column as thinking output.
      const dimension = column.dimension === "output" && mode === "thinking" ? "thinking_output" : column.dimension;
      const key = `${dimension}${condition ? `@${condition}` : ""}`;
      const badge = listPriceBadgeIn(text);
      if (badge.kind === "unclear") {
        result.problem(`the cell "${text}" cannot be read surely: ${badge.reason}; not read`, rowWhere);
        return;
      }
      const stated = badge.kind === "list-price" ? badge.written : text;
      const money = parseMoneyCell(stated);
      if (money.kind !== "usd") {
        result.problem(`the ${dimension.replace("_", " ")} cell "${text}" is not a price: ${money.kind === "unreadable" ? money.reason : "no amount"}`, rowWhere);
        return;
      }
      const billed = billedUnitIn(stated) ?? { unit: "1M tokens" as const, quantity: 1e6, phrase: "per 1 million tokens" };
      if (billed.unit !== "1M tokens") {
        result.problem(`the cell "${text}" is priced per ${billed.unit}, not per 1M tokens as its column; not read`, rowWhere);
        return;
      }
      result.observe({ model, price: key, usd: perUnit(money.usd, billed), unit: "1M tokens", evidence }, rowWhere);
      if (badge.kind === "list-price") {
        for (const d of badge.discounts) {
          result.multiplier({ model, name: d.period ? `promotion_${d.period}` : "promotion", factor: d.factor, sentence: badge.badge! }, rowWhere);
        }
      }
    });
  });
}
