import type { PriceChange } from "../../schemas/diff.ts";

/** LiteLLM's cost-map rule: a price that moves this much either way is more likely a misread than a price. */
export const MAX_RATIO = 10;

/** Why a change needs a human before it lands, or undefined. */
export function guardOf(change: Pick<PriceChange, "old" | "new">): string | undefined {
  if (change.old === 0 && change.new !== 0) return "was free, now priced: check the page";
  if (change.old !== 0 && change.new === 0) return "becomes 0: check the page really says free";
  const ratio = change.new / change.old;
  // 10× itself is held too: a dropped or added digit ("$60" read as "$6") moves a price by exactly 10×.
  if (ratio >= MAX_RATIO) return `rises ${trim(ratio)}× (${MAX_RATIO}× or more)`;
  if (ratio <= 1 / MAX_RATIO) return `falls to 1/${trim(1 / ratio)} (${MAX_RATIO}× or more)`;
  return undefined;
}

/**
 * A page on which more than half the catalog models it used to list are gone has most likely changed
 * layout or lost a table: refuse it as a whole rather than report half the catalog missing.
 */
export function sourceDropGuard(covered: number, missing: number): string | undefined {
  if (covered >= 2 && missing * 2 > covered) {
    return `the page lists only ${covered - missing} of the ${covered} catalog models this source covers: held back as a probable layout change`;
  }
  return undefined;
}

function trim(n: number): string {
  return n >= 100 ? Math.round(n).toString() : n.toFixed(1).replace(/\.0$/, "");
}

/** Why a proposed new key needs a human: a price of 0, or a new form of a retired key that moved 10× or more from it. */
export function addedGuard(usd: number, replacing: readonly number[]): string | undefined {
  if (usd === 0) return "priced at 0: check the page really says free";
  for (const old of replacing) {
    const guard = guardOf({ old, new: usd });
    if (guard) return `${guard}, against the price it replaces`;
  }
  return undefined;
}

/**
 * Every retired key needs a human: a price gone from the page is as often a misread or a lost table as a real
 * retirement. The message says which it looks like: a new shape, or a whole tier gone ("this tier retired?").
 */
export function retiredGuard(key: string, replacedBy: readonly string[], keys: readonly string[], vanished: readonly string[]): string {
  if (replacedBy.length > 0) return `restructured: now ${replacedBy.join(" / ")}`;
  const tier = key.includes("/") ? key.slice(0, key.indexOf("/")) : undefined;
  if (tier) {
    const ofTier = keys.filter((k) => k.startsWith(`${tier}/`));
    if (ofTier.every((k) => vanished.includes(k))) return `no ${tier}/ price of this model is on the page any more: this tier retired? Check the page`;
  }
  return "no longer on the page: check it was really dropped";
}
