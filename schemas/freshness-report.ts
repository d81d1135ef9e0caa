import { z } from "zod";
import { IsoDate, ModelId, Vendor } from "./model-entry.ts";

/** One entry whose prices nobody has seen on the vendor's page for too long. */
export const StaleEntry = z.strictObject({
  id: ModelId,
  lastVerified: IsoDate,
  ageDays: z.int().describe("Whole UTC calendar days from lastVerified to asOf"),
  coveredBy: z
    .array(z.string())
    .describe("The pipeline sources that check its prices; empty when no automated source covers it"),
});
export type StaleEntry = z.infer<typeof StaleEntry>;

/** An entry a maintainer marked retired: no source expects it any more, so it is never stale. */
export const RetiredEntry = z.strictObject({
  id: ModelId,
  retired: IsoDate,
  lastVerified: IsoDate,
});
export type RetiredEntry = z.infer<typeof RetiredEntry>;

export const VendorStaleness = z.strictObject({
  vendor: Vendor,
  /** How many catalog entries the vendor has, stale, fresh or retired. */
  entries: z.int().nonnegative(),
  /** Oldest first. */
  stale: z.array(StaleEntry),
  /** Retired entries, by retirement day. */
  retired: z.array(RetiredEntry),
});
export type VendorStaleness = z.infer<typeof VendorStaleness>;

/** `catalog report --format json`: the entries whose lastVerified is more than `staleAfterDays` before `asOf`. */
export const FreshnessReport = z.strictObject({
  asOf: IsoDate,
  staleAfterDays: z.int().nonnegative(),
  entries: z.int().nonnegative(),
  stale: z.int().nonnegative(),
  withoutAutomatedSource: z.int().nonnegative().describe("Stale entries no pipeline source covers: verified by hand or not at all"),
  retired: z.int().nonnegative().describe("Entries marked retired (not counted as stale)"),
  /** Only vendors with a stale or retired entry, by vendor id. */
  vendors: z.array(VendorStaleness),
});
export type FreshnessReport = z.infer<typeof FreshnessReport>;
