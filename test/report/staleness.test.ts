import { describe, expect, it } from "vitest";
import { ageInDays, freshnessReport } from "../../pipeline/report/staleness.ts";
import { renderMarkdown, renderTable } from "../../pipeline/report/render.ts";
import type { ModelEntry } from "../../schemas/model-entry.ts";

/** Only the fields the report reads; the rest of an entry does not matter to it. */
function entry(id: string, lastVerified: string, sources: string[]): ModelEntry {
  return {
    id,
    vendor: id.slice(0, id.indexOf("/")),
    lastVerified,
    sources: sources.map((source) => ({ source, url: "https://example.com/" })),
  } as ModelEntry;
}

const SOURCE_IDS = new Set(["openai-pricing"]);

describe("freshnessReport", () => {
  it("counts whole UTC days, across a month end and a leap day", () => {
    expect(ageInDays("2028-02-28", "2028-03-01")).toBe(2);
    expect(ageInDays("2026-04-04", "2026-11-24")).toBe(234);
  });

  it("is stale only when more than N days old: exactly N is fresh, a future day is fresh", () => {
    const r = freshnessReport(
      [entry("openai/a", "2026-10-25", ["openai-pricing"]), entry("openai/b", "2026-10-24", ["openai-pricing"]), entry("openai/c", "2026-12-01", ["openai-pricing"])],
      { asOf: "2026-11-24", staleAfterDays: 30, sourceIds: SOURCE_IDS },
    );
    expect(r.vendors.flatMap((v) => v.stale.map((e) => [e.id, e.ageDays]))).toEqual([["openai/b", 31]]);
    expect(r).toMatchObject({ entries: 3, stale: 1, withoutAutomatedSource: 0 });
  });

  it("names only pipeline sources as covering, once each; models.dev or an id with no module is no source", () => {
    const r = freshnessReport(
      [
        entry("openai/a", "2026-01-01", ["openai-pricing", "openai-pricing", "models.dev"]),
        entry("xai/b", "2026-01-01", ["xai-models", "models.dev"]),
      ],
      { asOf: "2026-11-24", staleAfterDays: 30, sourceIds: SOURCE_IDS },
    );
    expect(r.vendors.map((v) => [v.vendor, v.stale[0]!.coveredBy])).toEqual([
      ["openai", ["openai-pricing"]],
      ["xai", []],
    ]);
    expect(r.withoutAutomatedSource).toBe(1);
    expect(renderTable(r)).toMatch(/xai\/b +2026-01-01 +327 +no automated source/);
  });

  it("renders a report with nothing stale as the summary alone", () => {
    const r = freshnessReport([entry("openai/a", "2026-11-20", ["openai-pricing"])], { asOf: "2026-11-24", staleAfterDays: 30, sourceIds: SOURCE_IDS });
    expect(renderTable(r)).toBe("0 of 1 entries stale (lastVerified more than 30 days before 2026-11-24)\n");
    expect(renderMarkdown(r)).not.toContain("|");
  });
});
