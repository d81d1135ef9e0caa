import { utc } from "@date-fns/utc";
import { differenceInCalendarDays } from "date-fns/differenceInCalendarDays";
import type { FreshnessReport, RetiredEntry, StaleEntry, VendorStaleness } from "../../schemas/freshness-report.ts";
import type { ModelEntry } from "../../schemas/model-entry.ts";

/** Whole calendar days from `lastVerified` to `asOf`, both read as UTC days (so the answer never depends on TZ). */
export function ageInDays(lastVerified: string, asOf: string): number {
  return differenceInCalendarDays(asOf, lastVerified, { in: utc });
}

/**
 * Pure: the entries whose `lastVerified` is more than `staleAfterDays` days before `asOf`, by vendor, oldest
 * first. An entry is covered by a source when one of its `sources` names a pipeline source id; a reference to
 * models.dev, or to a source id no module implements, checks nothing. Entries marked `retired` are listed
 * apart: no source expects them, so they are never stale.
 */
export function freshnessReport(
  entries: readonly ModelEntry[],
  options: { asOf: string; staleAfterDays: number; sourceIds: ReadonlySet<string> },
): FreshnessReport {
  const byVendor = new Map<string, { entries: number; stale: StaleEntry[]; retired: RetiredEntry[] }>();
  for (const entry of entries) {
    const group = byVendor.get(entry.vendor) ?? { entries: 0, stale: [], retired: [] };
    byVendor.set(entry.vendor, group);
    group.entries++;
    if (entry.retired !== undefined) {
      group.retired.push({ id: entry.id, retired: entry.retired, lastVerified: entry.lastVerified });
      continue;
    }
    const ageDays = ageInDays(entry.lastVerified, options.asOf);
    if (ageDays <= options.staleAfterDays) continue;
    const coveredBy = [...new Set(entry.sources.map((s) => s.source).filter((id) => options.sourceIds.has(id)))];
    group.stale.push({ id: entry.id, lastVerified: entry.lastVerified, ageDays, coveredBy });
  }
  const vendors: VendorStaleness[] = [...byVendor]
    .filter(([, group]) => group.stale.length > 0 || group.retired.length > 0)
    .sort(([a], [b]) => compare(a, b))
    .map(([vendor, group]) => ({
      vendor,
      entries: group.entries,
      stale: group.stale.sort((a, b) => compare(a.lastVerified, b.lastVerified) || compare(a.id, b.id)),
      retired: group.retired.sort((a, b) => compare(a.retired, b.retired) || compare(a.id, b.id)),
    }));
  const stale = vendors.flatMap((v) => v.stale);
  return {
    asOf: options.asOf,
    staleAfterDays: options.staleAfterDays,
    entries: entries.length,
    stale: stale.length,
    withoutAutomatedSource: stale.filter((e) => e.coveredBy.length === 0).length,
    retired: vendors.reduce((n, v) => n + v.retired.length, 0),
    vendors,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
