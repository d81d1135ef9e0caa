import { UTCDate } from "@date-fns/utc";
import { format } from "date-fns/format";
import { isMatch } from "date-fns/isMatch";

/** Today in UTC as YYYY-MM-DD: a nightly run at 00:30 UTC verifies "today", wherever it runs. */
export function todayUtc(now: Date = new Date()): string {
  return format(new UTCDate(now.getTime()), "yyyy-MM-dd");
}

/** A `--date` argument: a real calendar day written YYYY-MM-DD. */
export function isIsoDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && isMatch(value, "yyyy-MM-dd");
}

/**
 * The latest day a run may verify or the catalog may record as past: today in UTC plus one day, the slack for a
 * maintainer east of Greenwich whose calendar is already on tomorrow. A later day is a typo, never a fact: an
 * entry verified "on 2099-01-01" would look verified, and every later run would skip it as checked after its day.
 */
export function latestDayAllowed(now: Date = new Date()): string {
  return dayAfter(todayUtc(now));
}

/** `2026-12-31` → `2027-01-01`. */
export function dayAfter(day: string): string {
  return todayUtc(new Date(Date.parse(`${day}T00:00:00Z`) + 24 * 60 * 60 * 1000));
}
