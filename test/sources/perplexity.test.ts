import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../pipeline/catalog/validate.ts";
import { diffSource } from "../../pipeline/diff/diff.ts";
import { perplexityPricingSource as source } from "../../pipeline/sources/perplexity.ts";
import { Extraction } from "../../schemas/observation.ts";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/perplexity");
const CATALOG = path.resolve(import.meta.dirname, "../../catalog");
const read = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");
const NEWEST = "docs-perplexity-ai-pricing__2026-08-13.md";
const TEXT_COPY = "docs-perplexity-pricing__2025-10-15.jina.md";

const pricesOf = (x: Extraction) => {
  const out: Record<string, Record<string, number>> = {};
  for (const o of x.observations) (out[o.model] ??= {})[o.price] = o.usd;
  return out;
};
/** A markdown table row of the page, as written (escaped dollars, padded cells), by its first cell. */
const rowOnPage = (page: string, first: string) => {
  const line = page.split("\n").find((l) => new RegExp(`^\\s*\\|\\s*\\**${first.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\**\\s*\\|`).test(l));
  expect(line, `row ${first} on the page`).toBeDefined();
  return line!.split("|").slice(2, -1).map((c) => c.trim().replace(/\\\$/g, "$"));
};

describe("docs.perplexity.ai pricing (.md, 2026-08-13)", () => {
  const page = read(NEWEST);
  const x = source.extract(page, "markdown");
  const prices = pricesOf(x);

  it("reads token prices, reasoning tokens and Deep Research's search queries, every dollar accounted for", () => {
    expect(Extraction.parse(x)).toEqual(x);
    expect(x.status).toBe("ok");
    expect(x.problems).toEqual([]);
    // Checked against the rows as the page writes them.
    expect(rowOnPage(page, "Sonar")).toEqual(["$1", "$1", "-", "-", "-"]);
    expect(prices["perplexity/sonar"]).toMatchObject({ input: 1, output: 1 });
    expect(rowOnPage(page, "Sonar Pro").slice(0, 2)).toEqual(["$3", "$15"]);
    expect(prices["perplexity/sonar-pro"]).toMatchObject({ input: 3, output: 15 });
    expect(prices["perplexity/sonar-reasoning-pro"]).toMatchObject({ input: 2, output: 8 });
    expect(rowOnPage(page, "Sonar Deep Research")).toEqual(["$2", "$8", "$2", "$5", "$3"]);
    // $5 per 1K search queries → per one; reasoning tokens apart from output; citation tokens no key holds.
    expect(prices["perplexity/sonar-deep-research"]).toEqual({ input: 2, output: 8, search_per_request: 0.005, thinking_output: 3 });
    const a = x.accounting![0]!;
    expect(a.unread).toBe(0);
    expect(a.read + a.passedOver.reduce((n, p) => n + p.amounts, 0)).toBe(a.seen);
    expect(Object.fromEntries(a.passedOver.map((p) => [p.rule, p.amounts]))).toEqual({ "tool-fees": 8, "worked-example": 6 });
  });

  it("reads the request fees by search context size per 1000 requests, scaled to one", () => {
    expect(page).toContain("the request fee for each model for every **1000 requests**");
    expect(rowOnPage(page, "Sonar").length).toBe(5);
    const fees = (model: string) => [prices[model]!["search_per_request:low"], prices[model]!["search_per_request:medium"], prices[model]!["search_per_request:high"]];
    expect(fees("perplexity/sonar")).toEqual([0.005, 0.008, 0.012]);
    expect(fees("perplexity/sonar-pro")).toEqual([0.006, 0.01, 0.014]);
    expect(fees("perplexity/sonar-reasoning-pro")).toEqual([0.006, 0.01, 0.014]);
    expect(fees("perplexity/sonar-deep-research")).toEqual([undefined, undefined, undefined]);
    const low = x.observations.find((o) => o.model === "perplexity/sonar" && o.price === "search_per_request:low")!;
    expect(low.evidence).toBe("Sonar | $5 | $8 | $12 (Low Context Size, every 1000 requests)");
  });

  it("checks Pro Search's fast fees against Sonar Pro's, and passes over the pro search mode", () => {
    expect(page).toContain("| **`pro`**   | Multi-step tool usage for complex queries          |    \\$14 / \\$18 / \\$22    |");
    const withProFast = source.extract(page.replace("\\$6 / \\$10 / \\$14", "\\$6 / \\$11 / \\$14"), "markdown");
    expect(withProFast.status).toBe("partial");
    expect(withProFast.problems.map((p) => p.message)).toContain("perplexity/sonar-pro search_per_request:medium read twice with different prices ($0.01 and $0.011)");
    // The note restating Sonar Pro's token prices is read again: a different figure is a problem, not a choice.
    const restated = source.extract(page.replace("(\\$3 per 1M input", "(\\$4 per 1M input"), "markdown");
    expect(restated.problems.map((p) => p.message)).toContain("perplexity/sonar-pro input read twice with different prices ($3 and $4)");
    expect(x.observations.some((o) => o.usd === 0.018 || o.usd === 0.022)).toBe(false);
  });

  it("reads the embeddings under the API ids the page writes", () => {
    expect(page).toContain("| `pplx-embed-v1-0.6b` |    1024    |        \\$0.004       |");
    expect(prices["perplexity/pplx-embed-v1-0.6b"]).toEqual({ input: 0.004 });
    expect(prices["perplexity/pplx-embed-v1-4b"]).toEqual({ input: 0.03 });
    expect(prices["perplexity/pplx-embed-context-v1-0.6b"]).toEqual({ input: 0.008 });
    expect(prices["perplexity/pplx-embed-context-v1-4b"]).toEqual({ input: 0.05 });
    // Tools, the Search API and the cost examples are no model's price.
    expect(x.observations.some((o) => [0.0025, 0.00025, 0.006175].includes(o.usd))).toBe(false);
  });
});

describe("the 2025-10-15 text copy (jina, first tab only)", () => {
  it("reads the token table, lists Sonar Reasoning untracked, and reports the request fees missing", () => {
    const x = source.extract(read(TEXT_COPY), "markdown");
    expect(x.status).toBe("partial");
    expect(x.problems.map((p) => p.message)).toEqual([expect.stringMatching(/no request-fee table .* not read/)]);
    expect(x.untracked.map((u) => u.name)).toEqual(["Sonar Reasoning"]);
    // MANIFEST: Sonar Deep Research citation $2, search $5 / 1K, reasoning $3.
    expect(pricesOf(x)["perplexity/sonar-deep-research"]).toEqual({ input: 2, output: 8, search_per_request: 0.005, thinking_output: 3 });
    expect(x.accounting![0]!.unread).toBe(0);
  });

  it("fails a page with no model price table", () => {
    const x = source.extract("# Pricing\n\n| Tool | Price |\n| --- | --- |\n| web_search | $0.0025 per invocation |\n", "markdown");
    expect(x.status).toBe("failed");
  });
});

describe("a replay of the newest page", () => {
  it("verifies every catalog entry naming perplexity-pricing, and proposes a changed price", async () => {
    const catalog = await loadCatalog(CATALOG);
    const covered = [...catalog.entries.values()].map((e) => e.entry).filter((e) => e.sources.some((s) => s.source === source.id));
    expect(covered).toHaveLength(8);
    const page = read(NEWEST);
    const diff = diffSource(source.extract(page, "markdown"), covered, "2026-08-13");
    expect(diff.entries.map((e) => [e.model, e.outcome]).sort()).toEqual(covered.map((e) => [e.id, "verified"]).sort());
    const raised = diffSource(source.extract(page.replace("|        \\$5       |         \\$8         |", "|        \\$6       |         \\$8         |"), "markdown"), covered, "2026-08-13");
    expect(raised.entries.find((e) => e.model === "perplexity/sonar")).toMatchObject({ outcome: "changed" });
  });
});
