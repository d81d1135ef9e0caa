import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ModelEntry } from "../../schemas/model-entry.ts";
import { Extraction } from "../../schemas/observation.ts";
import { mistralPricingSource as source } from "../../pipeline/sources/mistral/index.ts";
import type { DocumentExtraction, SourceDocument } from "../../pipeline/sources/source.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const FIXTURES = path.join(REPO_ROOT, "test/fixtures/mistral");
const CARDS = {
  "2026-08-04": path.join(FIXTURES, "mistral-ai-pricing-api__2026-08-04.excerpt.html"),
  "2026-08-17": path.join(FIXTURES, "mistral-ai-pricing-api__2026-08-17.excerpt.html"),
} as const;
const LEGACY_TEXT = path.join(FIXTURES, "pricing-page-text__2024-04-01.txt");
const DOCS = path.join(FIXTURES, "docs-models");
const modelPagePath = (slug: string) => path.join(DOCS, `${slug}__2026-08-17.excerpt.html`);
const INDEX = modelPagePath("index");
const MODEL_PAGE_SLUGS = readdirSync(DOCS)
  .map((f) => f.replace(/__2026-08-17\.excerpt\.html$/, ""))
  .filter((s) => s !== "index")
  .sort();

const read = (file: string) => readFileSync(file, "utf8");
const [PRICING_API, MODELS] = source.documents!([]) as [SourceDocument, SourceDocument];
const modelPage = (slug: string): SourceDocument => ({ name: slug, url: `https://docs.mistral.ai/models/${slug}`, format: "html", fetchWith: "http" });

/** Every (model, key) → usd of an extraction, each key read once. */
function pricesOf(x: Extraction): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const o of x.observations) {
    out[o.model] ??= {};
    expect(out[o.model]![o.price], `${o.model} ${o.price} read twice`).toBeUndefined();
    out[o.model]![o.price] = o.usd;
  }
  return out;
}

/** Replace the first `from` after `anchor` (a card's `data-name`, a page's key) with `to`. */
function editAfter(body: string, anchor: string, from: string, to: string): string {
  const at = body.indexOf(anchor);
  expect(at, `anchor ${anchor}`).toBeGreaterThanOrEqual(0);
  const i = body.indexOf(from, at);
  expect(i, `${from} after ${anchor}`).toBeGreaterThan(at);
  return body.slice(0, i) + to + body.slice(i + from.length);
}

describe("price cards, mistral.ai/pricing/api 2026-08-17", () => {
  const body = read(CARDS["2026-08-17"]);
  const x = source.extract(body, "html", PRICING_API);

  it("reads every model card's token prices by its copy-button id, and nothing else", () => {
    expect(Extraction.parse(x)).toEqual(x);
    expect(x.status).toBe("ok");
    expect(x.problems).toEqual([]);
    // Each figure checked against the card's data-prices priceUsd and its visible text, e.g.
    // data-name="mistral small 4" … Input (/M tokens) … &quot;priceUsd&quot;:0.15 … <span …>$0.15</span>.
    expect(pricesOf(x)).toEqual({
      "mistral/mistral-medium-latest": { input: 1.5, output: 7.5 },
      "mistral/mistral-small-latest": { input: 0.15, output: 0.6 },
      "mistral/mistral-large-latest": { input: 0.5, output: 1.5 },
      "mistral/zai-glm-5-2": { input: 1.4, cached_input: 0.14, output: 4.4 },
      // "Audio Input (per min / per M tok)" $0.004 and "Text Input (per min / per M tok)" $0.1 name two units: passed over.
      "mistral/voxtral-small-latest": { output: 0.4 },
      "mistral/codestral-latest": { input: 0.3, output: 0.9 },
      "mistral/ministral-3b-latest": { input: 0.1, output: 0.1 },
      "mistral/ministral-8b-latest": { input: 0.15, output: 0.15 },
      "mistral/ministral-14b-latest": { input: 0.2, output: 0.2 },
      "mistral/codestral-embed": { input: 0.15 },
      "mistral/mistral-embed": { input: 0.1 },
    });
  });

  it("is not fooled by the decoy cards", () => {
    // "libraries" (OCR per 1K pages $3) and the other tool cards are not models; "ocr 4.1" prices OCR $4 and
    // Document AI $5 per 1000 pages; "voxtral mini transcribe realtime" $0.006 per minute: no key expresses them.
    const models = x.observations.map((o) => o.model);
    expect(models).not.toContain("mistral/mistral-ocr-latest");
    expect(models).not.toContain("mistral/voxtral-mini-transcribe-realtime-2602");
    expect(models).not.toContain("mistral/voxtral-mini-tts-latest");
    expect(x.observations.filter((o) => [3, 4, 5, 0.006, 0.016, 0.004].includes(o.usd))).toEqual([]);
    expect(x.observations.every((o) => !/libraries|agent api|web search/i.test(o.evidence ?? ""))).toBe(true);
  });

  it("lists free models and cards without an id as untracked, never as $0", () => {
    expect(x.untracked.map((u) => u.name)).toEqual([
      "mistral/labs-leanstral-2603 (free)",
      "classifier api model (3b)",
      "classifier api model (8b)",
      "mistral/mistral-moderation-2603 (free)",
    ]);
    expect(x.observations.some((o) => o.usd === 0)).toBe(false);
    // The classifier cards' own "Input (/M tokens)" $0.1 / $0.04 are not keyed to anything.
    expect(x.observations.some((o) => /classifier/i.test(o.evidence ?? ""))).toBe(false);
  });

  it("keeps each price's evidence: the card and its row", () => {
    const small = x.observations.find((o) => o.model === "mistral/mistral-small-latest" && o.price === "input");
    expect(small?.evidence).toBe(`mistral small 4 › Input (/M tokens) $0.15`);
  });

  it("reports an attribute that disagrees with the figure shown, and reads the rest", () => {
    const edited = editAfter(body, 'data-name="mistral small 4"', "<span class=\"inline-block text-nowrap\">$0.15</span>", '<span class="inline-block text-nowrap">$0.16</span>');
    const y = source.extract(edited, "html", PRICING_API);
    expect(y.status).toBe("partial");
    expect(y.problems).toEqual([
      { message: `the attribute gives $0.15 but the card shows "$0.16"`, where: `card "mistral small 4", row "Input (/M tokens)"` },
    ]);
    expect(pricesOf(y)["mistral/mistral-small-latest"]).toEqual({ output: 0.6 });
  });

  it("reports a price in another currency, or in EUR only, and fails a page with no US dollars at all", () => {
    const eur = editAfter(body, 'data-name="mistral large 3"', 'data-currency="usd"', 'data-currency="eur"');
    const y = source.extract(eur, "html", PRICING_API);
    expect(y.status).toBe("partial");
    expect(y.problems).toEqual([{ message: "the price is in eur, not US dollars", where: `card "mistral large 3", row "Input (/M tokens)"` }]);

    const eurOnly = editAfter(body, 'data-name="codestral"', "&quot;priceUsd&quot;:0.3", "&quot;priceUsd&quot;:null");
    const z = source.extract(eurOnly, "html", PRICING_API);
    expect(z.problems).toEqual([{ message: "only a EUR figure (€0.26) is given, no USD one", where: `card "codestral", row "Input (/M tokens)"` }]);
    expect(pricesOf(z)["mistral/codestral-latest"]).toEqual({ output: 0.9 });

    const all = source.extract(body.replaceAll('data-currency="usd"', 'data-currency="eur"'), "html", PRICING_API);
    expect(all.status).toBe("failed");
    expect(all.observations).toEqual([]);
  });

  it("fails a page without cards", () => {
    const y = source.extract(body.replaceAll('class="model-item', 'class="modelcard'), "html", PRICING_API);
    expect(y.status).toBe("failed");
    expect(y.problems[0]!.message).toMatch(/no price cards/);
  });
});

describe("price cards, 2026-08-04 (other markup, other cards)", () => {
  const x = source.extract(read(CARDS["2026-08-04"]), "html", PRICING_API);

  it("still reads, by label meaning rather than classes", () => {
    expect(x.status).toBe("ok");
    expect(x.problems).toEqual([]);
    const prices = pricesOf(x);
    expect(prices["mistral/mistral-medium-latest"]).toEqual({ input: 1.5, output: 7.5 });
    expect(prices["mistral/mistral-small-latest"]).toEqual({ input: 0.15, output: 0.6 });
    expect(prices["mistral/devstral-medium-latest"]).toEqual({ input: 0.4, output: 2 });
    expect(prices["mistral/magistral-medium-latest"]).toEqual({ input: 2, output: 5 });
    expect(prices["mistral/open-mixtral-8x7b"]).toEqual({ input: 0.7, output: 0.7 });
    expect(prices["mistral/mistral-embed"]).toEqual({ input: 0.1 });
    // Per minute ("voxtral mini transcribe 2" $0.003, realtime $0.006) and per page ("ocr 4" $4 / $5): not read.
    expect(prices["mistral/voxtral-mini-latest"]).toBeUndefined();
    expect(prices["mistral/voxtral-mini-transcribe-realtime-2602"]).toBeUndefined();
    expect(prices["mistral/mistral-ocr-4-0"]).toBeUndefined();
  });

  it("lists a card whose copy button holds no id ('Classifier API model 3B') by its name", () => {
    expect(x.untracked.map((u) => u.name)).toEqual([
      "mistral/labs-leanstral-2603 (free)",
      "classifier api model 3b",
      "classifier api model 8b",
      "mistral/mistral-moderation-2603 (free)",
    ]);
    expect(x.observations.some((o) => /classifier/i.test(o.model))).toBe(false);
  });
});

describe("model pages, docs.mistral.ai/models/<slug>", () => {
  const extractPage = (slug: string, body = read(modelPagePath(slug))) => source.extract(body, "html", modelPage(slug));

  it("keys a page's prices by its first API id, from the flight payload", () => {
    // {\"names\":[\"mistral-small-2603\",\"mistral-small-latest\"]} … \"input\":[{\"type\":\"range\",\"price\":0.15 … \"output\":[{\"type\":\"range\",\"price\":0.6
    const small = extractPage("mistral-small-4-0-26-03");
    expect(small.status).toBe("ok");
    expect(pricesOf(small)).toEqual({ "mistral/mistral-small-2603": { input: 0.15, output: 0.6 } });
    expect(pricesOf(extractPage("mistral-medium-3-5-26-04"))).toEqual({ "mistral/mistral-medium-3-5": { input: 1.5, output: 7.5 } });
    expect(pricesOf(extractPage("mistral-large-3-25-12"))).toEqual({ "mistral/mistral-large-2512": { input: 0.5, output: 1.5 } });
    expect(pricesOf(extractPage("codestral-25-08"))).toEqual({ "mistral/codestral-2508": { input: 0.3, output: 0.9 } });
    expect(pricesOf(extractPage("mistral-embed-23-12"))).toEqual({ "mistral/mistral-embed-2312": { input: 0.1 } });
    expect(pricesOf(extractPage("codestral-embed-25-05"))).toEqual({ "mistral/codestral-embed-2505": { input: 0.15 } });
    expect(pricesOf(extractPage("ministral-3-3b-25-12"))).toEqual({ "mistral/ministral-3b-2512": { input: 0.1, output: 0.1 } });
    expect(pricesOf(extractPage("ministral-3-8b-25-12"))).toEqual({ "mistral/ministral-8b-2512": { input: 0.15, output: 0.15 } });
    expect(pricesOf(extractPage("ministral-3-14b-25-12"))).toEqual({ "mistral/ministral-14b-2512": { input: 0.2, output: 0.2 } });
    // "label":"Cached input" on the input side.
    expect(pricesOf(extractPage("zai-glm-5-2"))).toEqual({ "mistral/zai-glm-5-2": { input: 1.4, cached_input: 0.14, output: 4.4 } });
  });

  it("passes over per-minute, per-page and per-character prices without a problem", () => {
    // Voxtral Small: input [range 0.004 /Min, flat 0.1 /M Tokens], output [range 0.4 /M Tokens].
    expect(pricesOf(extractPage("voxtral-small-25-07"))).toEqual({ "mistral/voxtral-small-2507": { input: 0.1, output: 0.4 } });
    for (const slug of ["ocr-4-1", "ocr-4-0", "ocr-3-25-12", "voxtral-mini-transcribe-26-02", "voxtral-mini-transcribe-realtime-26-02", "voxtral-tts-26-03"]) {
      const x = extractPage(slug);
      expect(x, slug).toMatchObject({ status: "ok", observations: [], problems: [], untracked: [] });
    }
  });

  it("lists a free model as untracked, never as $0, and keeps the page ok", () => {
    expect(extractPage("leanstral-1-5")).toMatchObject({ status: "ok", observations: [], problems: [], untracked: [{ name: "mistral/labs-leanstral-1-5 (free)" }] });
    expect(extractPage("mistral-moderation-26-03")).toMatchObject({
      status: "ok",
      observations: [],
      problems: [],
      untracked: [{ name: "mistral/mistral-moderation-2603 (free)" }],
    });
  });

  it("lists a page with no API id (Shieldstral 1.0) by its name", () => {
    expect(extractPage("shieldstral-1-0")).toMatchObject({ status: "ok", observations: [], problems: [], untracked: [{ name: "Shieldstral 1.0" }] });
  });

  it("reports what it does not understand: a bound on an entry, a $0 on a paid model, a retired model", () => {
    const body = read(modelPagePath("mistral-small-4-0-26-03"));
    const bound = extractPage("mistral-small-4-0-26-03", body.replace(String.raw`\"price\":0.6,`, String.raw`\"price\":0.6,\"maxPrice\":1.2,`));
    // Nothing on the page can be read then: the page fails (and with it the night's reading of this source).
    expect(bound.status).toBe("failed");
    expect(bound.problems[0]!.message).toMatch(/price object is not understood: .*maxPrice/s);
    expect(bound.observations).toEqual([]);

    const zero = extractPage("mistral-small-4-0-26-03", body.replace(String.raw`\"price\":0.15,`, String.raw`\"price\":0,`));
    expect(zero.problems).toEqual([{ message: "$0 /M Tokens on a model not marked free: never read as a price", where: `model page "Mistral Small 4": pricing.input[0]` }]);
    expect(pricesOf(zero)).toEqual({ "mistral/mistral-small-2603": { output: 0.6 } });

    const retired = extractPage("mistral-small-4-0-26-03", body.replaceAll(String.raw`\"isRetired\":false`, String.raw`\"isRetired\":true`));
    expect(retired).toMatchObject({ status: "ok", observations: [], untracked: [{ name: "mistral/mistral-small-2603 (retired)" }] });
  });

  it("fails a page that carries no list of API ids", () => {
    const x = extractPage("mistral-small-4-0-26-03", "<html><body><p>Mistral Small 4</p></body></html>");
    expect(x.status).toBe("failed");
  });
});

describe("model index, docs.mistral.ai/models", () => {
  const body = read(INDEX);

  it("links the model page of every card, and states no price", () => {
    const x = source.extract(body, "html", MODELS);
    expect(x).toMatchObject({ status: "ok", observations: [], problems: [], untracked: [] });
    const linked = source.linkedDocuments!(MODELS, body, "html");
    expect(linked).toHaveLength(20);
    expect(linked.map((d) => d.name).sort()).toEqual(MODEL_PAGE_SLUGS);
    expect(linked[0]).toEqual({ name: "mistral-medium-3-5-26-04", url: "https://docs.mistral.ai/models/mistral-medium-3-5-26-04", format: "html", fetchWith: "http" });
    expect(linked.every((d) => /^[a-z0-9][a-z0-9._-]*$/.test(d.name))).toBe(true);
  });

  it("never follows the deprecated models' table, nor a link that is not a card", () => {
    const deprecated =
      `<h2>Deprecated models</h2><table><tr><td><a style="--model-color:var(--model-red)" href="/models/mistral-medium-2312">Mistral Medium</a></td></tr></table>` +
      `<p><a href="/models/open-mixtral-8x22b">Mixtral 8x22B</a></p>`;
    const withTable = body.replace("</main>", `${deprecated}</main>`);
    const linked = source.linkedDocuments!(MODELS, withTable, "html").map((d) => d.name);
    expect(linked).toHaveLength(20);
    expect(linked).not.toContain("mistral-medium-2312");
    expect(linked).not.toContain("open-mixtral-8x22b");
  });

  it("refuses a slug that is not a file name", () => {
    const bad = body.replace(`href="/models/ocr-4-1"`, `href="/models/../etc"`);
    const x = source.extract(bad, "html", MODELS);
    expect(x.status).toBe("partial");
    expect(x.problems[0]!.message).toMatch(/not a page name/);
    expect(source.linkedDocuments!(MODELS, bad, "html").map((d) => d.name)).not.toContain("../etc");
  });

  it("is not a document the other kinds link from", () => {
    expect(source.linkedDocuments!(PRICING_API, read(CARDS["2026-08-17"]), "html")).toEqual([]);
  });
});

describe("the 2024 docs.mistral.ai pricing text", () => {
  const x = source.extract(read(LEGACY_TEXT));

  it("reads the USD columns of both tables, never the EUR ones", () => {
    expect(x.status).toBe("ok");
    expect(x.problems).toEqual([]);
    // "Mistral Smallmistral-small-latest2$ / 1M tokens6$ / 1M tokens1.85€ / 1M tokens5.55€ / 1M tokens" …
    expect(pricesOf(x)).toEqual({
      "mistral/open-mistral-7b": { input: 0.25, output: 0.25 },
      "mistral/open-mixtral-8x7b": { input: 0.7, output: 0.7 },
      "mistral/mistral-small-latest": { input: 2, output: 6 },
      "mistral/mistral-medium-latest": { input: 2.7, output: 8.1 },
      "mistral/mistral-large-latest": { input: 8, output: 24 },
      "mistral/mistral-embed": { input: 0.1 },
    });
    const euros = [0.2, 0.65, 1.85, 5.55, 2.5, 7.5, 7.3, 22];
    expect(x.observations.filter((o) => euros.includes(o.usd))).toEqual([]);
  });

  it("reports a euro figure in a dollar column", () => {
    const y = source.extract(read(LEGACY_TEXT).replace("8$ / 1M tokens24$", "8€ / 1M tokens24$"));
    expect(y.status).toBe("partial");
    expect(y.problems).toEqual([{ message: `"8€ / 1M tokens" is in EUR under "Input (USD)"`, where: `table "CHAT COMPLETIONS API", row "Mistral Largemistral-large-latest"` }]);
    expect(pricesOf(y)["mistral/mistral-large-latest"]).toEqual({ output: 24 });
  });
});

describe("telling the documents apart without being told", () => {
  it("reads each kind the same with and without its document", () => {
    expect(source.extract(read(CARDS["2026-08-17"]))).toEqual(source.extract(read(CARDS["2026-08-17"]), "html", PRICING_API));
    expect(source.extract(read(INDEX))).toEqual(source.extract(read(INDEX), "html", MODELS));
    for (const slug of MODEL_PAGE_SLUGS) {
      expect(source.extract(read(modelPagePath(slug))), slug).toEqual(source.extract(read(modelPagePath(slug)), "html", modelPage(slug)));
    }
    expect(source.extract("<html><body><h1>Pricing</h1><p>Nothing here</p></body></html>").status).toBe("failed");
  });

  it("prints the same reading through the CLI", () => {
    for (const file of [CARDS["2026-08-17"], modelPagePath("zai-glm-5-2"), LEGACY_TEXT]) {
      const stdout = execFileSync("npx", ["tsx", "pipeline/cli.ts", "extract", "mistral-pricing", "--file", file], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      expect(Extraction.parse(JSON.parse(stdout))).toEqual(source.extract(read(file)));
    }
  }, 60_000);
});

describe("combine: the 2026-08-17 run across cards, index and 20 model pages", () => {
  /** What a run hands `combine`: each document's extraction, with the document that showed each price. */
  function runDocuments(edit: { cards?: (b: string) => string; page?: [string, (b: string) => string] } = {}): DocumentExtraction[] {
    const docs: DocumentExtraction[] = [];
    const add = (document: SourceDocument, body: string) => {
      const extraction = source.extract(body, "html", document);
      extraction.observations = extraction.observations.map((o) => ({ ...o, document: document.url }));
      docs.push({ document, body, format: "html", extraction });
    };
    add(PRICING_API, (edit.cards ?? ((b) => b))(read(CARDS["2026-08-17"])));
    add(MODELS, read(INDEX));
    for (const d of source.linkedDocuments!(MODELS, read(INDEX), "html")) {
      const body = read(modelPagePath(d.name));
      add(d, edit.page?.[0] === d.name ? edit.page[1](body) : body);
    }
    return docs;
  }
  const entry = (id: string, sources: ModelEntry["sources"] = [{ source: "models.dev", url: "https://models.dev/" }]) =>
    [id, { id, sources } as ModelEntry] as const;
  const catalog = (mediumTied: boolean) =>
    new Map([
      entry("mistral/mistral-small-2603"),
      entry("mistral/mistral-embed", [{ source: "mistral-pricing", url: "https://docs.mistral.ai/platform/pricing" }]),
      // Mistral Medium 3.1: a medium model, not this one; nothing may land on it.
      entry("mistral/mistral-medium-2508"),
      entry(
        "mistral/mistral-medium-2604",
        mediumTied ? [{ source: "mistral-pricing", url: "https://docs.mistral.ai/models/mistral-medium-3-5-26-04" }] : undefined,
      ),
    ]);

  it("maps card aliases to the catalog's ids through the model pages' names", () => {
    const x = source.combine!(runDocuments(), catalog(false));
    expect(Extraction.parse(x)).toEqual(x);
    expect(x.status).toBe("ok");
    expect(x.problems).toEqual([]);
    expect(pricesOf(x)).toEqual({
      // card mistral-small-latest → page names [mistral-small-2603, mistral-small-latest] → the catalog's id
      "mistral/mistral-small-2603": { input: 0.15, output: 0.6 },
      // page names [mistral-embed-2312, mistral-embed]: the catalog has mistral/mistral-embed
      "mistral/mistral-embed": { input: 0.1 },
      // no catalog id among [mistral-medium-3-5, mistral-medium-3, mistral-medium-latest], no tie: the first name
      "mistral/mistral-medium-3-5": { input: 1.5, output: 7.5 },
      "mistral/mistral-large-2512": { input: 0.5, output: 1.5 },
      "mistral/zai-glm-5-2": { input: 1.4, cached_input: 0.14, output: 4.4 },
      // output from the card and the page; input ($0.1 /M Tokens) from the page alone
      "mistral/voxtral-small-2507": { input: 0.1, output: 0.4 },
      "mistral/codestral-2508": { input: 0.3, output: 0.9 },
      "mistral/ministral-3b-2512": { input: 0.1, output: 0.1 },
      "mistral/ministral-8b-2512": { input: 0.15, output: 0.15 },
      "mistral/ministral-14b-2512": { input: 0.2, output: 0.2 },
      "mistral/codestral-embed-2505": { input: 0.15 },
    });
    // No alias survives as a model of its own, and nothing lands on Medium 3.1.
    expect(x.observations.some((o) => o.model.endsWith("-latest") || o.model === "mistral/mistral-medium-2508")).toBe(false);
  });

  it("keeps one observation for a price both show, the card's, with the model page in its evidence", () => {
    const x = source.combine!(runDocuments(), catalog(false));
    const small = x.observations.filter((o) => o.model === "mistral/mistral-small-2603" && o.price === "input");
    expect(small).toEqual([
      {
        model: "mistral/mistral-small-2603",
        price: "input",
        usd: 0.15,
        unit: "1M tokens",
        evidence: `mistral small 4 › Input (/M tokens) $0.15`,
        document: "https://mistral.ai/pricing/api",
      },
    ]);
    const pageOnly = x.observations.find((o) => o.model === "mistral/voxtral-small-2507" && o.price === "input");
    expect(pageOnly?.document).toBe("https://docs.mistral.ai/models/voxtral-small-25-07");
  });

  it("gives Medium 3.5's prices to mistral/mistral-medium-2604 only when that entry names its page", () => {
    const tied = source.combine!(runDocuments(), catalog(true));
    expect(tied.status).toBe("ok");
    const prices = pricesOf(tied);
    expect(prices["mistral/mistral-medium-2604"]).toEqual({ input: 1.5, output: 7.5 });
    expect(prices["mistral/mistral-medium-3-5"]).toBeUndefined();
    expect(prices["mistral/mistral-medium-2508"]).toBeUndefined();
    expect(pricesOf(source.combine!(runDocuments(), catalog(false)))["mistral/mistral-medium-2604"]).toBeUndefined();
  });

  it("lists free and id-less models once per page, under the id they map to", () => {
    const x = source.combine!(runDocuments(), catalog(false));
    expect(x.untracked.map((u) => u.name)).toEqual([
      // the card's id labs-leanstral-2603 is not among the Leanstral 1.5 page's names: both are listed
      "mistral/labs-leanstral-2603 (free)",
      "classifier api model (3b)",
      "classifier api model (8b)",
      "Shieldstral 1.0",
      "mistral/mistral-moderation-2603 (free)",
      "mistral/labs-leanstral-1-5 (free)",
    ]);
  });

  it("reports a card and a model page that disagree on a price, and reads neither", () => {
    const docs = runDocuments({ page: ["mistral-small-4-0-26-03", (b) => b.replace(String.raw`\"price\":0.15,`, String.raw`\"price\":0.17,`)] });
    const x = source.combine!(docs, catalog(false));
    expect(x.status).toBe("partial");
    expect(x.problems).toEqual([
      {
        message: "mistral/mistral-small-2603 input: the card shows $0.15, the model page $0.17; which is right cannot be known, neither is read",
        where: `pricing-api: card / mistral-small-4-0-26-03: model page "Mistral Small 4"`,
      },
    ]);
    expect(pricesOf(x)["mistral/mistral-small-2603"]).toEqual({ output: 0.6 });
  });

  it("reports an API id two pages name, and a catalog entry two pages claim", () => {
    // The Large 3 page also names mistral-small-latest: which page the card belongs to is no longer known.
    const shared = runDocuments({
      page: ["mistral-large-3-25-12", (b) => b.replace(String.raw`\"mistral-large-latest\"]`, String.raw`\"mistral-large-latest\",\"mistral-small-latest\"]`)],
    });
    const x = source.combine!(shared, catalog(false));
    expect(x.status).toBe("partial");
    expect(x.problems.map((p) => p.message)).toContain("the API id mistral-small-latest is named by 2 model pages (mistral-small-4-0-26-03, mistral-large-3-25-12)");
    expect(x.observations.filter((o) => o.evidence?.startsWith(`mistral small 4 › `))).toEqual([]);

    const claimed = new Map([
      ...catalog(false),
      entry("mistral/mistral-medium-2604", [
        { source: "mistral-pricing", url: "https://docs.mistral.ai/models/mistral-medium-3-5-26-04" },
        { source: "mistral-pricing", url: "https://docs.mistral.ai/models/mistral-large-3-25-12" },
      ]),
    ]);
    const y = source.combine!(runDocuments(), claimed);
    expect(y.status).toBe("partial");
    expect(y.problems.map((p) => p.message)).toContain(
      "mistral/mistral-medium-2604 is claimed by 2 model pages (mistral-medium-3-5-26-04, mistral-large-3-25-12); none of their prices is given to it",
    );
    expect(pricesOf(y)["mistral/mistral-medium-2604"]).toBeUndefined();
  });

  it("fails when one document failed, so nothing is applied from half a reading", () => {
    const docs = runDocuments({ page: ["codestral-25-08", () => "<html><body>Just a moment...</body></html>"] });
    const x = source.combine!(docs, catalog(false));
    expect(x.status).toBe("failed");
    expect(x.observations).toEqual([]);
  });
});
