import { cleanText } from "./document.ts";
import { parseDecimal } from "./money.ts";
import { billedUnitIn, perUnit } from "./units.ts";

/**
 * Token prices stated in a sentence rather than a table, each amount followed by its unit and the side it bills:
 *
 *   "Command R+ 08-2024 pricing is $2.50/1M tokens for input and $10.00/1M tokens for output"
 *   "Aya Expanse models (8B and 32B) on the API are charged at $0.50/1M tokens for input and $1.50/1M tokens for output."
 *   "Token pricing remains the same as standard Sonar Pro ($3 per 1M input, $15 per 1M output)."
 *
 * `subject` is what the sentence prices, as written before "pricing is" / "is charged at" (a trailing "on the
 * API" left off), for the source to map onto an id; undefined when the sentence does not start that way. An
 * amount whose unit is not per tokens (`$2 per 1K searches`) is no token price and left out; a side stated
 * twice is for the caller to report (`prices` keeps both).
 */
export interface SentenceTokenPrice {
  side: "input" | "output";
  /** USD per 1M tokens (a "/1K tokens" amount scaled). */
  usd: number;
  /** The words that state it: `$2.50/1M tokens for input`. */
  stated: string;
}

export interface SentenceTokenPrices {
  subject: string | undefined;
  prices: SentenceTokenPrice[];
}

const AMOUNT = String.raw`\$\s?([0-9][0-9,]*(?:\.[0-9]+)?)`;
/** `$2.50/1M tokens for input`, `$0.50 per 1K tokens of output`. */
const UNIT_THEN_SIDE = new RegExp(String.raw`${AMOUNT}\s*((?:\/|per\b)\s*[^$,;]*?\btokens?)\s+(?:for|of|on)\s+(input|output)\b`, "gi");
/** `$3 per 1M input`, `$15 / 1M output tokens`. */
const SIDE_IN_UNIT = new RegExp(String.raw`${AMOUNT}\s*((?:\/|per\b)\s*(?:1\s?M|1,000,000|one million|million|1\s?K|1,000|thousand))\s+(input|output)(?:\s+tokens?)?\b`, "gi");
const SUBJECT = /^(.+?)\s+(?:pricing\s+is|(?:is|are)\s+(?:charged|billed|priced)\s+at|costs?)\s+\$/i;

export function tokenPricesInSentence(sentence: string): SentenceTokenPrices {
  const text = cleanText(sentence.replace(/\\\$/g, "$"));
  const prices: (SentenceTokenPrice & { at: number })[] = [];
  for (const m of text.matchAll(UNIT_THEN_SIDE)) {
    const price = priceOf(m[1]!, m[2]!, m[3]!, m[0]);
    if (price) prices.push({ ...price, at: m.index });
  }
  for (const m of text.matchAll(SIDE_IN_UNIT)) {
    if (prices.some((p) => p.at === m.index)) continue;
    const price = priceOf(m[1]!, `${m[2]!} tokens`, m[3]!, m[0]);
    if (price) prices.push({ ...price, at: m.index });
  }
  const subject = SUBJECT.exec(text)?.[1]?.replace(/\s+(?:on|via|through)\s+the\s+API$/i, "").trim();
  return { subject: subject || undefined, prices: prices.sort((a, b) => a.at - b.at).map(({ at: _, ...p }) => p) };
}

function priceOf(amount: string, unitPhrase: string, side: string, stated: string): SentenceTokenPrice | undefined {
  const usd = parseDecimal(amount);
  const billed = billedUnitIn(unitPhrase);
  if (usd === undefined || billed?.unit !== "1M tokens") return undefined;
  return { side: side.toLowerCase() as "input" | "output", usd: perUnit(usd, billed), stated: stated.trim() };
}
