import { z } from "zod";
import { IsoDate, ModelId, Usd } from "./model-entry.ts";
import { PriceKey, Unit } from "./price-key.ts";

/** One catalog price that the page now states differently. */
export const PriceChange = z.strictObject({
  price: PriceKey,
  unit: Unit,
  old: Usd,
  new: Usd,
  /** (new − old) / old in percent, one decimal; null when the old price was 0. */
  percent: z.number().nullable(),
  /** Why a human must look before this lands (moves over 10×, crosses zero). */
  guard: z.string().optional(),
  /** The page text the new price was read from. */
  evidence: z.string().optional(),
});
export type PriceChange = z.infer<typeof PriceChange>;

/** A price the page states for a later day: shown to reviewers, never applied before its day. */
export const AnnouncedPrice = z.strictObject({
  price: PriceKey,
  unit: Unit,
  usd: Usd,
  effectiveFrom: IsoDate,
  current: Usd.optional(),
});
export type AnnouncedPrice = z.infer<typeof AnnouncedPrice>;

/**
 * What one source's page says about one catalog entry.
 * - verified: every catalog price was seen and all are equal;
 * - changed: every catalog price was seen, some differ;
 * - incomplete: some catalog price is not on the page (nothing is changed then);
 * - missing: the page does not list the model at all.
 */
export const EntryDiff = z.discriminatedUnion("outcome", [
  z.strictObject({ model: ModelId, outcome: z.literal("verified"), announced: z.array(AnnouncedPrice) }),
  z.strictObject({
    model: ModelId,
    outcome: z.literal("changed"),
    changes: z.array(PriceChange).min(1),
    announced: z.array(AnnouncedPrice),
  }),
  z.strictObject({
    model: ModelId,
    outcome: z.literal("incomplete"),
    notOnPage: z.array(PriceKey).min(1),
    changes: z.array(PriceChange),
    announced: z.array(AnnouncedPrice),
  }),
  z.strictObject({ model: ModelId, outcome: z.literal("missing") }),
]);
export type EntryDiff = z.infer<typeof EntryDiff>;
export type EntryOutcome = EntryDiff["outcome"];

/** A price the page states for a model the catalog does not track. */
export const SeenPrice = z.strictObject({ price: PriceKey, unit: Unit, usd: Usd, evidence: z.string().optional() });
export type SeenPrice = z.infer<typeof SeenPrice>;

export const UntrackedModel = z.strictObject({
  /** A catalog id when the source could map the name, else the name as the page gives it. */
  model: z.string(),
  where: z.string(),
  prices: z.array(SeenPrice),
});
export type UntrackedModel = z.infer<typeof UntrackedModel>;

/** Everything one page says about the catalog. */
export const SourceDiff = z.strictObject({
  source: z.string(),
  entries: z.array(EntryDiff),
  /**
   * Models on the page that the catalog does not have, with the prices seen for them (current ones), so a
   * maintainer can add one in one step (`catalog add`). A name the source could not map to an id has no prices.
   */
  untracked: z.array(UntrackedModel),
  /** Prices the page states for catalog models under keys the entry does not carry. */
  notInCatalog: z.array(z.strictObject({ model: ModelId, price: PriceKey, usd: Usd })),
  /** Set when the page as a whole cannot be trusted (e.g. it lost more than half the models). */
  refused: z.string().optional(),
});
export type SourceDiff = z.infer<typeof SourceDiff>;
