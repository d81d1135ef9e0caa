import { cleanText, loadDocument, type PageFormat } from "../extract/document.ts";
import { amountsIn } from "../extract/accounting.ts";
import { multipliersIn } from "../extract/multipliers.ts";
import { rateColumnsIn, restatedRatesIn } from "../extract/restated-columns.ts";
import { readTables } from "../extract/tables.ts";
import type { Unit } from "../../schemas/price-key.ts";
import { type ExtractionBuilder, extractWith, type PricingSource } from "./source.ts";

/**
 * Voyage AI's pricing, https://docs.voyageai.com/docs/pricing.md: the docs site's (ReadMe) markdown endpoint,
 * plain HTTP. YAML front matter (`updatedAt`), `<Anchor>` tags, aligned pipe tables. Embeddings and rerankers
 * only: every price is an input price, none is an output price.
 *
 * - Tables "Text Embeddings", "Rerankers" and "Older models": `Model | Price per thousand tokens | Price per
 *   million tokens [| Estimated price per request*] [| Number of free tokens]`. The two price columns state
 *   one rate twice (`$0.00012` per thousand = `$0.12` per million): both are scaled to per 1M tokens and must
 *   agree (`extract/restated-columns.ts`), and one that agrees is `input`. Where they disagree (2026-08-13:
 *   voyage-context-4 and voyage-code-4, `$0.00018` per thousand but `$0.12` per million) it is a problem and
 *   neither figure is read: which column is wrong is not known.
 * - "Multimodal Embeddings": `Price per million tokens | Price per billion pixels`: two prices, `input` and
 *   `image_input_per_1b_pixels` (each video frame is billed as an image, the page says).
 * - A model cell may list several ids (`` `voyage-finance-2`<br />`voyage-law-2`<br />`voyage-code-2` ``):
 *   each gets the row's prices. A cell that is not a list of ids is a problem.
 * - Not model prices, passed over by rule: the rerankers' "Estimated price per request*" column (computed
 *   from the per-token price under the footnote's assumptions: `worked-example`), the image-resolution
 *   examples table and the sentences around it (`worked-example`), Files API storage "$0.05 per GB per month"
 *   (`tool-fees`). "Number of free tokens" columns hold token counts, no amount.
 * - Batch: "a **33% discount** compared to our standard endpoints" for "our current models" is recorded as
 *   the multiplier `batch` 0.67 for every model the source covers (its entries are the current tables'
 *   models); no batch price is computed from it.
 * - "Older models" are read like the others (still priced; no free tokens). Fine-tuned models: no price.
 */

const SOURCE_ID = "voyage-pricing";
const PRICING_URL = "https://docs.voyageai.com/docs/pricing.md";
const API_ID = /^[a-z0-9][a-z0-9.-]*$/;

/** The key of a rate per unit: embeddings and rerankers bill tokens in, images in by the pixel. */
const KEY_BY_UNIT: Partial<Record<Unit, string>> = { "1M tokens": "input", "1B pixels": "image_input_per_1b_pixels" };

function readVoyage(result: ExtractionBuilder, body: string): void {
  const $ = loadDocument(body, "markdown");
  const tables = readTables($);
  let modelTables = 0;
  for (const table of tables) {
    const where = `table ${table.index + 1} (${table.headings.at(-1) ?? "no heading"})`;
    const rowsText = table.rows.map((r) => r.text).join(" ");
    if (!/^model$/i.test(table.header[0] ?? "")) {
      // "Image resolution | Number of pixels | Price per image | Price per thousand images": examples of a bill.
      if (/resolution/i.test(table.header[0] ?? "")) result.passOver("worked-example", rowsText);
      else result.problem(`a table whose first column is "${table.header[0] ?? ""}", not Model; not read`, where);
      continue;
    }
    modelTables++;
    const columns = rateColumnsIn(table.header);
    const read = columns.filter((c) => KEY_BY_UNIT[c.billed.unit] !== undefined);
    for (const c of columns.filter((c) => !read.includes(c))) {
      const cells = table.rows.map((r) => r.cells[c.index] ?? "").join(" ");
      if (c.billed.unit === "request" && /estimated/i.test(c.header)) result.passOver("worked-example", cells);
      else result.problem(`the column "${c.header}" prices per ${c.billed.unit}, which no Voyage key holds; not read`, where);
    }
    if (read.length === 0) {
      result.problem(`no column prices per million tokens or per billion pixels (${table.header.join(" | ")}); not read`, where);
      continue;
    }
    for (const row of table.rows) {
      const ids = (row.cells[0] ?? "").split(/\s+/).filter(Boolean);
      const rowWhere = `${where}, row "${row.cells[0]}"`;
      if (ids.length === 0 || !ids.every((id) => API_ID.test(id))) {
        result.problem(`the model cell "${row.cells[0]}" is not a list of API ids; the row is not read`, rowWhere);
        continue;
      }
      for (const rate of restatedRatesIn(row.cells, read)) {
        if (rate.kind === "bad") {
          result.problem(`"${rate.text}" under "${rate.header}": ${rate.reason}; not read`, rowWhere, ids.map((id) => `voyage/${id}`));
          continue;
        }
        if (rate.kind === "disagree") {
          const said = rate.readings.map((r) => `"${r.header}" ${r.text} (= $${r.usd} per ${rate.unit})`).join(" but ");
          result.problem(`${ids.join(", ")}: ${said}; the two columns state different prices, neither is read`, rowWhere, ids.map((id) => `voyage/${id}`));
          continue;
        }
        const key = KEY_BY_UNIT[rate.unit]!;
        // The row as written, cell by cell (its text runs a cell's ids together where `<br />` parted them).
        const evidence = row.cells.join(" | ");
        for (const id of ids) result.observe({ model: `voyage/${id}`, price: key, usd: rate.usd, unit: rate.unit, evidence }, rowWhere);
        for (const r of rate.readings) result.accountRead(r.text); // "$0.00012" per thousand is read as 0.12 per 1M
      }
    }
  }
  if (modelTables === 0) {
    result.fail("no table with a Model column on the page; the layout changed", "page");
    return;
  }
  readProse(result, $);
}

/** The batch discount, the storage fee and the worked examples: sentences outside the tables. */
function readProse(result: ExtractionBuilder, $: ReturnType<typeof loadDocument>): void {
  for (const p of $("p, li").toArray()) {
    const text = cleanText($(p).text());
    for (const sentence of text.split(/(?<=[.!?])\s+(?=[A-Z])/)) {
      if (/\bbatch\b/i.test(text) && /\bdiscount\b|% off\b/i.test(sentence)) {
        const factors = multipliersIn(sentence);
        if (factors.length === 1) result.multiplier({ name: "batch", factor: factors[0]!.factor, sentence }, "Batch and Files API");
        else result.problem(`the batch sentence states ${factors.length} factors; none is read`, `"${sentence}"`);
      }
      if (amountsIn(sentence).length === 0) continue;
      if (/\bper\s+GB\b/i.test(sentence)) result.passOver("tool-fees", sentence, "Files API storage per GB per month");
      else if (/\bfor example\b|\bminimum and maximum cost/i.test(sentence)) result.passOver("worked-example", sentence);
    }
  }
}

export const voyagePricingSource: PricingSource = {
  id: SOURCE_ID,
  vendor: "voyage",
  url: PRICING_URL,
  format: "markdown",
  fetchWith: "http",
  extract(body: string, _format: PageFormat = "markdown") {
    return extractWith(SOURCE_ID, body, (result) => readVoyage(result, body));
  },
};
