import { type AnyNode, type Element, isTag } from "domhandler";
import { type Announcement, announcementIn, announcesPrices, datesIn } from "../extract/dates.ts";
import { contextConditionIn } from "../extract/context-conditions.ts";
import { cleanText, loadDocument, markFootnotesInMarkup, type PageFormat, stripFrontMatter } from "../extract/document.ts";
import { isNoPrice, parseMoneyCell, perMillionTokens } from "../extract/money.ts";
import { multipliersIn } from "../extract/multipliers.ts";
import { tokenDimensionIn } from "../extract/price-labels.ts";
import { type PageTable, readTables } from "../extract/tables.ts";
import { ExtractionBuilder, extractWith, type PricingSource } from "./source.ts";

/**
 * DeepSeek's "Models & Pricing" page (api-docs.deepseek.com/quick_start/pricing).
 *
 * The live page is Docusaurus static HTML with ONE table, models as columns:
 *
 *   MODEL   (colspan)               | deepseek-v4-flash | deepseek-v4-pro
 *   PRICING | 1M INPUT TOKENS (CACHE HIT)  | $0.0028 | $0.003625      ← PRICING is a rowspan cell
 *           | 1M INPUT TOKENS (CACHE MISS) | $0.14   | $0.435
 *           | 1M OUTPUT TOKENS             | $0.28   | $0.87
 *
 * A price written once for several models is a colspan cell. Copies of the page come in other shapes,
 * and this module reads them all through one grid model (rows of cells) plus per-shape alignment rules:
 *
 * - `html`: rowspan/colspan expanded by `readTables`, so cells sit at exact column positions and a price
 *   must sit exactly under its model.
 * - `pipe`: a markdown pipe table whose rows have uneven cell counts (the converter drops the empty
 *   cells a rowspan leaves, so `| 1M INPUT TOKENS (CACHE MISS) | $0.14 | $0.435 |` has one cell less
 *   than the MODEL row). The price cells follow the labels and must be exactly as many as the model
 *   columns; otherwise the row is reported, never shifted. markdown-it pads short rows with empty
 *   cells and drops extra ones, which loses exactly that information, so pipe tables are split here.
 * - `text`: a `|`-separated pseudo-table inside `**…**` (no leading pipes), where a merged cell is
 *   written once: a single price cell covers every model column, provided every price row of that
 *   table is written that way (otherwise a one-cell row is ambiguous and reported).
 *
 * - a reader view's copy (Firecrawl-like, late August 2026) that sets every row of the pipe table in bold one
 *   by one (`**| PEAK | $0.44 | $1.32 | $0.44 |**`), `<br>` kept in the cells: the bold around a whole pipe
 *   row is dropped and the table read as a pipe table.
 *
 * From late August 2026 the table has three model columns (deepseek-v4-flash, -pro, -flash-vision-exp) and
 * every price label spans an OFF-PEAK and a PEAK row (`| 1M INPUT TOKENS (CACHE HIT) | OFF-PEAK | $0.007 |…`
 * then `| PEAK | $0.014 |…`, the label dropped in markdown copies and inherited from the row above). Its
 * "Concurrency Limit(3) | 2500 | 500 | 2500" row is no price. The footnote "Off-peak rates are half of the
 * peak rates." is recorded as the multiplier `off_peak` 0.5 when the prices read agree with it (the prices
 * are read either way; a multiplier announced for a later day is not recorded, it carries no date).
 *
 * Each price's evidence is its own quote: the header of its column, a label inherited from a merged cell
 * above, then its row (`deepseek-v4-pro › 1M INPUT TOKENS (CACHE HIT) › | PEAK | $0.014 | $0.044 | $0.014 |`).
 *
 * A second table with the models as rows and prices per dimension as columns (`MODEL | | 1M INPUT
 * TOKENS (CACHE HIT) | …`, rows `deepseek-v4-flash | OFF-PEAK | …` then `PEAK | …` with the model cell
 * merged) is read too. Prices in a table whose preceding text announces them for a later day ("The new
 * prices take effect at 16:00 UTC on August 16, 2026, as follows:") carry `effectiveFrom`.
 */

const SOURCE_ID = "deepseek-pricing";
const VENDOR = "deepseek";

/** Fewer distinct `deepseek-…` models than this on the page means the layout changed. */
const MIN_KNOWN_MODELS = 2;

type Dimension = "cached_input" | "input" | "output";
type Condition = "peak" | "off_peak";

/** The labels the page writes for each dimension, for problem messages. */
const DIMENSION_LABEL: Record<Dimension, string> = {
  cached_input: "1M INPUT TOKENS (CACHE HIT)",
  input: "1M INPUT TOKENS (CACHE MISS)",
  output: "1M OUTPUT TOKENS",
};
const REQUIRED_DIMENSIONS: Dimension[] = ["cached_input", "input", "output"];
/** The unit every price label names ("1M INPUT TOKENS (CACHE HIT)"), so cells that state none are in it. */
const LABEL_UNIT = "per 1M tokens";

/** API ids as the page writes them in the MODEL row: lower case, `deepseek-…`. */
const MODEL_ID = /^deepseek-[a-z0-9][a-z0-9._-]*$/;

// ---------------------------------------------------------------------------------------------------
// Grids: every table of the page, whatever it was written as.

type GridKind = "html" | "pipe" | "text";

interface GridRow {
  cells: string[];
  /** The row as written on the page (the markdown line, or the cells joined), kept as evidence. */
  evidence: string;
}

interface Grid {
  /** 1-based, in page order: "table 2". */
  number: number;
  kind: GridKind;
  rows: GridRow[];
  /** Text that may date the table, closest first: the text block just above it, then its heading. */
  context: string[];
}

interface Page {
  grids: Grid[];
  /** Every prose block of the page (not table cells), for announcements not tied to a table. */
  prose: string[];
}

function readHtmlPage(body: string): Page {
  const $ = loadDocument(body, "html");
  const grids = readTables($).map((t) => gridOfTable(t, t.index + 1, [t.preface.at(-1), t.headings.at(-1)]));
  const prose: string[] = [];
  // Leaf blocks outside tables, told by looking at the nodes: `closest("table")` and `children("p, li, div, table")`
  // compiled their selectors once per element of the page.
  $("p, li, div, span")
    .filter((_, el) => !inTable(el) && !el.children.some((c) => isTag(c) && BLOCK_CHILDREN.has(c.name)))
    .each((_, el) => {
      const text = cleanText($(el).text());
      if (text) prose.push(text);
    });
  return { grids, prose };
}

const BLOCK_CHILDREN = new Set(["p", "li", "div", "table"]);

/** The element or one of its element ancestors is a `<table>` (where `$(el).closest("table")` looks). */
function inTable(el: Element): boolean {
  for (let node: AnyNode | null = el; node && isTag(node); node = node.parent) if (node.name === "table") return true;
  return false;
}

function gridOfTable(t: PageTable, number: number, context: (string | undefined)[]): Grid {
  const rows = [t.header, ...t.rows.map((r) => r.cells)]
    .filter((cells) => cells.some((c) => c !== ""))
    .map((cells) => ({ cells, evidence: cells.join(" | ") }));
  return { number, kind: "html", rows, context: context.filter((c): c is string => !!c) };
}

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const DELIMITER_ROW = /^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;

/** `**| MODEL | deepseek-v4-flash |**`: a reader view that set every row of a pipe table in bold, one by one. */
const BOLD_PIPE_ROW = /^\s*\*\*\s*(\|.*\|)\s*\*\*\s*$/;

function readMarkdownPage(body: string): Page {
  const lines = stripFrontMatter(body)
    .split(/\r?\n/)
    .map((line) => line.replace(BOLD_PIPE_ROW, "$1"));
  const grids: Grid[] = [];
  const prose: string[] = [];
  let preface: string[] = [];
  let heading: string | undefined;
  const context = () => [preface.at(-1), heading].filter((c): c is string => !!c);
  const addProse = (text: string) => {
    const t = markdownText(text);
    if (t) {
      preface.push(t);
      prose.push(t);
    }
  };
  const addGrid = (kind: GridKind, rows: GridRow[], ctx: string[]) => {
    grids.push({ number: grids.length + 1, kind, rows, context: ctx });
    preface = [];
  };

  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === "" || THEMATIC_BREAK.test(line)) {
      i++;
      continue;
    }
    // Raw HTML tables inside markdown: read them as HTML, with their merged cells.
    if (/<table\b/i.test(line)) {
      let j = i;
      while (j < lines.length - 1 && !/<\/table>/i.test(lines[j]!)) j++;
      const chunk = lines.slice(i, j + 1).join("\n");
      const ctx = context();
      for (const t of readTables(loadDocument(chunk, "html"))) {
        addGrid("html", gridOfTable(t, 0, []).rows, ctx);
      }
      i = j + 1;
      continue;
    }
    const h = HEADING.exec(line);
    if (h) {
      heading = markdownText(h[2] ?? "");
      preface = [];
      i++;
      continue;
    }
    // A block: consecutive non-blank lines, up to a heading or a raw HTML table.
    const block: string[] = [];
    let j = i;
    while (j < lines.length && lines[j]!.trim() !== "" && (j === i || !(HEADING.test(lines[j]!) || /<table\b/i.test(lines[j]!)))) {
      block.push(lines[j]!);
      j++;
    }
    i = j;
    const d = block.findIndex((l, k) => k > 0 && DELIMITER_ROW.test(l) && block[k - 1]!.includes("|"));
    if (d < 0) {
      addProse(block.join(" "));
      continue;
    }
    if (d > 1) addProse(block.slice(0, d - 1).join(" "));
    const withPipes = block.slice(d - 1).filter((l, k) => k !== 1 && l.includes("|"));
    const leading = withPipes.filter((l) => l.trim().startsWith("|")).length;
    const kind: GridKind = leading * 2 > withPipes.length ? "pipe" : "text";
    let end = block.length;
    if (kind === "pipe") {
      end = block.findIndex((l, k) => k > d && !l.includes("|"));
      if (end < 0) end = block.length;
    }
    const tableLines = [block[d - 1]!, ...block.slice(d + 1, end)];
    const rows = tableLines
      .map((l) => ({ cells: splitPipeRow(l), evidence: l.trim().replace(/<br\s*\/?>/gi, " ") }))
      .filter((r) => r.cells.some((c) => c !== ""));
    addGrid(kind, rows, context());
    if (end < block.length) addProse(block.slice(end).join(" "));
  }
  return { grids, prose };
}

/** One line of a pipe table or pseudo-table → cell texts. `\|` is a pipe inside a cell. */
function splitPipeRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith("|")) s = s.slice(1);
  if (s.endsWith("|") && !s.endsWith("\\|")) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/).map((c) => markdownText(c.replace(/\\\|/g, "|")));
}

/** Markdown inline text → visible text: links, autolinks, emphasis, code, tags and escapes removed. */
function markdownText(raw: string): string {
  return cleanText(
    markFootnotesInMarkup(raw)
      .replace(/<br\s*\/?>/gi, " ")
      .replace(/!?\[([^\]]*)\]\((?:<[^>]*>|[^)]*)\)/g, "$1")
      .replace(/<((?:https?|mailto):[^>\s]+)>/gi, "$1")
      .replace(/<\/?[a-z][^>]*>/gi, "")
      .replace(/\*\*|__|`/g, "")
      .replace(/\\([\\`*_{}[\]()#+\-.!|$<>~])/g, "$1"),
  );
}

// ---------------------------------------------------------------------------------------------------
// Labels.

/** A label as compared: upper case, no emphasis, no footnote marks such as "(2)" or "¹". */
function normLabel(text: string): string {
  return cleanText(
    text
      .toUpperCase()
      .replace(/[*_`]/g, "")
      .replace(/\(\d+\)|\[\d+\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+/g, " ")
      .replace(/[:：]\s*$/, ""),
  );
}

/** The word a DeepSeek label must say for each price: cache hits and misses are INPUT tokens. */
const LABEL_WORD: Record<Dimension, RegExp> = { cached_input: /\bINPUT\b/, input: /\bINPUT\b/, output: /\bOUTPUT\b/ };

/**
 * Which price a label names, in the shared reading of price labels, held to the page's own words: the
 * price's word (INPUT, OUTPUT), and for a plain input or output also TOKENS or 1M, for the model table has
 * rows such as "MAX OUTPUT", "Json Output" and "FIM Completion" that are no price. Cache writes are not a
 * DeepSeek price.
 */
function dimensionOf(label: string): Dimension | undefined {
  // The page's words for cached input: CACHE HIT, CACHE_HIT as the API's usage fields write it (normLabel
  // drops the "_"), CACHED.
  const n = normLabel(label)
    .replace(/\bCACHE[\s-]*(HIT|MISS)\b/g, "CACHE $1")
    .replace(/\bCACHED\b/g, "CACHE HIT");
  const cache = /\bCACH(?:E|ED|ING)\b/.test(n);
  if (!cache && !/\bTOKENS?\b|\b1\s?M\b/.test(n)) return undefined;
  // Every price this source reads is per 1M tokens at any prompt length: a label in another unit ("1K INPUT
  // TOKENS") or above a context threshold ("CONTEXT > 256K") names no price it knows.
  if (/\b1\s?K\b|\b1,000\b|\bTHOUSAND\b/.test(n) || contextConditionIn(label).condition?.kind === "over") return undefined;
  // Unlike the shared reading, a label that names input and output tokens at once has always read as input
  // here (a prose cell on another vendor's page does); kept, so that no reading of a saved page changes.
  const dimension = !cache && /\bINPUT\b/.test(n) ? "input" : tokenDimensionIn(n);
  if (dimension !== "cached_input" && dimension !== "input" && dimension !== "output") return undefined;
  return LABEL_WORD[dimension].test(n) ? dimension : undefined;
}

function conditionOf(label: string): Condition | undefined {
  const n = normLabel(label);
  if (/^OFF[\s-]?PEAK\b/.test(n)) return "off_peak";
  if (/^PEAK\b/.test(n)) return "peak";
  return undefined;
}

const isPricingMarker = (label: string) => /^PRIC(?:E|ES|ING)\b/.test(normLabel(label));
const isModelLabel = (label: string) => /^MODELS?$/.test(normLabel(label));

/** A cell that holds (or says there is no) price: where the label cells of a row end. */
function priceLike(cell: string): boolean {
  // An amount with a currency, not just a currency word: "PRICING (USD)" stays a label.
  return isNoPrice(cell) || /[$€£¥]\s?\d|\d\s?[$€£¥]|\bUSD\s?\d|\d\s?USD\b/i.test(cell);
}

/** The model id a column header or row label names, without footnote marks. */
function modelName(text: string): string {
  return cleanText(text.replace(/\(\d+\)|\[\d+\]|[¹²³⁴⁵⁶⁷⁸⁹⁰*]+/g, " "));
}

interface RowParts {
  labels: { text: string; pos: number }[];
  prices: { text: string; pos: number }[];
}

/** Leading cells up to the first price-like cell are labels; the rest are prices. */
function splitRow(cells: string[]): RowParts {
  let k = 0;
  while (k < cells.length && !priceLike(cells[k]!)) k++;
  return {
    labels: cells.slice(0, k).map((text, pos) => ({ text, pos })),
    prices: cells.slice(k).map((text, j) => ({ text, pos: k + j })),
  };
}

// ---------------------------------------------------------------------------------------------------
// Reading.

interface Target {
  pos: number;
  name: string;
  /** `deepseek/<id>` for a model column; undefined for a column that is not a model we track. */
  model?: string;
  dimension?: Dimension;
}

interface Reading {
  result: ExtractionBuilder;
  knownModels: Set<string>;
}

function readPage(page: Page, result: ExtractionBuilder): void {
  const reading: Reading = { result, knownModels: new Set() };
  let modelRows = 0;
  let readTablesSoFar = 0;
  const pageAnnounces = page.prose.some((p) => announcesPrices(p) && datesIn(p).length > 0);
  for (const grid of page.grids) {
    const m = grid.rows.findIndex((r) => isModelLabel(r.cells.find((c) => c !== "") ?? ""));
    const firstPriceRow = grid.rows.findIndex((r) => isPriceRow(r.cells));
    if (firstPriceRow >= 0 && (m < 0 || firstPriceRow < m)) {
      const label = priceRowLabel(grid.rows[firstPriceRow]!.cells);
      result.fail(
        `price rows (e.g. "${label}") but no MODEL row above them naming the model columns: the table layout changed`,
        `table ${grid.number}`,
      );
      continue;
    }
    if (m < 0) continue;
    modelRows++;
    // "The new prices take effect at 16:00 UTC on August 16, 2026, as follows:" just above the table.
    const timing = announcementIn(grid.context);
    if (timing.kind === "undated") {
      result.problem(
        `the prices of this table are announced for a later time that could not be read as a date ("${timing.sentence}"); not read as current prices`,
        `table ${grid.number}`,
      );
      continue;
    }
    if (timing.kind === "none" && readTablesSoFar > 0 && pageAnnounces) {
      result.problem(
        "the page announces price changes, and this second price table is not tied to a date; not read as current prices",
        `table ${grid.number}`,
      );
      continue;
    }
    readTablesSoFar++;
    readGrid(grid, m, timing, reading);
  }
  if (result.failed) return;
  if (modelRows === 0) {
    result.fail(
      "no table with a MODEL row naming the model columns (the price table is missing, or written in a shape this source cannot split)",
      "page",
    );
    return;
  }
  if (reading.knownModels.size < MIN_KNOWN_MODELS) {
    result.fail(
      `only ${reading.knownModels.size} model(s) named deepseek-… in the price tables; expected at least ${MIN_KNOWN_MODELS}: the layout or the naming changed`,
      "page",
    );
  }
}

function isPriceRow(cells: string[]): boolean {
  const { labels, prices } = splitRow(cells);
  return labels.some((l) => dimensionOf(l.text)) && prices.some((p) => /\$/.test(p.text));
}

function priceRowLabel(cells: string[]): string {
  return splitRow(cells).labels.find((l) => dimensionOf(l.text))?.text ?? cells.join(" | ");
}

function readGrid(grid: Grid, modelRowIndex: number, timing: Announcement, reading: Reading): void {
  const { result } = reading;
  const modelRow = grid.rows[modelRowIndex]!;
  const start = modelRow.cells.findIndex((c) => isModelLabel(c));
  const heads = modelRow.cells
    .map((text, pos) => ({ text, pos }))
    .filter((c) => c.pos > start && c.text !== "" && !isModelLabel(c.text));
  const where = `table ${grid.number}`;
  if (heads.length === 0) {
    result.fail("the MODEL row names no model columns", `${where}, MODEL row`);
    return;
  }
  const dimensionHeads = heads.filter((h) => dimensionOf(h.text));
  const body = grid.rows.slice(modelRowIndex + 1);
  if (dimensionHeads.length === 0) {
    const targets: Target[] = heads.map((h) => {
      const name = modelName(h.text);
      const model = MODEL_ID.test(name) ? `${VENDOR}/${name}` : undefined;
      if (model) reading.knownModels.add(model);
      else result.untrackedModel(name, `${where}, MODEL row`);
      return { pos: h.pos, name, ...(model ? { model } : {}) };
    });
    readModelColumns(grid, targets, body, timing, reading);
  } else if (dimensionHeads.length === heads.length) {
    const targets: Target[] = heads.map((h) => ({ pos: h.pos, name: h.text, ...(dimensionOf(h.text) ? { dimension: dimensionOf(h.text)! } : {}) }));
    readModelRows(grid, targets, body, timing, reading);
  } else {
    result.fail(
      `the MODEL row mixes model names and price labels (${heads.map((h) => `"${h.text}"`).join(", ")}): the layout changed`,
      `${where}, MODEL row`,
    );
  }
}

/** The usual table: one column per model, one row per price (optionally per peak/off-peak). */
function readModelColumns(grid: Grid, targets: Target[], body: GridRow[], timing: Announcement, reading: Reading): void {
  const { result } = reading;
  interface PriceRow {
    row: GridRow;
    label: string;
    /** The labels the row's prices are read under, outermost first: "1M INPUT TOKENS (CACHE HIT)", "OFF-PEAK". */
    labels: string[];
    dimension: Dimension;
    condition: Condition | undefined;
    prices: RowParts["prices"];
    /** A label taken from the row above (its merged cell was dropped in this copy). */
    inherited?: string;
  }
  const priceRows: PriceRow[] = [];
  let prev: { dimension?: Dimension; dimText?: string; condition?: Condition; condText?: string; outer?: "dimension" | "condition" } | undefined;
  const inexact = grid.kind !== "html";
  for (const row of body) {
    const { labels, prices } = splitRow(row.cells);
    const named = labels.filter((l) => l.text !== "");
    const dims = named.filter((l) => dimensionOf(l.text));
    const conds = named.filter((l) => !dimensionOf(l.text) && conditionOf(l.text));
    const unknown = named.filter((l) => !dimensionOf(l.text) && !conditionOf(l.text) && !isPricingMarker(l.text));
    const hasMoney = prices.some((p) => /\$/.test(p.text));
    if (dims.length === 0 && conds.length === 0) {
      prev = undefined;
      if (hasMoney && named.length > 0) {
        result.problem(
          `a row with prices under a label this source does not know ("${named.map((l) => l.text).join(" / ")}"): not read`,
          `table ${grid.number}, row "${named.map((l) => l.text).join(" ")}"`,
        );
      } else if (hasMoney) {
        result.problem("a row with prices but no label: not read", `table ${grid.number}, row "${row.evidence}"`);
      }
      continue;
    }
    const rowWhere = `table ${grid.number}, row "${[dims[0]?.text, conds[0]?.text].filter(Boolean).join(" ")}"`;
    if (dims.length > 1 || conds.length > 1 || unknown.length > 0) {
      result.problem(
        unknown.length > 0
          ? `price row with cells this source reads neither as labels nor as prices ("${unknown.map((l) => l.text).join(" / ")}"): an unknown label may qualify the price, so the row is not read`
          : `price row names more than one price or condition ("${named.map((l) => l.text).join(" / ")}"): not read`,
        rowWhere,
      );
      prev = undefined;
      continue;
    }
    let dimension = dims[0] ? dimensionOf(dims[0].text) : undefined;
    let dimText = dims[0]?.text;
    let condition = conds[0] ? conditionOf(conds[0].text) : undefined;
    let condText = conds[0]?.text;
    let outer: "dimension" | "condition" | undefined;
    let inherited: string | undefined;
    if (dims[0] && conds[0]) outer = dims[0].pos < conds[0].pos ? "dimension" : "condition";
    else if (dims[0] && inexact && prev?.outer === "condition" && prev.condition) {
      // `| PEAK | 1M INPUT … (HIT) | … |` then `| 1M INPUT … (MISS) | … |`: the merged PEAK cell was dropped.
      condition = prev.condition;
      condText = prev.condText;
      inherited = condText;
      outer = "condition";
    } else if (!dims[0] && inexact && prev?.outer === "dimension" && prev.dimension) {
      // `| 1M INPUT … (HIT) | OFF-PEAK | … |` then `| PEAK | … |`: the merged price label was dropped.
      dimension = prev.dimension;
      dimText = prev.dimText;
      inherited = dimText;
      outer = "dimension";
    }
    if (!dimension) {
      result.problem(
        `a "${conds[0]!.text}" row with no price label, and none above it to inherit from: not read`,
        rowWhere,
      );
      prev = undefined;
      continue;
    }
    prev = { dimension, dimText, condition, condText, outer };
    const label = [dimText, condText].filter(Boolean).join(" ");
    const path = (outer === "condition" ? [condText, dimText] : [dimText, condText]).filter((l): l is string => !!l);
    priceRows.push({ row, label, labels: path, dimension, condition, prices, ...(inherited ? { inherited } : {}) });
  }

  if (priceRows.length === 0) {
    result.fail(
      `the table has a MODEL row but no PRICING rows (${REQUIRED_DIMENSIONS.map((d) => DIMENSION_LABEL[d]).join(" / ")})`,
      `table ${grid.number}`,
    );
    return;
  }
  // In the pseudo-table a merged (colspan) price is written once; read it so only when every price row is.
  const spanning = grid.kind === "text" && targets.length > 1 && priceRows.every((r) => r.prices.length === 1);
  const seen = new Set<Dimension>();
  for (const pr of priceRows) {
    const where = `table ${grid.number}, row "${pr.label}"`;
    const cells = align(grid.kind, pr.prices, targets, spanning, where, reading);
    if (!cells) continue;
    seen.add(pr.dimension);
    for (const { target, text } of cells) {
      if (!target.model) continue;
      observe(reading, target.model, pr.dimension, pr.condition, text, pr.row, target.name, timing, `${where}, ${target.name}`, pr.inherited);
    }
  }
  for (const d of REQUIRED_DIMENSIONS) {
    if (!seen.has(d)) {
      result.problem(
        `no readable ${DIMENSION_LABEL[d]} row: the price is missing from the table or its row could not be read`,
        `table ${grid.number}, row "${DIMENSION_LABEL[d]}"`,
      );
    }
  }
}

/** The announcement table: one row per model (and peak/off-peak), one column per price. */
function readModelRows(grid: Grid, targets: Target[], body: GridRow[], timing: Announcement, reading: Reading): void {
  const { result } = reading;
  const inexact = grid.kind !== "html";
  let prev: { name?: string; model?: string; outer: boolean } | undefined;
  let read = 0;
  for (const row of body) {
    const { labels, prices } = splitRow(row.cells);
    const named = labels.filter((l) => l.text !== "" && !isPricingMarker(l.text));
    if (named.length === 0 && prices.length === 0) continue;
    const conds = named.filter((l) => conditionOf(l.text));
    const names = named.filter((l) => !conditionOf(l.text));
    const rowWhere = `table ${grid.number}, row "${named.map((l) => l.text).join(" ") || row.evidence}"`;
    if (conds.length > 1 || names.length > 1) {
      result.problem(
        `price row with labels this source does not know ("${named.map((l) => l.text).join(" / ")}"): not read`,
        rowWhere,
      );
      prev = undefined;
      continue;
    }
    let name = names[0] ? modelName(names[0].text) : undefined;
    const condition = conds[0] ? conditionOf(conds[0].text) : undefined;
    let inherited: string | undefined;
    if (!name && condition && inexact && prev?.outer && prev.name) inherited = name = prev.name; // merged model cell dropped
    if (!name) {
      result.problem("price row with no model name, and none above it to inherit from: not read", rowWhere);
      prev = undefined;
      continue;
    }
    const model = MODEL_ID.test(name) ? `${VENDOR}/${name}` : undefined;
    prev = { name, ...(model ? { model } : {}), outer: !!(names[0] && conds[0] && names[0].pos < conds[0].pos) || (!names[0] && !!prev?.outer) };
    if (!model) {
      result.untrackedModel(name, rowWhere);
      continue;
    }
    reading.knownModels.add(model);
    const label = [name, conds[0]?.text].filter(Boolean).join(" ");
    const where = `table ${grid.number}, row "${label}"`;
    const cells = align(grid.kind, prices, targets, false, where, reading);
    if (!cells) continue;
    read++;
    for (const { target, text } of cells) {
      if (!target.dimension) continue;
      observe(reading, model, target.dimension, condition, text, row, target.name, timing, `${where}, ${target.name}`, inherited);
    }
  }
  if (read === 0) {
    result.problem("no readable model row under the MODEL row", `table ${grid.number}`);
  }
  for (const d of REQUIRED_DIMENSIONS) {
    if (!targets.some((t) => t.dimension === d)) {
      result.problem(`no ${DIMENSION_LABEL[d]} column`, `table ${grid.number}, MODEL row`);
    }
  }
}

/**
 * Which price cell belongs to which column. HTML grids are exact: the prices must sit at the column
 * positions. Markdown rows lose their empty merged cells, so there the price cells (everything after
 * the labels) must be exactly as many as the columns, counted from the right; a pseudo-table writes a
 * merged price once (`spanning`). Anything else is reported, never shifted.
 */
function align(
  kind: GridKind,
  prices: RowParts["prices"],
  targets: Target[],
  spanning: boolean,
  where: string,
  reading: Reading,
): { target: Target; text: string }[] | undefined {
  if (prices.length === 0) {
    reading.result.problem("no price cells in this row", where);
    return undefined;
  }
  if (spanning && prices.length === 1) return targets.map((target) => ({ target, text: prices[0]!.text }));
  const fits =
    kind === "html"
      ? prices.length === targets.length && prices.every((p, i) => p.pos === targets[i]!.pos)
      : prices.length === targets.length;
  if (!fits) {
    reading.result.problem(
      kind === "html"
        ? `the price cells (columns ${prices.map((p) => p.pos + 1).join(", ")}) do not line up with the columns ${targets
            .map((t) => `${t.name} (${t.pos + 1})`)
            .join(", ")}: not read rather than shifted`
        : `${prices.length} price cell(s) for ${targets.length} columns (${targets.map((t) => t.name).join(", ")}): a cell is missing or extra, so the row is not read rather than shifted`,
      where,
    );
    return undefined;
  }
  return targets.map((target, i) => ({ target, text: prices[i]!.text }));
}

function observe(
  reading: Reading,
  model: string,
  dimension: Dimension,
  condition: Condition | undefined,
  text: string,
  row: GridRow,
  column: string,
  timing: Announcement,
  where: string,
  inherited?: string,
): void {
  const { result } = reading;
  const money = parseMoneyCell(text);
  if (money.kind === "none") return; // "-": this price does not exist; no observation, never a 0
  if (money.kind === "unreadable") {
    result.problem(
      money.text === ""
        ? "empty price cell (a merged cell or a missing price; not guessed, never read as 0)"
        : `price not read: ${money.reason}`,
      where,
    );
    return;
  }
  // Every label of this page says "1M … TOKENS": a cell in another unit (even one that scales, "/ 1K tokens")
  // means the table is not the one this source knows, so it is reported rather than converted.
  const value = money.per === undefined || money.per === "1M" ? perMillionTokens(money, LABEL_UNIT) : { error: "" };
  if ("error" in value) {
    result.problem(`"${money.text}" is not a price per 1M tokens: not read`, where);
    return;
  }
  const price = condition ? `${dimension}@${condition}` : dimension;
  // One quote per price: the header of its column, the label it inherits from a merged cell above (if any),
  // then its row as written (a row holds several prices, so the row alone does not say which cell is which
  // key). In the order the page shows them, so that a reader, or the screenshot step, finds them in turn.
  let evidence = [column, ...(inherited ? [inherited] : []), row.evidence].join(" › ");
  if (timing.kind === "from") evidence = `${evidence} (announced: "${timing.sentence}")`;
  result.observe(
    {
      model,
      price,
      usd: value.usd,
      unit: "1M tokens",
      ...(timing.kind === "from" ? { effectiveFrom: timing.date } : {}),
      evidence,
    },
    where,
  );
}

/**
 * "(1) Off-peak rates are half of the peak rates." under the table: the off-peak discount as a multiplier, for
 * every model. Stated only when the page reads current off-peak and peak prices and the sentence is not an
 * announcement (the August 13 page announced it for a later day, and a multiplier carries no date); the
 * prices are read anyway, and a sentence the prices contradict is reported instead of recorded.
 */
function readOffPeakMultiplier(page: Page, result: ExtractionBuilder): void {
  const current = result.observations.filter((o) => o.effectiveFrom === undefined);
  const pairs = current
    .filter((o) => o.price.endsWith("@off_peak"))
    .map((off) => ({ off, peak: current.find((o) => o.model === off.model && o.price === off.price.replace(/@off_peak$/, "@peak")) }))
    .filter((p): p is { off: (typeof current)[number]; peak: (typeof current)[number] } => p.peak !== undefined);
  if (pairs.length === 0) return;
  // Sentences, split at a full stop or a footnote mark "(1)"; shortest first, for the HTML copy's prose also
  // has the text of a whole block around the table, in which the sentence stands too.
  const sentences = [...new Set(page.prose.flatMap((block) => block.split(/(?<=[.!?])\s+|\s(?=\(\d\)\s)/)))]
    .map((raw) => cleanText(raw.replace(/^\(\d+\)\s*/, "")))
    .filter((sentence) => sentence.length <= 300 && /\boff[\s-]?peak\b.*\bpeak\b/i.test(sentence))
    .sort((a, b) => a.length - b.length);
  for (const sentence of new Set(sentences)) {
    if (announcesPrices(sentence) || datesIn(sentence).length > 0) continue;
    const stated = multipliersIn(sentence).filter((m) => m.dimension === undefined);
    if (stated.length !== 1) continue;
    const factor = stated[0]!.factor;
    const off = pairs.find((p) => Math.abs(p.peak.usd * factor - p.off.usd) > 1e-9);
    if (off) {
      result.problem(
        `"${sentence}" says off-peak is ${factor}× peak, but ${off.off.model} ${off.off.price} is $${off.off.usd} and ${off.peak.price} $${off.peak.usd}: the multiplier is not recorded`,
        "page, off-peak sentence",
      );
      continue;
    }
    result.multiplier({ name: "off_peak", factor, sentence }, "page, off-peak sentence");
  }
}

// ---------------------------------------------------------------------------------------------------

/** A body sent as "html" that has no HTML in it is a markdown copy: read it as one. */
function looksLikeMarkdown(body: string): boolean {
  return !/<\s*(?:html|body|table|tr|td|th|div|p|main|article)\b/i.test(body);
}

/**
 * The page's current table does not say when it ends, but the announcement does: the current prices
 * hold until the day the announced ones take effect (that day included, as the switch is at 16:00 UTC).
 * Without this, a copy of the page read after the switch would still "verify" the old prices.
 */
function endCurrentPricesAtAnnouncement(result: ExtractionBuilder): void {
  const starts = result.observations.map((o) => o.effectiveFrom).filter((d): d is string => d !== undefined);
  if (starts.length === 0) return;
  const switchDay = starts.sort()[0]!;
  for (const o of result.observations) {
    if (o.effectiveFrom === undefined && o.effectiveUntil === undefined) o.effectiveUntil = switchDay;
  }
}

export const deepSeekPricingSource: PricingSource = {
  id: SOURCE_ID,
  vendor: VENDOR,
  url: "https://api-docs.deepseek.com/quick_start/pricing",
  format: "html",
  fetchWith: "http",
  extract(body: string, format: PageFormat = "html") {
    return extractWith(SOURCE_ID, body, (result) => {
      const asMarkdown = format === "markdown" || looksLikeMarkdown(body);
      const page = asMarkdown ? readMarkdownPage(body) : readHtmlPage(body);
      readPage(page, result);
      if (!result.failed) readOffPeakMultiplier(page, result);
      endCurrentPricesAtAnnouncement(result);
    });
  },
};
