import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../pipeline/catalog/validate.ts";
import { diffSource } from "../../pipeline/diff/diff.ts";
import { cohereCards, coherePricingSource as source } from "../../pipeline/sources/cohere.ts";
import { Extraction } from "../../schemas/observation.ts";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/cohere");
const CATALOG = path.resolve(import.meta.dirname, "../../catalog");
const read = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");
const OCTOBER = "cohere-com-pricing__2026-10-06.est.excerpt.html";
const AUGUST = "cohere-com-pricing__2026-08-13.html";
const TEXT_COPY = "cohere-com-pricing__2025-10-15.jina.md";

const pricesOf = (x: Extraction) => {
  const out: Record<string, Record<string, number>> = {};
  for (const o of x.observations) (out[o.model] ??= {})[o.price] = o.usd;
  return out;
};
/** The payload as the page writes it, escaped twice inside the JS string: `\"inputPrice\":0.15`. */
const onPage = (page: string, card: string, field: string) => {
  const at = page.indexOf(`\\"modelName\\":\\"${card}\\"`);
  expect(at, `card ${card} on the page`).toBeGreaterThan(0);
  const m = new RegExp(`\\\\"${field}\\\\":(?:\\\\"([^\\\\]*)\\\\"|([0-9.]+))`).exec(page.slice(at, at + 4000));
  return m ? (m[1] ?? Number(m[2])) : undefined;
};

describe("cohere.com/pricing, 2026-10-06 (flight payload excerpt)", () => {
  const page = read(OCTOBER);
  const x = source.extract(page, "html");

  it("reads the cards and the FAQ's tracked models, every dollar accounted for", () => {
    expect(Extraction.parse(x)).toEqual(x);
    expect(x.status).toBe("ok");
    expect(x.problems).toEqual([]);
    const prices = pricesOf(x);
    // Checked by hand (MANIFEST): Command R $0.15 / $0.6; Command R7B $0.0375 / $0.15; FAQ Command R+ 08-2024 $2.50 / $10.00; Aya Expanse $0.50 / $1.50.
    expect(prices["cohere/command-r-08-2024"]).toEqual({ input: onPage(page, "Command R", "inputPrice"), output: onPage(page, "Command R", "outputPrice") });
    expect(prices["cohere/command-r-08-2024"]).toEqual({ input: 0.15, output: 0.6 });
    expect(prices["cohere/command-r7b-12-2024"]).toEqual({ input: 0.0375, output: 0.15 });
    expect(prices["cohere/command-r-plus-08-2024"]).toEqual({ input: 2.5, output: 10 });
    expect(prices["cohere/c4ai-aya-expanse-8b"]).toEqual({ input: 0.5, output: 1.5 });
    expect(prices["cohere/c4ai-aya-expanse-32b"]).toEqual({ input: 0.5, output: 1.5 });
    const faq = x.observations.find((o) => o.model === "cohere/command-r-plus-08-2024")!;
    expect(faq.evidence).toBe("Command R+ 08-2024 pricing is $2.50/1M tokens for input and $10.00/1M tokens for output");
    expect(page).toContain(faq.evidence);
    const a = x.accounting![0]!;
    expect(a.unread).toBe(0);
    expect(a.seen).toBeGreaterThan(20);
    expect(Object.fromEntries(a.passedOver.map((p) => [p.rule, p.amounts]))).toMatchObject({ "free-tier": 4, "unit-not-tracked": 1, "plan-and-credits": 1 });
  });

  it("reads overridePer over per: Rerank per 1K searches, Parse per 1K pages, scaled to one", () => {
    const cards = cohereCards(page);
    const figure = (card: string) => cards.filter((f) => f.card === card).map((f) => [f.key, f.usd, f.unit]);
    expect(onPage(page, "Rerank 4 Fast", "per")).toBe("1M tokens");
    expect(onPage(page, "Rerank 4 Fast", "overridePer")).toBe("1K searches");
    expect(figure("Rerank 4 Fast")).toEqual([["search_per_request", 0.002, "request"]]);
    expect(figure("Rerank 4 Pro")).toEqual([["search_per_request", 0.0025, "request"]]);
    expect(onPage(page, "Parse 5", "overridePer")).toBe("1K pages");
    expect(figure("Parse 5")).toEqual([["ocr_per_page", 0.0015, "page"]]);
    expect(figure("Embed 5 Pro")).toEqual([["input", onPage(page, "Embed 5 Pro", "inputPrice"), "1M tokens"]]);
    expect(figure("Embed 5 Pro")).toEqual([["input", 0.12, "1M tokens"]]);
    expect(figure("Embed 5 Fast")).toEqual([["input", 0.08, "1M tokens"]]);
    // The page names no API id for these and models.dev has none: untracked, never keyed by the display name.
    expect(x.untracked.map((u) => u.name)).toEqual(expect.arrayContaining(["Embed 5 Pro", "Embed 5 Fast", "Rerank 4 Fast", "Rerank 4 Pro", "Parse 5"]));
    expect(x.observations.some((o) => /embed|rerank|parse/i.test(o.model))).toBe(false);
  });

  it("never reads a Free card as $0, and passes over Transcribe's per-instance rate by a named rule", () => {
    expect(onPage(page, "Command A+", "per")).toBe("Free");
    expect(x.observations.some((o) => o.usd === 0)).toBe(false);
    expect(x.untracked.map((u) => u.name)).toEqual(expect.arrayContaining(["Command A+ (free)", "North Mini Code (free)", "Transcribe"]));
    expect(page).toContain("$$3.75 / hour / instance (via Model Vault)");
    expect(x.accounting![0]!.passedOver.find((p) => p.rule === "unit-not-tracked")!.why).toMatch(/instance.*Model Vault/);
    expect(x.observations.some((o) => o.price.includes("transcription"))).toBe(false);
  });
});

describe("cohere.com/pricing, 2026-08-13 (full payload)", () => {
  const page = read(AUGUST);
  const x = source.extract(page, "html");

  it("reads Embed 4's image cost apart, and passes over the Model Vault table per instance", () => {
    expect(x.status).toBe("ok");
    expect(cohereCards(page).filter((f) => f.card === "Embed 4").map((f) => [f.label, f.key, f.usd])).toEqual([
      ["Cost", "input", 0.12],
      ["Image cost", "image_input", 0.47],
    ]);
    expect(page).toContain("Hourly rate per instance");
    const a = x.accounting![0]!;
    expect(a.unread).toBe(0);
    // $3.75 (Transcribe) and the table's eleven distinct figures, $4.00 … $6,500.
    expect(a.passedOver.find((p) => p.rule === "unit-not-tracked")!.amounts).toBe(12);
    expect(pricesOf(x)["cohere/command-r-08-2024"]).toEqual({ input: 0.15, output: 0.6 });
  });
});

describe("cohere.com/pricing as a text copy (jina, 2025-10-15)", () => {
  it("reads the FAQ's sentences and reports that the price cards are not in the copy", () => {
    const x = source.extract(read(TEXT_COPY), "markdown");
    expect(x.status).toBe("partial");
    expect(x.problems.map((p) => p.message)).toEqual([expect.stringMatching(/no flight payload: its price cards .* not in this copy/)]);
    expect(pricesOf(x)["cohere/command-r-plus-08-2024"]).toEqual({ input: 2.5, output: 10 });
    expect(x.untracked.map((u) => u.name)).toEqual(["Command", "Command-light", "Command R 03-2024", "Command R+ 04-2024"]);
    expect(x.accounting![0]!.unread).toBe(0);
  });
});

describe("a changed or broken payload", () => {
  const page = read(OCTOBER);

  it("reports a figure that is not a number instead of throwing", () => {
    const broken = page.replace('\\"inputPrice\\":0.15', '\\"inputPrice\\":\\"0.15\\"');
    const x = source.extract(broken, "html");
    expect(x.status).toBe("partial");
    expect(x.problems.map((p) => p.message)).toContain('the input figure "0.15" is not an amount; not read');
    expect(pricesOf(x)["cohere/command-r-08-2024"]).toEqual({ output: 0.6 });
  });

  it("fails a payload with no card at all", () => {
    const x = source.extract(page.replaceAll("modelName", "title"), "html");
    expect(x.status).toBe("failed");
    expect(x.observations).toEqual([]);
  });
});

describe("a replay of the newest page", () => {
  it("verifies every catalog entry naming cohere-pricing, and proposes a changed price", async () => {
    const catalog = await loadCatalog(CATALOG);
    const covered = [...catalog.entries.values()].map((e) => e.entry).filter((e) => e.sources.some((s) => s.source === source.id));
    expect(covered.map((e) => e.id).sort()).toEqual([
      "cohere/c4ai-aya-expanse-32b",
      "cohere/c4ai-aya-expanse-8b",
      "cohere/command-r-08-2024",
      "cohere/command-r-plus-08-2024",
      "cohere/command-r7b-12-2024",
    ]);
    const page = read(OCTOBER);
    const diff = diffSource(source.extract(page, "html"), covered, "2026-10-06");
    expect(diff.entries.map((e) => [e.model, e.outcome]).sort()).toEqual(covered.map((e) => [e.id, "verified"]).sort());
    const raised = diffSource(source.extract(page.replace('\\"inputPrice\\":0.0375', '\\"inputPrice\\":0.05'), "html"), covered, "2026-10-06");
    expect(raised.entries.find((e) => e.model === "cohere/command-r7b-12-2024")).toMatchObject({ outcome: "changed" });
  });
});
