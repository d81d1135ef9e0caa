import { parseDecimal } from "./money.ts";

/**
 * A sale price beside a list price. Vendors mark a promotion in a few ways:
 *
 *   ~~$0.60~~ $0.30                                  markdown strikethrough, then the price billed
 *   <del>$0.60</del> <ins>$0.30</ins>, <s>$0.60</s> $0.30, <strike>…</strike>, a `line-through` class or style
 *   Original price $0.60 Sale price $0.30            (also "Regular/List price", "Was … Now …", "Discounted/Promo price")
 *   $0.30 50% off                                    a badge beside the one amount shown
 *
 * The price billed today is the sale price; the struck-through (or "original") figure is the list price,
 * kept as what the promotion is measured against, never as today's price. A badge gives no list price, and
 * none is computed from it ("50% off" beside $0.30 does not make $0.60 a stated price).
 *
 * Anything that cannot be read surely is `unclear` with a reason (a struck amount with no sale amount
 * beside it, two sale amounts, a "sale" above its list price): the caller reports it, never guesses.
 */
export type SaleReading =
  /** No sale wording: read the cell as any other. */
  | { kind: "none" }
  | {
      kind: "sale";
      /** The price billed today. */
      usd: number;
      /** The list price the page strikes through or calls original, when it states one. */
      listUsd?: number;
      /** A discount badge as written ("50% off"), when there is one. */
      badge?: string;
      /** The cell's text with the struck figure marked `~~…~~`, as evidence. */
      text: string;
    }
  | { kind: "unclear"; reason: string; text: string };

const AMOUNT = /(?<![A-Za-z])(?:US)?\$\s?([0-9][0-9,]*(?:\.[0-9]+)?)|(?<![\w.$])([0-9][0-9,]*(?:\.[0-9]+)?)\s?\$(?![\w{(])/g;
/** An element that strikes its text: `<del>`, `<s>`, `<strike>`, or one styled or classed `line-through`. */
const STRUCK_OPEN = /<(del|s|strike)\b[^>]*>|<([a-z][a-z0-9-]*)\b[^>]*(?:line-through|strikethrough)[^>]*>/gi;
const LIST_WORDS = /\b(?:original|regular|list|usual|normal|standard)\s+price\s*:?\s*$|\bwas\s*:?\s*$/i;
const SALE_WORDS = /\b(?:sale|discounted|promo(?:tional)?|special|offer)\s+price\s*:?\s*$|\bnow\s*:?\s*$/i;
const BADGE = /(?<!\bup\s+to\s+)(?<![\w.])(\d+(?:\.\d+)?)\s?%\s*(?:off|discount)\b|\b(?:sale|promo)\b(?!\s+price)/i;

/** Read one cell (text, markdown or HTML) for a sale price; see the top of this file. */
export function saleIn(cell: string): SaleReading {
  const text = plainWithStrikes(cell);
  const amounts: { usd: number; struck: boolean; before: string }[] = [];
  for (const m of text.matchAll(AMOUNT)) {
    const usd = parseDecimal((m[1] ?? m[2])!);
    if (usd === undefined) return { kind: "unclear", reason: `"${m[0]}" is not a number`, text };
    const before = text.slice(0, m.index);
    const struck = (before.match(/~~/g) ?? []).length % 2 === 1;
    amounts.push({ usd, struck, before });
  }
  const listed = amounts.filter((a) => a.struck || LIST_WORDS.test(a.before));
  const rest = amounts.filter((a) => !listed.includes(a));
  const named = rest.filter((a) => SALE_WORDS.test(a.before));
  const badge = BADGE.exec(text.replace(/~~[^~]*~~/g, " "))?.[0].trim();
  if (listed.length === 0 && named.length === 0 && !badge) return { kind: "none" };

  if (listed.length > 1) return { kind: "unclear", reason: `several list prices (${listed.map((a) => `$${a.usd}`).join(", ")})`, text };
  const today = named.length > 0 ? named : rest;
  if (today.length === 0) {
    return { kind: "unclear", reason: listed.length > 0 ? `a list price ($${listed[0]!.usd}) with no price beside it` : `a sale mark ("${badge}") with no amount`, text };
  }
  if (new Set(today.map((a) => a.usd)).size > 1) {
    return { kind: "unclear", reason: `several sale prices (${today.map((a) => `$${a.usd}`).join(", ")})`, text };
  }
  const usd = today[0]!.usd;
  const listUsd = listed[0]?.usd;
  if (listUsd !== undefined && usd >= listUsd) {
    return { kind: "unclear", reason: `the sale price $${usd} is not below the list price $${listUsd}`, text };
  }
  return { kind: "sale", usd, ...(listUsd !== undefined ? { listUsd } : {}), ...(badge ? { badge } : {}), text };
}

/** The cell's text, every struck element's text wrapped in `~~…~~` and every other tag dropped. */
function plainWithStrikes(cell: string): string {
  let html = cell;
  // Close each striking element with `~~` (innermost tags first; nesting of the same tag is not seen on pages).
  html = html.replace(STRUCK_OPEN, (_open, tag1: string | undefined, tag2: string | undefined) => `\u0000${(tag1 ?? tag2)!.toLowerCase()}\u0000`);
  html = html.replace(/\u0000([a-z][a-z0-9-]*)\u0000([\s\S]*?)<\/\1\s*>/gi, (_, _tag, inner: string) => `~~${inner}~~`);
  return html
    .replace(/\u0000[a-z0-9-]*\u0000/gi, " ")
    .replace(/<\/?[A-Za-z][^>]*>/g, " ")
    .replace(/&(?:#36|#x24|dollar);/gi, "$")
    .replace(/&nbsp;|&#160;/gi, " ")
    .replace(/\\\$/g, "$")
    .replace(/[\u00a0\u2007\u202f\s]+/g, " ")
    .trim();
}
