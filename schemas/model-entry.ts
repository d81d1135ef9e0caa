import { z } from "zod";
import { PriceKey, Unit, unitOf } from "./price-key.ts";

/** Where a catalog file points its `$schema`, relative to `catalog/<vendor>/<file>.json`. */
export const SCHEMA_POINTER = "../../schemas/model-entry.schema.json";

/** A calendar day, `YYYY-MM-DD`, that exists (no 2026-02-30). */
export const IsoDate = z.iso.date();
export type IsoDate = z.infer<typeof IsoDate>;

export const Vendor = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, { message: "vendor must be lower-case letters, digits and dashes" });

/** `<vendor>/<api-model-id>`; the API id itself may contain `/` or `:` (they become `--` in file names). */
export const ModelId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9._:/-]*$/, {
    message: "id must be <vendor>/<api-model-id>, e.g. openai/gpt-image-1-mini",
  });
export type ModelId = z.infer<typeof ModelId>;

export const ModelKind = z.enum(["text", "image", "embedding", "rerank", "audio", "video"]);

export const Usd = z
  .number()
  .nonnegative({ message: "a price cannot be negative" })
  .describe("US dollars per unit");

export const Price = z
  .strictObject({
    usd: Usd,
    unit: Unit.describe("`1M tokens` for token dimensions, `image` for per-image dimensions"),
  })
  .describe("One price. The unit follows from the price key.");
export type Price = z.infer<typeof Price>;

export const Prices = z.record(PriceKey, Price).superRefine((prices, ctx) => {
  for (const [key, price] of Object.entries(prices)) {
    const expected = unitOf(key);
    if (expected && price.unit !== expected) {
      ctx.addIssue({
        code: "custom",
        path: [key, "unit"],
        message: `unit of ${key} must be "${expected}", not "${price.unit}"`,
      });
    }
  }
});
export type Prices = z.infer<typeof Prices>;

export const PriceHistoryItem = z
  .strictObject({
    price: PriceKey,
    usd: Usd,
    unit: Unit,
    from: IsoDate.optional().describe("First day this price is known to have held, when known"),
    until: IsoDate.describe("First day a different price was seen in its place"),
  })
  .describe("An earlier price of one key and the days it held");
export type PriceHistoryItem = z.infer<typeof PriceHistoryItem>;

export const ScheduledPrice = z
  .strictObject({
    price: PriceKey,
    usd: Usd,
    unit: Unit,
    from: IsoDate.describe("The day the vendor says this price takes effect"),
    source: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/)
      .optional()
      .describe("The pipeline source whose page announced it"),
  })
  .describe(
    "A price the vendor announced for a later day. On or after `from` the run compares the page with it: " +
      "confirmed, it becomes the price (the old one moves to priceHistory); withdrawn from the page before its day, it is proposed for removal.",
  );
export type ScheduledPrice = z.infer<typeof ScheduledPrice>;

/**
 * What a multiplier prices, as a name: a tier (`batch`, `priority`, `flex`), a region (`regional`,
 * `region_us`), a context condition with the dimension it scales (`over_272k:input`), `cache_write`.
 */
export const MultiplierName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(?::[a-z][a-z0-9_]*)?$/, {
    message: "a multiplier name is lower-case words joined by _, optionally :<dimension>, e.g. batch, regional, over_272k:input",
  });

export const Multiplier = z
  .strictObject({
    factor: z.number().positive().describe("The standard price times this: 0.5 for \"50% off\", 1.75 for \"1.75x\""),
    sentence: z.string().min(1).describe("The vendor's own words it was read from"),
    source: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/)
      .optional()
      .describe("The pipeline source whose page states it"),
  })
  .describe("A tier, region or condition priced as a multiple of the standard prices, checked every night like a price");
export type Multiplier = z.infer<typeof Multiplier>;

export const SourceRef = z
  .strictObject({
    source: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/)
      .describe("A pipeline source id (e.g. openai-pricing) or a public catalog (e.g. models.dev)"),
    url: z.url().optional().describe("The page or file, on the web"),
    file: z
      .string()
      .regex(/^[A-Za-z0-9._/-]+$/)
      .optional()
      .describe("A copy kept in this repository, relative to its root, where the original has no public URL"),
    note: z.string().min(1).optional().describe("What this source was used for, when it is not the prices"),
  })
  .refine((s) => s.url !== undefined || s.file !== undefined, { message: "a source needs a url or a file" })
  .describe("Where the facts of this entry are checked or came from");
export type SourceRef = z.infer<typeof SourceRef>;

export const ModelEntry = z
  .strictObject({
    $schema: z.literal(SCHEMA_POINTER),
    id: ModelId,
    vendor: Vendor,
    name: z.string().min(1).describe("Display name, as the vendor writes it"),
    family: z.string().min(1),
    kind: ModelKind,
    summary: z.string().min(1).describe("One or two sentences for the profile page"),
    contextWindow: z
      .int()
      .nonnegative()
      .optional()
      .describe(
        "Context window in tokens. 0 means not applicable (image models, by site convention); absent when no page or public catalog states it yet (never guessed).",
      ),
    maxOutput: z
      .int()
      .nonnegative()
      .optional()
      .describe(
        "Maximum output in tokens. 0 means not applicable (image models, by site convention); absent when no page or public catalog states it yet (never guessed).",
      ),
    releaseDate: IsoDate,
    releaseDateApproximate: z
      .boolean()
      .describe("True when releaseDate is a catalog date rather than the vendor's exact launch date"),
    lastVerified: IsoDate.describe("The last day every price of this entry was seen on the vendor's page"),
    retired: IsoDate.optional().describe(
      "Set by a maintainer when the vendor no longer offers the model: the first day it was missing from every page of its vendor. " +
        "Its sources no longer expect it; it keeps its last prices and history.",
    ),
    prices: Prices.describe("Current prices, keyed by price key"),
    scheduledPrices: z
      .array(ScheduledPrice)
      .optional()
      .describe("Prices announced for a later day, earliest first (absent when there are none)"),
    multipliers: z
      .record(MultiplierName, Multiplier)
      .optional()
      .describe("Tiers, regions and conditions the vendor prices as a multiple of the standard prices (absent when none is tracked)"),
    priceHistory: z.array(PriceHistoryItem).describe("Earlier prices, newest first"),
    sources: z.array(SourceRef).min(1),
  })
  .describe("One AI model of the catalog: catalog/<vendor>/<api-model-id>.json");
export type ModelEntry = z.infer<typeof ModelEntry>;

/** `openai/gpt-image-1-mini` → `openai/gpt-image-1-mini.json`; `/` or `:` inside the API id become `--`. */
export function entryRelativePath(id: string): string {
  const slash = id.indexOf("/");
  const vendor = id.slice(0, slash);
  const apiId = id.slice(slash + 1).replace(/[/:]/g, "--");
  return `${vendor}/${apiId}.json`;
}
