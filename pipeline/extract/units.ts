import type { Unit } from "../../schemas/price-key.ts";
import { scaleDecimal } from "./money.ts";

/**
 * The unit a price is billed in, as vendors write it after an amount or in a header, in every unit a price
 * key holds: `/ 1M tokens`, `/M Tokens`, `per MTok`, `/ 1K tokens` (scaled), `per image`, `/ sec`, `per second`,
 * `/min`, `/Min`, `per minute`, `/ hr`, `per hour`, `/ 1M chars`, `/M Chars`, `per 1M characters`,
 * `/ 1K characters` (scaled), `/1000 Pages`, `per page`, `per request`, `/ 1K requests`, `per 1,000 searches`.
 *
 * `quantity` is how many of `unit` the stated amount buys (1,000 for "/ 1K requests"): `perUnit` divides it out
 * so a price key always holds the price of one unit (or of 1M tokens / 1M characters).
 */
export interface BilledUnit {
  unit: Unit;
  quantity: number;
  /** The words that stated it, as written. */
  phrase: string;
}

const PER = String.raw`(?:\/|\bper\b|\bevery\b)\s*`;
/** `1M`, `1 M`, `M`, `1,000,000`, `million`, `one million` → 1e6; `1K`, `1,000`, `1000`, `thousand` → 1e3. */
const COUNT = String.raw`(1\s?B\b|B\b|(?:one\s+)?billion\b|1\s?M\b|M\b|1,000,000\b|1000000\b|(?:one\s+|1\s+)?million\b|1\s?K\b|K\b|1,000\b|1000\b|thousand\b|100\b)?\s*`;

const UNIT_WORDS: readonly [Unit, RegExp][] = [
  ["1M tokens", /^(?:(?:input|output|cached|text|image|audio|prompt|completion)\s+)*tokens?\b|^MTok\b/i],
  ["1M characters", /^(?:(?:input|output)\s+)?(?:characters?|chars?)\b/i],
  ["image", /^(?:generated\s+)?(?:images?|img)\b/i],
  ["second", /^(?:(?:video|audio)\s+)?(?:seconds?|secs?|s)\b/i],
  ["minute", /^(?:(?:audio|video)\s+)?(?:minutes?|mins?)\b/i],
  ["hour", /^(?:(?:audio|video)\s+)?(?:hours?|hrs?|h)\b/i],
  ["1B pixels", /^(?:(?:image|input)\s+)?pixels?\b/i],
  ["page", /^pages?\b/i],
  // "per video" (a generated video, billed whole) and "/ use" (a tool's use) are one request each.
  ["request", /^(?:requests?|calls?|searches|search(?:\s+quer(?:y|ies))?|quer(?:y|ies)|tool\s+calls?|sources?|videos?|uses?)\b/i],
];

const PHRASE = new RegExp(`${PER}${COUNT}([A-Za-z][A-Za-z ]*)`, "i");
const MTOK = /\bMTok\b/;

/** The billed unit a text states (`$0.0045 / minute` → minute), or undefined when it states none of them. */
export function billedUnitIn(text: string): BilledUnit | undefined {
  if (MTOK.test(text)) return { unit: "1M tokens", quantity: 1e6, phrase: "MTok" };
  for (let rest = text, offset = 0; ; ) {
    const m = PHRASE.exec(rest);
    if (!m) return undefined;
    const words = m[2]!;
    for (const [unit, re] of UNIT_WORDS) {
      const w = re.exec(words);
      if (!w) continue;
      const quantity = countOf(m[1], unit);
      if (quantity === undefined) break;
      return { unit, quantity, phrase: (m[0].slice(0, m[0].length - words.length) + w[0]).trim() };
    }
    offset = m.index + 1;
    rest = rest.slice(offset);
  }
}

function countOf(count: string | undefined, unit: Unit): number | undefined {
  const c = (count ?? "").replace(/\s/g, "").toLowerCase();
  if (/^(?:1b|b|billion|onebillion)$/.test(c)) return unit === "1B pixels" ? 1e9 : undefined;
  if (unit === "1B pixels") return undefined; // pixels are priced per billion by convention, nothing else is trusted
  const n = c === "" ? 1 : /^(?:1m|m|1,000,000|1000000|million|onemillion|1million)$/.test(c) ? 1e6 : /^(?:1k|k|1,000|1000|thousand)$/.test(c) ? 1e3 : c === "100" ? 100 : undefined;
  if (n === undefined) return undefined;
  // Tokens and characters are priced per 1M by convention: "per token" without a count is not a unit we trust.
  if ((unit === "1M tokens" || unit === "1M characters") && n === 1) return c === "" ? undefined : n;
  return n;
}

/**
 * The price of one unit as a price key holds it: per 1M for tokens and characters, per one of anything else.
 * `$0.50 / 1K tokens` → 500; `$5 / 1K requests` → 0.005; `$4 / 1000 pages` → 0.004.
 */
export function perUnit(usd: number, billed: BilledUnit): number {
  const per = billed.unit === "1M tokens" || billed.unit === "1M characters" ? 1e6 : billed.unit === "1B pixels" ? 1e9 : 1;
  return scaleDecimal(usd, per / billed.quantity);
}

/**
 * A price per generated clip whose unit names the clip: `$0.28 per 768P, 6s video`, `per 1080P 10s video`,
 * `/ 720p, 5-second video`. One request buys one clip, so the key is a price per request whose variant names it
 * (`768p_6s`); undefined when the text states no such clip.
 */
export function videoClipIn(text: string): { variant: string; phrase: string } | undefined {
  const m = /(?:\/|\bper\b)\s*(\d{3,4})\s*p\s*,?\s*(\d{1,3})\s*-?\s*(?:s|secs?|seconds?)\b\s*(?:videos?|clips?)\b/i.exec(text);
  return m ? { variant: `${m[1]}p_${m[2]}s`, phrase: m[0] } : undefined;
}

/**
 * The unit a line above a table states for every price in it: "Prices per 1M tokens.", "Prices per image.",
 * "Prices per video.", "All prices are per 1M tokens", "Prices in USD per 1M tokens". Only a line that speaks
 * of the prices (not a note that mentions a unit in passing) counts; the first such line wins, and two lines
 * stating different units give none (the reader then reports the cells that state no unit of their own).
 */
export function unitLineIn(lines: readonly string[]): BilledUnit | undefined {
  const units = lines
    .filter((l) => UNIT_LINE.test(l.trim()) && l.length <= 80)
    .map(billedUnitIn)
    .filter((u): u is BilledUnit => u !== undefined);
  if (units.length === 0) return undefined;
  return units.every((u) => u.unit === units[0]!.unit && u.quantity === units[0]!.quantity) ? units[0] : undefined;
}
const UNIT_LINE = /^(?:all\s+)?(?:prices?|pricing)\b[^.]*\bper\b/i;

/**
 * A price with the same price restated in another unit beside it, as an equivalent:
 * "$0.03 / MTok (equivalent to approximately $0.0024/minute)", "$3.50 (≈ $0.0053/min)". Gives the price as
 * stated (`main`) and the restatement (`equivalent`), which is the same price in other words, not a second price.
 */
export function restatedEquivalentIn(text: string): { main: string; equivalent: string } | undefined {
  const m = EQUIVALENT.exec(text);
  if (!m) return undefined;
  const main = (text.slice(0, m.index) + text.slice(m.index + m[0].length)).replace(/\s+/g, " ").trim();
  return /\$\s?\d/.test(main) ? { main, equivalent: m[1]!.trim() } : undefined;
}
const EQUIVALENT = /\(\s*((?:(?:equivalent|equal|equals|equates)\s+to|≈|~|approx\.?|approximately|about|roughly|i\.e\.,?)\s*(?:approximately\s+|about\s+|roughly\s+)?\$\s?\d[^)]*)\)/i;
