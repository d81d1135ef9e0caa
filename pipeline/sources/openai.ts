import type { CheerioAPI } from "cheerio";
import { type AnyNode, type Element, isTag } from "domhandler";
import { conditionKey, contextLengthIn } from "../extract/context-conditions.ts";
import { cleanText, loadDocument, stripFrontMatter, type PageFormat } from "../extract/document.ts";
import { parseMoneyCell, type PriceCell, readPriceCell } from "../extract/money.ts";
import { billedUnitIn, perUnit } from "../extract/units.ts";
import { TIER_NAMES, type TierOrStandard, tierLabel, type TokenDimension, tokenDimensionIn } from "../extract/price-labels.ts";
import { readTables, type PageTable, type TableRow } from "../extract/tables.ts";
import { perUnitDimension, type Unit } from "../../schemas/price-key.ts";
import { perUnitWhat } from "./openai-models.ts";
import { ExtractionBuilder, extractWith, type PricingSource } from "./source.ts";

/**
 * OpenAI's API pricing page, in the shapes it has been seen in:
 *
 * - 2025 platform.openai.com/docs/pricing (jina or "Copy page" markdown): `### Text tokens` with one table
 *   per tab (Batch, Flex, Standard, Priority), the tab name on its own line just above each table;
 *   `### Image tokens`; `### Image generation` (per-image prices, merged model cells); `### Embeddings`
 *   (Cost / Batch cost); `### Legacy models` (Batch / Standard).
 * - 2026 developers.openai.com/api/docs/pricing.md: group titles as plain paragraphs ("Flagship models",
 *   "Image generation models"), a tab label paragraph ("Standard", "Fast mode") and then a heading
 *   (`### Standard pricing data`, or the generic `### Grouped Pricing Table data`) above each table;
 *   9-column short/long-context tables; image models as Modality (Image / Text) rows.
 * - 2024 openai.com/pricing as collapsed text: table cells run together without separators
 *   (`ModelInputOutputgpt-3.5-turbo-0125$0.50 / 1M tokens$1.50 / 1M tokens…`), read by a text path.
 *
 * Every amount is accounted for (extract/accounting.ts). Audio, realtime, video, transcription and speech
 * tables are read by their columns (`readMedia`): Modality rows Audio / Text / Image → audio_…, plain, image_…
 * token keys; `$15.00 / 1M characters` (tts-1) → input_per_1m_characters; Sora's "Price per second" by size
 * → video_per_second:<720p…>; a per-minute price that is the row's only price (gpt-transcribe, gpt-live-
 * transcribe, gpt-realtime-translate) → transcription_per_minute / translation_per_minute, while an
 * "Estimated cost" beside the row's token prices is the page's estimate from them and is passed over
 * ("worked-example"). Tools, containers and storage are "tool-fees"; Training tables "fine-tuning"; rows of
 * names that are no API id ("Whisper", "TTS") are untracked and "untracked-model". The 2024 text's vision
 * calculator and its FAQ's worked bill are worked examples; its DALL·E 2 sizes without a quality stay
 * reported. Past ~300 lines because three layouts of one page are read here.
 *
 * Which tier a table is comes from the tab label or heading naming it, never from its position:
 * unprefixed keys are read only from a table labelled Standard, or from a table that stands alone in its
 * section with no tab set around it (Image tokens, Embeddings, Image generation).
 */

const SOURCE_ID = "openai-pricing";

/** The token prices OpenAI's tables have columns for. */
type TokenPrice = Extract<TokenDimension, "input" | "cached_input" | "cache_write" | "output">;
const TOKEN_PRICES: readonly TokenPrice[] = ["input", "cached_input", "cache_write", "output"];

// ---------------------------------------------------------------------------------------------------------
// Model names

/** Display names the page uses instead of API ids. Anything not here and not id-shaped is reported. */
const DISPLAY_NAMES: ReadonlyMap<string, string> = new Map([
  ["gpt image 1", "gpt-image-1"],
  ["gpt image 1 mini", "gpt-image-1-mini"],
  ["gpt image 1.5", "gpt-image-1.5"],
  ["gpt image 2", "gpt-image-2"],
  ["dall-e 3", "dall-e-3"],
  ["dall-e 2", "dall-e-2"],
  // The 2024 page's embeddings table calls text-embedding-ada-002 "ada v2".
  ["ada v2", "text-embedding-ada-002"],
]);

/** Lower-case API ids: `gpt-5.2`, `o4-mini`, `text-embedding-3-small`, `chatgpt-image-latest`. */
const API_ID = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

/** Parentheticals that qualify a row without changing the model: `gpt-5.5 (<272K context length)`. */
const HARMLESS_PARENTHETICAL = /\s*\((?:\s*[<>≤≥]?\s*\d+(?:\.\d+)?\s*[KkMm]?\s+context(?:\s+(?:length|window))?|legacy)\s*\)\s*$/;

function displayKey(name: string): string {
  return cleanText(name)
    .toLowerCase()
    .replace(/[·•‧∙⋅・]/g, "-");
}

/** `openai/<api-id>` for a name on the page, or undefined when the name cannot be mapped without guessing. */
export function openAiModelId(rawName: string): string | undefined {
  let name = cleanText(rawName).replace(/\\/g, "");
  name = name.replace(/(?:\s*\[\d+\]|\s*[*†‡]+)$/, "").replace(/^`|`$/g, "");
  name = name.replace(HARMLESS_PARENTHETICAL, "").trim();
  if (API_ID.test(name) && /[0-9-]/.test(name)) return `openai/${name}`;
  const display = DISPLAY_NAMES.get(displayKey(name));
  return display ? `openai/${display}` : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Money

type Money = Exclude<PriceCell, { kind: "free" }>;

/**
 * One price cell, exactly (`$1.25`, `$0.50 / 1K tokens` scaled to per 1M, `$0.040 / image`, `-` for none), as
 * the shared reading gives it; a cell that says exactly "Free" is $0, for the page says so (specialised models).
 */
function readMoney(raw: string, unit: "1M tokens" | "image"): Money {
  const cell = readPriceCell(raw, unit);
  return cell.kind === "free" ? { kind: "usd", usd: 0 } : cell;
}

// ---------------------------------------------------------------------------------------------------------
// The text around tables

interface Block {
  kind: "heading" | "text" | "table";
  text: string;
  /** For tables: the position among the page's tables, as `readTables` counts them. */
  tableIndex?: number;
}

const SKIP_TAGS = new Set(["script", "style", "noscript", "template", "svg", "head", "title"]);
const BLOCKISH = new Set("table,h1,h2,h3,h4,h5,h6,p,pre,li,ul,ol,div,section,article,blockquote,button,dl,dt,dd,header,footer,nav,main,aside,details,summary".split(","));

/** A BLOCKISH element below `el` (where `$(el).find(…)` looks, through elements only), without compiling a selector per element. */
function hasBlockish(el: Element): boolean {
  for (const child of el.children) if (isTag(child) && (BLOCKISH.has(child.name) || hasBlockish(child))) return true;
  return false;
}

/** Every heading, leaf text block and table of the page, in document order. */
function walkBlocks($: CheerioAPI): Block[] {
  const tables = $("table").toArray();
  const blocks: Block[] = [];
  const visit = (node: AnyNode): void => {
    if (node.type === "text") {
      const text = cleanText((node as unknown as { data: string }).data);
      if (text) blocks.push({ kind: "text", text });
      return;
    }
    if (node.type !== "tag" && node.type !== "root") return;
    const el = node as Element;
    const tag = node.type === "root" ? "" : el.tagName.toLowerCase();
    if (SKIP_TAGS.has(tag)) return;
    if (tag === "table") {
      blocks.push({ kind: "table", text: "", tableIndex: tables.indexOf(el) });
      return;
    }
    if (/^h[1-6]$/.test(tag)) {
      const text = cleanText($(el).text());
      if (text) blocks.push({ kind: "heading", text });
      return;
    }
    if (tag !== "" && !hasBlockish(el)) {
      const text = cleanText($(el).text());
      if (text) blocks.push({ kind: "text", text });
      return;
    }
    for (const child of el.children ?? []) visit(child);
  };
  visit($.root()[0] as unknown as AnyNode);
  return blocks;
}

/** "BatchFlexStandardPriority": a tab bar flattened into one line; names every tier, so names none. */
const TAB_BAR = /^(?:(?:standard|batch|flex|priority|fast(?:\s?mode)?)\s*){2,}$/i;
const GENERIC_HEADING = /^(?:grouped\s+)?(?:pricing\s+)?table\s+data$|^pricing\s+data$/i;
const UNIT_LINE = /^prices?\b.{0,40}\bper\b/i;

/** A heading or a short line that names a section ("Text tokens", "Image generation models"). */
function isTitle(block: Block): boolean {
  if (block.kind === "table") return false;
  const text = block.text;
  if (tierLabel(text) || TAB_BAR.test(text) || GENERIC_HEADING.test(text) || UNIT_LINE.test(text)) return false;
  if (block.kind === "heading") return true;
  return text.length <= 80 && /[A-Za-z]/.test(text) && !/[.:!?;,]$/.test(text) && !/\$\s?\d/.test(text);
}

interface TableContext {
  /** The tiers named by tab labels or headings between the previous table and this one. */
  tiers: TierOrStandard[];
  /** The nearest section title above the table, looking back past earlier tables of the same tab set. */
  title: string | undefined;
  /** A section title sits between the previous table and this one. */
  separatedBefore: boolean;
  /** A section title sits between this table and the next one. */
  separatedAfter: boolean;
}

function tableContexts(blocks: Block[], tableCount: number): Map<number, TableContext> {
  const result = new Map<number, TableContext>();
  const positions = blocks.flatMap((b, i) => (b.kind === "table" ? [i] : []));
  positions.forEach((pos, k) => {
    const index = blocks[pos]!.tableIndex!;
    const start = k === 0 ? 0 : positions[k - 1]! + 1;
    const between = blocks.slice(start, pos);
    const tiers = [...new Set(between.flatMap((b) => (b.kind !== "table" ? [tierLabel(b.text)] : [])).filter((t) => t !== undefined))];
    let title: string | undefined;
    for (let i = pos - 1; i >= 0 && title === undefined; i--) {
      if (isTitle(blocks[i]!)) title = blocks[i]!.text;
    }
    const nextPos = positions[k + 1];
    const after = nextPos === undefined ? [] : blocks.slice(pos + 1, nextPos);
    result.set(index, {
      tiers: tiers as TierOrStandard[],
      title,
      separatedBefore: k === 0 || between.some(isTitle),
      separatedAfter: nextPos === undefined || after.some(isTitle),
    });
  });
  for (let i = 0; i < tableCount; i++) {
    if (!result.has(i)) result.set(i, { tiers: [], title: undefined, separatedBefore: false, separatedAfter: false });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Raw markdown pipe tables: how many cells each row really has (markdown-it pads or cuts rows to the header)

interface RawTable {
  header: number;
  rows: number[];
}

function splitPipeRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith("|")) s = s.slice(1);
  if (s.endsWith("|") && !s.endsWith("\\|")) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/);
}

const DELIMITER_ROW = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;

function scanPipeTables(markdown: string): RawTable[] {
  const lines = markdown.split(/\r?\n/);
  const tables: RawTable[] = [];
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(?:```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const next = lines[i + 1];
    if (!line.includes("|") || next === undefined || !DELIMITER_ROW.test(next) || !next.includes("-")) continue;
    const header = splitPipeRow(line).length;
    if (splitPipeRow(next).length !== header) continue;
    const rows: number[] = [];
    let j = i + 2;
    for (; j < lines.length && lines[j]!.trim() !== "" && lines[j]!.includes("|"); j++) rows.push(splitPipeRow(lines[j]!).length);
    tables.push({ header, rows });
    i = j - 1;
  }
  return tables;
}

// ---------------------------------------------------------------------------------------------------------
// Reading the tables

/** Sections of tools' fees: built-in tools, AgentKit's meters. */
const TOOLS_SECTION = /\b(?:built-in tools|tools|agentkit|agent kit)\b/i;

const SKIP_SECTION =
  /\b(?:audio|realtime|speech|transcri\w*|video|sora|fine-?tun\w*|finetun\w*|built-in tools|tools?|agentkit|agent kit|moderation|whisper|tts)\b/i;

const QUALITY_WORD = /^(?:low|medium|high|standard|hd|auto)$/i;
const SIZE_HEADER = /^(\d{2,5})\s*[x×]\s*(\d{2,5})$/;
/** Columns that describe a row rather than price it. */
const DESCRIPTIVE = /^(?:model|models|category|modality|quality|use case|details|notes?|size|context(?: window)?|description|tool)$/i;

interface TokenColumn {
  index: number;
  header: string;
  dimension: TokenPrice;
  /** `long` for a long-context column; undefined for the standard context. */
  condition: string | undefined;
  /** Set when the column itself names a tier ("Batch cost"); otherwise the table's tier applies. */
  tier: TierOrStandard | undefined;
}

/**
 * The words an OpenAI price header is made of: the price it names, "text" (the default modality), "tokens".
 * A header with any other word ("Training", "5m cache writes", "Input and output") is not read as a price.
 */
const HEADER_WORD = /^(?:text|input|cached|cache|writes?|output|tokens?)$/;

function tokenColumn(header: string, index: number, embeddings: boolean): TokenColumn | undefined {
  let h = cleanText(header)
    .toLowerCase()
    .replace(/\s*\((?:per|\/)\s*1\s?m(?:\s+tokens)?\)\s*$/, "")
    .replace(/\s*\/\s*1\s?m(?:\s+tokens)?$/, "")
    .trim();
  // "Short context input", "Long context cached input": the 2026 page's short/long-context columns.
  const length = contextLengthIn(h);
  const condition = length ? conditionKey(length.condition) : undefined;
  if (length) h = length.rest;
  const col = (dimension: TokenPrice, tier?: TierOrStandard): TokenColumn => ({ index, header, dimension, condition, tier });
  const words = h.split(" ");
  const dimension = tokenDimensionIn(words.filter((w) => w !== "text").join(" "));
  const price = TOKEN_PRICES.find((p) => p === dimension);
  if (price && words.every((w) => HEADER_WORD.test(w))) return col(price);
  if (embeddings && condition === undefined) {
    if (/^(?:cost|price|usage)$/.test(h)) return col("input", "standard");
    if (/^batch\s+(?:cost|price)$/.test(h)) return col("input", "batch");
  }
  return undefined;
}

function keyOf(tier: TierOrStandard, dimension: string, condition: string | undefined): string {
  return `${tier === "standard" ? "" : `${tier}/`}${dimension}${condition ? `@${condition}` : ""}`;
}

class TablePageReader {
  readonly models = new Set<string>();
  readonly standardTextModels = new Set<string>();
  standardTextTables = 0;

  constructor(
    private readonly b: ExtractionBuilder,
    private readonly raw: RawTable[] | undefined,
  ) {}

  read(t: PageTable, ctx: TableContext): void {
    const section = ctx.title ?? t.headings[t.headings.length - 1];
    const baseWhere = `table ${t.index}${section ? ` under "${section}"` : ""}`;
    const header = t.header.map((h) => cleanText(h));
    const lower = header.map((h) => h.toLowerCase());

    // Fine-tuning (a Training column, whatever its heading says): prices of training and of fine-tuned models.
    if (lower.includes("training")) {
      for (const row of t.rows) this.b.passOver("fine-tuning", row.cells.join(" | "));
      return;
    }
    // Tools, containers, storage: fees, not a model's price.
    if (lower[0] === "tool" || lower[0] === "usage meter" || TOOLS_SECTION.test(section ?? "")) {
      for (const row of t.rows) this.b.passOver("tool-fees", row.cells.join(" | "));
      return;
    }
    // Audio, realtime, video, transcription and speech: read by their own columns below.
    const media = (ctx.title !== undefined && SKIP_SECTION.test(ctx.title)) || t.headings.some((h) => SKIP_SECTION.test(h));

    const modelCol = lower.indexOf("model");
    const embeddings = /embedding/i.test(section ?? "");
    const tokenCols = header.map((h, i) => tokenColumn(h, i, embeddings)).filter((c) => c !== undefined);
    const qualityCol = lower.indexOf("quality");
    const sizeCols = header.flatMap((h, i) => (SIZE_HEADER.test(h) ? [i] : []));
    const perImage = qualityCol >= 0 && sizeCols.length > 0;

    if (modelCol < 0) {
      if (tokenCols.length > 0 || perImage) this.b.problem(`no Model column in a price table (header: ${header.join(" | ")})`, baseWhere);
      return; // tools, storage meters and the like
    }

    // Which tier: a tab label or heading naming it, or a table standing alone in its section.
    let tier: TierOrStandard | undefined;
    if (ctx.tiers.length > 1) {
      this.b.problem(`labelled with more than one tier (${ctx.tiers.map((x) => TIER_NAMES[x]).join(", ")}): not read`, baseWhere);
      return;
    }
    if (ctx.tiers.length === 1) tier = ctx.tiers[0];
    else if (ctx.separatedBefore && ctx.separatedAfter) tier = "standard";
    else {
      this.b.problem(
        "no tab label or heading says which tier (Standard, Batch, Flex, Priority, Fast) this table is, and it shares its section with other tables: not read",
        baseWhere,
      );
      return;
    }
    const where = `${baseWhere}${ctx.tiers.length === 1 ? ` (${TIER_NAMES[tier!]})` : ""}`;
    const raw = this.raw?.[t.index];
    if (raw && raw.header !== header.length) {
      this.b.problem(`the table's header has ${raw.header} cells in the page source but ${header.length} were read: not read`, where);
      return;
    }

    if (media) return this.readMedia(t, where, tier!, header, modelCol, ctx.title ?? section ?? "");
    if (perImage) return this.readPerImage(t, where, tier!, header, modelCol, qualityCol, raw);

    const modalityCol = lower.indexOf("modality");
    if (modalityCol >= 0 && !/image/i.test(section ?? "")) {
      this.b.problem(`a Modality table outside image generation is not understood (header: ${header.join(" | ")})`, where);
      return;
    }
    if (tokenCols.length === 0) {
      this.b.problem(`no price column understood (header: ${header.join(" | ")})`, where);
      return;
    }
    const imageTokens = /image tokens/i.test(section ?? "");
    const dims = new Set(tokenCols.map((c) => c.dimension));
    const isText = modalityCol < 0 && !imageTokens && !embeddings;
    if (!embeddings) {
      for (const need of ["input", "output"] as const) {
        if (!dims.has(need)) this.b.problem(`no ${need === "input" ? "Input" : "Output"} column (header: ${header.join(" | ")}); read the columns that are there`, where);
      }
    }
    this.reportUnknownColumns(t, header, tokenCols.map((c) => c.index), where);
    const standardText = isText && tier === "standard" && dims.has("input");
    if (standardText) this.standardTextTables++;
    this.readTokenRows(t, where, tier!, header, modelCol, modalityCol, imageTokens, tokenCols, raw, standardText);
  }

  private reportUnknownColumns(t: PageTable, header: string[], known: number[], where: string): void {
    header.forEach((h, i) => {
      if (known.includes(i) || DESCRIPTIVE.test(h)) return;
      const priced = t.rows.some((r) => /\$\s?\d|\d\s?\$/.test(r.cells[i] ?? ""));
      if (priced) this.b.problem(`column "${h}" is not understood: its prices were not read`, where);
    });
  }

  private readTokenRows(
    t: PageTable,
    where: string,
    tier: TierOrStandard,
    header: string[],
    modelCol: number,
    modalityCol: number,
    imageTokens: boolean,
    cols: TokenColumn[],
    raw: RawTable | undefined,
    standardText: boolean,
  ): void {
    let previous: { id: string | undefined; name: string } | undefined;
    t.rows.forEach((row, r) => {
      const cells = row.cells;
      if (cells.every((c) => c.trim() === "")) {
        previous = undefined;
        return;
      }
      if (cleanText(cells[modelCol] ?? "").toLowerCase() === "model") return; // a repeated header row
      const evidence = rowEvidence(row);
      const rawCells = raw?.rows[r];
      if (rawCells !== undefined && rawCells !== header.length) {
        this.b.problem(`row has ${rawCells} cells but the header has ${header.length}: not read`, `${where}, row "${row.text}"`);
        return;
      }
      let name = cleanText(cells[modelCol] ?? "");
      let id: string | undefined;
      if (name === "" || row.inherited[modelCol]) {
        if (!previous || (name === "" && modalityCol < 0)) {
          this.b.problem("row without a model name", `${where}, row "${row.text}"`);
          return;
        }
        ({ id, name } = previous);
      } else {
        id = openAiModelId(name);
        previous = { id, name };
      }
      const rowWhere = `${where}, row "${name}${modalityCol >= 0 ? ` | ${cells[modalityCol]}` : ""}"`;
      if (!id) {
        this.b.untrackedModel(name, where);
        this.b.passOver("untracked-model", row.cells.join(" | "));
        return;
      }
      let image = imageTokens;
      if (modalityCol >= 0) {
        const modality = cleanText(cells[modalityCol] ?? "").toLowerCase();
        if (modality === "image") image = true;
        else if (modality !== "text") {
          this.b.problem(`modality "${cells[modalityCol]}" is not understood: row not read`, rowWhere);
          return;
        }
      }
      for (const col of cols) {
        const cellWhere = `${rowWhere}, column "${col.header}"`;
        const colTier = col.tier ?? tier;
        if (col.tier && tier !== "standard") {
          this.b.problem(`column "${col.header}" names a tier inside a table labelled ${TIER_NAMES[tier]}: not read`, cellWhere);
          continue;
        }
        const money = readMoney(cells[col.index] ?? "", "1M tokens");
        if (money.kind === "none") continue;
        if (money.kind === "bad") {
          this.b.problem(`price not read: ${money.reason}`, cellWhere);
          continue;
        }
        if (image && col.dimension === "cache_write") {
          this.b.problem("an image cache-write price has no price key", cellWhere);
          continue;
        }
        const dimension = image ? `image_${col.dimension}` : col.dimension;
        this.b.observe(
          { model: id, price: keyOf(colTier, dimension, col.condition), usd: money.usd, unit: "1M tokens", evidence },
          cellWhere,
        );
        const stated = parseMoneyCell(cells[col.index] ?? "");
        if (stated.kind === "usd" && stated.usd !== money.usd) this.b.accountRead(cells[col.index] ?? ""); // per 1K, scaled
        this.models.add(id);
        if (standardText) this.standardTextModels.add(id);
      }
    });
  }

  /**
   * Audio, realtime, video, transcription and speech tables, read by what their columns say:
   * - Input / Cached input / Output (/ cost) per 1M tokens, of the row's Modality (Audio → audio_input,
   *   audio_cached_input, audio_output; Text → input…; Image → image_input…) or of the section ("Audio
   *   tokens" → audio_…; otherwise text). A cell in its own unit, `$15.00 / 1M characters` (tts-1), is
   *   `input_per_1m_characters` (or output_…).
   * - "Price per second" with a Size column (`720p`, or 2025's "Portrait: 720x1280 Landscape: 1280x720",
   *   whose short side names it: 720p) → `video_per_second:<size>`.
   * - A price per minute ("Estimated cost" `$0.0045 / minute`, "Cost" `$0.006 / minute`) is the model's
   *   price when it is the only one its row gives (gpt-transcribe, gpt-realtime-translate):
   *   `<what>_per_minute`, `<what>` from the row's Use case ("Live translation" → translation, "Transcription
   *   + diarization" → transcription) or the section. Beside token prices in the same row, an "Estimated cost"
   *   is the page's own estimate computed from them (gpt-4o-transcribe): passed over as a worked example.
   */
  private readMedia(t: PageTable, where: string, tier: TierOrStandard, header: string[], modelCol: number, section: string): void {
    const lower = header.map((h) => h.toLowerCase());
    const modalityCol = lower.indexOf("modality");
    const useCol = lower.indexOf("use case");
    const sizeCol = lower.findIndex((h) => /^size\b/.test(h));
    const prefixOfSection = /\baudio tokens\b/i.test(section) ? "audio_" : /\bimage tokens\b/i.test(section) ? "image_" : "";
    const tokenCols = header.flatMap((h, i) => {
      const col = tokenColumn(h.replace(/\s*\/\s*cost$/i, ""), i, false);
      return col && col.condition === undefined && col.dimension !== "cache_write" ? [col] : [];
    });
    const otherCols = header.flatMap((_, i) => (i === modelCol || i === modalityCol || i === useCol || i === sizeCol || tokenCols.some((c) => c.index === i) ? [] : [i]));
    const tierPrefix = tier === "standard" ? "" : `${tier}/`;
    t.rows.forEach((row) => {
      const cells = row.cells;
      if (cells.every((c) => c.trim() === "")) return;
      const name = cleanText(cells[modelCol] ?? "");
      const id = openAiModelId(name);
      const rowWhere = `${where}, row "${row.text}"`;
      if (!id) {
        this.b.untrackedModel(name, where);
        this.b.passOver("untracked-model", cells.join(" | "));
        return;
      }
      const evidence = rowEvidence(row);
      let prefix = prefixOfSection;
      if (modalityCol >= 0) {
        const modality = cleanText(cells[modalityCol] ?? "").toLowerCase();
        const known: Record<string, string> = { audio: "audio_", text: "", image: "image_" };
        if (!(modality in known)) {
          this.b.problem(`modality "${cells[modalityCol]}" is not understood: row not read`, rowWhere);
          return;
        }
        prefix = known[modality]!;
      }
      let tokenPrices = 0;
      for (const col of tokenCols) {
        const cell = cells[col.index] ?? "";
        const billed = billedUnitIn(cell);
        const cellWhere = `${rowWhere}, column "${col.header}"`;
        if (billed?.unit === "1M characters") {
          const money = parseMoneyCell(cell);
          const key = col.dimension === "input" || col.dimension === "output" ? perUnitDimension(col.dimension, billed.unit) : undefined;
          if (money.kind !== "usd" || !key || prefix !== "") {
            this.b.problem(`price not read: "${cleanText(cell)}" is per 1M characters in a column of ${col.header}`, cellWhere);
            continue;
          }
          this.observeMedia(id, `${tierPrefix}${key}`, perUnit(money.usd, billed), billed.unit, evidence, cellWhere, cell);
          tokenPrices++;
          continue;
        }
        const money = readMoney(cell, "1M tokens");
        if (money.kind === "none") continue;
        if (money.kind === "bad") {
          this.b.problem(`price not read: ${money.reason}`, cellWhere);
          continue;
        }
        this.observeMedia(id, keyOf(tier, `${prefix}${col.dimension}`, undefined), money.usd, "1M tokens", evidence, cellWhere, cell);
        tokenPrices++;
      }
      for (const index of otherCols) {
        const cell = cells[index] ?? "";
        if (!/\$\s?\d/.test(cell)) continue;
        const column = header[index]!;
        const cellWhere = `${rowWhere}, column "${column}"`;
        const billed = billedUnitIn(cell) ?? billedUnitIn(column);
        const money = parseMoneyCell(cell);
        if (!billed || money.kind !== "usd") {
          this.b.problem(`price not read: "${cleanText(cell)}" in column "${column}" gives no unit a price key holds`, cellWhere);
          continue;
        }
        if (billed.unit === "second") {
          const size = sizeVariant(cleanText(cells[sizeCol] ?? ""));
          if (!size) {
            this.b.problem(`a price per second whose size cannot be named ("${cells[sizeCol] ?? ""}"): not read`, cellWhere);
            continue;
          }
          this.observeMedia(id, `${tierPrefix}video_per_second:${size}`, perUnit(money.usd, billed), "second", evidence, cellWhere, cell);
          continue;
        }
        if (/^estimated\b/i.test(column) && tokenPrices > 0) {
          this.b.passOver("worked-example", cell, "an estimated cost per minute beside the token prices it is computed from (transcription, speech)");
          continue;
        }
        const what = billed.unit === "1M characters" ? "input" : perUnitWhat(useCol >= 0 ? cells[useCol] ?? "" : section);
        const key = what && billed.unit !== "1M tokens" && billed.unit !== "image" ? perUnitDimension(what, billed.unit) : undefined;
        if (!key) {
          this.b.problem(`price not read: "${cleanText(cell)}" in column "${column}": which price it is cannot be named`, cellWhere);
          continue;
        }
        this.observeMedia(id, `${tierPrefix}${key}`, perUnit(money.usd, billed), billed.unit, evidence, cellWhere, cell);
      }
    });
  }

  private observeMedia(model: string, price: string, usd: number, unit: Unit, evidence: string, where: string, cell: string): void {
    this.b.observe({ model, price, usd, unit, evidence }, where);
    const stated = parseMoneyCell(cell);
    if (stated.kind === "usd" && usd !== stated.usd) this.b.accountRead(cell); // scaled: "$10 / 1K calls" stored per call
    this.models.add(model);
  }

  private readPerImage(
    t: PageTable,
    where: string,
    tier: TierOrStandard,
    header: string[],
    modelCol: number,
    qualityCol: number,
    raw: RawTable | undefined,
  ): void {
    let sizes = sizeColumns(header);
    this.reportUnknownColumns(t, header, sizes.map(([i]) => i), where);
    let current: { id: string | undefined; name: string } | undefined;
    t.rows.forEach((row, r) => {
      let cells = row.cells.slice();
      if (cells.every((c) => c.trim() === "")) {
        current = undefined; // the blank row between the per-model blocks
        return;
      }
      if (cleanText(cells[modelCol] ?? "").toLowerCase() === "model") {
        sizes = sizeColumns(cells); // a header row inside the table: new sizes follow
        current = undefined;
        return;
      }
      const rawCells = raw?.rows[r];
      let continuation = row.inherited[modelCol] === true || cleanText(cells[modelCol] ?? "") === "";
      // A merged model cell written as a row with no model cell: "| Medium | $0.042 | $0.063 | $0.063 |".
      const shortRow = rawCells !== undefined ? rawCells === header.length - 1 : cells[cells.length - 1] === "";
      if (
        !continuation &&
        modelCol === 0 &&
        qualityCol === 1 &&
        QUALITY_WORD.test(cleanText(cells[0] ?? "")) &&
        !QUALITY_WORD.test(cleanText(cells[1] ?? "")) &&
        shortRow
      ) {
        cells = ["", ...cells.slice(0, -1)];
        continuation = true;
      } else if (rawCells !== undefined && rawCells !== header.length) {
        this.b.problem(`row has ${rawCells} cells but the header has ${header.length}: not read`, `${where}, row "${row.text}"`);
        return;
      }
      if (continuation) {
        if (!current) {
          this.b.problem("row without a model name and no model above it", `${where}, row "${row.text}"`);
          return;
        }
      } else {
        const name = cleanText(cells[modelCol] ?? "");
        current = { id: openAiModelId(name), name };
      }
      const quality = cleanText(cells[qualityCol] ?? "").toLowerCase().replace(/\s+/g, "_");
      const rowWhere = `${where}, row "${current.name} | ${cells[qualityCol] ?? ""}"`;
      if (!current.id) {
        this.b.untrackedModel(current.name, where);
        this.b.passOver("untracked-model", row.cells.join(" | "));
        return;
      }
      if (!/^[a-z][a-z0-9_]*$/.test(quality)) {
        this.b.problem(`quality "${cells[qualityCol] ?? ""}" cannot be a price key`, rowWhere);
        return;
      }
      const evidence = rowEvidence(row);
      for (const [index, size] of sizes) {
        const money = readMoney(cells[index] ?? "", "image");
        if (money.kind === "none") continue;
        if (money.kind === "bad") {
          this.b.problem(`price not read: ${money.reason}`, `${rowWhere}, column "${size}"`);
          continue;
        }
        const key = `${tier === "standard" ? "" : `${tier}/`}image:${quality}:${size}`;
        this.b.observe({ model: current.id, price: key, usd: money.usd, unit: "image", evidence }, `${rowWhere}, column "${size}"`);
        this.models.add(current.id);
      }
    });
  }
}

/** `720p`; or 2025's "Portrait: 720x1280 Landscape: 1280x720", named by its short side as the 2026 page names it (720p). */
function sizeVariant(cell: string): string | undefined {
  if (/^\d{3,4}p$/i.test(cell)) return cell.toLowerCase();
  const shorts = [...cell.matchAll(/(\d{3,4})\s*[x×]\s*(\d{3,4})/g)].map((m) => Math.min(Number(m[1]), Number(m[2])));
  return shorts.length > 0 && shorts.every((n) => n === shorts[0]) ? `${shorts[0]}p` : undefined;
}

/** The row as written: its own cells (not those filled in from a merged cell above), without trailing padding. */
function rowEvidence(row: TableRow): string {
  const own = row.cells.filter((_, i) => !row.inherited[i]);
  while (own.length > 1 && own[own.length - 1]!.trim() === "") own.pop();
  return own.join(" | ");
}

function sizeColumns(cells: string[]): [number, string][] {
  return cells.flatMap((c, i) => {
    const m = SIZE_HEADER.exec(cleanText(c));
    return m ? [[i, `${Number(m[1])}x${Number(m[2])}`] as [number, string]] : [];
  });
}

/** Models any OpenAI pricing page of any year lists; a page naming fewer than three is not the page. */
const ANCHOR_MODELS = [
  "gpt-3.5-turbo",
  "gpt-3.5-turbo-0125",
  "gpt-4",
  "gpt-4-0125-preview",
  "gpt-4-turbo-2024-04-09",
  "gpt-4o",
  "gpt-4o-mini",
  "gpt-4.1",
  "gpt-4.1-mini",
  "o1",
  "o3",
  "o3-mini",
  "o4-mini",
  "gpt-5",
  "gpt-5-mini",
  "text-embedding-3-small",
  "text-embedding-3-large",
].map((m) => `openai/${m}`);

const MIN_STANDARD_TEXT_MODELS = 5;
const MIN_ANCHORS = 3;

function readTablePage(b: ExtractionBuilder, $: CheerioAPI, tables: PageTable[], body: string, format: PageFormat): void {
  const blocks = walkBlocks($);
  const contexts = tableContexts(blocks, tables.length);
  let raw: RawTable[] | undefined;
  if (format === "markdown") {
    const scanned = scanPipeTables(stripFrontMatter(body));
    // Only trust the row counts when the raw tables line up one to one with the rendered ones.
    if (scanned.length === tables.length && scanned.every((s, i) => s.rows.length === tables[i]!.rows.length)) raw = scanned;
  }
  const reader = new TablePageReader(b, raw);
  for (const t of tables) reader.read(t, contexts.get(t.index)!);

  // Is this the page we expect? A Standard text-token table with enough models, and models we know.
  const textHeading = blocks.find((x) => x.kind !== "table" && /^(?:text tokens|flagship models|standard pricing data)$/i.test(x.text));
  const where = textHeading ? `${textHeading.kind === "heading" ? "heading" : "section"} "${textHeading.text}"` : "page";
  if (reader.standardTextTables === 0) {
    b.fail(
      "no Standard text-token table (Model | Input | … | Output under a Standard tab label or heading): the page layout has changed",
      where,
    );
    return;
  }
  if (reader.standardTextModels.size < MIN_STANDARD_TEXT_MODELS) {
    b.fail(
      `only ${reader.standardTextModels.size} model(s) read from Standard text-token tables (expected at least ${MIN_STANDARD_TEXT_MODELS})`,
      where,
    );
    return;
  }
  const anchors = ANCHOR_MODELS.filter((m) => reader.models.has(m));
  if (anchors.length < MIN_ANCHORS) {
    b.fail(`only ${anchors.length} of the well-known OpenAI models were found (expected at least ${MIN_ANCHORS})`, "page");
  }
}

// ---------------------------------------------------------------------------------------------------------
// The 2024 collapsed-text page

/** A collapsed table starts with its header words run together: `ModelInputOutput…`, `ModelUsage…`. */
const COLLAPSED_TABLE_START = /^(?:Model|Tool)(?=Input|Output|Usage|Training|Quality|Resolution|Price|Cost)/;
const COLLAPSED_HEADER_WORDS = ["Input usage", "Output usage", "Model", "Input", "Output", "Usage", "Training", "Quality", "Resolution", "Price", "Cost", "Tool"];
const TOKEN_PRICE = /\$\s?[0-9][0-9,]*(?:\.[0-9]+)*\s*\/\s*1\s?[MK]\s+tokens/g;
const IMAGE_PRICE = /\$\s?[0-9][0-9,]*(?:\.[0-9]+)*\s*\/\s*image/g;
const CARD_LABELS = new Set(["Input", "Output", "Usage", "Training", "Input usage", "Output usage", "Quality", "Resolution", "Price"]);

function looksCollapsed(body: string): boolean {
  return body.split(/\r?\n/).some((l) => COLLAPSED_TABLE_START.test(l.trim()));
}

function isCapsHeading(line: string): boolean {
  const s = line.trim();
  return s.length >= 2 && s.length <= 60 && /[A-Z].*[A-Z]/.test(s) && !/[a-z]/.test(s) && !/[$\[\]]/.test(s);
}

interface CollapsedTable {
  n: number;
  heading: string | undefined;
  header: string[];
  body: string;
}

function collapsedTables(lines: string[]): CollapsedTable[] {
  const tables: CollapsedTable[] = [];
  let heading: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (isCapsHeading(line) && (i === 0 || lines[i - 1]!.trim() === "")) heading = line;
    if (!COLLAPSED_TABLE_START.test(line)) continue;
    const parts: string[] = [];
    let j = i;
    for (; j < lines.length && lines[j]!.trim() !== ""; j++) parts.push(lines[j]!.trim());
    // Lines were wrapped at spaces: joining them with a space gives the run back.
    let text = parts.join(" ");
    const header: string[] = [];
    for (let matched = true; matched; ) {
      matched = false;
      for (const w of COLLAPSED_HEADER_WORDS) {
        if (text.startsWith(w)) {
          header.push(w);
          text = text.slice(w.length);
          matched = true;
          break;
        }
      }
    }
    tables.push({ n: tables.length, heading, header, body: text.trim() });
    i = j;
  }
  return tables;
}

/** The per-model cards under each collapsed table: `GPT-4-0125-PREVIEW`, blank, `Input`, `$10.00 / 1M tokens`, … */
function readCards(lines: string[]): Map<string, Map<string, string> | null> {
  const cards = new Map<string, Map<string, string> | null>();
  for (let i = 0; i + 2 < lines.length; i++) {
    const name = lines[i]!.trim();
    if (!isCapsHeading(name) || lines[i + 1]!.trim() !== "" || !CARD_LABELS.has(lines[i + 2]!.trim())) continue;
    const fields = new Map<string, string>();
    let j = i + 2;
    for (; j + 1 < lines.length && CARD_LABELS.has(lines[j]!.trim()); j += 2) fields.set(lines[j]!.trim(), lines[j + 1]!.trim());
    cards.set(name, cards.has(name) ? null : fields);
    i = j - 1;
  }
  return cards;
}

/** A collapsed run with a space before each amount (`tokens$12.00` → `tokens $12.00`), so each is one amount. */
function spaced(text: string): string {
  return text.replace(/\$/g, " $");
}

function readCollapsedPage(b: ExtractionBuilder, body: string): void {
  const lines = stripFrontMatter(body).split(/\r?\n/);
  const cards = readCards(lines);
  const models = new Set<string>();
  let tokenTables = 0;
  for (const table of collapsedTables(lines)) {
    const where = `text table ${table.n}${table.heading ? ` under "${table.heading}"` : ""}`;
    const h = table.header.join("|");
    if (h === "Model|Input|Output") {
      tokenTables++;
      readCollapsedTokens(b, table, where, ["input", "output"], ["Input", "Output"], cards, models);
    } else if (h === "Model|Usage" && /EMBEDDING/.test(table.heading ?? "")) {
      tokenTables++;
      readCollapsedTokens(b, table, where, ["input"], ["Usage"], cards, models);
    } else if (h === "Model|Quality|Resolution|Price") {
      readCollapsedImages(b, table, where, models);
    } else if (table.header[0] === "Tool") {
      b.passOver("tool-fees", spaced(table.body)); // Code interpreter per session, Retrieval per GB per day
    } else if (h === "Model|Training|Input usage|Output usage") {
      b.passOver("fine-tuning", spaced(table.body));
    } else if (h === "Model|Usage") {
      // Base models' one "Usage" price for input and output together, and audio per minute / per 1M
      // characters under display names ("Whisper", "TTS", "TTS HD") that name no API id: not read, said so.
      b.passOver(
        "untracked-model",
        spaced(table.body),
        `a "Model | Usage" table: base models priced for input and output together, or audio models named by display name only (Whisper, TTS), which no price key or API id here holds`,
      );
    } else {
      b.problem(`collapsed table with header "${table.header.join(" | ")}" is not understood: not read`, where);
    }
  }
  // The vision calculator: a worked example ("=$0.00255", "Price per 1K tokens (fixed)$0.01 … Total price $0.00255").
  const calculator = lines.findIndex((l) => /^\s*VISION PRICING CALCULATOR\s*$/.test(l));
  if (calculator >= 0) {
    for (const line of lines.slice(calculator + 1)) {
      if (isCapsHeading(line.trim()) || COLLAPSED_TABLE_START.test(line.trim())) break;
      b.passOver("worked-example", line, "the vision pricing calculator's worked example of one image's cost");
    }
  }
  // The questions at the end: a subscription ("costs $20/month") and a worked bill ("… / 1000 = $0.002").
  const paragraphs = lines.join("\n").split(/\n\s*\n/);
  for (const paragraph of paragraphs) {
    if (/\$\s?\d[\d.,]*\s*\/\s*month\b/i.test(paragraph) && /subscription/i.test(paragraph)) b.passOver("plan-and-credits", paragraph);
    else if (/=\s*\$\s?\d/.test(paragraph) && /\bwill cost\b|\bcosts?\b/i.test(paragraph)) b.passOver("worked-example", paragraph);
  }
  if (tokenTables === 0) {
    b.fail("no collapsed Model/Input/Output table found: the page layout has changed", "page");
    return;
  }
  const anchors = ANCHOR_MODELS.filter((m) => models.has(m));
  if (anchors.length < MIN_ANCHORS) {
    b.fail(`only ${anchors.length} of the well-known OpenAI models were found (expected at least ${MIN_ANCHORS})`, "page");
  }
}

function readCollapsedTokens(
  b: ExtractionBuilder,
  table: CollapsedTable,
  where: string,
  dims: TokenPrice[],
  labels: string[],
  cards: Map<string, Map<string, string> | null>,
  models: Set<string>,
): void {
  const matches = [...table.body.matchAll(TOKEN_PRICE)];
  const dollars = (table.body.match(/\$/g) ?? []).length;
  const n = dims.length;
  if (matches.length === 0 || dollars !== matches.length || matches.length % n !== 0) {
    b.problem(
      `cannot split the run into rows of a model and ${n} price(s) per 1M/1K tokens (${matches.length} prices, ${dollars} dollar signs): not read`,
      where,
    );
    return;
  }
  // Text between prices: before the first price of a row is the model name, between a row's prices nothing.
  const gaps: string[] = [];
  let at = 0;
  for (const m of matches) {
    gaps.push(table.body.slice(at, m.index));
    at = m.index + m[0].length;
  }
  if (table.body.slice(at).trim() !== "") {
    b.problem(`text after the last price: "${table.body.slice(at).trim()}": not read`, where);
    return;
  }
  for (let r = 0; r * n < matches.length; r++) {
    const name = gaps[r * n]!.trim();
    const rowText = cleanText(
      table.body.slice(matches[r * n]!.index - gaps[r * n]!.length, matches[r * n + n - 1]!.index + matches[r * n + n - 1]![0].length),
    );
    const rowWhere = `${where}, row "${name}"`;
    if (gaps.slice(r * n + 1, r * n + n).some((g) => g.trim() !== "")) {
      b.problem(`unexpected text between the prices of a row: "${rowText}"`, rowWhere);
      continue;
    }
    const id = openAiModelId(name);
    if (!id) {
      b.untrackedModel(name, where);
      continue;
    }
    const card = cards.get(name.toUpperCase());
    for (let c = 0; c < n; c++) {
      const money = readMoney(matches[r * n + c]![0], "1M tokens");
      if (money.kind !== "usd") {
        b.problem(`price not read: ${money.kind === "bad" ? money.reason : "no price"}`, `${rowWhere}, column "${labels[c]}"`);
        continue;
      }
      // The page repeats every row as a card below the table: they must agree.
      const cardText = card?.get(labels[c]!);
      if (cardText !== undefined) {
        const cardMoney = readMoney(cardText, "1M tokens");
        if (cardMoney.kind !== "usd" || cardMoney.usd !== money.usd) {
          b.problem(`the table says ${matches[r * n + c]![0]} but the card for ${name} says "${cardText}": not read`, `${rowWhere}, column "${labels[c]}"`);
          continue;
        }
      }
      b.observe({ model: id, price: dims[c]!, usd: money.usd, unit: "1M tokens", evidence: rowText }, `${rowWhere}, column "${labels[c]}"`);
      models.add(id);
    }
  }
}

const DISPLAY_PREFIXES = [...DISPLAY_NAMES.keys()].sort((x, y) => y.length - x.length);
const IMAGE_SEGMENT = /^(standard|hd|low|medium|high)?\s*(\d{2,5}\s*[×x]\s*\d{2,5}(?:\s*,\s*\d{2,5}\s*[×x]\s*\d{2,5})*)$/i;

function readCollapsedImages(b: ExtractionBuilder, table: CollapsedTable, where: string, models: Set<string>): void {
  const matches = [...table.body.matchAll(IMAGE_PRICE)];
  const dollars = (table.body.match(/\$/g) ?? []).length;
  if (matches.length === 0 || dollars !== matches.length) {
    b.problem(`cannot split the run into rows ending in a price per image (${matches.length} prices, ${dollars} dollar signs): not read`, where);
    return;
  }
  let at = 0;
  let current: { id: string; name: string } | undefined;
  for (const m of matches) {
    const segment = table.body.slice(at, m.index).trim();
    const rowText = cleanText(`${segment}${m[0]}`);
    at = m.index + m[0].length;
    // A segment is [model display name][quality]<sizes>: "DALL·E 3Standard1024×1024", "HD1024×1792, 1792×1024".
    const key = displayKey(segment);
    const prefix = DISPLAY_PREFIXES.find((p) => key.startsWith(p));
    let rest = segment;
    if (prefix) {
      current = { id: `openai/${DISPLAY_NAMES.get(prefix)!}`, name: segment.slice(0, prefix.length) };
      rest = segment.slice(prefix.length);
    }
    const parsed = IMAGE_SEGMENT.exec(rest.trim());
    if (!parsed || !current) {
      b.problem(`cannot read "${rowText}" as [model] [quality] size(s) price`, `${where}, row "${segment}"`);
      continue;
    }
    const rowWhere = `${where}, row "${current.name}${prefix ? "" : ` … ${segment}`}"`;
    if (!parsed[1]) {
      b.problem(`"${rowText}" gives no quality, and a per-image price key needs one (image:<quality>:<WxH>): not read`, rowWhere);
      continue;
    }
    const money = readMoney(m[0], "image");
    if (money.kind !== "usd") {
      b.problem(`price not read: ${money.kind === "bad" ? money.reason : "no price"}`, rowWhere);
      continue;
    }
    const quality = parsed[1].toLowerCase();
    for (const size of parsed[2]!.split(",")) {
      const [w, h] = size.split(/[×x]/).map((s) => Number(s.trim()));
      b.observe({ model: current.id, price: `image:${quality}:${w}x${h}`, usd: money.usd, unit: "image", evidence: rowText }, rowWhere);
    }
    models.add(current.id);
  }
  if (table.body.slice(at).trim() !== "") b.problem(`text after the last price: "${table.body.slice(at).trim()}"`, where);
}

// ---------------------------------------------------------------------------------------------------------

function readOpenAiPage(b: ExtractionBuilder, body: string, format: PageFormat): void {
  const $ = loadDocument(body, format);
  const tables = readTables($);
  if (tables.length > 0) {
    readTablePage(b, $, tables, body, format);
  } else if (looksCollapsed(body)) {
    readCollapsedPage(b, body);
  } else {
    b.fail("no price table on the page (neither tables nor the collapsed-text layout)", "page");
  }
}

export const openAiPricingSource: PricingSource = {
  id: SOURCE_ID,
  vendor: "openai",
  url: "https://developers.openai.com/api/docs/pricing.md",
  format: "markdown",
  fetchWith: "http",
  extract(body: string, format: PageFormat = "markdown") {
    return extractWith(SOURCE_ID, body, (b) => readOpenAiPage(b, body, format));
  },
};
