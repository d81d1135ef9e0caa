import type { CheerioAPI } from "cheerio";
import type { Element } from "domhandler";
import type { Extraction } from "../../schemas/observation.ts";
import type { Tier, Unit } from "../../schemas/price-key.ts";
import { cleanText, loadDocument, type PageFormat } from "../extract/document.ts";
import { isNoPrice, parseDecimal, scaleDecimal } from "../extract/money.ts";
import { type PageTable, readTables } from "../extract/tables.ts";
import { ExtractionBuilder, extractWith, type PricingSource } from "./source.ts";

/**
 * ai.google.dev/gemini-api/docs/pricing: one section per model,
 *
 *   ## Gemini 2.5 Pro                      (display name)
 *   *`gemini-2.5-pro`*                     (the API id line; several ids may be listed)
 *   ### Standard   | | Free Tier | Paid Tier, per 1M tokens in USD |
 *   ### Batch      | | Free Tier | Paid Tier, per 1M tokens in USD |
 *
 * or a single table straight under the model heading (Imagen, Veo, Live API, Computer Use).
 * Prices sit in free text inside the paid-tier cell: `$1.25, prompts <= 200k tokens $2.50, prompts > 200k`,
 * `$0.30 (text / image / video) $1.00 (audio)`, `$0.039 per image*`.
 *
 * A table is tied to a model only through the id line of the section it sits in; a section without one
 * is never guessed (the jina conversion of this page drops the model headings and ids).
 */

const SOURCE_ID = "gemini-pricing";
const VENDOR = "google";
/** Fewer models than this read off the page means the layout changed under us. */
const MIN_MODELS = 5;

export const geminiPricingSource: PricingSource = {
  id: SOURCE_ID,
  vendor: VENDOR,
  url: "https://ai.google.dev/gemini-api/docs/pricing",
  format: "markdown",
  fetchWith: "http",
  extract(body: string, format: PageFormat = "markdown"): Extraction {
    return extractWith(SOURCE_ID, body, (result) => readPage(result, loadDocument(body, format)));
  },
};

// ---------------------------------------------------------------------------------------------------
// The page as a flat sequence of headings, id lines, tables and paragraphs, in document order.

type PageEvent =
  | { kind: "heading"; level: number; text: string }
  | { kind: "ids"; ids: string[]; text: string }
  | { kind: "table"; table: PageTable }
  | { kind: "text"; text: string };

const BLOCKS = "p,div,ul,ol,li,table,h1,h2,h3,h4,h5,h6,section,article";

function pageEvents($: CheerioAPI): PageEvent[] {
  const tables = readTables($);
  const byElement = new Map<Element, PageTable>();
  $("table").each((i, el) => {
    const t = tables[i];
    if (t) byElement.set(el, t);
  });
  const events: PageEvent[] = [];
  $("h1,h2,h3,h4,h5,h6,table,p,div,li").each((_, el) => {
    if ($(el).parents("table").length > 0) return;
    const tag = el.tagName.toLowerCase();
    const heading = /^h([1-6])$/.exec(tag);
    if (heading) {
      events.push({ kind: "heading", level: Number(heading[1]), text: displayText($(el).text()) });
      return;
    }
    if (tag === "table") {
      const table = byElement.get(el);
      if (table) events.push({ kind: "table", table });
      return;
    }
    // Only leaf text blocks: a wrapper <div> is represented by what it contains.
    if ($(el).find(BLOCKS).length > 0) return;
    const text = displayText(blockText($, el));
    if (text === "") return;
    const ids = tag === "li" ? undefined : idLine($, el);
    events.push(ids ? { kind: "ids", ids, text } : { kind: "text", text });
  });
  return events;
}

/** A block's text with `<br>` read as a space. */
function blockText($: CheerioAPI, el: Element): string {
  const clone = $(el).clone();
  clone.find("br").replaceWith(" ");
  return clone.text();
}

const MODEL_ID = /^(?:models\/)?([a-z0-9][a-z0-9._-]*[a-z0-9])$/;

/** `*\`imagen-4.0-generate-001\`,\`imagen-4.0-fast-generate-001\`*` → the ids; undefined for any other block. */
function idLine($: CheerioAPI, el: Element): string[] | undefined {
  const codes = $(el)
    .find("code")
    .toArray()
    .map((c) => cleanText($(c).text()));
  if (codes.length === 0) return undefined;
  let rest = cleanText($(el).text());
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
      const tier = t.sub ? tierOf(t.sub.text) : undefined;
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

const TIER_HEADINGS: { re: RegExp; tier: Tier | "standard" }[] = [
  { re: /^standard\b/i, tier: "standard" },
  { re: /^batch\b/i, tier: "batch" },
  { re: /^flex\b/i, tier: "flex" },
  { re: /^priority\b/i, tier: "priority" },
];

function tierOf(heading: string): Tier | "standard" | undefined {
  return TIER_HEADINGS.find((t) => t.re.test(heading))?.tier;
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
  for (const item of section.tables) {
    const subWhere = item.sub ? `${where} › ${"#".repeat(item.sub.level)} ${item.sub.text}` : where;
    if (item.afterStrayIds) {
      result.problem("table follows a stray model id line: cannot tell which model it prices, not read", subWhere);
      continue;
    }
    const tier = item.sub ? tierOf(item.sub.text) : "standard";
    if (!tier) {
      result.problem(`sub-heading "${item.sub?.text}" is not a pricing tier (Standard, Batch, …): table not read`, subWhere);
      continue;
    }
    if (seenTiers.has(tier)) {
      result.problem(
        `a second ${tier} table in this section (a model heading is probably missing above it): not read`,
        subWhere,
      );
      continue;
    }
    seenTiers.add(tier);
    const context = item.sub ? `${section.heading} › ${item.sub.text}` : section.heading;
    readPriceTable(result, section, tier === "standard" ? undefined : tier, item.table, subWhere, context, imageModels);
  }
  readImageOutputNote(result, section, where, imageModels);
}

/** "Gemini 2.5 Pro" with id `gemini-3-pro`: the id line belongs to another model. */
function versionMismatch(heading: string, ids: string[]): string | undefined {
  for (const m of heading.matchAll(/(?<![\w.])(\d+(?:\.\d+)?)(?![\w.])/g)) {
    const version = Number(m[1]);
    const found = ids.some((id) => id.split(/[-_]/).some((t) => /^\d+(?:\.\d+)?$/.test(t) && Number(t) === version));
    if (!found) return m[1];
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// One price table.

type Dimension = "input" | "output" | "cached_input" | "image";

type RowKind =
  | { kind: "price"; dimension: Dimension; qualifier: string[]; modality: Set<string> | undefined }
  | { kind: "skip" }
  | { kind: "unknown" };

const MODALITY_WORDS = new Set([
  "text", "image", "images", "video", "videos", "audio", "thinking", "pdf", "pdfs", "document", "documents",
]);
const SKIPPED_ROWS =
  /storage|grounding|used to improve|tuning|google search|google maps|code execution|url context|computer use|file search|video|rate limit|search quer/i;
const PRICE_LABEL =
  /^(.*?)\b(input|output|context caching|cached input|image generation|image)(?:\s+tokens?)?\s+pric(?:e|ing)\b(.*)$/i;

function classifyRow(label: string, heading: string): RowKind {
  if (/storage/i.test(label)) return { kind: "skip" };
  const m = PRICE_LABEL.exec(label);
  if (!m) return SKIPPED_ROWS.test(label) ? { kind: "skip" } : { kind: "unknown" };
  const word = m[2]!.toLowerCase();
  const dimension: Dimension =
    word === "input" ? "input" : word === "output" ? "output" : word.startsWith("image") ? "image" : "cached_input";
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

type HeaderUnit = "1M" | "image" | "other" | undefined;

function headerUnit(header: string): HeaderUnit {
  if (/per\s*(?:1\s?M|1,000,000|one million|million)\s*tokens?/i.test(header)) return "1M";
  if (/per\s*images?\b/i.test(header)) return "image";
  if (/per\s*(?:second|minute|hour|video|request|call|query|1,000|1\s?K)\b/i.test(header)) return "other";
  return undefined;
}

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
  const unit = headerUnit(table.header[paidCol]!);

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
    if (kind.kind === "skip") return;
    if (kind.kind === "unknown") {
      if (/\$\s?\d/.test(paidText)) result.problem(`row "${label}" has a price but is not a known price row: not read`, rowWhere);
      return;
    }
    if (paidText === "") {
      result.problem("the paid-tier cell is empty", rowWhere);
      return;
    }
    if (isNoPrice(paidText) || /^(?:free(?: of charge)?|not available|unavailable|n\/a)\b[\s.*]*$/i.test(paidText)) return;
    const ids = idsFor(kind.qualifier, section.ids, qualifiers);
    if (typeof ids === "string") {
      result.problem(ids, rowWhere);
      return;
    }
    const read = readPaidCell(paidText, kind.dimension, unit, kind.modality);
    for (const p of read.problems) result.problem(`${p} in "${paidText}"`, rowWhere);
    if (read.problems.length > 0) return;
    const evidence = `${context} › ${label}: ${paidText}`;
    for (const price of read.prices) {
      const key = `${tier ? `${tier}/` : ""}${price.dimension}${price.condition ? `@${price.condition}` : ""}`;
      for (const id of ids) {
        result.observe({ model: `${VENDOR}/${id}`, price: key, usd: price.usd, unit: price.unit, evidence }, rowWhere);
        if (price.dimension === "image") imageModels.add(id);
      }
    }
  });
}

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

const AMOUNT = /\$\s?(\d[\d,]*(?:\.\d+)?)/g;
const ALLOWED_WORDS = new Set([
  "prompts", "prompt", "tokens", "token", "for", "the", "of", "in", "usd", "input", "output", "price", "with", "context",
]);

/**
 * `$1.25, prompts <= 200k tokens $2.50, prompts > 200k tokens` → input 1.25, input@over_200k 2.50.
 * `$0.30 (text / image / video) $1.00 (audio)` → input 0.30, input@audio 1.00.
 * `$12.00 (text and thinking) $0.134 per 1K/2K image $0.24 per 4K image` → output 12, image 0.134.
 * Storage prices per hour, per-image input prices and larger image sizes are passed over; any text
 * that is not understood makes the whole cell a problem, never a guess.
 */
function readPaidCell(
  text: string,
  dimension: Dimension,
  headerUnit: HeaderUnit,
  labelModality: Set<string> | undefined,
): { prices: CellPrice[]; problems: string[] } {
  const problems: string[] = [];
  const prices: CellPrice[] = [];
  const matches = [...text.matchAll(AMOUNT)];
  if (matches.length === 0) return { prices, problems: [/free/i.test(text) ? "no paid price" : "no dollar amount"] };
  const prefix = text.slice(0, matches[0]!.index);
  if (prefix.replace(/[\s*^†‡]/g, "") !== "") problems.push(`text before the first amount ("${prefix.trim()}")`);
  if (/[€£¥]|\b(?:EUR|GBP|JPY|INR)\b/.test(text)) problems.push("another currency");

  const largerSizesOnly: string[] = [];
  const passedOver: string[] = [];
  matches.forEach((m, i) => {
    const usd = parseDecimal(m[1]!);
    const tail = text.slice(m.index + m[0].length, matches[i + 1]?.index ?? text.length);
    if (usd === undefined) {
      problems.push(`"${m[1]}" is not a number`);
      return;
    }
    const seg = readSegment(tail);
    if (typeof seg === "string") {
      problems.push(seg);
      return;
    }
    if (seg.skip) return;
    const modality = seg.modality ?? labelModality;
    const audio = modality?.has("audio") ?? false;
    const textual = modality === undefined || modality.has("text") || modality.has("thinking");
    if (audio && modality?.has("text")) {
      problems.push(`one amount $${m[1]} for both text and audio`);
      return;
    }
    if (audio && seg.condition) {
      problems.push(`both a modality and a prompt-size condition for $${m[1]}`);
      return;
    }
    const condition = audio ? "audio" : seg.condition;
    const unit = seg.unit ?? headerUnit;

    if (unit === "image") {
      if (dimension === "input") {
        problems.push(`a per-image input price $${m[1]} (no price key for it)`);
        return;
      }
      if (dimension === "cached_input") {
        problems.push(`a per-image context caching price $${m[1]}`);
        return;
      }
      if (seg.sizes && !seg.sizes.includes("1k")) {
        largerSizesOnly.push(`$${m[1]}`); // 4K images: only the default (1K) size has a key
        return;
      }
      if (condition) {
        problems.push(`a per-image price with a condition for $${m[1]}`);
        return;
      }
      prices.push({ dimension: "image", condition: undefined, usd, unit: "image" });
      return;
    }
    if (unit === "1M" || unit === "1K") {
      if (dimension === "image") {
        problems.push(`an image price per ${unit} tokens rather than per image ($${m[1]})`);
        return;
      }
      let dim: string = dimension;
      if (!audio && !textual) {
        // (image) / (video) alone: image output tokens have a key, image/video input tokens are passed over.
        if (dimension !== "output" || (!modality?.has("image") && !modality?.has("images"))) {
          passedOver.push(`$${m[1]}`);
          return;
        }
        dim = "image_output";
      }
      prices.push({ dimension: dim, condition, usd: unit === "1K" ? scaleDecimal(usd, 1000) : usd, unit: "1M tokens" });
      return;
    }
    problems.push(
      unit === "other" ? `$${m[1]} is not per token or per image` : `no unit for $${m[1]} (the header does not say per 1M tokens or per image)`,
    );
  });

  if (problems.length === 0 && prices.length === 0 && (largerSizesOnly.length > 0 || passedOver.length > 0)) {
    problems.push(`no price this source can key (${[...largerSizesOnly, ...passedOver].join(", ")} passed over)`);
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
  return { prices: problems.length > 0 ? [] : unique, problems };
}

interface Segment {
  skip: boolean;
  unit: "1M" | "1K" | "image" | undefined;
  sizes: string[] | undefined;
  condition: string | undefined;
  modality: Set<string> | undefined;
}

/** What follows one amount, up to the next: its unit, prompt-size condition and modality. */
function readSegment(tail: string): Segment | string {
  let t = ` ${tail.toLowerCase().replace(/[\^*†‡]+/g, " ")} `;
  const seg: Segment = { skip: false, unit: undefined, sizes: undefined, condition: undefined, modality: undefined };
  if (/per\s+hour|storage/.test(t)) return { ...seg, skip: true };

  // Modalities first: the "/" of "(text / image / video)" is not "per image".
  for (const m of t.matchAll(/\(([^)]*)\)/g)) {
    const modality = modalityOf(m[0]);
    if (modality) {
      seg.modality = new Set([...(seg.modality ?? []), ...modality]);
      t = t.replace(m[0], " ");
    }
  }

  const perImage = /(?:\/|per)\s*(?:(\d+\s?k(?:\s*\/\s*\d+\s?k)*)\s+)?images?\b/.exec(t);
  const per1M = /(?:\/|per)\s*(?:1\s?m\b|1,000,000\b|one million\b|million\b)(?:\s*tokens?\b)?/.exec(t);
  const per1K = /(?:\/|per)\s*(?:1\s?k\b|1,000\b)\s*tokens?\b/.exec(t);
  const perOther = /(?:\/|per)\s*(?:1\s?k\b|1,000\b|second|minute|request|query|queries|call|grounded)/.exec(t);
  if (perImage) {
    seg.unit = "image";
    seg.sizes = perImage[1]?.split("/").map((s) => s.replace(/\s/g, ""));
    t = t.replace(perImage[0], " ");
  } else if (per1M) {
    seg.unit = "1M";
    t = t.replace(per1M[0], " ");
  } else if (per1K) {
    seg.unit = "1K";
    t = t.replace(per1K[0], " ");
  } else if (perOther) {
    return `an amount per "${perOther[0].trim()}", not per token or image`;
  }

  const upTo = /(?:<=|≤|=<|<|up to|under|below|less than|at most)\s*(\d+)\s*k\b/.exec(t);
  const over = /(?:>=|≥|>|over|above|more than|longer than)\s*(\d+)\s*k\b/.exec(t);
  if (upTo) t = t.replace(upTo[0], " ");
  if (over) {
    seg.condition = `over_${over[1]}k`;
    t = t.replace(over[0], " ");
  }
  if (upTo && over) return `both "<= ${upTo[1]}k" and "> ${over[1]}k" after one amount`;

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
