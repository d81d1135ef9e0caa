import { z } from "zod";
import { IsoDate, ModelId, MultiplierName, Usd } from "./model-entry.ts";
import { PriceKey, Unit } from "./price-key.ts";

/** One price read off a vendor page. */
export const Observation = z.strictObject({
  model: ModelId,
  price: PriceKey,
  usd: Usd,
  unit: Unit,
  /** Set when the page announces this price for a later day: it is not the current price before then. */
  effectiveFrom: IsoDate.optional(),
  /** Set when the page says this price holds only up to (and including) this day. */
  effectiveUntil: IsoDate.optional(),
  /** The page text the price was read from (a table row or sentence), kept as evidence for reviewers. */
  evidence: z.string().optional(),
  /** The document that showed it (its URL), when the source reads several: the report, evidence and PR name it. */
  document: z.url().optional(),
});
export type Observation = z.infer<typeof Observation>;

/** Something the extractor could not read, and where on the page. */
export const Problem = z.strictObject({
  message: z.string().min(1),
  where: z.string().min(1),
  /**
   * The models whose prices this problem leaves unread, when it is about them alone (a row of one model whose
   * two columns disagree): a run still compares the source's other models if none of these is in the catalog.
   * Absent when the problem may touch any price of the page (an unread amount, a changed layout).
   */
  models: z.array(ModelId).min(1).optional(),
});
export type Problem = z.infer<typeof Problem>;

/** A multiplier a page states in words ("Batch: 50% off", "billed at 1.1x"), for one model or every model it prices. */
export const MultiplierObservation = z.strictObject({
  /** Absent when the page states it for every model of the vendor (every entry the source covers). */
  model: ModelId.optional(),
  name: MultiplierName,
  factor: z.number().positive(),
  sentence: z.string().min(1),
  document: z.url().optional(),
});
export type MultiplierObservation = z.infer<typeof MultiplierObservation>;

/**
 * Every dollar amount one document states, accounted for: read into a price, passed over by a named rule,
 * or unread (each unread amount is also a problem, with where it stands).
 */
export const AmountAccounting = z.strictObject({
  document: z.url().optional(),
  seen: z.int().nonnegative(),
  read: z.int().nonnegative(),
  passedOver: z.array(z.strictObject({ rule: z.string().min(1), why: z.string().min(1), amounts: z.int().positive() })),
  unread: z.int().nonnegative(),
});
export type AmountAccounting = z.infer<typeof AmountAccounting>;

export const ExtractionStatus = z.enum(["ok", "partial", "failed"]);
export type ExtractionStatus = z.infer<typeof ExtractionStatus>;

/** What one source made of one page: the contract of `catalog extract`. */
export const Extraction = z.strictObject({
  source: z.string().min(1),
  status: ExtractionStatus,
  observations: z.array(Observation),
  /** Models the page lists whose name the source cannot map to a catalog id: reported, never guessed. */
  untracked: z.array(z.strictObject({ name: z.string(), where: z.string() })),
  problems: z.array(Problem),
  /**
   * Sentences that withdraw or change an earlier announcement ("The previously scheduled increase … will not
   * occur"), with the models they name: the evidence when a scheduled price is proposed for removal.
   */
  notices: z.array(z.strictObject({ text: z.string().min(1), models: z.array(ModelId) })).optional(),
  multipliers: z.array(MultiplierObservation).optional(),
  /** Per document read: the amounts it states and where each went. Absent for a failed reading. */
  accounting: z.array(AmountAccounting).optional(),
});
export type Extraction = z.infer<typeof Extraction>;
