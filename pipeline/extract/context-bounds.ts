import { contextConditionIn } from "./context-conditions.ts";

/**
 * Both sides of a context split. `contextConditionIn` keys the price above a threshold (`over_200k`) and
 * reads `< 200k` as the standard context, without its threshold. A page that prices a model on two rows
 * (or columns) — `grok-4.6 (< 200k prompt tokens)` and `grok-4.6 (≥ 200k prompt tokens)`, `prompts <= 200k`
 * and `prompts > 200k` — is read right only when both sides name the same threshold, so this gives the
 * threshold of the lower side too, and says whether a set of sides makes one split.
 */
export type ContextBound = { side: "up_to"; threshold: string } | { side: "over"; threshold: string; key: string };

const AMOUNT = /(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*([km]\b)?/i;

/** The side of a threshold a text names (`< 200k prompt tokens` → up to 200k), and the text without it. */
export function contextBoundIn(text: string): { bound: ContextBound | undefined; rest: string } {
  const { condition, rest } = contextConditionIn(text);
  if (!condition) return { bound: undefined, rest };
  if (condition.kind === "over") {
    return { bound: { side: "over", threshold: condition.key.replace(/^over_/, ""), key: condition.key }, rest };
  }
  // The upper bound's amount, read again as a lower one, gives its threshold in the same spelling (200,000 → 200k).
  const amount = AMOUNT.exec(removedPart(text, rest));
  const mirrored = amount ? contextConditionIn(`over ${amount[0]} tokens`).condition : undefined;
  if (mirrored?.kind !== "over") return { bound: undefined, rest: text };
  return { bound: { side: "up_to", threshold: mirrored.key.replace(/^over_/, "") }, rest };
}

/** The words `contextConditionIn` took out of `text` to leave `rest`. */
function removedPart(text: string, rest: string): string {
  let start = 0;
  while (start < text.length && start < rest.length && text[start] === rest[start]) start++;
  let end = 0;
  while (end < text.length - start && end < rest.length - start && text[text.length - 1 - end] === rest[rest.length - 1 - end]) end++;
  return text.slice(start, text.length - end);
}

/** How a bound reads in a message: `< 200k`, `≥ 200k`, `no condition`. */
export function boundText(bound: ContextBound | undefined): string {
  if (!bound) return "no condition";
  return `${bound.side === "up_to" ? "<" : "≥"} ${bound.threshold}`;
}

/**
 * Whether the sides one model's prices are written on make one reading: a single unconditioned price, or
 * exactly the two sides of one threshold. Anything else (a side without its sibling, an unconditioned row
 * beside a conditioned one, two thresholds) cannot be keyed without guessing.
 */
export function contextSplitOf(bounds: readonly (ContextBound | undefined)[]): { ok: true; threshold?: string } | { ok: false; reason: string } {
  const distinct = [...new Map(bounds.map((b) => [boundText(b), b])).values()];
  if (distinct.length === 1 && distinct[0] === undefined) return { ok: true };
  const up = distinct.filter((b) => b?.side === "up_to");
  const over = distinct.filter((b) => b?.side === "over");
  const said = distinct.map(boundText).join(", ");
  if (distinct.includes(undefined)) return { ok: false, reason: `some of its prices name a context condition and some do not (${said})` };
  if (up.length === 1 && over.length === 1) {
    if (up[0]!.threshold === over[0]!.threshold) return { ok: true, threshold: up[0]!.threshold };
    return { ok: false, reason: `its two sides name different thresholds (${said})` };
  }
  if (up.length + over.length === 1) return { ok: false, reason: `only one side of the threshold is priced (${said})` };
  return { ok: false, reason: `more than two context conditions (${said})` };
}
