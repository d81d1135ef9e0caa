import { cleanText } from "./document.ts";

/**
 * A table written as JSX props in an MDX page, not as markdown (Kimi's pricing page, and any docs site whose
 * page defines a table component and calls it):
 *
 *   <DocTable
 *     columns={[
 *   { title: "Model", width: "12%" },
 *   { title: "Cache Write Price (TTL 5min)", width: "13%" },
 *   ]}
 *     rows={[
 *   ["kimi-k3", "1M tokens", <>{"$"}3.00</>, "1,048,576 tokens"],
 *   ]}
 *   />
 *
 * Nothing renders it (the component's body is a JavaScript function at the top of the page), so the cells are
 * read as written: a string literal is its value; a JSX fragment or element is the text it would show, each
 * `{"…"}` expression being its string (`<>{"$"}3.00</>` → `$3.00`). Which slot is which is only in the
 * `columns` titles, and tables of one page differ in their columns. A cell that is neither (a variable, a call)
 * is kept as its source text with `literal: false`, for the caller to report; a call whose props cannot be
 * read at all is a `broken` table with why.
 */
export interface JsxTable {
  /** 0-based position among the page's JSX tables. */
  index: number;
  /** The component's name: `DocTable`. */
  component: string;
  /** The `title` of each column, in order. */
  header: string[];
  rows: JsxRow[];
  /** The markdown headings above the call, outermost first: ["Model Pricing", "K3 Series Models"]. */
  headings: string[];
}

export interface JsxRow {
  cells: JsxCell[];
  /** The row as a reader would see it: cell texts joined by ` | `. */
  text: string;
}

export interface JsxCell {
  text: string;
  /** False when the cell is an expression this reader does not evaluate (its text is the source as written). */
  literal: boolean;
}

export type JsxTableReading = JsxTable | { index: number; component: string; broken: string };

/** `<Name … columns={[…]} … rows={[…]} … />`: a call of a table component, props in any order. */
const CALL = /<([A-Z][A-Za-z0-9]*)\b(?=[^>]*?\bcolumns=\{\[)/g;

/** Every JSX table call of a page, in page order (see the top of this file). */
export function jsxTablesIn(body: string): JsxTableReading[] {
  const out: JsxTableReading[] = [];
  for (const m of body.matchAll(CALL)) {
    const index = out.length;
    const component = m[1]!;
    const end = callEnd(body, m.index);
    const call = body.slice(m.index, end);
    const columns = propArray(call, "columns");
    const rows = propArray(call, "rows");
    if (columns === undefined || rows === undefined) {
      out.push({ index, component, broken: `the ${component} call's ${columns === undefined ? "columns" : "rows"} prop is not an array literal` });
      continue;
    }
    const header: string[] = [];
    for (const column of splitItems(columns)) {
      const title = /\btitle\s*:\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/.exec(column);
      if (!title) {
        out.push({ index, component, broken: `a column without a string title: ${cleanText(column)}` });
        break;
      }
      header.push(stringValue(title[1]!));
    }
    if (header.length !== splitItems(columns).length) continue;
    const table: JsxRow[] = [];
    for (const row of splitItems(rows)) {
      const inner = /^\[([\s\S]*)\]$/.exec(row.trim());
      if (!inner) {
        table.push({ cells: [{ text: cleanText(row), literal: false }], text: cleanText(row) });
        continue;
      }
      const cells = splitItems(inner[1]!).map(cellValue);
      table.push({ cells, text: cells.map((c) => c.text).join(" | ") });
    }
    out.push({ index, component, header, rows: table, headings: headingsBefore(body, m.index) });
  }
  return out;
}

/** Where the call that starts at `start` ends: after its `/>` (or `>`) outside strings, braces and brackets. */
function callEnd(body: string, start: number): number {
  let depth = 0;
  for (let i = start + 1; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"' || c === "'" || c === "`") i = stringEnd(body, i);
    else if (c === "{" || c === "[" || c === "(") depth++;
    else if (c === "}" || c === "]" || c === ")") depth--;
    else if (c === ">" && depth === 0) return i + 1;
  }
  return body.length;
}

/** The source of `name={[…]}` inside a call, without its outer brackets; undefined when absent. */
function propArray(call: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}=\\{\\s*\\[`).exec(call);
  if (!m) return undefined;
  const open = m.index + m[0].length - 1;
  const close = matching(call, open);
  return close === undefined ? undefined : call.slice(open + 1, close);
}

/** The index of the bracket closing the one at `open`, skipping strings and JSX text. */
function matching(text: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === "`") i = stringEnd(text, i);
    else if (c === "<" && depth > 0 && /^<(?:>|[A-Za-z])/.test(text.slice(i, i + 2))) i = jsxEnd(text, i) - 1;
    else if (c === "[" || c === "{" || c === "(") depth++;
    else if (c === "]" || c === "}" || c === ")") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return undefined;
}

function stringEnd(text: string, start: number): number {
  const quote = text[start]!;
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i;
  }
  return text.length;
}

/** The end (exclusive) of the JSX element or fragment starting at `start`: its text may hold commas and brackets. */
function jsxEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === "{") {
      const close = matching(text, i);
      if (close === undefined) return text.length;
      i = close;
      continue;
    }
    if (text[i] !== "<") continue;
    const tag = /^<(\/?)([A-Za-z][\w.]*)?([^<>]*?)(\/?)>/.exec(text.slice(i));
    if (!tag) continue;
    if (tag[1]) depth--;
    else if (!tag[4]) depth++;
    i += tag[0].length - 1;
    if (depth === 0) return i + 1;
  }
  return text.length;
}

/** The top-level items of an array literal's inside, split on commas outside strings, brackets and JSX. */
function splitItems(inside: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < inside.length; i++) {
    const c = inside[i]!;
    if (c === '"' || c === "'" || c === "`") i = stringEnd(inside, i);
    else if (c === "<" && /^<(?:>|[A-Za-z])/.test(inside.slice(i, i + 2))) i = jsxEnd(inside, i) - 1;
    else if (c === "[" || c === "{" || c === "(") depth++;
    else if (c === "]" || c === "}" || c === ")") depth--;
    else if (c === "," && depth === 0) {
      items.push(inside.slice(from, i));
      from = i + 1;
    }
  }
  items.push(inside.slice(from));
  return items.map((s) => s.trim()).filter((s) => s !== "");
}

function stringValue(literal: string): string {
  const body = literal.slice(1, -1);
  return body.replace(/\\(u\{?[0-9a-fA-F]+\}?|.)/g, (_, e: string) => {
    if (e.startsWith("u")) return String.fromCodePoint(Number.parseInt(e.replace(/[u{}]/g, ""), 16));
    return e === "n" ? "\n" : e === "t" ? "\t" : e;
  });
}

function cellValue(source: string): JsxCell {
  const s = source.trim();
  if (/^(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')$/.test(s)) return { text: cleanText(stringValue(s)), literal: true };
  if (/^-?\d+(?:\.\d+)?$/.test(s)) return { text: s, literal: true };
  if (s.startsWith("<") && jsxEnd(s, 0) === s.length) {
    // The text a fragment shows: string expressions as their value, tags dropped; any other expression is not read.
    let literal = true;
    const text = s.replace(/\{([^{}]*)\}/g, (_, expression: string) => {
      const e = expression.trim();
      if (/^(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')$/.test(e)) return stringValue(e);
      if (e === "" || /^\/\*[\s\S]*\*\/$/.test(e)) return "";
      literal = false;
      return `{${expression}}`;
    });
    return { text: cleanText(text.replace(/<br\s*\/?>/gi, " ").replace(/<\/?[A-Za-z]?[^<>]*>/g, "")), literal };
  }
  return { text: cleanText(s), literal: false };
}

/** The markdown headings (`## …`) above `at`, outermost first, each level the nearest one. */
function headingsBefore(body: string, at: number): string[] {
  const found: string[] = [];
  let deepest = 7;
  const lines = body.slice(0, at).split(/\r?\n/).reverse();
  for (const line of lines) {
    const h = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (!h || h[1]!.length >= deepest) continue;
    deepest = h[1]!.length;
    found.unshift(cleanText(h[2]!));
    if (deepest === 1) break;
  }
  return found;
}
