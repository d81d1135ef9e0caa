/**
 * Which `<tr>` of a stored page a source's evidence text came from, and the page made ready for a
 * screenshot of those rows' tables. Pure: a page body in, HTML out; Chromium only ever sees the result.
 */
import type { CheerioAPI } from "cheerio";
import type { Element } from "domhandler";
import { cleanText, loadPageToRender, type PageFormat } from "../extract/document.ts";
import { jsxTablesAsHtml } from "../extract/jsx-table.ts";
import { mdxAsMarkdown } from "../extract/mdx.ts";
import { readTables } from "../extract/tables.ts";

/** A row of the page: the index of its table in document order, and of the row among that table's own rows. */
export interface RowLocation {
  table: number;
  row: number;
}

/** Marks the pages get, read back by the screenshot step: the element to picture, the rows to highlight. */
export const SHOT_ATTR = "data-evidence-shot";
export const ROW_ATTR = "data-evidence-row";

// Sources join cells in their own way ("a | b", "a b", "context › label: cell", a markdown line), and a
// cell's text differs in spacing between cheerio and a browser (`<br>`): compare without whitespace.
const squash = (text: string) => text.replace(/[\s\u00a0\u2007\u202f]+/g, "").toLowerCase();
const alnum = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "");

function ownRows($: CheerioAPI, table: Element): Element[] {
  return $(table)
    .find("tr")
    .toArray()
    .filter((tr) => $(tr).closest("table")[0] === table);
}

/**
 * The row whose cells the evidence text quotes: the one with the most text in common with it, where that
 * is at least half of the row and includes a cell with a digit (a price) or is the whole row (`Free`).
 * Sources add context around the row (`[models from: …]`, `(announced: …)`), so the evidence may be longer.
 * Identical rows (`Medium | $0.034 | …` under two models, one `Input price` row per model section) go to
 * the one closest below a row naming the model (`names`: its API id, display name), then to the table under
 * the headings the evidence quotes or that name the model, then to one just below its tier's label (`Batch`),
 * then to the first in the page.
 */
export function locateRow($: CheerioAPI, evidence: string, hints: RowHints = {}): RowLocation | undefined {
  return rowCandidates($, evidence, hints)[0]?.at;
}

/** What else is known about the row: whose it is, and the tier words of its price keys (`batch`, `standard`). */
export interface RowHints {
  names?: readonly string[];
  tiers?: readonly string[];
}

export interface RowCandidate {
  at: RowLocation;
  /** The row's cells, joined with ` | `. */
  text: string;
  /** Characters (whitespace aside) of the row's cells found in the evidence. */
  matched: number;
  /** Rows up to one naming the model (0: this one). */
  distance: number;
  /** How much of the headings above the table the evidence quotes or the model's names equal. */
  headingScore: number;
  /** Tier words of the price keys found in the few blocks just above the table. */
  tierScore: number;
}

/** Every row that could be the evidence's, best first. */
export function rowCandidates($: CheerioAPI, evidence: string, hints: RowHints = {}): RowCandidate[] {
  const wanted = squash(evidence);
  if (wanted === "") return [];
  const modelNames = [...new Set((hints.names ?? []).map(alnum).filter((n) => n !== ""))];
  const tiers = (hints.tiers ?? []).map((t) => t.toLowerCase());
  const headings = headingPaths($);
  const found: RowCandidate[] = [];
  $("table")
    .toArray()
    .forEach((table, t) => {
      const rows = ownRows($, table).map((tr) =>
        $(tr)
          .children("th, td")
          .toArray()
          .map((cell) => $(cell).text()),
      );
      // Sections per model or tier (Gemini: "Gemini 2.5 Flash" › "Batch") tell identical rows apart.
      const headingScore = (headings.get(table) ?? []).reduce((n, h) => {
        const quoted = squash(h) !== "" && wanted.includes(squash(h)) ? squash(h).length : 0;
        return n + quoted + (modelNames.includes(alnum(h)) ? alnum(h).length : 0);
      }, 0);
      // Tier tabs (OpenAI: "Batch", "Flex" as text just above a table) tell identical rows apart by tier.
      const above = blocksAbove($, table).map((el) => $(el).text().toLowerCase());
      const tierScore = tiers.filter((tier) => above.some((text) => new RegExp(`\\b${tier}\\b`).test(text))).length;
      rows.forEach((cells, r) => {
        const texts = cells.map(squash).filter((c) => c !== "");
        const total = texts.reduce((n, c) => n + c.length, 0);
        const quoted = texts.filter((c) => wanted.includes(c));
        const matched = quoted.reduce((n, c) => n + c.length, 0);
        const pricedOrWhole = quoted.some((c) => /\d/.test(c)) || quoted.length === texts.length;
        if (quoted.length === 0 || !pricedOrWhole || matched * 2 < total) return;
        const distance = distanceToName(rows, r, modelNames);
        found.push({ at: { table: t, row: r }, text: cells.join(" | "), matched, distance, headingScore, tierScore });
      });
    });
  // Stable sort: document order decides what is left tied.
  return found.sort((a, b) => b.matched - a.matched || a.distance - b.distance || b.headingScore - a.headingScore || b.tierScore - a.tierScore);
}

const headingPathsOf = new WeakMap<CheerioAPI, Map<Element, string[]>>();

/** The headings a table sits under (h1 › h2 › …, the nearest last), by table: as the sources read them. */
function headingPaths($: CheerioAPI): Map<Element, string[]> {
  // Once per document: readTables reads every table, and a page is searched once per evidence row.
  let paths = headingPathsOf.get($);
  if (!paths) {
    const elements = $("table").toArray();
    paths = new Map(readTables($).map((t) => [elements[t.index]!, t.headings]));
    headingPathsOf.set($, paths);
  }
  return paths;
}

/** Up to three blocks just above a table, not reaching back past another table. */
function blocksAbove($: CheerioAPI, table: Element): Element[] {
  const blocks: Element[] = [];
  for (const el of $(table).prevAll().toArray()) {
    if (blocks.length === 3 || el.tagName === "table" || $(el).find("table").length > 0) break;
    blocks.push(el);
  }
  return blocks;
}

/** Rows up from `r` (itself = 0) to the nearest one with a cell naming the model; Infinity if none. */
function distanceToName(rows: string[][], r: number, names: readonly string[]): number {
  if (names.length === 0) return Infinity;
  for (let i = r; i >= 0; i--) {
    if (rows[i]!.some((cell) => names.includes(alnum(cell)))) return r - i;
  }
  return Infinity;
}

/**
 * A stored page as a person sees it, to find and picture rows in: HTML as stored; markdown rendered, with the
 * tables a docs site draws from components shown as tables (a `DocTable` call's props, the tables inside
 * Mintlify tabs and accordions), as the sources read them.
 */
export function loadPageToPicture(body: string, format: PageFormat): CheerioAPI {
  return loadPageToRender(format === "markdown" ? mdxAsMarkdown(jsxTablesAsHtml(body)) : body, format);
}

/**
 * The paragraph or list item an evidence text came from when it is not a table row (Gemini's footnote
 * "Image output is priced at $30 per 1,000,000 tokens…"): the smallest block holding most of the text.
 */
export function locateBlock($: CheerioAPI, evidence: string): Element | undefined {
  const wanted = squash(evidence);
  if (wanted === "") return undefined;
  // Evidence read off a page laid out one value a line is its path there, "Text tokens › Input › $2.00": the
  // block that holds those pieces in that order.
  // A price card's evidence is its lines in order, "Scribe v2 · Speech to Text · $0.22 · Price per hour": the same.
  const pieces = / [›·] /.test(evidence) ? evidence.split(/ [›·] /).map(squash).filter((p) => p !== "") : [];
  const smallest = (selector: string): Element | undefined => {
    let best: { el: Element; size: number } | undefined;
    for (const el of $(selector).toArray() as Element[]) {
      const text = squash($(el).text());
      const inside = text.includes(wanted) || (text.length * 2 >= wanted.length && wanted.includes(text)) || (pieces.length > 1 && inOrder(text, pieces));
      if (inside && (!best || text.length < best.size)) best = { el, size: text.length };
    }
    return best?.el;
  };
  // Text blocks first; a page built of divs (price cards) only when no text block holds it.
  return smallest("p, li, dd, blockquote") ?? smallest("div");
}

function inOrder(text: string, pieces: readonly string[]): boolean {
  let at = 0;
  for (const piece of pieces) {
    const i = text.indexOf(piece, at);
    if (i < 0) return false;
    at = i + piece.length;
  }
  return true;
}

/** Readable, print-like look for markdown rendered bare, and the highlight (kept on top of a vendor's own CSS). */
const STYLESHEET = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1f2328;background:#fff;margin:16px}
table{border-collapse:collapse;margin:12px 0}
th,td{border:1px solid #d0d7de;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
[${SHOT_ATTR}]{background:#fff}
[${SHOT_ATTR}] caption{caption-side:top;text-align:left;padding:6px 2px;font-weight:600}
[${SHOT_ATTR}] caption small{display:block;font-weight:400;color:#59636e}
tr[${ROW_ATTR}]>th,tr[${ROW_ATTR}]>td,:not(tr)[${ROW_ATTR}]{background:#fff1a8 !important;color:#1f2328 !important;font-weight:600;box-shadow:inset 0 2px 0 #d4a000,inset 0 -2px 0 #d4a000}
:not(tr)[${ROW_ATTR}]{padding:4px 6px}
`;

export interface EvidencePage {
  /** The page as one self-contained HTML document: marked tables and rows, and the stylesheet. */
  html: string;
  /**
   * What to picture, in page order: each a table (or, for text outside tables, a paragraph) marked
   * `[data-evidence-shot="<marker>"]`, and the evidence texts highlighted in it.
   */
  shots: { marker: string; rows: string[] }[];
  /** Evidence texts found nowhere on the page. */
  notFound: string[];
}

/**
 * The stored page (markdown rendered as the sources read it, HTML as stored) with the rows the evidence
 * texts came from marked and highlighted, each of their tables captioned with its headings and `provenance`.
 * Scripts, refresh and prefetch hints are dropped: the screenshot is of the page as fetched, offline.
 */
export function evidencePage(
  body: string,
  format: PageFormat,
  rows: readonly { evidence: string; tiers: readonly string[] }[],
  names: readonly string[],
  provenance: string,
): EvidencePage {
  const $ = loadPageToPicture(body, format);
  $('script, meta[http-equiv="refresh" i], link[rel~="preconnect" i], link[rel~="dns-prefetch" i], link[rel~="prefetch" i], link[rel~="prerender" i], base').remove();
  const tables = $("table").toArray();
  const found = new Map<Element, { rows: Set<Element>; evidence: string[] }>();
  const notFound: string[] = [];
  for (const { evidence, tiers } of rows) {
    const at = locateRow($, evidence, { names, tiers });
    const shot = at ? tables[at.table]! : locateBlock($, evidence);
    if (!shot) {
      notFound.push(evidence);
      continue;
    }
    const slot = found.get(shot) ?? { rows: new Set<Element>(), evidence: [] };
    slot.rows.add(at ? ownRows($, shot)[at.row]! : shot);
    slot.evidence.push(evidence);
    found.set(shot, slot);
  }

  const order = $("*").toArray();
  const shots: EvidencePage["shots"] = [];
  for (const [el, slot] of [...found].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))) {
    const marker = String(shots.length + 1);
    $(el).attr(SHOT_ATTR, marker);
    for (const row of slot.rows) $(row).attr(ROW_ATTR, "");
    if (el.tagName === "table") caption($, el, provenance);
    revealAncestors($, el);
    shots.push({ marker, rows: slot.evidence });
  }
  if ($("head").length === 0) $("html").prepend("<head></head>");
  $("head").prepend('<meta charset="utf-8">').append($("<style>").text(STYLESHEET));
  return { html: $.html(), shots, notFound };
}

/** The table's own caption, or the headings it sits under, plus where the page came from. */
function caption($: CheerioAPI, table: Element, provenance: string): void {
  const existing = $(table).children("caption").first();
  const line = $("<small>").text(provenance);
  if (existing.length > 0) {
    existing.append(line);
    return;
  }
  // A tab label just above the table ("Flex", "Batch") is part of what the table means.
  const label = blocksAbove($, table)
    .filter((el) => !/^h[1-6]$/.test(el.tagName) && $(el).find("a").length === 0)
    .map((el) => cleanText($(el).text()))
    .find((text) => text !== "" && text.length <= 24);
  const title = [...(headingPaths($).get(table) ?? []).slice(-2), ...(label ? [label] : [])].join(" › ");
  $(table).prepend($("<caption>").text(title).append(line));
}

/** A table inside a closed tab (`hidden`, inline `display:none`) would have no box to screenshot. */
function revealAncestors($: CheerioAPI, el: Element): void {
  for (const parent of $(el).parents().toArray()) {
    $(parent).removeAttr("hidden");
    const style = $(parent).attr("style");
    if (style && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) {
      $(parent).attr("style", style.replace(/display\s*:\s*none/gi, "display:block").replace(/visibility\s*:\s*hidden/gi, "visibility:visible"));
    }
  }
}
