import { z } from "zod";
import {
  type AmountAccounting,
  type Extraction,
  type ExtractionStatus,
  MultiplierObservation,
  Observation,
  type Problem,
} from "../../schemas/observation.ts";
import { unitOf } from "../../schemas/price-key.ts";
import { amountKey, amountsIn, amountsStatedIn, PASS_RULES, type PassRule } from "../extract/accounting.ts";
import type { ModelEntry } from "../../schemas/model-entry.ts";
import type { PageFormat } from "../extract/document.ts";
import { notAPricingPage } from "../extract/refusal.ts";

/** How a page is got: a plain HTTP GET (markdown or HTML), or a headless browser that runs its scripts. */
export type FetchMethod = "http" | "browser";

/** One document a source reads: a pricing page, one model's page, a page of price cards. */
export interface SourceDocument {
  /** Its name within the source, a file-name stem (`gpt-image-1-mini`, `pricing-api`): how runs store it and replays find it. */
  name: string;
  url: string;
  format: PageFormat;
  fetchWith: FetchMethod;
}

/** What one document of a source gave, with the text it was read from (for a `combine` that reads across documents). */
export interface DocumentExtraction {
  document: SourceDocument;
  body: string;
  format: PageFormat;
  extraction: Extraction;
}

/**
 * One vendor's prices: the documents they are read from, how each is fetched, and how prices are read
 * off them. Which catalog entries it covers is data, not code: every entry whose `sources` names this id.
 *
 * Most sources read one page, at `url`. A source of several documents says which in `documents` (one
 * per covered model, say) and may find more in a document it read (`linkedDocuments`: a model index
 * pointing at each model's page); `combine` then reads across them (ids one page gives to prices another
 * shows). A run fetches every document under the same per-host queue and retry rules and stores each.
 */
export interface PricingSource {
  id: string;
  vendor: string;
  /** The page this source starts from (the only one for a one-page source). */
  url: string;
  format: PageFormat;
  fetchWith: FetchMethod;
  /** The documents a run reads for these covered entries; absent for a one-page source. */
  documents?(covered: readonly ModelEntry[]): SourceDocument[];
  /** Documents a fetched document points at that are read in the same run (never more than it lists). */
  linkedDocuments?(document: SourceDocument, body: string, format: PageFormat): SourceDocument[];
  /**
   * Pure: one document's text in, observations and problems out. Never throws on a bad page. `document` is
   * which of the source's documents this is, when known (a run knows it; `catalog extract --file` does not,
   * and the source tells its kinds of document apart by what they hold).
   */
  extract(body: string, format?: PageFormat, document?: SourceDocument): Extraction;
  /**
   * Pure: every document's extraction of one run → the source's reading as a whole (e.g. aliases on one page
   * mapped to the ids another page names; `catalog` is every catalog entry, by id, for mapping names onto
   * the catalog's own ids, never guessed). Default: `combineDocuments`.
   */
  combine?(documents: readonly DocumentExtraction[], catalog: ReadonlyMap<string, ModelEntry>): Extraction;
}

/** A source that reads several documents: stored and replayed as `<source-id>/<document>.<ext>`. */
export function readsSeveralDocuments(source: Pick<PricingSource, "documents">): boolean {
  return source.documents !== undefined;
}

/** The documents a run of `source` starts from: its own list, or its one page. */
export function documentsOf(source: PricingSource, covered: readonly ModelEntry[]): SourceDocument[] {
  return source.documents?.(covered) ?? [{ name: source.id, url: source.url, format: source.format, fetchWith: source.fetchWith }];
}

/**
 * The default reading across documents: every document's observations (a key two documents price
 * differently is a problem), untracked names and problems (each `where` prefixed with the document), and
 * the worst status: one document that failed fails the source, so nothing is applied from half a reading.
 */
export function combineDocuments(sourceId: string, documents: readonly DocumentExtraction[]): Extraction {
  const result = new ExtractionBuilder(sourceId);
  for (const { document, extraction } of documents) {
    const at = (where: string) => (documents.length > 1 ? `${document.name}: ${where}` : where);
    for (const o of extraction.observations) result.observe(o, at("page"));
    for (const u of extraction.untracked) result.untrackedModel(u.name, at(u.where));
    for (const p of extraction.problems) result.problem(p.message, at(p.where), p.models);
    for (const n of extraction.notices ?? []) result.notice(n.text, n.models);
    for (const m of extraction.multipliers ?? []) result.multiplier({ ...m, document: m.document ?? document.url }, at("page"));
    for (const a of extraction.accounting ?? []) result.accounting.push({ ...a, document: a.document ?? document.url });
  }
  const statuses = documents.map((d) => d.extraction.status);
  const ownProblems = documents.reduce((n, d) => n + d.extraction.problems.length, 0);
  if (result.problems.length > ownProblems) statuses.push("partial"); // two documents disagree on a price
  return result.finishAs(statuses.includes("failed") ? "failed" : statuses.includes("partial") ? "partial" : "ok");
}

/** Unread amounts listed one by one in the problems; the rest are counted in one more. */
const MAX_UNREAD_LISTED = 12;

/**
 * Collects what an extractor reads and decides the status at the end, so every source
 * applies the same rules: a problem makes the result `partial`, no observation at all makes it `failed`.
 */
export class ExtractionBuilder {
  readonly observations: Observation[] = [];
  readonly problems: Problem[] = [];
  readonly untracked: { name: string; where: string }[] = [];
  readonly notices: NonNullable<Extraction["notices"]> = [];
  readonly multipliers: MultiplierObservation[] = [];
  /** Per document: filled by `accountFor` (or carried over by a combine). */
  readonly accounting: AmountAccounting[] = [];
  /** Amount values read into prices, and per rule the values passed over: see extract/accounting.ts. */
  private readonly readAmounts = new Set<string>();
  private readonly passed = new Map<PassRule, { why: string; amounts: Set<string> }>();
  /** `observations` by model, price and days, for `observe`'s clash check (a linear search per price showed). */
  private readonly observed = new Map<string, Observation>();
  private fatal = false;
  private statesNoPrices = false;

  constructor(readonly source: string) {}

  observe(observation: z.input<typeof Observation>, where: string): void {
    const parsed = Observation.safeParse(observation);
    if (!parsed.success) {
      this.problem(`invalid observation ${JSON.stringify(observation)}: ${z.prettifyError(parsed.error)}`, where);
      return;
    }
    if (unitOf(parsed.data.price) !== parsed.data.unit) {
      this.problem(`${parsed.data.model} ${parsed.data.price} is priced ${unitOf(parsed.data.price)}, not per ${parsed.data.unit}: not read`, where);
      return;
    }
    this.readAmounts.add(amountKey(parsed.data.usd));
    // The observation already kept for this model, price and days (one at most: a clash is never kept).
    const slot = JSON.stringify([parsed.data.model, parsed.data.price, parsed.data.effectiveFrom ?? null, parsed.data.effectiveUntil ?? null]);
    const clash = this.observed.get(slot);
    if (clash) {
      if (clash.usd !== parsed.data.usd) {
        this.problem(
          `${parsed.data.model} ${parsed.data.price} read twice with different prices ($${clash.usd} and $${parsed.data.usd})`,
          where,
        );
      }
      return;
    }
    this.observations.push(parsed.data);
    this.observed.set(slot, parsed.data);
  }

  /** `models`: the models it leaves unread, when it is about them alone (see `Problem.models`). */
  problem(message: string, where: string, models?: readonly string[]): void {
    this.problems.push({ message, where, ...(models && models.length > 0 ? { models: [...models] } : {}) });
  }

  /**
   * A multiplier the page states in words, for one model or (no `model`) every model the source covers.
   * The same name stated twice with different factors is a problem, and neither is kept.
   */
  multiplier(observation: z.input<typeof MultiplierObservation>, where: string): void {
    const parsed = MultiplierObservation.safeParse(observation);
    if (!parsed.success) {
      this.problem(`invalid multiplier ${JSON.stringify(observation)}: ${z.prettifyError(parsed.error)}`, where);
      return;
    }
    const m = parsed.data;
    const same = this.multipliers.findIndex((o) => o.model === m.model && o.name === m.name);
    if (same < 0) this.multipliers.push(m);
    else if (this.multipliers[same]!.factor !== m.factor) {
      this.problem(`${m.model ?? "every model"}: multiplier ${m.name} stated twice (${this.multipliers[same]!.factor}× and ${m.factor}×)`, where);
      this.multipliers.splice(same, 1);
    }
  }

  /** The amounts in `text` were read (into prices stated in another unit, say per 1K scaled to per request). */
  accountRead(text: string): void {
    for (const usd of amountsIn(text)) this.readAmounts.add(amountKey(usd));
  }

  /** The amounts in `text` are deliberately not read, by a named rule (`PASS_RULES`); `why` may say more. */
  passOver(rule: PassRule, text: string, why: string = PASS_RULES[rule]): void {
    const entry = this.passed.get(rule) ?? { why, amounts: new Set<string>() };
    for (const usd of amountsIn(text)) entry.amounts.add(amountKey(usd));
    this.passed.set(rule, entry);
  }

  /**
   * Account for every amount `body` states (see extract/accounting.ts): each unread one becomes a problem
   * naming the words around it, so the document cannot read `ok` with an amount left over.
   */
  accountFor(body: string): void {
    const stated = amountsStatedIn(body);
    const passedOver = new Map<PassRule, number>();
    const unread: { written: string; around: string }[] = [];
    let read = 0;
    for (const amount of stated) {
      const key = amountKey(amount.usd);
      if (this.readAmounts.has(key)) {
        read++;
        continue;
      }
      const rule = [...this.passed].find(([, p]) => p.amounts.has(key))?.[0];
      if (rule) passedOver.set(rule, (passedOver.get(rule) ?? 0) + 1);
      else unread.push(amount);
    }
    // The same amount in the same words, stated twice (a repeated tab), is listed once.
    const places = new Map<string, { written: string; around: string; times: number }>();
    for (const u of unread) {
      const key = `${u.written}\u0000${u.around}`;
      const seen = places.get(key);
      if (seen) seen.times++;
      else places.set(key, { ...u, times: 1 });
    }
    const shown = [...places.values()].slice(0, MAX_UNREAD_LISTED);
    for (const { written, around, times } of shown) {
      this.problem(`${written}${times > 1 ? ` (stated ${times} times)` : ""} is read into no price and passed over by no rule`, `"${around}"`);
    }
    const more = [...places.values()].slice(MAX_UNREAD_LISTED).reduce((n, p) => n + p.times, 0);
    if (more > 0) this.problem(`${more} more amounts are read into no price and passed over by no rule`, "amounts not accounted for");
    this.accounting.push({
      seen: stated.length,
      read,
      passedOver: [...passedOver].map(([rule, amounts]) => ({ rule, why: this.passed.get(rule)!.why, amounts })),
      unread: unread.length,
    });
  }

  /** A problem that makes the whole page untrustworthy (wrong page, layout changed): status `failed`. */
  fail(message: string, where: string): void {
    this.fatal = true;
    this.problem(message, where);
  }

  /** A sentence withdrawing or changing an announcement, naming these models (kept once). */
  notice(text: string, models: readonly string[]): void {
    if (models.length === 0 || this.notices.some((n) => n.text === text)) return;
    this.notices.push({ text, models: [...models] });
  }

  untrackedModel(name: string, where: string): void {
    if (!this.untracked.some((u) => u.name === name)) this.untracked.push({ name, where });
  }

  get failed(): boolean {
    return this.fatal;
  }

  /**
   * The document states no price at all, and that was checked (a model page without a pricing section):
   * it reads as ok with no observation, instead of as a page nothing could be read from.
   */
  pricesNone(): void {
    this.statesNoPrices = true;
  }

  finish(): Extraction {
    let status: ExtractionStatus = "ok";
    if (this.fatal || (this.observations.length === 0 && !this.statesNoPrices)) status = "failed";
    else if (this.problems.length > 0) status = "partial";
    if (this.observations.length === 0 && !this.fatal && !this.statesNoPrices) {
      this.problem("no price could be read from the page", "page");
    }
    return this.finishAs(status);
  }

  /** The result with a status decided elsewhere (across documents); a failed one carries no observation. */
  finishAs(status: ExtractionStatus): Extraction {
    // A failed page yields no observation at all: nothing from it may pass as verified or changed.
    return {
      source: this.source,
      status,
      observations: status === "failed" ? [] : this.observations,
      untracked: this.untracked,
      problems: this.problems,
      ...(this.notices.length > 0 && status !== "failed" ? { notices: this.notices } : {}),
      ...(this.multipliers.length > 0 && status !== "failed" ? { multipliers: this.multipliers } : {}),
      ...(this.accounting.length > 0 && status !== "failed" ? { accounting: this.accounting } : {}),
    };
  }
}

/**
 * Run one source's reader under the rules every source shares: a challenge, login or empty page is
 * refused before any reading, every amount the page states is accounted for after it, and an exception in
 * the reader makes the page `failed` instead of crashing the run.
 */
export function extractWith(
  sourceId: string,
  body: string,
  read: (result: ExtractionBuilder) => void,
  options: { statedIn?: (body: string) => string } = {},
): Extraction {
  const result = new ExtractionBuilder(sourceId);
  try {
    if (!refuseForeignPage(result, body)) read(result);
    // `statedIn`: where a reader sees the page's amounts when not in its own text (a page all in a script payload: next-flight's `flightText`).
    if (!result.failed) result.accountFor(options.statedIn ? options.statedIn(body) : body);
  } catch (error) {
    result.fail(`the extractor stopped on this page: ${error instanceof Error ? error.message : String(error)}`, "page");
  }
  return result.finish();
}

/** The check every source runs first: is this a pricing page at all? */
export function refuseForeignPage(result: ExtractionBuilder, body: string): boolean {
  const why = notAPricingPage(body);
  if (why) result.fail(why, "page");
  return why !== undefined;
}
