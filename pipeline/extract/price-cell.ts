import type { Unit } from "../../schemas/price-key.ts";
import { isNoPrice, parseMoneyCell } from "./money.ts";
import { saleIn } from "./sale-price.ts";
import { type BilledUnit, billedUnitIn, perUnit } from "./units.ts";

/**
 * One price cell read whole: its amount, the unit it is billed in (its own words, `$0.30 / M tokens`,
 * `$0.38 / hour`, `$0.0035 per image`, else the unit its column or table states), and a struck list price
 * beside the price billed today (`~~$0.60~~ $0.30 / M tokens`, `<del>$0.15</del> $0.075`: `sale-price.ts`).
 * What every table reader does with a cell, once:
 *
 * - `price`: `usd` is per the key's unit (`perUnit`: per 1M tokens or characters, per one of anything else);
 *   `list` is the struck or "original" figure, never today's price (the caller passes it over as `list-price`);
 *   `stated` is the price as billed today in the cell's words, for evidence and accounting.
 * - `none`: `-`, `—`, `n/a` (no such price).
 * - `free`: "Free", "Limited-time Free": never $0 (the caller lists the model untracked or reports it).
 * - `bad`: two amounts, another currency, no unit anywhere, a sale that cannot be read surely: reported, never guessed.
 */
export type CellPrice =
  | { kind: "price"; usd: number; unit: Unit; billed: BilledUnit; stated: string; list?: number; badge?: string }
  | { kind: "none" }
  | { kind: "free"; text: string }
  | { kind: "bad"; reason: string };

/** Read one cell (`text` as shown; `markup` its HTML or markdown, where a strike lives) against the unit stated around it. */
export function readCellPrice(text: string, markup: string = text, statedAround?: BilledUnit): CellPrice {
  const shown = text.trim();
  if (shown === "") return { kind: "bad", reason: "empty cell" };
  if (isNoPrice(shown)) return { kind: "none" };
  if (/\bfree\b/i.test(shown) && !/\$|\d/.test(shown.replace(/\bfree\b/gi, ""))) return { kind: "free", text: shown };
  const sale = saleIn(markup);
  if (sale.kind === "unclear") return { kind: "bad", reason: `a sale cell that cannot be read surely: ${sale.reason} ("${sale.text}")` };
  let amountText = shown;
  if (sale.kind === "sale") {
    // Today's figure with the cell's unit words; the struck figure goes nowhere but `list`.
    const unitWords = billedUnitIn(sale.text.replace(/~~[^~]*~~/g, " "))?.phrase ?? "";
    amountText = `$${sale.usd}${unitWords ? ` ${unitWords}` : ""}`;
  }
  const money = parseMoneyCell(amountText);
  if (money.kind === "none") return { kind: "none" };
  if (money.kind === "unreadable") return { kind: "bad", reason: money.reason };
  const billed = billedUnitIn(amountText) ?? statedAround;
  if (!billed) return { kind: "bad", reason: `"${shown}" states no unit, and none is stated around it` };
  return {
    kind: "price",
    usd: perUnit(money.usd, billed),
    unit: billed.unit,
    billed,
    stated: amountText,
    ...(sale.kind === "sale" && sale.listUsd !== undefined ? { list: sale.listUsd } : {}),
    ...(sale.kind === "sale" && sale.badge ? { badge: sale.badge } : {}),
  };
}
