import { z } from "zod";
import {
  type Extraction,
  type ExtractionStatus,
  Observation,
  type Problem,
} from "../../schemas/observation.ts";
import type { PageFormat } from "../extract/document.ts";
import { notAPricingPage } from "../extract/refusal.ts";

/** How a page is got: a plain HTTP GET (markdown or HTML), or a headless browser that runs its scripts. */
export type FetchMethod = "http" | "browser";

/**
 * One vendor pricing page: where it is, how to fetch it, and how to read prices off it.
 * Which catalog entries it covers is data, not code: every entry whose `sources` names this id.
 */
export interface PricingSource {
  id: string;
  vendor: string;
  url: string;
  format: PageFormat;
  fetchWith: FetchMethod;
  /** Pure: page text in, observations and problems out. Never throws on a bad page. */
  extract(body: string, format?: PageFormat): Extraction;
}

/**
 * Collects what an extractor reads and decides the status at the end, so every source
 * applies the same rules: a problem makes the result `partial`, no observation at all makes it `failed`.
 */
export class ExtractionBuilder {
  readonly observations: Observation[] = [];
  readonly problems: Problem[] = [];
  readonly untracked: { name: string; where: string }[] = [];
  private fatal = false;

  constructor(readonly source: string) {}

  observe(observation: z.input<typeof Observation>, where: string): void {
    const parsed = Observation.safeParse(observation);
    if (!parsed.success) {
      this.problem(`invalid observation ${JSON.stringify(observation)}: ${z.prettifyError(parsed.error)}`, where);
      return;
    }
    const clash = this.observations.find(
      (o) =>
        o.model === parsed.data.model &&
        o.price === parsed.data.price &&
        o.effectiveFrom === parsed.data.effectiveFrom &&
        o.effectiveUntil === parsed.data.effectiveUntil,
    );
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
  }

  problem(message: string, where: string): void {
    this.problems.push({ message, where });
  }

  /** A problem that makes the whole page untrustworthy (wrong page, layout changed): status `failed`. */
  fail(message: string, where: string): void {
    this.fatal = true;
    this.problem(message, where);
  }

  untrackedModel(name: string, where: string): void {
    if (!this.untracked.some((u) => u.name === name)) this.untracked.push({ name, where });
  }

  get failed(): boolean {
    return this.fatal;
  }

  finish(): Extraction {
    let status: ExtractionStatus = "ok";
    if (this.fatal || this.observations.length === 0) status = "failed";
    else if (this.problems.length > 0) status = "partial";
    if (this.observations.length === 0 && !this.fatal) {
      this.problem("no price could be read from the page", "page");
    }
    // A failed page yields no observation at all: nothing from it may pass as verified or changed.
    return {
      source: this.source,
      status,
      observations: status === "failed" ? [] : this.observations,
      untracked: this.untracked,
      problems: this.problems,
    };
  }
}

/**
 * Run one source's reader under the rules every source shares: a challenge, login or empty page is
 * refused before any reading, and an exception in the reader makes the page `failed` instead of
 * crashing the run.
 */
export function extractWith(sourceId: string, body: string, read: (result: ExtractionBuilder) => void): Extraction {
  const result = new ExtractionBuilder(sourceId);
  try {
    if (!refuseForeignPage(result, body)) read(result);
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
