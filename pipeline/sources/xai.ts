import type { CheerioAPI } from "cheerio";
import { formatPriceKey, type Tier } from "../../schemas/price-key.ts";
import { boundText, type ContextBound, contextBoundIn, contextSplitOf } from "../extract/context-bounds.ts";
import { announcesPrices, datesIn } from "../extract/dates.ts";
import { cleanText, loadDocument, type PageFormat } from "../extract/document.ts";
import { parseMoneyCell, readPriceCell } from "../extract/money.ts";
import { TIER_NAMES, type TokenDimension, tierLabel, tierNamedIn, tokenDimensionIn } from "../extract/price-labels.ts";
import { type PageTable, readTables, type TableRow } from "../extract/tables.ts";
import { ExtractionBuilder, extractWith, type PricingSource } from "./source.ts";

/**
 * xAI's prices, from the markdown its docs serve at `<page>.md`. The source fetches one document, the
 * pricing page; `catalog extract --file` also reads two siblings of it, told apart by what they hold:
 *
 * - docs.x.ai/developers/pricing.md ("All prices are in USD"), and the models page
 *   (docs.x.ai/developers/models.md), which repeats its first tables:
 *
 *     ### Text API Pricing
 *     | Model | Context | Input / 1M tokens | Cached input / 1M tokens | Output / 1M tokens |
 *     | grok-4.6 (< 200k prompt tokens) | 500k | $2.00 | $0.50 | $6.00 |
 *     | grok-4.6 (≥ 200k prompt tokens) | 500k | $4.00 | $1.00 | $12.00 |
 *
 *   A table with a Model column and token-price columns is read wherever it sits: each column by what its
 *   header says (dimension, unit, tier), each row's model id and context condition from its label. A
 *   model's rows must make one reading: a single unconditioned row (plain keys), or the two sides of one
 *   threshold (`< 200k` → `input`, `≥ 200k` → `input@over_200k`); anything else is reported and none of its
 *   prices is read. `Context` is the model's limit, not a price. A column that holds dollars but names no
 *   price this source knows is reported, never read by position.
 *
 *     ### Imagine Pricing
 *     | Model | Cost |   grok-imagine-image-2.0 | $0.04 / image   → `image` (one flat price per image)
 *                        grok-imagine-video     | $0.050 / sec    → passed over: no price key is per second
 *
 *   Passed over as well, because the price keys cannot express them or they are not a model's token prices:
 *   voice (per minute, per hour, per 1M characters), tool calls (per 1k calls), file and collection storage,
 *   the usage-guidelines fee. These tables have no Model column, so they are never mistaken for one.
 *   The Batch API ("20% off standard rates" for the models listed under it) and Priority Processing ("2x
 *   standard rates") are stated as multipliers in prose, not as prices: no `batch/` or `priority/` price is
 *   computed from them. A maintainer who wants batch prices tracked should know the batch discount exists.
 *   A table under a heading that is a tier's name ("Batch API Pricing") that does carry dollar prices per
 *   model would be read under that tier; one of a tier xAI has never had (Flex) is reported, not read as the
 *   standard price. A heading or note above a table that gives a day or announces prices ("Upcoming pricing
 *   (effective October 1, 2026)") is reported and the table not read: xAI has never dated a price, so which
 *   hold today is not guessed.
 *
 * - a model's page, docs.x.ai/developers/models/<id>.md, with `**Model name:** \`grok-4.6\`` and
 *
 *     ## Pricing
 *     | Type | < 200k prompt tokens (per 1M tokens) | ≥ 200k prompt tokens (per 1M tokens) |
 *     | Input | $2.00 | $4.00 |   (rows Input / Cached input / Output; the columns are the two context sides)
 *
 * The older docs.x.ai/docs/models page (2025) has a `## Model Pricing` heading with nothing under it: its
 * per-model table was drawn by scripts and is absent from the served text, while its tool prices are there.
 * Such a page fails, saying so; a tool price is never passed off as a model price. So does a page that
 * prices fewer than three grok models in a text table, or states or shows prices in another currency.
 */

const SOURCE_ID = "xai-pricing";
const VENDOR = "xai";

/** Fewer grok models than this in the text price tables means this is not the page (or its layout changed). */
const MIN_TEXT_MODELS = 3;

/** API ids as the pages write them: `grok-4.6`, `grok-4.20-0309-reasoning`, `grok-imagine-image-2.0`. */
const API_ID = /^grok-[a-z0-9][a-z0-9._-]*$/;

export const xAiPricingSource: PricingSource = {
  id: SOURCE_ID,
  vendor: VENDOR,
  url: "https://docs.x.ai/developers/pricing.md",
  format: "markdown",
  fetchWith: "http",
  extract(body: string, format: PageFormat = "markdown") {
    return extractWith(SOURCE_ID, body, (result) => readXaiPage(result, loadDocument(body, format)));
  },
};

function readXaiPage(result: ExtractionBuilder, $: CheerioAPI): void {
  if (refuseStatedCurrency(result, $)) return;
  const tables = readTables($);
  const modelName = modelNameOf(result, $);
  if (result.failed) return;
  if (modelName) readModelPage(result, tables, modelName);
  else readPricingPage(result, $, tables);
}

// ---------------------------------------------------------------------------------------------------
// What headers, labels and cells say

type TokenUnit = "1M" | "1K";

/**
 * xAI's own tiers, the only ones a heading can put a table in. "Fast" at xAI is a word of model names
 * (grok-4-fast, grok-code-fast-1), not a tier; a column that names Fast or Flex is not understood.
 */
const XAI_TIERS: ReadonlySet<string> = new Set<Tier>(["batch", "priority"]);

/** What a column header or row label says about the prices under or beside it. */
interface Axis {
  text: string;
  dimension: TokenDimension | undefined;
  bound: ContextBound | undefined;
  tier: Tier | undefined;
  unit: TokenUnit | undefined;
  /** Names image, audio or video tokens (which the plain token keys do not hold) or a tier xAI does not have. */
  foreign: boolean;
}

function axisOf(text: string): Axis {
  const { bound, rest } = contextBoundIn(text);
  const tier = tierNamedIn(rest);
  const foreign = /\b(?:image|audio|video|speech|voice|vision)s?\b/i.test(rest) || (tier !== undefined && !XAI_TIERS.has(tier));
  return { text, dimension: foreign ? undefined : tokenDimensionIn(rest), bound, tier: foreign ? undefined : tier, unit: tokenUnitIn(rest), foreign };
}

/** "/ 1M tokens", "(per 1M tokens)", "per million tokens", "MTok" → per 1M; the same per 1K. Only token units. */
function tokenUnitIn(text: string): TokenUnit | undefined {
  if (/(?:\/|\bper)\s*(?:1\s?M|1,000,000|million)\s+(?:[a-z]+\s+)?tokens?\b|\bMTok\b/i.test(text)) return "1M";
  if (/(?:\/|\bper)\s*(?:1\s?K|1,000|thousand)\s+(?:[a-z]+\s+)?tokens?\b/i.test(text)) return "1K";
  return undefined;
}

const isModelHeader = (header: string) => /^(?:models?|model name|model id)$/i.test(cleanText(header));

/** A price-column header that names nothing but being a price ("Price", "Cost"). */
const isPlainPriceHeader = (header: string) => /^(?:prices?|costs?|rates?)\b/i.test(cleanText(header));

/** A cell with an amount of money in it, in any currency (unknown columns, the currency check). */
const holdsMoney = (cell: string) => /[$€£¥]\s?\d|\d\s?[$€£¥]|\b(?:USD|EUR|GBP)\s?\d|\d\s?(?:USD|EUR|GBP)\b/.test(cell.replace(/\\\$/g, "$"));

const FOREIGN_CURRENCY = /[€£¥₹]|\b(?:EUR|GBP|JPY|CNY|RMB|INR|CHF)\b/;

/** Units of prices the price keys cannot express: per second of video, per minute of audio, per character, per call. */
const PASSED_OVER_UNIT =
  /(?:\/|\bper)\s*(?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|(?:1\s?[KM]\s+)?char(?:acter)?s?|(?:1\s?K\s+)?(?:calls?|requests?|sources?|pages?)|GiB)\b/i;

/** A row label that is one API id and nothing else (a condition already taken out, empty brackets left). */
function apiIdIn(label: string): string | undefined {
  const name = cleanText(label.replace(/\(\s*\)|\[\s*\]/g, " ").replace(/`/g, ""));
  return API_ID.test(name) ? name : undefined;
}

function tableWhere(table: PageTable): string {
  return `table ${table.index} under "${table.headings.at(-1) ?? "(no heading)"}"`;
}

/** The tier a table's heading (or a tab label just above it) puts it in; undefined for the standard prices. */
function tableTier(result: ExtractionBuilder, table: PageTable): Tier | undefined | "conflict" {
  // A heading that is a tier's name ("Batch API Pricing"), not one that mentions a tier ("Models without batch discount").
  const named = [tierLabel(table.headings.at(-1) ?? ""), ...table.preface.map(tierLabel)].filter(
    (t): t is Tier => t !== undefined && t !== "standard",
  );
  const tiers = [...new Set(named)];
  if (tiers.length > 1) {
    result.problem(`the table is labelled with two tiers (${tiers.join(", ")}); not read`, tableWhere(table));
    return "conflict";
  }
  const unknown = tiers.find((t) => !XAI_TIERS.has(t));
  if (unknown) {
    result.problem(`a table of ${TIER_NAMES[unknown]} prices, a tier xAI's pages have not had; not read (it is not the standard price)`, tableWhere(table));
    return "conflict";
  }
  return tiers[0];
}

/**
 * A table under a heading or note that gives a day ("Upcoming pricing (effective October 1, 2026)", "New prices
 * take effect on …"): xAI's pages have never dated a price, so which of its prices hold today is not guessed.
 */
function refuseDatedTable(result: ExtractionBuilder, table: PageTable): boolean {
  const dated = [...table.headings, ...table.preface].find((t) => datesIn(t).length > 0 || announcesPrices(t));
  if (dated === undefined) return false;
  result.problem(`the table is under a dated or announcing text ("${dated}"): which of its prices hold today cannot be told; not read`, tableWhere(table));
  return true;
}

/** A table whose price cells are in another currency is refused whole: the page is not the USD page. */
function refuseForeignCurrency(result: ExtractionBuilder, table: PageTable, priceColumns: readonly number[]): boolean {
  for (const row of table.rows) {
    const cell = priceColumns.map((i) => row.cells[i] ?? "").find((c) => FOREIGN_CURRENCY.test(c) && holdsMoney(c));
    if (cell !== undefined) {
      result.fail(`a price in another currency ("${cell}" in "${row.text}"): this source reads US dollars only`, tableWhere(table));
      return true;
    }
  }
  return false;
}

/** "All prices are in USD." — any other currency named there fails the page. */
function refuseStatedCurrency(result: ExtractionBuilder, $: CheerioAPI): boolean {
  // Case-sensitive, so a currency code is three capitals and "prices are in the table" names none.
  const m = /\b[Pp]rices (?:are |shown |listed |quoted )*(?:in|shown in|quoted in)\s+(U\.?S\.? [Dd]ollars|US\$|[A-Z]{3}\b|[Ee]uros?|[Pp]ounds(?: sterling)?|[Yy]en|[Yy]uan|[Rr]enminbi)/.exec(
    cleanText($.root().text()),
  );
  if (!m || /^(?:U\.?S\.? dollars|US\$|USD)$/i.test(m[1]!)) return false;
  result.fail(`the page says "${m[0]}": this source reads US dollars only`, "page");
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Token prices, from either kind of table

/** One token price cell, with everything its row, column and table say about it. */
interface TokenCell {
  model: string;
  dimension: TokenDimension;
  tier: Tier | undefined;
  bound: ContextBound | undefined;
  unit: TokenUnit | undefined;
  text: string;
  header: string;
  /** The row's label, for problem messages. */
  row: string;
  evidence: string;
}

/** One value from several places (row, column, table) that must not disagree; "conflict" when two do. */
function agreed<T>(values: readonly (T | undefined)[], same: (a: T, b: T) => boolean): T | undefined | "conflict" {
  const given = values.filter((v): v is T => v !== undefined);
  if (given.some((v) => !same(v, given[0]!))) return "conflict";
  return given[0];
}

/**
 * Key and read the cells, model by model: a model's cells of one tier must sit on one side of no threshold
 * or on the two sides of one (see the module comment); otherwise none of them is read.
 */
function observeTokenCells(result: ExtractionBuilder, table: PageTable, cells: readonly TokenCell[]): void {
  const groups = new Map<string, TokenCell[]>();
  for (const cell of cells) {
    const key = `${cell.model} ${cell.tier ?? ""}`;
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  for (const group of groups.values()) {
    const { model, tier } = group[0]!;
    const rows = [...new Set(group.map((c) => `"${c.row}"`))].join(", ");
    const split = contextSplitOf(group.map((c) => c.bound));
    if (!split.ok) {
      result.problem(`${model}${tier ? ` (${TIER_NAMES[tier]})` : ""}: ${split.reason}; none of its prices is read`, `${tableWhere(table)}, rows ${rows}`);
      continue;
    }
    for (const cell of group) observeTokenCell(result, table, cell);
  }
}

function observeTokenCell(result: ExtractionBuilder, table: PageTable, cell: TokenCell): void {
  const where = `${tableWhere(table)}, row "${cell.row}", column "${cell.header}"`;
  const price = readTokenCell(cell.text, cell.unit);
  switch (price.kind) {
    case "none":
      return; // "-": this price does not exist; never a 0
    case "free":
      result.problem(`"${price.text}" is not a price in US dollars; not read (never as $0)`, where);
      return;
    case "bad":
      result.problem(`price not read: ${price.reason}`, where);
      return;
    case "usd":
      result.observe(
        {
          model: cell.model,
          price: formatPriceKey({ tier: cell.tier, dimension: cell.dimension, condition: cell.bound?.side === "over" ? cell.bound.key : undefined }),
          usd: price.usd,
          unit: "1M tokens",
          evidence: cell.evidence,
        },
        where,
      );
  }
}

/** A token price cell: its own unit if it states one, else its column's (per 1M or per 1K tokens); never assumed. */
function readTokenCell(text: string, unit: TokenUnit | undefined): ReturnType<typeof readPriceCell> {
  const money = parseMoneyCell(text);
  if (money.kind === "usd" && money.per === undefined) {
    if (!unit) return { kind: "bad", reason: `"${money.text}" states no unit, and neither does its column` };
    return readPriceCell(unit === "1K" ? `${text} / 1K tokens` : text, "1M tokens");
  }
  return readPriceCell(text, "1M tokens");
}

// ---------------------------------------------------------------------------------------------------
// The pricing page and the models page

function readPricingPage(result: ExtractionBuilder, $: CheerioAPI, tables: readonly PageTable[]): void {
  let textTables = 0;
  const standardModels = new Set<string>();
  let firstTextTable: PageTable | undefined;
  for (const table of tables) {
    // Voice modes, tools, storage, the batch and priority comparisons: no Model column, no model prices.
    const modelColumn = table.header.findIndex(isModelHeader);
    if (modelColumn < 0) continue;
    const axes = table.header.map(axisOf);
    const others = axes.flatMap((_, i) => (i === modelColumn ? [] : [i]));
    const tokenColumns = others.filter((i) => axes[i]!.dimension !== undefined);
    if (refuseForeignCurrency(result, table, others)) return;
    if (refuseDatedTable(result, table)) continue;
    const tier = tableTier(result, table);
    if (tier === "conflict") continue;
    if (tokenColumns.length > 0) {
      textTables++;
      firstTextTable ??= table;
      const models = readTextTable(result, table, modelColumn, axes, tier);
      if (tier === undefined) for (const m of models) standardModels.add(m);
    } else {
      readPerUnitTable(result, table, modelColumn, tier);
    }
  }

  if (textTables === 0) {
    const heading = $("h1,h2,h3,h4,h5,h6")
      .toArray()
      .map((h) => cleanText($(h).text()))
      .find((h) => /\b(?:text(?: api)?|model|token)\s+pric(?:ing|es)\b/i.test(h));
    result.fail(
      heading
        ? `the "${heading}" section holds no model price table (Model | Input / 1M tokens | …): on copies whose table is drawn by scripts it is empty, and the other prices on the page (tools, search) are not model prices`
        : `no model price table (Model | Input / 1M tokens | …) on the page: the layout changed, or this is not xAI's pricing page`,
      heading ? `heading "${heading}"` : "page",
    );
    return;
  }
  if (standardModels.size < MIN_TEXT_MODELS) {
    result.fail(
      `only ${standardModels.size} grok model(s) in the text price table (expected at least ${MIN_TEXT_MODELS}): not the pricing page this source knows`,
      firstTextTable ? tableWhere(firstTextTable) : "page",
    );
  }
}

/** Rows are models (`grok-4.6 (≥ 200k prompt tokens)`), columns token prices. Returns the models it names. */
function readTextTable(result: ExtractionBuilder, table: PageTable, modelColumn: number, axes: readonly Axis[], tier: Tier | undefined): Set<string> {
  const where = tableWhere(table);
  const columns = new Map<number, Axis>();
  const meanings = new Map<string, number[]>();
  axes.forEach((axis, i) => {
    if (i === modelColumn) return;
    const header = table.header[i] ?? "";
    if (!axis.dimension) {
      // `Context` is a limit; a column with dollars in it that names no known price is a problem, not a guess.
      if (table.rows.some((r) => holdsMoney(r.cells[i] ?? ""))) {
        result.problem(
          `column "${header}" holds dollar amounts but names no price this source knows (input, cached input, output per 1M tokens); not read`,
          where,
        );
      }
      return;
    }
    if (axis.tier && tier && axis.tier !== tier) {
      result.problem(`column "${header}" names the ${TIER_NAMES[axis.tier]} tier in a ${TIER_NAMES[tier]} table; not read`, where);
      return;
    }
    columns.set(i, axis);
    const meaning = `${axis.tier ?? tier ?? ""}|${axis.dimension}|${boundText(axis.bound)}`;
    meanings.set(meaning, [...(meanings.get(meaning) ?? []), i]);
  });
  for (const same of meanings.values()) {
    if (same.length < 2) continue;
    result.problem(`columns ${same.map((i) => `"${table.header[i]}"`).join(" and ")} name the same price; neither is read`, where);
    for (const i of same) columns.delete(i);
  }

  const models = new Set<string>();
  const cells: TokenCell[] = [];
  for (const row of table.rows) {
    const label = row.cells[modelColumn] ?? "";
    if (row.cells.every((c) => c === "")) continue;
    const { bound: rowBound, rest } = contextBoundIn(label);
    const id = apiIdIn(rest);
    if (!id) {
      result.untrackedModel(label, `${where}, row "${label}"`);
      continue;
    }
    const model = `${VENDOR}/${id}`;
    models.add(model);
    for (const [i, axis] of columns) {
      const bound = agreed([rowBound, axis.bound], (a, b) => boundText(a) === boundText(b));
      if (bound === "conflict") {
        result.problem(`the row says ${boundText(rowBound)} and column "${axis.text}" says ${boundText(axis.bound)}; not read`, `${where}, row "${label}"`);
        continue;
      }
      cells.push(tokenCell(model, axis.dimension!, axis.tier ?? tier, bound, axis.unit ?? tokenUnitIn(table.headings.at(-1) ?? ""), row, i, table, label));
    }
  }
  observeTokenCells(result, table, cells);
  return models;
}

function tokenCell(
  model: string,
  dimension: TokenDimension,
  tier: Tier | undefined,
  bound: ContextBound | undefined,
  unit: TokenUnit | undefined,
  row: TableRow,
  column: number,
  table: PageTable,
  label: string,
): TokenCell {
  const header = table.header[column] ?? "";
  return { model, dimension, tier, bound, unit, text: row.cells[column] ?? "", header, row: label, evidence: row.text };
}

/** Rows are models, a Cost column holds one price each with its unit: per image is read, per second passed over. */
function readPerUnitTable(result: ExtractionBuilder, table: PageTable, modelColumn: number, tier: Tier | undefined): void {
  const where = tableWhere(table);
  const priceColumns = table.header.flatMap((_, i) => (i !== modelColumn && table.rows.some((r) => holdsMoney(r.cells[i] ?? "")) ? [i] : []));
  for (const row of table.rows) {
    const label = row.cells[modelColumn] ?? "";
    if (row.cells.every((c) => c === "")) continue;
    const id = apiIdIn(label);
    if (!id) {
      if (priceColumns.some((i) => holdsMoney(row.cells[i] ?? ""))) result.untrackedModel(label, `${where}, row "${label}"`);
      continue;
    }
    for (const i of priceColumns) {
      const text = row.cells[i] ?? "";
      const at = `${where}, row "${label}", column "${table.header[i] ?? ""}"`;
      const price = readPriceCell(text, "image");
      if (price.kind === "usd") {
        const key = formatPriceKey({ tier, dimension: "image", condition: undefined });
        result.observe({ model: `${VENDOR}/${id}`, price: key, usd: price.usd, unit: "image", evidence: row.text }, at);
      } else if (price.kind === "free") {
        result.problem(`"${price.text}" is not a price in US dollars; not read (never as $0)`, at);
      } else if (price.kind === "bad" && !(parseMoneyCell(text).kind === "usd" && PASSED_OVER_UNIT.test(text))) {
        result.problem(`price not read: ${price.reason}`, at);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// One model's page

/** `**Model name:** \`grok-4.6\`` → `grok-4.6`; undefined on a page without that line; a page naming two fails. */
function modelNameOf(result: ExtractionBuilder, $: CheerioAPI): string | undefined {
  const named = new Set<string>();
  $("li, p, dd")
    .toArray()
    .forEach((el) => {
      const m = /^model name\s*:\s*(.+)$/i.exec(cleanText($(el).text()));
      if (m) named.add(m[1]!);
    });
  if (named.size === 0) return undefined;
  const [name] = named;
  const id = named.size === 1 ? apiIdIn(name!) : undefined;
  if (!id) {
    result.fail(`the page names its model as ${[...named].map((n) => `"${n}"`).join(" and ")}, not one xAI API id`, `"Model name:" line`);
    return undefined;
  }
  return id;
}

/** Rows are token prices (Input / Cached input / Output), columns the context sides, of the one model the page is about. */
function readModelPage(result: ExtractionBuilder, tables: readonly PageTable[], id: string): void {
  const model = `${VENDOR}/${id}`;
  let read = 0;
  for (const table of tables) {
    if (table.header.some(isModelHeader)) continue; // a comparison with other models: not this page's prices
    const labelled = table.rows.filter((r) => axisOf(r.cells[0] ?? "").dimension && r.cells.slice(1).some(holdsMoney));
    if (labelled.length === 0) continue; // rate limits, regions
    read++;
    const where = tableWhere(table);
    const all = table.header.map((_, i) => i).slice(1);
    if (refuseForeignCurrency(result, table, all)) return;
    if (refuseDatedTable(result, table)) continue;
    const tier = tableTier(result, table);
    if (tier === "conflict") continue;

    const columns = new Map<number, Axis>();
    for (const i of all) {
      const header = table.header[i] ?? "";
      const axis = axisOf(header);
      const names = axis.bound || axis.unit || axis.tier || isPlainPriceHeader(header);
      if (!axis.dimension && !axis.foreign && names) columns.set(i, axis);
      else if (table.rows.some((r) => holdsMoney(r.cells[i] ?? ""))) {
        result.problem(`column "${header}" holds dollar amounts but is not a context condition or price column this source knows; not read`, where);
      }
    }

    const cells: TokenCell[] = [];
    for (const row of table.rows) {
      const label = row.cells[0] ?? "";
      const rowAxis = axisOf(label);
      if (!rowAxis.dimension) {
        if ([...columns.keys()].some((i) => holdsMoney(row.cells[i] ?? ""))) {
          result.problem(`row "${label}" holds dollar amounts but names no price this source knows (input, cached input, output); not read`, `${where}, row "${label}"`);
        }
        continue;
      }
      for (const [i, axis] of columns) {
        const cellTier = agreed([tier, axis.tier, rowAxis.tier], (a, b) => a === b);
        const bound = agreed([rowAxis.bound, axis.bound], (a, b) => boundText(a) === boundText(b));
        if (cellTier === "conflict" || bound === "conflict") {
          result.problem(`row "${label}" and column "${axis.text}" disagree on the ${cellTier === "conflict" ? "tier" : "context condition"}; not read`, `${where}, row "${label}"`);
          continue;
        }
        const unit = axis.unit ?? rowAxis.unit ?? tokenUnitIn(table.headings.at(-1) ?? "");
        const cell = tokenCell(model, rowAxis.dimension, cellTier, bound, unit, row, i, table, label);
        cells.push({ ...cell, evidence: `${row.text} (column "${axis.text}")` });
      }
    }
    observeTokenCells(result, table, cells);
  }
  if (read === 0) {
    result.fail(`the page of ${id} has no token price table (rows Input / Cached input / Output): the layout changed`, `heading "Pricing"`);
  }
}
