import type { Unit } from "../../schemas/price-key.ts";
import { isNoPrice, parseMoneyCell } from "./money.ts";
import { type BilledUnit, billedUnitIn, perUnit } from "./units.ts";

/**
 * One rate stated twice in a row, in two units of the same thing: a table whose headers say
 * "Price per thousand tokens | Price per million tokens" (Voyage), "per 1K characters | per 1M characters",
 * "Price per image | Price per thousand images". Each column is scaled to the price key's unit (per 1M
 * tokens, per one image …) and the columns of one unit must then state the same price: one that agrees is
 * the price; two that disagree are a problem, never a choice (which column is the mistake is not known).
 *
 * Columns whose headers state different units ("per million tokens" and "per billion pixels") are
 * different prices, each read on its own. A header that states no unit ("Model", "Number of free tokens")
 * is no rate column.
 */

export interface RateColumn {
  /** Position of the column in the row. */
  index: number;
  header: string;
  billed: BilledUnit;
}

/** The columns of a header row that state a billed unit, in order. */
export function rateColumnsIn(header: readonly string[]): RateColumn[] {
  return header.flatMap((h, index) => {
    const billed = billedUnitIn(h);
    return billed ? [{ index, header: h, billed }] : [];
  });
}

/** One cell of a rate column, read and scaled to its key's unit. */
export interface ColumnReading {
  header: string;
  /** The cell as written: `$0.00012`. */
  text: string;
  /** Scaled to the key's unit (per 1M tokens …): 0.00012 per thousand tokens → 0.12. */
  usd: number;
}

export type RestatedRate =
  /** Every column of this unit gives the same price (or only one column states it). */
  | { kind: "agree"; unit: Unit; usd: number; readings: ColumnReading[] }
  /** Two columns of this unit give different prices once scaled: a problem, neither is read. */
  | { kind: "disagree"; unit: Unit; readings: ColumnReading[] }
  /** A cell of a rate column that is not a price (and not an empty "-"): why, with the cell. */
  | { kind: "bad"; unit: Unit; header: string; text: string; reason: string };

/**
 * A row's rates, one per unit its rate columns state, in the order the units first appear. Cells that say
 * there is no price (`-`, `n/a`) are left out; a unit none of whose cells holds a price gives nothing.
 */
export function restatedRatesIn(cells: readonly string[], columns: readonly RateColumn[]): RestatedRate[] {
  const byUnit = new Map<Unit, ColumnReading[]>();
  const out: RestatedRate[] = [];
  for (const column of columns) {
    const text = (cells[column.index] ?? "").trim();
    if (text === "" || isNoPrice(text)) continue;
    const money = parseMoneyCell(text);
    if (money.kind !== "usd") {
      out.push({ kind: "bad", unit: column.billed.unit, header: column.header, text, reason: money.kind === "unreadable" ? money.reason : "no amount" });
      continue;
    }
    // A cell may state its own unit ("$0.05 / 1K characters"); it then wins over the header's.
    const billed = billedUnitIn(text) ?? column.billed;
    if (billed.unit !== column.billed.unit) {
      out.push({ kind: "bad", unit: column.billed.unit, header: column.header, text, reason: `"${text}" is priced per ${billed.unit}, under a header per ${column.billed.unit}` });
      continue;
    }
    const readings = byUnit.get(billed.unit) ?? [];
    readings.push({ header: column.header, text, usd: perUnit(money.usd, billed) });
    byUnit.set(billed.unit, readings);
  }
  const bad = new Set(out.map((b) => b.unit));
  for (const [unit, readings] of byUnit) {
    if (bad.has(unit)) continue; // one unreadable column of a unit: the unit is reported, not read from the other
    const agree = readings.every((r) => r.usd === readings[0]!.usd);
    out.push(agree ? { kind: "agree", unit, usd: readings[0]!.usd, readings } : { kind: "disagree", unit, readings });
  }
  return out;
}
