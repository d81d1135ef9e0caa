import { TIERS, type Tier } from "../../schemas/price-key.ts";
import { cleanText } from "./document.ts";

/**
 * What a column header or a row label says a price is, in the words every vendor uses:
 *
 *   "Input", "Base Input Tokens", "Input price", "1M INPUT TOKENS (CACHE MISS)", "Input / 1M tokens"  → input
 *   "Cached input", "Cache Hits & Refreshes", "1M INPUT TOKENS (CACHE HIT)", "Context caching price"  → cached_input
 *   "Cache writes", "5m Cache Writes", "1h Cache Writes", "Prompt caching write (5 minutes)"          → cache_write[_5m|_1h]
 *   "Output", "Output price (including thinking tokens)", "Completion", "1M OUTPUT TOKENS"            → output
 *
 * and the tier a label names (Batch, Flex, Priority, Fast). A label that names two prices at once
 * ("Input and output") names none: the reader reports it rather than pick one.
 */

export type TokenDimension = "input" | "cached_input" | "cache_write" | "cache_write_5m" | "cache_write_1h" | "output";

/** Which token price a header or label names, or undefined when it names none (or two). */
export function tokenDimensionIn(text: string): TokenDimension | undefined {
  const t = cleanText(text).toLowerCase();
  if (/\bcach(?:e|ed|ing)\b/.test(t)) {
    if (/\b(?:hits?|reads?|refresh(?:es)?)\b|\bcached\s+input\b|\bcontext\s+caching\b/.test(t)) return "cached_input";
    if (/\bwrit(?:e|es|ing)\b/.test(t)) {
      const five = /\b5\s*-?\s*m(?:in(?:ute)?s?)?\b/.test(t);
      const hour = /\b1\s*-?\s*h(?:ours?|rs?)?\b/.test(t);
      if (five && hour) return undefined;
      // A cache of another duration ("24h Cache Writes", "30m") is a price no key names yet: reported, not filed as the undated write.
      if (!five && !hour && /\b\d+\s*-?\s*(?:m|mins?|minutes?|h|hrs?|hours?|d|days?)\b/.test(t)) return undefined;
      return five ? "cache_write_5m" : hour ? "cache_write_1h" : "cache_write";
    }
    // "1M INPUT TOKENS (CACHE MISS)": an uncached input token.
    if (/\bmiss(?:es)?\b/.test(t) && /\binputs?\b/.test(t) && !/\boutputs?\b/.test(t)) return "input";
    return undefined;
  }
  const input = /\binputs?\b|\bprompts?\b/.test(t);
  const output = /\boutputs?\b|\bcompletions?\b/.test(t);
  if (input === output) return undefined;
  return input ? "input" : "output";
}

/**
 * Which mode of a thinking model a header or cell names: "Thinking mode (chain of thought + answer)" → thinking,
 * "Non-Thinking mode" → non_thinking, "Non-Thinking and Thinking modes" → both; undefined when it names neither
 * ("Chain of thought + answer" alone is what one output price covers, not a mode).
 */
export function thinkingModeIn(text: string): "thinking" | "non_thinking" | "both" | undefined {
  const t = cleanText(text).toLowerCase();
  const non = /\bnon[-\s]?thinking\b/.test(t);
  const thinking = /\bthinking\b/.test(t.replace(/\bnon[-\s]?thinking\b/g, " "));
  if (non && thinking) return "both";
  return non ? "non_thinking" : thinking ? "thinking" : undefined;
}

/** The one tier a text names among other words ("Batch input", "Fast mode pricing"); undefined for none or several. */
export function tierNamedIn(text: string): Tier | undefined {
  const t = text.toLowerCase();
  const found = TIERS.filter((tier) => new RegExp(`\\b${tier}\\b`).test(t));
  return found.length === 1 ? found[0] : undefined;
}

export type TierOrStandard = Tier | "standard";

const TIER_LABEL =
  /^(standard|batch|flex|priority|fast)(?:\s+(?:mode|processing|tier|api))?(?:\s+pricing(?:\s+(?:table\s+)?data)?)?$/i;

/**
 * A label that is a tier name and nothing else — a tab ("Batch"), a heading ("Standard pricing data",
 * "Fast mode", "Priority processing") — or undefined. Prose that merely mentions a tier is not a label.
 */
export function tierLabel(text: string): TierOrStandard | undefined {
  const m = TIER_LABEL.exec(text.trim());
  return m ? (m[1]!.toLowerCase() as TierOrStandard) : undefined;
}

/** How a tier is written for people: in problem messages and PR bodies. */
export const TIER_NAMES: Record<TierOrStandard, string> = {
  standard: "Standard",
  batch: "Batch",
  flex: "Flex",
  priority: "Priority",
  fast: "Fast",
};
