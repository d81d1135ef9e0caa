import { loadDocument, type PageFormat } from "../extract/document.ts";
import { type PriceCard, priceCardsIn } from "../extract/price-cards.ts";
import { perUnit } from "../extract/units.ts";
import { unitOf } from "../../schemas/price-key.ts";
import { type ExtractionBuilder, extractWith, type PricingSource } from "./source.ts";

/**
 * ElevenLabs' API prices, https://elevenlabs.io/pricing/api: server-rendered HTML, plain HTTP. One price card
 * per model family or product: an `<h3>` name ("Flash / Turbo", "Scribe v2 Realtime", "Dubbing v2"), a `<p>`
 * product line ("Text to Speech", "Speech to Text", "Agents" …), the amount on its own line (`$0.05`) and
 * the unit on the next ("Price per 1K characters", "Price per hour", "Price per minute"). Read by
 * `extract/price-cards.ts`, in document order: the saved markup is not balanced (each card opens `<div>`s
 * it does not close), so cards nest in one another once parsed.
 *
 * The cards name families, not API ids, and the page states no id. The ids come from `FAMILIES` below, a
 * table of the ids ElevenLabs' own model list documents for each card (https://elevenlabs.io/docs/models),
 * by the card's exact name, never by likeness (that list is not among the saved snapshots: the table was written
 * from it by hand and is to be checked against a capture of it when one is added): "Scribe v2 Realtime" is its own card, not "Scribe v2". A card
 * name the table does not hold (Sound Effects, or a new family) is listed as untracked, its amount passed
 * over. Keys: per 1K characters of text in → `input_per_1m_characters` (scaled to per 1M); transcription
 * per hour → `transcription_per_hour`; music per minute generated → `audio_output_per_minute`. A card whose
 * unit is not its family's key's unit is a problem.
 *
 * Cards that price products, not models (Speech Engine for agents, Voice Isolator, Voice Changer, Dubbing
 * v1/v2) are passed over as `not-a-model-price`. A struck list price beside a sale figure (none seen) would
 * be the list price, never today's.
 */

const SOURCE_ID = "elevenlabs-pricing";
const PRICING_URL = "https://elevenlabs.io/pricing/api";

/** Card name (as written, case aside) → the API ids ElevenLabs' model list gives that family, and their key. */
export const FAMILIES: Readonly<Record<string, { ids: readonly string[]; key: string }>> = {
  "flash / turbo": { ids: ["eleven_flash_v2_5", "eleven_turbo_v2_5"], key: "input_per_1m_characters" },
  "multilingual v2 / v3": { ids: ["eleven_multilingual_v2", "eleven_v3"], key: "input_per_1m_characters" },
  "scribe v2": { ids: ["scribe_v2"], key: "transcription_per_hour" },
  "scribe v2 realtime": { ids: ["scribe_v2_realtime"], key: "transcription_per_hour" },
  music: { ids: ["music_v1"], key: "audio_output_per_minute" },
};

/** Cards of products built on the models (agents, audio tools, dubbing), not of a model. */
const PRODUCT_CARD = /^(?:speech engine|voice isolator|voice changer|dubbing(?: v\d+)?)$/i;

function readElevenLabs(result: ExtractionBuilder, body: string): void {
  const cards = priceCardsIn(loadDocument(body, "html"), "h3");
  if (!cards.some((c) => c.prices.length > 0)) {
    result.fail("no price card (an <h3> name, an amount, a unit line) on the page; the layout changed", "page");
    return;
  }
  for (const card of cards) readCard(result, card);
}

function readCard(result: ExtractionBuilder, card: PriceCard): void {
  const where = `card "${card.name}"`;
  for (const u of card.unreadable) result.problem(`"${u.line}": ${u.reason}; not read`, where);
  for (const line of card.otherAmounts) result.problem(`"${line}" states an amount among other words; not read`, where);
  if (card.prices.length === 0) return;
  if (PRODUCT_CARD.test(card.name)) {
    for (const p of card.prices) result.passOver("not-a-model-price", p.written, "a product's price (agents, audio tools, dubbing), not a model's");
    return;
  }
  const family = FAMILIES[card.name.toLowerCase()];
  if (!family) {
    result.untrackedModel(card.name, where);
    for (const p of card.prices) result.passOver("untracked-model", p.written);
    return;
  }
  if (card.prices.length > 1) {
    result.problem(`the card states ${card.prices.length} prices (${card.prices.map((p) => p.written).join(", ")}); which is the model's is not known, none is read`, where);
    return;
  }
  const price = card.prices[0]!;
  if (!price.billed) {
    result.problem(`"${price.written}" has no unit line below it; not read`, where);
    return;
  }
  if (unitOf(family.key) !== price.billed.unit) {
    result.problem(`"${price.written} ${price.unitLine}" is priced per ${price.billed.unit}, but ${family.key} is per ${unitOf(family.key)}; not read`, where);
    return;
  }
  const usd = perUnit(price.usd, price.billed);
  for (const id of family.ids) result.observe({ model: `elevenlabs/${id}`, price: family.key, usd, unit: price.billed.unit, evidence: card.text }, where);
  result.accountRead(price.written); // "$0.05" per 1K characters is read as 50 per 1M
  if (price.listUsd !== undefined) result.passOver("list-price", `$${price.listUsd}`);
}

export const elevenLabsPricingSource: PricingSource = {
  id: SOURCE_ID,
  vendor: "elevenlabs",
  url: PRICING_URL,
  format: "html",
  fetchWith: "http",
  extract(body: string, _format: PageFormat = "html") {
    return extractWith(SOURCE_ID, body, (result) => readElevenLabs(result, body));
  },
};
