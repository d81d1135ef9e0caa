import type {
  AnnouncedPrice,
  EntryDiff,
  MultiplierChange,
  PriceAdded,
  PriceChange,
  PriceRetired,
  ScheduledChange,
  SourceDiff,
  UntrackedModel,
} from "../../schemas/diff.ts";
import type { ModelEntry, ScheduledPrice } from "../../schemas/model-entry.ts";
import type { Extraction, MultiplierObservation, Observation } from "../../schemas/observation.ts";
import { comparePriceKeys, parsePriceKey } from "../../schemas/price-key.ts";
import { addedGuard, guardOf, retiredGuard, sourceDropGuard } from "./guards.ts";
import { percentChange, sameMoney } from "./money.ts";

/** A missing entry last verified longer ago than this is suggested for the `retired` mark (genai-prices' 90 days). */
export const RETIRE_AFTER_DAYS = 90;

/** What one source read this run, for the entries it covers. Only readings with status `ok` are compared. */
export interface SourceReading {
  extraction: Extraction;
  /** The catalog entries this run asks the source about. */
  covered: readonly ModelEntry[];
}

export interface RunDiffOptions {
  runDate: string;
  /** Every model the catalog has: a priced model outside it is untracked; one inside it that no reading covers is neither. */
  catalogIds: ReadonlySet<string>;
  /**
   * Ids of the pipeline sources. An entry naming one that has no ok reading this run (it failed, or `--only`
   * left it out) is judged only in part: incomplete, never verified or changed.
   */
  sourceIds: ReadonlySet<string>;
}

/** An observation with the source that read it. */
type Seen = Observation & { source: string };
/** A multiplier stated for this entry (or for every model its source covers), with the source that read it. */
type SeenMultiplier = MultiplierObservation & { source: string };

/**
 * Pure: what this run's pages say about the catalog, one `SourceDiff` per reading. An entry covered by several
 * sources (token prices on the pricing page, per-image prices on the model's page) is judged once, on what all
 * of them showed, and each proposal is attributed to the source (and document) that showed it. A price
 * announced for a later day is never compared as the current price; a price whose stated end has passed is ignored.
 */
export function diffRun(readings: readonly SourceReading[], options: RunDiffOptions): SourceDiff[] {
  const first = judgeReadings(readings, options);
  const refused = new Set(first.filter((d) => d.refused !== undefined).map((d) => d.source));
  if (refused.size === 0) return first;
  // A source the drop guard refused read a broken page: what it showed judges no entry another source covers
  // too (those are judged as if it had not been read: incomplete). Without it no other source can lose models.
  const trusted = readings.filter((r) => !refused.has(r.extraction.source));
  const second = judgeReadings(trusted, options, refused);
  return readings.map((r, i) => (refused.has(r.extraction.source) ? first[i]! : second[trusted.indexOf(r)]!));
}

function judgeReadings(readings: readonly SourceReading[], options: RunDiffOptions, refused: ReadonlySet<string> = new Set()): SourceDiff[] {
  const { runDate } = options;
  const read = new Set(readings.map((r) => r.extraction.source));
  // Each reading's observations by model; an entry's, each with its source, are made when it is judged. Copies made
  // up front (one per observation, 70,000 for a 10k catalog) all lived through the whole judgement and were promoted
  // to the old space: 25 MB of peak RSS for nothing.
  const byModel = readings.map(() => new Map<string, Observation[]>());
  const observedOf = (id: string): Seen[] => readings.flatMap((r, i) => (byModel[i]!.get(id) ?? []).map((o) => seenFrom(o, r.extraction.source)));
  const multipliersByModel = new Map<string, SeenMultiplier[]>();
  // The units each source's documents price anything in: a key of a unit no document of its source carries is
  // not seen rather than gone (the pricing page no longer prices images; the model page does, when it is read).
  const unitsBySource = new Map<string, Set<string>>();
  readings.forEach((r, i) => {
    const units = new Set<string>();
    unitsBySource.set(r.extraction.source, units);
    for (const o of r.extraction.observations) {
      pushTo(byModel[i]!, o.model, o);
      units.add(o.unit);
    }
    for (const m of r.extraction.multipliers ?? []) {
      const seen = { ...m, source: r.extraction.source };
      if (m.model) pushTo(multipliersByModel, m.model, seen);
      else for (const e of r.covered) pushTo(multipliersByModel, e.id, seen);
    }
  });
  const notices = readings.flatMap((r) => r.extraction.notices ?? []);
  const judged = new Map<string, EntryDiff>();
  const judge = (entry: ModelEntry): EntryDiff => {
    let d = judged.get(entry.id);
    if (!d) {
      const unreadSources = entry.sources.map((s) => s.source).filter((s, i, all) => options.sourceIds.has(s) && !read.has(s) && all.indexOf(s) === i);
      const covering = entry.sources.map((s) => s.source).filter((s) => read.has(s));
      const unitsRead = new Set(covering.flatMap((s) => [...(unitsBySource.get(s) ?? [])]));
      d = diffEntry(entry, observedOf(entry.id), {
        runDate,
        unreadSources,
        refused,
        covering,
        notices,
        unitsRead,
        multipliers: multipliersByModel.get(entry.id) ?? [],
      });
      judged.set(entry.id, d);
    }
    return d;
  };

  return readings.map(({ extraction, covered }) => {
    const expected = covered.filter((e) => e.retired === undefined);
    const coveredIds = new Set(covered.map((e) => e.id));
    const entries = [...expected].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(judge);
    // Only the models the page shows outside the catalog (the entries' prices are judged above).
    const current = currentPrices(
      extraction.observations.filter((o) => !coveredIds.has(o.model) && !options.catalogIds.has(o.model)),
      runDate,
    );
    const untracked: UntrackedModel[] = [
      ...extraction.untracked.map((u) => ({ model: u.name, where: u.where, prices: [] })),
      ...[...current.keys()]
        .sort()
        .map((model) => ({
          model,
          where: "page",
          prices: [...current.get(model)!.values()]
            .sort((a, b) => comparePriceKeys(a.price, b.price))
            .map((o) => ({ price: o.price, unit: o.unit, usd: o.usd, ...(o.evidence ? { evidence: o.evidence } : {}) })),
        })),
    ];
    const missing = entries.filter((e) => e.outcome === "missing");
    const refused = sourceDropGuard(expected.length, missing.length);
    const retireSuggested = missing.flatMap((e) => {
      const entry = expected.find((x) => x.id === e.model)!;
      const days = daysBetween(entry.lastVerified, runDate);
      return days > RETIRE_AFTER_DAYS ? [{ model: e.model, lastVerified: entry.lastVerified, days }] : [];
    });
    return { source: extraction.source, entries, untracked, retireSuggested: refused ? [] : retireSuggested, ...(refused ? { refused } : {}) };
  });
}

/** One source's reading alone: `diffRun` with that one reading and that one source. */
export function diffSource(
  extraction: Extraction,
  covered: readonly ModelEntry[],
  runDate: string,
  catalogIds: ReadonlySet<string> = new Set(covered.map((e) => e.id)),
): SourceDiff {
  return diffRun([{ extraction, covered }], { runDate, catalogIds, sourceIds: new Set([extraction.source]) })[0]!;
}

/** The current price of every key of every model, on the run day (the later-starting of two current rows wins). */
function currentPrices(observations: readonly Observation[], runDate: string): Map<string, Map<string, Observation>> {
  const current = new Map<string, Map<string, Observation>>();
  for (const o of observations) {
    if (!isCurrent(o, runDate)) continue;
    let prices = current.get(o.model);
    if (!prices) current.set(o.model, (prices = new Map()));
    const seen = prices.get(o.price);
    if (!seen || (o.effectiveFrom ?? "") > (seen.effectiveFrom ?? "")) prices.set(o.price, o);
  }
  return current;
}

function isCurrent(o: Observation, runDate: string): boolean {
  return !(o.effectiveFrom !== undefined && o.effectiveFrom > runDate) && !(o.effectiveUntil !== undefined && o.effectiveUntil < runDate);
}

interface EntryContext {
  runDate: string;
  /** Sources covering the entry with no ok reading this run. */
  unreadSources: string[];
  /** Of those, the ones read but refused by the drop guard. */
  refused: ReadonlySet<string>;
  /** Sources covering the entry that were read, in the entry's order: an unshown key's retirement goes to the first. */
  covering: string[];
  notices: NonNullable<Extraction["notices"]>;
  /** Units any document of the covering sources priced anything in, this run. */
  unitsRead: ReadonlySet<string>;
  multipliers: readonly SeenMultiplier[];
}

function diffEntry(entry: ModelEntry, observed: readonly Seen[], ctx: EntryContext): EntryDiff {
  const { runDate } = ctx;
  const upcoming = observed.filter((o) => o.effectiveFrom !== undefined && o.effectiveFrom > runDate);
  const announced: AnnouncedPrice[] = [...upcoming]
    .sort((a, b) => comparePriceKeys(a.price, b.price) || (a.effectiveFrom! < b.effectiveFrom! ? -1 : 1))
    .map((o) => ({
      price: o.price,
      unit: o.unit,
      usd: o.usd,
      effectiveFrom: o.effectiveFrom!,
      ...(entry.prices[o.price] ? { current: entry.prices[o.price]!.usd } : {}),
    }));

  // The current price of each key, across sources; two documents stating different current prices for one key are not guessed between.
  const seen = new Map<string, Seen>();
  const disagreements: string[] = [];
  for (const o of observed) {
    if (!isCurrent(o, runDate)) continue;
    const before = seen.get(o.price);
    if (!before || (before.source === o.source && (o.effectiveFrom ?? "") > (before.effectiveFrom ?? ""))) {
      seen.set(o.price, o);
    } else if (before.source !== o.source && !sameMoney(before.usd, o.usd)) {
      disagreements.push(`${o.price}: ${before.source} says $${before.usd}, ${o.source} says $${o.usd}`);
    }
  }

  const keys = priceKeys(entry);
  const incomplete = (notOnPage: string[], reasons: string[], changes: PriceChange[] = []): EntryDiff => incompleteDiff(entry, announced, notOnPage, reasons, changes);

  if (runDate < entry.lastVerified) {
    // A replay of an earlier day: the catalog already holds what a later run saw, and that is not undone.
    return incomplete([], [`the catalog verified this entry on ${entry.lastVerified}, after this run's day ${runDate}: a run of an earlier day judges nothing of it`]);
  }
  if (seen.size === 0 && ctx.unreadSources.length === 0) {
    return upcoming.length > 0 ? incomplete(keys, []) : { model: entry.id, outcome: "missing" };
  }

  const due: ReadonlyMap<string, ScheduledPrice> = entry.scheduledPrices
    ? new Map(entry.scheduledPrices.filter((s) => s.from <= runDate).map((s) => [s.price, s]))
    : NOTHING_DUE;
  const changes: PriceChange[] = [];
  const scheduled: ScheduledChange[] = [];
  const vanished: string[] = [];
  const unseenKinds: string[] = [];
  for (const key of keys) {
    const price = entry.prices[key]!;
    const o = seen.get(key);
    const planned = due.get(key);
    if (!o && !ctx.unitsRead.has(price.unit)) {
      // No document this run prices anything per this unit: the key is not seen, which says nothing about it.
      unseenKinds.push(key);
      continue;
    }
    if (!o) {
      vanished.push(key);
      if (planned) scheduled.push(lapse(planned, price.usd, "the page no longer shows this price at all", ctx.covering));
      continue;
    }
    if (planned && !sameMoney(planned.usd, o.usd)) scheduled.push(lapse(planned, price.usd, `the page says $${o.usd}`, ctx.covering));
    if (sameMoney(price.usd, o.usd)) continue;
    const guard = guardOf({ old: price.usd, new: o.usd });
    changes.push({
      price: key,
      unit: price.unit,
      old: price.usd,
      new: o.usd,
      percent: percentChange(price.usd, o.usd),
      ...(guard ? { guard } : {}),
      ...(planned && sameMoney(planned.usd, o.usd) ? { takesEffect: planned.from } : {}),
      ...shownBy(o),
    });
  }
  // A scheduled price of a key the entry does not carry yet (a new dimension announced ahead).
  for (const [key, planned] of due) {
    if (key in entry.prices) continue;
    const o = seen.get(key);
    if (!o || !sameMoney(o.usd, planned.usd)) scheduled.push(lapse(planned, undefined, o ? `the page says $${o.usd}` : "the page does not show it", ctx.covering));
  }

  if (ctx.unreadSources.length > 0 || disagreements.length > 0 || unseenKinds.length > 0) {
    const units = [...new Set(unseenKinds.map((k) => entry.prices[k]!.unit))];
    const why = [
      // Said only when no unread source explains it: the source that prices this unit may simply not have run.
      ...(unseenKinds.length > 0 && ctx.unreadSources.length === 0
        ? [
            `no document of ${ctx.covering.join(", ") || "its sources"} prices anything per ${units.join(" or per ")} this run, so ${unseenKinds.join(", ")} could not be checked (is the source that shows them named in the entry's sources?)`,
          ]
        : []),
      ...ctx.unreadSources.map((s) =>
        ctx.refused.has(s)
          ? `${s} was held back (its page lost most of its models), so the prices it covers were not judged`
          : `${s} was not read in this run, so the prices it covers were not seen`,
      ),
      ...disagreements.map((d) => `two documents disagree: ${d}`),
    ];
    return incomplete([...vanished, ...unseenKinds].sort(comparePriceKeys), why, changes);
  }

  const fresh = [...seen.values()].filter((o) => !(o.price in entry.prices)).sort((a, b) => comparePriceKeys(a.price, b.price));
  // A page showing again, at the very price it had, a key the catalog retired when the model changed shape is an
  // older copy of the page (a replay): it never undoes the newer shape. A real return is restored by hand.
  const reverted = fresh.filter((o) => entry.priceHistory[lastHistoryIndex(entry, o.price)] && sameMoney(entry.priceHistory[lastHistoryIndex(entry, o.price)]!.usd, o.usd));
  if (vanished.length > 0 && reverted.length > 0) {
    const retiredOn = entry.priceHistory[lastHistoryIndex(entry, reverted[0]!.price)]!.until;
    return incomplete(vanished, [
      `the page shows ${reverted.map((o) => `${o.price} at $${o.usd}`).join(", ")}, as before the catalog's new shape of ${retiredOn}: an older copy of the page? The shape change is not undone (if the vendor really went back, restore it by hand)`,
    ]);
  }

  const retiredBy = ctx.covering[0];
  const retired: PriceRetired[] = vanished.map((key) => {
    const replacements = fresh.filter((o) => replaces(o.price, key));
    const replacedBy = replacements.map((o) => o.price);
    const price = entry.prices[key]!;
    // A key in a new shape goes with the source showing the new shape; one simply gone, with the source that
    // shows this entry's other prices of the same unit (the model page for per-image prices), else the first.
    const source = replacements[0]?.source ?? sourceShowing(seen, price.unit, ctx.covering) ?? retiredBy;
    return {
      price: key,
      unit: price.unit,
      usd: price.usd,
      until: latestStart(replacements) ?? runDate,
      replacedBy,
      guard: retiredGuard(key, replacedBy, keys, vanished),
      ...(source ? { source } : {}),
    };
  });
  const added: PriceAdded[] = fresh.map((o) => {
    const replaced = retired.filter((r) => r.replacedBy.includes(o.price));
    const guard = addedGuard(o.usd, replaced.map((r) => r.usd));
    return { price: o.price, unit: o.unit, usd: o.usd, ...(guard ? { guard } : {}), ...shownBy(o) };
  });

  // Announcements: new ones into scheduledPrices; held ones no longer on the page before their day withdrawn.
  const later = (entry.scheduledPrices ?? []).filter((s) => s.from > runDate);
  for (const o of upcoming) {
    if (later.some((s) => s.price === o.price && s.from === o.effectiveFrom && sameMoney(s.usd, o.usd))) continue;
    // Compared with the price the page says holds until then (which may itself be a change in this run).
    const current = seen.get(o.price)?.usd ?? entry.prices[o.price]?.usd;
    scheduled.push({
      kind: "announce",
      price: o.price,
      unit: o.unit,
      usd: o.usd,
      effectiveFrom: o.effectiveFrom!,
      ...(current !== undefined ? { current } : {}),
      ...shownBy(o),
    });
  }
  for (const s of later) {
    if (upcoming.some((o) => o.price === s.price && o.effectiveFrom === s.from && sameMoney(s.usd, o.usd))) continue;
    const reason = ctx.notices.find((n) => n.models.includes(entry.id))?.text;
    const source = s.source && ctx.covering.includes(s.source) ? s.source : retiredBy;
    scheduled.push({
      kind: "withdraw",
      price: s.price,
      unit: s.unit,
      usd: s.usd,
      effectiveFrom: s.from,
      ...(entry.prices[s.price] ? { current: entry.prices[s.price]!.usd } : {}),
      ...(reason ? { reason } : {}),
      ...(source ? { source } : {}),
    });
  }
  scheduled.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : comparePriceKeys(a.price, b.price)));

  const multipliers = diffMultipliers(entry, ctx);
  const review =
    changes.length > 0 || retired.length > 0 || scheduled.some((s) => s.kind !== "announce") || multipliers.some((m) => m.kind !== "add");
  return {
    model: entry.id,
    outcome: review ? "changed" : "verified",
    changes,
    added,
    retired,
    scheduled,
    announced,
    ...(multipliers.length > 0 ? { multipliers } : {}),
  };
}

// The helpers of diffEntry live here, not as closures inside it: it runs once per entry (10,000 in a large catalog), and
// each inner function was created (and, under tsx, named) on every call.
const NOTHING_DUE: ReadonlyMap<string, ScheduledPrice> = new Map();

function incompleteDiff(entry: ModelEntry, announced: AnnouncedPrice[], notOnPage: string[], reasons: string[], changes: PriceChange[]): EntryDiff {
  return {
    model: entry.id,
    outcome: "incomplete",
    notOnPage,
    changes,
    announced,
    ...(reasons.length > 0 ? { reasons } : {}),
  };
}

/** The source showing the most of the entry's current prices in this unit (ties: the entry's order of sources). */
function sourceShowing(seen: ReadonlyMap<string, Seen>, unit: string, covering: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const o of seen.values()) if (o.unit === unit) counts.set(o.source, (counts.get(o.source) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || covering.indexOf(a[0]) - covering.indexOf(b[0]))[0]?.[0];
}

function lapse(planned: ScheduledPrice, current: number | undefined, why: string, covering: readonly string[]): ScheduledChange {
  const source = planned.source && covering.includes(planned.source) ? planned.source : covering[0];
  return {
    kind: "lapse",
    price: planned.price,
    unit: planned.unit,
    usd: planned.usd,
    effectiveFrom: planned.from,
    ...(current !== undefined ? { current } : {}),
    reason: `scheduled from ${planned.from} but never confirmed: ${why}`,
    ...(source ? { source } : {}),
  };
}

/**
 * The entry's multipliers against the ones its sources' pages state: a new one proposed, another factor a change,
 * one its source (read fine this run) no longer states proposed for removal. A multiplier whose source was not
 * read is not judged. Two sources stating one name with different factors: neither is proposed, both reported.
 */
function diffMultipliers(entry: ModelEntry, ctx: EntryContext): MultiplierChange[] {
  const out: MultiplierChange[] = [];
  const stated = new Map<string, SeenMultiplier>();
  // A multiplier stated for this model wins over the same name stated for every model of the vendor.
  for (const m of [...ctx.multipliers].sort((a, b) => (a.model ? 1 : 0) - (b.model ? 1 : 0))) stated.set(m.name, m);
  const held = entry.multipliers ?? {};
  for (const [name, m] of [...stated].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const before = held[name];
    const shown = { source: m.source, ...(m.document ? { document: m.document } : {}), evidence: m.sentence };
    if (!before) out.push({ kind: "add", name, new: m.factor, sentence: m.sentence, ...shown });
    else if (!sameMoney(before.factor, m.factor)) {
      const guard = guardOf({ old: before.factor, new: m.factor });
      out.push({ kind: "change", name, old: before.factor, new: m.factor, sentence: m.sentence, ...(guard ? { guard } : {}), ...shown });
    }
  }
  for (const [name, before] of Object.entries(held).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (stated.has(name)) continue;
    const source = before.source ?? ctx.covering[0];
    if (!source || !ctx.covering.includes(source)) continue;
    out.push({
      kind: "vanish",
      name,
      old: before.factor,
      sentence: before.sentence,
      guard: `${source} no longer states the ${name} multiplier (${before.factor}×): dropped from the vendor's terms, or reworded?`,
      source,
    });
  }
  return out;
}

/**
 * Whether `fresh` is a new form of the retired key `old`: same tier and dimension, another condition (or another size
 * of the same image quality, or a variant of the same price per unit).
 */
function replaces(fresh: string, old: string): boolean {
  const a = parsePriceKey(fresh);
  const b = parsePriceKey(old);
  if (!a || !b || a.tier !== b.tier) return false;
  if (a.dimension.startsWith("image:") && b.dimension.startsWith("image:")) {
    return a.dimension.split(":")[1] === b.dimension.split(":")[1] && a.condition === b.condition;
  }
  // A price per unit split by variant: `video_per_second` → `video_per_second:720p`, `:1080p`, `:4k`.
  const base = (d: string) => d.split(":")[0];
  if (/_per_/.test(a.dimension) && base(a.dimension) === base(b.dimension) && a.dimension !== b.dimension) return a.condition === b.condition;
  return a.dimension === b.dimension && a.condition !== b.condition;
}

/** Where the newest history item of a key no longer in the entry's prices is, or -1. */
function lastHistoryIndex(entry: ModelEntry, key: string): number {
  return key in entry.prices ? -1 : entry.priceHistory.findIndex((h) => h.price === key);
}

/** The day the newest of these prices took effect, when the page says it. */
function latestStart(observations: readonly Observation[]): string | undefined {
  return observations.map((o) => o.effectiveFrom).filter((d): d is string => d !== undefined).sort().at(-1);
}

function shownBy(o: Seen): { source: string; document?: string; evidence?: string } {
  return { source: o.source, ...(o.document ? { document: o.document } : {}), ...(o.evidence ? { evidence: o.evidence } : {}) };
}

function priceKeys(entry: ModelEntry): string[] {
  return Object.keys(entry.prices).sort(comparePriceKeys);
}

/**
 * The observation with its source, the same keys in the same order as `{ ...o, source }`. Not a spread: V8 copies a
 * zod-parsed object with its whole (large) layout, about 360 bytes against 100 here.
 */
function seenFrom(o: Observation, source: string): Seen {
  const seen = Object.assign({}, o) as Seen;
  seen.source = source;
  return seen;
}

/**
 * Whole days from one YYYY-MM-DD day to another: both are UTC midnights, so the difference of the timestamps is an
 * exact number of days. The same as date-fns's differenceInCalendarDays on two UTCDates, without loading date-fns and
 * @date-fns/utc into every process that diffs (about 8 MB of RSS under tsx, most of the 10k figure's start-up growth).
 */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
