import type { SeenPrice } from "../../schemas/diff.ts";
import type { RunReport } from "../../schemas/run-report.ts";
import { formatUsd } from "../publish/markdown.ts";

/** The command that turns an untracked model into a catalog entry. */
export const ADD_COMMAND = "npm run catalog -- add <model-id> --from <source-id>";

/** One model a vendor page lists and the catalog does not have, once per model however many pages list it. */
export interface UntrackedListing {
  /** A catalog id when the source could map the page's name, else the name as the page gives it. */
  model: string;
  /** The sources whose page lists it; the first is the one whose prices are shown. */
  sources: string[];
  where: string;
  /** Empty when the source could not map the name to an id (nothing to add it from yet). */
  prices: SeenPrice[];
}

/**
 * Untracked models of the sources that succeeded (a page the run did not trust is no evidence of new models),
 * models with an id and prices first, each once, in the order the report lists them.
 */
export function listUntracked(report: RunReport): UntrackedListing[] {
  const byModel = new Map<string, UntrackedListing>();
  for (const s of report.sources) {
    if (s.status !== "ok") continue;
    for (const u of s.diff?.untracked ?? []) {
      const seen = byModel.get(u.model);
      if (!seen) byModel.set(u.model, { model: u.model, sources: [s.source], where: u.where, prices: u.prices });
      else if (!seen.sources.includes(s.source)) seen.sources.push(s.source);
    }
  }
  const all = [...byModel.values()];
  return [...all.filter((u) => u.prices.length > 0), ...all.filter((u) => u.prices.length === 0)];
}

/** `input $0.40, output $1.60 per 1M tokens; image:low:1024x1024 $0.01 per image`. */
export function formatSeenPrices(prices: readonly SeenPrice[]): string {
  const byUnit = new Map<string, SeenPrice[]>();
  for (const p of prices) byUnit.set(p.unit, [...(byUnit.get(p.unit) ?? []), p]);
  return [...byUnit]
    .map(([unit, ps]) => `${ps.map((p) => `${p.price} ${formatUsd(p.usd)}`).join(", ")} per ${unit}`)
    .join("; ");
}
