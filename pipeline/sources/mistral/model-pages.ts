import { z } from "zod";
import { flightObjectsWithKey, isFlightReference } from "../../extract/next-flight.ts";
import { tokenDimensionIn } from "../../extract/price-labels.ts";
import { billedUnitIn, perUnit } from "../../extract/units.ts";
import type { ExtractionBuilder } from "../source.ts";
import { mistralPriceKey } from "./docs-pricing.ts";
import { freeListing, mistralModelId, retiredListing } from "./api-ids.ts";

/**
 * docs.mistral.ai/models/<slug>: one model's page, read from its Next.js flight payload (see index.ts for
 * why over HTTP, not a browser). The payload holds the model's API ids, `{"names":["mistral-small-2603",
 * "mistral-small-latest"]}`, and the props of its price widget, `{"pricing":{…},"isRetired":false}`; the
 * same widget appears twice (desktop and mobile), the second time as a `$25:props:…` pointer to the first.
 */

/** What one model page is, for reading across documents. */
export interface ModelPage {
  /** The API ids the page names, dated one first (`mistral-small-2603`, `mistral-small-latest`). */
  names: string[];
  /** The page's model name (`Mistral Small 4`), for messages. */
  title: string;
  free: boolean;
  retired: boolean;
}

/**
 * One entry of `pricing.input` / `pricing.output`. Every entry seen, `range` or `flat`, carries exactly one
 * figure, `price` (USD; `priceEur` beside it), for one `denominator`; `label` names it when a side has
 * several (`Cached input`). Any other key (a lower or upper bound, a currency) is not understood: a problem.
 */
const PriceEntry = z.strictObject({
  type: z.enum(["range", "flat"]),
  price: z.number().nonnegative(),
  priceEur: z.number().nonnegative().optional(),
  denominator: z.string().min(1),
  label: z.string().min(1).optional(),
});

const Pricing = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("custom"),
    free: z.boolean(),
    input: z.array(PriceEntry),
    output: z.array(PriceEntry),
  }),
  // One figure for the whole model: seen only on free models (`{"type":"flat","free":true,"price":0,…}`).
  z.strictObject({
    type: z.literal("flat"),
    free: z.boolean(),
    price: z.number().nonnegative(),
    priceEur: z.number().nonnegative().optional(),
    denominator: z.string().min(1),
  }),
]);
type Pricing = z.infer<typeof Pricing>;

/** `/M Tokens` (and `/1M tokens`): the one denominator the price keys express. */
const PER_MILLION_TOKENS = /^\/\s*1?\s*M\s*tokens?$/i;

/** Read one model page into `result`; returns what the page is, or undefined when it is not a model page. */
export function readModelPage(result: ExtractionBuilder, body: string, slug: string | undefined): ModelPage | undefined {
  const lists = flightObjectsWithKey(body, "names")
    .map((o) => o.names)
    .filter((n): n is string[] => Array.isArray(n) && n.every((x) => typeof x === "string"));
  const distinct = [...new Set(lists.map((n) => JSON.stringify(n)))];
  if (distinct.length === 0) {
    result.fail(`no list of API ids ("names") in the page's Next.js data: not a model page, or its layout changed`, "page");
    return undefined;
  }
  if (distinct.length > 1) {
    result.fail(`the page's data names several lists of API ids (${distinct.join(" ")}); which is the model's is not clear`, "page");
    return undefined;
  }
  const titles = flightObjectsWithKey(body, "currentModelName").map((o) => o.currentModelName);
  const title = titles.find((t): t is string => typeof t === "string" && t.trim() !== "") ?? slug ?? "model page";
  const where = `model page "${title}"`;

  const names: string[] = [];
  for (const name of JSON.parse(distinct[0]!) as string[]) {
    if (mistralModelId(name)) names.push(name.trim());
    else result.problem(`"${name}" is not an API id`, `${where}: names`);
  }
  const page: ModelPage = { names, title, free: false, retired: false };

  const widgets = flightObjectsWithKey(body, "pricing").filter((o) => !isFlightReference(o.pricing));
  const distinctPricing = [...new Map(widgets.map((w) => [JSON.stringify([w.pricing, w.isRetired]), w])).values()];
  if (distinctPricing.length > 1) {
    result.problem(`the page's data holds ${distinctPricing.length} different price objects; none is read`, `${where}: pricing`);
    return page;
  }
  const widget = distinctPricing[0];
  if (names.length === 0) {
    // Shieldstral 1.0: a preview with no callable id (and no price).
    if (widget) result.problem(`the page prices a model it gives no API id for`, `${where}: pricing`);
    else result.pricesNone();
    result.untrackedModel(title, where);
    return page;
  }
  const modelId = mistralModelId(names[0]!)!;
  if (!widget) {
    result.pricesNone(); // a model page without a price: checked, states none
    return page;
  }

  if (widget.isRetired !== undefined && typeof widget.isRetired !== "boolean") {
    result.problem(`"isRetired" is ${JSON.stringify(widget.isRetired)}, not true or false`, `${where}: isRetired`);
    return page;
  }
  const parsed = Pricing.safeParse(widget.pricing);
  if (!parsed.success) {
    result.problem(`the price object is not understood: ${z.prettifyError(parsed.error)}`, `${where}: pricing`);
    return page;
  }
  const pricing = parsed.data;
  if (widget.isRetired === true) {
    page.retired = true;
    result.untrackedModel(retiredListing(modelId), where);
    result.pricesNone();
    return page;
  }
  if (pricing.free) {
    page.free = true;
    const priced = figures(pricing).filter((e) => e.price > 0);
    if (priced.length > 0) {
      result.problem(`the model is marked free but shows ${priced.map((e) => `$${e.price} ${e.denominator}`).join(", ")}`, `${where}: pricing`);
      return page;
    }
    // Not $0: a free model has no price to track, and $0 would read as one (and as a change the day it is priced).
    result.untrackedModel(freeListing(modelId), where);
    result.pricesNone();
    return page;
  }

  if (pricing.type === "flat") {
    if (PER_MILLION_TOKENS.test(pricing.denominator.trim())) {
      result.problem(`one flat price ($${pricing.price} ${pricing.denominator}) for the whole model; which token price it is is not stated`, `${where}: pricing`);
    } else result.pricesNone();
    return page;
  }

  // Side by side: which figure is which, and in what unit. Tokens per `/M Tokens`; `/Min`, `/1000 Pages`,
  // `/1000 Annotated Pages`, `/M Chars` each in the key of that unit (docs-pricing.ts, `mistralPriceKey`).
  const all = figures(pricing).filter((e) => e.price > 0);
  if (all.length === 0) {
    result.problem(`every figure is $0 and the model is not marked free; none is read`, `${where}: pricing`);
    return page;
  }
  const billsOutputTokens = pricing.output.some((e) => PER_MILLION_TOKENS.test(e.denominator.trim()));
  let observed = 0;
  for (const side of ["input", "output"] as const) {
    pricing[side].forEach((entry, i) => {
      const at = `${where}: pricing.${side}[${i}]`;
      const label = entry.label ?? side;
      const dimension = tokenDimensionIn(label);
      const fits = side === "output" ? dimension === "output" : dimension !== undefined && dimension !== "output";
      if (!fits) {
        result.problem(`the ${side} price labelled "${label}" is not understood as an ${side} price`, at);
        return;
      }
      const denominator = entry.denominator.trim();
      const variant = /\bannotated\b/i.test(denominator) ? "annotated" : undefined;
      const billed = PER_MILLION_TOKENS.test(denominator)
        ? { unit: "1M tokens" as const, quantity: 1e6, phrase: denominator }
        : billedUnitIn(denominator.replace(/\bannotated\s+/i, ""));
      const key = billed && (dimension === "input" || dimension === "cached_input" || dimension === "output") ? mistralPriceKey(dimension, billed.unit, billsOutputTokens, variant) : undefined;
      if (!billed || !key) {
        result.problem(`the ${label} price $${entry.price} ${entry.denominator}: no key holds a price in that unit; not read`, at);
        return;
      }
      // A $0 figure beside a billed one (Voxtral TTS: text in $0 /M Chars, audio out $16) is that side's price.
      observed++;
      result.observe(
        {
          model: modelId,
          price: key,
          usd: perUnit(entry.price, billed),
          unit: billed.unit,
          evidence: `${where}: ${entry.label ?? side} $${entry.price} ${entry.denominator}`,
        },
        at,
      );
    });
  }
  if (observed === 0) result.pricesNone(); // every figure reported above
  return page;
}

function figures(pricing: Pricing): { price: number; denominator: string }[] {
  return pricing.type === "flat" ? [pricing] : [...pricing.input, ...pricing.output];
}
