import type { z } from "zod";
import type { SeenPrice } from "../../schemas/diff.ts";
import { ModelEntry, type Prices, SCHEMA_POINTER } from "../../schemas/model-entry.ts";

/**
 * What no pricing page says: left out of a draft for the maintainer to fill in. Left out rather than
 * filled with placeholders, so `validate` names each one until it is there and no guess passes for a fact.
 */
const LEFT_TO_FILL = {
  name: true,
  family: true,
  kind: true,
  summary: true,
  contextWindow: true,
  maxOutput: true,
  releaseDate: true,
  releaseDateApproximate: true,
} as const;
export const FIELDS_TO_FILL = Object.keys(LEFT_TO_FILL) as (keyof typeof LEFT_TO_FILL)[];

/** A catalog entry holding only what a run saw on the page: deliberately not yet a valid ModelEntry. */
export const DraftEntry = ModelEntry.omit(LEFT_TO_FILL);
export type DraftEntry = z.infer<typeof DraftEntry>;

/** Pure: the draft of an untracked model, from the prices one run saw for it on one source's page. */
export function draftEntry(
  seen: { model: string; prices: readonly SeenPrice[] },
  page: { source: string; url: string; runDate: string },
): DraftEntry {
  const prices: Prices = Object.fromEntries(seen.prices.map((p) => [p.price, { usd: p.usd, unit: p.unit }]));
  return DraftEntry.parse({
    $schema: SCHEMA_POINTER,
    id: seen.model,
    vendor: seen.model.slice(0, seen.model.indexOf("/")),
    // Every one of these prices was on the page that day: that is what lastVerified means.
    lastVerified: page.runDate,
    prices,
    priceHistory: [],
    sources: [{ source: page.source, url: page.url }],
  });
}
