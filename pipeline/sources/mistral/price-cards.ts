import type { Cheerio, CheerioAPI } from "cheerio";
import { type AnyNode, type Element, isTag, isText } from "domhandler";
import { z } from "zod";
import { contextConditionIn, conditionKey } from "../../extract/context-conditions.ts";
import { cleanText, loadDocument } from "../../extract/document.ts";
import { parseMoneyCell } from "../../extract/money.ts";
import { tierNamedIn, tokenDimensionIn } from "../../extract/price-labels.ts";
import type { ExtractionBuilder } from "../source.ts";
import { freeListing, mistralModelId } from "./api-ids.ts";

/**
 * mistral.ai/pricing/api: one `<div class="model-item" data-name="…">` per card (see index.ts for the account).
 * Everything is read within one card, never by looking for a label across the page: "libraries" has an
 * "OCR (per 1K pages)" row that is not the OCR model's price, and two cards share "Audio Input/min".
 */

/** What one card is, for reading across documents: its API id and whether it says the model is free. */
export interface PriceCard {
  name: string;
  /** `mistral/<copy-button id>` (often an alias: `mistral/mistral-small-latest`); undefined for a card without a usable id. */
  modelId: string | undefined;
  free: boolean;
}

/** The `data-prices` attribute of a `<mistral-atom-text-price>`; a key it has never had is a problem, not ignored. */
const CardAmount = z.strictObject({
  priceEur: z.number().nonnegative().nullable().optional(),
  priceUsd: z.number().nonnegative().nullable().optional(),
  prefix: z.string().nullable().optional(),
  suffix: z.string().nullable().optional(),
});

/** "(/M tokens)", "(per M tokens)", "/1M tokens", "per M tok". */
const PER_MILLION_TOKENS = /(?:\/|\bper)\s*1?\s*M\s*tok(?:en)?s?\b/i;
/** Units the price keys cannot express: "/min", "per 1K pages", "/ 1000 pages", "per 1k characters", "per call", "per month". */
const OTHER_UNIT =
  /(?:\/|\bper)\s*(?:\d[\d,.]*\s*k?\s*)?(?:min(?:ute)?s?|(?:annotated\s+)?pages?|char(?:acter)?s?|calls?|images?|months?|hours?|seconds?|sec)\b/i;
/** Fine-tuning prices (training per token, storage per month): no price key names them. */
const FINE_TUNING = /\btraining\b|\bfine-?tun|\bstorage\b|\bhosting\b/i;
const CARD_UNITS_WHY =
  "a card's figure per minute, per 1000 pages or per 1k characters, or under a label naming two units (per min / per M tok): the model page states each with its unit, and is read";
const FINE_TUNING_WHY = "fine-tuning fees (training per M tokens, storage per month, a minimum fee per job), not a price of using the model";

/** A token price of one modality ("Audio Input (/M tokens)") is not the model's text price. */
const MODALITY = /\b(?:audio|image|video|vision)\b/i;

/** Tooltips and hidden help text inside a row: not the label. */
const NOT_LABEL = "mistral-atom-text-price, mistral-atom-button-tooltip, [id^='tooltip-'], [style*='display: none'], [style*='display:none']";

/** Read every card of the page into `result`; returns the cards for reading across documents. */
export function readPriceCards(result: ExtractionBuilder, body: string): PriceCard[] {
  const $ = loadDocument(body, "html");
  const cards = $(".model-item[data-name]").toArray();
  if (cards.length === 0) {
    result.fail(`no price cards (<div class="model-item" data-name>) on the page; the layout changed`, "page");
    return [];
  }
  const currencies = $("mistral-atom-text-price")
    .toArray()
    .map((el) => ($(el).attr("data-currency") ?? "").trim().toLowerCase());
  if (currencies.length > 0 && !currencies.includes("usd")) {
    result.fail(`every price on the page is in ${[...new Set(currencies)].join("/") || "no stated currency"}, none in US dollars`, "page");
    return [];
  }
  return cards.flatMap((el) => readCard(result, $, $(el)));
}

function readCard(result: ExtractionBuilder, $: CheerioAPI, card: Cheerio<Element>): PriceCard[] {
  const name = cleanText(card.attr("data-name") ?? "");
  const where = `card "${name}"`;
  // Agent API, libraries, web search …: tools priced per call or page, not models.
  if ((card.attr("data-capabilities") ?? "").split(/\s+/).includes("tools")) {
    result.passOver("tool-fees", card.text());
    return [];
  }

  const ids = [...new Set(card.find("[data-text]").toArray().map((b) => cleanText($(b).attr("data-text") ?? "")))].filter(Boolean);
  if (ids.length > 1) {
    result.problem(`the card names several API ids (${ids.join(", ")}); which one its prices are for is not stated`, where);
    return [];
  }
  const modelId = ids[0] === undefined ? undefined : mistralModelId(ids[0]);
  const amounts = card.find("mistral-atom-text-price").toArray();
  const free = saysFree($, card);
  if (!modelId) {
    // "Classifier API model (3B)": no id on the card (or one no model id can be), so nothing to key prices by.
    result.untrackedModel(name, where);
    result.passOver("untracked-model", card.text());
    return [{ name, modelId: undefined, free }];
  }
  if (amounts.length === 0) {
    if (free) result.untrackedModel(freeListing(modelId), where);
    else result.problem(`the card for ${ids[0]} shows no price and does not say it is free`, where);
    return [{ name, modelId, free }];
  }
  if (free) {
    result.problem(`the card says "Free" and also shows prices; which holds is not clear`, where);
    return [{ name, modelId, free }];
  }
  for (const el of amounts) readAmount(result, $(el), modelId, name);
  return [{ name, modelId, free }];
}

/** A card that states "Free" in place of prices (Leanstral, Mistral Moderation 2): a text of its own, outside any tooltip. */
function saysFree($: CheerioAPI, card: Cheerio<Element>): boolean {
  const root = card[0]!;
  const walk = (node: AnyNode): boolean => {
    if (isText(node)) return /^\s*free\s*$/i.test(node.data);
    if (!isTag(node) || $(node).is(NOT_LABEL)) return false;
    return node.children.some(walk);
  };
  return walk(root);
}

function readAmount(result: ExtractionBuilder, amount: Cheerio<Element>, modelId: string, cardName: string): void {
  const rowText = amount.parent().text();
  const row = amount.parent().clone();
  row.find(NOT_LABEL).remove();
  const label = cleanText(row.text());
  const where = `card "${cardName}", row "${label || "(no label)"}"`;

  let data: z.infer<typeof CardAmount>;
  try {
    const parsed = CardAmount.safeParse(JSON.parse(amount.attr("data-prices") ?? "null"));
    if (!parsed.success) throw new Error(z.prettifyError(parsed.error));
    data = parsed.data;
  } catch (error) {
    result.problem(`the price's data-prices is not understood: ${error instanceof Error ? error.message : String(error)}`, where);
    return;
  }

  // The unit: the label's "(/M tokens)", or the amount's own suffix ("/ 1000 pages", "per 1k characters").
  const unitText = `${label} ${data.suffix ?? ""}`;
  const perToken = PER_MILLION_TOKENS.test(unitText);
  const other = OTHER_UNIT.test(unitText);
  // Per minute, per page, per character …, and "(per min / per M tok)", which names two units for one
  // figure: no price key expresses them, so they are passed over (the model page states Voxtral Small's
  // text input per M tokens on its own).
  if (other) {
    result.passOver("unit-not-tracked", rowText, CARD_UNITS_WHY);
    return;
  }
  if (!perToken) {
    result.problem(`the row states no unit (per M tokens or other)`, where);
    return;
  }
  const { condition, rest } = contextConditionIn(label.replace(PER_MILLION_TOKENS, " "));
  const dimension = tokenDimensionIn(rest);
  if (!dimension) {
    if (!FINE_TUNING.test(label)) result.problem(`a price per M tokens whose label says no input or output`, where);
    else result.passOver("not-a-model-price", rowText, FINE_TUNING_WHY);
    return;
  }
  if (MODALITY.test(rest)) {
    result.problem(`a token price for one modality only; this source does not key it`, where);
    return;
  }

  const currency = (amount.attr("data-currency") ?? "").trim().toLowerCase();
  if (currency !== "usd") {
    result.problem(`the price is in ${currency || "no stated currency"}, not US dollars`, where);
    return;
  }
  if (data.priceUsd === null || data.priceUsd === undefined) {
    result.problem(`only a EUR figure (€${data.priceEur ?? "?"}) is given, no USD one`, where);
    return;
  }
  if (data.prefix) {
    result.problem(`the price has a prefix ("${data.prefix}"); a bound or a starting price is not a price`, where);
    return;
  }
  const multiplier = amount.attr("data-multiplier");
  if (multiplier !== undefined && multiplier.trim() !== "1") {
    result.problem(`the figure is scaled by a script (data-multiplier="${multiplier}")`, where);
    return;
  }
  // The slot a script fills with the undiscounted figure when a discount (batch, regional) is switched on.
  const undiscounted = cleanText(amount.find(".js-price-nodiscount").text());
  if (undiscounted) {
    result.problem(`the card shows a discounted figure (before discount: "${undiscounted}")`, where);
    return;
  }
  const shown = amount.clone();
  shown.find(".js-price-nodiscount").remove();
  const visible = cleanText(shown.find(".js-price-value").text() || shown.text());
  const money = parseMoneyCell(visible);
  if (money.kind !== "usd" || money.usd !== data.priceUsd) {
    result.problem(
      `the attribute gives $${data.priceUsd} but the card shows "${visible}"${money.kind === "unreadable" ? ` (${money.reason})` : ""}`,
      where,
    );
    return;
  }

  const tier = tierNamedIn(rest);
  const at = condition ? conditionKey(condition) : undefined;
  result.observe(
    {
      model: modelId,
      price: `${tier ? `${tier}/` : ""}${dimension}${at ? `@${at}` : ""}`,
      usd: data.priceUsd,
      unit: "1M tokens",
      // The card's name, then its row: the path a reviewer (and the screenshot) finds it by on the page.
      evidence: `${cardName} › ${label} ${visible}`,
    },
    where,
  );
}
