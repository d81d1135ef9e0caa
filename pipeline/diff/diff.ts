import type { AnnouncedPrice, EntryDiff, PriceChange, SourceDiff, UntrackedModel } from "../../schemas/diff.ts";
import type { ModelEntry } from "../../schemas/model-entry.ts";
import type { Extraction, Observation } from "../../schemas/observation.ts";
import { comparePriceKeys } from "../../schemas/price-key.ts";
import { guardOf, sourceDropGuard } from "./guards.ts";
import { percentChange, sameMoney } from "./money.ts";

/**
 * Pure: what one extracted page says about the catalog entries its source covers, on `runDate`.
 * A price announced for a later day is never compared as the current price; a price whose stated
 * end has passed is ignored. `catalogIds` (default: the covered ids) are the models the catalog has:
 * a model on the page outside them is untracked; one inside them that this run does not cover
 * (another source's, or not picked by `--only`) is neither compared nor untracked.
 */
export function diffSource(
  extraction: Extraction,
  covered: readonly ModelEntry[],
  runDate: string,
  catalogIds: ReadonlySet<string> = new Set(covered.map((e) => e.id)),
): SourceDiff {
  const current = new Map<string, Map<string, Observation>>();
  const announcedByModel = new Map<string, Observation[]>();
  for (const o of extraction.observations) {
    if (o.effectiveFrom !== undefined && o.effectiveFrom > runDate) {
      pushTo(announcedByModel, o.model, o);
      continue;
    }
    if (o.effectiveUntil !== undefined && o.effectiveUntil < runDate) continue;
    let prices = current.get(o.model);
    if (!prices) current.set(o.model, (prices = new Map()));
    const seen = prices.get(o.price);
    // Two rows both current for one key: the later-starting one is the newer statement.
    if (!seen || (o.effectiveFrom ?? "") > (seen.effectiveFrom ?? "")) prices.set(o.price, o);
  }

  const coveredIds = new Set(covered.map((e) => e.id));
  const entries = [...covered]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((entry) => diffEntry(entry, current.get(entry.id), announcedByModel.get(entry.id) ?? []));

  const untracked: UntrackedModel[] = [
    ...extraction.untracked.map((u) => ({ model: u.name, where: u.where, prices: [] })),
    ...[...current.keys()]
      .filter((m) => !coveredIds.has(m) && !catalogIds.has(m))
      .sort()
      .map((model) => ({
        model,
        where: "page",
        prices: [...current.get(model)!.values()]
          .sort((a, b) => comparePriceKeys(a.price, b.price))
          .map((o) => ({ price: o.price, unit: o.unit, usd: o.usd, ...(o.evidence ? { evidence: o.evidence } : {}) })),
      })),
  ];
  const notInCatalog = covered.flatMap((entry) =>
    [...(current.get(entry.id)?.values() ?? [])]
      .filter((o) => !(o.price in entry.prices))
      .sort((a, b) => comparePriceKeys(a.price, b.price))
      .map((o) => ({ model: entry.id, price: o.price, usd: o.usd })),
  );

  const missing = entries.filter((e) => e.outcome === "missing").length;
  const refused = sourceDropGuard(covered.length, missing);
  return { source: extraction.source, entries, untracked, notInCatalog, ...(refused ? { refused } : {}) };
}

function diffEntry(entry: ModelEntry, seen: Map<string, Observation> | undefined, upcoming: Observation[]): EntryDiff {
  const announced: AnnouncedPrice[] = upcoming
    .sort((a, b) => comparePriceKeys(a.price, b.price) || (a.effectiveFrom! < b.effectiveFrom! ? -1 : 1))
    .map((o) => ({
      price: o.price,
      unit: o.unit,
      usd: o.usd,
      effectiveFrom: o.effectiveFrom!,
      ...(entry.prices[o.price] ? { current: entry.prices[o.price]!.usd } : {}),
    }));
  if (!seen || seen.size === 0) {
    return upcoming.length > 0 ? { model: entry.id, outcome: "incomplete", notOnPage: priceKeys(entry), changes: [], announced } : { model: entry.id, outcome: "missing" };
  }
  const notOnPage: string[] = [];
  const changes: PriceChange[] = [];
  for (const key of priceKeys(entry)) {
    const price = entry.prices[key]!;
    const observed = seen.get(key);
    if (!observed) {
      notOnPage.push(key);
      continue;
    }
    if (sameMoney(price.usd, observed.usd)) continue;
    const guard = guardOf({ old: price.usd, new: observed.usd });
    changes.push({
      price: key,
      unit: price.unit,
      old: price.usd,
      new: observed.usd,
      percent: percentChange(price.usd, observed.usd),
      ...(guard ? { guard } : {}),
      ...(observed.evidence ? { evidence: observed.evidence } : {}),
    });
  }
  if (notOnPage.length > 0) return { model: entry.id, outcome: "incomplete", notOnPage, changes, announced };
  if (changes.length > 0) return { model: entry.id, outcome: "changed", changes, announced };
  return { model: entry.id, outcome: "verified", announced };
}

function priceKeys(entry: ModelEntry): string[] {
  return Object.keys(entry.prices).sort(comparePriceKeys);
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
