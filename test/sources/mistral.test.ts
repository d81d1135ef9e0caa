import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pricesOf } from "../support/prices.ts";
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
const [PRICING, MODELS, ...MULTIPLIER_PAGES] = source.documents!([]) as [SourceDocument, SourceDocument, ...SourceDocument[]];
/** The card page, which a run no longer lists (it redirects to the docs pricing page), read under its old name. */
const PRICING_API: SourceDocument = { name: "pricing-api", url: "https://mistral.ai/pricing/api", format: "html", fetchWith: "http" };
const modelPage = (slug: string): SourceDocument => ({ name: slug, url: `https://docs.mistral.ai/models/${slug}`, format: "html", fetchWith: "http" });

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
      // and the $0.16 it shows is read into no price: every dollar is accounted for.
      {
        message: "$0.16 is read into no price and passed over by no rule",
        where: `"…ultimodal Lightweight Input (/M tokens) $0.16 Output (/M tokens) $0.6 mistral-small-l…"`,
      },
    ]);
    expect(pricesOf(y)["mistral/mistral-small-latest"]).toEqual({ output: 0.6 });
  });

  it("reports a price in another currency, or in EUR only, and fails a page with no US dollars at all", () => {
    const eur = editAfter(body, 'data-name="mistral large 3"', 'data-currency="usd"', 'data-currency="eur"');
    const y = source.extract(eur, "html", PRICING_API);
    expect(y.status).toBe("partial");
    expect(y.problems).toEqual([
      { message: "the price is in eur, not US dollars", where: `card "mistral large 3", row "Input (/M tokens)"` },
      {
        message: "$0.5 is read into no price and passed over by no rule",
        where: `"…xt-to-text Multimodal Input (/M tokens) $0.5 Output (/M tokens) $1.5 mistral-large-l…"`,
      },
    ]);

    const eurOnly = editAfter(body, 'data-name="codestral"', "&quot;priceUsd&quot;:0.3", "&quot;priceUsd&quot;:null");
    const z = source.extract(eurOnly, "html", PRICING_API);
    expect(z.problems).toEqual([
      { message: "only a EUR figure (€0.26) is given, no USD one", where: `card "codestral", row "Input (/M tokens)"` },
      {
        message: "$0.3 is read into no price and passed over by no rule",
        where: `"…. Coding Text-to-text Input (/M tokens) $0.3 Output (/M tokens) $0.9 codestral-lates…"`,
      },
    ]);
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

  it("reads per-minute, per-page and per-character prices in the key of their unit", () => {
    // Voxtral Small: input [range 0.004 /Min, flat 0.1 /M Tokens], output [range 0.4 /M Tokens]: audio in
    // per minute beside text tokens (it answers in tokens: a chat model taking audio).
    expect(pricesOf(extractPage("voxtral-small-25-07"))).toEqual({ "mistral/voxtral-small-2507": { audio_input_per_minute: 0.004, input: 0.1, output: 0.4 } });
    const expected: Record<string, Record<string, Record<string, number>>> = {
      // input [flat 4 "/1000 Pages", flat 5 "/1000 Annotated Pages"]: per page, scaled from per 1000.
      "ocr-4-1": { "mistral/mistral-ocr-4-1": { ocr_per_page: 0.004, "ocr_per_page:annotated": 0.005 } },
      "ocr-4-0": { "mistral/mistral-ocr-4-0": { ocr_per_page: 0.004, "ocr_per_page:annotated": 0.005 } },
      "ocr-3-25-12": { "mistral/mistral-ocr-2512": { ocr_per_page: 0.002, "ocr_per_page:annotated": 0.003 } },
      // input [flat 0.003 "/Min"], output []: the minute is all it bills, a transcription.
      "voxtral-mini-transcribe-26-02": { "mistral/voxtral-mini-2602": { transcription_per_minute: 0.003 } },
      "voxtral-mini-transcribe-realtime-26-02": { "mistral/voxtral-mini-transcribe-realtime-2602": { transcription_per_minute: 0.006 } },
      // input [range 0 "/M Chars"], output [range 16 "/M Chars"]: the $0 beside a billed side is that side's price.
      "voxtral-tts-26-03": { "mistral/voxtral-mini-tts-2603": { input_per_1m_characters: 0, output_per_1m_characters: 16 } },
    };
    for (const [slug, prices] of Object.entries(expected)) {
      const x = extractPage(slug);
      expect(x, slug).toMatchObject({ status: "ok", problems: [], untracked: [] });
      expect(pricesOf(x), slug).toEqual(prices);
      for (const o of x.observations) expect(o.unit).toBe(o.price.includes("_per_page") ? "page" : o.price.includes("_per_minute") ? "minute" : o.price.includes("_per_1m_characters") ? "1M characters" : "1M tokens");
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

  it("reports what it does not understand: a bound on an entry, a paid model priced $0 throughout, a retired model", () => {
    const body = read(modelPagePath("mistral-small-4-0-26-03"));
    const bound = extractPage("mistral-small-4-0-26-03", body.replace(String.raw`\"price\":0.6,`, String.raw`\"price\":0.6,\"maxPrice\":1.2,`));
    // Nothing on the page can be read then: the page fails (and with it the night's reading of this source).
    expect(bound.status).toBe("failed");
    expect(bound.problems[0]!.message).toMatch(/price object is not understood: .*maxPrice/s);
    expect(bound.observations).toEqual([]);

    // A stated $0 beside a billed side is that side's price (as Voxtral TTS's text in); $0 throughout on a model
    // not marked free is not a price list anyone can trust.
    const zero = extractPage("mistral-small-4-0-26-03", body.replace(String.raw`\"price\":0.15,`, String.raw`\"price\":0,`));
    expect(zero.problems).toEqual([]);
    expect(pricesOf(zero)).toEqual({ "mistral/mistral-small-2603": { input: 0, output: 0.6 } });
    const allZero = extractPage("mistral-small-4-0-26-03", body.replace(String.raw`\"price\":0.15,`, String.raw`\"price\":0,`).replace(String.raw`\"price\":0.6,`, String.raw`\"price\":0,`));
    expect(allZero.problems).toContainEqual({ message: "every figure is $0 and the model is not marked free; none is read", where: `model page "Mistral Small 4": pricing` });
    expect(allZero).toMatchObject({ status: "failed", observations: [] });

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
      // output from the card and the page; input ($0.1 /M Tokens) and audio in per minute from the page alone
      "mistral/voxtral-small-2507": { audio_input_per_minute: 0.004, input: 0.1, output: 0.4 },
      // per page, per minute, per 1M characters: from the model pages (the cards' per-unit rows are passed over)
      "mistral/mistral-ocr-2512": { ocr_per_page: 0.002, "ocr_per_page:annotated": 0.003 },
      "mistral/mistral-ocr-4-0": { ocr_per_page: 0.004, "ocr_per_page:annotated": 0.005 },
      "mistral/mistral-ocr-4-1": { ocr_per_page: 0.004, "ocr_per_page:annotated": 0.005 },
      "mistral/voxtral-mini-2602": { transcription_per_minute: 0.003 },
      "mistral/voxtral-mini-transcribe-realtime-2602": { transcription_per_minute: 0.006 },
      "mistral/voxtral-mini-tts-2603": { input_per_1m_characters: 0, output_per_1m_characters: 16 },
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

const DOCS_PRICING = path.join(FIXTURES, "docs-mistral-ai-inference-pricing__2026-08-17.est.excerpt.html");
const MULTIPLIER_FIXTURES: Record<string, string> = {
  "priority-tier": path.join(FIXTURES, "docs-mistral-ai-inference-priority-tier__2026-09-24.est.excerpt.md"),
  "regional-inference": path.join(FIXTURES, "docs-mistral-ai-inference-regional-inference__2026-09-24.est.md"),
  "batch-processing": path.join(FIXTURES, "docs-mistral-ai-studio-batch-processing__2026-09-24.est.excerpt.md"),
};

describe("pricing page, docs.mistral.ai/inference/pricing (≈2026-08-17)", () => {
  const body = read(DOCS_PRICING);
  const x = source.extract(body, "html", PRICING);

  it("is where the source starts, with the multiplier pages; the card page is no longer listed", () => {
    expect(source.url).toBe("https://docs.mistral.ai/inference/pricing");
    expect(source.documents!([]).map((d) => [d.name, d.url, d.format])).toEqual([
      ["pricing", "https://docs.mistral.ai/inference/pricing", "html"],
      ["models", "https://docs.mistral.ai/models", "html"],
      ["priority-tier", "https://docs.mistral.ai/inference/priority-tier.md", "markdown"],
      ["regional-inference", "https://docs.mistral.ai/inference/regional-inference.md", "markdown"],
      ["batch-processing", "https://docs.mistral.ai/studio/batch-processing.md", "markdown"],
    ]);
  });

  it("reads every row's USD Standard figures, keyed by the model page it links, each in the key of its unit", () => {
    expect(Extraction.parse(x)).toEqual(x);
    expect(x.status).toBe("ok");
    expect(x.problems).toEqual([]);
    // Checked by hand against the rendered cells, e.g. <a href="/models/mistral-large-3-25-12">Mistral Large 3 ↗</a>
    // </td><td>$0.5</td><td>$0.05</td><td>$1.5</td>; "$4 /1000 Pages" is $0.004 a page; "$0.003 /Min" a minute.
    expect(pricesOf(x)).toEqual({
      "mistral/mistral-large-3-25-12": { input: 0.5, cached_input: 0.05, output: 1.5 },
      "mistral/mistral-medium-3-5-26-04": { input: 1.5, cached_input: 0.15, output: 7.5 },
      "mistral/mistral-small-4-0-26-03": { input: 0.15, cached_input: 0.015, output: 0.6 },
      "mistral/ministral-3-14b-25-12": { input: 0.2, cached_input: 0.02, output: 0.2 },
      "mistral/ministral-3-8b-25-12": { input: 0.15, cached_input: 0.015, output: 0.15 },
      "mistral/ministral-3-3b-25-12": { input: 0.1, cached_input: 0.01, output: 0.1 },
      "mistral/ocr-4-1": { ocr_per_page: 0.004, cached_ocr_per_page: 0.0004 },
      "mistral/ocr-4-0": { ocr_per_page: 0.004, cached_ocr_per_page: 0.0004 },
      // output "—": the minute is all it bills, a transcription
      "mistral/voxtral-mini-transcribe-26-02": { transcription_per_minute: 0.003, cached_transcription_per_minute: 0.0003 },
      // "$0 /M Chars" is a stated price beside a billed side ($16 /M Chars out), not "Free"
      "mistral/voxtral-tts-26-03": { input_per_1m_characters: 0, cached_input_per_1m_characters: 0, output_per_1m_characters: 16 },
      "mistral/zai-glm-5-2": { input: 1.4, cached_input: 0.14, output: 4.4 },
      "mistral/codestral-25-08": { input: 0.3, cached_input: 0.03, output: 0.9 },
      "mistral/codestral-embed-25-05": { input: 0.15, cached_input: 0.015 },
    });
    for (const o of x.observations) expect(o.price.startsWith("batch/") || o.price.startsWith("priority/")).toBe(false);
  });

  it("lists the Free rows as untracked, never as $0", () => {
    expect(x.untracked.map((u) => u.name)).toEqual(["mistral/mistral-moderation-26-03 (free)", "mistral/leanstral-1-5 (free)"]);
    expect(x.observations.filter((o) => o.model.includes("moderation") || o.model.includes("leanstral"))).toEqual([]);
  });

  it("accounts for every dollar the page states", () => {
    expect(x.accounting).toEqual([{ seen: 35, read: 35, passedOver: [], unread: 0 }]);
  });

  it("links the model page of every row, for the run to read their API ids", () => {
    expect(source.linkedDocuments!(PRICING, body, "html").map((d) => d.name)).toEqual([
      "mistral-large-3-25-12",
      "mistral-medium-3-5-26-04",
      "mistral-small-4-0-26-03",
      "ministral-3-14b-25-12",
      "ministral-3-8b-25-12",
      "ministral-3-3b-25-12",
      "ocr-4-1",
      "ocr-4-0",
      "voxtral-mini-transcribe-26-02",
      "voxtral-tts-26-03",
      "mistral-moderation-26-03",
      "zai-glm-5-2",
      "codestral-25-08",
      "codestral-embed-25-05",
      "leanstral-1-5",
    ]);
  });

  it("reads the same under the old URL's name (pricing-api now serves this page) and with no document named", () => {
    expect(source.extract(body, "html", PRICING_API)).toEqual(x);
    expect(source.extract(body)).toEqual(x);
    expect(source.linkedDocuments!(PRICING_API, body, "html")).toHaveLength(15);
  });

  it("reads a sale cell as the price billed today, keeping the struck list price out of today's price", () => {
    const sale = editAfter(body, 'href="/models/mistral-large-3-25-12"', `data-slot="table-cell">$0.5</td>`, `data-slot="table-cell"><del>$0.65</del> <ins>$0.5</ins></td>`);
    const y = source.extract(sale, "html", PRICING);
    expect(y.status).toBe("ok");
    const input = y.observations.find((o) => o.model === "mistral/mistral-large-3-25-12" && o.price === "input");
    expect(input).toMatchObject({ usd: 0.5, evidence: "Mistral Large 3 ↗ | $0.65 $0.5 | $0.05 | $1.5 (input: list price $0.65, billed today $0.5)" });
    expect(y.observations.some((o) => o.model === "mistral/mistral-large-3-25-12" && o.usd === 0.65)).toBe(false);
    expect(y.accounting![0]!.passedOver).toEqual([{ rule: "list-price", why: expect.any(String), amounts: 1 }]);

    const struckOnly = editAfter(body, 'href="/models/mistral-large-3-25-12"', `data-slot="table-cell">$0.5</td>`, `data-slot="table-cell"><del>$0.65</del></td>`);
    const z = source.extract(struckOnly, "html", PRICING);
    expect(z.status).toBe("partial");
    expect(z.problems[0]).toEqual({
      message: `a sale cell that cannot be read surely: a list price ($0.65) with no price beside it ("~~$0.65~~"); not read`,
      where: `section "Flagship models", row "Mistral Large 3", input`,
    });
    expect(pricesOf(z)["mistral/mistral-large-3-25-12"]).toEqual({ cached_input: 0.05, output: 1.5 });
  });

  it("reads only the pressed toggles: Batch figures as batch keys; EUR or regional figures are reported, not read", () => {
    const flagship = (b: string, from: string, to: string) => editAfter(b, 'id="flagship"', from, to);
    const batch = flagship(flagship(body, `aria-pressed="true"`, `aria-pressed="x"`), ">Standard</button>", ">Standard</button>");
    // Standard un-pressed and Batch pressed in the Flagship section (the markup's pressed state moves with the toggle).
    const batchPressed = editAfter(batch.replace(/(id="flagship"[\s\S]*?)<button aria-pressed="false"([^>]*>Batch<\/button>)/, `$1<button aria-pressed="true"$2`), 'id="flagship"', `aria-pressed="true" class`, `aria-pressed="true" class`);
    const modeFixed = batchPressed.replace(/(id="flagship"[\s\S]*?aria-label="Pricing mode"[\s\S]*?)<button aria-pressed="true"([^>]*>Standard<\/button>)/, `$1<button aria-pressed="false"$2`);
    const b = source.extract(modeFixed.replace('aria-pressed="x"', 'aria-pressed="true"'), "html", PRICING);
    expect(pricesOf(b)["mistral/mistral-large-3-25-12"]).toEqual({ "batch/input": 0.5, "batch/cached_input": 0.05, "batch/output": 1.5 });
    expect(pricesOf(b)["mistral/codestral-25-08"]).toEqual({ input: 0.3, cached_input: 0.03, output: 0.9 });

    const eur = body.replace(/(id="flagship"[\s\S]*?)<button aria-pressed="true"([^>]*>USD<\/button>)<button aria-pressed="false"([^>]*>EUR<\/button>)/, `$1<button aria-pressed="false"$2<button aria-pressed="true"$3`);
    const e = source.extract(eur, "html", PRICING);
    expect(e.status).toBe("partial");
    expect(e.problems[0]).toEqual({ message: "the figures shown are in EUR, not USD; the section is not read", where: `section "Flagship models"` });
    expect(pricesOf(e)["mistral/mistral-large-3-25-12"]).toBeUndefined();

    const regional = editAfter(body, 'id="flagship"', `aria-checked="false"`, `aria-checked="true"`);
    const r = source.extract(regional, "html", PRICING);
    expect(r.problems[0]!.message).toMatch(/regional .*not read/);
    expect(pricesOf(r)["mistral/mistral-large-3-25-12"]).toBeUndefined();
  });

  it("reports a Free cell beside prices and a row that links no model page, and reads neither as a price", () => {
    const free = editAfter(body, 'href="/models/codestral-25-08"', `data-slot="table-cell">$0.03</td>`, `data-slot="table-cell">Free</td>`);
    const y = source.extract(free, "html", PRICING);
    expect(y.problems).toEqual([
      { message: `"Free" beside prices ($0.3 per 1M tokens, $0.9 per 1M tokens); the free side is not read as $0`, where: `section "Code models", row "Codestral"` },
    ]);
    expect(pricesOf(y)["mistral/codestral-25-08"]).toEqual({ input: 0.3, output: 0.9 });

    const unlinked = body.replace(`href="/models/zai-glm-5-2"`, `href="https://z.ai/"`);
    const z = source.extract(unlinked, "html", PRICING);
    expect(z.problems).toEqual([{ message: "the row links no model page (/models/<slug>); whose prices these are is not stated", where: `section "Third-party hosted", row "Z.ai GLM 5.2"` }]);
    expect(z.untracked.map((u) => u.name)).toContain("Z.ai GLM 5.2");
    expect(z.observations.some((o) => o.usd === 1.4)).toBe(false);
  });
});

describe("multiplier pages: priority tier, regional inference, batch processing", () => {
  const extractDoc = (name: string, body = read(MULTIPLIER_FIXTURES[name]!)) =>
    source.extract(body, "markdown", MULTIPLIER_PAGES.find((d) => d.name === name));

  it("reads each page's factor for every model, with the page's own sentence", () => {
    const read3 = Object.keys(MULTIPLIER_FIXTURES).map((name) => extractDoc(name));
    for (const x of read3) expect(x).toMatchObject({ status: "ok", observations: [], problems: [] });
    expect(read3.flatMap((x) => x.multipliers ?? [])).toEqual([
      {
        name: "priority",
        factor: 1.75,
        sentence: "The multiplier is 1.75x standard list pricing, which is a 75% premium on input, output, and cached tokens.",
        document: "https://docs.mistral.ai/inference/priority-tier.md",
      },
      {
        name: "regional",
        factor: 1.1,
        sentence: "Regional inference is billed at 1.1× standard list pricing (a 10% upcharge) for input tokens, output tokens, cached reads, and cache writes.",
        document: "https://docs.mistral.ai/inference/regional-inference.md",
      },
      {
        name: "batch",
        factor: 0.5,
        sentence: "Batching allows you to run asynchronous inference on large inputs in parallel, reducing compute costs while running large workloads at a 50% discount.",
        document: "https://docs.mistral.ai/studio/batch-processing.md",
      },
    ]);
  });

  it("tells the pages apart by their titles when no document is named", () => {
    expect(source.extract(read(MULTIPLIER_FIXTURES["batch-processing"]!), "markdown").multipliers?.[0]).toMatchObject({ name: "batch", factor: 0.5 });
  });

  it("reports two factors, and fails a page with none or a page that is not the one named", () => {
    const two = extractDoc("batch-processing", read(MULTIPLIER_FIXTURES["batch-processing"]!) + "\nSome models are billed at a 40% discount.\n");
    expect(two.problems[0]!.message).toBe("the batch-processing page states 0.5× and 0.6×; which is the batch multiplier is not clear, none is read");
    expect(two.multipliers).toBeUndefined();
    expect(extractDoc("batch-processing", "# Batch Processing\n\nBatching runs asynchronous inference.\n").status).toBe("failed");
    expect(extractDoc("priority-tier", read(MULTIPLIER_FIXTURES["batch-processing"]!)).status).toBe("failed");
  });
});

describe("combine: a run from the docs pricing page (after the 2026-10-07 redirect)", () => {
  const catalogEntries = (): Map<string, ModelEntry> => {
    const dir = path.join(REPO_ROOT, "catalog/mistral");
    return new Map(
      readdirSync(dir).map((f) => {
        const entry = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as ModelEntry;
        return [entry.id, entry] as const;
      }),
    );
  };
  function runDocuments(edit: { drop?: string; replace?: [string, string] } = {}): DocumentExtraction[] {
    const docs: DocumentExtraction[] = [];
    const add = (document: SourceDocument, file: string) => {
      if (edit.drop === document.name) return;
      const body = edit.replace?.[0] === document.name ? edit.replace[1] : read(file);
      const format = document.format;
      const extraction = source.extract(body, format, document);
      extraction.observations = extraction.observations.map((o) => ({ ...o, document: document.url }));
      docs.push({ document, body, format, extraction });
    };
    add(PRICING, DOCS_PRICING);
    add(MODELS, INDEX);
    for (const d of MULTIPLIER_PAGES) add(d, MULTIPLIER_FIXTURES[d.name]!);
    const linked = [...source.linkedDocuments!(PRICING, read(DOCS_PRICING), "html"), ...source.linkedDocuments!(MODELS, read(INDEX), "html")];
    for (const d of linked.filter((d, i) => linked.findIndex((e) => e.name === d.name) === i)) add(d, modelPagePath(d.name));
    return docs;
  }

  it("gives the pricing page's prices to the catalog's ids through the model pages' names", () => {
    const x = source.combine!(runDocuments(), catalogEntries());
    expect(Extraction.parse(x)).toEqual(x);
    expect(x.problems).toEqual([]);
    expect(x.status).toBe("ok");
    const prices = pricesOf(x);
    // Checked by hand on the pricing page: Large 3 $0.5 / $0.05 / $1.5; Medium 3.5 $1.5 / $0.15 / $7.5; GLM 5.2 $1.4 / $0.14 / $4.4.
    expect(prices["mistral/mistral-large-2512"]).toEqual({ input: 0.5, cached_input: 0.05, output: 1.5 });
    expect(prices["mistral/mistral-medium-2604"]).toEqual({ input: 1.5, cached_input: 0.15, output: 7.5 });
    expect(prices["mistral/zai-glm-5-2"]).toEqual({ input: 1.4, cached_input: 0.14, output: 4.4 });
    expect(prices["mistral/voxtral-mini-2602"]).toEqual({ transcription_per_minute: 0.003, cached_transcription_per_minute: 0.0003 });
    expect(prices["mistral/voxtral-mini-tts-2603"]).toEqual({ input_per_1m_characters: 0, cached_input_per_1m_characters: 0, output_per_1m_characters: 16 });
    expect(prices["mistral/mistral-ocr-4-1"]).toEqual({ ocr_per_page: 0.004, cached_ocr_per_page: 0.0004, "ocr_per_page:annotated": 0.005 });
    // The table is the evidence where it shows a price; the model page only where it alone does.
    const large = x.observations.find((o) => o.model === "mistral/mistral-large-2512" && o.price === "input");
    expect(large).toMatchObject({ document: "https://docs.mistral.ai/inference/pricing", evidence: "Mistral Large 3 ↗ | $0.5 | $0.05 | $1.5" });
    // No slug survives as a model of its own (GLM 5.2's page is named by its API id, zai-glm-5-2).
    expect(x.observations.filter((o) => o.model !== "mistral/zai-glm-5-2" && pricingSlugs.includes(o.model.slice("mistral/".length)))).toEqual([]);
  });
  const pricingSlugs = source.linkedDocuments!(PRICING, read(DOCS_PRICING), "html").map((d) => d.name);

  it("verifies every Mistral catalog entry the pages still price, and names the ones they no longer do", () => {
    const catalog = catalogEntries();
    const x = source.combine!(runDocuments(), catalog);
    const observed = pricesOf(x);
    const verified: string[] = [];
    const absent: string[] = [];
    for (const entry of catalog.values()) {
      const seen = observed[entry.id];
      if (!seen) {
        absent.push(entry.id);
        continue;
      }
      for (const [key, price] of Object.entries(entry.prices)) expect(seen[key], `${entry.id} ${key}`).toBe(price.usd);
      verified.push(entry.id);
    }
    expect(verified.sort()).toEqual(
      ["mistral/mistral-embed", "mistral/mistral-large-2512", "mistral/mistral-medium-2604", "mistral/mistral-small-2603", "mistral/voxtral-mini-2602", "mistral/voxtral-mini-tts-2603"].filter((id) => catalog.has(id)),
    );
    // Retired before these pages (their sources say so): on none of them.
    expect(absent.sort()).toEqual(["mistral/mistral-medium-2508", "mistral/open-mistral-7b", "mistral/open-mixtral-8x22b", "mistral/open-mixtral-8x7b", "mistral/pixtral-12b"]);
  });

  it("carries every document's accounting and the multipliers for every model", () => {
    const docs = runDocuments();
    const x = source.combine!(docs, catalogEntries());
    expect(x.accounting).toHaveLength(docs.length);
    expect(x.accounting!.find((a) => a.document === "https://docs.mistral.ai/inference/pricing")).toMatchObject({ seen: 35, read: 35, unread: 0 });
    expect(x.accounting!.every((a) => a.unread === 0)).toBe(true);
    expect(x.multipliers!.map((m) => [m.name, m.factor, m.model, m.document])).toEqual([
      ["priority", 1.75, undefined, "https://docs.mistral.ai/inference/priority-tier.md"],
      ["regional", 1.1, undefined, "https://docs.mistral.ai/inference/regional-inference.md"],
      ["batch", 0.5, undefined, "https://docs.mistral.ai/studio/batch-processing.md"],
    ]);
  });

  it("reports a pricing-page price whose model page was not read, instead of keying it by the page's slug", () => {
    const x = source.combine!(runDocuments({ drop: "zai-glm-5-2" }), catalogEntries());
    expect(x.status).toBe("partial");
    expect(x.problems.map((p) => p.message)).toContain(`the pricing page links model page "zai-glm-5-2", which was not read`);
    expect(x.problems.map((p) => p.message)).toContain(
      `input $1.4 of the row linking "/models/zai-glm-5-2": that model page was not read, so whose API id it is is not known; not read`,
    );
    expect(x.observations.some((o) => o.model.includes("glm"))).toBe(false);
  });

  it("reports a pricing page and a model page that disagree, and reads neither", () => {
    const page = read(modelPagePath("mistral-small-4-0-26-03")).replace(String.raw`\"price\":0.15,`, String.raw`\"price\":0.17,`);
    const x = source.combine!(runDocuments({ replace: ["mistral-small-4-0-26-03", page] }), catalogEntries());
    expect(x.status).toBe("partial");
    expect(x.problems.map((p) => p.message)).toEqual([
      "mistral/mistral-small-2603 input: the pricing page shows $0.15, the model page $0.17; which is right cannot be known, neither is read",
    ]);
    expect(pricesOf(x)["mistral/mistral-small-2603"]).toEqual({ cached_input: 0.015, output: 0.6 });
  });

  it("keeps the prices when a multiplier page cannot be read (partial), and fails when the pricing page cannot", () => {
    const m = source.combine!(runDocuments({ replace: ["batch-processing", "<html><body>Just a moment...</body></html>"] }), catalogEntries());
    expect(m.status).toBe("partial");
    expect(pricesOf(m)["mistral/mistral-large-2512"]).toEqual({ input: 0.5, cached_input: 0.05, output: 1.5 });
    expect(m.multipliers!.map((x) => x.name)).toEqual(["priority", "regional"]);
    const p = source.combine!(runDocuments({ replace: ["pricing", "<html><body>Just a moment...</body></html>"] }), catalogEntries());
    expect(p.status).toBe("failed");
    expect(p.observations).toEqual([]);
  });
});

describe("model index, docs.mistral.ai/models ≥2026-09-29 (a hand-trimmed excerpt)", () => {
  const body = read(path.join(FIXTURES, "docs-mistral-ai-models__2026-09-29.est.excerpt.html"));

  it("is not read as the index (its cards lost the model colour in the excerpt), follows no deprecated row, and prices nothing", () => {
    const x = source.extract(body, "html", MODELS);
    expect(x.status).toBe("failed");
    expect(x.problems[0]!.message).toMatch(/no model cards/);
    expect(source.linkedDocuments!(MODELS, body, "html")).toEqual([]);
  });

  it("leaves a run from the pricing page partial, not failed: the pricing page links its own model pages", () => {
    const docs: DocumentExtraction[] = [];
    const add = (document: SourceDocument, text: string) =>
      docs.push({ document, body: text, format: document.format, extraction: source.extract(text, document.format, document) });
    add(PRICING, read(DOCS_PRICING));
    add(MODELS, body);
    for (const d of source.linkedDocuments!(PRICING, read(DOCS_PRICING), "html")) add(d, read(modelPagePath(d.name)));
    const x = source.combine!(docs, new Map());
    expect(x.status).toBe("partial");
    expect(pricesOf(x)["mistral/mistral-large-2512"]).toEqual({ input: 0.5, cached_input: 0.05, output: 1.5 });
  });
});
