/**
 * The data a Next.js (App Router) page carries for its client: the React Server Components payload,
 * "flight", written into the HTML as `<script>self.__next_f.push([1,"…"])</script>` chunks. Each chunk's
 * second element is a JavaScript string literal; the chunks joined in page order are a list of rows,
 * `<hex id>:<payload>\n`, most payloads JSON (an element tree whose props hold the page's data), some
 * `T<hex byte length>,<text>` (text of that length, newlines and all) or a letter and JSON (`I[…]`,
 * `HL[…]`: modules and preloads). Strings that start with `$` are flight's own markers (`$L16` a lazy
 * component, `$25:props:children:…` a pointer to a value already sent, `$undefined`); a string that
 * really starts with `$` is written `$$`.
 *
 * A page client-rendered from this payload (its tables built by scripts) can be read over plain HTTP:
 * the numbers are here, in the server's HTML, before any script runs.
 */

/** One row of the payload whose value is JSON. */
export interface FlightRow {
  /** The row id, hex (`25`, `2b`): what `$25:…` pointers refer to. */
  id: string;
  value: unknown;
}

const PUSH = /self\.__next_f\.push\(\s*\[\s*1\s*,\s*/g;

/** The decoded text of every `self.__next_f.push([1, "…"])` chunk of a page, in page order. */
export function flightChunks(html: string): string[] {
  const chunks: string[] = [];
  PUSH.lastIndex = 0;
  for (let m = PUSH.exec(html); m; m = PUSH.exec(html)) {
    const literal = readStringLiteral(html, PUSH.lastIndex);
    if (!literal) continue;
    chunks.push(literal.value);
    PUSH.lastIndex = literal.end;
  }
  return chunks;
}

/**
 * The JavaScript string literal starting at `start` (a `"` or `'`), decoded, and where it ends; undefined
 * when there is none or it never closes (a page cut off in transfer).
 */
export function readStringLiteral(source: string, start: number): { value: string; end: number } | undefined {
  const quote = source[start];
  if (quote !== '"' && quote !== "'") return undefined;
  let value = "";
  for (let i = start + 1; i < source.length; i++) {
    const c = source[i]!;
    if (c === quote) return { value, end: i + 1 };
    if (c === "\n" || c === "\r") return undefined; // a raw line break cannot be inside a literal
    if (c !== "\\") {
      value += c;
      continue;
    }
    const e = source[++i];
    if (e === undefined) return undefined;
    const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", v: "\v", "0": "\0" };
    if (e in simple && !(e === "0" && /[0-9]/.test(source[i + 1] ?? ""))) value += simple[e];
    else if (e === "x") {
      const hex = source.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      value += String.fromCharCode(parseInt(hex, 16));
      i += 2;
    } else if (e === "u") {
      const braced = /^\{([0-9a-fA-F]{1,6})\}/.exec(source.slice(i + 1, i + 9));
      if (braced) {
        value += String.fromCodePoint(parseInt(braced[1]!, 16));
        i += braced[0].length;
      } else {
        const hex = source.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
        value += String.fromCharCode(parseInt(hex, 16));
        i += 4;
      }
    } else if (e === "\r") {
      if (source[i + 1] === "\n") i++; // a line continuation
    } else if (e === "\n" || e === "\u2028" || e === "\u2029") {
      // a line continuation: nothing
    } else value += e; // \" \' \\ \/ and any other character stand for themselves
  }
  return undefined;
}

const ROW_ID = /([0-9a-f]+):/y;
const TEXT_ROW = /T([0-9a-f]+),/y;

/**
 * The payload's rows whose value is JSON, in order. Text rows are stepped over by their stated length;
 * a row that is not JSON (module rows, or a row whose other half is missing from the page) is skipped.
 */
export function flightRows(html: string): FlightRow[] {
  const text = flightChunks(html).join("");
  const rows: FlightRow[] = [];
  let pos = 0;
  while (pos < text.length) {
    ROW_ID.lastIndex = pos;
    const id = ROW_ID.exec(text);
    if (!id) {
      pos = nextLine(text, pos);
      continue;
    }
    pos = ROW_ID.lastIndex;
    TEXT_ROW.lastIndex = pos;
    const textRow = TEXT_ROW.exec(text);
    if (textRow) {
      pos = afterUtf8Bytes(text, TEXT_ROW.lastIndex, parseInt(textRow[1]!, 16));
      continue;
    }
    const end = nextLine(text, pos);
    const payload = text.slice(pos, text[end - 1] === "\n" ? end - 1 : end);
    pos = end;
    if (!/^[[{"\-0-9tfn]/.test(payload)) continue;
    try {
      rows.push({ id: id[1]!, value: JSON.parse(payload) as unknown });
    } catch {
      // not JSON after all: skipped
    }
  }
  return rows;
}

function nextLine(text: string, from: number): number {
  const nl = text.indexOf("\n", from);
  return nl < 0 ? text.length : nl + 1;
}

/** The index `bytes` UTF-8 bytes after `from` (a text row's length is in bytes). */
function afterUtf8Bytes(text: string, from: number, bytes: number): number {
  let i = from;
  for (let left = bytes; left > 0 && i < text.length; ) {
    const cp = text.codePointAt(i)!;
    left -= cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp >= 0x10000 ? 2 : 1;
  }
  return i;
}

/** Every plain object within `value` (itself included) that has `key` as its own property, in document order. */
export function objectsWithKey(value: unknown, key: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (Object.hasOwn(o, key)) found.push(o);
      const values = Object.values(o);
      for (let i = values.length - 1; i >= 0; i--) stack.push(values[i]);
    }
  }
  return found;
}

/** Every object in a page's flight payload that has `key` (e.g. the props object holding `"pricing"`). */
export function flightObjectsWithKey(html: string, key: string): Record<string, unknown>[] {
  return flightRows(html).flatMap((row) => objectsWithKey(row.value, key));
}

/** A flight marker (`$L16`, `$25:props:…`, `$undefined`) rather than data: a pointer to a value sent elsewhere. */
export function isFlightReference(value: unknown): value is string {
  return typeof value === "string" && value.startsWith("$") && !value.startsWith("$$");
}

/**
 * What a reader of a page reads when its words are all in the flight payload (an excerpt of the script chunks
 * alone, or a page whose cards the client renders): every text string of the payload, one per line, flight
 * markers left out and a leading `$$` (the payload's escape of a leading `$`) undone; and every number under a key `isAmountKey`
 * names (`inputPrice`), written as the `$` amount the page renders from it. A source accounts for the page's
 * dollars against this text (`extractWith(…, { statedIn })`), since the HTML outside the scripts states none.
 */
export function flightText(html: string, isAmountKey: (key: string) => boolean = () => false): string {
  const lines: string[] = [];
  const walk = (value: unknown, key: string | undefined): void => {
    if (typeof value === "string") {
      const text = flightString(value);
      if (text !== undefined && text.trim() !== "") lines.push(text);
    } else if (typeof value === "number") {
      if (key !== undefined && isAmountKey(key)) lines.push(`$${value}`);
    } else if (Array.isArray(value)) {
      for (const v of value) walk(v, undefined);
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  for (const row of flightRows(html)) walk(row.value, undefined);
  return lines.join("\n");
}

/** A text string of the payload as the page renders it (`$$3.75 / hour` → `$3.75 / hour`); undefined for a marker or a non-string. */
export function flightString(value: unknown): string | undefined {
  if (typeof value !== "string" || isFlightReference(value as unknown)) return undefined;
  return value.startsWith("$$") ? value.slice(1) : value;
}
