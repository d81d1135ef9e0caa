import { UTCDate } from "@date-fns/utc";
import { format, isMatch } from "date-fns";

/** Today in UTC as YYYY-MM-DD: a nightly run at 00:30 UTC verifies "today", wherever it runs. */
export function todayUtc(now: Date = new Date()): string {
  return format(new UTCDate(now.getTime()), "yyyy-MM-dd");
}

/** A `--date` argument: a real calendar day written YYYY-MM-DD. */
export function isIsoDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && isMatch(value, "yyyy-MM-dd");
}
