import { cleanText } from "./document.ts";

/**
 * Context conditions: prices that change with the prompt's length. Vendors write the threshold many
 * ways — `> 200k`, `≥ 200k prompt tokens`, `prompts <= 200k tokens`, `requests that exceed 200K input
 * tokens`, `above 200,000 tokens`, `Prompts with >272K input tokens` — and the catalog keys the price
 * above it as `@over_<n>k` (`input@over_200k`). "At or above" and "above" differ by one token; both are
 * the same tier of a vendor's price list, so both key as `over_`.
 */
export type ContextCondition = { kind: "standard" } | { kind: "over"; key: string };

const AMOUNT = String.raw`(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*([km]\b)?`;
const TOKENS = String.raw`(?:\s*(?:input\s+|prompt\s+|context\s+)?tokens?\b)?`;
const OVER_RE = new RegExp(
  String.raw`(?:>=|≥|>|=>|\babove\b|\bover\b|\bmore than\b|\bexceed(?:s|ing)?\b|\bgreater than\b|\bbeyond\b|\blonger than\b|\breach(?:es|ing)?\b|\bat least\b)\s*${AMOUNT}${TOKENS}`,
  "i",
);
const UP_TO_RE = new RegExp(
  String.raw`(?:<=|≤|=<|<|\bup to\b|\bunder\b|\bbelow\b|\bat most\b|\bless than\b|\bwithin\b)\s*${AMOUNT}${TOKENS}`,
  "i",
);

/** `200k`, `1M`, `200,000`, `272K` → the key's threshold (`200k`, `1m`), or undefined for a bare small number. */
function threshold(amount: string, suffix: string | undefined): string | undefined {
  if (suffix) return `${amount.replace(/,/g, "").replace(".", "_")}${suffix.toLowerCase()}`;
  const n = Number(amount.replace(/,/g, ""));
  // Without k/M only a written-out count of tokens is a threshold ("200,000 tokens"), never "2 images".
  if (!/,/.test(amount) || !Number.isInteger(n) || n % 1000 !== 0) return undefined;
  return n % 1_000_000 === 0 ? `${n / 1_000_000}m` : `${n / 1000}k`;
}

/**
 * The context condition a text names, and the text without it: `(≥ 200k prompt tokens)` → over_200k;
 * `prompts <= 200k tokens` → standard; both or neither → undefined (the text is returned whole).
 */
export function contextConditionIn(text: string): { condition: ContextCondition | undefined; rest: string } {
  const over = OVER_RE.exec(text);
  const upTo = UP_TO_RE.exec(text);
  const overKey = over ? threshold(over[1]!, over[2]) : undefined;
  const upToKey = upTo ? threshold(upTo[1]!, upTo[2]) : undefined;
  if (overKey && !upToKey) return { condition: { kind: "over", key: `over_${overKey}` }, rest: withoutCondition(text, over![0]) };
  if (upToKey && !overKey) return { condition: { kind: "standard" }, rest: withoutCondition(text, upTo![0]) };
  return { condition: undefined, rest: text };
}

/**
 * The text without its condition, and without the words that only led up to it: `Claude Haiku 5.5 (for prompts
 * up to 100,000 tokens)` → `Claude Haiku 5.5  `, where the parenthesis said nothing else.
 */
function withoutCondition(text: string, condition: string): string {
  const rest = text.replace(condition, "\u0000");
  return rest
    .replace(/\(\s*(?:for\s+)?(?:(?:prompts?|requests?|inputs?)\s+)?(?:with\s+)?\u0000\s*(?:context(?:\s+(?:length|window))?)?\s*\)/i, " ")
    .replace("\u0000", " ");
}

/**
 * The threshold a text says prices start above, whatever else it says: "requests that exceed 200K input
 * tokens are charged at premium long context rates" → over_200k, even next to "up to 200K …". For the
 * prose above a long-context table whose cells name no condition; the first threshold counts.
 */
export function thresholdAboveIn(text: string): ContextCondition | undefined {
  for (const m of text.matchAll(new RegExp(OVER_RE.source, "gi"))) {
    const key = threshold(m[1]!, m[2]);
    if (key) return { kind: "over", key: `over_${key}` };
  }
  return undefined;
}

const LENGTH_FIRST = /^(short|long)(?:er)?[- ]context\s+(.+)$/i;
const LENGTH_LAST = /^(.+?)\s*\((short|long)(?:er)?[- ]context\)$/i;

/**
 * A header that names a context length but no threshold: "Short context input", "Long context cached input",
 * "Output (longer context)". The long side keys as `@long` (its threshold, if the page states one, is
 * elsewhere: "gpt-5.5 (<272K context length)"); the short side is the standard context. The rest is the
 * header without those words ("input"); undefined when the header starts or ends with neither.
 */
export function contextLengthIn(text: string): { condition: ContextCondition; rest: string } | undefined {
  const t = cleanText(text);
  const first = LENGTH_FIRST.exec(t);
  const last = first ? undefined : LENGTH_LAST.exec(t);
  if (!first && !last) return undefined;
  const [length, rest] = first ? [first[1]!, first[2]!] : [last![2]!, last![1]!];
  const condition: ContextCondition = length.toLowerCase() === "long" ? { kind: "over", key: "long" } : { kind: "standard" };
  return { condition, rest: rest.trim() };
}

/** The key a condition gives a price: `over_200k`, or undefined for the standard context. */
export function conditionKey(condition: ContextCondition): string | undefined {
  return condition.kind === "over" ? condition.key : undefined;
}
