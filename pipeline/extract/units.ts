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
const COUNT = String.raw`(1\s?B\b|B\b|(?:one\s+)?billion\b|1\s?M\b|M\b|1,000,000\b|1000000\b|(?:one\s+)?million\b|1\s?K\b|K\b|1,000\b|1000\b|thousand\b|100\b)?\s*`;

const UNIT_WORDS: readonly [Unit, RegExp][] = [
  ["1M tokens", /^(?:(?:input|output|cached|text|image|audio|prompt|completion)\s+)*tokens?\b|^MTok\b/i],
  ["1M characters", /^(?:(?:input|output)\s+)?(?:characters?|chars?)\b/i],
  ["image", /^(?:generated\s+)?(?:images?|img)\b/i],
  ["second", /^(?:(?:video|audio)\s+)?(?:seconds?|secs?|s)\b/i],
  ["minute", /^(?:(?:audio|video)\s+)?(?:minutes?|mins?)\b/i],
  ["hour", /^(?:(?:audio|video)\s+)?(?:hours?|hrs?|h)\b/i],
  ["1B pixels", /^(?:(?:image|input)\s+)?pixels?\b/i],
  ["page", /^pages?\b/i],
  ["request", /^(?:requests?|calls?|searches|search(?:\s+quer(?:y|ies))?|quer(?:y|ies)|tool\s+calls?|sources?)\b/i],
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
  const n = c === "" ? 1 : /^(?:1m|m|1,000,000|1000000|million|onemillion)$/.test(c) ? 1e6 : /^(?:1k|k|1,000|1000|thousand)$/.test(c) ? 1e3 : c === "100" ? 100 : undefined;
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
