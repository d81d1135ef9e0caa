import type { CheerioAPI } from "cheerio";
import { formatPriceKey, type Tier } from "../../schemas/price-key.ts";
import { type ContextCondition, conditionKey, contextConditionIn, thresholdAboveIn } from "../extract/context-conditions.ts";
import { datedBoundsIn, withdrawalsIn } from "../extract/dates.ts";
import { cleanText, loadDocument, type PageFormat, stripFrontMatter } from "../extract/document.ts";
import { isNoPrice, parseMoneyCell, perMillionTokens } from "../extract/money.ts";
import { tierNamedIn, tokenDimensionIn } from "../extract/price-labels.ts";
import { type PageTable, readTables, type TableRow } from "../extract/tables.ts";
import { amountsIn, type PassRule } from "../extract/accounting.ts";
import { multipliersIn } from "../extract/multipliers.ts";
import { ExtractionBuilder, extractWith, type PricingSource } from "./source.ts";

/**
 * Anthropic's pricing page: platform.claude.com/docs/en/about-claude/pricing.md (earlier docs.claude.com),
 * and, for history, the 2024 anthropic.com/api text.
 *
 * The docs page is one long markdown file in which the same model appears in several tables (model
 * pricing, batch, fast mode, long context, tool tokens). A table's meaning is taken from the heading
 * right above it, never from its position on the page:
 *
 *   "Model pricing"          → input, cache_write_5m, cache_write_1h, cached_input, output
 *   "Batch processing"       → batch/input, batch/output
 *   "Fast mode pricing"      → fast/input, fast/output (…@over_200k where it splits at 200K input tokens)
 *   "Long context pricing"   → input@over_200k, output@over_200k (the "≤ 200K" column is only cross-checked)
 *   anything else            → skipped (tool tokens, CCU tables, worked examples …)
 *
 * Columns are recognised by what their header says (Base Input Tokens, 5m Cache Writes, …), so column
 * order and extra columns do not matter; a column with prices that is not understood is reported.
 *
 * Model names map to catalog ids by one rule for Claude 4 and later, and an explicit table before that:
 *
 *   Claude <Family> <major>.<minor>  → anthropic/claude-<family>-<major>-<minor>   (Sonnet 4.5 → claude-sonnet-4-5)
 *   Claude <Family> <major>  (≥ 5)   → anthropic/claude-<family>-<major>           (Fable 5 → claude-fable-5)
 *   Claude Opus 4 / Claude Sonnet 4  → anthropic/claude-opus-4-0 / claude-sonnet-4-0 (the API's -0 aliases)
 *   Claude 3.x, 2.x, Instant         → LEGACY_IDS below (Haiku 3.5 → claude-3-5-haiku, 2.1 → claude-2.1, …)
 *
 * Anything else is reported as untracked, never guessed. A row label that names one side of a context
 * threshold as the shared vocabulary reads it ("Claude Sonnet 5 (prompts > 200K tokens)", "(for prompts up to
 * 100,000 tokens)") prices that side (`input@over_200k`, or the plain keys); any other context wording is reported.
 *
 * Every dollar the page states is accounted for: the tables above are read; an untracked model's row is
 * passed over as such; outside those sections, the worked bills ("50,000 × $5 / 1,000,000 | $0.25", "Total
 * cost: ~$37.00 per 10,000 tickets"), the marketplaces' "$0.01 per CCU" and the tools' and Managed Agents'
 * fees ("$0.05 USD per hour, per container", "$0.08 per session-hour", "$10 per 1,000 searches") are passed
 * over by name; anything else is reported. The batch discount ("a 50% discount on both input and output
 * tokens") and the prompt-caching table ("1.25x base input price") are recorded as multipliers.
 *
 * The module is long (past 300 lines) because the page is: five kinds of table, the 2024 text page, model
 * names of three generations, and the page's other dollars each need their own reading, and they share the
 * label, column and sanity rules, which would only be passed around if split into files.
 */

const SOURCE_ID = "anthropic-pricing";

/** Fewer known models than this in the model table (or the 2024 text) means the page is not what we think. */
const MIN_KNOWN_MODELS = 3;

const UNIT = "1M tokens" as const;

// ---------------------------------------------------------------------------------------------------
// Model names
// ---------------------------------------------------------------------------------------------------

/**
 * The Claude 3 generation and older, which Anthropic wrote both ways ("Claude 3 Opus", later
 * "Claude Opus 3"), and whose API ids put the version first. Keys are lower case, without "Claude ".
 */
const LEGACY_IDS: Readonly<Record<string, string>> = {
  "3 opus": "claude-3-opus",
  "opus 3": "claude-3-opus",
  "3 sonnet": "claude-3-sonnet",
  "sonnet 3": "claude-3-sonnet",
  "3 haiku": "claude-3-haiku",
  "haiku 3": "claude-3-haiku",
  "3.5 sonnet": "claude-3-5-sonnet",
  "sonnet 3.5": "claude-3-5-sonnet",
  "3.5 haiku": "claude-3-5-haiku",
  "haiku 3.5": "claude-3-5-haiku",
  "3.7 sonnet": "claude-3-7-sonnet",
  "sonnet 3.7": "claude-3-7-sonnet",
  // The 2024 anthropic.com page: "Legacy model pricing".
  "2.1": "claude-2.1",
  "2.0": "claude-2.0",
  // In 2024 the only Claude Instant on the API was claude-instant-1.2.
  instant: "claude-instant-1.2",
  "instant 1.2": "claude-instant-1.2",
};

/** Words that can follow "Claude" with a version number but are not a model family. */
const NOT_A_FAMILY = new Set([
  "api", "app", "code", "console", "desktop", "enterprise", "instant", "max", "model", "models", "platform", "pro", "team",
]);

/** `Claude Sonnet 4.5` → `anthropic/claude-sonnet-4-5`, or undefined when the name does not fit the rules. */
export function anthropicModelId(name: string): string | undefined {
  const s = cleanText(name).toLowerCase().replace(/^claude\s+/, "");
  const legacy = LEGACY_IDS[s];
  if (legacy) return `anthropic/${legacy}`;
  const m = /^([a-z]+) ([1-9][0-9]*)(?:\.([0-9]+))?$/.exec(s);
  if (!m) return undefined;
  const family = m[1]!;
  const major = Number(m[2]);
  const minor = m[3];
  if (major < 4 || NOT_A_FAMILY.has(family)) return undefined;
  if (minor === undefined) {
    if (major === 4) return family === "opus" || family === "sonnet" ? `anthropic/claude-${family}-4-0` : undefined;
    return `anthropic/claude-${family}-${major}`;
  }
  return `anthropic/claude-${family}-${major}-${minor}`;
}

/** The models one row label stands for, and the days its prices hold. */
interface RowModels {
  ids: string[];
  /** The label as read, for evidence. */
  label: string;
  effectiveFrom?: string;
  effectiveUntil?: string;
  /** "Claude Sonnet 5 (prompts > 200K tokens)": the side of a context threshold the row's prices are for. */
  condition?: ContextCondition;
}

type LabelResult =
  | { kind: "models"; value: RowModels }
  | { kind: "untracked"; name: string }
  | { kind: "problem"; message: string };

/** Parentheticals that are status notes ("(deprecated)", "(retired, except on Bedrock …)"): dropped with any date in them. */
const STATUS_NOTE = /\((?:[^()]*\b(?:deprecat|retir|legacy|limited availability|shut ?down|sunset|except on|preview|beta)[^()]*)\)/gi;

function stripParentheticals(text: string): string {
  let out = text;
  for (let prev = ""; prev !== out; ) {
    prev = out;
    out = out.replace(/\([^()]*\)/g, " ");
  }
  return out;
}

/**
 * A row label such as `Claude Sonnet 5 through August 31, 2026`, `Claude Opus 4.1 (deprecated)`,
 * `Claude Sonnet 4.6 / 4.5 / 4` or `Claude Opus 5 / Claude Opus 4.8` → model ids and dates.
 */
function parseLabel(raw: string): LabelResult {
  const label = cleanText(raw);
  let text = label;
  for (let prev = ""; prev !== text; ) {
    prev = text;
    text = text.replace(STATUS_NOTE, " ");
  }
  // "through August 31, 2026", "starting September 1, 2026": the days the row's prices hold.
  const dated = datedBoundsIn(text, { quoted: label });
  if (dated.kind === "problem") return dated;
  const { effectiveFrom, effectiveUntil } = dated;
  // "Claude Sonnet 5 (prompts > 200K tokens)", "(for prompts up to 100,000 tokens)": the row prices one side of a
  // context threshold, as the shared vocabulary reads it (over_200k, or the standard side); the rest names the models.
  const { condition, rest } = contextConditionIn(dated.rest);
  // A context length the vocabulary reads no one side of ("over 200K and up to 1M tokens", "long context",
  // "prompts of any length"): which price keys the row's prices are is not guessed.
  if (!condition && (thresholdAboveIn(rest) !== undefined || /\b(?:long|short)(?:er)?[- ]context\b|\bprompts?\b/i.test(rest))) {
    return { kind: "problem", message: `the label "${label}" names a context length: which price keys its prices are is not guessed` };
  }
  text = stripParentheticals(rest)
    .replace(/[*†‡⁰¹²³⁴-⁹]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[\s,:;–—-]+|[\s,:;–—-]+$/g, "");
  const parts = text.split(/\s*(?:\/|,|&|\band\b|\bor\b)\s*/i).filter((p) => p !== "");
  if (parts.length === 0) return { kind: "untracked", name: label };
  const ids: string[] = [];
  let family: string | undefined;
  for (const part of parts) {
    let name = part;
    if (/^\d+(?:\.\d+)?$/.test(part)) {
      // "Claude Sonnet 4.6 / 4.5 / 4": a bare version takes the family of the name before it.
      if (!family) return { kind: "untracked", name: text };
      name = `Claude ${family} ${part}`;
    }
    const id = anthropicModelId(name);
    if (!id) return { kind: "untracked", name: text };
    family = /^(?:claude\s+)?([a-z]+)\s+\d/i.exec(name)?.[1];
    if (!ids.includes(id)) ids.push(id);
  }
  return {
    kind: "models",
    value: {
      ids,
      label,
      ...(effectiveFrom ? { effectiveFrom } : {}),
      ...(effectiveUntil ? { effectiveUntil } : {}),
      ...(condition ? { condition } : {}),
    },
  };
}

/**
 * Models named in running text ("When using Claude Sonnet 4 or Sonnet 4.5 with …", "Currently supported
 * on Opus 4.6:"), for tables that have no model column. Only "Claude <Family> <n>" or one of the known
 * families followed by a version counts.
 */
function modelsInProse(text: string): string[] {
  const ids: string[] = [];
  const add = (name: string) => {
    const id = anthropicModelId(name);
    if (id && !ids.includes(id)) ids.push(id);
  };
  const re = /\b(?:Claude\s+([A-Z][a-z]+)|(Opus|Sonnet|Haiku|Fable|Mythos))\s+(\d+(?:\.\d+)?)\b/g;
  for (const m of text.matchAll(re)) add(`Claude ${m[1] ?? m[2]} ${m[3]}`);
  return ids;
}

// ---------------------------------------------------------------------------------------------------
// What headers, row labels and cells mean
// ---------------------------------------------------------------------------------------------------

type Section = "model" | "batch" | "fast" | "long";

const SECTION_NAMES: Record<Section, string> = {
  model: "Model pricing",
  batch: "Batch processing",
  fast: "Fast mode pricing",
  long: "Long context pricing",
};

/** Which kind of prices a heading announces; undefined for every other heading. */
function sectionOf(heading: string | undefined): Section | undefined {
  if (!heading) return undefined;
  // Docs sites decorate headings: zero-width spaces, "#" or "¶" anchors, trailing colons.
  const h = cleanText(heading.replace(/[\u200b-\u200d\ufeff]/g, ""))
    .replace(/^[#¶\s]+|[#¶:\s]+$/g, "")
    .toLowerCase();
  if (/^(?:claude\s+)?(?:api\s+)?models?\s+pric(?:ing|es)$/.test(h)) return "model";
  const tier = tierNamedIn(h);
  if (tier === "batch" || tier === "fast") return tier;
  if (/\blong[- ]context\b/.test(h)) return "long";
  return undefined;
}

interface ColumnMeaning {
  dimension: string | undefined;
  tier: Tier | undefined;
  condition: ContextCondition | undefined;
}

/** What a header says its prices are: "Base Input Tokens", "5m Cache Writes", "Batch input", "> 200K input tokens". */
function columnMeaning(header: string): ColumnMeaning | undefined {
  const { condition, rest } = contextConditionIn(header);
  const dimension = tokenDimensionIn(rest);
  const tier = tierNamedIn(rest);
  if (!dimension && !condition) return undefined;
  return { dimension, tier, condition };
}

function isModelHeader(header: string): boolean {
  return /^(?:claude\s+)?models?(?:\s+name)?$/i.test(cleanText(header));
}

/** The model column: by header, else the column most of whose cells start with "Claude". */
function findModelColumn(table: PageTable, priceColumns: Set<number>): number | undefined {
  const byHeader = table.header.findIndex((h, i) => !priceColumns.has(i) && isModelHeader(h));
  if (byHeader >= 0) return byHeader;
  for (let i = 0; i < table.header.length; i++) {
    if (priceColumns.has(i)) continue;
    const cells = table.rows.map((r) => r.cells[i] ?? "").filter((c) => c !== "");
    if (cells.length > 0 && cells.filter((c) => /^claude\b/i.test(c)).length * 2 > cells.length) return i;
  }
  return undefined;
}

function hasDollar(text: string): boolean {
  return /\$|\bUSD\b/.test(text.replace(/\\\$/g, "$"));
}

/** A table of token prices per model: a model column, an input or output column, and dollar amounts. */
function looksLikeTokenPriceTable(table: PageTable): boolean {
  const meanings = table.header.map(columnMeaning);
  const priceColumns = new Set(meanings.flatMap((m, i) => (m?.dimension ? [i] : [])));
  if (priceColumns.size === 0) return false;
  if (findModelColumn(table, priceColumns) === undefined) return false;
  return table.rows.some((r) => r.cells.some((c, i) => priceColumns.has(i) && hasDollar(c)));
}

const NEGATION = /\bnot\b|n't\b|\bno longer\b|\bexcept\b|\bexcluding\b|\bdeprecated\b|\bremoved\b|\bunavailable\b|\bretired\b/i;

// ---------------------------------------------------------------------------------------------------
// Reading tables
// ---------------------------------------------------------------------------------------------------

interface PriceCell {
  tier: Tier | undefined;
  dimension: string;
  condition: ContextCondition;
  usd: number;
}

/** A standard-context price seen in the long-context table, to compare with the model table. */
interface CrossCheck {
  model: string;
  price: string;
  usd: number;
  effectiveFrom: string | undefined;
  effectiveUntil: string | undefined;
  where: string;
}

class PageReader {
  readonly crossChecks: CrossCheck[] = [];
  /** Models the model table gave at least one price for. */
  readonly modelTableModels = new Set<string>();

  constructor(readonly result: ExtractionBuilder) {}

  readTable(table: PageTable, section: Section): void {
    const heading = table.headings.at(-1) ?? "";
    const where = `table ${table.index} under "${heading}"`;
    const meanings = table.header.map(columnMeaning);
    const priceColumns = new Set(meanings.flatMap((m, i) => (m ? [i] : [])));
    const modelColumn = findModelColumn(table, priceColumns);
    const headerText = JSON.stringify(table.header);

    if (!this.checkHeader(table, section, meanings, modelColumn, where)) return;

    // Columns nobody understood but that hold dollar amounts: say so rather than drop them silently.
    table.header.forEach((h, i) => {
      if (i === modelColumn || priceColumns.has(i)) return;
      if (table.rows.some((r) => hasDollar(r.cells[i] ?? ""))) {
        this.result.problem(`column "${h}" holds prices this source does not understand; not read (header ${headerText})`, where);
      }
    });

    let prose: RowModels | undefined;
    if (modelColumn === undefined) {
      prose = this.modelsFromPreface(table, where);
      if (!prose) return;
    }

    const context = [table.header.join(" "), ...table.preface, ...table.rows.map((r) => r.text)].join(" ");
    const conflicts = new Set<number>();
    // The model of the row above, for continuation rows; "skip" when that row was not read.
    let previous: RowModels | "skip" | undefined;
    table.rows.forEach((row, r) => {
      const rowWhere = `${where}, row ${r + 1}`;
      let models: RowModels;
      let evidence = row.text;
      if (modelColumn !== undefined) {
        const label = row.cells[modelColumn] ?? "";
        if (label === "") {
          if (previous === "skip") return;
          if (!previous) {
            if (row.cells.some((c, i) => priceColumns.has(i) && hasDollar(c))) {
              this.result.problem(`a row with prices but no model: "${row.text}"`, rowWhere);
            }
            return;
          }
          // A continuation row ("| | Output: $25 / MTok | …"): same model as the row above.
          models = previous;
          evidence = `${previous.label} | ${row.text}`;
        } else {
          const parsed = parseLabel(label);
          previous = "skip";
          if (parsed.kind === "untracked") {
            this.result.untrackedModel(parsed.name, rowWhere);
            this.result.passOver("untracked-model", row.text);
            return;
          }
          if (parsed.kind === "problem") {
            this.result.problem(`${parsed.message}; row not read`, rowWhere);
            return;
          }
          models = parsed.value;
          previous = models;
        }
      } else {
        models = prose!;
        evidence = `${row.text} [models from: "${models.label}"]`;
      }

      const cells = this.readRow(table, row, section, meanings, priceColumns, modelColumn, context, rowWhere, conflicts, models.condition);
      if (!cells || cells.length === 0) return;
      if (!this.saneRow(cells, row, rowWhere)) return;

      for (const model of models.ids) {
        for (const cell of cells) {
          const price = formatPriceKey({
            tier: cell.tier,
            dimension: cell.dimension,
            condition: conditionKey(cell.condition),
          });
          if (section === "long" && cell.condition.kind === "standard" && cell.tier === undefined) {
            // "≤ 200K input tokens" in the long-context table is the standard price: the model table owns it.
            this.crossChecks.push({
              model,
              price,
              usd: cell.usd,
              effectiveFrom: models.effectiveFrom,
              effectiveUntil: models.effectiveUntil,
              where: rowWhere,
            });
            continue;
          }
          const before = this.result.observations.length;
          this.result.observe(
            {
              model,
              price,
              usd: cell.usd,
              unit: UNIT,
              ...(models.effectiveFrom ? { effectiveFrom: models.effectiveFrom } : {}),
              ...(models.effectiveUntil ? { effectiveUntil: models.effectiveUntil } : {}),
              evidence,
            },
            rowWhere,
          );
          if (section === "model" && this.result.observations.length > before) this.modelTableModels.add(model);
        }
      }
    });
  }

  /** Drift checks on a table's header. False when the table cannot be read at all. */
  private checkHeader(
    table: PageTable,
    section: Section,
    meanings: (ColumnMeaning | undefined)[],
    modelColumn: number | undefined,
    where: string,
  ): boolean {
    const headerText = JSON.stringify(table.header);
    // Two columns that read as the same price ("Input" twice): which one is meant cannot be known.
    const seen = new Map<string, number>();
    for (const [i, m] of meanings.entries()) {
      if (!m?.dimension) continue;
      const key = `${resolveTier(section, m.tier) ?? ""}|${m.dimension}|${m.condition ? (conditionKey(m.condition) ?? "standard") : ""}`;
      const first = seen.get(key);
      if (first !== undefined) {
        const message = `columns "${table.header[first]}" and "${table.header[i]}" both read as ${m.dimension} (header ${headerText}); table not read`;
        if (section === "model") this.result.fail(message, where);
        else this.result.problem(message, where);
        return false;
      }
      seen.set(key, i);
    }
    const has = (dimension: string, tier: Tier | undefined) =>
      meanings.some(
        (m) => m?.dimension === dimension && (m.tier === tier || (m.tier === undefined && section !== "model")),
      );
    if (section === "model") {
      if (modelColumn === undefined) {
        this.result.fail(`the model pricing table has no Model column (header ${headerText})`, where);
        return false;
      }
      const missingCore = ["input", "output"].filter((d) => !has(d, undefined));
      if (missingCore.length > 0) {
        this.result.fail(
          `the model pricing table has no ${missingCore.join(" or ")} column (header ${headerText}); the layout changed`,
          where,
        );
        return false;
      }
      const missing = ["cache_write_5m", "cache_write_1h", "cached_input"].filter((d) => !has(d, undefined));
      if (missing.length > 0) {
        this.result.problem(`the model pricing table has no column for ${missing.join(", ")} (header ${headerText})`, where);
      }
      return true;
    }
    if (section === "batch") {
      if (modelColumn === undefined) {
        this.result.problem(`the batch table has no Model column (header ${headerText}); not read`, where);
        return false;
      }
      const missing = ["input", "output"].filter((d) => !has(d, "batch"));
      if (missing.length > 0) {
        this.result.problem(`the batch table has no batch ${missing.join(" or ")} column (header ${headerText})`, where);
      }
    }
    if (!meanings.some((m) => m !== undefined)) {
      if (table.rows.some((r) => r.cells.some(hasDollar))) {
        this.result.problem(`no price column recognised in the header ${headerText}; table not read`, where);
      }
      return false;
    }
    return true;
  }

  /** For a table without a model column: the models the text just above it names (first block that names any). */
  private modelsFromPreface(table: PageTable, where: string): RowModels | undefined {
    const blocks = table.preface.map((text) => ({ text, ids: modelsInProse(text) })).filter((b) => b.ids.length > 0);
    // "… is not available on Opus 4.7", "except Sonnet 4": a sentence that names models to exclude them
    // cannot say which models the table is for.
    const negative = blocks
      .flatMap((b) => b.text.split(/(?<=[.:;!?])\s+/))
      .find((sentence) => modelsInProse(sentence).length > 0 && NEGATION.test(sentence));
    if (negative) {
      this.result.problem(
        `the table has no model column and the text above it names models in a negative sentence ("${negative}"); not read`,
        where,
      );
      return undefined;
    }
    const first = blocks[0];
    if (!first) {
      this.result.problem(
        `the table has no model column and the text above it names no model (header ${JSON.stringify(table.header)}); not read`,
        where,
      );
      return undefined;
    }
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
    const other = blocks.find((b) => !same(b.ids, first.ids));
    if (other) {
      this.result.problem(
        `the table has no model column and the text above it names different models ("${first.text}" vs "${other.text}"); not read`,
        where,
      );
      return undefined;
    }
    return { ids: first.ids, label: first.text };
  }

  /** The prices of one row, with tier, dimension and condition resolved; undefined when the row must be skipped. */
  private readRow(
    table: PageTable,
    row: TableRow,
    section: Section,
    meanings: (ColumnMeaning | undefined)[],
    priceColumns: Set<number>,
    modelColumn: number | undefined,
    context: string,
    where: string,
    conflicts: Set<number>,
    labelCondition: ContextCondition | undefined,
  ): PriceCell[] | undefined {
    // Row-level condition from the label cells ("≤ 200K input tokens" in a "Context window" column), and from
    // the model's own label ("Claude Sonnet 5 (prompts > 200K tokens)").
    const rowConditions = [
      ...row.cells.map((c, i) => (i === modelColumn || priceColumns.has(i) ? undefined : contextConditionIn(c).condition)),
      labelCondition,
    ].filter((c): c is ContextCondition => c !== undefined);
    if (new Set(rowConditions.map(conditionKey)).size > 1) {
      this.result.problem(`the row names two different context conditions: "${row.text}"`, where);
      return undefined;
    }
    const rowCondition = rowConditions[0];

    const out: PriceCell[] = [];
    for (const i of priceColumns) {
      const meaning = meanings[i]!;
      const header = table.header[i] ?? "";
      const raw = row.cells[i] ?? "";
      if (isNoPrice(raw)) continue;
      if (raw === "" && modelColumn !== undefined && (row.cells[modelColumn] ?? "") === "") continue;

      // "Input: $3 / MTok": the cell names its own dimension (long-context tables).
      let text = raw;
      let cellDimension: string | undefined;
      let cellCondition: ContextCondition | undefined;
      const labelled = /^([A-Za-z≤≥<>][^:$]*?)\s*:\s*(.+)$/.exec(raw);
      if (labelled) {
        const c = contextConditionIn(labelled[1]!);
        cellCondition = c.condition;
        cellDimension = tokenDimensionIn(c.rest);
        if (!cellDimension && !cellCondition) {
          this.result.problem(`the cell "${raw}" (column "${header}") has a label this source does not understand`, where);
          continue;
        }
        text = labelled[2]!;
      }
      if (meaning.dimension && cellDimension && meaning.dimension !== cellDimension) {
        this.result.problem(`column "${header}" is ${meaning.dimension} but its cell says "${raw}"`, where);
        continue;
      }
      const dimension = meaning.dimension ?? cellDimension;
      if (!dimension) {
        this.result.problem(`cannot tell which price "${raw}" is (column "${header}")`, where);
        continue;
      }

      const tier = resolveTier(section, meaning.tier);
      if (tier === "conflict") {
        if (!conflicts.has(i)) {
          conflicts.add(i);
          this.result.problem(
            `column "${header}" names the ${meaning.tier} tier but sits under the "${SECTION_NAMES[section]}" heading; not read`,
            where.replace(/, row \d+$/, ""),
          );
        }
        continue;
      }

      const explicit = [meaning.condition, rowCondition, cellCondition].filter((c): c is ContextCondition => c !== undefined);
      if (new Set(explicit.map(conditionKey)).size > 1) {
        this.result.problem(`the cell "${raw}" (column "${header}") has two different context conditions`, where);
        continue;
      }
      let condition: ContextCondition | undefined = explicit[0];
      if (!condition && section === "long") {
        // "requests that exceed 200K input tokens are automatically charged at premium long context rates"
        condition = thresholdAboveIn(table.preface.join(" "));
        if (!condition) {
          this.result.problem(`a long-context price with no threshold on the page ("${raw}")`, where);
          continue;
        }
      }
      condition ??= { kind: "standard" };

      const money = parseMoneyCell(text);
      if (money.kind === "none") continue;
      if (money.kind === "unreadable") {
        this.result.problem(`column "${header}": ${money.reason}`, where);
        continue;
      }
      const value = perMillionTokens(money, context);
      if ("error" in value) {
        this.result.problem(`column "${header}": ${value.error}`, where);
        continue;
      }
      out.push({ tier, dimension, condition, usd: value.usd });
    }
    return out;
  }

  /**
   * Anthropic's prices have a fixed shape: cache hits below input, input at most output, cache writes at least
   * input. A row that breaks it was read wrong (a shifted or mislabelled column): report it, keep nothing.
   */
  private saneRow(cells: PriceCell[], row: TableRow, where: string): boolean {
    const groups = new Map<string, Map<string, number>>();
    for (const c of cells) {
      const g = `${c.tier ?? ""}|${conditionKey(c.condition) ?? "standard"}`;
      if (!groups.has(g)) groups.set(g, new Map());
      groups.get(g)!.set(c.dimension, c.usd);
    }
    for (const dims of groups.values()) {
      const input = dims.get("input");
      const output = dims.get("output");
      const broken: string[] = [];
      if (input !== undefined && output !== undefined && input > output) broken.push("input above output");
      const cached = dims.get("cached_input");
      if (input !== undefined && cached !== undefined && cached > input) broken.push("cache hits above input");
      for (const w of ["cache_write", "cache_write_5m", "cache_write_1h"]) {
        const v = dims.get(w);
        if (input !== undefined && v !== undefined && v < input) broken.push(`${w} below input`);
      }
      if (broken.length > 0) {
        this.result.problem(`prices out of shape (${broken.join(", ")}) in "${row.text}"; row not read`, where);
        return false;
      }
    }
    return true;
  }
}

/** The tier a column's prices are in, given the section it sits in and what its header says. */
function resolveTier(section: Section, fromHeader: Tier | undefined): Tier | undefined | "conflict" {
  switch (section) {
    case "model":
      // The model table is the standard tier; a column that says "Batch input" is unambiguous.
      return fromHeader;
    case "batch":
      return fromHeader === undefined || fromHeader === "batch" ? "batch" : "conflict";
    case "fast":
      return fromHeader === undefined || fromHeader === "fast" ? "fast" : "conflict";
    case "long":
      return fromHeader === undefined ? undefined : "conflict";
  }
}

function readDocsPage(result: ExtractionBuilder, $: CheerioAPI, tables: PageTable[]): void {
  readWithdrawals(result, $);
  passOverOtherAmounts(result, $);
  const reader = new PageReader(result);
  const bySection = new Map<Section, PageTable[]>();
  for (const table of tables) {
    const heading = table.headings.at(-1);
    const section = sectionOf(heading);
    if (!section) {
      if (looksLikeTokenPriceTable(table)) {
        result.problem(
          `a table of token prices under the heading "${heading ?? "(none)"}", which this source does not know; not read (header ${JSON.stringify(table.header)})`,
          `table ${table.index} under "${heading ?? "(no heading)"}"`,
        );
      }
      continue;
    }
    bySection.set(section, [...(bySection.get(section) ?? []), table]);
  }

  const headingNamed = (section: Section) =>
    $("h1,h2,h3,h4,h5,h6")
      .toArray()
      .some((h) => sectionOf($(h).text()) === section);

  // The model table: required, exactly one.
  const modelTables = bySection.get("model") ?? [];
  const modelTable = modelTables[0];
  if (!modelTable) {
    result.fail(
      headingNamed("model")
        ? `the "Model pricing" heading has no table under it; the layout changed`
        : `no "Model pricing" heading on the page; the layout changed`,
      `heading "Model pricing"`,
    );
    return;
  }
  for (const extra of modelTables.slice(1)) {
    result.problem(
      `more than one table under "Model pricing"; only table ${modelTable.index} was read`,
      `table ${extra.index} under "${extra.headings.at(-1)}"`,
    );
  }
  reader.readTable(modelTable, "model");
  if (result.failed) return;
  if (reader.modelTableModels.size < MIN_KNOWN_MODELS) {
    result.fail(
      `only ${reader.modelTableModels.size} known model(s) priced in the model pricing table (expected at least ${MIN_KNOWN_MODELS})`,
      `table ${modelTable.index} under "${modelTable.headings.at(-1)}"`,
    );
    return;
  }

  const batchTables = bySection.get("batch") ?? [];
  if (batchTables.length === 0) {
    result.problem(
      headingNamed("batch") ? `the "Batch processing" heading has no table under it` : `no "Batch processing" heading on the page`,
      `heading "Batch processing"`,
    );
  }
  for (const section of ["batch", "fast", "long"] as const) {
    for (const table of bySection.get(section) ?? []) reader.readTable(table, section);
  }

  readMultipliers(result, tables);

  for (const check of reader.crossChecks) {
    const seen = result.observations.find(
      (o) =>
        o.model === check.model &&
        o.price === check.price &&
        o.effectiveFrom === check.effectiveFrom &&
        o.effectiveUntil === check.effectiveUntil,
    );
    if (seen && seen.usd !== check.usd) {
      result.problem(
        `${check.model} ${check.price}: the long-context table gives $${check.usd} up to the threshold, the model table $${seen.usd}`,
        check.where,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Multipliers, and the dollars that are no model's price
// ---------------------------------------------------------------------------------------------------

/** The page's cache table (2026-07 on): "5-minute cache write | 1.25x base input price | …", one row per price. */
const CACHE_MULTIPLIER_HEADER = /^multiplier$/i;

/**
 * Multipliers the page states as such, recorded as multipliers (the prices they describe are read from the
 * tables as prices, never derived): the Batch API's "50% discount on both input and output tokens" above the
 * batch table (`batch` 0.5), and the prompt caching table's "1.25x base input price" / "2x …" / "0.1x …" rows,
 * named by the price they give (`cache_write_5m`, `cache_write_1h`, `cached_input`). Each is checked against
 * the prices read: a multiplier the prices contradict is reported, not recorded. Not read: the 1.1x of US-only
 * inference and the cloud platforms' 10% premium (stated for "Claude 4.6 and later models" or another
 * platform's endpoints, not for every model this source covers), and the earlier pages' "1.25 times the base
 * input tokens price" (a wording the shared reader of multipliers does not know).
 */
function readMultipliers(result: ExtractionBuilder, tables: PageTable[]): void {
  for (const table of tables) {
    const section = sectionOf(table.headings.at(-1));
    if (section === "batch") {
      for (const sentence of table.preface.flatMap((t) => t.split(/(?<=[.!?])\s+/))) {
        if (!/\bbatch\b/i.test(sentence)) continue;
        const stated = multipliersIn(sentence).filter((m) => m.dimension === undefined && m.factor < 1);
        if (stated.length !== 1) continue;
        const factor = stated[0]!.factor;
        if (!["input", "output"].every((dimension) => agrees(result, factor, dimension, `batch/${dimension}`, `"${sentence}"`))) continue;
        result.multiplier({ name: "batch", factor, sentence }, `table ${table.index}, the text above it`);
      }
      continue;
    }
    const column = table.header.findIndex((h) => CACHE_MULTIPLIER_HEADER.test(cleanText(h)));
    if (column < 1 || !/\bcach/i.test(table.headings.at(-1) ?? "")) continue;
    for (const row of table.rows) {
      const dimension = tokenDimensionIn(row.cells[0] ?? "");
      const cell = row.cells[column] ?? "";
      if (dimension !== "cache_write_5m" && dimension !== "cache_write_1h" && dimension !== "cached_input") continue;
      const stated = multipliersIn(cell).filter((m) => m.dimension === undefined || m.dimension === "input");
      if (stated.length !== 1 || !/\binput\b/i.test(cell)) continue;
      const sentence = row.cells.join(" | ");
      if (!agrees(result, stated[0]!.factor, "input", dimension, `"${sentence}"`)) continue;
      result.multiplier({ name: dimension, factor: stated[0]!.factor, sentence }, `table ${table.index}, row "${row.cells[0]}"`);
    }
  }
}

/**
 * True when every model priced both ways has `price` ≈ `factor` × `base` (the page rounds to the cent: within
 * half a cent or 5%); otherwise a problem naming the first model that does not, and false.
 */
function agrees(result: ExtractionBuilder, factor: number, base: string, price: string, sentence: string): boolean {
  for (const o of result.observations.filter((x) => x.price === price)) {
    const b = result.observations.find(
      (x) => x.model === o.model && x.price === base && x.effectiveFrom === o.effectiveFrom && x.effectiveUntil === o.effectiveUntil,
    );
    if (!b) continue;
    const expected = b.usd * factor;
    if (Math.abs(expected - o.usd) > Math.max(0.005, 0.05 * o.usd) + 1e-9) {
      result.problem(
        `${sentence} states ${factor}× ${base}, but ${o.model} ${price} is $${o.usd} and ${base} $${b.usd}: the multiplier is not recorded`,
        "multipliers",
      );
      return false;
    }
  }
  return true;
}

/**
 * Which named rule (extract/accounting.ts) a block of text that states dollars, under these headings, falls
 * under when it is no model's price; undefined for anything else, which stays unread and is reported:
 *
 * - a worked example of a bill: under a heading that says "example", a calculation (`50,000 × $5 / 1,000,000`),
 *   a total, or "Total cost: ~$37.00 per 10,000 tickets", "Processing cost: ~$0.003 per request";
 * - the Claude Consumption Unit of the marketplaces ("$0.01 per CCU"): a billing unit's price;
 * - a tool's or feature's fee: code execution containers, web searches, Managed Agents' session runtime.
 */
function ruleForOtherAmounts(text: string, headings: readonly string[]): PassRule | undefined {
  const path = headings.join(" › ");
  if (/\bexamples?\b/i.test(path) || /\d\s*×\s*\$|^\W*total\b|\b(?:total|processing|combined)\s+cost\b|\bcost\s+per\s+\w+:/i.test(text)) {
    return "worked-example";
  }
  if (/\bCCUs?\b|\bConsumption Units?\b/.test(text)) return "not-a-model-price";
  if (/\btools?\b|\bcode execution\b|\bweb search\b|\bsession runtime\b|\bmanaged agents\b/i.test(path)) return "tool-fees";
  if (/\bper\s+(?:session-)?hour\b|\bper container\b|\bper 1,000 searches\b/i.test(text)) return "tool-fees";
  return undefined;
}

/**
 * Every block of text (paragraph, list item, table row) stating dollars outside the sections this source reads,
 * passed over by its rule (see `ruleForOtherAmounts`). Blocks under a section this source reads (Model pricing,
 * Batch processing, Fast mode, Long context) are never passed over: an amount there no price has is reported.
 */
function passOverOtherAmounts(result: ExtractionBuilder, $: CheerioAPI): void {
  const headings: string[] = [];
  // Docs callouts (`<Note>`, `<Tip>`) whose text markdown keeps as raw HTML hold no paragraph of their own.
  $("h1,h2,h3,h4,h5,h6,p,li,tr,note,tip,warning,info,callout").each((_, el) => {
    const tag = el.tagName.toLowerCase();
    const text = cleanText($(el).text());
    if (/^h[1-6]$/.test(tag)) {
      const level = Number(tag[1]);
      headings.length = level;
      headings[level - 1] = text;
      return;
    }
    if (amountsIn(text).length === 0) return;
    const path = headings.filter((h) => h !== undefined && h !== "");
    if (sectionOf(path.at(-1)) !== undefined) return;
    const rule = ruleForOtherAmounts(text, path);
    if (rule) result.passOver(rule, text);
  });
}

/**
 * Notes that withdraw an announced price ("The previously scheduled increase to $3/$15 … on September 1, 2026
 * will not occur."), with the models their paragraph names: what a reviewer reads when the catalog's
 * scheduled price is proposed for removal.
 */
function readWithdrawals(result: ExtractionBuilder, $: CheerioAPI): void {
  for (const paragraph of $.root().text().split(/\n/)) {
    for (const sentence of withdrawalsIn(cleanText(paragraph))) result.notice(sentence, modelsInProse(paragraph));
  }
}

// ---------------------------------------------------------------------------------------------------
// The 2024 anthropic.com text (no tables)
// ---------------------------------------------------------------------------------------------------

/** "Input: $0.25 / MTok" on a line of its own, possibly as a list item. */
const TEXT_PRICE_LINE = /^(?:[*•-]\s*)?(input|output|prompt|completion)\s*:\s*(.*\$.*)$/i;

/**
 * The anthropic.com/api page of 2024, saved as text: "CLAUDE 3 PRICING", then a family name on its own
 * line ("HAIKU") followed by "Input: $0.25 / MTok" and "Output: $1.25 / MTok" lines; then "LEGACY MODEL
 * PRICING" with "CLAUDE 2.1", "CLAUDE INSTANT" … A price line counts only right under a model name.
 */
function readTextPage(result: ExtractionBuilder, text: string): void {
  const lines = text.split(/\r?\n/).map((l) => cleanText(l).replace(/^[*•-]\s+/, ""));
  let generation: string | undefined;
  let sawPricingHeading = false;
  let current: { ids: string[]; label: string; line: number } | undefined;
  const priced = new Map<string, Set<string>>();

  lines.forEach((line, n) => {
    const where = `line ${n + 1}`;
    if (line === "") return;
    const isUpper = /[A-Z]/.test(line) && line === line.toUpperCase();
    const gen = /^claude\s+(\d(?:\.\d)?)\s+(?:model\s+)?pricing$/i.exec(line);
    if (gen) {
      generation = gen[1];
      sawPricingHeading = true;
      current = undefined;
      return;
    }
    if (/^(?:legacy\s+)?models?\s+pricing$/i.test(line)) {
      generation = undefined;
      sawPricingHeading = true;
      current = undefined;
      return;
    }
    const price = TEXT_PRICE_LINE.exec(line);
    if (price) {
      if (!current) {
        result.problem(`a price line under no model name: "${line}"`, where);
        return;
      }
      const dimension = tokenDimensionIn(price[1]!)!;
      const money = parseMoneyCell(price[2]!);
      if (money.kind === "none") return;
      if (money.kind === "unreadable") {
        result.problem(`${current.label}: ${money.reason}`, where);
        return;
      }
      if (money.per !== "1M") {
        result.problem(`${current.label}: "${money.text}" is not a price per million tokens (MTok)`, where);
        return;
      }
      for (const model of current.ids) {
        result.observe({ model, price: dimension, usd: money.usd, unit: UNIT, evidence: `${current.label} · ${line}` }, where);
        if (!priced.has(model)) priced.set(model, new Set());
        priced.get(model)!.add(dimension);
      }
      return;
    }
    // A bare family under "CLAUDE 3 PRICING": HAIKU / SONNET / OPUS.
    const family = /^(haiku|sonnet|opus)$/i.exec(line);
    if (family && generation) {
      const name = `Claude ${generation} ${family[1]}`;
      const id = anthropicModelId(name);
      if (id) current = { ids: [id], label: line, line: n };
      else {
        result.untrackedModel(name, where);
        current = undefined;
      }
      return;
    }
    if (/^claude\b/i.test(line) && line.split(" ").length <= 4 && !/[[\]]/.test(line)) {
      const parsed = parseLabel(line);
      if (parsed.kind === "models" && parsed.value.condition) {
        result.problem(`the name "${line}" names a context length, which the 2024 text never did: its prices are not read`, where);
        current = undefined;
        return;
      }
      if (parsed.kind === "models") {
        current = { ids: parsed.value.ids, label: line, line: n };
        return;
      }
      if (isUpper) {
        result.untrackedModel(line, where);
        current = undefined;
        return;
      }
    }
    // Any other heading ends the model block ("PARTNERS BUILDING WITH CLAUDE", "BUILD", …).
    if (isUpper && line.length > 1) {
      current = undefined;
      if (!/pricing/i.test(line)) generation = undefined;
    }
  });

  if (!sawPricingHeading) {
    result.fail(`no "… PRICING" heading in the text; not the page this source knows`, "page");
    return;
  }
  for (const [model, dims] of priced) {
    const missing = ["input", "output"].filter((d) => !dims.has(d));
    if (missing.length > 0) result.problem(`${model}: no ${missing.join(" or ")} price found`, "page");
  }
  if (priced.size < MIN_KNOWN_MODELS) {
    result.fail(
      `only ${priced.size} known model(s) could be read from the text (expected at least ${MIN_KNOWN_MODELS}); it cannot be read reliably`,
      "page",
    );
  }
}

/** Visible text of an HTML page with block boundaries kept as line breaks. */
function htmlText($: CheerioAPI): string {
  const root = $.root();
  root.find("script,style,noscript").remove();
  root.find("br").replaceWith("\n");
  root.find("p,div,li,h1,h2,h3,h4,h5,h6,tr,dt,dd,section,article,ul,ol,header,footer").each((_, el) => {
    $(el).append("\n");
  });
  return root.text();
}

// ---------------------------------------------------------------------------------------------------

function readAnthropicPage(result: ExtractionBuilder, body: string, format: PageFormat): void {
  const $ = loadDocument(body, format);
  const tables = readTables($);
  if (tables.length > 0) {
    readDocsPage(result, $, tables);
  } else {
    const text = format === "markdown" ? stripFrontMatter(body) : htmlText($);
    if (text.split(/\r?\n/).some((l) => TEXT_PRICE_LINE.test(cleanText(l)))) readTextPage(result, text);
    else result.fail(`no price table and no "Input: $… / MTok" lines: not a layout this source knows`, "page");
  }
}

export const anthropicPricingSource: PricingSource = {
  id: SOURCE_ID,
  vendor: "anthropic",
  url: "https://platform.claude.com/docs/en/about-claude/pricing.md",
  format: "markdown",
  fetchWith: "http",
  extract(body: string, format: PageFormat = "markdown") {
    return extractWith(SOURCE_ID, body, (result) => readAnthropicPage(result, body, format));
  },
};
