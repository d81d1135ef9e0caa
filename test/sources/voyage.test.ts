import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pricesOf } from "../support/prices.ts";
import { diffSource } from "../../pipeline/diff/diff.ts";
import { confinedToModelsOutsideCatalog } from "../../pipeline/run/run.ts";
import { voyagePricingSource as source } from "../../pipeline/sources/voyage.ts";
import type { ModelEntry } from "../../schemas/model-entry.ts";
import { Extraction } from "../../schemas/observation.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const PAGE = path.join(REPO_ROOT, "test/fixtures/voyage/docs-voyageai-com-docs-pricing__2026-08-13.md");
const body = readFileSync(PAGE, "utf8");
const x = source.extract(body, "markdown");

/** The page's own row for a model (its markdown line), the text a reviewer checks a price against. */
function rowOf(id: string): string {
  const line = body.split("\n").find((l) => l.startsWith(`| \`${id}\``));
  expect(line, `a row for ${id}`).toBeDefined();
  return line!;
}

describe("docs.voyageai.com/docs/pricing.md 2026-08-13", () => {
  it("reads the prices the MANIFEST checked by hand, each against the row that states it twice", () => {
    expect(Extraction.parse(x)).toEqual(x);
    const prices = pricesOf(x);
    // | `voyage-4-large` | $0.00012 | $0.12 | 200 million |: per thousand and per million agree.
    expect(rowOf("voyage-4-large")).toMatch(/\$0\.00012\s*\|\s*\$0\.12\s*\|/);
    expect(prices["voyage/voyage-4-large"]).toEqual({ input: 0.12 });
    expect(rowOf("voyage-4")).toMatch(/\$0\.00006\s*\|\s*\$0\.06\s*\|/);
    expect(prices["voyage/voyage-4"]).toEqual({ input: 0.06 });
    expect(prices["voyage/voyage-4-lite"]).toEqual({ input: 0.02 });
    // | `voyage-multimodal-3.5`<br />`voyage-multimodal-3` | $0.12 | $0.60 | …: tokens and pixels, two prices.
    expect(rowOf("voyage-multimodal-3.5")).toMatch(/\$0\.12\s*\|\s*\$0\.60\s*\|/);
    expect(prices["voyage/voyage-multimodal-3.5"]).toEqual({ input: 0.12, image_input_per_1b_pixels: 0.6 });
    expect(rowOf("rerank-2.5")).toMatch(/\$0\.00005\s*\|\s*\$0\.05\s*\|\s*\$0\.0025/);
    expect(prices["voyage/rerank-2.5"]).toEqual({ input: 0.05 });
    expect(prices["voyage/rerank-2.5-lite"]).toEqual({ input: 0.02 });
    // Older models: | `voyage-3-large` | $0.00018 | $0.18 |
    expect(rowOf("voyage-3-large")).toMatch(/\$0\.00018\s*\|\s*\$0\.18\s*\|/);
    expect(prices["voyage/voyage-3-large"]).toEqual({ input: 0.18 });
    const large = x.observations.find((o) => o.model === "voyage/voyage-4-large");
    expect(large?.evidence).toBe("voyage-4-large | $0.00012 | $0.12 | 200 million");
    expect(large?.unit).toBe("1M tokens");
  });

  it("gives each id of a cell that lists several the row's prices", () => {
    const prices = pricesOf(x);
    for (const id of ["voyage-finance-2", "voyage-law-2", "voyage-code-2"]) expect(prices[`voyage/${id}`], id).toEqual({ input: 0.12 });
    expect(prices["voyage/voyage-multimodal-3"]).toEqual({ input: 0.12, image_input_per_1b_pixels: 0.6 });
    expect(x.observations.find((o) => o.model === "voyage/voyage-law-2")?.evidence).toBe("voyage-finance-2 voyage-law-2 voyage-code-2 | $0.00012 | $0.12 | 50 million");
    for (const id of ["voyage-01", "voyage-lite-01", "voyage-lite-01-instruct", "voyage-02", "voyage-lite-02-instruct", "voyage-2"]) expect(prices[`voyage/${id}`], id).toEqual({ input: 0.1 });
    expect(Object.keys(prices).every((m) => /^voyage\/[a-z0-9][a-z0-9.-]*$/.test(m))).toBe(true);
  });

  it("reports the two rows whose per-thousand and per-million columns disagree, and reads neither figure", () => {
    // | `voyage-context-4` | $0.00018 | $0.12 |: $0.00018 per thousand is $0.18 per million, not $0.12.
    expect(rowOf("voyage-context-4")).toMatch(/\$0\.00018\s*\|\s*\$0\.12\s*\|/);
    expect(rowOf("voyage-code-4")).toMatch(/\$0\.00018\s*\|\s*\$0\.12\s*\|/);
    expect(x.status).toBe("partial");
    expect(x.problems).toEqual(
      ["voyage-context-4", "voyage-code-4"].map((id) => ({
        message: `${id}: "Price per thousand tokens" $0.00018 (= $0.18 per 1M tokens) but "Price per million tokens" $0.12 (= $0.12 per 1M tokens); the two columns state different prices, neither is read`,
        where: `table 1 (Text Embeddings), row "${id}"`,
        models: [`voyage/${id}`],
      })),
    );
    expect(x.observations.filter((o) => /voyage-(?:context|code)-4$/.test(o.model))).toEqual([]);
  });

  it("takes no price from the per-request estimate, the image examples, the worked examples or storage", () => {
    expect(new Set(x.observations.map((o) => o.price))).toEqual(new Set(["input", "image_input_per_1b_pixels"]));
    // $0.0025 / $0.001 estimated per request, $0.00003 … $1.20 per image, $0.00252 for an example, $0.05 per GB.
    expect(x.observations.filter((o) => [0.0025, 0.001, 0.00003, 0.0006, 0.0012, 0.03, 1.2, 0.00252].includes(o.usd))).toEqual([]);
    const [a] = x.accounting!;
    expect(a!.unread).toBe(0);
    expect(a!.seen).toBe(a!.read + a!.passedOver.reduce((n, p) => n + p.amounts, 0));
    expect(a!.passedOver.map((p) => p.rule)).toEqual(["worked-example"]);
  });

  it("records the Batch API's '33% discount' as the batch multiplier 0.67, for every model, and computes no batch price", () => {
    expect(body).toContain("a **33% discount** compared to our standard endpoints");
    expect(x.multipliers).toEqual([{ name: "batch", factor: 0.67, sentence: "It offers a 12-hour completion window and a 33% discount compared to our standard endpoints." }]);
    expect(x.observations.some((o) => o.price.startsWith("batch/"))).toBe(false);
  });

  it("reports a table whose columns stop agreeing on a price, and reads a changed price stated in both", () => {
    const disagree = source.extract(body.replace("| `voyage-4`                                                  | $0.00006", "| `voyage-4`                                                  | $0.00007"), "markdown");
    expect(disagree.problems.map((p) => p.where)).toContain('table 1 (Text Embeddings), row "voyage-4"');
    expect(pricesOf(disagree)["voyage/voyage-4"]).toBeUndefined();
    const changed = source.extract(body.replace("| `voyage-4-lite`                                             | $0.00002                  | $0.02 ", "| `voyage-4-lite`                                             | $0.00003                  | $0.03 "), "markdown");
    expect(pricesOf(changed)["voyage/voyage-4-lite"]).toEqual({ input: 0.03 });
  });

  it("fails a page with no model table, and refuses a page that is not a pricing page", () => {
    expect(source.extract("# Pricing\n\nContact sales.\n", "markdown").status).toBe("failed");
    expect(source.extract("", "markdown").status).toBe("failed");
  });
});

describe("the voyage catalog entries", () => {
  const dir = path.join(REPO_ROOT, "catalog/voyage");
  const entries = readdirSync(dir).map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as ModelEntry);

  it("are verified by a replay of the newest page: every price an observation, no change proposed", () => {
    expect(entries.length).toBe(10);
    for (const entry of entries) {
      expect(entry.sources.map((s) => s.source)).toContain("voyage-pricing");
      expect(entry.lastVerified).toBe("2026-08-13");
      const seen = pricesOf(x)[entry.id];
      for (const [key, price] of Object.entries(entry.prices)) expect(seen?.[key], `${entry.id} ${key}`).toBe(price.usd);
      expect(entry.multipliers?.batch?.factor).toBe(0.67);
    }
    // The page reads partial, but both its problems are about models the catalog does not hold: a run compares it.
    const catalog = new Map(entries.map((e) => [e.id, e]));
    expect(confinedToModelsOutsideCatalog(x, catalog)).toBe(true);
    const diff = diffSource({ ...x, status: "ok" }, entries, "2026-08-13", new Set(entries.map((e) => e.id)));
    expect(diff.entries.map((e) => [e.model, e.outcome])).toEqual(entries.map((e) => [e.id, "verified"]).sort());
    for (const e of diff.entries) expect(e.outcome === "verified" && (e.changes ?? [])).toEqual([]);
  });

  it("once voyage-context-4 is in the catalog, its unreadable row keeps the whole page from being compared", () => {
    const withContext4 = new Map(entries.map((e) => [e.id, e]));
    withContext4.set("voyage/voyage-context-4", { ...entries[0]!, id: "voyage/voyage-context-4" });
    expect(confinedToModelsOutsideCatalog(x, withContext4)).toBe(false);
    // An unread amount names no model: it may be any price, so it keeps the page from being compared too.
    const unread = source.extract(`${body}\n\nA support plan costs $9.99 per seat.\n`, "markdown");
    expect(unread.problems.find((p) => p.message.includes("$9.99"))?.models).toBeUndefined();
    expect(confinedToModelsOutsideCatalog(unread, new Map(entries.map((e) => [e.id, e])))).toBe(false);
  });

  it("a changed price on the page is a change for its entry", () => {
    const changed = source.extract(body.replace("| `rerank-2.5-lite` | $0.00002                  | $0.02 ", "| `rerank-2.5-lite` | $0.00003                  | $0.03 "), "markdown");
    const diff = diffSource({ ...changed, status: "ok" }, entries, "2026-08-14", new Set(entries.map((e) => e.id)));
    expect(diff.entries.filter((e) => e.outcome === "changed").map((e) => e.model)).toEqual(["voyage/rerank-2.5-lite"]);
  });
});
