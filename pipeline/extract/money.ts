/**
 * Reading a price cell. Every page writes money its own way: `$0.0028`, `\\$1.6` (escaped markdown),
 * `$1.25, prompts <= 200k tokens`, `2$ / 1M tokens`, `$0.50 / 1K tokens`, "Free", "-", "€0.50".
 * A cell either gives a USD number we are sure of, says "no price here", or is reported as unreadable.
 */
export type MoneyCell =
  | { kind: "usd"; usd: number; per: "1M" | "1K" | "unit" | undefined; text: string }
  | { kind: "none"; text: string }
  | { kind: "unreadable"; text: string; reason: string };

const NONE = /^(?:-|–|—|n\/a|na|not available|not applicable|tbd|\(none\)|none)$/i;

/** Cells that mean "this price does not exist" (as opposed to a price we failed to read). */
export function isNoPrice(text: string): boolean {
  return NONE.test(normalize(text));
}

function normalize(text: string): string {
  return text
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
