import type { PageFormat } from "../../extract/document.ts";
import { flightChunks, flightObjectsWithKey } from "../../extract/next-flight.ts";
import { ExtractionBuilder, extractWith, type PricingSource, type SourceDocument } from "../source.ts";
import { combineMistral, type DocumentKind, kindOfDocument, looksLikeCards, looksLikeDocsPricing } from "./combine.ts";
import { pricingPageSlugs, readDocsPricing } from "./docs-pricing.ts";
import { looksLikeLegacyText, readLegacyText } from "./legacy-text.ts";
import { modelPageUrl, readModelIndex } from "./model-index.ts";
import { readModelPage } from "./model-pages.ts";
import { isMultiplierDocument, MULTIPLIER_DOCUMENTS, multiplierDocumentOf, readMultiplierDocument } from "./multiplier-docs.ts";
import { readPriceCards } from "./price-cards.ts";

/**
 * Mistral's API prices, read from six kinds of document. Past ~300 lines across its files because it reads
 * them all: each kind has its own file, and this comment is the account of them.
 *
 * Where a run starts. Since about 2026-10-07 mistral.ai/pricing/api answers 301 to
 * docs.mistral.ai/inference/pricing (third-party notes; the failing nights: every run since read the
 * redirected body under the card page's name and failed). So the source starts from the docs pricing page,
 * with the model index and the three multiplier pages; it no longer lists the card page, whose reader stays
 * for the pages saved before the move (`catalog extract --file`, replays of old nights). A document still
 * named `pricing-api` whose body is the docs pricing page is read as what it is (`kindOfDocument`).
 *
 * 1. The pricing page, docs.mistral.ai/inference/pricing (`docs-pricing.ts`). Server-rendered `<section>`s, one
 *    per family (Flagship, Specialized, Third-party hosted, Code, Labs), each with a caption ("Prices /M
 *    Tokens" or "Prices as marked"), USD/EUR and Standard/Batch/Priority toggles of which only the pressed
 *    figures are rendered (USD and Standard on every capture seen: batch and priority prices are therefore
 *    not on the page, and are never computed from the multipliers), a "Regional inference" checkbox, and a
 *    table Model | Input | Cached input | Output whose model cell links `/models/<slug>`. Traps: mixed units
 *    under "Prices as marked" (`$4 /1000 Pages`, `$0.003 /Min`, `$16 /M Chars`), "Free" rows (Mistral
 *    Moderation 2, Leanstral 1.5: never $0), a stated `$0 /M Chars` beside a billed side (Voxtral TTS: read
 *    as $0, see docs-pricing.ts), a third-party model (Z.ai GLM 5.2), and sale cells (none seen yet: a struck
 *    list price is never today's price, `extract/sale-price.ts`). Prices are keyed by the linked page,
 *    `mistral/<slug>`, until `combine` maps them through that page's API ids; its links are followed in the
 *    same run (`linkedDocuments`).
 *
 * 2. The price cards, mistral.ai/pricing/api before the move (`price-cards.ts`). Server-rendered HTML: one
 *    `<div class="model-item" data-name="mistral small 4">` per card. Each amount is a
 *    `<mistral-atom-text-price data-currency="usd" data-prices="{priceEur, priceUsd, prefix, suffix}">`
 *    beside a label (`Input (/M tokens)`, `Cached input (/M tokens)`, `Output (/M tokens)`), with the USD
 *    figure also as text; `priceUsd` is read and must equal the text shown, else it is a problem, and so
 *    is a figure in another currency or only in EUR. The card's API id is its copy button's `data-text`
 *    (`mistral-small-latest`: mostly an alias). Labels are read by meaning (`tokenDimensionIn`), not by
 *    class or position: the markup of 2026-08-04 and 2026-08-17 differs (label classes, cards renamed,
 *    added and removed). Every price is read inside its own card: "libraries" has an "OCR (per 1K
 *    pages)" row that is not the OCR model's price, "voxtral mini transcribe realtime" has "Audio
 *    Input/min", "ocr 4.1" prices two things. Tool cards (`data-capabilities="tools"`: agent API, web
 *    search …) are not models (their fees are passed over as tool fees); a model card without an id, or
 *    with one no model id can be (`Classifier API model 3B`), is listed as untracked by its name, its
 *    figures passed over. A card's figure per minute, per 1000 pages or per 1k characters, or under a
 *    label naming two units ("(per min / per M tok)"), is passed over: the model page states each figure
 *    with its unit, and is read. `data-discounts` ("batch", "regional", "cache") names the page's toggles a
 *    figure responds to; no rate is on the card, so no batch or cached price is derived from them, and a
 *    card that shows a figure before discount (`js-price-nodiscount`, empty on every card seen) is a problem.
 *
 * 3. The model index, docs.mistral.ai/models (`model-index.ts`): its cards link each current model's page,
 *    `/models/<slug>`, read in the same run (`linkedDocuments`). The page's table of deprecated models
 *    is not followed. The index itself prices nothing (`pricesNone`). When it cannot be read, a run from
 *    the pricing page is partial, not failed: the pricing page links its own rows' model pages.
 *
 * 4. The model pages, docs.mistral.ai/models/<slug> (`model-pages.ts`): the model's API ids
 *    (`{"names":["mistral-small-2603","mistral-small-latest"]}`) and its price object, read from the
 *    Next.js flight payload (`pipeline/extract/next-flight.ts`) over plain HTTP. Why not render the page
 *    in a browser and read its price table: the payload chunks are in the HTML the server sends (the saved
 *    excerpts were cut from it, and hold no rendered table at all); the table a browser shows is built
 *    from this same object, so rendering adds nothing but ~1 MB of the app's scripts fetched from its CDN
 *    (a browser replaying a stored page offline cannot rebuild it, so a night could not be replayed); and
 *    the object states each figure's unit (`denominator`) and whether the model is `free` outright.
 *    An entry is `{"type":"range"|"flat","price":0.15,"priceEur":0.12,"denominator":"/M Tokens",
 *    "label"?:"Cached input"}`. "range" is not a range of prices: on every page seen a `range` entry
 *    carries one `price`, the figure the card shows for the model (Small 4: range 0.15, card $0.15), and
 *    Voxtral Small has a `range` per-minute entry beside a `flat` per-token one. Whatever the type changes
 *    in how the docs draw a figure, it does not change the figure: both are read as the one price they
 *    carry, and an entry with any other field (a bound) is a problem. Denominators `/Min`, `/1000 Pages`,
 *    `/1000 Annotated Pages` (→ `ocr_per_page:annotated`), `/M Chars` are read into the keys of their unit,
 *    as on the pricing page (`mistralPriceKey`). A page whose `isRetired` is true is read as no current price.
 *
 * 5. The multiplier pages, docs.mistral.ai/inference/priority-tier.md, …/inference/regional-inference.md,
 *    …/studio/batch-processing.md (`multiplier-docs.ts`): prose only, one factor each for every model
 *    (priority 1.75, regional 1.1, batch 0.5), read by `extract/multipliers.ts`. One that cannot be read
 *    leaves the source partial: the prices are whole without it.
 *
 * 6. The 2024 docs.mistral.ai pricing page, as text (`legacy-text.ts`): `2$ / 1M tokens` tables with USD and
 *    EUR columns; the USD columns are read, the EUR ones never as USD. It is not a document of a run (that
 *    page is gone), only read with `catalog extract --file`.
 *
 * Keys: per 1M tokens `input`, `cached_input`, `output`; per page `ocr_per_page`, `cached_ocr_per_page`,
 * `ocr_per_page:annotated`; per minute `transcription_per_minute`, `cached_transcription_per_minute` (a model
 * billed by the minute only) or `audio_input_per_minute` (beside output tokens); per 1M characters
 * `input_per_1m_characters`, `cached_input_per_1m_characters`, `output_per_1m_characters`. Fine-tuning
 * training and storage are passed over as not a model's price.
 *
 * Free models (`"free":true`, a card or a row that says "Free": Leanstral, Mistral Moderation 2) are never a
 * $0 observation, which would read as a price and as a change the day they are priced: they are listed as
 * untracked, `mistral/<id> (free)`, and the page stays ok. A model priced $0 throughout without being marked
 * free is a problem; a stated $0 beside a billed side is that side's price.
 *
 * Ids: on the card page, observations are keyed by the card's id (`mistral/mistral-small-latest`), on the
 * pricing page by the linked page (`mistral/mistral-large-3-25-12`), on a model page by its first name
 * (`mistral/mistral-small-2603`); `combine` (`combine.ts`) maps card aliases and pricing-page links onto
 * catalog ids through the model pages' names, never by name likeness, and checks that a table and its model
 * page agree on every price they both show. It carries every document's accounting and the multipliers.
 */

const SOURCE_ID = "mistral-pricing";
const PRICING_URL = "https://docs.mistral.ai/inference/pricing";
const MODEL_INDEX_URL = "https://docs.mistral.ai/models";

const PRICING: SourceDocument = { name: "pricing", url: PRICING_URL, format: "html", fetchWith: "http" };
const MODEL_INDEX: SourceDocument = { name: "models", url: MODEL_INDEX_URL, format: "html", fetchWith: "http" };
const MULTIPLIER_PAGES: SourceDocument[] = Object.entries(MULTIPLIER_DOCUMENTS).map(([name, { url }]) => ({ name, url, format: "markdown", fetchWith: "http" }));

type Kind = DocumentKind | "legacy-text";

/** Which kind of document a body is when the run does not say (`catalog extract --file`): by what it holds. */
function kindOfBody(body: string): Kind | undefined {
  if (looksLikeCards(body)) return "cards";
  if (flightChunks(body).length > 0 && flightObjectsWithKey(body, "names").length > 0) return "model-page";
  if (/--model-color\s*:[^"]*"[^<>]*\bhref="\/models\//.test(body)) return "index";
  if (looksLikeDocsPricing(body)) return "pricing";
  if (multiplierDocumentOf(body)) return "multiplier";
  if (looksLikeLegacyText(body)) return "legacy-text";
  return undefined;
}

function readMistralDocument(result: ExtractionBuilder, body: string, document: SourceDocument | undefined): void {
  // A run names the document; a page that is not what its name says then fails in its own reader.
  const kind: Kind | undefined = document ? kindOfDocument(document.name, body) : kindOfBody(body);
  switch (kind) {
    case "pricing":
      readDocsPricing(result, body);
      return;
    case "cards":
      readPriceCards(result, body);
      return;
    case "index":
      readModelIndex(result, body);
      return;
    case "model-page":
      readModelPage(result, body, document?.name);
      return;
    case "multiplier": {
      const which = document && isMultiplierDocument(document.name) ? document.name : multiplierDocumentOf(body);
      if (!which || (document && multiplierDocumentOf(body) !== which)) {
        result.fail(`not Mistral's ${which ?? "multiplier"} page (its title is not the one this source knows)`, "page");
        return;
      }
      readMultiplierDocument(result, body, which, document?.url ?? MULTIPLIER_DOCUMENTS[which].url);
      return;
    }
    case "legacy-text":
      readLegacyText(result, body);
      return;
    case undefined:
      result.fail(`neither Mistral's pricing page, its price cards, its model index, a model page, a multiplier page nor the 2024 pricing text`, "page");
  }
}

export const mistralPricingSource: PricingSource = {
  id: SOURCE_ID,
  vendor: "mistral",
  url: PRICING_URL,
  format: "html",
  fetchWith: "http",
  documents() {
    return [PRICING, MODEL_INDEX, ...MULTIPLIER_PAGES];
  },
  linkedDocuments(document, body) {
    const kind = kindOfDocument(document.name, body);
    const slugs = kind === "index" ? readModelIndex(new ExtractionBuilder(SOURCE_ID), body).slugs : kind === "pricing" ? pricingPageSlugs(body) : [];
    return slugs.map((slug) => ({ name: slug, url: modelPageUrl(slug), format: "html", fetchWith: "http" }));
  },
  extract(body: string, _format: PageFormat = "html", document?: SourceDocument) {
    return extractWith(SOURCE_ID, body, (result) => readMistralDocument(result, body, document));
  },
  combine(documents, catalog) {
    return combineMistral(SOURCE_ID, documents, catalog);
  },
};
