import { ModelId } from "../../schemas/model-entry.ts";
import { unitOf } from "../../schemas/price-key.ts";
import { contextBoundIn, contextSplitOf, type ContextBound } from "../extract/context-bounds.ts";
import type { PageFormat } from "../extract/document.ts";
import { cleanText } from "../extract/document.ts";
import { loadMdx, type MdxTable, readMdxTables, tabTierOf } from "../extract/mdx.ts";
import { amountSegmentsIn } from "../extract/money.ts";
import { multipliersIn } from "../extract/multipliers.ts";
import { readCellPrice } from "../extract/price-cell.ts";
import { tokenDimensionIn } from "../extract/price-labels.ts";
import { billedUnitIn, videoClipIn } from "../extract/units.ts";
import { type ExtractionBuilder, extractWith, type PricingSource } from "./source.ts";

/**
 * MiniMax API prices, pay as you go: https://platform.minimax.io/docs/guides/pricing-paygo.md, the markdown
 * (Mintlify MDX) the docs serve for https://platform.minimax.io/docs/guides/pricing-paygo (the page's own
 * `llms.txt` banner). Dollars are escaped (`\$0.30`); tables are compact (`| :- |`) or space-padded (2026-08-19).
 * Sections by `##` heading: LLM, Audio, Video, Music, Image, MCP, Server Tools. Read through `extract/mdx.ts`
 * (components as divs, so the tables inside tabs and accordions are tables), table by table, by header:
 *
 * - Token tables (Model | Input | Output | Prompt caching Read [| Prompt caching Write], and the H3-Context-IR
 *   Model / API | Input Price | Output Price): each column keyed by its title (`tokenDimensionIn`). MiniMax-M3's
 *   rows sit in `<Tabs>`: `<Tab title="Standard">` and `<Tab title="Priority*">` (→ `priority/` keys, the tab's
 *   own figures), whose footnote "Pricing is 1.5x standard." is recorded as the priority multiplier of the
 *   models in the tab, never used to compute a price. Two rows per model, told apart only in the model cell
 *   (`**MiniMax-M3**<br />≤ 512k input tokens` / `> 512k input tokens\*`, `extract/context-bounds.ts`): the
 *   upper row keys `@over_512k`; a model whose rows are not the two sides of one threshold is reported. Cells
 *   are sales (`~~\$0.60~~ \$0.30 / M tokens` beside a "Permanent 50% off" badge): the second figure is read,
 *   the struck list price passed over (`list-price`). The legacy M2.x table is in `<Accordion title="Legacy
 *   Models">`: still priced, read like the others. The M2.7 table after `</Tabs>` has no heading of its own.
 * - Price tables (a Model or Model / API column and a Price or List Price column; "List Price" there is the only
 *   price, no sale): the cell's unit gives the key. `/ M characters` → `input_per_1m_characters` (T2A; "speech-2.6-hd
 *   / speech-02-hd" prices both ids), `/ second` → `video_per_second:<Resolution column>` ("768P → 2K": the
 *   resolution made), `per image` → `image`, `per 768P, 6s video` (legacy Hailuo) → `video_per_request:768p_6s`.
 *   A model marked "(Discontinued)" (music) is listed untracked, its prices passed over; "Free" is never $0.
 * - Input material tables (Model / API | Material Type | Billing Rules): prices in prose. The Video row's
 *   "480P \$0.0553/sec, 768P \$0.143/sec" (not the output rates, which is what the page says) → per-second
 *   `video_input_per_second:<resolution>`; the Image row's "\$0.04 per additional image" after a free allowance
 *   is a fee no key holds (passed over, `unit-not-tracked`); Audio "Free".
 * - No model column: ASR's "Speech Recognition | Speech-to-Text | … | \$0.38 / hour" names an API, not a model id
 *   (listed untracked); Voice Management's per-voice fees and the preview-synthesis price in its Notes are
 *   products (`not-a-model-price`). MCP's API-vlm "\$0.01 / request" and Server Tools' web_search are tool fees.
 * - Prose: the Callout's "Effective July 22, 2026, the API-vlm price will be adjusted to \$0.01 per call" (a
 *   tool's fee, already the table's); the music Note ("Starting August 20, 2026 …") has no amount.
 */

const SOURCE_ID = "minimax-pricing";
const PRICING_URL = "https://platform.minimax.io/docs/guides/pricing-paygo.md";

const NOT_A_MODEL = "a product priced per voice (voice design, voice cloning), and its preview rate";
const modelIdOf = (name: string) => (ModelId.safeParse(`minimax/${name}`).success ? `minimax/${name}` : undefined);
/** A row as a reader sees it: `MiniMax-M2.7 | $0.3 / M tokens | …`. */
const rowText = (r: { cells: string[] }) => r.cells.join(" | ");
/** `768P` → `768p`, `2K` → `2k`, `768P → 2K` → `2k` (the resolution made). */
const resolutionOf = (text: string) => /(\d{3,4}\s*p|\d\s*k)\s*$/i.exec(text.split("→").at(-1)!.trim())?.[1]!.replace(/\s/g, "").toLowerCase();

function readMiniMaxPricing(result: ExtractionBuilder, body: string): void {
  const tables = readMdxTables(loadMdx(body));
  if (!tables.some((t) => t.headings.includes("LLM") && t.header.some((h) => tokenDimensionIn(h)))) {
    result.fail("no LLM price table (Model | Input | Output …) under ## LLM; the layout changed", "page");
    return;
  }
  for (const t of tables) {
    const where = `${t.headings.at(-1) ?? "page"}, table ${t.index + 1}${t.components.length ? ` (${t.components.map((c) => c.title ?? c.name).join(" › ")})` : ""}`;
    const first = t.header[0] ?? "";
    const section = t.headings.at(-1) ?? "";
    if (/^(?:MCP|Server Tools)\b/i.test(section) || /\btool\b/i.test(first)) {
      for (const r of t.rows) result.passOver("tool-fees", rowText(r), "a tool's fee per call (MCP's API-vlm, the web_search server tool), not a model's price");
    } else if (!t.header.some((h) => /^model\b/i.test(h))) readWithoutModelColumn(result, t, where);
    else if (/^model\b/i.test(first) && t.header.slice(1).some((h) => tokenDimensionIn(h))) readTokenTable(result, t, where);
    else if (t.header.some((h) => /^material\b/i.test(h))) readInputMaterials(result, t, where);
    else readPriceTable(result, t, where);
  }
}

function readTokenTable(result: ExtractionBuilder, t: MdxTable, where: string): void {
  const { tab, tier } = tabTierOf(t.components);
  if (tab !== undefined && tier === undefined) {
    result.problem(`a table in the tab "${tab}", which names no tier; not read`, where);
    for (const r of t.rows) result.passOver("unit-not-tracked", rowText(r));
    return;
  }
  const prefix = tier && tier !== "standard" ? `${tier}/` : "";
  const bounds = new Map<string, (ContextBound | undefined)[]>();
  const rows = t.rows.map((r) => {
    const [nameMarkup] = (r.markup?.[0] ?? r.cells[0]!).split(/<br\s*\/?>/i);
    const name = cleanText(nameMarkup!.replace(/<[^>]*>/g, " ")).replace(/\*/g, "");
    const { bound } = contextBoundIn(r.cells[0]!.slice(r.cells[0]!.indexOf(name) + name.length));
    bounds.set(name, [...(bounds.get(name) ?? []), bound]);
    return { r, name, bound };
  });
  for (const { r, name, bound } of rows) {
    const rowWhere = `${where}, row "${rowText(r)}"`;
    const model = modelIdOf(name);
    const split = contextSplitOf(bounds.get(name)!);
    if (!model || !split.ok) {
      result.problem(model ? `${name}: ${split.ok ? "" : split.reason}; not read` : `"${name}" is not a model id; not read`, rowWhere);
      result.passOver("untracked-model", rowText(r));
      continue;
    }
    const condition = bound?.side === "over" ? `@${bound.key}` : "";
    t.header.forEach((title, i) => {
      if (i === 0) return;
      const dimension = tokenDimensionIn(title);
      const price = readCellPrice(r.cells[i]!, r.markup?.[i]);
      if (price.kind === "none") return;
      if (price.kind !== "price" || !dimension || price.unit !== "1M tokens") {
        const why = price.kind === "bad" ? price.reason : price.kind === "free" ? `"${price.text}" is not read as $0` : `not a price per 1M tokens under "${title}"`;
        result.problem(`${name} ${title}: ${why}; not read`, rowWhere);
        return;
      }
      const sale = price.list !== undefined ? ` (list price $${price.list} struck through, billed today $${price.usd})` : "";
      result.observe({ model, price: `${prefix}${dimension}${condition}`, usd: price.usd, unit: "1M tokens", evidence: `${tab ? `${tab} › ` : ""}${rowText(r)}${sale}` }, rowWhere);
      if (price.list !== undefined) result.passOver("list-price", `$${price.list}`);
    });
    if (tier && tier !== "standard") {
      for (const sentence of t.componentProse.flatMap((p) => p.split(/(?<=\.)\s+/))) {
        const [factor, ...more] = multipliersIn(sentence);
        if (factor && more.length === 0 && /\bstandard\b/i.test(sentence)) {
          result.multiplier({ model, name: tier, factor: factor.factor, sentence: sentence.replace(/^\*\s*/, "") }, rowWhere);
        }
      }
    }
  }
}

function readPriceTable(result: ExtractionBuilder, t: MdxTable, where: string): void {
  const priceAt = t.header.findIndex((h) => /^(?:list\s+)?price$/i.test(h));
  const modelAt = t.header.findIndex((h) => /^model\b/i.test(h));
  const resolutionAt = t.header.findIndex((h) => /^resolution$/i.test(h));
  for (const r of t.rows) {
    const rowWhere = `${where}, row "${rowText(r)}"`;
    const name = r.cells[modelAt]!;
    const price = priceAt >= 0 ? readCellPrice(r.cells[priceAt]!, r.markup?.[priceAt]) : undefined;
    if (/\(discontinued\)/i.test(name) || price?.kind === "free") {
      // A discontinued model has no current price; a free one is never $0.
      result.untrackedModel(`${name}${price?.kind === "free" ? " (free)" : ""}`, rowWhere);
      result.passOver("untracked-model", rowText(r));
      continue;
    }
    if (/^all models$/i.test(name)) {
      result.passOver("not-a-model-price", rowText(r), NOT_A_MODEL); // voice cloning / design, for every model
      continue;
    }
    if (/^music\b/i.test(t.headings.at(-1) ?? "")) {
      // Per generated song ("$0.15/up-to-5 minutes music", "$0.01/per song"): no key holds it; the catalog tracks no MiniMax music model.
      result.untrackedModel(name, rowWhere);
      result.passOver("unit-not-tracked", rowText(r));
      continue;
    }
    const clip = videoClipIn(r.cells[priceAt] ?? "");
    const ids = name.split(/\s+\/\s+/).map(modelIdOf);
    if (!price || price.kind === "none" || ids.some((id) => !id)) {
      result.problem(`"${name}": ${!price ? "no Price column" : ids.some((id) => !id) ? "not a model id" : "no price"}; not read`, rowWhere);
      result.passOver("untracked-model", rowText(r));
      continue;
    }
    let key: string | undefined;
    let usd = price.kind === "price" ? price.usd : undefined;
    if (clip) {
      key = `video_per_request:${clip.variant}`;
      usd = amountSegmentsIn(r.cells[priceAt]!.replace(/\\\$/g, "$"))[0]?.usd;
    } else if (price.kind === "price") {
      const resolution = resolutionAt >= 0 ? resolutionOf(r.cells[resolutionAt]!) : undefined;
      key = { "1M characters": "input_per_1m_characters", image: "image", hour: "transcription_per_hour" }[price.unit as string];
      if (price.unit === "second") key = resolution ? `video_per_second:${resolution}` : undefined;
    }
    if (!key || usd === undefined) {
      result.problem(`${name}: "${r.cells[priceAt]}" ${price.kind === "bad" ? price.reason : "is in a unit no key of this source holds"}; not read`, rowWhere);
      result.passOver("unit-not-tracked", rowText(r));
      continue;
    }
    for (const model of ids) result.observe({ model: model!, price: key, usd, unit: unitOf(key)!, evidence: rowText(r) }, rowWhere);
  }
}

/** Model / API | Material Type | Billing Rules: fees for what a video is made from, in prose. */
function readInputMaterials(result: ExtractionBuilder, t: MdxTable, where: string): void {
  for (const r of t.rows) {
    const [name, material = "", rules = ""] = r.cells;
    const model = modelIdOf(name!);
    const rowWhere = `${where}, row "${rowText(r)}"`;
    if (!/\$/.test(rules)) continue; // "Free": nothing billed, nothing read
    if (!model || !/^video$/i.test(material)) {
      result.passOver("unit-not-tracked", rowText(r)); // a fee per input image beyond a free allowance
      continue;
    }
    // "2K $0.13/sec, 768P $0.08/sec", "… from the original 768P task: $0.05 / second": each amount, the resolution before it.
    const text = rules.replace(/\\\$/g, "$");
    let from = 0;
    for (const segment of amountSegmentsIn(text)) {
      const resolution = /(\d{3,4}\s*p|\d\s*k)\b[^$]*$/i.exec(text.slice(from, segment.index))?.[1]?.replace(/\s/g, "").toLowerCase();
      const unit = billedUnitIn(`$${segment.written}${segment.tail}`);
      from = segment.index + 1;
      if (!resolution || unit?.unit !== "second" || segment.usd === undefined) {
        result.problem(`${name} input video: "$${segment.written}${segment.tail}" names no resolution or no per-second unit; not read`, rowWhere);
        continue;
      }
      result.observe({ model, price: `video_input_per_second:${resolution}`, usd: segment.usd, unit: "second", evidence: rowText(r) }, rowWhere);
    }
  }
}

/** ASR (an API name, not a model id: untracked) and Voice Management (products priced per voice). */
function readWithoutModelColumn(result: ExtractionBuilder, t: MdxTable, where: string): void {
  const priceAt = t.header.findIndex((h) => /^price$/i.test(h));
  for (const r of t.rows) {
    const price = priceAt >= 0 ? readCellPrice(r.cells[priceAt]!, r.markup?.[priceAt]) : undefined;
    if (price?.kind === "price") {
      result.untrackedModel(r.cells[0]!, `${where}, row "${rowText(r)}"`);
      result.passOver("untracked-model", rowText(r));
    } else result.passOver("not-a-model-price", rowText(r), NOT_A_MODEL);
  }
}

export const minimaxPricingSource: PricingSource = {
  id: SOURCE_ID,
  vendor: "minimax",
  url: PRICING_URL,
  format: "markdown",
  fetchWith: "http",
  extract(body: string, _format: PageFormat = "markdown") {
    return extractWith(SOURCE_ID, body, (result) => readMiniMaxPricing(result, body));
  },
};
