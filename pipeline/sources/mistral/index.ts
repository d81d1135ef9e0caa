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
 * Mistral's API prices, read from four kinds of document.
 *
 * 1. The price cards, mistral.ai/pricing/api (`price-cards.ts`). Server-rendered HTML: one
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
 *    search …) are not models; a model card without an id, or with one no model id can be
 *    (`Classifier API model 3B`), is listed as untracked by its name. `data-discounts` ("batch",
 *    "regional", "cache") names the page's toggles a figure responds to; no rate is on the card (they live
 *    in the toggles and scripts), so no batch or cached price is derived from them, and a card that shows a
 *    figure before discount (`js-price-nodiscount`, empty on every card seen) is a problem.
 *
 * 2. The model index, docs.mistral.ai/models (`model-index.ts`): its cards link each current model's page,
 *    `/models/<slug>`, read in the same run (`linkedDocuments`). The page's table of deprecated models
 *    is not followed. The index itself prices nothing (`pricesNone`).
 *
 * 3. The model pages, docs.mistral.ai/models/<slug> (`model-pages.ts`): the model's API ids
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
 *    carry, and an entry with any other field (a bound) is a problem. A page whose `isRetired` is true is
 *    read as no current price.
 *
 * 4. The 2024 docs.mistral.ai pricing page, as text (`legacy-text.ts`): `2$ / 1M tokens` tables with USD and
 *    EUR columns; the USD columns are read, the EUR ones never as USD. It is not a document of a run (that
 *    page is gone), only read with `catalog extract --file`.
 *
 * Keys: `Input`, `Cached input`, `Output` per M tokens → `input`, `cached_input`, `output` (per 1M tokens).
 * Prices per minute (`/Min`, "Audio Input/min"), per 1000 (annotated) pages, per M characters, per call,
 * or with a label naming two units ("(per min / per M tok)"), and fine-tuning training and storage, are
 * passed over silently: no price key expresses them, and they do not make a page partial.
 *
 * Free models (`"free":true`, or a card that says "Free": Leanstral, Mistral Moderation 2) are never a $0
 * observation, which would read as a price and as a change the day they are priced: they are listed as
 * untracked, `mistral/<id> (free)`, and the page stays ok. A $0 figure on a model not marked free is a problem.
 *
 * Ids: on the card page, observations are keyed by the card's id (`mistral/mistral-small-latest`), on a
 * model page by its first name (`mistral/mistral-small-2603`); `combine` (`combine.ts`) maps card aliases
 * onto catalog ids through the model pages' names, never by name likeness, and checks that a card and its
 * model page agree on every price they both show.
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
