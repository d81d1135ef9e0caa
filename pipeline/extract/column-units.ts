import { type BilledUnit, billedUnitIn } from "./units.ts";

/**
 * The unit a column header states, including headers that name what they count before a bare per-count in
 * parentheses: "Input Tokens ($/1M)" → per 1M tokens, "Search Queries ($/1K)" → per 1K requests,
 * "Request Fee (per 1K)" → per 1K requests. Headers that say it whole ("Price ($/1M tokens)", "Price per 1K
 * requests") are read as `billedUnitIn` reads them. Undefined when the header states no unit.
 */
export function columnUnitIn(header: string): BilledUnit | undefined {
  const whole = billedUnitIn(header);
  if (whole) return whole;
  const count = /\(\s*(?:\$\s*)?(?:\/|\bper\b)\s*(1\s?M|1\s?K|1,000|1000|M|K)\s*\)/i.exec(header);
  if (!count) return undefined;
  const noun = /\b(tokens?|quer(?:y|ies)|searches|requests?|characters?|images?|pages?)\b/i.exec(header.slice(0, count.index))?.[1];
  if (!noun) return undefined;
  const billed = billedUnitIn(`per ${count[1]} ${noun}`);
  return billed ? { ...billed, phrase: `${noun} ${count[0]}` } : undefined;
}
