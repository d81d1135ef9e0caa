import type { CheerioAPI } from "cheerio";
import { type AnyNode, type Element, hasChildren, isComment, isTag, isText } from "domhandler";
import { cleanText } from "./document.ts";

/** A table read off a page, with merged cells expanded and the text around it that names it. */
export interface PageTable {
  /** 0-based position among the page's tables, for problem messages: "table 3". */
  index: number;
  /** Header cells (the `<thead>` row, or the first row when there is none). */
  header: string[];
  /** Body rows; a cell spanning rows or columns is repeated into every slot it covers. */
  rows: TableRow[];
  /** The headings above the table, outermost first: ["Image generation", "Standard pricing data"]. */
  headings: string[];
  /** Short text blocks between the nearest heading and the table (e.g. a "Batch" tab label), in order. */
  preface: string[];
}

export interface TableRow {
  cells: string[];
  /** Which cells were filled from a rowspan above rather than written in this row. */
  inherited: boolean[];
  /** The row as written on the page, for evidence and problem messages. */
  text: string;
  /** Each cell's inner HTML (`readTables($, { markup: true })` only): for a cell whose markup says more than its text, a struck list price. */
  markup?: string[];
  /**
   * Per cell, its text block by block (`<p>`, `<blockquote>`, `<div>`, `<br>`…), when `readTables` is asked for
   * them: a cell `<p>qwen-plus</p><blockquote>Currently equivalent to …</blockquote>` is ["qwen-plus", "Currently
   * equivalent to …"], where `cells` runs the blocks together ("qwen-plusCurrently equivalent to …").
   */
  lines?: string[][];
}

export interface ReadTablesOptions {
  /** Keep each cell's inner HTML beside its text (`TableRow.markup`). */
  markup?: boolean;
  /** Also give each cell's text block by block (`TableRow.lines`). */
  lines?: boolean;
  /**
   * Keep struck-through text marked in `cells` as `~~…~~` (`<del>`, `<s>`, `<strike>`), so a cell
   * `<del>$0.15</del> $0.075` reads "~~$0.15~~ $0.075" for `saleIn` instead of two bare amounts.
   */
  strikes?: boolean;
}

/** Read every `<table>` of a document, in page order. */
export function readTables($: CheerioAPI, options: ReadTablesOptions = {}): PageTable[] {
  // Plain walks over the parsed nodes: a cheerio wrapper or selector per cell and per sibling made this
  // half of every source's extraction time.
  return descendants($.root()[0]!, "table").map((table, index) => {
    const trs = descendants(table, "tr");
    const grid = expandGrid(trs, options.markup ? (cell) => $(cell).html() ?? "" : undefined, options.lines === true, options.strikes === true);
    const hasHead = trs.some((tr) => hasAncestor(tr, "thead"));
    const [first, ...rest] = grid;
    return {
      index,
      header: first?.cells ?? [],
      rows: hasHead || grid.length > 0 ? rest : [],
      ...context(table),
    };
  });
}

/** A table's `<tr>`s with `rowspan`/`colspan` expanded into a rectangular-enough grid. */
function expandGrid(trs: readonly Element[], markupOf: ((cell: Element) => string) | undefined, withLines: boolean, strikes: boolean): TableRow[] {
  const rows: TableRow[] = [];
  // Cells still owed to later rows by a rowspan: column → { text, html, lines, rows left }.
  const pending = new Map<number, { text: string; html: string; lines: string[]; left: number }>();
  for (const tr of trs) {
    const cells: string[] = [];
    const lines: string[][] = [];
    const inherited: boolean[] = [];
    const markup: string[] = [];
    let col = 0;
    const fillPending = () => {
      for (let p = pending.get(col); p; p = pending.get(col)) {
        cells[col] = p.text;
        markup[col] = p.html;
        lines[col] = p.lines;
        inherited[col] = true;
        if (--p.left === 0) pending.delete(col);
        col++;
      }
    };
    for (const cell of tr.children) {
      if (!isTag(cell) || (cell.name !== "th" && cell.name !== "td")) continue;
      fillPending();
      const html = markupOf ? markupOf(cell) : "";
      const text = cellText(cell, strikes);
      const blocks = withLines ? blockLines(cell) : [];
      const colspan = clampSpan(cell.attribs.colspan);
      const rowspan = clampSpan(cell.attribs.rowspan);
      for (let i = 0; i < colspan; i++) {
        cells[col] = text;
        markup[col] = html;
        lines[col] = blocks;
        inherited[col] = false;
        if (rowspan > 1) pending.set(col, { text, html, lines: blocks, left: rowspan - 1 });
        col++;
      }
    }
    fillPending();
    rows.push({
      cells: Array.from(cells, (c) => c ?? ""),
      inherited: Array.from(inherited, (c) => c ?? false),
      text: cleanText(textOf(tr)),
      ...(markupOf ? { markup: Array.from(cells, (_, i) => markup[i] ?? "") } : {}),
      ...(withLines ? { lines: Array.from(lines, (l) => l ?? []) } : {}),
    });
  }
  return rows;
}

const BLOCKS = new Set(["p", "div", "blockquote", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "section", "dd", "dt"]);

/** A cell's text split where a block element (or `<br>`) starts or ends, each piece cleaned, empty ones dropped. */
function blockLines(cell: Element): string[] {
  const out: string[] = [];
  let line = "";
  const flush = () => {
    const t = cleanText(line);
    if (t) out.push(t);
    line = "";
  };
  const walk = (n: AnyNode) => {
    if (isText(n)) line += n.data;
    else if (isTag(n) && n.name === "br") flush();
    else if (hasChildren(n) && !isComment(n)) {
      const block = isTag(n) && BLOCKS.has(n.name);
      if (block) flush();
      for (const c of n.children) walk(c);
      if (block) flush();
    }
  };
  for (const c of cell.children) walk(c);
  flush();
  return out;
}

/**
 * A header of two rows: a group cell spanning columns ("Output price (per 1 million tokens)", colspan 2) over
 * its sub-headers ("Non-Thinking mode" | "Thinking mode"), the other header cells spanning both rows. The
 * second row is read as the first body row by `readTables`; this joins it into the header ("Output price (per
 * 1 million tokens) Thinking mode") and drops it. A table whose first body row does not carry the header's
 * first cell down (by rowspan) is returned as it is.
 */
export function withSubHeaders(table: PageTable): PageTable {
  const [second, ...rest] = table.rows;
  if (!second || !second.inherited[0] || second.cells[0] !== table.header[0]) return table;
  const header = table.header.map((h, i) => {
    const sub = second.cells[i] ?? "";
    return second.inherited[i] || sub === "" || sub === h ? h : `${h} ${sub}`;
  });
  return { ...table, header, rows: rest };
}

function clampSpan(value: string | undefined): number {
  const n = Number.parseInt(value ?? "1", 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, 50) : 1;
}

/** A cell's text; `<br>` becomes a space so "Portrait:<br>1024x1536" stays readable. */
function cellText(cell: Element, strikes = false): string {
  return cleanText(textOf(cell, " ", strikes));
}

/** The text of a node as cheerio's `.text()` gives it (text and CDATA, no comments); `<br>` as `br`. */
function textOf(node: AnyNode, br = "", strikes = false): string {
  if (isText(node)) return node.data;
  if (isTag(node) && node.name === "br") return br;
  if (!hasChildren(node) || isComment(node)) return "";
  let text = "";
  for (const child of node.children) text += textOf(child, br, strikes);
  if (strikes && isTag(node) && STRUCK.has(node.name) && text.trim() !== "") return ` ~~${text.trim()}~~ `;
  return text;
}
const STRUCK = new Set(["del", "s", "strike"]);

/** The elements named `name` below `node`, in document order (nested tables included, as `find` does). */
function descendants(node: AnyNode, name: string): Element[] {
  const found: Element[] = [];
  const walk = (n: AnyNode) => {
    if (!hasChildren(n)) return;
    for (const child of n.children) {
      if (isTag(child) && child.name === name) found.push(child);
      walk(child);
    }
  };
  walk(node);
  return found;
}

/** Whether `descendants(node, name)` would find any: stops at the first instead of listing a whole section's nodes. */
function hasDescendant(node: AnyNode, name: string): boolean {
  if (!hasChildren(node)) return false;
  for (const child of node.children) if ((isTag(child) && child.name === name) || hasDescendant(child, name)) return true;
  return false;
}

function hasAncestor(node: AnyNode, name: string): boolean {
  for (let p = node.parent; p; p = p.parent) if (isTag(p) && p.name === name) return true;
  return false;
}

/**
 * Walk back from the table through its previous siblings, then its ancestors' previous siblings,
 * collecting the headings that enclose it and the short texts just above it (up to the previous
 * table or heading), which is where tab labels such as "Batch" or "Standard" end up in saved pages.
 */
function context(table: Element): { headings: string[]; preface: string[] } {
  const headings: string[] = [];
  const preface: string[] = [];
  let collectingPreface = true;
  let deepest = 7;
  for (let node: AnyNode | null = table; node && deepest > 1; node = node.parent) {
    for (let sibling = node.prev; sibling && deepest > 1; sibling = sibling.prev) {
      if (sibling.type !== "tag") continue; // not <script> or <style>, which isTag counts
      const el = sibling as Element;
      const level = Number(/^h([1-6])$/.exec(el.tagName)?.[1] ?? 0);
      if (level > 0) {
        collectingPreface = false;
        if (level < deepest) {
          headings.unshift(cleanText(textOf(el)));
          deepest = level;
        }
      } else if (el.tagName === "table" || (collectingPreface && hasDescendant(el, "table"))) {
        collectingPreface = false;
      } else if (collectingPreface) {
        const text = cleanText(textOf(el));
        if (text) preface.unshift(text);
      }
    }
  }
  return { headings, preface };
}
