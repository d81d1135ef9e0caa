import { markFootnotesInMarkup, stripFrontMatter } from "./document.ts";
import { parseDecimal } from "./money.ts";

/**
 * Every dollar on a document is accounted for. After a source has read a document, each amount the
 * document states (`$0.75`, `\$1.6`, `2$`) is in one of three places:
 *
 * - **read**: some price read off this document has that value (or the source said it read that text,
 *   e.g. a `$5 / 1K requests` cell it stored per request);
 * - **passed over** by one of the named rules below, which the source applies to a table, a row or a
 *   sentence it deliberately does not read (a tools table, a comparison of other models, credits in prose);
 * - **unread**: reported as a problem with the words around it, so the document reads `partial`, never `ok`.
 *
 * Amounts are matched by value: a page that states $0.50 twice, once read as a price and once in a row
 * nobody read, counts both as read. That keeps the rule simple and explainable; what it catches is the
 * amount no price has (a new table, a per-minute price, a regional 1.1× table), which is what goes silent.
 */
export const PASS_RULES = {
  "tool-fees": "a tool's or feature's fee (search, code execution, storage, calls), not a model's price",
  "other-models": "a comparison that prices models other than the ones this document is about",
  "untracked-model": "a model the catalog does not track (listed as untracked)",
  "plan-and-credits": "plans, credits, spend limits or thresholds in prose, not a price per unit",
  "worked-example": "a worked example of a bill, computed from prices read elsewhere",
  "not-a-model-price": "a product or service price that is not any model's",
  "unit-not-tracked": "a unit no price key holds",
  "derived-by-multiplier": "a price the page derives from a multiplier that is recorded as such",
  "dated-not-read": "a price under a date or announcement the source reports rather than reads",
  "free-tier": "a free tier's limits or fees",
  // `$3.50 or $0.0053/min`, `$0.45 ($0.00012 per image)`: one price said twice; the reading in the tracked unit is kept.
  "restated-in-another-unit": "the price beside it restated in another unit (an equivalent, not a price of its own)",
  "list-price": "a list price struck through (or called original) beside the sale price billed today, which is read",
  "fine-tuning": "training prices and prices of fine-tuned models, which the catalog does not track",
  // Alibaba prices a model per deployment scope; the catalog holds the Global (else International) one.
  "other-deployment-scope": "a deployment scope tied to one region (Hong Kong, the Chinese Mainland …), beside the Global or International price that is read",
} as const;
export type PassRule = keyof typeof PASS_RULES;

/**
 * What a document's accounting says beside "stated" and "read": how many amounts were passed over, by which rules
 * (`tool-fees 10, fine-tuning 13`); undefined when every amount was read (nothing worth a line in a report or PR).
 */
export function passedOverSummary(a: { passedOver: readonly { rule: string; amounts: number }[]; unread: number }): { passed: number; rules: string } | undefined {
  const passed = a.passedOver.reduce((n, p) => n + p.amounts, 0);
  if (passed === 0 && a.unread === 0) return undefined;
  return { passed, rules: a.passedOver.map((p) => `${p.rule} ${p.amounts}`).join(", ") };
}

/** One amount as a document states it: its value in USD and the words around it (where a reader finds it). */
export interface StatedAmount {
  usd: number;
  /** As written: `$0.75`. */
  written: string;
  around: string;
}

const AMOUNT = /(?<![A-Za-z])(?:US)?\$\s?([0-9][0-9,]*(?:\.[0-9]+)?)|(?<![\w.$])([0-9][0-9,]*(?:\.[0-9]+)?)\s?\$(?![\w{(])/g;

/** The USD amounts written in a piece of text (a cell, a row, a sentence). */
export function amountsIn(text: string): number[] {
  const out: number[] = [];
  for (const m of plain(text).matchAll(AMOUNT)) {
    const usd = parseDecimal((m[1] ?? m[2])!);
    if (usd !== undefined) out.push(usd);
  }
  return out;
}

/**
 * The USD amounts a whole document states where a person reads it: the text of an HTML page (never its
 * scripts, styles or attributes), or a markdown page with its escapes undone.
 */
export function amountsStatedIn(body: string): StatedAmount[] {
  const text = plain(looksLikeHtml(body) ? htmlText(body) : stripFrontMatter(body));
  const out: StatedAmount[] = [];
  for (const m of text.matchAll(AMOUNT)) {
    const usd = parseDecimal((m[1] ?? m[2])!);
    if (usd === undefined) continue;
    const start = Math.max(0, m.index - 40);
    const end = Math.min(text.length, m.index + m[0].length + 40);
    out.push({ usd, written: m[0].trim(), around: `${start > 0 ? "…" : ""}${text.slice(start, end).trim()}${end < text.length ? "…" : ""}` });
  }
  return out;
}

/** Values compared as prices are: 0.2 and 0.20 alike, float noise from scaling ignored. */
export function amountKey(usd: number): string {
  // Remembered: a page states a few dozen values hundreds of times, and `toPrecision` showed in every profile.
  let key = amountKeys.get(usd);
  if (key === undefined) {
    key = Number(usd.toPrecision(10)).toString();
    if (amountKeys.size < 10_000) amountKeys.set(usd, key);
  }
  return key;
}
const amountKeys = new Map<number, string>();

function looksLikeHtml(body: string): boolean {
  return /^\s*(?:<!doctype html|<html|<head|<body|<div|<section|<main|<table)/i.test(body);
}

function htmlText(html: string): string {
  return html
    .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<!--[\s\S]*?-->/g, " ");
}

function plain(text: string): string {
  return markFootnotesInMarkup(text)
    // A dollar sign written as a JSX string expression, `<>{"$"}3.00</>` (MDX tables in props), is a `$`.
    .replace(/\{\s*(["'`])\$\1\s*\}/g, "$")
    .replace(/<\/?[A-Za-z][^>]*>/g, " ")
    // One pass for the three entities (none can make another), then escaped dollars.
    .replace(/&(?:(#36|#x24|dollar)|(nbsp|#160)|amp);/gi, (_, dollar?: string, space?: string) => (dollar ? "$" : space ? " " : "&"))
    .replace(/\\\$/g, "$")
    // Every run of white space as one space: a lone space is left as it is (replacing it by itself cost most
    // of this function on a 200 KB page). `\s` holds \u00a0, \u2007 and \u202f.
    .replace(/[^\S ]\s*| \s+/g, " ");
}
