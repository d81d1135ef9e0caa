import { type DatedBounds, datedBoundsIn, shiftDay } from "./dates.ts";
import { markFootnotesInMarkup } from "./document.ts";

/**
 * Reading a price cell. Every page writes money its own way: `$0.0028`, `\\$1.6` (escaped markdown),
 * `$1.25, prompts <= 200k tokens`, `2$ / 1M tokens`, `$0.50 / 1K tokens`, "Free", "-", "€0.50".
 * A cell either gives a USD number we are sure of, says "no price here", or is reported as unreadable.
 */
export type MoneyCell =
  | { kind: "usd"; usd: number; per: "1M" | "1K" | "unit" | undefined; text: string }
  | { kind: "none"; text: string }
  | { kind: "unreadable"; text: string; reason: string };

// A lone backslash is how Z.ai's tables mark a price the model does not have (GLM-OCR's cached input).
const NONE = /^(?:-|–|—|\\|n\/a|na|not available|not applicable|tbd|\(none\)|none)$/i;

/** Cells that mean "this price does not exist" (as opposed to a price we failed to read). */
export function isNoPrice(text: string): boolean {
  return NONE.test(normalize(text));
}

function normalize(text: string): string {
  // Most cells have nothing to undo (no markup, escape or emphasis, no space but single ones): only their ends.
  if (!/[\\<*_`]|[^\S ]| {2}/.test(text)) return text.trim();
  // A footnote number in raw markup (`$0.14<sup>3</sup>`) must not run into the amount when the tags go.
  return markFootnotesInMarkup(text)
    .replace(/\\\$/g, "$")
    .replace(/[\u00a0\u2007\u202f]/g, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/\*\*|__|`/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Parse one cell that should hold exactly one USD amount. Text after the amount such as
 * "/ 1M tokens" or "per image" is allowed; two different amounts, another currency, or
 * a malformed number are reported, never guessed.
 */
export function parseMoneyCell(raw: string): MoneyCell {
  const text = normalize(raw);
  if (text === "") return { kind: "unreadable", text, reason: "empty cell" };
  if (NONE.test(text)) return { kind: "none", text };
  if (/^free\b/i.test(text) || /free of charge/i.test(text)) {
    return { kind: "unreadable", text, reason: `"${text}" is not a price in USD` };
  }
  if (/[€£¥]|\bEUR\b|\bGBP\b/.test(text) && !/\$/.test(text)) {
    return { kind: "unreadable", text, reason: `"${text}" is not in US dollars` };
  }
  // A$, CA$, HK$, NZ$, R$: dollars that are not US dollars (US$ is).
  const otherDollar = /(?<![A-Za-z])([A-Z]{1,3})\$/.exec(text);
  if (otherDollar && otherDollar[1] !== "US") {
    return { kind: "unreadable", text, reason: `"${text}" is in ${otherDollar[1]}$, not in US dollars` };
  }
  const amounts = [...text.matchAll(/\$\s?([0-9][0-9,]*(?:\.[0-9]+)*)|([0-9][0-9,]*(?:\.[0-9]+)*)\s?\$/g)];
  if (amounts.length === 0) return { kind: "unreadable", text, reason: `no dollar amount in "${text}"` };
  const numbers = amounts.map((m) => (m[1] ?? m[2])!);
  if (new Set(numbers).size > 1) {
    return { kind: "unreadable", text, reason: `more than one amount in "${text}"` };
  }
  const usd = parseDecimal(numbers[0]!);
  if (usd === undefined) return { kind: "unreadable", text, reason: `"${numbers[0]}" is not a number` };
  return { kind: "usd", usd, per: perUnit(text), text };
}

/** `1,234.50` → 1234.5; `1.2.3` → undefined. */
export function parseDecimal(s: string): number | undefined {
  const plain = s.replace(/,(?=\d{3}\b)/g, "");
  if (!/^\d+(?:\.\d+)?$/.test(plain)) return undefined;
  return Number(plain);
}

function perUnit(text: string): "1M" | "1K" | "unit" | undefined {
  if (/(?:\/|per)\s*(?:1\s?M\b|1,000,000|million|MTok)/i.test(text)) return "1M";
  if (/(?:\/|per)\s*(?:1\s?K\b|1,000\b|thousand)/i.test(text)) return "1K";
  if (/(?:\/|per)\s*(?:image|img|second|minute|call|request)/i.test(text)) return "unit";
  return undefined;
}

/**
 * Exact decimal scaling, for "$0.50 / 1K tokens" → 500 per 1M: multiply through strings so
 * 0.0028 × 1000 is 2.8, not 2.8000000000000003.
 */
export function scaleDecimal(value: number, factor: number): number {
  return Number((value * factor).toPrecision(12));
}

/** A price cell read against the unit its column or section gives. */
export type PriceCell = { kind: "usd"; usd: number } | { kind: "none" } | { kind: "free"; text: string } | { kind: "bad"; reason: string };

const AMOUNT = /\$\s?[0-9][0-9,]*(?:\.[0-9]+)*|[0-9][0-9,]*(?:\.[0-9]+)*\s?\$/;
const TOKEN_UNIT_TAIL =
  /^(?:(?:\/|per)\s*(1\s?M|1,000,000|million|MTok|M|1\s?K|1,000|thousand)(?:\s+(?:(?:input|output|cached|text|image|prompt)\s+)*tokens?)?)?$/i;
const IMAGE_UNIT_TAIL = /^(?:(?:\/|per)\s*(?:image|img))?$/i;

/**
 * One cell that holds exactly one price in `unit`: `$1.25`, `$0.50 / 1K tokens` (scaled to per 1M), `$0.040 / image`.
 * `-` is no price; "Free" is said to be free (the caller decides: never a silent $0); text after the amount
 * that is not the unit ("per second", a second amount, another currency) is a problem.
 */
export function readPriceCell(raw: string, unit: "1M tokens" | "image"): PriceCell {
  const text = cleanCell(raw);
  if (text === "") return { kind: "bad", reason: "empty cell" };
  if (isNoPrice(text)) return { kind: "none" };
  if (/^free\.?$/i.test(text)) return { kind: "free", text };
  const cell = parseMoneyCell(text);
  if (cell.kind === "none") return { kind: "none" };
  if (cell.kind === "unreadable") return { kind: "bad", reason: cell.reason };
  const tail = text.replace(AMOUNT, "").trim();
  if (unit === "image") {
    if (!IMAGE_UNIT_TAIL.test(tail)) return { kind: "bad", reason: `"${text}" is not a price per image` };
    return { kind: "usd", usd: cell.usd };
  }
  const m = TOKEN_UNIT_TAIL.exec(tail);
  if (!m) return { kind: "bad", reason: `"${text}" is not a price per 1M tokens` };
  const perThousand = /^(?:1\s?k|1,000|thousand)$/i.test(m[1] ?? "");
  return { kind: "usd", usd: perThousand ? scaleDecimal(cell.usd, 1000) : cell.usd };
}

/** Markdown escapes, emphasis and odd spaces out of a cell, as read for money. */
function cleanCell(raw: string): string {
  return raw
    .replace(/[\s\u00a0\u2007\u202f]+/g, " ")
    .trim()
    .replace(/\\\$/g, "$")
    .replace(/\*\*|__|`/g, "")
    .trim();
}

/**
 * A money cell in USD per 1M tokens, or why not: its own unit ("/ MTok", "/ 1K tokens", scaled), else the
 * unit its surroundings state (`context`: the header, the text above the table) when they say per 1M tokens.
 */
export function perMillionTokens(money: Extract<MoneyCell, { kind: "usd" }>, context: string): { usd: number } | { error: string } {
  if (money.per === "1M") return { usd: money.usd };
  if (money.per === "1K") return { usd: scaleDecimal(money.usd, 1000) };
  if (money.per === undefined && /MTok|per (?:1M|million) tokens/i.test(context)) return { usd: money.usd };
  return { error: `"${money.text}" is not a price per million tokens` };
}

/** One `$amount` of a cell that states several, and the words after it up to the next amount. */
export interface AmountSegment {
  /** The number as written: `1,234.50`. */
  written: string;
  /** Its value, or undefined when the digits are not a number (`1,23`). */
  usd: number | undefined;
  /** Where the `$` stands in the text. */
  index: number;
  /** The words after the amount, up to the next amount or the end: its unit, condition, modality. */
  tail: string;
}

const DOLLAR_AMOUNTS = /\$\s?(\d[\d,]*(?:\.\d+)?)/g;

/**
 * Every `$amount` of a free-text cell, each with the words that follow it:
 * `$1.25, prompts <= 200k tokens $2.50, prompts > 200k tokens` → 1.25 `, prompts <= 200k tokens `, 2.50 `, prompts > 200k tokens`.
 * What the words mean is the caller's to read (`statedUnitIn`, `contextConditionIn`); the text before the first
 * amount is `text.slice(0, segments[0].index)`.
 */
export function amountSegmentsIn(text: string): AmountSegment[] {
  const matches = [...text.matchAll(DOLLAR_AMOUNTS)];
  return matches.map((m, i) => ({
    written: m[1]!,
    usd: parseDecimal(m[1]!),
    index: m.index,
    tail: text.slice(m.index + m[0].length, matches[i + 1]?.index ?? text.length),
  }));
}

/** The unit words state a price in. `other` is a unit no token or image price is written in (per second, per request). */
export type StatedUnit =
  | { per: "1M tokens" }
  | { per: "1K tokens" }
  | { per: "image"; sizes: string[] | undefined }
  | { per: "other"; phrase: string };

/** `/` or `per`; a slash after a modality name lists modalities (`text / image / video`) and is not one. */
const PER = String.raw`(?:(?<!\b(?:text|audio|video|image|images|pdf)\s*)\/|per)\s*`;
const PER_TIME = new RegExp(String.raw`${PER}(?:seconds?|sec|minutes?|min|hours?|hr|days?)\b`, "i");
const PER_IMAGE = new RegExp(String.raw`${PER}(?:(\d+(?:\.\d+)?\s?k(?:\s*\/\s*\d+(?:\.\d+)?\s?k)*)\s+)?(?:resolution\s+)?images?\b`, "i");
const PER_MILLION = new RegExp(String.raw`${PER}(?:1\s?m\b|1,000,000\b|one million\b|million\b)(?:\s*tokens?\b)?`, "i");
const PER_THOUSAND_TOKENS = new RegExp(String.raw`${PER}(?:1\s?k\b|1,000\b)\s*tokens?\b`, "i");
const PER_OTHER = new RegExp(String.raw`${PER}(?:1\s?k\b|1,000\b|video|request|query|queries|call|grounded)`, "i");

/**
 * The unit a text states — the words after an amount, or a column header — and the text without it:
 * `/ 1,000,000 tokens`, `per 1M tokens` → 1M tokens; `per 1K tokens` → 1K tokens; `per image`, `per 1K/2K image`,
 * `per 1K resolution image` → image (with the sizes it names, `1k`, `2k`); `per second`, `per 1,000 requests`,
 * `/ 1,000,000 tokens per hour` → other.
 * Undefined when it states none. Unlike the `per` of `parseMoneyCell`, a bare `per 1K` is not a token unit.
 * A slash in a list of modalities (`(text / image / video)`) is not a unit.
 */
export function statedUnitIn(text: string): { unit: StatedUnit; rest: string } | undefined {
  // `$4.50 / 1,000,000 tokens per hour` is a storage price, not a token price: time wins over tokens.
  const time = PER_TIME.exec(text);
  if (time) return { unit: { per: "other", phrase: time[0].trim() }, rest: text.replace(time[0], " ") };
  const image = PER_IMAGE.exec(text);
  if (image) {
    const sizes = image[1]?.split("/").map((s) => s.replace(/\s/g, "").toLowerCase());
    return { unit: { per: "image", sizes }, rest: text.replace(image[0], " ") };
  }
  const million = PER_MILLION.exec(text);
  if (million) return { unit: { per: "1M tokens" }, rest: text.replace(million[0], " ") };
  const thousand = PER_THOUSAND_TOKENS.exec(text);
  if (thousand) return { unit: { per: "1K tokens" }, rest: text.replace(thousand[0], " ") };
  const other = PER_OTHER.exec(text);
  if (other) return { unit: { per: "other", phrase: other[0].trim() }, rest: text.replace(other[0], " ") };
  return undefined;
}

/** One amount of a cell that prices several periods, with the days it holds and its other words (unit, condition). */
export interface DatedAmount {
  usd: number;
  /** The number as written: `1.50`. */
  written: string;
  /** The first day it holds (`starting January 1, 2027`), absent when it holds already. */
  effectiveFrom?: string;
  /** The last day it holds (`through December 31, 2026`), absent when no end is stated. */
  effectiveUntil?: string;
  /** The words after the amount without its day: `/ 1,000,000 tokens per hour (storage price)`, or "". */
  words: string;
}

export type DatedAmounts =
  | { kind: "undated" }
  | { kind: "dated"; amounts: DatedAmount[] }
  | { kind: "problem"; message: string };

/**
 * A money cell that states several dated amounts: today's price and the price announced for a later day.
 *
 *   `$0.75 through December 31, 2026. $1.50 starting January 1, 2027.` (also with `<br>` between, or run on)
 *     → [{usd 0.75, effectiveUntil 2026-12-31}, {usd 1.50, effectiveFrom 2027-01-01}]
 *   `$0.50 until March 31, 2026, $0.80 from April 1, 2026`, `… starting <day>`, `… prior to <day>`
 *
 * A cell whose amounts name no day is `undated` (read it as any other cell). Amounts are grouped by the words
 * they carry besides the day (a token price and a storage price per hour are two groups); within a group the
 * periods must follow one another day after day (`through Dec 31` then `starting Jan 1`), and an amount with no
 * day beside dated ones, a day before the first amount, a gap, an overlap or two prices for one period is a
 * problem: which amount holds on which day is never guessed.
 */
export function datedAmountsIn(raw: string): DatedAmounts {
  const text = normalize(raw.replace(/<br\s*\/?>/gi, " "));
  const segments = amountSegmentsIn(text);
  if (segments.length === 0) return { kind: "undated" };
  const read = segments.map((s) => ({ segment: s, bounds: datedBoundsIn(s.tail, { quoted: text }) }));
  const prefix = datedBoundsIn(text.slice(0, segments[0]!.index), { quoted: text });
  const isDated = (b: DatedBounds) => b.kind === "problem" || b.effectiveFrom !== undefined || b.effectiveUntil !== undefined;
  if (!read.some((r) => isDated(r.bounds)) && !isDated(prefix)) return { kind: "undated" };
  if (isDated(prefix)) return { kind: "problem", message: `a day before the first amount in "${text}": which amount it dates is not guessed` };

  const amounts: DatedAmount[] = [];
  for (const { segment, bounds } of read) {
    if (bounds.kind === "problem") return { kind: "problem", message: bounds.message };
    if (segment.usd === undefined) return { kind: "problem", message: `"${segment.written}" is not a number in "${text}"` };
    const words = bounds.rest.replace(/\s+/g, " ").replace(/^[\s.,;:]+|[\s.,;:]+$/g, "");
    amounts.push({
      usd: segment.usd,
      written: segment.written,
      ...(bounds.effectiveFrom ? { effectiveFrom: bounds.effectiveFrom } : {}),
      ...(bounds.effectiveUntil ? { effectiveUntil: bounds.effectiveUntil } : {}),
      words,
    });
  }

  const groups = new Map<string, DatedAmount[]>();
  for (const a of amounts) {
    const key = a.words.toLowerCase().replace(/[^a-z0-9/<>=≤≥]+/g, " ").trim();
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  for (const group of groups.values()) {
    const said = group.map((a) => `$${a.written}`).join(", ");
    if (group.some((a) => !a.effectiveFrom && !a.effectiveUntil)) {
      return { kind: "problem", message: `${said}: an amount with no day beside dated ones in "${text}"` };
    }
    const ordered = [...group].sort((a, b) => ((a.effectiveFrom ?? "") < (b.effectiveFrom ?? "") ? -1 : 1));
    for (let i = 1; i < ordered.length; i++) {
      const before = ordered[i - 1]!;
      const after = ordered[i]!;
      if (!before.effectiveUntil || !after.effectiveFrom || shiftDay(before.effectiveUntil, 1) !== after.effectiveFrom) {
        return { kind: "problem", message: `${said}: the days of these amounts do not follow one another in "${text}"` };
      }
    }
  }
  return { kind: "dated", amounts };
}
