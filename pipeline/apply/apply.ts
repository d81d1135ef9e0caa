import type { EntryDiff } from "../../schemas/diff.ts";
import type { ModelEntry, PriceHistoryItem, ScheduledPrice } from "../../schemas/model-entry.ts";
import { comparePriceKeys } from "../../schemas/price-key.ts";

/**
 * Pure: the entry as it should be after a run on `runDate`, or undefined when it must not change.
 * - verified: `lastVerified` moves to the run date (never backwards), plus any new keys and announcements;
 * - changed: new prices in, old and retired prices into `priceHistory` with the days they held, scheduled prices
 *   added, withdrawn or dropped, `lastVerified` moves;
 * - incomplete, missing: untouched. Nothing is half-applied: an entry with any price not judged stays as is.
 *
 * `scope` says which proposals: all of them; none (a verification-only push: `lastVerified` of verified
 * entries, nothing a reviewer has not seen); or those one source's pages gave (its pull request's branch) —
 * then `lastVerified` moves only when no other source has proposals for the entry, since only then does the
 * file hold every price the run saw.
 */
export type ApplyScope = { proposals: "all" } | { proposals: "none" } | { proposals: "of"; source: string };

export function applyVerification(entry: ModelEntry, diff: EntryDiff, runDate: string, scope: ApplyScope = { proposals: "all" }): ModelEntry | undefined {
  if (diff.model !== entry.id) throw new Error(`diff for ${diff.model} applied to ${entry.id}`);
  if (diff.outcome !== "verified" && diff.outcome !== "changed") return undefined;
  // A replay of an older page must not rewrite a newer verification.
  if (runDate < entry.lastVerified) return undefined;
  if (scope.proposals === "none") {
    return diff.outcome === "verified" && runDate > entry.lastVerified ? { ...entry, lastVerified: runDate } : undefined;
  }
  const mine = <T extends { source?: string }>(items: readonly T[]) => (scope.proposals === "all" ? items : items.filter((i) => i.source === scope.source));
  const changes = mine(diff.changes);
  const added = mine(diff.added);
  const retired = mine(diff.retired);
  const scheduled = mine(diff.scheduled);
  const multiplierChanges = mine(diff.multipliers ?? []);
  const all = diff.changes.length + diff.added.length + diff.retired.length + diff.scheduled.length + (diff.multipliers?.length ?? 0);
  const applied = changes.length + added.length + retired.length + scheduled.length + multiplierChanges.length;
  const lastVerified = applied === all ? runDate : entry.lastVerified;
  if (applied === 0) return lastVerified > entry.lastVerified ? { ...entry, lastVerified } : undefined;

  const prices = structuredClone(entry.prices);
  const history: PriceHistoryItem[] = [];
  const since = (key: string) => entry.priceHistory.find((h) => h.price === key)?.until;
  const remember = (key: string, usd: number, unit: PriceHistoryItem["unit"], until: string) => {
    const from = since(key);
    history.push({ price: key, usd, unit, ...(from ? { from } : {}), until });
  };
  let plans: ScheduledPrice[] = [...(entry.scheduledPrices ?? [])];
  const dropPlan = (key: string, from?: string) => {
    plans = plans.filter((p) => !(p.price === key && (from === undefined || p.from === from)));
  };

  for (const c of changes) {
    remember(c.price, c.old, c.unit, c.takesEffect ?? runDate);
    prices[c.price] = { usd: c.new, unit: c.unit };
    if (c.takesEffect) dropPlan(c.price, c.takesEffect);
  }
  for (const r of retired) {
    remember(r.price, r.usd, r.unit, r.until);
    delete prices[r.price];
  }
  for (const a of added) prices[a.price] = { usd: a.usd, unit: a.unit };
  for (const s of scheduled) {
    if (s.kind === "announce") {
      dropPlan(s.price, s.effectiveFrom);
      plans.push({ price: s.price, usd: s.usd, unit: s.unit, from: s.effectiveFrom, ...(s.source ? { source: s.source } : {}) });
    } else {
      dropPlan(s.price, s.effectiveFrom);
    }
  }

  // Newest first, as the whole history is; within a day, in price-key order.
  history.sort((a, b) => (a.until > b.until ? -1 : a.until < b.until ? 1 : comparePriceKeys(a.price, b.price)));
  // A key retired on the day the page gives (earlier than the run) still lands in date order.
  const priceHistory = [...history, ...entry.priceHistory].sort((a, b) => (a.until > b.until ? -1 : a.until < b.until ? 1 : 0));
  const next: ModelEntry = { ...entry, lastVerified, prices, priceHistory };
  if (plans.length > 0) next.scheduledPrices = plans;
  else delete next.scheduledPrices;
  const multipliers = { ...(entry.multipliers ?? {}) };
  for (const m of multiplierChanges) {
    if (m.kind === "vanish") delete multipliers[m.name];
    else multipliers[m.name] = { factor: m.new!, sentence: m.sentence, ...(m.source ? { source: m.source } : {}) };
  }
  if (Object.keys(multipliers).length > 0) next.multipliers = multipliers;
  else delete next.multipliers;
  return next;
}
