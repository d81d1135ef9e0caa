import type { Unit } from "../../schemas/price-key.ts";
import { cleanText, stripFrontMatter } from "../extract/document.ts";
import { flightChunks, flightObjectsWithKey, flightString, flightText, objectsWithKey } from "../extract/next-flight.ts";
import { tokenPricesInSentence } from "../extract/prose-prices.ts";
import { tokenDimensionIn } from "../extract/price-labels.ts";
import { billedUnitIn, perUnit } from "../extract/units.ts";
import { type ExtractionBuilder, extractWith, type PricingSource } from "./source.ts";

/**
 * cohere.com/pricing (https://cohere.com/pricing), a Next.js App Router page. Its prices are not in the
 * server-rendered markup but in the flight payload the page carries for its client
 * (`self.__next_f.push([1,"…"])`, extract/next-flight.ts), as JSON numbers inside a JS string:
 *
 * - Cards, one per model: `{"modelName":"Command R","per":"1M tokens","pricings":[{"inputLabel":"Input",
 *   "inputPrice":0.15,"outputLabel":"Output","outputPrice":0.6}]}`. The label says which price a number is
 *   ("Input", "Output", "Cost" for the one price of an embedding, reranker or parser, "Image cost" for an
 *   embedding's image tokens). **`overridePer` beats `per`**: Rerank 4 and Parse 5 say `"per":"1M tokens"` but
 *   their pricing has `"overridePer":"1K searches"` / `"1K pages"`, read as `search_per_request` /
 *   `ocr_per_page`, scaled to one search / one page.
 * - `"per":"Free"` cards (Command A+, North Mini Code) carry `"API key"` $0 / `"Model download"` $0: never
 *   $0 prices; the model is listed untracked as free.
 * - Transcribe has no `pricings`: its only figure is text, "$$3.75 / hour / instance (via Model Vault)" (the
 *   payload escapes a leading `$` as `$$`): the hourly rate of a dedicated instance, not a price per audio
 *   hour, which no key holds (passed over, `unit-not-tracked`). The Model Vault table of the August page
 *   (`web3TableSection`: Model | Performance Tier | Hourly rate per instance | Monthly rate per instance) is
 *   passed over by the same rule; North and Compass cards state no price ("Get in touch").
 * - FAQ prose prices legacy models: "Command R+ 08-2024 pricing is $2.50/1M tokens for input and $10.00/1M
 *   tokens for output" (extract/prose-prices.ts). "$250 in outstanding balances" is a billing threshold.
 *
 * Names are display names; the API id of each tracked one is in `API_IDS` with where it comes from (the
 * page names no id). A card or sentence with another name is listed untracked, its prices passed over.
 * A text copy of the page (jina's 2025-10-15 markdown) has no payload: its cards' tab was never rendered,
 * so only the FAQ sentences are read and the missing cards are reported.
 */

/** Display name → API id, each through models.dev's `name` or the dated name the page itself writes. */
const API_IDS: Record<string, string[]> = {
  // models.dev cohere/command-r-08-2024 is named "Command R" (the FAQ calls the older one "Command R 03-2024").
  "Command R": ["cohere/command-r-08-2024"],
  // models.dev cohere/command-r7b-12-2024 is named "Command R7B".
  "Command R7B": ["cohere/command-r7b-12-2024"],
  // The FAQ's dated name is the id's: command-r-plus-08-2024.
  "Command R+ 08-2024": ["cohere/command-r-plus-08-2024"],
  // models.dev names c4ai-aya-expanse-8b / -32b "Aya Expanse 8B" / "Aya Expanse 32B"; the sentence prices both.
  "Aya Expanse models (8B and 32B)": ["cohere/c4ai-aya-expanse-8b", "cohere/c4ai-aya-expanse-32b"],
};

const INSTANCE_RATE = "a dedicated instance's hourly or monthly rate (Model Vault), not a price per use: no key holds it";

/** One price a card states, read into a key (or not: `problem` says why). */
export interface CardFigure {
  card: string;
  label: string;
  /** The amount as the card shows it, with its unit: `$2 per 1K searches`. */
  stated: string;
  key?: string;
  usd?: number;
  unit?: Unit;
  problem?: string;
}

export const coherePricingSource: PricingSource = {
  id: "cohere-pricing",
  vendor: "cohere",
  url: "https://cohere.com/pricing",
  format: "html",
  fetchWith: "http",
  extract(body) {
    const hasPayload = flightChunks(body).length > 0;
    return extractWith(this.id, body, (result) => readPage(result, body, hasPayload), {
      statedIn: (page) => (hasPayload ? flightText(page, (key) => /Price$/.test(key)) : page),
    });
  },
};

function readPage(result: ExtractionBuilder, body: string, hasPayload: boolean): void {
  if (!hasPayload) {
    result.problem(
      "the page carries no flight payload: its price cards (rendered by the page's scripts) are not in this copy; only the FAQ's sentences are read",
      "price cards",
    );
    for (const line of stripFrontMatter(body).split(/\n/)) readSentence(result, cleanText(line.replace(/^\s*[*-]\s+/, "")));
    return;
  }
  const cards = cohereCards(body);
  if (cards.length === 0) result.fail("no model card (`modelName` with `per`) in the flight payload; the layout changed", "price cards");
  for (const figure of cards) {
    const ids = API_IDS[figure.card];
    const where = `card "${figure.card}", ${figure.label}`;
    if (figure.problem !== undefined) {
      if (/^free:/.test(figure.problem)) {
        result.untrackedModel(`${figure.card} (free)`, `card "${figure.card}"`);
        result.passOver("free-tier", figure.stated, `a card that says "Free": its $0 figures (API key, model download) are not prices`);
      } else if (/^instance:/.test(figure.problem)) {
        result.untrackedModel(figure.card, `card "${figure.card}"`);
        result.passOver("unit-not-tracked", figure.stated, INSTANCE_RATE);
      } else result.problem(`${figure.problem}; not read`, where);
      continue;
    }
    if (!ids) {
      result.untrackedModel(figure.card, `card "${figure.card}" (${figure.stated}; the page names no API id and models.dev has no model of that name)`);
      result.passOver("untracked-model", figure.stated);
      continue;
    }
    for (const model of ids) {
      result.observe({ model, price: figure.key!, usd: figure.usd!, unit: figure.unit!, evidence: `${figure.card}: ${figure.label} ${figure.stated}` }, where);
    }
    result.accountRead(figure.stated); // "$2 per 1K searches" is read as 0.002 per search
  }
  for (const table of flightObjectsWithKey(body, "rows").filter((o) => o._type === "web3TableSection")) {
    const text = flightTexts(table).join(" | ");
    if (/\bper instance\b/i.test(text)) result.passOver("unit-not-tracked", text, INSTANCE_RATE);
    else if (/\$\d/.test(text)) result.problem("a table of prices that is not the Model Vault table (per instance); not read", "table");
  }
  for (const text of flightObjectsWithKey(body, "text").map((o) => flightString(o.text) ?? "")) readSentence(result, text);
}

/** Every card's figures, in page order (exported so tests can hold each against the page). */
export function cohereCards(body: string): CardFigure[] {
  const figures: CardFigure[] = [];
  for (const card of flightObjectsWithKey(body, "modelName")) {
    const name = flightString(card.modelName);
    const per = flightString(card.per);
    if (!name || per === undefined) continue;
    const pricings = Array.isArray(card.pricings) ? (card.pricings as Record<string, unknown>[]) : [];
    if (pricings.length === 0) {
      // No pricing object: a price can only be in the card's text ("$$3.75 / hour / instance (via Model Vault)").
      for (const text of flightTexts(card.portableDescription).filter((t) => /\$\d/.test(t))) {
        const instance = /\binstance\b|\bModel Vault\b/i.test(text);
        figures.push({ card: name, label: "text", stated: text, problem: instance ? `instance: ${text}` : `a price in the card's text only ("${text}")` });
      }
      continue;
    }
    for (const pricing of pricings) {
      const unitPhrase = flightString(pricing.overridePer) ?? per;
      for (const side of ["input", "output"] as const) {
        const usd = pricing[`${side}Price`];
        if (usd === undefined || usd === null) continue;
        const label = flightString(pricing[`${side}Label`]) ?? side;
        const stated = typeof usd === "number" ? `$${usd} per ${unitPhrase}` : String(usd);
        if (/^free$/i.test(per)) {
          figures.push({ card: name, label, stated, problem: `free: "${label}" ${stated}` });
          continue;
        }
        if (typeof usd !== "number" || !Number.isFinite(usd) || usd < 0) {
          figures.push({ card: name, label, stated, problem: `the ${side} figure ${JSON.stringify(usd)} is not an amount` });
          continue;
        }
        const billed = billedUnitIn(`per ${unitPhrase}`);
        const key = billed ? keyOf(label, side, billed.unit) : undefined;
        if (!billed || !key) {
          figures.push({ card: name, label, stated, problem: `"${label}" per "${unitPhrase}" names no price key` });
          continue;
        }
        figures.push({ card: name, label, stated, key, usd: perUnit(usd, billed), unit: billed.unit });
      }
    }
  }
  return figures;
}

/** The key a card's label names in its unit: "Input"/"Output" per 1M tokens, "Cost" the one price, "Image cost". */
function keyOf(label: string, side: "input" | "output", unit: Unit): string | undefined {
  const cost = /^cost$/i.test(label.trim());
  switch (unit) {
    case "1M tokens":
      if (/^image\s+cost$/i.test(label.trim())) return "image_input";
      if (cost) return side === "input" ? "input" : undefined;
      return tokenDimensionIn(label) === side ? side : undefined;
    case "request":
      return cost ? "search_per_request" : undefined;
    case "page":
      return cost ? "ocr_per_page" : undefined;
    default:
      return undefined;
  }
}

/** The FAQ's prices of older models, one sentence (or line) at a time. */
function readSentence(result: ExtractionBuilder, text: string): void {
  if (!/\$\s?\d/.test(text)) return;
  if (/\boutstanding balances?\b/i.test(text)) {
    result.passOver("plan-and-credits", text);
    return;
  }
  const { subject, prices } = tokenPricesInSentence(text);
  if (!subject || prices.length === 0) return; // the accounting reports any amount left over
  const where = `FAQ "${subject}"`;
  const sides = prices.map((p) => p.side);
  if (new Set(sides).size !== sides.length) {
    result.problem(`a side priced twice in one sentence ("${text}"); not read`, where);
    return;
  }
  const ids = API_IDS[subject];
  if (!ids) {
    result.untrackedModel(subject, where);
    result.passOver("untracked-model", text);
    return;
  }
  for (const model of ids) {
    for (const p of prices) result.observe({ model, price: p.side, usd: p.usd, unit: "1M tokens", evidence: text }, where);
  }
  result.accountRead(text);
}

/** The text strings under a payload value (a card's description, a table section), in order. */
function flightTexts(value: unknown): string[] {
  return objectsWithKey(value, "text")
    .map((o) => flightString(o.text))
    .filter((t): t is string => t !== undefined && t.trim() !== "");
}
