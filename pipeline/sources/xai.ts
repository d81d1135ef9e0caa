import type { CheerioAPI } from "cheerio";
import { formatPriceKey, perUnitDimension, type Tier, type Unit } from "../../schemas/price-key.ts";
import { PASS_RULES } from "../extract/accounting.ts";
import { boundText, type ContextBound, contextBoundIn, contextSplitOf } from "../extract/context-bounds.ts";
import { announcesPrices, datesIn } from "../extract/dates.ts";
import { cleanText, loadDocument, type PageFormat } from "../extract/document.ts";
import { amountSegmentsIn, parseMoneyCell, readPriceCell } from "../extract/money.ts";
import { multipliersIn } from "../extract/multipliers.ts";
import { TIER_NAMES, type TokenDimension, tierLabel, tierNamedIn, tokenDimensionIn } from "../extract/price-labels.ts";
import { type PageTable, readTables, type TableRow } from "../extract/tables.ts";
import type { Extraction } from "../../schemas/observation.ts";
import { billedUnitIn, perUnit } from "../extract/units.ts";
import { combineDocuments, type DocumentExtraction, ExtractionBuilder, extractWith, type PricingSource } from "./source.ts";

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
 *     ### Imagine Pricing                          ### Voice Pricing
 *     | Model | Cost |                             | Mode | Cost |
 *     | grok-imagine-image-2.0 | $0.04 / image |     | Speech to Speech (grok-voice-think-fast-2.0) | $0.08 / min ($4.80 / hr) audio<br>$0.004 / text input |
 *     | grok-imagine-video | $0.050 / sec |         | Speech to Text | $0.10 / hr (REST), $0.20 / hr (Streaming) |
 *                                                  | Text to Speech | $15.00 / 1M chars |
 *
 *   Each amount of a Cost cell is read in the unit written after it (`billedUnitIn`): per image → `image`;
 *   per second of a video model → `video_per_second`; per minute or hour of speech to speech → `audio_per_minute`;
 *   of speech to text → `transcription_per_hour`; per 1M characters of text to speech → `input_per_1m_characters`.
 *   A resolution the row or the amount names (`(720p)`) is the key's variant (`video_per_second:720p`); a bracketed
 *   way of calling is a condition (`(Streaming)` → `@streaming`; `(REST)` is the plain key). Traps: "($4.80 / hr)"
 *   restates the per-minute price (checked, not read twice); "$0.004 / text input" is per a unit no key holds
 *   (passed over by name); the Speech to Text and Text to Speech rows name no API id, so they are listed as
 *   untracked, never keyed to a model by likeness. A price in a unit no key holds, or whose row does not say what
 *   it buys, is reported.
 *
 *   Tool calls (per 1k calls), file and collection storage and downloads are passed over as `tool-fees`, the
 *   usage-guidelines fee as `not-a-model-price`; any other table of dollars without a Model column is reported.
 *   The Batch API ("**20% off standard rates**" over a list of models) and Priority Processing (a comparison
 *   table: "**2x** standard rates") state multipliers, not prices: each is recorded as a multiplier (`batch` 0.8
 *   for the listed models, `priority` 2 for every model of the text table) with the page's words, and no `batch/`
 *   or `priority/` price is computed from them. A table under a heading that is a tier's name ("Batch API
 *   Pricing") that does carry dollar prices per model would be read under that tier; one of a tier xAI has
 *   never had (Flex) is reported, not read as the standard price. A heading or note above a table that gives a
 *   day or announces prices ("Upcoming pricing (effective October 1, 2026)") is reported and the table not read:
 *   xAI has never dated a price, so which hold today is not guessed.
 *
 *   Tables that price what the catalog does not track are said, never skipped: a table of models "available
 *   exclusively through <a partner>" (a Grok 4.7 Fast table) lists its models as untracked and passes its amounts
 *   over; a regional table ("US Regional Pricing": "billed at 1.1× standard rates") is recorded as the multiplier
 *   `region_us` (or `regional`) of each model it lists once every amount agrees with the standard price × the
 *   factor, and is reported otherwise or when it states no factor. Neither is ever read as the standard price.
 *
 * - a model's page, docs.x.ai/developers/models/<id>.md, with `**Model name:** \`grok-4.6\`` and
 *
 *     ## Pricing
 *     | Type | < 200k prompt tokens (per 1M tokens) | ≥ 200k prompt tokens (per 1M tokens) |
 *     | Input | $2.00 | $4.00 |   (rows Input / Cached input / Output; the columns are the two context sides)
 *
 *   Pages of about 2026-09 add "[Batch API](…) requests are billed at a 20% discount to standard rates." (the
 *   multiplier `batch` 0.8 of the page's model) or "**Batch API:** Not supported" (no multiplier; both at once is
 *   reported), and "**Aliases:** `grok-code-fast-1`, …": a catalog entry kept under an alias the page lists gets
 *   the page's prices in `combine`, never one whose id merely looks alike.
 *
 * The older docs.x.ai/docs/models page (2025) has a `## Model Pricing` heading with nothing under it: its
 * per-model table was drawn by scripts and is absent from the served text, while its tool prices are there.
 * Such a page fails, saying so; a tool price is never passed off as a model price. So does a page that
 * prices fewer than three grok models in a text table, or states or shows prices in another currency.
 *
 * Why one module past 300 lines: the three kinds of page share every reading (token cells, context sides,
 * tiers, currencies, multipliers in prose), and the per-unit, partner and regional readings are small parts of
 * the same page's walk. Splitting them would scatter one page's description across files.
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
  combine(documents, catalog) {
    const combined = documents.length === 1 ? documents[0]!.extraction : combineDocuments(SOURCE_ID, documents);
    return withAliases(combined, documents, catalog);
  },
};

/**
 * A model page lists the ids that call the same model (`**Aliases:** \`grok-code-fast-1\`, \`grok-code-fast\`` on
 * grok-build-0.1's page). A catalog entry kept under one of those ids gets the prices and multipliers read for the
 * page's model, with evidence naming the page that says so. Only an alias the page lists is followed: an id that
 * merely looks like another (grok-code-fast-2) is never mapped.
 */
function withAliases(combined: Extraction, documents: readonly DocumentExtraction[], catalog: ReadonlyMap<string, unknown>): Extraction {
  if (combined.status === "failed") return combined;
  const observations = [...combined.observations];
  const multipliers = [...(combined.multipliers ?? [])];
  for (const { body, format, extraction } of documents) {
    const page = modelPageNames(loadDocument(body, format));
    if (!page) continue;
    const model = `${VENDOR}/${page.id}`;
    for (const alias of page.aliases) {
      const id = `${VENDOR}/${alias}`;
      if (id === model || !catalog.has(id)) continue;
      const via = `(the page of ${page.id} lists ${alias} as its alias)`;
      for (const o of extraction.observations) if (o.model === model) observations.push({ ...o, model: id, evidence: `${o.evidence ?? ""} ${via}`.trim() });
      for (const m of extraction.multipliers ?? []) if (m.model === model) multipliers.push({ ...m, model: id });
    }
  }
  return { ...combined, observations, ...(multipliers.length > 0 ? { multipliers } : {}) };
}

/** A model page's `Model name:` id and its `Aliases:` ids; undefined on any other page. */
function modelPageNames($: CheerioAPI): { id: string; aliases: string[] } | undefined {
  const lines = $("li, p, dd").toArray().map((el) => cleanText($(el).text()));
  const names = lines.flatMap((l) => /^model name\s*:\s*(.+)$/i.exec(l)?.[1] ?? []);
  const id = names.length === 1 ? apiIdIn(names[0]!) : undefined;
  if (!id) return undefined;
  const aliases = lines
    .flatMap((l) => /^aliases?\s*:\s*(.+)$/i.exec(l)?.[1]?.split(",") ?? [])
    .map((a) => apiIdIn(a))
    .filter((a): a is string => a !== undefined);
  return { id, aliases };
}

function readXaiPage(result: ExtractionBuilder, $: CheerioAPI): void {
  if (refuseStatedCurrency(result, $)) return;
  const tables = readTables($);
  const modelName = modelNameOf(result, $);
  if (result.failed) return;
  if (modelName) readModelPage(result, $, tables, modelName);
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
  const regional: { table: PageTable; region: Region; modelColumn: number; axes: Axis[] }[] = [];
  for (const table of tables) {
    const modelColumn = table.header.findIndex(isModelHeader);
    if (modelColumn < 0) {
      // Voice modes, tools, storage; the batch and priority comparisons hold no dollars.
      if (table.rows.some((r) => r.cells.some(holdsMoney))) readTableWithoutModels(result, table);
      continue;
    }
    const axes = table.header.map(axisOf);
    const others = axes.flatMap((_, i) => (i === modelColumn ? [] : [i]));
    const tokenColumns = others.filter((i) => axes[i]!.dimension !== undefined);
    if (refuseForeignCurrency(result, table, others)) return;
    if (refuseDatedTable(result, table)) continue;
    const tier = tableTier(result, table);
    if (tier === "conflict") continue;
    if (passOverPartnerTable(result, table, modelColumn)) continue;
    const region = regionOf(table);
    if (region && tokenColumns.length > 0) {
      regional.push({ table, region, modelColumn, axes });
      continue;
    }
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
    return;
  }
  for (const r of regional) checkRegionalTable(result, r.table, r.region, r.modelColumn, r.axes);
  readStatedMultipliers(result, $, [...standardModels]);
  passOverFeesInProse(result, $);
}

// ---------------------------------------------------------------------------------------------------
// Tables that are not the standard model prices: fees, partners, regions

/** Tools (per 1k calls), file and collection storage and downloads: fees, not a model's prices. */
const FEE_TABLE = /\b(?:tools?|storage|downloads?|files?|collections?|resources?)\b/i;

/** A row label column of a per-unit table without a Model column: `Mode | Cost` (Voice). */
const isModeHeader = (header: string) => /^(?:modes?|types?|endpoints?|products?|services?)$/i.test(cleanText(header));

function readTableWithoutModels(result: ExtractionBuilder, table: PageTable): void {
  const heading = table.headings.at(-1) ?? "";
  if (FEE_TABLE.test(table.header[0] ?? "") || FEE_TABLE.test(heading)) {
    for (const row of table.rows) result.passOver("tool-fees", row.text);
    return;
  }
  if (isModeHeader(table.header[0] ?? "") && table.header.slice(1).some(isPlainPriceHeader)) {
    readPerUnitTable(result, table, 0, undefined);
    return;
  }
  result.problem(`a table of dollar amounts this source does not know (${table.header.map((h) => `"${h}"`).join(" | ")}); not read`, tableWhere(table));
}

/**
 * A table of models sold through a partner ("Grok 4.7 Fast is available exclusively through OpenRouter"): not
 * xAI's API prices. Its models are listed as untracked and its amounts passed over, saying whose they are.
 */
const PARTNER = /\bpartners?\b|\b(?:exclusively|only)\s+(?:through|via|on|from)\b|\b(?:sold|offered|available)\s+(?:through|via)\s+(?!(?:the\s+)?(?:xAI|our)\b)[A-Z]/;

function passOverPartnerTable(result: ExtractionBuilder, table: PageTable, modelColumn: number): boolean {
  const said = [table.headings.at(-1) ?? "", ...table.preface].find((t) => PARTNER.test(t));
  if (said === undefined) return false;
  for (const row of table.rows) {
    const label = row.cells[modelColumn] ?? "";
    if (!label) continue;
    result.untrackedModel(label, `${tableWhere(table)}, row "${label}": sold through a partner ("${said}")`);
    result.passOver("untracked-model", row.text, `${PARTNER_WHY} ("${said}")`);
  }
  return true;
}

const PARTNER_WHY = "a model sold through a partner, not at xAI's API prices (listed as untracked)";

/** The region a table's heading or note names, as a multiplier name: `region_us`, `region_eu`, or `regional`. */
type Region = { name: string; said: string };

function regionOf(table: PageTable): Region | undefined {
  for (const text of [table.headings.at(-1) ?? "", ...table.preface]) {
    if (!/\bregion(?:al|s)?\b|\bdata residency\b|\b[a-z]{2}-[a-z]+-\d\b/i.test(text)) continue;
    const code = /\b(US|EU|UK)\b|\b(us|eu)-[a-z]+-\d\b/.exec(text);
    const place = (code?.[1] ?? code?.[2])?.toLowerCase();
    return { name: place ? `region_${place}` : "regional", said: text };
  }
  return undefined;
}

/**
 * A regional table ("US Regional Pricing": requests to US regions "are billed at 1.1× standard rates") is not
 * the standard price. The factor its heading or note states is recorded as a multiplier of each model it lists,
 * and its amounts are passed over as derived, once each agrees with the standard price × factor to the digits it
 * is written in. No factor stated, or an amount that does not agree: reported, and its amounts stay unread.
 */
function checkRegionalTable(result: ExtractionBuilder, table: PageTable, region: Region, modelColumn: number, axes: Axis[]): void {
  const where = tableWhere(table);
  const statements = [table.headings.at(-1) ?? "", ...table.preface].flatMap(sentencesOf);
  const stated = statements.flatMap((sentence) => multipliersIn(sentence).filter((m) => !m.dimension).map((m) => ({ ...m, sentence })));
  const factors = [...new Set(stated.map((m) => m.factor))];
  if (factors.length !== 1) {
    result.problem(
      factors.length === 0
        ? `a table of regional prices ("${region.said}") that states no multiplier of the standard prices: not read (it is not the standard price)`
        : `a table of regional prices states several multipliers (${factors.map((f) => `${f}×`).join(", ")}); not read`,
      where,
    );
    return;
  }
  const factor = factors[0]!;
  const scratch = new ExtractionBuilder(SOURCE_ID);
  readTextTable(scratch, table, modelColumn, axes, undefined);
  for (const p of scratch.problems) result.problem(p.message, p.where);
  const byModel = new Map<string, typeof scratch.observations>();
  for (const o of scratch.observations) byModel.set(o.model, [...(byModel.get(o.model) ?? []), o]);
  for (const [model, prices] of byModel) {
    const disagree = prices.filter((o) => {
      const standard = result.observations.find((s) => s.model === model && s.price === o.price && !s.effectiveFrom);
      return standard === undefined || !agreesTo(o.usd, standard.usd * factor);
    });
    if (disagree.length > 0) {
      result.problem(
        `${model}: the ${region.name} price${disagree.length > 1 ? "s" : ""} ${disagree.map((o) => `${o.price} $${o.usd}`).join(", ")} ${disagree.length > 1 ? "are" : "is"} not ${factor}× a standard price the page states; not read`,
        where,
      );
      continue;
    }
    result.multiplier({ model, name: region.name, factor, sentence: stated[0]!.sentence }, where);
    for (const o of prices) result.passOver("derived-by-multiplier", `$${o.usd}`, `${PASS_RULES["derived-by-multiplier"]} (${region.name} ${factor}×)`);
  }
}

/** `written` equals `exact` rounded to the decimals `written` shows (1.375 = 1.25 × 1.1; 0.22 ≈ 0.2 × 1.1). */
function agreesTo(written: number, exact: number): boolean {
  const decimals = (String(written).split(".")[1] ?? "").length;
  return Math.abs(written - exact) <= 0.5 * 10 ** -decimals + 1e-12;
}

function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[A-Z[(*])/).map((t) => t.trim()).filter(Boolean);
}

// ---------------------------------------------------------------------------------------------------
// Multipliers in prose, and fees in prose

/**
 * The Batch and Priority sections state multipliers, not prices: "**20% off standard rates**" over a list of
 * the models it applies to; a comparison table whose Priority column says "**2x** standard rates". A factor
 * stated over a list of API ids is recorded for each of them; one stated for the tier alone, for every model of
 * the text table (Priority is for text requests: "not supported for image generation, video generation").
 * A sentence elsewhere that names a tier and one factor counts the same. No price is derived from them.
 */
function readStatedMultipliers(result: ExtractionBuilder, $: CheerioAPI, textModels: readonly string[]): void {
  for (const statement of tierStatements($)) {
    const factors = [...new Set(multipliersIn(statement.text).filter((m) => !m.dimension).map((m) => m.factor))];
    if (factors.length === 0) continue;
    if (factors.length > 1) {
      result.problem(`"${statement.text}" states several ${TIER_NAMES[statement.tier]} multipliers (${factors.join("×, ")}×); none is read`, statement.where);
      continue;
    }
    const models = statement.models ?? textModels;
    for (const model of models) result.multiplier({ model, name: statement.tier, factor: factors[0]!, sentence: statement.text }, statement.where);
  }
}

interface TierStatement {
  tier: Tier;
  text: string;
  /** The models listed right under it, when it heads a list of API ids. */
  models: string[] | undefined;
  where: string;
}

/** Paragraphs and table cells of the sections headed by a tier's name, and sentences elsewhere that name a tier. */
function tierStatements($: CheerioAPI): TierStatement[] {
  const out: TierStatement[] = [];
  let sectionTier: Tier | undefined;
  let sectionLevel = 7;
  let heading = "(no heading)";
  $.root()
    .find("h1,h2,h3,h4,h5,h6,p,li,table")
    .toArray()
    .forEach((el) => {
      const tag = el.tagName.toLowerCase();
      const level = Number(/^h([1-6])$/.exec(tag)?.[1] ?? 0);
      if (level > 0) {
        heading = cleanText($(el).text());
        const named = tierLabel(heading.replace(/\s+pricing$/i, "")) ?? tierLabel(heading);
        if (named && named !== "standard" && XAI_TIERS.has(named)) {
          sectionTier = named;
          sectionLevel = level;
        } else if (level <= sectionLevel) {
          sectionTier = undefined;
          sectionLevel = 7;
        }
        return;
      }
      const where = `under "${heading}"`;
      if (tag === "table") {
        if (!sectionTier) return;
        const tier = sectionTier;
        const rows = $(el).find("tr").toArray().map((tr) => $(tr).find("th,td").toArray().map((c) => cleanText($(c).text())));
        const header = rows[0] ?? [];
        const column = header.findIndex((h) => tierLabel(h) === tier);
        if (column < 0) return;
        for (const row of rows.slice(1)) {
          if (row[column]) out.push({ tier, text: `${header[column]}: ${row[column]}`, models: undefined, where: `${where}, table row "${row[0] ?? ""}"` });
        }
        return;
      }
      if ($(el).closest("table").length > 0) return;
      const next = $(el).next();
      const listed = next.is("ul,ol")
        ? next
            .children("li")
            .toArray()
            .map((li) => apiIdIn(cleanText($(li).text())))
        : [];
      const models = listed.length > 0 && listed.every(Boolean) ? listed.map((id) => `${VENDOR}/${id}`) : undefined;
      for (const sentence of sentencesOf(cleanText($(el).text()))) {
        const tier = named(tierNamedIn(sentence)) ?? sectionTier;
        if (tier) out.push({ tier, text: sentence, models, where });
      }
    });
  return out;
}

const named = (tier: Tier | undefined): Tier | undefined => (tier && XAI_TIERS.has(tier) ? tier : undefined);

/** "we will charge a $0.05 usage guideline violation fee per request": a fee in prose, not a model's price. */
function passOverFeesInProse(result: ExtractionBuilder, $: CheerioAPI): void {
  $("p, li").each((_, el) => {
    if ($(el).closest("table").length > 0) return;
    const text = cleanText($(el).text());
    if (!holdsMoney(text)) return;
    if (/\bfees?\b|\bviolation\b/i.test(text)) result.passOver("not-a-model-price", text);
    else if (FEE_TABLE.test(text)) result.passOver("tool-fees", text);
  });
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

/**
 * Rows are models (Imagine: `grok-imagine-video | $0.050 / sec`) or modes naming one (Voice: `Speech to Speech
 * (grok-voice-think-fast-2.0) | $0.08 / min ($4.80 / hr) audio<br>$0.004 / text input`); a Cost column holds each
 * row's prices with their units. Every amount of a row is read (`unitPricesIn`), passed over with its reason, or
 * reported. A row that names no API id (`Speech to Text`, `Text to Speech`) is listed as untracked, never keyed to
 * a model by likeness.
 */
function readPerUnitTable(result: ExtractionBuilder, table: PageTable, labelColumn: number, tier: Tier | undefined): void {
  const where = tableWhere(table);
  const priceColumns = table.header.flatMap((_, i) => (i !== labelColumn && table.rows.some((r) => holdsMoney(r.cells[i] ?? "")) ? [i] : []));
  for (const row of table.rows) {
    const label = row.cells[labelColumn] ?? "";
    if (row.cells.every((c) => c === "")) continue;
    const priced = priceColumns.filter((i) => holdsMoney(row.cells[i] ?? ""));
    const id = apiIdIn(label) ?? apiIdNamedIn(label);
    if (!id) {
      if (priced.length === 0) continue;
      result.untrackedModel(label, `${where}, row "${label}"`);
      for (const i of priced) result.passOver("untracked-model", row.cells[i] ?? "", `${PASS_RULES["untracked-model"]}: the row names no API id`);
      continue;
    }
    // Other cells of the row that name a resolution split the row's prices by it (`| grok-imagine-video | 720p | $0.07 / sec |`).
    const variant = table.header.flatMap((_, i) => (i === labelColumn || priceColumns.includes(i) ? [] : [resolutionIn(row.cells[i] ?? "")])).find(Boolean);
    for (const i of priced) {
      const text = row.cells[i] ?? "";
      const at = `${where}, row "${label}", column "${table.header[i] ?? ""}"`;
      const read = unitPricesIn(text, label, variant ?? resolutionIn(label));
      for (const reason of read.problems) result.problem(reason, at);
      for (const restated of read.restated) result.accountRead(restated);
      for (const other of read.otherUnits) result.passOver("unit-not-tracked", other, `${PASS_RULES["unit-not-tracked"]} (${JSON.stringify(other.trim())})`);
      const keys = new Map<string, UnitPrice[]>();
      for (const p of read.prices) keys.set(p.key, [...(keys.get(p.key) ?? []), p]);
      for (const [key, same] of keys) {
        if (new Set(same.map((p) => p.usd)).size > 1) {
          result.problem(`the cell gives ${key} twice (${same.map((p) => `$${p.usd}`).join(" and ")}); not read`, at);
          continue;
        }
        const p = same[0]!;
        const price = tier ? `${tier}/${key}` : key;
        result.observe({ model: `${VENDOR}/${id}`, price, usd: p.usd, unit: p.unit, evidence: row.text }, at);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Prices per image, second, minute, hour and 1M characters

/** A row label naming an API id in brackets: `Speech to Speech (grok-voice-think-fast-2.0) — Deprecated`. */
function apiIdNamedIn(label: string): string | undefined {
  const ids = [...label.replace(/`/g, "").matchAll(/\(\s*(grok-[a-z0-9][a-z0-9._-]*)\s*\)/g)].map((m) => m[1]!);
  return ids.length === 1 && API_ID.test(ids[0]!) ? ids[0] : undefined;
}

/** `480p`, `1080p`, `1k`, `1.5k` standing alone or in brackets → a key variant (`720p`, `1_5k`); undefined for none or several. */
function resolutionIn(text: string): string | undefined {
  const found = [...text.matchAll(/(?:^|[\s(,])(\d{3,4}p|\d+(?:\.\d+)?\s?k)(?=$|[\s),])/gi)].map((m) => m[1]!.replace(/\s/g, "").toLowerCase().replace(".", "_"));
  return new Set(found).size === 1 ? found[0] : undefined;
}

/**
 * What a price buys, by the words of its row (label or model id) and its unit: seconds of video, minutes or
 * hours of a voice session (`audio`), of transcription, characters of text in to speech (`input`), images.
 * Undefined when the words do not say: such a price is reported, not keyed by guess.
 */
function whatIsPriced(label: string, unit: Unit): string | undefined {
  if (unit === "image") return "image";
  const time = unit === "second" || unit === "minute" || unit === "hour";
  if (time && /\bvideo\b/i.test(label)) return "video";
  if (time && /\bspeech[ -]to[ -]text\b|\btranscri(?:be|bed|ption)\b|\bSTT\b/i.test(label)) return "transcription";
  if (time && /\bspeech[ -]to[ -]speech\b|\bvoice\b|\brealtime\b/i.test(label)) return "audio";
  if (unit === "1M characters" && /\btext[ -]to[ -]speech\b|\bTTS\b/i.test(label)) return "input";
  return undefined;
}

/** Seconds in a unit of time, to check that `$0.08 / min ($4.80 / hr)` restates one price. */
const SECONDS: Partial<Record<Unit, number>> = { second: 1, minute: 60, hour: 3600 };

/**
 * A bracketed word after a price that names the way it is called (`(REST)`, `(Streaming)`): the ordinary
 * request is the plain key, any other way a condition (`@streaming`).
 */
const ORDINARY_CALL = /^(?:rest|http|https|standard|non[- ]?streaming|file|files|sync|synchronous)$/i;

/**
 * Units xAI bills in that no price key holds, known by name: "$0.004 / text input" (each text message sent into a
 * voice session). Passed over as such; any other unit is reported.
 */
const NOT_A_KEY_UNIT = /^\s*(?:\/|per)\s*text\s+inputs?\b/i;

interface UnitPrice {
  key: string;
  usd: number;
  unit: Unit;
}

/**
 * Every amount of one cell that prices in some unit, each with the words after it: its unit (`billedUnitIn`,
 * scaled to the key's), a bracketed resolution (variant) or way of calling (condition), and whether it is a
 * bracketed restatement of the amount before it in another unit of time (`($4.80 / hr)`: checked, not read twice).
 * An amount per a unit no key holds (`$0.004 / text input`) is returned in `otherUnits`, to be passed over.
 */
function unitPricesIn(cell: string, label: string, rowVariant: string | undefined) {
  const prices: UnitPrice[] = [];
  const restated: string[] = [];
  const otherUnits: string[] = [];
  const problems: string[] = [];
  const segments = amountSegmentsIn(cell.replace(/\\\$/g, "$"));
  let previous: UnitPrice | undefined;
  segments.forEach((segment, i) => {
    const written = `$${segment.written}${segment.tail}`.trim();
    if (segment.usd === undefined) {
      problems.push(`"${written}" is not an amount; not read`);
      return;
    }
    const billed = billedUnitIn(segment.tail);
    const bracketed = i > 0 && /\(\s*$/.test(segments[i - 1]!.tail);
    if (!billed) {
      if (NOT_A_KEY_UNIT.test(segment.tail)) otherUnits.push(written);
      else problems.push(`"${written}" is not a price per image, second, minute, hour or 1M characters; not read`);
      return;
    }
    if (bracketed && previous) {
      const a = SECONDS[previous.unit];
      const b = SECONDS[billed.unit];
      const agrees = a !== undefined && b !== undefined && Math.abs(segment.usd / b - previous.usd / a) <= 1e-9 * Math.max(1, segment.usd);
      if (agrees) restated.push(written);
      else problems.push(`"${written}" does not restate the $${previous.usd} per ${previous.unit} before it; not read`);
      return;
    }
    const what = whatIsPriced(label, billed.unit);
    if (!what) {
      problems.push(`"${written}" is per ${billed.unit}, but the row ("${label}") does not say what that buys; not read`);
      return;
    }
    const words = [...segment.tail.matchAll(/\(([^()$]*)\)/g)].map((m) => m[1]!.trim()).filter(Boolean);
    const variants = [...new Set(words.map(resolutionIn).filter((v): v is string => v !== undefined))];
    const modes = words.filter((w) => resolutionIn(w) === undefined);
    const variant = variants.length === 1 ? variants[0] : rowVariant;
    if (variants.length > 1 || modes.length > 1) {
      problems.push(`"${written}" names several resolutions or ways of calling; not read`);
      return;
    }
    const mode = modes[0];
    const condition = mode === undefined || ORDINARY_CALL.test(mode) ? undefined : mode.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
    if (condition !== undefined && !/^[a-z][a-z0-9_]*$/.test(condition)) {
      problems.push(`"${written}": "(${mode})" is not a condition this source can key; not read`);
      return;
    }
    const dimension = what === "image" ? (variant ? `image:${variant}` : "image") : perUnitDimension(what, billed.unit, variant)!;
    previous = { key: formatPriceKey({ tier: undefined, dimension, condition }), usd: perUnit(segment.usd, billed), unit: billed.unit };
    prices.push(previous);
  });
  return { prices, restated, otherUnits, problems };
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
function readModelPage(result: ExtractionBuilder, $: CheerioAPI, tables: readonly PageTable[], id: string): void {
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
    return;
  }
  // "Batch API requests are billed at a 20% discount to standard rates." → batch 0.8 for this model;
  // "**Batch API:** Not supported" → none (and a factor stated beside it is a contradiction, reported).
  readStatedMultipliers(result, $, [model]);
  const unsupported = $("li, p")
    .toArray()
    .map((el) => cleanText($(el).text()))
    .filter((t) => /^(batch|priority)(?:\s+(?:api|processing))?\s*:\s*not\s+(?:supported|available)\b/i.test(t));
  for (const line of unsupported) {
    const tier = tierNamedIn(line);
    const stated = result.multipliers.find((m) => m.model === model && m.name === tier);
    if (stated) result.problem(`the page says "${line}" and also "${stated.sentence}"; the ${tier} multiplier is not read`, `"${line}" line`);
    if (stated) result.multipliers.splice(result.multipliers.indexOf(stated), 1);
  }
}
