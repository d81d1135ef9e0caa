import type { ModelEntry } from "../../schemas/model-entry.ts";
import { contextConditionIn, contextLengthIn, thresholdAboveIn } from "../extract/context-conditions.ts";
import { cleanText, loadDocument, type PageFormat } from "../extract/document.ts";
import { type FlowItem, readFlow } from "../extract/flow.ts";
import { isNoPrice, parseMoneyCell, readPriceCell } from "../extract/money.ts";
import { multipliersIn } from "../extract/multipliers.ts";
import { type BilledUnit, billedUnitIn, perUnit } from "../extract/units.ts";
import { perUnitDimension, type Unit } from "../../schemas/price-key.ts";
import { TIER_NAMES, type TierOrStandard, tierLabel, tierNamedIn, tokenDimensionIn } from "../extract/price-labels.ts";
import { type PageTable, readTables, type TableRow } from "../extract/tables.ts";
import { type ExtractionBuilder, extractWith, type PricingSource, type SourceDocument } from "./source.ts";

/**
 * OpenAI's model pages: developers.openai.com/api/docs/models/<api-id>.md, one per covered catalog entry.
 * In 2026 the pricing page prices image models only per token; the per-image prices (quality × size) are on
 * each model's own page, which is why this source reads one document per model.
 *
 * - The 2026 markdown page names its model (`Model ID: \`gpt-image-1-mini\``; the `# title` is often a
 *   display name such as "DALL·E 3" or "Daybreak Blue", so it counts only when it is the id itself) and
 *   prices it under `## Pricing`, one table per `###` section, each `| Metric | Price | Unit |`:
 *     `### Text tokens`      Input / Cached input / Output (/ Cache writes) → input, cached_input, output, cache_write
 *     `### Image tokens`     Input / Cached input / Output               → image_input, image_cached_input, image_output
 *     `### Image generation` one table per quality: first row `| Quality | Low | image |`, then one row per size
 *                            (`| 1024x1024 | $0.005 | image |`)            → image:<quality>:<W>x<H> per image
 *   The Unit column is checked on every row (1M tokens, image; 1K tokens is scaled). A table is the Standard
 *   tier unless a tab label or its heading names another ("Batch" above it → batch/…); two tables of the same
 *   prices that nothing tells apart are not read. A Quality-less size row, a size priced twice in one block,
 *   a quality word this source does not know, a table of another shape or a price anywhere else in the
 *   Pricing section is a problem. `### Audio tokens` is read like image tokens (audio_input…). A table of
 *   prices per minute, second, hour or 1M characters under a heading that names what it prices
 *   ("Transcription", "Translation", "Video") is read as `<what>_per_<unit>`; tools' fees are passed over
 *   ("tool-fees"); anything else is left to the accounting, which reports every amount nobody read.
 *   The "Quick comparison" table below prices other models too (GPT-5.5 and GPT-5.4 on gpt-5.6-cyber's
 *   page, DALL·E 2 on dall-e-3's): their rows are passed over ("other-models"), never read. Prose such as
 *   "Prompts with >272K input tokens are priced at 2x input and 1.5x output" or "Cache writes are billed
 *   at 1.25x" states multipliers (extract/multipliers.ts): recorded as over_272k:input 2, over_272k:output
 *   1.5, cache_write 1.25 for the page's model, never turned into prices. A per-image table in the
 *   pricing page's shape (`| Quality | 1024x1024 | … |`, one row per quality) is read too, when a "Per
 *   image" line states its unit.
 * - A page without a Pricing section (gpt-image-2 points to the pricing page; daybreak-blue-latest,
 *   gpt-oss-120b) states no price: ok, with no observation.
 * - The 2025 platform page saved as copied text, one value a line: the breadcrumb ("Models" / the id), a
 *   summary ("Price" / "$2" / "•" / "$8" …, not read: it repeats the token prices), then "Text tokens" /
 *   "Per 1M tokens" / "Input" / "$2.00" …, and per quality "Image generation" / "Per image" / "Quality" /
 *   "Low" / "1024x1024" / "$0.005" …. A price counts only right after its label, in a section with a unit;
 *   an amount anywhere else (a bare line, prose such as "Low quality: $0.004 per image") is a problem, so
 *   such a page is never taken for one that states no price.
 * - The mirror's conversion of a page priced per minute (gpt-transcribe, ≈2026-08): bare label/value lines,
 *   no heading, no Model ID line. "Transcription audio duration" / "Per minute" / "Price" / "$0.0045" is
 *   `transcription_per_minute`; the same $0.0045 in the "Compare" strip above it has no unit and is not
 *   read. The page says pricing is token-based but states no token price: none is made up. It names its
 *   model only by the mirror's `<!-- source: …/models/gpt-transcribe -->` line, or, without it, by the
 *   document the run fetched (never by the likeness of "GPT Transcribe" to an id).
 * - A mirror's HTML→markdown conversion of the same page (chatgpt-image-latest, 2026-07) in that line
 *   layout, but with labels lost: its token prices are bare amounts, and its second per-image block has no
 *   quality name. Bare amounts are reported, never assigned by their order; a block without its quality is
 *   a problem and nothing of it is read. The blocks that still name their quality ("Quality" / "Low", each
 *   after its own "Per image") are read: their prices are tied to their label within their own block, and
 *   no other block could be the one that lost a label.
 *
 * Past ~300 lines: the two layouts (tables, and copied text one value a line) share their per-image,
 * per-unit and multiplier readings, which keeps one page's rules in one file.
 *
 * The page must be for the model asked for: a page naming another model (a redirect to a sibling, a wrong
 * page) fails, as does one that does not name its model.
 */

const SOURCE_ID = "openai-models";
const PAGES_URL = "https://developers.openai.com/api/docs/models";

/** An API id that is also a file-name stem: `gpt-image-1.5`, `chatgpt-image-latest` (no `/`, `:`, `..`, capitals). */
const DOCUMENT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** An id-shaped title or breadcrumb line: lower case, with a digit or a dash (not "overview", not "docs"). */
const API_ID = /^(?=.*[0-9-])[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** The model page of one API id, as a document of this source. */
export function modelPageDocument(apiId: string): SourceDocument {
  if (!DOCUMENT_NAME.test(apiId)) {
    throw new Error(
      `${SOURCE_ID}: "${apiId}" cannot name a model page document (expected a lower-case API id such as gpt-image-1.5)`,
    );
  }
  return { name: apiId, url: `${PAGES_URL}/${apiId}.md`, format: "markdown", fetchWith: "http" };
}

function documentsFor(covered: readonly ModelEntry[]): SourceDocument[] {
  const names = covered.map((entry) => {
    const m = /^openai\/(.+)$/.exec(entry.id);
    if (!m) throw new Error(`${SOURCE_ID} reads OpenAI model pages only; "${entry.id}" is not an openai/ entry`);
    return m[1]!;
  });
  return [...new Set(names)].map(modelPageDocument);
}

// ---------------------------------------------------------------------------------------------------------
// Which model the page is for

/** `DALL·E 3` → `dall-e-3`, `GPT Image 2` → `gpt-image-2`: only to confirm a title against the id asked for. */
function displayKey(name: string): string {
  return cleanText(name)
    .toLowerCase()
    .replace(/[·•‧∙⋅・\s]+/g, "-");
}

type PageModel = { id: string } | { error: string };

/** The mirror's first line, `<!-- source: https://developers.openai.com/api/docs/models/gpt-transcribe -->`: the page's own URL. */
const MIRROR_SOURCE = /^\s*<!--\s*source:\s*https:\/\/developers\.openai\.com\/api\/docs\/models\/([^\s/]+?)(?:\.md)?\s*-->/;

/**
 * The model the page names: its `Model ID:` line; else the mirror's `<!-- source: …/models/<id> -->` line (the
 * URL it was saved from); else an id-shaped first line (the `# title`, or the mirror's title as text) or the
 * breadcrumb of the 2025 copied text ("Models" / "gpt-image-1-mini"); a display-name `# title` only confirms
 * the document asked for. A mirror page that names its model in none of these ways ("Models" / "GPT
 * Transcribe": a display name as text, no `# title`) is the page of the document the run fetched, and of no
 * other: read on its own, it names no model and fails. A model is never told by the likeness of its name.
 */
function pageModel(body: string, flow: readonly FlowItem[], document: SourceDocument | undefined): PageModel {
  const texts = flow.flatMap((item) => (item.kind === "table" ? [] : [item.text]));
  const modelIdLine = texts.find((t) => /^Model ID\s*:/i.test(t));
  if (modelIdLine !== undefined) {
    const m = /^Model ID\s*:\s*`?([^\s`]+)`?$/i.exec(modelIdLine);
    if (!m || !DOCUMENT_NAME.test(m[1]!)) return { error: `its Model ID line ${quote(modelIdLine)} does not give one API id` };
    return { id: m[1]! };
  }
  const named = new Set<string>();
  const source = MIRROR_SOURCE.exec(body)?.[1];
  if (source !== undefined) {
    if (!DOCUMENT_NAME.test(source)) return { error: `its source line names ${quote(source)}, which is not one API id` };
    named.add(source);
  }
  const first = texts[0];
  if (first !== undefined && API_ID.test(first)) named.add(first);
  const models = texts.slice(0, 12).findIndex((t) => /^models$/i.test(t));
  if (models >= 0) for (const t of texts.slice(models + 1, models + 3)) if (API_ID.test(t)) named.add(t);
  if (named.size > 1) return { error: `it names more than one model (${[...named].join(", ")})` };
  const [id] = named;
  if (id) return { id };
  const title = flow.find((item) => item.kind === "heading" && item.level === 1);
  if (document && title?.kind === "heading" && displayKey(title.text) === document.name) return { id: document.name };
  // The mirror's layout: a "Models" breadcrumb line near the top and no `# title`. The run knows whose page it fetched.
  if (document && !title && models >= 0) return { id: document.name };
  return { error: "it does not name its model (no Model ID line, no id-shaped title)" };
}

// ---------------------------------------------------------------------------------------------------------
// Sections, units, keys

type SectionKind = "text_tokens" | "image_tokens" | "audio_tokens" | "image_generation" | "not_read";

/** Sections of prices this source does not read (see the module comment). */
const NOT_READ =
  /\b(?:audio|video|speech|transcri\w*|realtime|tools?|tool calls?|web search|file search|fine-?tun\w*|training|sessions?)\b/i;

function headingText(text: string): string {
  return cleanText(text.replace(/[\u200b-\u200d\ufeff]/g, "")).replace(/^[#¶\s]+|[#¶:\s]+$/g, "");
}

function sectionKind(heading: string): SectionKind | undefined {
  const h = headingText(heading).toLowerCase();
  if (/^text tokens\b/.test(h)) return "text_tokens";
  if (/^image tokens\b/.test(h)) return "image_tokens";
  if (/^audio tokens\b/.test(h)) return "audio_tokens";
  if (/^image generation\b/.test(h)) return "image_generation";
  if (NOT_READ.test(h)) return "not_read";
  return undefined;
}

const SECTION_TITLES: Record<Exclude<SectionKind, "not_read">, string> = {
  text_tokens: "Text tokens",
  image_tokens: "Image tokens",
  audio_tokens: "Audio tokens",
  image_generation: "Image generation",
};

/** Units a price key cannot carry: such prices are passed over, not reported. */
const UNEXPRESSIBLE_UNIT =
  /^(?:1\s?[km]\s+|1,000(?:,000)?\s+)?(?:seconds?|minutes?|hours?|days?|characters?|chars?|calls?|requests?|queries|pages?|sessions?|gb(?:[- ]days?)?|containers?)\b/i;

/** Prose whose every amount is per second, per minute, per 1K calls …: prices no key can carry. */
function unexpressibleProse(text: string): boolean {
  const amounts = [...text.matchAll(/(?:\\?\$|€|£)\s?[0-9][0-9,]*(?:\.[0-9]+)?\s*(?:(?:\/|\bper\b)\s*(\S[^,;.]*))?/gi)];
  return amounts.length > 0 && amounts.every((m) => m[1] !== undefined && UNEXPRESSIBLE_UNIT.test(m[1]));
}

type Amount = { kind: "usd"; usd: number } | { kind: "none" } | { kind: "not_expressible" } | { kind: "bad"; reason: string };

/**
 * A price as the page gives it, with the unit its Unit column or its "Per …" line states: `$2` + `1M tokens`,
 * `$0.005` + `image`. A price with no unit, in a unit this source does not know, or in the wrong one for
 * its section is a problem; "Free" is never $0.
 */
function readAmount(price: string, unit: string, expected: "1M tokens" | "image"): Amount {
  const u = unitText(unit);
  if (isNoPrice(price)) return { kind: "none" };
  if (u !== "" && UNEXPRESSIBLE_UNIT.test(u)) return { kind: "not_expressible" };
  const ownUnit = /(?:\/|\bper\b)/i.test(price);
  if (u === "" && !ownUnit) return { kind: "bad", reason: `"${price}" states no unit` };
  if (u !== "" && ownUnit) return { kind: "bad", reason: `"${price}" states its own unit beside the unit "${unit}"` };
  const cell = readPriceCell(u === "" ? price : `${price} / ${u}`, expected);
  switch (cell.kind) {
    case "usd":
      return cell;
    case "none":
      return cell;
    case "free":
      return { kind: "bad", reason: `"${cell.text}" is not a price in USD` };
    case "bad":
      return { kind: "bad", reason: `${cell.reason} (unit "${unit}")` };
  }
}

type TokenSection = "text_tokens" | "image_tokens" | "audio_tokens";

/** A token price's key: `input`, `batch/cached_input`, `image_output`; undefined when the grammar has none. */
function tokenKey(section: TokenSection, label: string, tier: TierOrStandard): string | undefined {
  const dimension = tokenDimensionIn(label);
  if (!dimension) return undefined;
  const prefix = tier === "standard" ? "" : `${tier}/`;
  if (section === "text_tokens") return `${prefix}${dimension}`;
  const kind = section === "image_tokens" ? "image" : "audio";
  // Image- and audio-token cache writes have no price key: passed over like any price the grammar cannot express.
  return ["input", "cached_input", "output"].includes(dimension) ? `${prefix}${kind}_${dimension}` : undefined;
}

/** "Input (>272K context)", "Long context input": a price above a context threshold, not the plain key's. */
function aboveContextThreshold(label: string): boolean {
  return contextConditionIn(label).condition?.kind === "over" || contextLengthIn(label)?.condition.kind === "over";
}

/** The qualities the price-key grammar orders (`schemas/price-key.ts`); any other word is reported. */
const QUALITIES = new Set(["low", "medium", "high", "standard", "hd"]);
const SIZE = /^(\d{2,5})\s*[x×]\s*(\d{2,5})$/;

function sizeOf(text: string): string | undefined {
  const m = SIZE.exec(cleanText(text));
  return m ? `${m[1]}x${m[2]}` : undefined;
}

const AMOUNT_IN = /(?:\\?\$|€|£)\s?[0-9]/;
/** A line that is one amount and nothing else but a unit: `$0.005`, `$2.00 / 1M tokens`. */
const LONE_AMOUNT = /^(?:\\?\$|€|£)\s?[0-9][0-9,]*(?:\.[0-9]+)?(?:\s*(?:\/|per\b)\s*\S.*)?$/i;

/** The model card's one-line summary of its token prices: `$5•$10`. */
const SUMMARY_LINE = /^(?:\$\s?[0-9][0-9,.]*\s*[•·]\s*)+\$\s?[0-9][0-9,.]*$/;

function quote(text: string, max = 60): string {
  const t = cleanText(text);
  return `"${t.length > max ? `${t.slice(0, max - 1)}…` : t}"`;
}

/** One price found on the page, kept until its block or table is known to be sound. */
interface Found {
  key: string;
  usd: number;
  unit: Unit;
  evidence: string;
  where: string;
}

/** What a reading of either layout hands back to be observed. */
class PageReading {
  constructor(
    readonly result: ExtractionBuilder,
    readonly model: string,
    readonly document: SourceDocument | undefined,
  ) {}

  observe(found: Found): void {
    this.result.observe(
      {
        model: this.model,
        price: found.key,
        usd: found.usd,
        unit: found.unit,
        evidence: found.evidence,
        ...(this.document ? { document: this.document.url } : {}),
      },
      found.where,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// Prices per minute, second, hour, 1M characters; tools; multipliers in prose; other models

/**
 * The `<what>` of a `<what>_per_<unit>` key, from the title over the price ("Transcription audio duration",
 * "Live translation", "Video generation"); undefined when the title names nothing this source has a word for.
 */
export function perUnitWhat(title: string): string | undefined {
  const t = cleanText(title).toLowerCase();
  if (/\btranslat\w*/.test(t)) return "translation";
  if (/\btranscri\w*/.test(t)) return "transcription";
  if (/\bvideo\b/.test(t)) return "video";
  return undefined;
}

/** Tools, storage and containers: fees the catalog does not track as a model's price. */
const TOOL_WORDS = /\b(?:tools?|tool calls?|web search|file search|search(?:es)?|calls?|containers?|storage|code interpreter|sessions?)\b/i;

/**
 * A sentence in the Pricing section that prices by a multiplier: ">272K input tokens are priced at 2x input
 * and 1.5x output" → over_272k:input 2, over_272k:output 1.5; "Cache writes are billed at 1.25x" →
 * cache_write 1.25; "Batch: 50% off" → batch 0.5. Recorded for the page's model, never turned into prices; a
 * factor whose subject cannot be named is a problem.
 */
function readMultipliers(reading: PageReading, sentence: string, where: string): void {
  const stated = multipliersIn(sentence);
  if (stated.length === 0) return;
  const over = thresholdAboveIn(sentence);
  const tier = tierNamedIn(sentence);
  const cacheWrite = /\bcache\s+writes?\b/i.test(sentence);
  for (const m of stated) {
    let name: string | undefined;
    if (over?.kind === "over" && m.dimension) name = `${over.key}:${m.dimension}`;
    else if (!over && cacheWrite && !tier) name = "cache_write";
    else if (!over && !cacheWrite && tier && tier !== "fast") name = tier;
    else if (!over && !cacheWrite && /\boff[- ]peak\b/i.test(sentence)) name = "off_peak";
    if (!name) {
      reading.result.problem(`a multiplier (${m.phrase}) whose subject cannot be told: ${quote(sentence, 120)}; not read`, where);
      continue;
    }
    reading.result.multiplier(
      { model: reading.model, name, factor: m.factor, sentence: cleanText(sentence), ...(reading.document ? { document: reading.document.url } : {}) },
      where,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// The 2026 markdown page: `## Pricing`, `###` sections, one table each

interface TableInContext {
  table: PageTable;
  /** The `###` (or `##`) heading right above it. */
  heading: string | undefined;
  kind: SectionKind | undefined;
  inPricing: boolean;
  /** Lines between that heading (or the table before) and this table: tab labels such as "Batch". */
  preface: string[];
  /** Which heading's section it is in (0 before any): tables of one section may share a tab bar. */
  section: number;
}

function isPricingHeading(text: string): boolean {
  return /^pricing$/i.test(headingText(text));
}

/** The markdown page's layout: a Pricing heading or a heading of prices this source reads. */
function hasPricingHeadings(flow: readonly FlowItem[]): boolean {
  return flow.some((item) => {
    if (item.kind !== "heading") return false;
    const kind = sectionKind(item.text);
    return isPricingHeading(item.text) || (kind !== undefined && kind !== "not_read");
  });
}

function readTablePage(reading: PageReading, flow: readonly FlowItem[], tables: readonly PageTable[]): void {
  const { result } = reading;
  const placed: TableInContext[] = [];
  const emptySections: string[] = [];
  let pricingLevel: number | undefined;
  let inPricing = false;
  let heading: { text: string; kind: SectionKind | undefined; tables: number } | undefined;
  let preface: string[] = [];
  let section = 0;
  const closeSection = () => {
    if (heading?.kind && heading.kind !== "not_read" && heading.tables === 0) emptySections.push(heading.text);
  };
  for (const item of flow) {
    if (item.kind === "heading") {
      closeSection();
      if (isPricingHeading(item.text)) pricingLevel = item.level;
      else if (pricingLevel !== undefined && item.level <= pricingLevel) pricingLevel = undefined;
      inPricing = pricingLevel !== undefined;
      heading = { text: headingText(item.text), kind: sectionKind(item.text), tables: 0 };
      preface = [];
      section++;
    } else if (item.kind === "line") {
      // Prose in a section not read ("Audio tokens") may quote its prices; anywhere else in Pricing it is a price not read.
      const priced = heading?.kind !== undefined && heading.kind !== "not_read";
      const at = `text under "${heading?.text ?? "Pricing"}"`;
      if (inPricing || heading?.kind !== undefined) readMultipliers(reading, item.text, at);
      // "Web search tool calls cost $10 per 1K calls": a tool's fee, passed over by name.
      if ((inPricing || heading?.kind !== undefined) && AMOUNT_IN.test(item.text) && unexpressibleProse(item.text) && TOOL_WORDS.test(item.text)) {
        result.passOver("tool-fees", item.text);
      } else if ((inPricing || priced) && heading?.kind !== "not_read" && AMOUNT_IN.test(item.text) && !unexpressibleProse(item.text)) {
        result.problem(
          `a price outside any table, not read: ${quote(item.text, 120)}`,
          `text under "${heading?.text ?? "Pricing"}"`,
        );
      }
      preface.push(item.text);
    } else {
      const table = tables[item.index];
      if (table) placed.push({ table, heading: heading?.text, kind: heading?.kind, inPricing, preface, section });
      if (heading) heading.tables++;
      preface = [];
    }
  }
  closeSection();
  for (const text of emptySections) result.problem(`the "${text}" heading has no table under it; not read`, `heading "${text}"`);

  const tokenTables: { placed: TableInContext; tier: TierOrStandard }[] = [];
  const imageTables: { placed: TableInContext; tier: TierOrStandard }[] = [];
  // Sections where a table sat under two tier labels (a tab bar "Standard" / "Batch" over its tables).
  const tabBars = new Set<number>();
  for (const p of placed) {
    const where = whereTable(p);
    if (p.kind === "not_read") {
      readOtherUnitTable(reading, p);
      continue;
    }
    if (p.kind === undefined) {
      if (!p.inPricing && /\bcompar/i.test(p.heading ?? "")) passOverOtherModels(reading, p);
      // Outside Pricing: comparisons with other models, endpoints, rate limits. Inside: a section not known.
      if (p.inPricing && tableHasPrices(p.table)) {
        result.problem(
          `a table of prices under "${p.heading ?? "Pricing"}", which this source does not know; not read (header ${JSON.stringify(p.table.header)})`,
          where,
        );
      }
      continue;
    }
    const tier = tableTier(reading, p);
    if (tier === undefined) {
      tabBars.add(p.section);
      continue;
    }
    if (tabBars.has(p.section) && !p.preface.some((line) => tierLabel(line))) {
      // The next table under that tab bar: which tab it belongs to is no more known than the first's.
      reading.result.problem(`a table after one labelled with two tiers, with no label of its own: which tier it is cannot be told; not read`, whereTable(p));
      continue;
    }
    (p.kind === "image_generation" ? imageTables : tokenTables).push({ placed: p, tier });
  }

  // Two tables of the same token prices and tier, not told apart by any label: which is the price is not known.
  const groups = new Map<string, TableInContext[]>();
  for (const { placed: p, tier } of tokenTables) {
    const key = `${p.kind}|${tier}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  for (const { placed: p, tier } of tokenTables) {
    const group = groups.get(`${p.kind}|${tier}`)!;
    if (group.length > 1) {
      result.problem(
        `${group.length} tables of ${SECTION_TITLES[p.kind as "text_tokens"]} (${TIER_NAMES[tier]}) that no label tells apart; not read`,
        whereTable(p),
      );
      continue;
    }
    readTokenTable(reading, p, p.kind as TokenSection, tier);
  }

  const blocks: QualityBlock[] = imageTables.flatMap(({ placed: p, tier }) => imageBlocksOf(reading, p, tier));
  observeBlocks(reading, blocks);
}

function whereTable(p: TableInContext): string {
  return `table ${p.table.index}${p.heading ? ` under "${p.heading}"` : ""}`;
}

/**
 * "Quick comparison" below the Pricing section: a row per model, this page's and others' (GPT-5.5 and
 * GPT-5.4 on gpt-5.6-cyber's page, DALL·E 2 on dall-e-3's). Other models' rows are passed over by name
 * ("other-models"), never read or given to this page's model; this model's own row is left to be matched
 * by the prices read from its Pricing tables (an amount there that no table gave is reported).
 */
function passOverOtherModels(reading: PageReading, p: TableInContext): void {
  const own = reading.model.replace(/^openai\//, "");
  const others = p.table.rows.filter((row) => {
    const name = cleanText(row.cells[0] ?? "");
    return name !== own && displayKey(name) !== own;
  });
  const names = others.map((row) => cleanText(row.cells[0] ?? "")).join(", ");
  for (const row of others) reading.result.passOver("other-models", row.cells.join(" | "), `"${p.heading}" prices other models (${names})`);
}

/**
 * A table under a section this source does not read as tokens or images: tools (passed over as
 * "tool-fees"), or prices per minute, second, hour or 1M characters (`| Per minute | $0.006 | minute |`,
 * `| 720x1280 | $0.10 | second |`) → `<what>_per_<unit>[:<size>]`, `<what>` from the heading
 * ("Transcription" → transcription). A row that cannot be named so is left for the accounting to report.
 */
function readOtherUnitTable(reading: PageReading, p: TableInContext): void {
  const { result } = reading;
  const heading = p.heading ?? "";
  if (TOOL_WORDS.test(heading)) {
    for (const row of p.table.rows) result.passOver("tool-fees", row.cells.join(" | "));
    return;
  }
  const columns = longColumns(p.table.header);
  const what = perUnitWhat(heading);
  p.table.rows.forEach((row, r) => {
    const at = `${whereTable(p)}, row ${r + 1}`;
    if (!columns) return;
    const label = cleanText(row.cells[columns.label] ?? "");
    const price = row.cells[columns.price] ?? "";
    if (!AMOUNT_IN.test(price)) return;
    const unit = columns.unit === undefined ? "" : unitText(row.cells[columns.unit] ?? "");
    const billed = billedUnitIn(unit === "" ? price : `per ${unit}`);
    if (!billed || billed.unit === "1M tokens" || billed.unit === "image") return; // audio tokens and the like: reported by the accounting
    const size = sizeOf(label) ?? (/^\d{3,4}p$/i.test(label) ? label.toLowerCase() : undefined);
    const plain = /^(?:price|cost|rate|per\s.+)$/i.test(label);
    const key = what && (size || plain) ? perUnitDimension(what, billed.unit, size) : undefined;
    const money = parseMoneyCell(price);
    if (!key || money.kind !== "usd") {
      result.problem(`the row "${cellsText(row)}" prices per ${billed.unit} under "${heading}", which this source cannot name as a price; not read`, at);
      return;
    }
    const usd = perUnit(money.usd, billed);
    if (usd !== money.usd) result.accountRead(price); // "$10 / 1K calls" stored per call
    reading.observe({ key, usd, unit: billed.unit, evidence: `${heading} › ${cellsText(row)}`, where: at });
  });
}

/** Whether a table holds a price a key could carry (per second, per minute … do not count). */
function tableHasPrices(table: PageTable): boolean {
  const unit = longColumns(table.header)?.unit;
  return table.rows.some(
    (row) => row.cells.some((c) => AMOUNT_IN.test(c)) && !(unit !== undefined && UNEXPRESSIBLE_UNIT.test(unitText(row.cells[unit] ?? ""))),
  );
}

/** A Unit cell or a "Per …" line without its "per": `1M tokens`, `image`, `minute`. */
function unitText(unit: string): string {
  return cleanText(unit).replace(/^(?:per\b|\/)\s*/i, "");
}

/** The tier a table's heading or tab label names; standard when none; undefined (reported) when two. */
function tableTier(reading: PageReading, p: TableInContext): TierOrStandard | undefined {
  const named = new Set<TierOrStandard>();
  const fromHeading = p.heading ? tierNamedIn(p.heading) : undefined;
  if (fromHeading) named.add(fromHeading);
  for (const line of p.preface) {
    const label = tierLabel(line);
    if (label) named.add(label);
  }
  if (named.size > 1) {
    reading.result.problem(
      `labelled with more than one tier (${[...named].map((t) => TIER_NAMES[t]).join(", ")}); not read`,
      whereTable(p),
    );
    return undefined;
  }
  return [...named][0] ?? "standard";
}

/** The columns of a `| Metric | Price | Unit |` table, found by what their headers say. */
interface LongColumns {
  label: number;
  price: number;
  unit: number | undefined;
}

function longColumns(header: readonly string[]): LongColumns | undefined {
  const price = header.findIndex((h) => /^(?:price|cost|rate)\b/i.test(cleanText(h)));
  const unit = header.findIndex((h) => /^units?$/i.test(cleanText(h)));
  const others = header.flatMap((_, i) => (i === price || i === unit ? [] : [i]));
  if (price < 0 || others.length !== 1) return undefined;
  return { label: others[0]!, price, unit: unit >= 0 ? unit : undefined };
}

const cellsText = (row: TableRow) => row.cells.map((c) => cleanText(c)).join(" | ");

function readTokenTable(reading: PageReading, p: TableInContext, section: TokenSection, tier: TierOrStandard): void {
  const { result } = reading;
  const where = whereTable(p);
  const columns = longColumns(p.table.header);
  if (!columns) {
    result.problem(`a token price table of a layout this source does not know (header ${JSON.stringify(p.table.header)}); not read`, where);
    return;
  }
  const found: Found[] = [];
  p.table.rows.forEach((row, r) => {
    const at = `${where}, row ${r + 1}`;
    const label = cleanText(row.cells[columns.label] ?? "");
    const price = row.cells[columns.price] ?? "";
    const unit = columns.unit === undefined ? "" : (row.cells[columns.unit] ?? "");
    if (label === "" && cleanText(price) === "") return;
    const amount = readAmount(price, unit, "1M tokens");
    if (amount.kind === "none" || amount.kind === "not_expressible") return;
    if (aboveContextThreshold(label)) {
      result.problem(`the row "${cellsText(row)}" prices prompts above a context length, which model pages have not shown; not read`, at);
      return;
    }
    const rowTier = tierNamedIn(label);
    if (rowTier && tier !== "standard" && rowTier !== tier) {
      result.problem(`the row "${cellsText(row)}" names the ${rowTier} tier in a ${TIER_NAMES[tier]} table; not read`, at);
      return;
    }
    const key = tokenKey(section, label, rowTier ?? tier);
    if (!key) {
      if (!tokenDimensionIn(label)) result.problem(`cannot tell which price the row "${cellsText(row)}" is; not read`, at);
      return; // an image-token cache write: no price key for it
    }
    if (amount.kind === "bad") {
      result.problem(`${label}: ${amount.reason}`, at);
      return;
    }
    found.push({ key, usd: amount.usd, unit: "1M tokens", evidence: `${p.heading} › ${cellsText(row)}`, where: at });
  });
  for (const f of found) reading.observe(f);
}

// ---------------------------------------------------------------------------------------------------------
// Per-image prices, in either layout: blocks of one quality

/** The prices of one quality, as a table or a run of lines gives them; read only when it names its quality. */
interface QualityBlock {
  /** How a maintainer finds it: `table 2 under "Image generation"`, `per-image block 2 ("Per image" › …)`. */
  where: string;
  /** The evidence prefix: `Image generation › Quality Low`. */
  context: string;
  tier: TierOrStandard;
  quality: string | undefined;
  /** Why the block names no usable quality, when it does not. */
  noQuality?: string;
  sizes: { size: string; amount: Amount; evidence: string; where: string }[];
}

function observeBlocks(reading: PageReading, blocks: readonly QualityBlock[]): void {
  const { result } = reading;
  const seen = new Map<string, number>();
  for (const b of blocks) if (b.quality) seen.set(`${b.tier}|${b.quality}`, (seen.get(`${b.tier}|${b.quality}`) ?? 0) + 1);
  for (const b of blocks) {
    const prices = b.sizes.filter((s) => s.amount.kind === "usd" || s.amount.kind === "bad");
    if (!b.quality) {
      if (prices.length > 0) {
        const amounts = b.sizes.map((s) => (s.amount.kind === "usd" ? `$${s.amount.usd}` : "?")).join(", ");
        result.problem(`per-image prices (${amounts}) that cannot be tied to a quality: ${b.noQuality}; not read`, b.where);
      }
      continue;
    }
    if ((seen.get(`${b.tier}|${b.quality}`) ?? 0) > 1) {
      result.problem(`the ${b.quality} quality is priced in more than one block; none of them is read`, b.where);
      continue;
    }
    const sizes = b.sizes.map((s) => s.size);
    const repeated = sizes.find((s, i) => sizes.indexOf(s) !== i);
    if (repeated) {
      // A size twice under one quality: the block has swallowed another one whose label was lost.
      result.problem(`${repeated} is priced twice under the ${b.quality} quality; the block is not read`, b.where);
      continue;
    }
    if (prices.length === 0) {
      result.problem(`the ${b.quality} quality block gives no price`, b.where);
      continue;
    }
    const prefix = b.tier === "standard" ? "" : `${b.tier}/`;
    for (const s of b.sizes) {
      if (s.amount.kind === "bad") result.problem(`${b.quality} ${s.size}: ${s.amount.reason}`, s.where);
      if (s.amount.kind !== "usd") continue;
      reading.observe({
        key: `${prefix}image:${b.quality}:${s.size}`,
        usd: s.amount.usd,
        unit: "image",
        evidence: `${b.context} › ${s.evidence}`,
        where: s.where,
      });
    }
  }
}

function qualityOf(word: string): { quality: string } | { error: string } {
  const q = cleanText(word).toLowerCase();
  if (QUALITIES.has(q)) return { quality: q };
  return { error: q === "" ? "the Quality row names none" : `"${cleanText(word)}" is not a quality this source knows` };
}

/**
 * One `### Image generation` table: `| Quality | Low | image |` then `| 1024x1024 | $0.005 | image |` rows,
 * each Quality row starting a block; or the pricing page's shape, `| Quality | 1024x1024 | … |` with one
 * row per quality (read only where a unit is stated: a "Per image" line above it or in its cells).
 */
function imageBlocksOf(reading: PageReading, p: TableInContext, tier: TierOrStandard): QualityBlock[] {
  const where = whereTable(p);
  const title = p.heading ?? "Image generation";
  const header = p.table.header.map((h) => cleanText(h));
  const qualityColumn = header.findIndex((h) => /^quality$/i.test(h));
  const sizeColumns = header.flatMap((h, i) => (sizeOf(h) ? [i] : []));
  if (qualityColumn >= 0 && sizeColumns.length > 0) {
    // Only Quality and sizes: a Model column would mean rows of other models (the pricing page's table).
    if (sizeColumns.length !== header.length - 1) {
      reading.result.problem(`a per-image price table with columns other than Quality and sizes (header ${JSON.stringify(header)}); not read`, where);
      return [];
    }
    const unit = p.preface.some((line) => /^per image$/i.test(line)) ? "image" : "";
    return p.table.rows.map((row, r) => {
      const q = qualityOf(row.cells[qualityColumn] ?? "");
      const at = `${where}, row ${r + 1}`;
      return {
        where: at,
        context: `${title} › Quality ${cleanText(row.cells[qualityColumn] ?? "")}`,
        tier,
        quality: "quality" in q ? q.quality : undefined,
        noQuality: "error" in q ? q.error : undefined,
        sizes: sizeColumns.map((i) => ({
          size: sizeOf(header[i]!)!,
          amount: readAmount(row.cells[i] ?? "", unit, "image"),
          evidence: `${header[i]} ${cleanText(row.cells[i] ?? "")}`,
          where: at,
        })),
      };
    });
  }

  const columns = longColumns(p.table.header);
  if (!columns) {
    if (tableHasPrices(p.table)) {
      reading.result.problem(`a per-image price table of a layout this source does not know (header ${JSON.stringify(p.table.header)}); not read`, where);
    }
    return [];
  }
  const blocks: QualityBlock[] = [];
  let block: QualityBlock | undefined;
  p.table.rows.forEach((row, r) => {
    const at = `${where}, row ${r + 1}`;
    const label = cleanText(row.cells[columns.label] ?? "");
    const value = row.cells[columns.price] ?? "";
    const unit = columns.unit === undefined ? "" : (row.cells[columns.unit] ?? "");
    if (/^quality$/i.test(label)) {
      const q = qualityOf(value);
      block = {
        where: at,
        context: `${title} › ${label} ${cleanText(value)}`,
        tier,
        quality: "quality" in q ? q.quality : undefined,
        noQuality: "error" in q ? q.error : undefined,
        sizes: [],
      };
      blocks.push(block);
      return;
    }
    const size = sizeOf(label);
    if (!size) {
      if (AMOUNT_IN.test(value)) reading.result.problem(`the row "${cellsText(row)}" is neither a Quality row nor a size; not read`, at);
      return;
    }
    if (!block) {
      block = { where: `${where} (rows before any Quality row)`, context: title, tier, quality: undefined, noQuality: "the table has no Quality row above them", sizes: [] };
      blocks.push(block);
    }
    block.sizes.push({ size, amount: readAmount(value, unit, "image"), evidence: cellsText(row), where: at });
  });
  return blocks;
}

// ---------------------------------------------------------------------------------------------------------
// Copied text, one value a line (the 2025 platform page, the mirror's conversion)

/** A per-image block of the line layout while it is read. */
interface LineBlock {
  n: number;
  /** Its lines as read, for `where` and evidence. */
  lines: string[];
  title: string;
  unit?: string;
  /** The "Quality" line was seen; the next line must name the quality. */
  qualityLabel: boolean;
  quality?: string;
  qualityWord?: string;
  noQuality?: string;
  /** A size waiting for its price. */
  size?: string;
  sizes: { size: string; price: string }[];
  /** Amounts with no size before them. */
  bare: string[];
}

type LineState =
  | { kind: "none" }
  | { kind: "summary" }
  /** A section of prices no key can carry ("Per GB" / "Cost" / "$0.10") or not read (video tokens). */
  | { kind: "skip" }
  /** "Transcription audio duration" / "Per minute" / "Price" / "$0.0045": a price per minute, second, hour … */
  | { kind: "per_unit"; title: string; unitLine: string; billed: BilledUnit; label?: string }
  | { kind: "tokens"; section: TokenSection | "untitled"; title: string; unit?: string; label?: string; bare: string[] }
  | { kind: "image"; block: LineBlock };

/**
 * The line layout: sections start at their title line ("Text tokens", "Image tokens", "Image generation",
 * or a "Per image" that starts the next block) and end at the first line their grammar does not allow.
 */
class LinePageReader {
  private state: LineState = { kind: "none" };
  private imageBlocks = 0;
  private readonly blocks: QualityBlock[] = [];
  private bareAmounts: string[] = [];
  private lastText = "";
  /** The line before the current one: the title of a "Per minute" section. */
  private previous = "";
  /** Lines from "Pricing" to the next section of the card ("Modalities", "Endpoints"): where multipliers are stated. */
  private inPricing = false;
  /**
   * A tier's name on a line of its own ("Batch") above prices: this layout has no tabs to say where its prices
   * end, so nothing after it is read as the standard price (an endpoint list's "Batch" / "v1/batch" is no label).
   */
  private tierLine: string | undefined;

  constructor(private readonly reading: PageReading) {}

  read(lines: readonly string[]): void {
    lines.forEach((line, i) => {
      if (/^pricing$/i.test(line)) this.inPricing = true;
      else if (/^(?:modalities|endpoints|features|snapshots|rate limits)$/i.test(line)) this.inPricing = false;
      else if (this.inPricing) readMultipliers(this.reading, line, `the line ${quote(line, 50)}`);
      this.step(line);
      if (!LONE_AMOUNT.test(line)) this.lastText = line;
      this.previous = line;
      const tier = tierLabel(line);
      if (tier && tier !== "standard" && !/^\/?v\d+\//.test(lines[i + 1] ?? "")) this.tierLine ??= line;
    });
    this.begin({ kind: "none" });
    observeBlocks(this.reading, this.blocks);
  }

  private get result(): ExtractionBuilder {
    return this.reading.result;
  }

  private step(line: string): void {
    if (/^text tokens$/i.test(line)) return this.begin({ kind: "tokens", section: "text_tokens", title: line, bare: [] });
    if (/^image tokens$/i.test(line)) return this.begin({ kind: "tokens", section: "image_tokens", title: line, bare: [] });
    if (/^audio tokens$/i.test(line)) return this.begin({ kind: "tokens", section: "audio_tokens", title: line, bare: [] });
    if (/^[a-z]+ tokens$/i.test(line) && NOT_READ.test(line)) return this.begin({ kind: "skip" });
    if (/^per\s+\S/i.test(line) && !AMOUNT_IN.test(line) && this.state.kind !== "tokens") {
      const billed = billedUnitIn(line);
      if (billed && billed.unit !== "1M tokens" && billed.unit !== "image") {
        return this.begin({ kind: "per_unit", title: this.previous, unitLine: line, billed });
      }
    }
    if (/^per\s+\S/i.test(line) && UNEXPRESSIBLE_UNIT.test(unitText(line))) return this.begin({ kind: "skip" });
    if (/^image generation$/i.test(line)) return this.beginImage(line);
    if (/^per image$/i.test(line)) {
      const s = this.state;
      // "Image generation" / "Per image": the unit of the block just begun; otherwise the next block.
      if (s.kind === "image" && s.block.lines.length === 1 && s.block.unit === undefined) {
        s.block.unit = line;
        s.block.lines.push(line);
        return;
      }
      this.beginImage(line);
      const begun = this.state as Extract<LineState, { kind: "image" }>;
      begun.block.unit = line;
      return;
    }
    if (/^per\s+1\s?[mk]\s+tokens$/i.test(line) && this.state.kind !== "tokens" && this.state.kind !== "skip") {
      return this.begin({ kind: "tokens", section: "untitled", title: line, unit: line, bare: [] });
    }
    if (/^pricing$/i.test(line)) return this.begin({ kind: "none" });
    if (/^price$/i.test(line) && this.state.kind === "none") return this.begin({ kind: "summary" });

    const s = this.state;
    switch (s.kind) {
      case "summary":
        // "Price" / "$2" / "•" / "$8" / "Input" / "•" / "Output": the card's summary of the token prices.
        if (LONE_AMOUNT.test(line) || /^[•·]$/.test(line) || /^(?:input|output)$/i.test(line)) return;
        break;
      case "skip":
        if (LONE_AMOUNT.test(line) || (line.length <= 40 && !AMOUNT_IN.test(line))) return;
        break;
      case "tokens":
        if (this.tokenLine(s, line)) return;
        break;
      case "per_unit":
        if (this.perUnitLine(s, line)) return;
        break;
      case "image":
        if (this.imageLine(s.block, line)) return;
        break;
      case "none":
        if (LONE_AMOUNT.test(line)) return void this.bareAmounts.push(line);
        this.flushBare();
        // "$5•$10" is the card's summary of the token prices; any other amount here is a price not read.
        if (AMOUNT_IN.test(line) && !SUMMARY_LINE.test(line)) {
          this.result.problem(`a price outside any price section, not read: ${quote(line, 120)}`, `the line ${quote(line, 50)}`);
        }
        return;
    }
    this.begin({ kind: "none" });
    this.step(line);
  }

  private tokenLine(s: Extract<LineState, { kind: "tokens" }>, line: string): boolean {
    if (/^per\s+\S/i.test(line) && !AMOUNT_IN.test(line)) {
      s.unit = line;
      return true;
    }
    if (LONE_AMOUNT.test(line)) {
      const label = s.label;
      s.label = undefined;
      if (label === undefined) s.bare.push(line);
      else this.tokenPrice(s, label, line);
      return true;
    }
    if (line.length <= 40 && !AMOUNT_IN.test(line) && tokenDimensionIn(line)) {
      this.labelWithoutPrice(s);
      s.label = line;
      return true;
    }
    return false;
  }

  /** "Price" / "$0.0045" after "Transcription audio duration" / "Per minute": `transcription_per_minute`. */
  private perUnitLine(s: Extract<LineState, { kind: "per_unit" }>, line: string): boolean {
    if (LONE_AMOUNT.test(line)) {
      const where = `${quote(s.title)} › ${quote(s.unitLine)}`;
      const what = perUnitWhat(s.title);
      const key = what ? perUnitDimension(what, s.billed.unit) : undefined;
      const money = parseMoneyCell(line);
      if (!key) {
        this.result.problem(`${quote(line)} per ${s.billed.unit} under ${quote(s.title)}, which this source cannot name as a price; not read`, where);
      } else if (money.kind !== "usd" || (money.per !== undefined && money.per !== "unit")) {
        this.result.problem(`${quote(line)} under ${quote(s.title)} is not one amount per ${s.billed.unit}; not read`, where);
      } else if (this.tierLine !== undefined) {
        this.result.problem(`${quote(line)} comes after the line ${quote(this.tierLine)}: which tier it is cannot be told in this layout; not read`, where);
      } else {
        const usd = perUnit(money.usd, s.billed);
        if (usd !== money.usd) this.result.accountRead(line);
        const label = s.label ? ` › ${s.label}` : "";
        this.reading.observe({ key, usd, unit: s.billed.unit, evidence: `${s.title} › ${s.unitLine}${label} › ${line}`, where });
      }
      s.label = undefined;
      return true;
    }
    if (/^(?:price|cost|rate)$/i.test(line)) {
      s.label = line;
      return true;
    }
    return false;
  }

  private tokenPrice(s: Extract<LineState, { kind: "tokens" }>, label: string, line: string): void {
    const where = `"${s.title}" › ${quote(label)}`;
    const amount = readAmount(line, s.unit ?? "", "1M tokens");
    if (amount.kind === "none" || amount.kind === "not_expressible") return;
    if (this.tierLine !== undefined) {
      this.result.problem(`${quote(label)} ${quote(line)} comes after the line ${quote(this.tierLine)}: which tier it is cannot be told in this layout; not read`, where);
      return;
    }
    if (aboveContextThreshold(label)) {
      this.result.problem(`${quote(label)} prices prompts above a context length, which model pages have not shown; not read`, where);
      return;
    }
    if (s.section === "untitled") {
      this.result.problem(`token prices under no "Text tokens" or "Image tokens" title (${quote(label)} ${quote(line)}); not read`, where);
      return;
    }
    const key = tokenKey(s.section, label, tierNamedIn(label) ?? "standard");
    if (!key) return; // an image-token cache write: no price key
    if (amount.kind === "bad") {
      this.result.problem(`${label}: ${amount.reason}`, where);
      return;
    }
    const unit = s.unit ? ` › ${s.unit}` : "";
    this.reading.observe({ key, usd: amount.usd, unit: "1M tokens", evidence: `${s.title}${unit} › ${label} › ${line}`, where });
  }

  private labelWithoutPrice(s: Extract<LineState, { kind: "tokens" }>): void {
    if (s.label === undefined) return;
    this.result.problem(`the label ${quote(s.label)} is followed by no price; not read`, `"${s.title}" › ${quote(s.label)}`);
  }

  private imageLine(b: LineBlock, line: string): boolean {
    const size = sizeOf(line);
    if (b.qualityLabel && b.quality === undefined && b.noQuality === undefined) {
      // The line right after "Quality" names the quality, or the block has lost it.
      if (size || LONE_AMOUNT.test(line)) b.noQuality = `"Quality" is followed by ${quote(line)}, not by a quality`;
      else {
        const q = qualityOf(line);
        if ("quality" in q) b.quality = q.quality;
        else b.noQuality = q.error;
        b.qualityWord = line;
        b.lines.push(line);
        return true;
      }
    }
    if (/^quality$/i.test(line) && !b.qualityLabel && b.sizes.length === 0 && b.size === undefined) {
      b.qualityLabel = true;
      b.lines.push(line);
      return true;
    }
    if (size) {
      if (b.size !== undefined) this.result.problem(`the size ${b.size} is followed by no price`, this.blockWhere(b));
      if (!b.qualityLabel) b.noQuality ??= "the block has no Quality line";
      b.size = size;
      b.lines.push(line);
      return true;
    }
    if (LONE_AMOUNT.test(line)) {
      b.lines.push(line);
      if (b.size === undefined) b.bare.push(line);
      else b.sizes.push({ size: b.size, price: line });
      b.size = undefined;
      return true;
    }
    return false;
  }

  private beginImage(title: string): void {
    this.begin({ kind: "image", block: { n: ++this.imageBlocks, lines: [title], title, qualityLabel: false, sizes: [], bare: [] } });
  }

  private begin(next: LineState): void {
    const s = this.state;
    if (s.kind === "tokens") this.endTokens(s);
    if (s.kind === "image") this.endImage(s.block);
    this.flushBare();
    this.state = next;
  }

  private endTokens(s: Extract<LineState, { kind: "tokens" }>): void {
    this.labelWithoutPrice(s);
    if (s.bare.length > 0) {
      this.result.problem(
        `${s.bare.length} amount(s) under "${s.title}" with no label (${s.bare.join(", ")}): which price each is cannot be told; not read`,
        `"${s.title}"`,
      );
    }
  }

  private blockWhere(b: LineBlock): string {
    const shown = b.lines.slice(0, 5).map((l) => quote(l, 30));
    return `per-image block ${b.n} (${shown.join(" › ")}${b.lines.length > 5 ? " …" : ""})`;
  }

  /** A block ends: kept for reading when it priced anything; what it left unread is reported. */
  private endImage(b: LineBlock): void {
    // "Image generation" / "v1/images/generations" in the list of endpoints is no block at all.
    if (b.lines.length === 1) return;
    const where = this.blockWhere(b);
    if (b.size !== undefined) this.result.problem(`the size ${b.size} is followed by no price`, where);
    if (b.bare.length > 0) this.result.problem(`amount(s) with no size (${b.bare.join(", ")}); not read`, where);
    if (b.qualityLabel && b.quality === undefined) b.noQuality ??= `"Quality" is followed by no quality`;
    if (b.sizes.length === 0) {
      if (b.bare.length === 0) this.result.problem("a per-image block with no price", where);
      return;
    }
    if (!b.unit) {
      this.result.problem(`per-image prices with no unit stated ("Per image"); not read`, where);
      return;
    }
    if (this.tierLine !== undefined) {
      this.result.problem(`per-image prices after the line ${quote(this.tierLine)}: which tier they are cannot be told in this layout; not read`, where);
      return;
    }
    const context = [b.title, ...(b.unit !== b.title ? [b.unit] : []), ...(b.qualityWord ? [`Quality ${b.qualityWord}`] : [])];
    this.blocks.push({
      where,
      context: context.join(" › "),
      tier: "standard",
      quality: b.quality,
      noQuality: b.noQuality,
      sizes: b.sizes.map(({ size, price }) => ({
        size,
        amount: readAmount(price, b.unit ?? "", "image"),
        evidence: `${size} ${price}`,
        where,
      })),
    });
  }

  private flushBare(): void {
    if (this.bareAmounts.length === 0) return;
    this.result.problem(
      `${this.bareAmounts.length} amount(s) with no label (${this.bareAmounts.join(", ")}): which price each is cannot be told; not read`,
      `the lines after ${quote(this.lastText, 50)}`,
    );
    this.bareAmounts = [];
  }
}

function readLinePage(reading: PageReading, flow: readonly FlowItem[], tables: readonly PageTable[]): void {
  for (const item of flow) {
    if (item.kind !== "table") continue;
    const table = tables[item.index];
    if (table && tableHasPrices(table)) {
      reading.result.problem(`a table of prices on a page without section headings; not read (header ${JSON.stringify(table.header)})`, `table ${table.index}`);
    }
  }
  new LinePageReader(reading).read(flow.flatMap((item) => (item.kind === "table" ? [] : [item.text])));
}

// ---------------------------------------------------------------------------------------------------------

function readModelPage(result: ExtractionBuilder, body: string, format: PageFormat, document: SourceDocument | undefined): void {
  const $ = loadDocument(body, format);
  const flow = readFlow($);
  const model = pageModel(body, flow, document);
  if ("error" in model) {
    result.fail(`not a model page this source can read: ${model.error}`, "page");
    return;
  }
  if (document && model.id !== document.name) {
    result.fail(
      `the page is for ${model.id}, not ${document.name} (a redirect to another model, or the wrong page); not read`,
      "page",
    );
    return;
  }
  const reading = new PageReading(result, `openai/${model.id}`, document);
  const tables = readTables($);
  if (hasPricingHeadings(flow)) readTablePage(reading, flow, tables);
  else readLinePage(reading, flow, tables);
  // Checked, and nothing priced: a page without a Pricing section (or with only prices no key can carry).
  if (result.observations.length === 0 && result.problems.length === 0) result.pricesNone();
}

export const openAiModelPagesSource: PricingSource = {
  id: SOURCE_ID,
  vendor: "openai",
  url: PAGES_URL,
  format: "markdown",
  fetchWith: "http",
  documents: documentsFor,
  extract(body: string, format: PageFormat = "markdown", document?: SourceDocument) {
    return extractWith(SOURCE_ID, body, (result) => readModelPage(result, body, format, document));
  },
};
