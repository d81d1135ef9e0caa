import type { Cheerio, CheerioAPI } from "cheerio";
import type { Element } from "domhandler";
import type { Unit } from "../../../schemas/price-key.ts";
import { cleanText, loadDocument } from "../../extract/document.ts";
import { isNoPrice, parseMoneyCell } from "../../extract/money.ts";
import { tokenDimensionIn } from "../../extract/price-labels.ts";
import { saleIn } from "../../extract/sale-price.ts";
import { billedUnitIn, perUnit } from "../../extract/units.ts";
import type { ExtractionBuilder } from "../source.ts";
import { freeListing, mistralModelId } from "./api-ids.ts";
import { RESERVED_NAMES } from "./model-index.ts";

/**
 * docs.mistral.ai/inference/pricing (what mistral.ai/pricing/api redirects to since about 2026-10-07): one
 * `<section>` per family (Flagship, Specialized, Third-party hosted, Code, Labs), each a caption ("Prices /M
 * Tokens", or "Prices as marked" when every cell states its own unit), toggles, and a server-rendered table
 * Model | Input | Cached input | Output. See index.ts for the account of the page and its traps; here:
 *
 * - Toggles. The currency group (USD / EUR) and the mode group (Standard / Batch / Priority) mark the
 *   figures rendered with `aria-pressed="true"`; only those are in the HTML (the others are computed by the
 *   page's scripts, and never here). USD pressed, or no currency group and `$` amounts, is read; anything
 *   else is a problem. Standard pressed → standard prices; Batch or Priority pressed → that tier's keys (the
 *   page's own rendered figures, never computed from a multiplier). The "Regional inference" checkbox
 *   checked means regional figures, which no key holds: the section is reported, not read.
 * - Model cell: a link `/models/<slug>`, the model's page. The page names no API id, so a price is keyed by
 *   that page, `mistral/<slug>`; `combine` gives it to the ids the model page names (`names`), never by
 *   the display name's likeness. A row without such a link is reported.
 * - Cells: `$0.5` (per the caption's unit), `$4 /1000 Pages`, `$0.003 /Min`, `$16 /M Chars` (the cell's own
 *   unit, scaled to one page / minute, per 1M characters), `—` (no such price), "Free" (never $0: a row all
 *   Free is listed untracked as `(free)`; a Free cell beside prices is reported), a sale cell (a list price
 *   struck through beside the price billed today: `extract/sale-price.ts`; today's price is read, the list
 *   price is kept in the evidence and passed over).
 * - Keys by unit and column: per 1M tokens `input` / `cached_input` / `output`; per page `ocr_per_page` /
 *   `cached_ocr_per_page`; per minute `transcription_per_minute` / `cached_transcription_per_minute` when
 *   the row bills nothing else (a transcription model), `audio_input_per_minute` when it also prices output
 *   tokens (a chat model taking audio in); per 1M characters `input_per_1m_characters` /
 *   `cached_input_per_1m_characters` / `output_per_1m_characters` (text-to-speech).
 * - $0. "Free" is never $0. A `$0 /M Chars` cell is a stated amount with its unit, in a row that bills
 *   another side (Voxtral TTS: text in $0, audio out $16 /M Chars): it is the price, and read as 0, so the
 *   day Mistral bills the text in, the catalog shows a change. A row whose every figure is $0 is reported.
 */

/** A priced row's link: which model page the prices are keyed by. */
export interface PricingRow {
  slug: string;
  name: string;
}

export type Side = "input" | "cached_input" | "output";
interface Cell {
  side: Side;
  text: string;
  html: string;
}

const SLUG = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/** Read every section's table into `result`; returns the linked model pages in page order. */
export function readDocsPricing(result: ExtractionBuilder, body: string): PricingRow[] {
  const $ = loadDocument(body, "html");
  const sections = $("section")
    .toArray()
    .filter((s) => $(s).find("table").length > 0);
  if (sections.length === 0) {
    result.fail(`no <section> with a price table (Model | Input | Cached input | Output) on the page; the layout changed`, "page");
    return [];
  }
  const rows: PricingRow[] = [];
  for (const s of sections) rows.push(...readSection(result, $, $(s)));
  if (rows.length === 0) result.fail(`no price table row links a model page (/models/<slug>); the layout changed`, "page");
  return rows;
}

/** The model pages the price tables link to (for the run to read them in the same pass). */
export function pricingPageSlugs(body: string): string[] {
  const $ = loadDocument(body, "html");
  const slugs: string[] = [];
  $("section table a[href^='/models/']").each((_, a) => {
    const slug = ($(a).attr("href") ?? "").slice("/models/".length).replace(/[?#].*$/, "").replace(/\/$/, "");
    if (SLUG.test(slug) && !RESERVED_NAMES.has(slug) && !slugs.includes(slug)) slugs.push(slug);
  });
  return slugs;
}

function pressed($: CheerioAPI, section: Cheerio<Element>, group: string): string[] | undefined {
  const g = section.find(`[role="group"][aria-label="${group}"]`);
  if (g.length === 0) return undefined;
  return g
    .find('button[aria-pressed="true"]')
    .toArray()
    .map((b) => cleanText($(b).text()));
}

function readSection(result: ExtractionBuilder, $: CheerioAPI, section: Cheerio<Element>): PricingRow[] {
  const title = cleanText(section.find("h2").first().text()) || section.attr("id") || "section";
  const where = `section "${title}"`;
  const caption = cleanText(
    section
      .find("span")
      .toArray()
      .map((s) => $(s).text())
      .find((t) => /^\s*prices\b/i.test(t)) ?? "",
  );
  const currency = pressed($, section, "Pricing currency");
  if (currency !== undefined && (currency.length !== 1 || currency[0]!.toUpperCase() !== "USD")) {
    result.problem(`the figures shown are in ${currency.join("/") || "no pressed currency"}, not USD; the section is not read`, where);
    return [];
  }
  const mode = pressed($, section, "Pricing mode");
  if (mode === undefined || mode.length !== 1 || !/^(?:standard|batch|priority)$/i.test(mode[0]!)) {
    result.problem(`which prices are shown (Standard, Batch or Priority) is not marked${mode ? ` (pressed: ${mode.join(", ") || "none"})` : ""}; the section is not read`, where);
    return [];
  }
  const tier = mode[0]!.toLowerCase() === "standard" ? "" : `${mode[0]!.toLowerCase()}/`;
  const regional = section.find('[role="checkbox"]').filter((_, b) => /regional/i.test($(b).parent().text()));
  if (regional.toArray().some((b) => $(b).attr("aria-checked") === "true")) {
    result.problem(`the figures shown are regional (the "Regional inference" toggle is on); no key holds them, the section is not read`, where);
    for (const t of section.find("table").toArray()) result.passOver("unit-not-tracked", $(t).text(), "regional figures (the Regional inference toggle is on), which no key holds");
    return [];
  }
  const captionUnit = billedUnitIn(caption);

  const rows: PricingRow[] = [];
  for (const table of section.find("table").toArray()) {
    const header = $(table)
      .find("thead th, thead td")
      .toArray()
      .map((th) => cleanText($(th).text()));
    const sides: (Side | "model" | undefined)[] = header.map((h, i) => (i === 0 && /^model$/i.test(h) ? "model" : sideOf(h)));
    if (sides[0] !== "model" || sides.slice(1).some((s) => s === undefined || s === "model")) {
      result.problem(`the table's columns (${header.join(" | ")}) are not Model | Input | Cached input | Output; not read`, where);
      continue;
    }
    for (const tr of $(table).find("tbody tr").toArray()) {
      const tds = $(tr).children("td").toArray();
      const link = $(tds[0]).find("a[href^='/models/']").first();
      const name = cleanText($(tds[0]).text().replace(/↗/g, ""));
      const rowWhere = `${where}, row "${name}"`;
      const slug = (link.attr("href") ?? "").slice("/models/".length).replace(/[?#].*$/, "").replace(/\/$/, "");
      const modelId = SLUG.test(slug) && !RESERVED_NAMES.has(slug) ? mistralModelId(slug) : undefined;
      const cells: Cell[] = tds.slice(1).map((td, i) => ({ side: sides[i + 1] as Side, text: cleanText($(td).text()), html: $(td).html() ?? "" }));
      // The row as written (`Mistral Large 3 ↗ | $0.5 | $0.05 | $1.5`): a reviewer, and the screenshot, find it by that.
      const rowText = tds.map((td) => cleanText($(td).text())).join(" | ");
      if (!modelId) {
        result.problem(`the row links no model page (/models/<slug>); whose prices these are is not stated`, rowWhere);
        result.untrackedModel(name, rowWhere);
        for (const c of cells) result.passOver("untracked-model", c.text);
        continue;
      }
      rows.push({ slug, name });
      readRow(result, modelId, rowText, cells, tier, captionUnit?.unit === "1M tokens" ? captionUnit : undefined, rowWhere);
    }
  }
  return rows;
}

function sideOf(header: string): Side | undefined {
  const d = tokenDimensionIn(header);
  return d === "input" || d === "cached_input" || d === "output" ? d : undefined;
}

interface Figure {
  side: Side;
  usd: number;
  unit: Unit;
  stated: string;
  evidence: string;
  listText?: string;
}

function readRow(
  result: ExtractionBuilder,
  modelId: string,
  rowText: string,
  cells: Cell[],
  tier: string,
  captionUnit: ReturnType<typeof billedUnitIn>,
  where: string,
): void {
  const figures: Figure[] = [];
  const free: Cell[] = [];
  for (const cell of cells) {
    const at = `${where}, ${cell.side.replace("_", " ")}`;
    if (isNoPrice(cell.text)) continue;
    if (/^free\.?$/i.test(cell.text)) {
      free.push(cell);
      continue;
    }
    let text = cell.text;
    let evidence = cell.text;
    let listText: string | undefined;
    const sale = saleIn(cell.html);
    if (sale.kind === "unclear") {
      result.problem(`a sale cell that cannot be read surely: ${sale.reason} ("${sale.text}"); not read`, at);
      continue;
    }
    if (sale.kind === "sale") {
      // Today's price is the sale price; the list price stays in the evidence, never as today's price.
      text = sale.text.replace(/~~[^~]*~~/g, " ").replace(/\b(?:original|regular|list|sale)\s+price\s*:?/gi, " ");
      if (sale.listUsd !== undefined) listText = `$${sale.listUsd}`;
      evidence = `${cell.side.replace("_", " ")}: ${sale.listUsd !== undefined ? `list price $${sale.listUsd}, billed today $${sale.usd}` : `${sale.badge}, billed today $${sale.usd}`}`;
      text = `$${sale.usd} ${billedUnitIn(text)?.phrase ?? ""}`;
    }
    const money = parseMoneyCell(text);
    if (money.kind !== "usd") {
      result.problem(`the cell "${cell.text}" is not a price: ${money.kind === "unreadable" ? money.reason : "no amount"}`, at);
      continue;
    }
    const billed = billedUnitIn(text) ?? captionUnit;
    if (!billed) {
      result.problem(`the cell "${cell.text}" states no unit, and its section's caption none either; not read`, at);
      continue;
    }
    figures.push({ side: cell.side, usd: perUnit(money.usd, billed), unit: billed.unit, stated: text, evidence, ...(listText ? { listText } : {}) });
  }

  if (free.length > 0) {
    if (figures.length === 0) {
      // Not $0: a free model has no price to track, and $0 would read as one.
      result.untrackedModel(freeListing(modelId), where);
      return;
    }
    result.problem(`"Free" beside prices (${figures.map((f) => `$${f.usd} per ${f.unit}`).join(", ")}); the free side is not read as $0`, where);
  }
  if (figures.length > 0 && figures.every((f) => f.usd === 0)) {
    result.problem(`every figure of the row is $0 and the row does not say it is free; none is read`, where);
    for (const f of figures) result.accountRead(f.stated);
    return;
  }

  const billsOutputTokens = figures.some((f) => f.side === "output" && f.unit === "1M tokens");
  for (const f of figures) {
    const key = mistralPriceKey(f.side, f.unit, billsOutputTokens);
    if (!key) {
      result.problem(`a ${f.side.replace("_", " ")} price per ${f.unit} ("${f.stated}"): no key holds it; not read`, where);
      result.passOver("unit-not-tracked", f.stated);
      continue;
    }
    // The row as written; a sale cell adds what was struck and what is billed.
    const evidence = f.evidence === f.stated ? rowText : `${rowText} (${f.evidence})`;
    result.observe({ model: modelId, price: `${tier}${key}`, usd: f.usd, unit: f.unit, evidence }, where);
    result.accountRead(f.stated); // "$4 /1000 Pages" is read as 0.004 per page
    if (f.listText) result.passOver("list-price", f.listText);
  }
}

/**
 * The key of one Mistral figure, by the side it bills and its unit (see the top of this file); `variant`
 * names a kind of page ("annotated"). Shared with the model pages, which state the same figures.
 */
export function mistralPriceKey(side: Side, unit: Unit, billsOutputTokens: boolean, variant?: string): string | undefined {
  const cached = side === "cached_input" ? "cached_" : "";
  const v = variant ? `:${variant}` : "";
  switch (unit) {
    case "1M tokens":
      return variant ? undefined : side;
    case "page":
      return side === "output" ? undefined : `${cached}ocr_per_page${v}`;
    case "minute":
      if (side === "output" || variant) return undefined;
      return billsOutputTokens ? `${cached}audio_input_per_minute` : `${cached}transcription_per_minute`;
    case "1M characters":
      if (variant) return undefined;
      return side === "output" ? "output_per_1m_characters" : `${cached}input_per_1m_characters`;
    default:
      return undefined;
  }
}
