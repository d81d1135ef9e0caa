import { cleanText } from "../../extract/document.ts";
import { readPriceCell } from "../../extract/money.ts";
import { tokenDimensionIn } from "../../extract/price-labels.ts";
import type { ExtractionBuilder } from "../source.ts";
import { mistralModelId } from "./api-ids.ts";

/**
 * The 2024 docs.mistral.ai "Pricing and rate limits" page, saved as text: each table's cells run together
 * with no separator and the lines wrap where a space was, so a table is a paragraph such as
 *
 *   ModelEndpointInput (USD)Output (USD)Input (EUR)Output (EUR)Mistral
 *   7Bopen-mistral-7b0.25$ / 1M tokens0.25$ / 1M tokens0.2€ / 1M tokens0.2€ / 1M
 *   tokensMixtral 8x7Bopen-mixtral-8x7b0.7$ / 1M tokens…
 *
 * The header says which amount is which (`Input (USD)` … `Output (EUR)`); each row is a model name and
 * its endpoint glued together, then one amount per header column. Only the USD columns are read, and an
 * amount whose symbol is not its column's currency is a problem: a EUR figure is never read as USD.
 */

const TABLE_HEADER = /^Model\s*Endpoint((?:\s*(?:Input|Output)\s*\((?:USD|EUR)\))+)/i;
const HEADER_COLUMN = /(Input|Output)\s*\((USD|EUR)\)/gi;
const AMOUNT = /(\d+(?:\.\d+)?)\s*([$€])\s*\/\s*1M\s*tokens/g;
const API_ID = /^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)+$/;

/** Does this text look like the 2024 page (a `Model Endpoint Input (USD)` table with `2$ / 1M tokens` amounts)? */
export function looksLikeLegacyText(body: string): boolean {
  return /Model\s*Endpoint\s*Input\s*\(USD\)/i.test(body) && /\d\s*\$\s*\/\s*1M\s*tokens/.test(body);
}

export function readLegacyText(result: ExtractionBuilder, body: string): void {
  const paragraphs = body.split(/\r?\n[ \t]*\r?\n/).map((p) => cleanText(p));
  let heading = "";
  let tables = 0;
  for (const text of paragraphs) {
    if (/^[A-Z][A-Z0-9 &/-]{2,60}$/.test(text)) heading = text; // "CHAT COMPLETIONS API"
    const header = TABLE_HEADER.exec(text);
    if (!header) continue;
    tables++;
    readTable(result, text.slice(header[0].length), [...header[1]!.matchAll(HEADER_COLUMN)], heading || `table ${tables}`);
  }
  if (tables === 0) result.fail(`no "Model Endpoint Input (USD) …" table in the text; not the page this source knows`, "page");
}

function readTable(result: ExtractionBuilder, rowsText: string, columns: RegExpExecArray[], heading: string): void {
  const rows: { label: string; amounts: RegExpExecArray[] }[] = [];
  let last = 0;
  for (const m of rowsText.matchAll(AMOUNT)) {
    const gap = rowsText.slice(last, m.index).trim();
    if (gap !== "" || rows.length === 0) rows.push({ label: gap, amounts: [] });
    rows.at(-1)!.amounts.push(m as RegExpExecArray);
    last = m.index + m[0].length;
  }
  if (rowsText.slice(last).trim() !== "") result.problem(`text after the last amount: "${rowsText.slice(last).trim()}"`, `table "${heading}"`);

  for (const row of rows) {
    const where = `table "${heading}", row "${row.label}"`;
    const split = splitNameAndEndpoint(row.label);
    if (!split) {
      result.problem(`cannot tell the model name from its endpoint in "${row.label}"`, where);
      continue;
    }
    const modelId = mistralModelId(split.endpoint);
    if (!modelId) {
      result.untrackedModel(split.name, where);
      continue;
    }
    if (row.amounts.length !== columns.length) {
      result.problem(`${row.amounts.length} amounts for ${columns.length} columns; the row is not read`, where);
      continue;
    }
    row.amounts.forEach((amount, i) => {
      const column = columns[i]!;
      const currency = column[2]!.toUpperCase();
      const symbol = amount[2] === "$" ? "USD" : "EUR";
      if (symbol !== currency) {
        result.problem(`"${amount[0]}" is in ${symbol} under "${column[0]}"`, where);
        return;
      }
      if (currency !== "USD") return; // the EUR columns: the same prices in euros
      const dimension = tokenDimensionIn(column[1]!);
      const cell = readPriceCell(amount[0], "1M tokens");
      if (!dimension || cell.kind !== "usd") {
        result.problem(`"${amount[0]}" under "${column[0]}" is not understood`, where);
        return;
      }
      result.observe(
        { model: modelId, price: dimension, usd: cell.usd, unit: "1M tokens", evidence: `${heading}: ${split.name} ${split.endpoint} ${column[0]} ${amount[0]}` },
        where,
      );
    });
  }
}

/**
 * `Mistral Smallmistral-small-latest` → Mistral Small + mistral-small-latest. The cut is the first place
 * where what follows is an API id and one of the id's parts is a word of the name before it (`mistral`,
 * `small`; `open-mixtral-8x7b` shares `mixtral` and `8x7b` with "Mixtral 8x7B"): cutting inside "Small"
 * would leave "Mistral S" and "mallmistral-small-latest", which share nothing.
 */
function splitNameAndEndpoint(label: string): { name: string; endpoint: string } | undefined {
  for (let p = 1; p < label.length; p++) {
    const name = label.slice(0, p);
    const endpoint = label.slice(p);
    if (/\s$/.test(name) || !API_ID.test(endpoint)) continue;
    const words = new Set(name.toLowerCase().split(/\s+/));
    if (endpoint.split(/[.-]/).some((part) => words.has(part))) return { name: name.trim(), endpoint };
  }
  return undefined;
}
