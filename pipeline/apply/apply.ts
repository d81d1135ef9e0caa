import type { EntryDiff } from "../../schemas/diff.ts";
import type { ModelEntry, PriceHistoryItem } from "../../schemas/model-entry.ts";
import { comparePriceKeys } from "../../schemas/price-key.ts";

/**
 * Pure: the entry as it should be after a run on `runDate`, or undefined when it must not change.
 * - verified: `lastVerified` moves to the run date (never backwards);
 * - changed: new prices in, old prices into `priceHistory` with the days they held, `lastVerified` moves;
 * - incomplete, missing: untouched. Nothing is half-applied: an entry with any price not seen stays as is.
 */
export function applyVerification(entry: ModelEntry, diff: EntryDiff, runDate: string): ModelEntry | undefined {
  if (diff.model !== entry.id) throw new Error(`diff for ${diff.model} applied to ${entry.id}`);
  if (diff.outcome === "verified") {
    return runDate > entry.lastVerified ? { ...entry, lastVerified: runDate } : undefined;
  }
  if (diff.outcome !== "changed") return undefined;
  if (runDate < entry.lastVerified) {
    // A replay of an older page must not rewrite a newer verification.
    return undefined;
  }
  const prices = structuredClone(entry.prices);
  const retired: PriceHistoryItem[] = [];
  for (const change of diff.changes) {
    const from = entry.priceHistory.find((h) => h.price === change.price)?.until;
    retired.push({
      price: change.price,
      usd: change.old,
      unit: change.unit,
      ...(from ? { from } : {}),
      until: runDate,
    });
    prices[change.price] = { usd: change.new, unit: change.unit };
  }
  retired.sort((a, b) => comparePriceKeys(a.price, b.price));
  return { ...entry, prices, priceHistory: [...retired, ...entry.priceHistory], lastVerified: runDate };
}
