import { z } from "zod";
import { IsoDate, ModelId, MultiplierName, Usd } from "./model-entry.ts";
import { PriceKey, Unit } from "./price-key.ts";

/**
 * Who showed a price: the pipeline source and, where the run knows it, the document (its URL). Each
 * proposal goes into the pull request of its source, and that PR names the document.
 */
const shownBy = {
  source: z.string().optional(),
  document: z.url().optional(),
  /** The page text the price was read from. */
  evidence: z.string().optional(),
};

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
  /** Set when the new price is a scheduled price of the entry taking effect: the day it did (old price held until then). */
  takesEffect: IsoDate.optional(),
  ...shownBy,
});
export type PriceChange = z.infer<typeof PriceChange>;

/** A price the page states for a key the entry does not carry: proposed as an addition. */
export const PriceAdded = z.strictObject({
  price: PriceKey,
  unit: Unit,
  usd: Usd,
  guard: z.string().optional(),
  ...shownBy,
});
export type PriceAdded = z.infer<typeof PriceAdded>;

/**
 * A key the entry carries that no document of the run shows any more, while the model is priced: proposed as
 * retired (into `priceHistory`, never deleted silently). `replacedBy` names the keys that took its place when
 * the model was priced in a new shape (`input` → `input@peak`, `input@off_peak`).
 */
export const PriceRetired = z.strictObject({
  price: PriceKey,
  unit: Unit,
  usd: Usd,
  /** The day it stopped holding: the day the new shape took effect when the page says so, else the run day. */
  until: IsoDate,
  replacedBy: z.array(PriceKey),
  guard: z.string(),
  source: z.string().optional(),
});
export type PriceRetired = z.infer<typeof PriceRetired>;

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
 * A change to the entry's `scheduledPrices`:
 * - announce: the page announces a price for a later day that the entry does not hold yet;
 * - withdraw: a price the entry holds for a later day is no longer on the page before its day (`reason`: the
 *   page's words where it says why, e.g. "… will not occur");
 * - lapse: its day has passed and the page never confirmed it (it shows another price, or none): a warning,
 *   and the scheduled price is dropped.
 */
export const ScheduledChange = z.strictObject({
  kind: z.enum(["announce", "withdraw", "lapse"]),
  price: PriceKey,
  unit: Unit,
  usd: Usd,
  effectiveFrom: IsoDate,
  /** The entry's current price of that key, when it has one. */
  current: Usd.optional(),
  reason: z.string().optional(),
  ...shownBy,
});
export type ScheduledChange = z.infer<typeof ScheduledChange>;

/**
 * A change to the entry's `multipliers`, checked like a price:
 * - add: the page states a multiplier the entry does not hold yet (`new`);
 * - change: the page states another factor than the entry holds (`old` → `new`);
 * - vanish: the entry holds one its source states no more, while that source read fine (`old`): proposed for
 *   removal, behind a guard, never dropped silently.
 */
export const MultiplierChange = z.strictObject({
  kind: z.enum(["add", "change", "vanish"]),
  name: MultiplierName,
  old: z.number().positive().optional(),
  new: z.number().positive().optional(),
  /** The page's words (add, change), or the words the entry kept (vanish). */
  sentence: z.string().min(1),
  guard: z.string().optional(),
  ...shownBy,
});
export type MultiplierChange = z.infer<typeof MultiplierChange>;

/** The proposals of one entry, each attributed to the source whose page (or silence) gave it. */
const proposals = {
  changes: z.array(PriceChange),
  added: z.array(PriceAdded),
  retired: z.array(PriceRetired),
  scheduled: z.array(ScheduledChange),
  announced: z.array(AnnouncedPrice),
  /** Absent when nothing about the entry's multipliers is proposed. */
  multipliers: z.array(MultiplierChange).optional(),
};

/**
 * What this run's pages say about one catalog entry, across every source that covers it:
 * - verified: every current catalog price was seen and all are equal (new keys and new announcements may be
 *   proposed beside: `added`, `scheduled`);
 * - changed: a price changed, was retired, or a scheduled price is withdrawn or lapsed — there is something to review;
 * - incomplete: part of the entry could not be judged (a source covering it failed or was not run, two
 *   documents disagree, or the page shows a shape the catalog already retired): nothing is proposed;
 * - missing: no page lists the model at all.
 */
export const EntryDiff = z.discriminatedUnion("outcome", [
  z.strictObject({ model: ModelId, outcome: z.literal("verified"), ...proposals }),
  z.strictObject({ model: ModelId, outcome: z.literal("changed"), ...proposals }),
  z.strictObject({
    model: ModelId,
    outcome: z.literal("incomplete"),
    notOnPage: z.array(PriceKey),
    changes: z.array(PriceChange),
    announced: z.array(AnnouncedPrice),
    /** Why part of the entry could not be judged, other than prices missing from the page. */
    reasons: z.array(z.string()).optional(),
  }),
  z.strictObject({ model: ModelId, outcome: z.literal("missing") }),
]);
export type EntryDiff = z.infer<typeof EntryDiff>;
export type EntryOutcome = EntryDiff["outcome"];
export type ProposingDiff = Extract<EntryDiff, { outcome: "verified" | "changed" }>;

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

/** Everything one source's pages say about the catalog. */
export const SourceDiff = z.strictObject({
  source: z.string(),
  /** The entries this source covers (retired ones excluded), each judged across every source covering it. */
  entries: z.array(EntryDiff),
  /**
   * Models on the page that the catalog does not have, with the prices seen for them (current ones), so a
   * maintainer can add one in one step (`catalog add`). A name the source could not map to an id has no prices.
   */
  untracked: z.array(UntrackedModel),
  /**
   * Missing entries that look retired: the source's pages read fine, the model is on none of them, and its
   * `lastVerified` is more than RETIRE_AFTER_DAYS old. A maintainer may mark them `retired`.
   */
  retireSuggested: z.array(z.strictObject({ model: ModelId, lastVerified: IsoDate, days: z.number().int() })),
  /** Set when the page as a whole cannot be trusted (e.g. it lost more than half the models). */
  refused: z.string().optional(),
});
export type SourceDiff = z.infer<typeof SourceDiff>;
