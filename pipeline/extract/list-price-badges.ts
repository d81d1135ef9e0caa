import { multipliersIn } from "./multipliers.ts";
import { parseDecimal } from "./money.ts";

/**
 * A price written as the list price with a discount stated only in words beside it:
 *
 *   List price $1.65  Limited-time night 80% off, daytime 50% off
 *   List price $0.4   Limited-time 20% off
 *
 * (Alibaba Model Studio.) Unlike a struck-through list price beside the sale price (`sale-price.ts`), the page
 * states no other figure: what is billed depends on the discount's terms (time of day, a deadline), so the one
 * amount is the price the page states, and the discount is read as what it is, a factor per period ("night"
 * 0.2, "daytime" 0.5, or none named: 0.8), never computed into a price.
 *
 * `unclear` when the words cannot be read surely (two amounts, a discount with no factor, a period twice).
 */
export type ListPriceBadge =
  | { kind: "none" }
  | { kind: "list-price"; usd: number; written: string; discounts: BadgeDiscount[]; badge: string | undefined }
  | { kind: "unclear"; reason: string };

export interface BadgeDiscount {
  /** The period or condition it holds for, as a key word (`night`, `daytime`, `off_peak`), or undefined for none named. */
  period: string | undefined;
  factor: number;
  /** Its words as written: "night 80% off". */
  phrase: string;
}

const LIST = /^\s*list\s+price\s*:?\s*\$\s?([0-9][0-9,]*(?:\.[0-9]+)?)\s*(.*)$/i;
const LIMITED = /^(?:limited[-\s]time|for\s+a\s+limited\s+time|promotion(?:al)?|promo)\s*:?\s*/i;
const PART = /^(?:([a-z][a-z -]*?)\s+)?(\d+(?:\.\d+)?\s?%\s*(?:off|discount))$/i;

/** Read one cell's text (tags dropped) for a list price with a discount in words; see the top of this file. */
export function listPriceBadgeIn(text: string): ListPriceBadge {
  const plain = text.replace(/[\s\u00a0]+/g, " ").trim();
  const m = LIST.exec(plain);
  if (!m) return { kind: "none" };
  const usd = parseDecimal(m[1]!);
  if (usd === undefined) return { kind: "unclear", reason: `"${m[1]}" is not a number` };
  const rest = m[2]!.trim();
  if (/\$\s?\d/.test(rest)) return { kind: "unclear", reason: `a second amount beside the list price in "${plain}"` };
  if (rest === "") return { kind: "list-price", usd, written: `$${m[1]}`, discounts: [], badge: undefined };
  const body = rest.replace(LIMITED, "");
  const discounts: BadgeDiscount[] = [];
  for (const part of body.split(/\s*[,;]\s*|\s+and\s+/)) {
    const p = PART.exec(part.trim());
    const factor = p ? multipliersIn(p[2]!)[0]?.factor : undefined;
    if (!p || factor === undefined) return { kind: "unclear", reason: `the words "${rest}" beside the list price are not a discount that can be read` };
    const period = p[1] ? p[1].trim().toLowerCase().replace(/[\s-]+/g, "_") : undefined;
    if (discounts.some((d) => d.period === period)) return { kind: "unclear", reason: `two discounts for ${period ?? "no named period"} in "${rest}"` };
    discounts.push({ period, factor, phrase: part.trim() });
  }
  return { kind: "list-price", usd, written: `$${m[1]}`, discounts, badge: rest };
}
