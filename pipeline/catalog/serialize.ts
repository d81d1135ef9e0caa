import { ModelEntry, type Multiplier, type PriceHistoryItem, type Prices, type ScheduledPrice, type SourceRef } from "../../schemas/model-entry.ts";
import { comparePriceKeys } from "../../schemas/price-key.ts";

/**
 * The one writer of catalog files: keys in schema order, prices in price-key order,
 * 2-space indent, final newline. Loading and re-serializing an unchanged entry gives the same bytes,
 * so a pull request diff shows only what changed.
 */
export function serializeEntry(entry: SerializableEntry): string {
  return `${JSON.stringify(canonicalEntry(entry), null, 2)}\n`;
}

/**
 * An entry, or a draft of one (`catalog add`) that lacks fields a person still has to fill in: absent keys
 * are skipped, so the filled-in draft is canonical as it stands.
 */
export type SerializableEntry = Partial<ModelEntry> & Pick<ModelEntry, "prices" | "priceHistory" | "sources">;

function canonicalEntry(entry: SerializableEntry): SerializableEntry {
  // Rebuild each object in the order its schema declares its keys.
  const ordered = pickInOrder(entry, Object.keys(ModelEntry.shape)) as SerializableEntry;
  ordered.prices = canonicalPrices(entry.prices);
  if (entry.scheduledPrices !== undefined) {
    // Earliest first, then in price-key order; an empty list is written as no field at all.
    const scheduled = [...entry.scheduledPrices].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : comparePriceKeys(a.price, b.price)));
    if (scheduled.length === 0) delete ordered.scheduledPrices;
    else ordered.scheduledPrices = scheduled.map((item) => pickInOrder(item, ["price", "usd", "unit", "from", "source"])) as ScheduledPrice[];
  }
  if (entry.multipliers !== undefined) {
    // By name; an empty set is written as no field at all.
    const names = Object.keys(entry.multipliers).sort();
    if (names.length === 0) delete ordered.multipliers;
    else {
      const multipliers: Record<string, Multiplier> = {};
      for (const name of names) multipliers[name] = pickInOrder(entry.multipliers[name]!, ["factor", "sentence", "source"]) as Multiplier;
      ordered.multipliers = multipliers;
    }
  }
  ordered.priceHistory = entry.priceHistory.map((item) =>
    pickInOrder(item, ["price", "usd", "unit", "from", "until"]),
  ) as PriceHistoryItem[];
  ordered.sources = entry.sources.map((s) => pickInOrder(s, ["source", "url", "file", "note"])) as SourceRef[];
  return ordered;
}

function canonicalPrices(prices: Prices): Prices {
  const out: Prices = {};
  for (const key of Object.keys(prices).sort(comparePriceKeys)) {
    const price = prices[key]!;
    out[key] = { usd: price.usd, unit: price.unit };
  }
  return out;
}

function pickInOrder<T extends object>(value: T, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}
