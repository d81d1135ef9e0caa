import { columnUnitIn } from "../extract/column-units.ts";
import { loadMdx, type MdxTable, readMdxTables } from "../extract/mdx.ts";
import { readCellPrice } from "../extract/price-cell.ts";
import { tokenDimensionIn } from "../extract/price-labels.ts";
import { tokenPricesInSentence } from "../extract/prose-prices.ts";
import { type BilledUnit, billedUnitIn } from "../extract/units.ts";
import { type ExtractionBuilder, extractWith, type PricingSource } from "./source.ts";

/**
 * docs.perplexity.ai's pricing page as its Mintlify markdown endpoint serves it
 * (https://docs.perplexity.ai/docs/getting-started/pricing.md): MDX, its tables inside `<Tabs><Tab title="…">`
 * (extract/mdx.ts makes them tables), dollars escaped `\$`. What it prices:
 *
 * - "Token Pricing" tab: Model | Input Tokens ($/1M) | Output Tokens ($/1M) | Citation Tokens ($/1M) | Search
 *   Queries ($/1K) | Reasoning Tokens ($/1M) — the unit in each header (extract/column-units.ts). Input and
 *   output → `input` / `output`; reasoning tokens, priced apart from output → `thinking_output`; Deep Research's
 *   search queries per 1K → `search_per_request`, scaled to one. Citation tokens have no key: passed over
 *   (`unit-not-tracked`), the one price of the page that is not read.
 * - "Request Pricing" tab: the request fee by search context size, Model | Low | Medium | High Context Size,
 *   "for every **1000 requests**" said in the prose above the table → `search_per_request:low|medium|high`,
 *   per request.
 * - "Pro Search Pricing" tab: fees per 1K by search type, "$6 / $10 / $14" in one cell, in the order its note
 *   gives ("(Low / Medium / High)"). `fast` is "Standard Sonar Pro behavior": read again as Sonar Pro's fees (a
 *   different figure than the Request Pricing tab is a problem); `pro` (multi-step tool use) is a search mode's
 *   fee, passed over (`tool-fees`); its note restates Sonar Pro's token prices ("$3 per 1M input"), read again.
 * - Embeddings: Model (the API id, in backticks) | Dimensions | Price ($/1M tokens) → `input`.
 * - Not model prices: the Agent API's tool table (`tool-fees`), the Search API ($5.00 per 1K requests, a
 *   product: `not-a-model-price`), the cost examples (Component | Cost: `worked-example`). The Agent API's
 *   third-party model rates are on another page.
 *
 * Sonar models are display names; `API_IDS` gives each tracked one its id. Older copies (jina's text of the HTML
 * page, 2025-10-15) render only the first tab: the request fees are missing, which is reported.
 */

/** Display name → API id, through models.dev (perplexity/<id>.toml's `name`; Deep Research's through its docs URL). */
const API_IDS: Record<string, string> = {
  Sonar: "perplexity/sonar",
  "Sonar Pro": "perplexity/sonar-pro",
  "Sonar Reasoning Pro": "perplexity/sonar-reasoning-pro",
  // models.dev names it "Perplexity Sonar Deep Research"; its notes cite docs.perplexity.ai/docs/sonar/models/sonar-deep-research.
  "Sonar Deep Research": "perplexity/sonar-deep-research",
};

const CONTEXT_SIZES = ["low", "medium", "high"] as const;

export const perplexityPricingSource: PricingSource = {
  id: "perplexity-pricing",
  vendor: "perplexity",
  url: "https://docs.perplexity.ai/docs/getting-started/pricing.md",
  format: "markdown",
  fetchWith: "http",
  extract(body) {
    return extractWith(this.id, body, (result) => readPage(result, body));
  },
};

function readPage(result: ExtractionBuilder, body: string): void {
  const tables = readMdxTables(loadMdx(body));
  let tokenTables = 0;
  let feeTables = 0;
  for (const table of tables) {
    const header = table.header.map((h) => h.toLowerCase());
    const where = `table "${table.headings.at(-1) ?? table.index}"`;
    const rowsText = table.rows.map((r) => r.text).join(" | ");
    if (header[0] === "model" && header.some((h) => /context size/.test(h))) {
      feeTables++;
      readRequestFees(result, table, where);
    } else if (header[0] === "model") {
      tokenTables++;
      readModelTable(result, table, where);
    } else if (header[0] === "search type") readSearchTypes(result, table, where);
    else if (header[0] === "tool") result.passOver("tool-fees", rowsText, "the Agent API's tool fees (per invocation, per session), not a model's price");
    else if (header[0] === "api") result.passOver("not-a-model-price", rowsText, "the Search API, a product billed per request, not a model");
    else if (header.join("|") === "component|cost") result.passOver("worked-example", rowsText);
    else if (/\$\s?\d/.test(rowsText)) result.problem(`a table of prices this source does not know (${table.header.join(" | ")}); not read`, where);
  }
  if (tokenTables === 0) result.fail("no Model price table (Input Tokens … / Price ($/1M tokens)) on the page; the layout changed", "page");
  else if (feeTables === 0) result.problem("no request-fee table by search context size (the Request Pricing tab) in this copy; the request fees are not read", "page");
}

/** Token prices per model (Sonar) or per embedding model, each column's unit in its header. */
function readModelTable(result: ExtractionBuilder, table: MdxTable, where: string): void {
  const columns = table.header.map((h, i) => (i === 0 ? undefined : columnOf(h)));
  for (const row of table.rows) {
    const name = row.cells[0]!.replace(/`/g, "").trim();
    const rowWhere = `${where}, row "${name}"`;
    const model = API_IDS[name] ?? (/^pplx-[a-z0-9.-]+$/.test(name) ? `perplexity/${name}` : undefined);
    row.cells.forEach((cell, i) => {
      const column = columns[i];
      if (i === 0 || column === "not-a-price") return;
      if (column === undefined) {
        if (/\$\s?\d/.test(cell)) result.problem(`the column "${table.header[i]}" names no price this source knows; "${cell}" not read`, rowWhere);
        return;
      }
      if (!model) {
        result.untrackedModel(name, rowWhere);
        result.passOver("untracked-model", cell);
        return;
      }
      if (column.key === undefined) {
        result.passOver("unit-not-tracked", cell, column.why);
        return;
      }
      const price = readCellPrice(cell, cell, column.billed);
      if (price.kind === "none") return;
      if (price.kind !== "price") {
        result.problem(`"${cell}" under "${table.header[i]}": ${price.kind === "free" ? "free, not a price" : price.reason}; not read`, rowWhere);
        return;
      }
      result.observe({ model, price: column.key, usd: price.usd, unit: price.unit, evidence: `${row.cells.join(" | ")} (${table.header[i]})` }, rowWhere);
      result.accountRead(cell);
    });
  }
}

type Column = { key: string | undefined; billed: BilledUnit; why?: string } | "not-a-price";

/** What a column of a model table holds: a key and the unit its header states, or no price at all. */
function columnOf(header: string): Column | undefined {
  const billed = columnUnitIn(header);
  if (!billed) return /^(?:dimensions?|context|description)$/i.test(header.trim()) ? "not-a-price" : undefined;
  const h = header.toLowerCase();
  if (billed.unit === "request") return /\bsearch(?:es)?\b|\bquer(?:y|ies)\b/.test(h) ? { key: "search_per_request", billed } : undefined;
  if (billed.unit !== "1M tokens") return undefined;
  if (/\breasoning\b/.test(h)) return { key: "thinking_output", billed };
  if (/\bcitation\b/.test(h)) return { key: undefined, billed, why: "citation tokens (Sonar Deep Research), which no price key holds yet" };
  const side = tokenDimensionIn(header);
  if (side === "input" || side === "output") return { key: side, billed };
  // The one price column of an embeddings table ("Price ($/1M tokens)") bills the input tokens.
  return /^price\b/.test(h) ? { key: "input", billed } : undefined;
}

/** Model | Low | Medium | High Context Size, per the count of requests the prose above the table names. */
function readRequestFees(result: ExtractionBuilder, table: MdxTable, where: string): void {
  const billed = table.componentProse.map((p) => billedUnitIn(p)).find((b) => b?.unit === "request");
  if (!billed) {
    result.problem("the request fees' unit (per how many requests) is not stated above the table; not read", where);
    return;
  }
  const sizes = table.header.map((h) => CONTEXT_SIZES.find((s) => new RegExp(`^${s} context size$`, "i").test(h.trim())));
  for (const row of table.rows) {
    const name = row.cells[0]!.trim();
    const model = API_IDS[name];
    row.cells.forEach((cell, i) => {
      const size = sizes[i];
      if (i === 0 || !size) return;
      if (!model) {
        result.untrackedModel(name, `${where}, row "${name}"`);
        result.passOver("untracked-model", cell);
        return;
      }
      observeFee(result, model, size, cell, billed, `${row.cells.join(" | ")} (${table.header[i]}, ${billed.phrase})`, `${where}, row "${name}"`);
    });
  }
}

/** The Pro Search tab: fees per 1K by search type, "$6 / $10 / $14" in the order its note states. */
function readSearchTypes(result: ExtractionBuilder, table: MdxTable, where: string): void {
  const fee = table.header.findIndex((h) => columnUnitIn(h)?.unit === "request");
  const order = table.componentProse.some((p) => /\(\s*low\s*\/\s*medium\s*\/\s*high\s*\)/i.test(p));
  for (const prose of table.componentProse) readRestatedTokenPrices(result, prose, where);
  for (const row of table.rows) {
    const type = row.cells[0]!.replace(/`/g, "").trim().toLowerCase();
    const cell = fee >= 0 ? (row.cells[fee] ?? "") : "";
    const amounts = cell.split("/").map((s) => s.trim());
    if (!/\$\s?\d/.test(cell)) continue; // "Varies by classification"
    if (type !== "fast") {
      result.passOver("tool-fees", cell, `Pro Search's "${type}" search type (multi-step tool use), a search mode's request fee, not a model's`);
      continue;
    }
    if (!order || amounts.length !== 3 || fee < 0) {
      result.problem(`the "fast" fees "${cell}" are not three figures in a stated Low / Medium / High order; not read`, where);
      continue;
    }
    const billed = columnUnitIn(table.header[fee]!)!;
    // "(default) Standard Sonar Pro behavior": the same fees as the Request Pricing tab's Sonar Pro row.
    amounts.forEach((amount, i) => observeFee(result, API_IDS["Sonar Pro"]!, CONTEXT_SIZES[i]!, amount, billed, `${row.cells.join(" | ")} (${table.header[fee]}, Low / Medium / High)`, `${where}, row "fast"`));
  }
}

function observeFee(result: ExtractionBuilder, model: string, size: string, cell: string, billed: BilledUnit, evidence: string, where: string): void {
  const price = readCellPrice(cell, cell, billed);
  if (price.kind !== "price" || price.unit !== "request") {
    result.problem(`the ${size} context fee "${cell}" is not a price per request; not read`, where);
    return;
  }
  result.observe({ model, price: `search_per_request:${size}`, usd: price.usd, unit: "request", evidence }, where);
  result.accountRead(cell); // "$5" per 1000 requests is read as 0.005 per request
}

/** A note that restates a model's token prices ("Token pricing remains the same as standard Sonar Pro ($3 per 1M input, …)"). */
function readRestatedTokenPrices(result: ExtractionBuilder, prose: string, where: string): void {
  const { prices } = tokenPricesInSentence(prose);
  if (prices.length === 0) return;
  const named = Object.keys(API_IDS).filter((n) => new RegExp(`\\b${n}\\b(?! (?:Pro|Reasoning|Deep))`).test(prose));
  if (named.length !== 1) {
    result.problem(`a sentence restating token prices names ${named.length === 0 ? "no" : "more than one"} model ("${prose}"); not read`, where);
    return;
  }
  for (const p of prices) result.observe({ model: API_IDS[named[0]!]!, price: p.side, usd: p.usd, unit: "1M tokens", evidence: prose }, where);
}
