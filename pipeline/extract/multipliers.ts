/**
 * Multipliers in prose: the sentences in which a vendor prices a tier, a region, a long context or a cache
 * write as a multiple of its standard prices, read as factors.
 *
 * API (one function, one type):
 *
 *   multipliersIn(sentence: string): StatedMultiplier[]
 *   interface StatedMultiplier { factor: number; dimension?: MultipliedDimension; phrase: string }
 *
 * - `factor` multiplies the standard price: "2x" → 2, "1.1×" → 1.1, "50% off" / "a 50% discount" → 0.5,
 *   "billed at a 20% discount to standard rates" → 0.8, "a 10% upcharge" / "a 75% premium" → 1.1 / 1.75,
 *   "half of the peak rates" / "half price" → 0.5, "double the price" / "twice the standard rate" → 2.
 * - `dimension` is the standard price the factor multiplies, set only when the words right after a factor
 *   name one ("2x input and 1.5x output" → input 2, output 1.5; "0.1x the input price" → input 0.1); a factor that names none, or names several ("on input, output, and
 *   cached tokens"), has none: it applies to whatever the sentence's subject is (a tier, a region, a cache
 *   write), which the caller knows and names (`batch`, `over_272k:input`, `cache_write`, `off_peak`…).
 * - `phrase` is the words that stated the factor, as written (the caller keeps the whole sentence as evidence).
 *
 * What is not a factor is not read: "up to 50% off" (a ceiling, not a price), "save up to…", "4x faster",
 * "2x more context", "100% of…". The same factor stated twice for the same dimension ("1.75x standard list
 * pricing, which is a 75% premium") is returned once. A sentence with no factor gives [].
 */

export type MultipliedDimension =
  | "input"
  | "cached_input"
  | "output"
  | "cache_write"
  | "audio_input"
  | "audio_output"
  | "image_input"
  | "image_output";

export interface StatedMultiplier {
  factor: number;
  dimension?: MultipliedDimension;
  phrase: string;
}

const NUM = String.raw`(\d+(?:\.\d+)?)`;
/** `2x`, `2 x`, `1.1×`, `2X` (a `x` glued to a word such as "2xl" is not one). */
const TIMES = new RegExp(String.raw`(?<![\w.])${NUM}\s?[x×X](?![A-Za-z0-9])`, "g");
/** `50% off`, `50% discount`, `20% cheaper|lower|less`, `10% upcharge|premium|surcharge|markup|more|higher`. */
const PERCENT = new RegExp(
  String.raw`(?<![\w.])${NUM}\s?%\s*(off\b|discount\b|cheaper\b|lower\b|less\b|reduction\b|upcharge\b|up-charge\b|premium\b|surcharge\b|markup\b|mark-up\b|more\b|higher\b)`,
  "gi",
);
/** `discount of 50%`, `save 50%`, `saving 50%`. */
const PERCENT_AFTER = new RegExp(String.raw`\b(discount\s+of|save|saves|saving|savings\s+of)\s+${NUM}\s?%`, "gi");
const HALF = /\bhalf(?:\s+(?:of|the))*\s+(?:the\s+)?(?:standard\s+|list\s+|peak\s+|regular\s+|normal\s+|usual\s+)?(?:price|prices|pricing|rate|rates|cost)\b|\bhalf[-\s]price\b/gi;
const DOUBLE = /\b(?:double|twice)\s+(?:the\s+)?(?:standard\s+|list\s+|regular\s+|normal\s+|base\s+)?(?:price|prices|pricing|rate|rates|cost)\b/gi;

/** Words after a factor that make it a price factor ("standard list pricing", "the input price", "rates"). */
const PRICE_WORDS = /^\s*(?:the\s+)?(?:standard|list|base|regular|normal|usual|price|prices|pricing|rate|rates|cost|costs)\b/i;
/** Words before a factor that make it one ("billed at 1.25x", "priced at 2x", "the multiplier is 1.75x"). */
const BILLED_BEFORE = /(?:\bbilled|\bpriced|\bcharged|\bcosts?|\bcharge|\bmultiplier(?:\s+is)?|\bmultiplied\s+by|\bat)\s*$/i;

const DIMENSIONS: readonly [MultipliedDimension, RegExp][] = [
  ["cached_input", /^\s*(?:the\s+)?(?:cached\s+input|cache\s+reads?|cached\s+tokens?|cache\s+hits?)\b/i],
  ["cache_write", /^\s*(?:the\s+)?cache\s+writes?\b/i],
  ["audio_input", /^\s*(?:the\s+)?audio\s+input\b/i],
  ["audio_output", /^\s*(?:the\s+)?audio\s+output\b/i],
  ["image_input", /^\s*(?:the\s+)?image\s+input\b/i],
  ["image_output", /^\s*(?:the\s+)?image\s+output\b/i],
  ["input", /^\s*(?:the\s+)?(?:input|prompt)\b/i],
  ["output", /^\s*(?:the\s+)?(?:output|completion)\b/i],
];

/** The multipliers a sentence states, in the order it states them (see the top of this file). */
export function multipliersIn(sentence: string): StatedMultiplier[] {
  const text = sentence.replace(/[\u00a0\u202f\u2009]/g, " ");
  const found: (StatedMultiplier & { at: number })[] = [];

  for (const m of text.matchAll(TIMES)) {
    const after = text.slice(m.index + m[0].length);
    const before = text.slice(Math.max(0, m.index - 40), m.index);
    const dimension = dimensionAt(after);
    if (dimension === undefined && !PRICE_WORDS.test(after) && !BILLED_BEFORE.test(before) && !endsClause(after)) continue;
    if (/\bup\s+to\s*$/i.test(before)) continue;
    const factor = Number(m[1]);
    if (!(factor > 0)) continue;
    found.push({ factor, ...(dimension ? { dimension } : {}), phrase: m[0].trim(), at: m.index });
  }
  for (const m of text.matchAll(PERCENT)) {
    if (/\bup\s+to\s*$/i.test(text.slice(Math.max(0, m.index - 12), m.index))) continue;
    const pct = Number(m[1]);
    const word = m[2]!.toLowerCase();
    const down = /^(?:off|discount|cheaper|lower|less|reduction)$/.test(word);
    if (word === "more" || word === "higher") {
      // "10% more" is a factor only when it speaks of a price ("10% more than standard rates", "10% higher price").
      if (!/^\s*(?:than\s+)?(?:the\s+)?(?:standard|list|base|price|prices|pricing|rate|rates|cost)\b/i.test(text.slice(m.index + m[0].length))) continue;
    }
    const factor = down ? 1 - pct / 100 : 1 + pct / 100;
    if (!(factor > 0) || pct >= 100 && down) continue;
    found.push({ factor: round(factor), phrase: m[0].trim(), at: m.index });
  }
  for (const m of text.matchAll(PERCENT_AFTER)) {
    if (/\bup\s+to\b/i.test(m[0])) continue;
    const pct = Number(m[2]);
    if (pct >= 100) continue;
    found.push({ factor: round(1 - pct / 100), phrase: m[0].trim(), at: m.index });
  }
  for (const m of text.matchAll(HALF)) found.push({ factor: 0.5, phrase: m[0].trim(), at: m.index });
  for (const m of text.matchAll(DOUBLE)) found.push({ factor: 2, phrase: m[0].trim(), at: m.index });

  found.sort((a, b) => a.at - b.at);
  const out: StatedMultiplier[] = [];
  for (const { at: _, ...m } of found) {
    if (out.some((o) => o.factor === m.factor && o.dimension === m.dimension)) continue;
    out.push(m);
  }
  return out;
}

function dimensionAt(after: string): MultipliedDimension | undefined {
  for (const [dimension, re] of DIMENSIONS) if (re.test(after)) return dimension;
  return undefined;
}

/** "Cache writes are billed at 1.25x." / "(1.1×)" — a factor that closes its clause. */
function endsClause(after: string): boolean {
  return /^\s*(?:$|[.,;:)\]]|\s(?:and|for|on|of|over|when|with|which|—|-)\b)/i.test(after) && !/^\s*(?:faster|more|larger|bigger|longer|slower|less)\b/i.test(after);
}

function round(n: number): number {
  return Number(n.toPrecision(12));
}
