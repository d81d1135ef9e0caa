import { UTCDate } from "@date-fns/utc";
// Each function from its own module: the package index loads all of date-fns (~0.1 s at every start).
import { addDays } from "date-fns/addDays";
import { format as formatDay } from "date-fns/format";
import { isValid } from "date-fns/isValid";
import { parse } from "date-fns/parse";

/**
 * Days written on price pages: rows that hold "through August 31, 2026" or "starting September 1, 2026",
 * and announcements such as "The new prices take effect at 16:00 UTC on August 16, 2026". Every day is
 * a UTC calendar day, `YYYY-MM-DD`; a time with a stated zone next to a date moves it to the UTC day.
 */

const MONTH =
  "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

const DATE_FORMS: { re: RegExp; parts: (m: RegExpExecArray) => [string, string, string] }[] = [
  { re: new RegExp(`\\b(${MONTH})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, "gi"), parts: (m) => [m[3]!, m[1]!, m[2]!] },
  { re: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(${MONTH})\\.?,?\\s+(\\d{4})\\b`, "gi"), parts: (m) => [m[3]!, m[2]!, m[1]!] },
  { re: /\b(\d{4})[-/](\d{1,2})[-/](\d{1,2})\b/g, parts: (m) => [m[1]!, m[2]!, m[3]!] },
];

export interface FoundDate {
  /** The UTC day, `YYYY-MM-DD`. */
  iso: string;
  /** Where the date starts in the text. */
  index: number;
  /** The date as written. */
  text: string;
}

/** `2026`, `Aug`, `16` (or `8`) → `2026-08-16`, or undefined for a day that does not exist. */
export function isoDay(year: string, month: string, day: string): string | undefined {
  // date-fns' parse is slow and a page names the same few days in every cell: each answer is kept.
  const key = JSON.stringify([year, month, day]);
  if (isoDays.has(key)) return isoDays.get(key);
  const iso = readIsoDay(year, month, day);
  if (isoDays.size < 10_000) isoDays.set(key, iso);
  return iso;
}
const isoDays = new Map<string, string | undefined>();

function readIsoDay(year: string, month: string, day: string): string | undefined {
  const numeric = /^\d+$/.test(month);
  const m = numeric ? month : month.slice(0, 1).toUpperCase() + month.slice(1, 3).toLowerCase();
  const parsed = parse(`${year} ${m} ${day}`, numeric ? "yyyy M d" : "yyyy MMM d", new UTCDate(2000, 0, 1));
  return isValid(parsed) ? formatDay(parsed, "yyyy-MM-dd") : undefined;
}

/** The day `days` after (or before) an ISO day. */
export function shiftDay(iso: string, days: number): string {
  const key = `${iso}|${days}`;
  let shifted = shiftedDays.get(key);
  if (shifted === undefined) {
    shifted = formatDay(addDays(parse(iso, "yyyy-MM-dd", new UTCDate(2000, 0, 1)), days), "yyyy-MM-dd");
    if (shiftedDays.size < 10_000) shiftedDays.set(key, shifted);
  }
  return shifted;
}
const shiftedDays = new Map<string, string>();

/** Calendar days named in a text, in the order the forms find them; a time with a stated zone moves the day to UTC. */
export function datesIn(text: string): FoundDate[] {
  const found: FoundDate[] = [];
  for (const { re, parts } of DATE_FORMS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const [y, mo, d] = parts(m);
      const day = isoDay(y, mo, d);
      if (!day) continue;
      const time = timeNear(text.slice(Math.max(0, m.index - 60), m.index), text.slice(m.index + m[0].length, m.index + m[0].length + 60));
      if (!time) {
        found.push({ iso: day, index: m.index, text: m[0] });
        continue;
      }
      const [yy, mm, dd] = day.split("-").map(Number) as [number, number, number];
      const ms = Date.UTC(yy, mm - 1, dd, time.hours, time.minutes) - time.offsetMinutes * 60_000;
      found.push({ iso: formatDay(new UTCDate(ms), "yyyy-MM-dd"), index: m.index, text: m[0] });
    }
  }
  return found;
}

/** "at 16:00 UTC on " before a date, or ", 00:00 (UTC+8)" after it; only when the zone is stated. */
function timeNear(before: string, after: string): { hours: number; minutes: number; offsetMinutes: number } | undefined {
  const zone =
    "((?:\\(?\\s*(?:UTC|GMT)\\s*(?:[+-]\\s*\\d{1,2}(?::?\\d{2})?)?\\s*\\)?|\\(?\\s*Beijing Time[^)\\d]{0,4}(?:UTC\\s*\\+\\s*8)?\\s*\\)?|China Standard Time))";
  const b = new RegExp(`(\\d{1,2}):(\\d{2})\\s*(am|pm)?\\s*${zone}\\s*(?:on|,)?\\s*$`, "i").exec(before);
  const a = new RegExp(`^\\s*,?\\s*(?:at\\s+)?(\\d{1,2}):(\\d{2})\\s*(am|pm)?\\s*${zone}`, "i").exec(after);
  const m = b ?? a;
  if (!m) return undefined;
  let hours = Number(m[1]);
  const minutes = Number(m[2]);
  if (m[3]?.toLowerCase() === "pm" && hours < 12) hours += 12;
  if (m[3]?.toLowerCase() === "am" && hours === 12) hours = 0;
  const z = m[4] ?? "";
  const off = /(?:UTC|GMT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?/i.exec(z);
  let offsetMinutes = 0;
  if (off) offsetMinutes = (off[1] === "-" ? -1 : 1) * (Number(off[2]) * 60 + Number(off[3] ?? 0));
  else if (/Beijing|China/i.test(z)) offsetMinutes = 480;
  if (hours > 23 || minutes > 59) return undefined;
  return { hours, minutes, offsetMinutes };
}

/** The days a row's prices hold, from its label: "through August 31, 2026" → until; "starting September 1, 2026" → from. */
export type DatedBounds =
  | { kind: "bounds"; effectiveFrom?: string; effectiveUntil?: string; rest: string }
  | { kind: "problem"; message: string };

const MONTH_NAMES =
  "January|February|March|April|May|June|July|August|September|October|November|December|" +
  "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec";
const DATE_PHRASE = new RegExp(
  String.raw`(?:\b(through|until|till|prior to|on (?:and|or) before|on (?:and|or) after|to|ending|ends|before|starting|starts|from|beginning|begins|effective|as of|after|on)\s+)?` +
    String.raw`\b(${MONTH_NAMES})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s*(\d{4})\b)?`,
  "gi",
);

/** What every DATE_PHRASE contains: a month name and a day. */
const MONTH_AND_DAY = new RegExp(String.raw`\b(?:${MONTH_NAMES})\.?\s+\d`, "i");

/**
 * The bounds a label's dated phrases give, and the label without them. A date without a year, one that
 * does not exist, one whose preposition does not say which bound it is, or two dates for one bound are a
 * problem: a dated price is never guessed into the wrong days. `quoted` is the label as the page writes it,
 * for the messages, when `label` is a reading of it with notes taken out (default: `label`).
 */
export function datedBoundsIn(text: string, options: { quoted?: string } = {}): DatedBounds {
  // Most cells name no month at all: then no DATE_PHRASE either, and the text is its own rest.
  if (!MONTH_AND_DAY.test(text)) return { kind: "bounds", rest: text };
  const label = options.quoted ?? text;
  let effectiveFrom: string | undefined;
  let effectiveUntil: string | undefined;
  for (const m of text.matchAll(DATE_PHRASE)) {
    const [phrase, preposition, month, day, year] = m;
    if (!year) return { kind: "problem", message: `a date without a year in the label "${label}"` };
    const iso = isoDay(year, month!.replace(/^sept$/i, "Sep"), day!);
    if (!iso) return { kind: "problem", message: `"${phrase}" in the label "${label}" is not a day` };
    const p = preposition?.toLowerCase();
    let from: string | undefined;
    let until: string | undefined;
    if (p && /^(?:through|until|till|to|ending|ends|on (?:and|or) before)$/.test(p)) until = iso;
    else if (p === "before" || p === "prior to") until = shiftDay(iso, -1);
    else if (p && /^(?:starting|starts|from|beginning|begins|effective|as of|on (?:and|or) after)$/.test(p)) from = iso;
    else if (p === "after") from = shiftDay(iso, 1);
    else return { kind: "problem", message: `the label "${label}" carries a date ("${phrase}") whose meaning is unclear` };
    if ((from && effectiveFrom && from !== effectiveFrom) || (until && effectiveUntil && until !== effectiveUntil)) {
      return { kind: "problem", message: `the label "${label}" gives two different dates for one bound` };
    }
    effectiveFrom ??= from;
    effectiveUntil ??= until;
  }
  if (effectiveFrom && effectiveUntil && effectiveFrom > effectiveUntil) {
    return { kind: "problem", message: `the label "${label}" ends before it starts` };
  }
  return {
    kind: "bounds",
    ...(effectiveFrom ? { effectiveFrom } : {}),
    ...(effectiveUntil ? { effectiveUntil } : {}),
    rest: text.replace(DATE_PHRASE, " "),
  };
}

/** Words that announce prices for a later day. */
const ANNOUNCES = new RegExp(
  String.raw`\b(?:takes?|taking) effect\b|\beffective (?:from|on|as of|starting|date)\b|\bwill (?:soon )?(?:be (?:updated|adjusted|changed|raised|lowered|introduced)|adopt|apply|change|take|switch|move|increase|decrease|rise|fall|drop)\b|\b(?:starting|beginning) (?:from|on)\b|\bnew prices?\b` +
    // "Starting October 1, 2026, …", "Prices from October 1, 2026 are …", "… from 16:00 UTC on October 1": a day prices start.
    String.raw`|\b(?:starting|beginning|from|effective|as of) (?:\d{1,2}:\d{2}(?:\s*\(?UTC[+-]?\d{0,2}\)?)?\s+on\s+)?(?:${MONTH_NAMES})\.?\s+\d{1,2}\b`,
  "i",
);

/** Does a text use the words that announce prices for a later day ("take effect", "new prices", "will be updated")? */
export function announcesPrices(text: string): boolean {
  return ANNOUNCES.test(text);
}

export type Announcement = { kind: "none" } | { kind: "from"; date: string; sentence: string } | { kind: "undated"; sentence: string };

/**
 * Does a text (the paragraph above a table, closest first) announce prices for a day? One announcing
 * sentence with one day → from that day; announcing sentences with no day or several → undated.
 */
export function announcementIn(texts: readonly string[]): Announcement {
  for (const text of texts) {
    const sentences = text.split(/(?<=[.!?])\s+(?=[A-Z(])/);
    const announcing = sentences.filter((s) => ANNOUNCES.test(s));
    if (announcing.length === 0) continue;
    const dated = announcing.flatMap((s) => datesIn(s).map((d) => ({ ...d, sentence: s })));
    const days = [...new Set(dated.map((d) => d.iso))];
    if (days.length === 1) return { kind: "from", date: days[0]!, sentence: dated[0]!.sentence };
    return { kind: "undated", sentence: announcing.join(" ") };
  }
  return { kind: "none" };
}

/** Words saying an announced change no longer stands: "… will not occur", "has been cancelled", "is postponed". */
const WITHDRAWS =
  /\bwill (?:not|no longer) (?:occur|take effect|happen|go ahead|apply|be (?:applied|introduced|raised))\b|\bno longer (?:scheduled|planned|taking effect)\b|\b(?:has|have) been (?:cancel+ed|withdrawn|postponed|rescinded|called off)\b|\b(?:is|are) (?:cancel+ed|withdrawn|postponed|rescinded|called off)\b/i;

/**
 * The sentences of a text that withdraw an earlier announcement ("The previously scheduled increase to $3/$15
 * … on September 1, 2026 will not occur."): the evidence a reviewer reads when a scheduled price is removed.
 */
export function withdrawalsIn(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[A-Z(])/).filter((s) => WITHDRAWS.test(s));
}
