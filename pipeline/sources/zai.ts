import type { CheerioAPI } from "cheerio";
import type { Unit } from "../../schemas/price-key.ts";
import { cleanText, loadDocument } from "../extract/document.ts";
import { isNoPrice, parseMoneyCell } from "../extract/money.ts";
import { tokenDimensionIn } from "../extract/price-labels.ts";
import { saleIn } from "../extract/sale-price.ts";
import { type PageTable, readTables } from "../extract/tables.ts";
import { type BilledUnit, billedUnitIn, perUnit, restatedEquivalentIn, unitLineIn } from "../extract/units.ts";
import { type ExtractionBuilder, extractWith, type PricingSource } from "./source.ts";

/**
 * Z.ai's pricing page, https://docs.z.ai/guides/overview/pricing: a server-rendered Mintlify page (plain HTTP
 * GET, HTML; "All prices are in USD"). Under "Models", one `<h3>` and one plain `<table>` per kind of model:
 *
 * - Text Models, Vision Models: Model | Input | Cached Input | Cached Input Storage | Output, the unit stated
 *   once above the table (`<span data-as="p">Prices per 1M tokens.</span>`: `unitLineIn`). Cells: `$1.4`; a sale,
 *   `<del>$0.15</del> $0.075` (the struck list price is passed over, the price billed today read: `saleIn`);
 *   `-` or a lone `\` (GLM-OCR): no such price; `Free`: a model of all-Free cells is listed untracked, never $0.
 *   "Cached Input Storage" (`Limited-time Free`) is a storage fee no key holds: the column is not read.
 * - Image / Video Generation Models: Model | Price under "Prices per image." / "Prices per video." → `image`,
 *   `video_per_request` (one generated video).
 * - Audio Models: GLM-ASR-2512 "$0.03 / MTok (equivalent to approximately $0.0024/minute)": the cell's own
 *   unit; the per-minute figure restates it (`restatedEquivalentIn`) and is passed over. Keyed `audio_input`
 *   (audio tokens in; the page prices no output).
 * - Built-in Tools ("Web Search $0.01 / use") and Agents (products priced per MTok or per video): not models;
 *   passed over by rule.
 *
 * Model cells are display names ("GLM-5.3", "GLM-4.5-AirX"), never ids. The id is the page's own: the sidebar
 * links each model's guide, `<li data-title="GLM-5.3"><a href="/guides/llm/glm-5.3">`, whose last path part is
 * the id the API takes (the guides' code samples use it). A name the sidebar does not link is mapped through
 * models.dev's zai provider (its `name` field, exactly), else listed untracked: never by likeness.
 * There is no batch, tier or context-length price on this page.
 */

const SOURCE_ID = "zai-pricing";
const URL = "https://docs.z.ai/guides/overview/pricing";

/** models.dev (providers/zai, 2026-07-02): `name` → id, for the names the page's sidebar does not link. */
const MODELS_DEV_IDS: Readonly<Record<string, string>> = {
  "GLM-4.5-Air": "glm-4.5-air",
  "GLM-4.5-Flash": "glm-4.5-flash",
  "GLM-4.7-Flash": "glm-4.7-flash",
  "GLM-4.7-FlashX": "glm-4.7-flashx",
};

const GUIDE_LINK = /^\/guides\/(?:llm|vlm|image|video|audio)\/([a-z0-9][a-z0-9.-]*)$/;

type Column = "input" | "cached_input" | "output" | "price" | "storage";

export const zaiPricingSource: PricingSource = {
  id: SOURCE_ID,
  vendor: "zai",
  url: URL,
  format: "html",
  fetchWith: "http",
  extract: (body) => extractWith(SOURCE_ID, body, (result) => readZaiPricing(result, body)),
};

function readZaiPricing(result: ExtractionBuilder, body: string): void {
  const $ = loadDocument(body, "html");
  const ids = guideIds($);
  const tables = readTables($, { strikes: true });
  if (tables.length === 0) {
    result.fail("no price table on the page; the layout changed", "page");
    return;
  }
  for (const table of tables) {
    const section = cleanText((table.headings.at(-1) ?? "").replace(/\u200b/g, "")) || `table ${table.index + 1}`;
    const first = table.header[0] ?? "";
    if (/^tools?$/i.test(first)) {
      for (const r of table.rows) result.passOver("tool-fees", r.cells.join(" | "));
      continue;
    }
    if (/^agents?$/i.test(first)) {
      for (const r of table.rows) result.passOver("not-a-model-price", r.cells.join(" | "), "an agent product's fee (slides, translation, video templates), not a model's price");
      continue;
    }
    if (!/^models?$/i.test(first)) {
      result.problem(`a table whose first column is "${first}", not Model, Tool or Agent; not read`, section);
      continue;
    }
    readModelTable(result, table, section, ids);
  }
}

/** Display name → id, from the sidebar's links to each model's guide. */
function guideIds($: CheerioAPI): Map<string, string> {
  const ids = new Map<string, string>();
  $("li[data-title] > a[href]").each((_, a) => {
    const slug = GUIDE_LINK.exec($(a).attr("href") ?? "")?.[1];
    const title = cleanText($(a).parent().attr("data-title") ?? "");
    if (slug && title) ids.set(title, slug);
  });
  return ids;
}

function columnOf(header: string): Column | undefined {
  if (/storage/i.test(header)) return "storage";
  if (/^price$/i.test(header.trim())) return "price";
  const d = tokenDimensionIn(header);
  return d === "input" || d === "cached_input" || d === "output" ? d : undefined;
}

function readModelTable(result: ExtractionBuilder, table: PageTable, section: string, ids: Map<string, string>): void {
  const columns = table.header.map((h, i) => (i === 0 ? undefined : columnOf(h)));
  const unknown = table.header.filter((_, i) => i > 0 && columns[i] === undefined);
  if (unknown.length > 0) {
    result.problem(`columns not understood (${unknown.join(", ")}); the table is not read`, section);
    return;
  }
  const tableUnit = unitLineIn(table.preface);
  for (const row of table.rows) {
    const name = row.cells[0] ?? "";
    const where = `${section}, row "${name}"`;
    const evidence = row.cells.join(" | ").replace(/~~/g, "");
    const apiId = ids.get(name) ?? MODELS_DEV_IDS[name];
    if (ids.has(name) && MODELS_DEV_IDS[name] !== undefined && MODELS_DEV_IDS[name] !== ids.get(name)) {
      result.problem(`"${name}" is linked to ${ids.get(name)} but models.dev names ${MODELS_DEV_IDS[name]}; not read`, where);
      continue;
    }
    const figures: { column: Column; usd: number; unit: Unit; stated: string }[] = [];
    let free = 0;
    let priced = 0;
    for (let i = 1; i < row.cells.length; i++) {
      const column = columns[i]!;
      const text = row.cells[i]!;
      if (column === "storage") {
        result.passOver("unit-not-tracked", text, "context-cache storage, a fee no price key holds");
        continue;
      }
      if (isNoPrice(text)) continue;
      if (/^(?:limited[-\s]time\s+)?free\.?$/i.test(text)) {
        free++;
        continue;
      }
      priced++;
      const figure = readCell(result, text, tableUnit, `${where}, ${table.header[i]}`);
      if (figure) figures.push({ column, ...figure });
    }
    if (apiId === undefined) {
      // A name neither the page nor models.dev gives an id: listed, not guessed.
      result.untrackedModel(priced === 0 && free > 0 ? `${name} (free)` : name, where);
      for (const c of row.cells) result.passOver("untracked-model", c.replace(/~~/g, ""));
      continue;
    }
    const model = `zai/${apiId}`;
    if (free > 0) {
      if (priced === 0) result.untrackedModel(`${model} (free)`, where);
      else result.problem(`"Free" beside prices; the free side is not read as $0`, where);
      if (priced === 0) continue;
    }
    for (const f of figures) {
      const key = keyOf(f.column, f.unit, section);
      if (!key) {
        result.problem(`a ${f.column} price per ${f.unit} ("${f.stated}") in "${section}": no key holds it; not read`, where);
        result.passOver("unit-not-tracked", f.stated);
        continue;
      }
      result.observe({ model, price: key, usd: f.usd, unit: f.unit, evidence }, where);
      result.accountRead(f.stated);
    }
  }
}

/** One price cell: today's price (a sale's, not the struck list price) in its own unit or the table's. */
function readCell(result: ExtractionBuilder, cell: string, tableUnit: BilledUnit | undefined, where: string): { usd: number; unit: Unit; stated: string } | undefined {
  let text = cell;
  const sale = saleIn(cell);
  if (sale.kind === "unclear") {
    result.problem(`a sale cell that cannot be read surely: ${sale.reason} ("${sale.text}"); not read`, where);
    return undefined;
  }
  if (sale.kind === "sale") {
    if (sale.listUsd !== undefined) result.passOver("list-price", `$${sale.listUsd}`);
    text = `$${sale.usd} ${billedUnitIn(cell.replace(/~~[^~]*~~/g, " "))?.phrase ?? ""}`.trim();
  }
  const equivalent = restatedEquivalentIn(text);
  if (equivalent) {
    result.passOver("restated-in-another-unit", equivalent.equivalent);
    text = equivalent.main;
  }
  const money = parseMoneyCell(text);
  if (money.kind !== "usd") {
    result.problem(`the cell "${cell}" is not a price: ${money.kind === "unreadable" ? money.reason : "no amount"}`, where);
    return undefined;
  }
  const billed = billedUnitIn(text) ?? tableUnit;
  if (!billed) {
    result.problem(`the cell "${cell}" states no unit, and no line above its table does either; not read`, where);
    return undefined;
  }
  return { usd: perUnit(money.usd, billed), unit: billed.unit, stated: text };
}

/** The key of a figure by its column, unit and section: token sides, or one Price column by what the section sells. */
function keyOf(column: Column, unit: Unit, section: string): string | undefined {
  if (column !== "price") return unit === "1M tokens" ? column : undefined;
  if (unit === "image") return "image";
  if (unit === "request" && /\bvideo\b/i.test(section)) return "video_per_request";
  if (unit === "1M tokens" && /\baudio\b/i.test(section)) return "audio_input";
  return undefined;
}
