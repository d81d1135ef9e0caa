import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pricesOf } from "../support/prices.ts";
import { diffRun } from "../../pipeline/diff/diff.ts";
import { readCatalogFile } from "../../pipeline/catalog/load.ts";
import { zaiPricingSource as source } from "../../pipeline/sources/zai.ts";
import type { ModelEntry } from "../../schemas/model-entry.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PAGE_FILE = "test/fixtures/zai/docs-z-ai-guides-overview-pricing__2026-08-25.est.excerpt.html";
const PAGE = readFileSync(path.join(ROOT, PAGE_FILE), "utf8");
const x = source.extract(PAGE, "html");

/** The page as a reader sees it: tags dropped, entities undone, spaces collapsed. */
const pageText = PAGE.replace(/<[^>]+>/g, " ").replace(/&amp;/g, "&").replace(/\s+/g, " ");

function vendorEntries(vendor: string): ModelEntry[] {
  const dir = path.join(ROOT, "catalog", vendor);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => readCatalogFile(path.join(ROOT, "catalog"), `${vendor}/${f}`).entry!);
}

describe("zai-pricing: Z.ai's pricing page (HTML tables)", () => {
  const prices = pricesOf(x);

  it("reads the whole page: every amount read or passed over by a named rule", () => {
    expect(x.status).toBe("ok");
    expect(x.problems).toEqual([]);
    const [a] = x.accounting!;
    expect(a!.unread).toBe(0);
    expect(a!.read + a!.passedOver.reduce((n, p) => n + p.amounts, 0)).toBe(a!.seen);
    expect(a!.passedOver.map((p) => p.rule).sort()).toEqual(["list-price", "not-a-model-price", "restated-in-another-unit", "untracked-model"]);
  });

  it("reads the MANIFEST's checked prices, each from the row the page writes", () => {
    // Checked by hand: GLM-5.3 $1.4 / cached $0.26 / $4.4; GLM-5 $1 / $0.2 / $3.2; GLM-OCR $0.03 / \ / \ / $0.03.
    expect(prices["zai/glm-5.3"]).toEqual({ input: 1.4, cached_input: 0.26, output: 4.4 });
    expect(prices["zai/glm-5"]).toEqual({ input: 1, cached_input: 0.2, output: 3.2 });
    expect(prices["zai/glm-ocr"]).toEqual({ input: 0.03, output: 0.03 });
    expect(prices["zai/glm-image"]).toEqual({ image: 0.015 });
    expect(prices["zai/cogvideox-3"]).toEqual({ video_per_request: 0.2 });
    expect(prices["zai/glm-asr-2512"]).toEqual({ audio_input: 0.03 });
    for (const o of x.observations) {
      // The evidence is the row as written, which the page text holds cell after cell.
      const cells = o.evidence!.split(" | ");
      expect(pageText).toContain(cells[0]);
      for (const c of cells.slice(1)) expect(pageText).toContain(c);
    }
    expect(x.observations.find((o) => o.model === "zai/glm-5.3" && o.price === "input")!.evidence).toBe("GLM-5.3 | $1.4 | $0.26 | Limited-time Free | $4.4");
    expect(pageText).toContain("GLM-ASR-2512 $0.03 / MTok (equivalent to approximately $0.0024/minute)");
  });

  it("takes the unit from the line above each table, and the ASR cell's own unit over its restatement per minute", () => {
    expect(pageText).toMatch(/Prices per image\. .*GLM-Image \$0\.015/);
    expect(pageText).toMatch(/Prices per video\. .*CogVideoX-3 \$0\.2/);
    const units = Object.fromEntries(x.observations.map((o) => [`${o.model} ${o.price}`, o.unit]));
    expect(units["zai/glm-image image"]).toBe("image");
    expect(units["zai/cogvideox-3 video_per_request"]).toBe("request");
    expect(units["zai/glm-asr-2512 audio_input"]).toBe("1M tokens");
    expect(x.observations.some((o) => o.usd === 0.0024)).toBe(false);
  });

  it("maps display names to ids only through the page's own links or models.dev, and lists the rest untracked", () => {
    expect(PAGE).toContain('data-title="GLM-5.3"');
    expect(PAGE).toContain('href="/guides/llm/glm-5.3"');
    const untracked = x.untracked.map((u) => u.name);
    // No link and no models.dev file: never guessed from the name's likeness (GLM-5.3-Flash is not "glm-5.3-flash").
    expect(untracked).toEqual(
      expect.arrayContaining(["GLM-5.3-Flash", "GLM-4.5-X", "GLM-4.5-AirX", "GLM-4.6V-FlashX", "ViduQ1-Text", "Vidu2-Reference"]),
    );
    expect(x.observations.some((o) => /flash(?!x)|4\.5-x|airx|vidu/i.test(o.model))).toBe(false);
  });

  it("never reads a struck list price or 'Free' as a price", () => {
    // GLM-5.3-Flash: <del>$0.15</del> $0.075 … (a sale row of a model with no id); the list price is never read.
    expect(PAGE).toContain("<del>$0.15</del> $0.075");
    expect(x.observations.some((o) => o.usd === 0.15 || o.usd === 0.5)).toBe(false);
    // All-Free rows are listed untracked as free, never $0.
    expect(x.untracked.map((u) => u.name)).toEqual(expect.arrayContaining(["zai/glm-4.7-flash (free)", "zai/glm-4.5-flash (free)", "GLM-4.6V-Flash (free)"]));
    expect(x.observations.some((o) => o.usd === 0)).toBe(false);
  });

  it("reads a sale row's price billed today once the model has an id", () => {
    const page = PAGE.replace(">GLM-4.5-Air</td>", ">GLM-4.5-Air</td>").replace(
      /(<td style="text-align:left">GLM-4\.5-Air<\/td><td[^>]*>)\$0\.2(<\/td>)/,
      "$1<del>$0.2</del> $0.1$2",
    );
    expect(page).not.toBe(PAGE);
    const sale = source.extract(page, "html");
    expect(pricesOf(sale)["zai/glm-4.5-air"]!.input).toBe(0.1);
    expect(sale.status).toBe("ok");
  });

  it("reports a price cell that states no unit when the line above its table is gone", () => {
    const page = PAGE.replace("Prices per image.", "Image models.");
    const r = source.extract(page, "html");
    expect(r.status).toBe("partial");
    expect(r.problems.map((p) => p.message)).toContain(`the cell "$0.015" states no unit, and no line above its table does either; not read`);
    expect(pricesOf(r)["zai/glm-image"]).toBeUndefined();
  });

  it("a replay of the page verifies every zai catalog entry and proposes nothing", () => {
    const entries = vendorEntries("zai");
    expect(entries.length).toBeGreaterThanOrEqual(19);
    const covered = entries.filter((e) => e.sources.some((s) => s.source === source.id));
    expect(covered).toHaveLength(entries.length);
    const [d] = diffRun([{ extraction: x, covered }], {
      runDate: "2026-08-25",
      catalogIds: new Set(entries.map((e) => e.id)),
      sourceIds: new Set([source.id]),
    });
    expect(d!.entries.filter((e) => e.outcome !== "verified")).toEqual([]);
    for (const e of d!.entries) {
      if (e.outcome !== "verified") continue;
      expect([...e.changes, ...e.added, ...e.retired], e.model).toEqual([]);
    }
  });
});
