import type { CheerioAPI } from "cheerio";
import { type AnyNode, type Element, hasChildren, isTag, isText } from "domhandler";
import type { Extraction } from "../../schemas/observation.ts";
import type { Tier, Unit } from "../../schemas/price-key.ts";
import { conditionKey, contextConditionIn } from "../extract/context-conditions.ts";
import { cleanText, loadDocument, type PageFormat } from "../extract/document.ts";
import type { PassRule } from "../extract/accounting.ts";
import { amountSegmentsIn, type DatedAmount, datedAmountsIn, isNoPrice, parseDecimal, scaleDecimal, type StatedUnit, statedUnitIn } from "../extract/money.ts";
import { type TierOrStandard, tierLabel, tokenDimensionIn } from "../extract/price-labels.ts";
import { type PageTable, readTables } from "../extract/tables.ts";
import { billedUnitIn } from "../extract/units.ts";
import { ExtractionBuilder, extractWith, type PricingSource } from "./source.ts";

/**
 * ai.google.dev/gemini-api/docs/pricing. The URL serves devsite HTML; Google also exports the page as
 * markdown (`pricing.md.txt`), and copies of that export are what this source was first written against.
 * Both carry the same facts in the same order, one section per model: a heading with the display name,
 * then an id line with the API id(s) (`gemini-2.5-pro`; Imagen and Veo list several), then one price table
 * per tier (Standard, Batch, Flex, Priority), or a single table for models without tiers (Imagen, Veo, Live
 * API, Computer Use). Prices sit in free text inside the paid-tier cell:
 * `$1.25, prompts <= 200k tokens $2.50, prompts > 200k tokens`, `$0.30 (text / image / video) $1.00 (audio)`,
 * `$0.039 per image*`. The footnotes under an image model's tables give its image output token price.
 *
 * In the HTML the id line is an `<em><code>` standing loose beside the `<h2>` in a wrapper, inside no `<p>`,
 * so it is found as inline content between blocks, whatever the wrapper is. The tiers are tabs, each an
 * `<h3>` and its table in a `<section>`; every tab is in the served page, not only the visible one. Cells
 * break their prices with `<br>` and restate some in other units (`$3.50 or $0.0053/min (audio)`,
 * `$0.45 ($0.00012 per image)`, `Equivalent to $0.134 per 1K/2K image`): the token price is read, a per-minute
 * or per-image input equivalent is not. Traps: an amount marked `(image)` in an input cell may be per image
 * rather than per 1M tokens (Nano Banana Pro's Batch tab), so only a row labelled "Image input price" gives
 * `image_input`; a heading may carry a nickname with a number (`Gemini 3.1 Flash Image (Nano Banana 2)`),
 * which is not the model's version.
 *
 * In the markdown the id line is its own paragraph (`*\`gemini-2.5-pro\`*`) and the tiers are `###`
 * headings; it escapes `\<=`, and one capture has mojibake for emoji. The jina conversion of the page
 * drops the model headings and ids, and with them every tie between a table and a model.
 *
 * A table is tied to a model only through the id line of the section it sits in; a section without one,
 * or a table after a repeated tier (the heading of the next model is missing), is never guessed.
 *
 * Since August 2026 some cells price two periods: `$0.75 through December 31, 2026.<br>$1.50 starting January 1,
 * 2027.` (run on in the markdown conversions): each period is read as a cell of its own (`datedAmountsIn`), today's
 * price with its last day and the announced one with its first. Veo's table is priced per second by resolution
 * (`$0.10 (720p) $0.12 (1080p) $0.30 (4k)` → `video_per_second:720p` …); the Live models restate their audio token
 * prices per minute (`$3.00 or $0.005/min (audio)` → `audio_input` and `audio_input_per_minute`); audio tokens have
 * keys of their own (`audio_input`, `audio_cached_input`, `audio_output`). What no key holds is passed over by a
 * named rule (accounting.ts): storage per hour and grounding rows (tool-fees), Lyria's `$0.04 per song`
 * (unit-not-tracked), per-image or per-minute-of-video equivalents (restated-in-another-unit), notes that work a
 * price out (worked-example), a model priced in a list under another (untracked-model).
 *
 * The module is long because one page carries every kind of Google model (text tiers, images, video, music,
 * embeddings, live audio) in free-text cells; each kind's reading is kept beside the others so a cell is read once.
 */

const SOURCE_ID = "gemini-pricing";
const VENDOR = "google";
/** Fewer models than this read off the page means the layout changed under us. */
const MIN_MODELS = 5;

export const geminiPricingSource: PricingSource = {
  id: SOURCE_ID,
  vendor: VENDOR,
  url: "https://ai.google.dev/gemini-api/docs/pricing",
  format: "html",
  fetchWith: "http",
  extract(body: string, format: PageFormat = "html"): Extraction {
    const read = format === "html" && looksLikeMarkdown(body) ? "markdown" : format;
    return extractWith(SOURCE_ID, body, (result) => readPage(result, loadDocument(body, read)));
  },
};

/** A body taken for HTML (a saved `.md` file, no Content-Type) that has no HTML in it is the markdown export. */
function looksLikeMarkdown(body: string): boolean {
  return !/<\s*(?:html|body|table|tr|td|th|div|p|main|article|section|h[1-6])\b/i.test(body);
}

// ---------------------------------------------------------------------------------------------------
// The page as a flat sequence of headings, id lines, tables and paragraphs, in document order.

type PageEvent =
  | { kind: "heading"; level: number; text: string }
  | { kind: "ids"; ids: string[]; text: string }
  | { kind: "table"; table: PageTable }
  | { kind: "text"; text: string };

const BLOCKS = "p,div,ul,ol,li,table,h1,h2,h3,h4,h5,h6,section,article";
const BLOCK_TAGS = new Set(BLOCKS.split(","));
const EVENT_TAGS = new Set(["h1", "h2", "h3", "h4", "h5", "h6", "table", "p", "div", "li"]);
/** Elements that end a run of loose inline content: HTML's other block-level elements, and ones never read. */
const RUN_BREAKS = new Set([
  ...BLOCK_TAGS,
  "aside", "blockquote", "pre", "figure", "figcaption", "header", "footer", "nav", "main", "hgroup", "details",
  "summary", "dl", "dt", "dd", "hr", "form", "fieldset", "address", "menu", "search",
  "script", "style", "template", "noscript",
]);

function pageEvents($: CheerioAPI): PageEvent[] {
  const tables = readTables($);
  const byElement = new Map<Element, PageTable>();
  $("table").each((i, el) => {
    const t = tables[i];
    if (t) byElement.set(el, t);
  });
  const events: PageEvent[] = [];
  // Which elements have a block inside, in one pass: asking cheerio per element doubled the reading time.
  const withBlocks = new Set<Element>();
  const markBlocks = (el: Element): boolean => {
    let found = false;
    for (const child of el.children) {
      if (isTag(child) && (markBlocks(child) || BLOCK_TAGS.has(child.tagName.toLowerCase()))) found = true;
    }
    if (found) withBlocks.add(el);
    return found;
  };
  for (const node of $.root()[0]!.children) if (isTag(node)) markBlocks(node);
  const hasBlocks = (el: Element) => withBlocks.has(el);

  // Loose inline content beside blocks (`<div><h2>…</h2> <em><code>id</code></em></div>`, the devsite
  // heading group) is read only for an id line; the notes a section needs are in blocks of their own.
  // Inside a list item it is not an id line, as a leaf list item is not.
  const readRun = (run: AnyNode[], parent: Element) => {
    if (run.length === 0 || parent.tagName.toLowerCase() === "li") return;
    const ids = idLine(run);
    if (ids) events.push({ kind: "ids", ids, text: displayText(run.map((n) => blockText(n)).join("")) });
  };

  const visitChildren = (el: Element) => {
    let run: AnyNode[] = [];
    for (const child of el.children) {
      if (child.type === "text") {
        run.push(child);
        continue;
      }
      if (!isTag(child)) continue;
      const tag = child.tagName.toLowerCase();
      if (tag === "br") {
        // An id line is a line of its own: `<h2>…</h2><em><code>id</code></em><br>more text` still has one.
        readRun(run, el);
        run = [];
        continue;
      }
      if (!RUN_BREAKS.has(tag) && !hasBlocks(child)) {
        run.push(child);
        continue;
      }
      readRun(run, el);
      run = [];
      visit(child);
    }
    readRun(run, el);
  };

  const visit = (el: Element) => {
    const tag = el.tagName.toLowerCase();
    if (tag === "table") {
      const table = byElement.get(el);
      if (table) events.push({ kind: "table", table });
      return;
    }
    const heading = /^h([1-6])$/.exec(tag);
    if (heading) {
      events.push({ kind: "heading", level: Number(heading[1]), text: displayText(textOf(el, false)) });
      visitNested(el);
      return;
    }
    // Only leaf text blocks: a wrapper <div> is represented by what it contains.
    if (hasBlocks(el)) {
      visitChildren(el);
      return;
    }
    if (!EVENT_TAGS.has(tag)) return; // <pre>, <aside>, a lone <span>: not part of the page's reading
    const text = displayText(blockText(el));
    if (text === "") return;
    const ids = tag === "li" ? undefined : idLine([el]);
    events.push(ids ? { kind: "ids", ids, text } : { kind: "text", text });
  };

  // Blocks nested in a heading still count; its own loose text is the heading's.
  const visitNested = (el: Element) => {
    for (const child of el.children) if (isTag(child)) visitNestedOrBlock(child);
  };
  const visitNestedOrBlock = (el: Element) => {
    if (EVENT_TAGS.has(el.tagName.toLowerCase())) visit(el);
    else visitNested(el);
  };

  for (const node of $.root()[0]!.children) if (isTag(node)) visit(node);
  return events;
}

/** A block's text with `<br>` read as a space. */
function blockText(el: AnyNode): string {
  // Read off the nodes as they are: cloning every block to swap its `<br>`s was a third of the page walk and
  // much of its garbage. The same text as `$(el).clone().find("br").replaceWith(" ")` then `.text()`.
  return isTag(el) ? el.children.map((child) => textOf(child, true)).join("") : textOf(el, false);
}

/**
 * A node's text as cheerio's `.text()` gives it (text and CDATA, no comments, a `<template>`'s content too).
 * With `breaks`, a `<br>` reached through elements only (where `$(el).find("br")` reaches, so never one
 * inside a `<template>`'s content) reads as a space.
 */
function textOf(node: AnyNode, breaks: boolean): string {
  if (isText(node)) return node.data;
  if (isTag(node) && node.name === "br") return breaks ? " " : "";
  if (!hasChildren(node)) return "";
  const inner = breaks && isTag(node);
  let text = "";
  for (const child of node.children) text += textOf(child, inner);
  return text;
}

/** The `<code>` elements below a node, in document order, as `$(node).find("code")` finds them (through elements only). */
function codesBelow(node: AnyNode, out: Element[]): Element[] {
  if (!isTag(node)) return out;
  for (const child of node.children) {
    if (!isTag(child)) continue;
    if (child.name === "code") out.push(child);
    codesBelow(child, out);
  }
  return out;
}

const MODEL_ID = /^(?:models\/)?([a-z0-9][a-z0-9._-]*[a-z0-9])$/;

/**
 * `*\`imagen-4.0-generate-001\`,\`imagen-4.0-fast-generate-001\`*` → the ids; undefined for anything else.
 * `nodes` is one block, or a run of inline nodes standing between blocks.
 */
function idLine(nodes: AnyNode[]): string[] | undefined {
  // Plain walks, not `$(n).find("code")`: a selector compiled per block of a 235 KiB page added up.
  const codes = nodes
    .flatMap((n) => (isTag(n) && n.tagName.toLowerCase() === "code" ? [n] : codesBelow(n, [])))
    .map((c) => cleanText(textOf(c, false)));
  if (codes.length === 0) return undefined;
  let rest = cleanText(nodes.map((n) => textOf(n, false)).join(""));
  for (const code of codes) rest = rest.replace(code, " ");
  if (rest.replace(/\b(?:and|or)\b/gi, "").replace(/[\s,;/|*_]/g, "") !== "") return undefined;
  const ids: string[] = [];
  for (const code of codes) {
    const m = MODEL_ID.exec(code);
    if (!m) return undefined;
    if (!ids.includes(m[1]!)) ids.push(m[1]!);
  }
  return ids;
}

/** Visible text without control characters and without the mojibake of emoji (`ðŸŒ`). */
function displayText(text: string): string {
  // Plain ASCII (tabs and newlines allowed) has none of them: only the spaces to fold.
  if (!/[^\t\n\r\x20-\x7e]/.test(text)) return cleanText(text);
  return cleanText(
    text
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, "")
      .replace(/ð[^\x00-\x7f]{1,3}/g, " ")
      .replace(/[\u{1F000}-\u{1FAFF}\u2600-\u27bf]/gu, " "),
  );
}

// ---------------------------------------------------------------------------------------------------
// Sections.

interface SectionTable {
  table: PageTable;
  /** The nearest sub-heading (Standard, Batch) above the table within the section. */
  sub: { level: number; text: string } | undefined;
  /** A model id line appeared inside the section after its first table or sub-heading. */
  afterStrayIds: boolean;
}

interface Section {
  heading: string;
  level: number;
  ids: string[];
  tables: SectionTable[];
  notes: string[];
  strayIds: string[];
}

/** The heading level of model names: the level of the headings an id line follows directly. */
function modelHeadingLevel(events: PageEvent[]): number | undefined {
  const counts = new Map<number, number>();
  let last: PageEvent | undefined;
  for (const e of events) {
    if (e.kind === "ids" && last?.kind === "heading") counts.set(last.level, (counts.get(last.level) ?? 0) + 1);
    if (e.kind !== "text") last = e;
  }
  let best: number | undefined;
  for (const [level, n] of counts) {
    if (best === undefined || n > counts.get(best)! || (n === counts.get(best)! && level < best)) best = level;
  }
  return best;
}

function splitSections(events: PageEvent[], level: number): { outside: SectionTable[]; sections: Section[] } {
  const outside: SectionTable[] = [];
  const sections: Section[] = [];
  let current: Section | undefined;
  let inHead = false;
  let sub: { level: number; text: string } | undefined;
  let stray = false;
  for (const e of events) {
    if (e.kind === "heading") {
      if (e.level <= level) {
        current = { heading: e.text, level: e.level, ids: [], tables: [], notes: [], strayIds: [] };
        sections.push(current);
        inHead = true;
        sub = undefined;
        stray = false;
      } else {
        sub = { level: e.level, text: e.text };
        inHead = false;
      }
    } else if (e.kind === "ids") {
      if (current && inHead && current.ids.length === 0) current.ids = e.ids;
      else {
        current?.strayIds.push(e.text);
        stray = true;
      }
    } else if (e.kind === "table") {
      const item = { table: e.table, sub, afterStrayIds: stray };
      if (current) current.tables.push(item);
      else outside.push(item);
      inHead = false;
    } else if (current && !inHead) {
      current.notes.push(e.text);
    }
  }
  return { outside, sections };
}

// ---------------------------------------------------------------------------------------------------
// Reading the page.

function readPage(result: ExtractionBuilder, $: CheerioAPI): void {
  const events = pageEvents($);
  const level = modelHeadingLevel(events);
  if (level === undefined) {
    result.fail(
      "no model section with a model id line (a heading followed by *`gemini-…`*): the page layout changed, " +
        "or the model headings were dropped (as in the jina conversion); no table can be tied to a model",
      "page",
    );
    return;
  }
  const { outside, sections } = splitSections(events, level);
  const hashes = "#".repeat(level);
  const idSections = sections.filter((s) => s.ids.length > 0);
  if (idSections.length < MIN_MODELS) {
    result.fail(
      `only ${idSections.length} model section(s) with a model id line; expected at least ${MIN_MODELS}: ` +
        "the page layout changed, or the model headings were dropped; no table can be tied to a model",
      "page",
    );
    return;
  }

  for (const item of outside) {
    if (tableHasPrices(item.table)) {
      result.problem(
        `table ${item.table.index + 1} lists prices before any model heading: not tied to a model`,
        `table ${item.table.index + 1}, row "${item.table.rows[0]?.cells[0] ?? ""}"`,
      );
    }
  }

  const tierHeadings = new Set<string>();
  for (const section of sections) {
    const where = `${hashes} ${section.heading}`;
    if (section.ids.length === 0) {
      readUntiedSection(result, section, where);
      continue;
    }
    for (const text of section.strayIds) {
      result.problem(
        `a model id line ("${text}") appears after this section's tables: a model heading is probably missing; ` +
          "tables after it are not read",
        where,
      );
    }
    for (const t of section.tables) {
      const tier = t.sub ? tierLabel(t.sub.text) : undefined;
      if (tier) tierHeadings.add(tier);
    }
    readModelSection(result, section, where);
  }

  if (!tierHeadings.has("standard")) {
    result.fail('no "Standard" sub-heading above any model table: the layout changed', "page");
  } else if (!tierHeadings.has("batch")) {
    result.problem('no "Batch" sub-heading above any model table: batch prices were not read', "page");
  }
  const models = new Set(result.observations.map((o) => o.model));
  if (!result.failed && models.size < MIN_MODELS) {
    result.fail(`prices of only ${models.size} model(s) read; expected at least ${MIN_MODELS}: the layout changed`, "page");
  }
}

/** A section with no id line: a model we cannot name (untracked), or not a model at all (tools, FAQ). */
function readUntiedSection(result: ExtractionBuilder, section: Section, where: string): void {
  const priced = section.tables.filter((t) => tableHasPriceRows(t.table));
  if (priced.length === 0) return; // "Pricing for Tools", prose sections: not models
  result.untrackedModel(section.heading, where);
  if (priced.some((t) => tableHasPrices(t.table))) {
    result.problem(
      `section "${section.heading}" has prices but no model id line: not tied to any model, not read`,
      where,
    );
  }
}

function readModelSection(result: ExtractionBuilder, section: Section, where: string): void {
  const mismatch = versionMismatch(section.heading, section.ids);
  if (mismatch) {
    result.problem(
      `the heading says version ${mismatch} but the id line says ${section.ids.join(", ")}: not read`,
      where,
    );
    result.untrackedModel(section.heading, where);
    return;
  }
  if (section.tables.length === 0) {
    result.problem(`no price table under ${section.ids.join(", ")}`, where);
    return;
  }
  const seenTiers = new Set<string>();
  const imageModels = new Set<string>();
  let headingLost = false;
  for (const item of section.tables) {
    const subWhere = item.sub ? `${where} › ${"#".repeat(item.sub.level)} ${item.sub.text}` : where;
    if (item.afterStrayIds) {
      result.problem("table follows a stray model id line: cannot tell which model it prices, not read", subWhere);
      continue;
    }
    if (headingLost) {
      // The tiers after a repeated one belong with it to the model whose heading is missing, not to this one.
      result.problem("table follows a repeated tier table: cannot tell which model it prices, not read", subWhere);
      continue;
    }
    // The tab's heading is a tier name ("Batch"); a model without tiers has one table and no tab.
    const tier: TierOrStandard | undefined = item.sub ? tierLabel(item.sub.text) : "standard";
    if (!tier) {
      result.problem(`sub-heading "${item.sub?.text}" is not a pricing tier (Standard, Batch, …): table not read`, subWhere);
      continue;
    }
    if (seenTiers.has(tier)) {
      result.problem(
        `a second ${tier} table in this section (a model heading is probably missing above it): not read`,
        subWhere,
      );
      headingLost = true;
      continue;
    }
    seenTiers.add(tier);
    const context = item.sub ? `${section.heading} › ${item.sub.text}` : section.heading;
    readPriceTable(result, section, tier === "standard" ? undefined : tier, item.table, subWhere, context, imageModels);
  }
  readImageOutputNote(result, section, where, imageModels);
  passOverWorkedNotes(result, section, where);
}

/** "… equating to an effective price of approximately $0.0368 per minute": a bill worked out from the rates above. */
const WORKED_NOTE = /\b(?:effective price|equivalent to|equat(?:es|ing) to|approximately)\b/i;

/**
 * A note under a model's tables that works a price out from the ones read (per minute, per second) is passed over,
 * as is a list item pricing another model (untracked).
 */
function passOverWorkedNotes(result: ExtractionBuilder, section: Section, where: string): void {
  for (const note of section.notes) {
    const text = normalizeCell(note);
    // "- `gemini-2.0-flash-live-001`: Input $0.35 (text), …": another model priced in a list under this one, untracked.
    const other = /^`?([a-z][a-z0-9]*(?:[-.][a-z0-9]+)+)`?\s*:/.exec(text);
    if (other && !section.ids.includes(other[1]!) && /\$\s?\d/.test(text)) {
      result.untrackedModel(other[1]!, `${where}, note "${text.slice(0, 60)}"`);
      result.passOver("untracked-model", text);
      continue;
    }
    if (/\$\s?\d/.test(text) && WORKED_NOTE.test(text) && !IMAGE_OUTPUT_NOTE.test(text)) result.passOver("worked-example", text);
  }
}

/** "Gemini 2.5 Pro" with id `gemini-3-pro`: the id line belongs to another model. */
function versionMismatch(heading: string, ids: string[]): string | undefined {
  // "(Nano Banana 2)" is a nickname, not the model's version.
  for (const m of heading.replace(/\([^)]*\)/g, " ").matchAll(/(?<![\w.])(\d+(?:\.\d+)?)(?![\w.])/g)) {
    const version = Number(m[1]);
    const found = ids.some((id) => id.split(/[-_]/).some((t) => /^\d+(?:\.\d+)?$/.test(t) && Number(t) === version));
    if (!found) return m[1];
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// One price table.

/** What a price row prices: a token price, or the per-image price of an image model. */
const ROW_DIMENSIONS = ["input", "output", "cached_input", "image"] as const;
type Dimension = (typeof ROW_DIMENSIONS)[number];
const isRowDimension = (d: string | undefined): d is Dimension => ROW_DIMENSIONS.some((r) => r === d);

type RowKind =
  | { kind: "price"; dimension: Dimension; qualifier: string[]; modality: Set<string> | undefined }
  | { kind: "skip" }
  | { kind: "unknown" };

const MODALITY_WORDS = new Set([
  "text", "image", "images", "video", "videos", "audio", "thinking", "pdf", "pdfs", "document", "documents",
]);
const SKIPPED_ROWS =
  /storage|grounding|used to improve|tuning|google search|google maps|code execution|url context|computer use|file search|video|rate limit|search quer/i;
/**
 * A price row's label: `[qualifier or modality words] <what> price [(modality)]` — "Input price", "Text input price",
 * "Imagen 4 Fast image price", "Output price (including thinking tokens)". Which token price <what> names is the
 * shared vocabulary's reading; "image" and "image generation" are the per-image price of an image model.
 */
const PRICE_LABEL =
  /^(.*?)\b(input|output|context caching|cached input|image generation|image)(?:\s+tokens?)?\s+pric(?:e|ing)\b(.*)$/i;

function classifyRow(label: string, heading: string): RowKind {
  if (/storage/i.test(label)) return { kind: "skip" };
  const m = PRICE_LABEL.exec(label);
  if (!m) return SKIPPED_ROWS.test(label) ? { kind: "skip" } : { kind: "unknown" };
  const what = m[2]!;
  const dimension = /^image\b/i.test(what) ? "image" : tokenDimensionIn(what);
  if (!isRowDimension(dimension)) return { kind: "unknown" };
  const headingWords = new Set(words(heading));
  const prefix = words(m[1]!).filter((w) => !headingWords.has(w));
  let modality = modalityOf(m[3]!);
  let qualifier = prefix;
  if (prefix.length > 0 && prefix.every((w) => MODALITY_WORDS.has(w))) {
    modality = new Set(prefix);
    qualifier = [];
  }
  if (SKIPPED_ROWS.test(m[1]!)) return { kind: "skip" }; // "Veo 3 video … input price"
  return { kind: "price", dimension, qualifier, modality };
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9.]+/)
    .map((w) => w.replace(/^\.+|\.+$/g, ""))
    .filter((w) => w !== "");
}

/** `(text / image / video)` → {text, image, video}; undefined when no parenthesis names only modalities. */
function modalityOf(text: string): Set<string> | undefined {
  for (const m of text.matchAll(/\(([^)]*)\)/g)) {
    const ws = m[1]!
      .toLowerCase()
      .split(/[\s/,&+]+|\band\b|\bor\b/)
      .filter((w) => w !== "");
    if (ws.length > 0 && ws.every((w) => MODALITY_WORDS.has(w))) return new Set(ws);
  }
  return undefined;
}

/** The unit a price is in: `Paid Tier, per 1M tokens in USD` for a whole column, `$0.039 per image` for one amount. */
type CellUnit = StatedUnit["per"];

const PAID_HEADER = /\bpaid\b|pay[- ]as[- ]you[- ]go/i;
const FREE_HEADER = /\bfree\b/i;

function readPriceTable(
  result: ExtractionBuilder,
  section: Section,
  tier: Tier | undefined,
  table: PageTable,
  where: string,
  context: string,
  imageModels: Set<string>,
): void {
  const paid = table.header.flatMap((h, i) => (PAID_HEADER.test(h) ? [i] : []));
  if (paid.length === 0) {
    result.problem(`no paid-tier column in the table header (${table.header.map((h) => `"${h}"`).join(", ")}): table not read`, where);
    return;
  }
  if (paid.length > 1) {
    result.problem(`${paid.length} paid-tier columns in the table header: cannot tell which one holds the price; table not read`, where);
    return;
  }
  const paidCol = paid[0]!;
  const labelCol = table.header.findIndex((h, i) => i !== paidCol && !FREE_HEADER.test(h));
  if (labelCol < 0) {
    result.problem("no row-label column in the table: table not read", where);
    return;
  }
  const unit = statedUnitIn(table.header[paidCol]!)?.unit.per;
  if (unit === "other") {
    readPerUnitTable(result, section, table, labelCol, paidCol, where, context);
    return;
  }

  const rows = table.rows.map((row) => ({
    row,
    label: displayText(row.cells[labelCol] ?? ""),
    paidText: normalizeCell(row.cells[paidCol] ?? ""),
  }));
  const kinds = rows.map((r) => classifyRow(r.label, section.heading));
  const qualifiers = kinds.flatMap((k) => (k.kind === "price" && k.qualifier.length > 0 ? [k.qualifier] : []));

  rows.forEach(({ label, paidText }, i) => {
    const kind = kinds[i]!;
    const rowWhere = `${where}, row "${label}"`;
    if (kind.kind === "skip") {
      // Storage, grounding with Search or Maps, tuning: a feature's fee beside the model's prices.
      result.passOver("tool-fees", paidText);
      return;
    }
    if (kind.kind === "unknown") {
      if (/\$\s?\d/.test(paidText)) result.problem(`row "${label}" has a price but is not a known price row: not read`, rowWhere);
      return;
    }
    if (paidText === "") {
      result.problem("the paid-tier cell is empty", rowWhere);
      return;
    }
    if (isNoPrice(paidText) || /^(?:free(?: of charge)?|not available|unavailable|n\/a)\b(?:\s*\([^)$]*\))?[\s.*]*$/i.test(paidText)) return;
    const ids = idsFor(kind.qualifier, section.ids, qualifiers);
    if (typeof ids === "string") {
      result.problem(ids, rowWhere);
      return;
    }
    // "$0.75 through December 31, 2026. $1.50 starting January 1, 2027.": each period is read as a cell of its own.
    const dated = datedAmountsIn(paidText);
    if (dated.kind === "problem") {
      result.problem(`${dated.message}: row not read`, rowWhere);
      return;
    }
    const periods = dated.kind === "dated" ? periodsOf(dated.amounts) : [{ text: paidText }];
    const reads = periods.map((period) => ({ period, read: readPaidCell(period.text, kind.dimension, unit, kind.modality) }));
    const problems = reads.flatMap((r) => r.read.problems);
    for (const p of problems) result.problem(`${p} in "${paidText}"`, rowWhere);
    if (problems.length > 0) return;
    const evidence = `${context} › ${label}: ${paidText}`;
    for (const { period, read } of reads) {
      for (const passed of read.passed) result.passOver(passed.rule, passed.text);
      for (const price of read.prices) {
        const key = `${tier ? `${tier}/` : ""}${price.dimension}${price.condition ? `@${price.condition}` : ""}`;
        for (const id of ids) {
          result.observe(
            {
              model: `${VENDOR}/${id}`,
              price: key,
              usd: price.usd,
              unit: price.unit,
              ...(period.effectiveFrom ? { effectiveFrom: period.effectiveFrom } : {}),
              ...(period.effectiveUntil ? { effectiveUntil: period.effectiveUntil } : {}),
              evidence,
            },
            rowWhere,
          );
          if (price.dimension === "image") imageModels.add(id);
        }
      }
    }
  });
}


/** The amounts of a dated cell, period by period, each as the text of a cell of its own. */
function periodsOf(amounts: DatedAmount[]): { text: string; effectiveFrom?: string; effectiveUntil?: string }[] {
  const periods = new Map<string, { text: string; effectiveFrom?: string; effectiveUntil?: string }>();
  for (const a of amounts) {
    const key = `${a.effectiveFrom ?? ""}|${a.effectiveUntil ?? ""}`;
    const period = periods.get(key) ?? {
      text: "",
      ...(a.effectiveFrom ? { effectiveFrom: a.effectiveFrom } : {}),
      ...(a.effectiveUntil ? { effectiveUntil: a.effectiveUntil } : {}),
    };
    period.text = `${period.text} $${a.written} ${a.words}`.trim();
    periods.set(key, period);
  }
  return [...periods.values()];
}

/**
 * A table priced per second, per minute or per request (Veo, Lyria): the header gives the unit. Video rows
 * ("Veo 3.1 Fast video with audio price (default)": `$0.10 (720p) $0.12 (1080p) $0.30 (4k)`) give
 * `video_per_second[:<resolution>]` of the id the row's qualifier names; any other unit no key holds
 * ("$0.04 per song") is passed over by name.
 */
function readPerUnitTable(
  result: ExtractionBuilder,
  section: Section,
  table: PageTable,
  labelCol: number,
  paidCol: number,
  where: string,
  context: string,
): void {
  const billed = billedUnitIn(table.header[paidCol]!);
  const headingWords = new Set(words(section.heading));
  const rows = table.rows.map((row) => ({ label: displayText(row.cells[labelCol] ?? ""), paidText: normalizeCell(row.cells[paidCol] ?? "") }));
  const video = rows.map(({ label }) => VIDEO_ROW.exec(label));
  const qualifiers = video.map((m) => (m ? words(m[1]!).filter((w) => !headingWords.has(w)) : []));
  rows.forEach(({ label, paidText }, i) => {
    const rowWhere = `${where}, row "${label}"`;
    if (!/\$\s?\d/.test(paidText)) return;
    if (billed?.unit !== "second" || !video[i]) {
      result.passOver("unit-not-tracked", paidText);
      return;
    }
    const ids = idsFor(qualifiers[i]!, section.ids, qualifiers.filter((q) => q.length > 0));
    if (typeof ids === "string") {
      result.problem(ids, rowWhere);
      return;
    }
    const prices: { key: string; usd: number }[] = [];
    const problems: string[] = [];
    const amounts = amountSegmentsIn(paidText);
    if (paidText.slice(0, amounts[0]?.index ?? 0).trim() !== "") problems.push(`text before the first amount`);
    for (const a of amounts) {
      if (a.usd === undefined) {
        problems.push(`"${a.written}" is not a number`);
        continue;
      }
      // `(720p and 1080p)`, `(4k)`; `(4k output not supported)` says what is not priced.
      const tail = a.tail.replace(/\([^)]*\bnot supported\)/gi, " ").replace(/[*^†‡]/g, " ").trim();
      const variants = /^\(([^)]*)\)$/.exec(tail);
      const named = variants ? variants[1]!.split(/\s*(?:,|\band\b|\/)\s*/).map((v) => v.trim().toLowerCase()) : [];
      if (tail !== "" && (!variants || !named.every((v) => /^\d+(?:p|k)$/.test(v)))) {
        problems.push(`unrecognised wording "${tail}" after $${a.written}`);
        continue;
      }
      if (named.length === 0) prices.push({ key: "video_per_second", usd: a.usd });
      for (const v of named) prices.push({ key: `video_per_second:${v}`, usd: a.usd });
    }
    if (new Set(prices.map((p) => p.key)).size !== prices.length) problems.push("two amounts for one resolution");
    if (problems.length > 0) {
      for (const p of problems) result.problem(`${p} in "${paidText}": row not read`, rowWhere);
      return;
    }
    for (const id of ids) {
      for (const p of prices) {
        result.observe({ model: `${VENDOR}/${id}`, price: p.key, usd: p.usd, unit: "second", evidence: `${context} › ${label}: ${paidText}` }, rowWhere);
      }
    }
  });
}

/** "Veo 3.1 Fast video with audio price (default)", "Video price": the words before "video" qualify the id. */
const VIDEO_ROW = /^(.*?)\bvideo\b(?:\s+with(?:out)?\s+audio)?\s+price\b(?:\s*\((?:default)\))?$/i;

/**
 * Which of the section's ids a row prices. "Image price" under one id → that id; "Imagen 4 Fast image price"
 * under three ids → the one with a `fast` token; "… Standard …" → the one without any other row's qualifier.
 */
function idsFor(qualifier: string[], ids: string[], allQualifiers: string[][]): string[] | string {
  if (qualifier.length === 0) return ids;
  const tokens = (id: string) => id.split(/[-_]/);
  const matching = ids.filter((id) => qualifier.every((q) => tokens(id).includes(q)));
  if (matching.length > 0) return matching;
  if (qualifier.length === 1 && ["standard", "default", "base", "regular"].includes(qualifier[0]!)) {
    if (ids.length === 1) return ids;
    const others = allQualifiers.flat().filter((w) => w !== qualifier[0]);
    const plain = ids.filter((id) => !others.some((w) => tokens(id).includes(w)));
    if (plain.length === 1) return plain;
  }
  return `the row names "${qualifier.join(" ")}", which none of the section's ids (${ids.join(", ")}) can be matched to: not read`;
}

/** Markdown escapes, mojibake and odd spaces out of a price cell. */
function normalizeCell(raw: string): string {
  // No backslash, no mojibake lead byte, no control character: nothing below would change.
  if (!/[\\\u00c2\u00e2\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(raw)) return cleanText(raw);
  return cleanText(
    raw
      .replace(/\\([$<>*^_\\[\]()&#-])/g, "$1")
      .replace(/â‰¤/g, "≤")
      .replace(/â‰¥/g, "≥")
      .replace(/â€“/g, "–")
      .replace(/â€”/g, "—")
      .replace(/Â(?=[\s\u00a0]|$)/g, "")
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, ""),
  );
}

// ---------------------------------------------------------------------------------------------------
// One paid-tier cell, possibly several prices in free text.

interface CellPrice {
  dimension: string;
  condition: string | undefined;
  usd: number;
  unit: Unit;
}

const ALLOWED_WORDS = new Set([
  "prompts", "prompt", "tokens", "token", "for", "the", "of", "in", "usd", "input", "output", "price", "with", "context",
]);

/**
 * An amount that restates the one before it in another unit: `$3.50 or $0.0053/min (audio)`,
 * `$0.45 ($0.00012 per image)`, `$2.00 (text/image), equivalent to $0.0011 per image`.
 */
const RESTATEMENT_INTRO = /(?:,?\s*\b(?:or|equivalent to)|\()\s*$/i;
const RESTATED_UNIT =
  /^[\s*^†‡]*(?:\/|per)\s*(?:(?:\d+(?:\.\d+)?\s?k\b\S*\s+)?(?:resolution\s+)?images?\b|(min(?:ute)?s?|sec(?:ond)?s?|frames?)\b)/i;
/** `$0.101 per 2K image, and $0.151 per 4K image`: a list, each amount with its own unit. */
const LIST_AND = /,?\s*\band\s*$/i;
/** `Same as Standard $0.20, …` in a Batch or Flex table: the amounts that follow are still stated. */
const SAME_AS_STANDARD = /^same as (?:the )?standard\b[\s:.,;*^†‡-]*$/i;

/**
 * `$1.25, prompts <= 200k tokens $2.50, prompts > 200k tokens` → input 1.25, input@over_200k 2.50.
 * `$0.30 (text / image / video) $1.00 (audio)` → input 0.30, audio_input 1.00.
 * `$12.00 (text and thinking) $0.134 per 1K/2K image $0.24 per 4K image` → output 12, image 0.134.
 * Storage prices per hour, per-image input prices, other image sizes than 1K and restatements of an amount
 * in another unit (per minute, per image) are passed over; any text that is not understood makes the whole
 * cell a problem, never a guess.
 */
function readPaidCell(
  text: string,
  dimension: Dimension,
  headerUnit: CellUnit | undefined,
  labelModality: Set<string> | undefined,
): { prices: CellPrice[]; problems: string[]; passed: { rule: PassRule; text: string }[] } {
  const problems: string[] = [];
  const prices: CellPrice[] = [];
  const passed: { rule: PassRule; text: string }[] = [];
  const amounts = amountSegmentsIn(text);
  if (amounts.length === 0) return { prices, problems: [/free/i.test(text) ? "no paid price" : "no dollar amount"], passed };
  const prefix = text.slice(0, amounts[0]!.index);
  if (prefix.replace(/[\s*^†‡]/g, "") !== "" && !SAME_AS_STANDARD.test(prefix.trim())) problems.push(`text before the first amount ("${prefix.trim()}")`);
  if (/[€£¥]|\b(?:EUR|GBP|JPY|INR)\b/.test(text)) problems.push("another currency");

  const tails = amounts.map((a) => a.tail);
  const restated: ("time" | "image" | undefined)[] = amounts.map(() => undefined);
  for (let i = 1; i < amounts.length; i++) {
    const intro = RESTATEMENT_INTRO.exec(tails[i - 1]!);
    const restatedUnit = intro ? RESTATED_UNIT.exec(tails[i]!) : null;
    if (intro && restatedUnit) {
      tails[i - 1] = tails[i - 1]!.slice(0, intro.index);
      if (intro[0].includes("(")) tails[i] = tails[i]!.replace(")", " ");
      if (restatedUnit[1]) {
        restated[i] = "time";
        tails[i] = tails[i]!.replace(restatedUnit[0], " ");
      } else restated[i] = "image";
      continue;
    }
    const and = LIST_AND.exec(tails[i - 1]!);
    if (and) tails[i - 1] = tails[i - 1]!.slice(0, and.index);
  }
  const segments = tails.map((tail) => readSegment(tail));
  // `$3.50 or $0.0053/min (audio)`: the modality after the restatement is the first amount's too.
  segments.forEach((seg, i) => {
    const base = segments[i - 1];
    if (restated[i] && typeof seg !== "string" && typeof base === "object" && !base.modality) base.modality = seg.modality;
  });

  const passedOver: string[] = [];
  amounts.forEach((a, i) => {
    const usd = a.usd;
    if (usd === undefined) {
      problems.push(`"${a.written}" is not a number`);
      return;
    }
    const seg = segments[i]!;
    if (typeof seg === "string") {
      problems.push(seg);
      return;
    }
    if (seg.skip) {
      passed.push({ rule: "tool-fees", text: `$${a.written}` });
      return;
    }
    const modality = seg.modality ?? labelModality;
    // One amount for text and audio alike is the default price; audio_input/audio_output are audio's own prices.
    const audio = (modality?.has("audio") ?? false) && !modality?.has("text");
    const textual = modality === undefined || modality.has("text") || modality.has("thinking");
    if (restated[i] === "time") {
      // `$3.50 or $0.0053/min (audio)`: the audio token price restated per minute of audio is a price of its own.
      const perMinute = /^\s*\/?\s*(?:per\s*)?min/i.test(a.tail);
      if (audio && perMinute && (dimension === "input" || dimension === "output") && !seg.condition) {
        prices.push({ dimension: `audio_${dimension}_per_minute`, condition: undefined, usd, unit: "minute" });
      } else passed.push({ rule: "restated-in-another-unit", text: `$${a.written}` });
      return;
    }
    if (audio && seg.condition) {
      problems.push(`both a modality and a prompt-size condition for $${a.written}`);
      return;
    }
    const condition = seg.condition;
    const unit = seg.unit ?? headerUnit;

    if (unit === "image") {
      if ((dimension === "input" || dimension === "cached_input") && restated[i]) {
        // the token price before it is the price; this is its per-image equivalent
        passedOver.push(`$${a.written}`);
        passed.push({ rule: "restated-in-another-unit", text: `$${a.written}` });
        return;
      }
      if (dimension === "input") {
        problems.push(`a per-image input price $${a.written} (no price key for it)`);
        return;
      }
      if (dimension === "cached_input") {
        problems.push(`a per-image context caching price $${a.written}`);
        return;
      }
      if (condition || audio) {
        problems.push(`a per-image price with a condition for $${a.written}`);
        return;
      }
      // `per 1K/2K image` → image (the default size, 1K) and image:2k; `per 4K image` → image:4k; `per 0.5K image` → image:0_5k.
      if (!seg.sizes || seg.sizes.includes("1k")) prices.push({ dimension: "image", condition: undefined, usd, unit: "image" });
      for (const size of seg.sizes ?? []) {
        if (size !== "1k") prices.push({ dimension: `image:${size.replace(".", "_")}`, condition: undefined, usd, unit: "image" });
      }
      return;
    }
    if (unit === "1M tokens" || unit === "1K tokens") {
      if (dimension === "image") {
        problems.push(`an image price per ${unit} rather than per image ($${a.written})`);
        return;
      }
      let dim: string = audio ? `audio_${dimension}` : dimension;
      if (!audio && !textual) {
        if (!seg.modality && onlyImages(labelModality) && (dimension === "input" || dimension === "cached_input")) {
          // An "Image input price" row: image input tokens. An "(image)" after an amount in an input cell is
          // not trusted the same way: the page writes per-image amounts so too ("$0.0006 (image)*").
          dim = dimension === "input" ? "image_input" : "image_cached_input";
        } else if (dimension !== "output" || (!modality?.has("image") && !modality?.has("images"))) {
          // (image) / (video) alone: image output tokens have a key, image/video input tokens are passed over.
          passedOver.push(`$${a.written}`);
          passed.push({ rule: "unit-not-tracked", text: `$${a.written}` });
          return;
        } else dim = "image_output";
      }
      prices.push({ dimension: dim, condition, usd: unit === "1K tokens" ? scaleDecimal(usd, 1000) : usd, unit: "1M tokens" });
      return;
    }
    problems.push(
      unit === "other" ? `$${a.written} is not per token or per image` : `no unit for $${a.written} (the header does not say per 1M tokens or per image)`,
    );
  });

  if (problems.length === 0 && prices.length === 0 && passedOver.length > 0) {
    problems.push(`no price this source can key (${passedOver.join(", ")} passed over)`);
  }
  // One key, one price: "$2.00 … $4.00" with nothing telling them apart is not read.
  const byKey = new Map<string, CellPrice[]>();
  for (const p of prices) {
    const k = `${p.dimension}@${p.condition ?? ""}`;
    byKey.set(k, [...(byKey.get(k) ?? []), p]);
  }
  const unique: CellPrice[] = [];
  for (const [k, ps] of byKey) {
    if (new Set(ps.map((p) => p.usd)).size > 1) {
      problems.push(`${ps.length} different amounts for ${k.replace(/@$/, "")} (${ps.map((p) => `$${p.usd}`).join(", ")})`);
    } else unique.push(ps[0]!);
  }
  return { prices: problems.length > 0 ? [] : unique, problems, passed };
}

function onlyImages(modality: Set<string> | undefined): boolean {
  return modality !== undefined && modality.size > 0 && [...modality].every((w) => w === "image" || w === "images");
}

interface Segment {
  skip: boolean;
  unit: Exclude<CellUnit, "other"> | undefined;
  sizes: string[] | undefined;
  condition: string | undefined;
  modality: Set<string> | undefined;
}

/** What follows one amount, up to the next: its unit, prompt-size condition and modality. */
function readSegment(tail: string): Segment | string {
  let t = ` ${tail.toLowerCase().replace(/[\^*†‡]+/g, " ")} `;
  const seg: Segment = { skip: false, unit: undefined, sizes: undefined, condition: undefined, modality: undefined };
  if (/per\s+hour|storage/.test(t)) return { ...seg, skip: true };

  // Modalities first, this page's own words: `(text / image / video)`, `(text and thinking)`.
  for (const m of t.matchAll(/\(([^)]*)\)/g)) {
    const modality = modalityOf(m[0]);
    if (modality) {
      seg.modality = new Set([...(seg.modality ?? []), ...modality]);
      t = t.replace(m[0], " ");
    }
  }

  const stated = statedUnitIn(t);
  if (stated?.unit.per === "other") return `an amount per "${stated.unit.phrase}", not per token or image`;
  if (stated) {
    seg.unit = stated.unit.per;
    if (stated.unit.per === "image") seg.sizes = stated.unit.sizes;
    t = stated.rest;
  }

  // `prompts <= 200k tokens` is the standard context, `prompts > 200k` keys as over_200k; a text naming both
  // sides is left whole, and its words are then not understood.
  const { condition, rest } = contextConditionIn(t);
  if (condition) {
    seg.condition = conditionKey(condition);
    t = rest;
  }

  const leftover = t
    .replace(/[,.;:()\-–—=]/g, " ")
    .split(/\s+/)
    .filter((w) => w !== "" && !ALLOWED_WORDS.has(w));
  if (leftover.length > 0) return `unrecognised wording "${leftover.join(" ")}" after an amount`;
  return seg;
}

// ---------------------------------------------------------------------------------------------------
// Notes and untied tables.

const IMAGE_OUTPUT_NOTE =
  /image output is priced at\s*\$\s?(\d[\d,]*(?:\.\d+)?)\s*(?:\/|per)\s*(?:1,000,000|1\s?M|one million|million)\s*tokens/i;

/**
 * "Image output is priced at $30 per 1,000,000 tokens. … equivalent to $0.039 per image." under a model
 * whose table gave a per-image price: the standard `image_output` token price of that model.
 */
function readImageOutputNote(result: ExtractionBuilder, section: Section, where: string, imageModels: Set<string>): void {
  if (imageModels.size === 0) return;
  const found = section.notes.flatMap((text) => {
    const m = IMAGE_OUTPUT_NOTE.exec(normalizeCell(text));
    return m ? [{ text: normalizeCell(text), usd: parseDecimal(m[1]!) }] : [];
  });
  if (found.length === 0) return;
  const amounts = new Set(found.map((f) => f.usd));
  if (amounts.size > 1 || found[0]!.usd === undefined) {
    result.problem(`image output priced differently in ${found.length} notes: not read`, `${where}, note`);
    return;
  }
  for (const id of imageModels) {
    result.observe(
      { model: `${VENDOR}/${id}`, price: "image_output", usd: found[0]!.usd!, unit: "1M tokens", evidence: found[0]!.text },
      `${where}, note "${found[0]!.text.slice(0, 60)}"`,
    );
  }
}

function tableHasPriceRows(table: PageTable): boolean {
  return table.rows.some((r) => classifyRow(displayText(r.cells[0] ?? ""), "").kind === "price");
}

function tableHasPrices(table: PageTable): boolean {
  return table.rows.some(
    (r) =>
      classifyRow(displayText(r.cells[0] ?? ""), "").kind === "price" &&
      r.cells.slice(1).some((c) => /\$\s?\d/.test(normalizeCell(c))),
  );
}
