import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { modelPageDocument, openAiModelPagesSource } from "../../pipeline/sources/openai-models.ts";
import type { SourceDocument } from "../../pipeline/sources/source.ts";
import type { ModelEntry } from "../../schemas/model-entry.ts";
import { Extraction } from "../../schemas/observation.ts";
import { unitOf } from "../../schemas/price-key.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const FIXTURES = path.join(REPO_ROOT, "test/fixtures/openai/models");
const PAGES = readdirSync(FIXTURES).filter((f) => /\.md$/.test(f)).sort();

const page = (file: string) => readFileSync(path.join(FIXTURES, file), "utf8");
/** `gpt-image-1-mini__2026-08-19.md` → `gpt-image-1-mini`: the model the saved page is for. */
const modelOf = (file: string) => file.split("__")[0]!;
const doc = (name: string): SourceDocument => modelPageDocument(name);
const extract = (body: string, document?: SourceDocument) => openAiModelPagesSource.extract(body, "markdown", document);

/** Price key → USD of one model, failing on a key read twice. */
function pricesOf(x: Extraction, model: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of x.observations) {
    expect(o.model, `an observation of another model: ${JSON.stringify(o)}`).toBe(model);
    expect(out[o.price], `${o.price} read twice`).toBeUndefined();
    out[o.price] = o.usd;
  }
  return out;
}

/** `image:<quality>:<size>` for the three sizes every fixture prices, in the page's order. */
function perImage(quality: string, usd: [number, number, number]): Record<string, number> {
  return {
    [`image:${quality}:1024x1024`]: usd[0],
    [`image:${quality}:1024x1536`]: usd[1],
    [`image:${quality}:1536x1024`]: usd[2],
  };
}

/** Replace one exact piece of a page, failing when it is not there (so an edit never silently does nothing). */
function edit(body: string, from: string, to: string): string {
  expect(body.includes(from), `the page has no ${JSON.stringify(from)}`).toBe(true);
  return body.replace(from, to);
}

// Every value below was read off the fixture text by hand (grep the file for it), not off the extractor.
const GPT_IMAGE_1_MINI = {
  input: 2,
  cached_input: 0.2,
  image_input: 2.5,
  image_cached_input: 0.25,
  image_output: 8,
  ...perImage("low", [0.005, 0.006, 0.006]),
  ...perImage("medium", [0.011, 0.015, 0.015]),
  ...perImage("high", [0.036, 0.052, 0.052]),
};

/** What each saved page yields: its status and every price, exactly. */
const EXPECTED: Record<string, { status: Extraction["status"]; prices: Record<string, number> }> = {
  "gpt-image-1-mini__2026-08-19.md": { status: "ok", prices: GPT_IMAGE_1_MINI },
  "gpt-image-1-mini__2025-10-14.md": { status: "ok", prices: GPT_IMAGE_1_MINI },
  "gpt-image-1__2026-08-19.md": {
    status: "ok",
    prices: {
      input: 5,
      cached_input: 1.25,
      image_input: 10,
      image_cached_input: 2.5,
      image_output: 40,
      ...perImage("low", [0.011, 0.016, 0.016]),
      ...perImage("medium", [0.042, 0.063, 0.063]),
      ...perImage("high", [0.167, 0.25, 0.25]),
    },
  },
  "dall-e-3__2026-08-19.md": {
    status: "ok",
    prices: { ...perImage("standard", [0.04, 0.08, 0.08]), ...perImage("hd", [0.08, 0.12, 0.12]) },
  },
  "gpt-image-2__2026-08-19.md": { status: "ok", prices: {} },
  // The Medium block lost its label: not read. Low and High each still name their quality; the token
  // figures are bare amounts.
  "chatgpt-image-latest__2026-07-09.md": {
    status: "partial",
    prices: { ...perImage("low", [0.009, 0.013, 0.013]), ...perImage("high", [0.133, 0.2, 0.2]) },
  },
  "gpt-5.6-sol__2026-08-13.md": { status: "ok", prices: { input: 5, cached_input: 0.5, output: 30 } },
  // | Input | $12.5 | 1M tokens | … (the Quick comparison's GPT-5.5 and GPT-5.4 rows are other models').
  "gpt-5.6-cyber__2026-08.est.md": { status: "ok", prices: { input: 12.5, cached_input: 1.25, output: 75 } },
  // No Pricing section: Sol's prices (its default snapshot) are never copied to the alias.
  "gpt-daybreak-blue-latest__2026-09.est.md": { status: "ok", prices: {} },
  "gpt-image-1.5__2026-08-19.md": {
    status: "ok",
    prices: {
      input: 5,
      cached_input: 1.25,
      output: 10,
      image_input: 8,
      image_cached_input: 2,
      image_output: 32,
      ...perImage("low", [0.009, 0.013, 0.013]),
      ...perImage("medium", [0.034, 0.05, 0.05]),
      ...perImage("high", [0.133, 0.2, 0.2]),
    },
  },
  // The mirror's lines: "Transcription audio duration" / "Per minute" / "Price" / "$0.0045".
  "gpt-transcribe__2026-08.est.md": { status: "ok", prices: { transcription_per_minute: 0.0045 } },
  "daybreak-blue-latest__2026-08-13.md": { status: "ok", prices: {} },
  "gpt-oss-120b__2026-08-13.md": { status: "ok", prices: {} },
};

describe("openai-models: every saved model page", () => {
  it("has an expectation for every page in the folder", () => {
    expect(PAGES.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(PAGES)("%s: the exact prices, for its own model only", (file) => {
    const expected = EXPECTED[file]!;
    const model = `openai/${modelOf(file)}`;
    for (const x of [extract(page(file)), extract(page(file), doc(modelOf(file)))]) {
      expect(Extraction.parse(x)).toEqual(x);
      expect(x.status, JSON.stringify(x.problems)).toBe(expected.status);
      expect(pricesOf(x, model)).toEqual(expected.prices);
      for (const o of x.observations) {
        expect(o.unit).toBe(unitOf(o.price));
        expect(o.evidence).toBeTruthy();
      }
    }
  });

  it.each(PAGES)("%s: read the same as the HTML markdown-it makes of it", async (file) => {
    const MarkdownIt = (await import("markdown-it")).default;
    const html = new MarkdownIt({ html: true }).render(page(file));
    // The same prices, multipliers, accounting and problems; an unread amount's surrounding words may differ
    // (a markdown link's target is text in the markdown, not in the HTML).
    const unwrapped = (x: Extraction) => ({
      ...x,
      problems: x.problems.map((p) => (/passed over by no rule$/.test(p.message) ? { ...p, where: "(the words around it)" } : p)),
    });
    expect(unwrapped(openAiModelPagesSource.extract(html, "html"))).toEqual(unwrapped(extract(page(file))));
  });

  it("names the document each price came from when the run says which it is", () => {
    const x = extract(page("gpt-image-1-mini__2026-08-19.md"), doc("gpt-image-1-mini"));
    expect(new Set(x.observations.map((o) => o.document))).toEqual(
      new Set(["https://developers.openai.com/api/docs/models/gpt-image-1-mini.md"]),
    );
    expect(extract(page("gpt-image-1-mini__2026-08-19.md")).observations.every((o) => o.document === undefined)).toBe(true);
  });
});

describe("openai-models: what each page carries", () => {
  it("gpt-image-1-mini 2026: the row each price came from, with its quality row", () => {
    const x = extract(page("gpt-image-1-mini__2026-08-19.md"));
    const evidence = (key: string) => x.observations.find((o) => o.price === key)?.evidence;
    expect(evidence("image:low:1024x1024")).toBe("Image generation › Quality Low › 1024x1024 | $0.005 | image");
    expect(evidence("image:high:1536x1024")).toBe("Image generation › Quality High › 1536x1024 | $0.052 | image");
    expect(evidence("cached_input")).toBe("Text tokens › Cached input | $0.2 | 1M tokens");
    expect(evidence("image_output")).toBe("Image tokens › Output | $8 | 1M tokens");
    // The text-token table has no Output row: none is made up.
    expect(x.observations.some((o) => o.price === "output")).toBe(false);
  });

  it("the 2025 copied text: the same prices as the 2026 page, with its own lines as evidence", () => {
    const x = extract(page("gpt-image-1-mini__2025-10-14.md"));
    expect(x.observations.find((o) => o.price === "image:medium:1024x1024")?.evidence).toBe(
      "Image generation › Per image › Quality Medium › 1024x1024 $0.011",
    );
    expect(x.observations.find((o) => o.price === "input")?.evidence).toBe("Text tokens › Per 1M tokens › Input › $2.00");
    // The card's summary ("Price" / "$2" / "•" / "$8") is not read: $8 is no text-token output price.
    expect(x.observations.some((o) => o.price === "output")).toBe(false);
  });

  it("dall-e-3: Standard and HD, and nothing from the Quick comparison table (DALL·E 2)", () => {
    const body = page("dall-e-3__2026-08-19.md");
    expect(body).toContain("| DALL·E 2 | $0.016 | $0.018 | $0.02 |");
    const x = extract(body);
    expect(x.observations.every((o) => o.model === "openai/dall-e-3")).toBe(true);
    for (const usd of [0.016, 0.018, 0.02]) expect(x.observations.some((o) => o.usd === usd)).toBe(false);
    expect(x.problems).toEqual([]);
  });

  it("gpt-image-2: a page that states no price is ok with no observation", () => {
    const x = extract(page("gpt-image-2__2026-08-19.md"), doc("gpt-image-2"));
    expect(x).toMatchObject({ status: "ok", observations: [], problems: [] });
  });

  it("chatgpt-image-latest: the block that lost its Medium label is a problem, never a guess", () => {
    const x = extract(page("chatgpt-image-latest__2026-07-09.md"), doc("chatgpt-image-latest"));
    expect(x.status).toBe("partial");
    expect(x.observations.some((o) => o.price.startsWith("image:medium:"))).toBe(false);
    for (const usd of [0.034, 0.05]) expect(x.observations.some((o) => o.usd === usd)).toBe(false);
    const block = x.problems.find((p) => p.where.startsWith("per-image block 2"));
    expect(block?.message).toMatch(/cannot be tied to a quality/);
    expect(block?.message).toContain("$0.034");
    // The token figures are unlabelled lines: reported, none read.
    expect(x.observations.some((o) => !o.price.startsWith("image:"))).toBe(false);
    expect(x.problems.some((p) => p.where === '"Image tokens"' && p.message.includes("$8.00, $2.00, $32.00"))).toBe(true);
    expect(x.problems.some((p) => p.message.includes("$5.00, $1.25, $10.00"))).toBe(true);
  });

  it("gpt-5.6-sol: the text tokens; the multipliers written as prose are multipliers, not prices", () => {
    const body = page("gpt-5.6-sol__2026-08-13.md");
    expect(body).toContain("priced at 2x input and 1.5x output");
    const x = extract(body, doc("gpt-5.6-sol"));
    expect(x.observations.map((o) => o.price)).toEqual(["input", "cached_input", "output"]);
    expect(x.problems).toEqual([]);
  });

  it("gpt-5.6-cyber: the multipliers its prose states, recorded as multipliers and never as prices", () => {
    const body = page("gpt-5.6-cyber__2026-08.est.md");
    expect(body).toContain("- Prompts with >272K input tokens are priced at 2x input and 1.5x output for the full request.");
    expect(body).toContain("- Cache writes are billed at 1.25x the uncached input token rate.");
    const x = extract(body, doc("gpt-5.6-cyber"));
    const factors = Object.fromEntries((x.multipliers ?? []).map((m) => [m.name, m.factor]));
    expect(factors).toEqual({ "over_272k:input": 2, "over_272k:output": 1.5, cache_write: 1.25 });
    for (const m of x.multipliers ?? []) {
      expect(m.model).toBe("openai/gpt-5.6-cyber");
      expect(body).toContain(m.sentence);
      expect(m.document).toBe("https://developers.openai.com/api/docs/models/gpt-5.6-cyber.md");
    }
    // No derived price: nothing @over_272k, no cache_write price ($15.625 is the pricing page's, not this page's).
    expect(x.observations.map((o) => o.price).sort()).toEqual(["cached_input", "input", "output"]);
  });

  it("gpt-5.6-cyber: the Quick comparison's GPT-5.5 and GPT-5.4 rows are passed over as other models, never attributed", () => {
    const body = page("gpt-5.6-cyber__2026-08.est.md");
    expect(body).toContain("| GPT-5.5 | $5 | $0.5 | $30 |");
    const x = extract(body);
    for (const usd of [5, 0.5, 30, 2.5, 0.25, 15]) expect(x.observations.some((o) => o.usd === usd)).toBe(false);
    expect(x.accounting).toEqual([
      { seen: 12, read: 6, passedOver: [{ rule: "other-models", why: '"Quick comparison" prices other models (GPT-5.5, GPT-5.4)', amounts: 6 }], unread: 0 },
    ]);
  });

  it("gpt-transcribe: its one price per minute, not the Compare strip's unitless figure", () => {
    const body = page("gpt-transcribe__2026-08.est.md");
    expect(body).toContain("Compare\n\nPerformance\n\nHighest\n\nSpeed\n\nMedium\n\nPrice\n\n$0.0045");
    const x = extract(body, doc("gpt-transcribe"));
    expect(x.observations).toEqual([
      {
        model: "openai/gpt-transcribe",
        price: "transcription_per_minute",
        usd: 0.0045,
        unit: "minute",
        evidence: "Transcription audio duration › Per minute › Price › $0.0045",
        document: "https://developers.openai.com/api/docs/models/gpt-transcribe.md",
      },
    ]);
    // The page says pricing is token-based but gives no token price: none is made up.
    expect(body).toContain("Pricing is based on the number of tokens used");
    expect(x.accounting?.[0]).toMatchObject({ seen: 2, unread: 0 });
  });

  it("gpt-transcribe: named by the page's own source line or by the document fetched, never by its display name", () => {
    const body = page("gpt-transcribe__2026-08.est.md");
    expect(extract(body, doc("gpt-image-1")).status).toBe("failed");
    const noSourceLine = body.replace(/^<!-- source: [^\n]*-->\n/, "");
    expect(noSourceLine).not.toContain("<!-- source:");
    // Read on its own, "GPT Transcribe" names no API id: it fails rather than guess.
    expect(extract(noSourceLine)).toMatchObject({ status: "failed", observations: [] });
    // Fetched as gpt-transcribe's page, it is that page.
    expect(pricesOf(extract(noSourceLine, doc("gpt-transcribe")), "openai/gpt-transcribe")).toEqual({ transcription_per_minute: 0.0045 });
  });

  it("gpt-daybreak-blue-latest: no pricing section, so no price (never its default snapshot gpt-5.6-sol's)", () => {
    const x = extract(page("gpt-daybreak-blue-latest__2026-09.est.md"), doc("gpt-daybreak-blue-latest"));
    expect(x).toMatchObject({ status: "ok", observations: [], problems: [] });
    expect(x.multipliers).toBeUndefined();
  });

  it("a Cache writes row is cache_write (no page has one yet: added by hand)", () => {
    const body = edit(page("gpt-5.6-sol__2026-08-13.md"), "| Output | $30 | 1M tokens |", "| Cache writes | $6.25 | 1M tokens |\n| Output | $30 | 1M tokens |");
    expect(pricesOf(extract(body), "openai/gpt-5.6-sol")).toEqual({ input: 5, cached_input: 0.5, cache_write: 6.25, output: 30 });
  });

  it("daybreak-blue-latest: its Model ID names it, not its default snapshot (gpt-5.6-sol)", () => {
    expect(extract(page("daybreak-blue-latest__2026-08-13.md"), doc("daybreak-blue-latest")).status).toBe("ok");
    const other = extract(page("daybreak-blue-latest__2026-08-13.md"), doc("gpt-5.6-sol"));
    expect(other.status).toBe("failed");
  });
});

describe("openai-models: the wrong page fails", () => {
  it.each([
    ["gpt-image-1__2026-08-19.md", "gpt-image-1"],
    ["dall-e-3__2026-08-19.md", "dall-e-3"],
    ["gpt-image-2__2026-08-19.md", "gpt-image-2"],
    ["chatgpt-image-latest__2026-07-09.md", "chatgpt-image-latest"],
  ])("%s asked for as gpt-image-1-mini", (file, named) => {
    const x = extract(page(file), doc("gpt-image-1-mini"));
    expect(x.status).toBe("failed");
    expect(x.observations).toEqual([]);
    expect(x.problems[0]?.message).toContain(`the page is for ${named}, not gpt-image-1-mini`);
  });

  it("the 2025 copied text of gpt-image-1-mini asked for as gpt-image-1", () => {
    const x = extract(page("gpt-image-1-mini__2025-10-14.md"), doc("gpt-image-1"));
    expect(x).toMatchObject({ status: "failed", observations: [] });
  });

  it("a page whose Model ID was changed to a sibling's (a redirect)", () => {
    const body = edit(page("gpt-image-1-mini__2026-08-19.md"), "Model ID: `gpt-image-1-mini`", "Model ID: `gpt-image-1`");
    expect(extract(body, doc("gpt-image-1-mini")).status).toBe("failed");
    // Read on its own it is gpt-image-1's page: nothing is given to gpt-image-1-mini.
    expect(extract(body).observations.every((o) => o.model === "openai/gpt-image-1")).toBe(true);
  });

  it("a page that does not name its model, and the pricing page", () => {
    const body = edit(page("gpt-image-1-mini__2026-08-19.md"), "Model ID: `gpt-image-1-mini`", "");
    const unnamed = edit(body, "# gpt-image-1-mini", "# GPT Image 1 Mini");
    expect(extract(unnamed).status).toBe("failed");
    // A display-name title confirms the document asked for, and only that one.
    expect(extract(unnamed, doc("gpt-image-1-mini")).status).toBe("ok");
    expect(extract(unnamed, doc("gpt-image-1")).status).toBe("failed");
    const pricing = readFileSync(path.join(REPO_ROOT, "test/fixtures/openai/developers-openai-api-docs-pricing__2026-08-13.md"), "utf8");
    expect(extract(pricing, doc("gpt-image-1-mini"))).toMatchObject({ status: "failed", observations: [] });
  });

  it("a page cut off inside a table", () => {
    const body = page("gpt-image-1-mini__2026-08-19.md");
    const cut = body.slice(0, body.indexOf("| 1024x1536 | $0.015 | image |") + "| 1024x1536 | $0.0".length);
    expect(extract(cut, doc("gpt-image-1-mini"))).toMatchObject({ status: "failed", observations: [] });
  });
});

describe("openai-models: pages changed by hand yield problems, never a misattributed price", () => {
  const mini = () => page("gpt-image-1-mini__2026-08-19.md");
  const read = (body: string) => extract(body, doc("gpt-image-1-mini"));
  const without = (keys: (k: string) => boolean) =>
    Object.fromEntries(Object.entries(GPT_IMAGE_1_MINI).filter(([k]) => !keys(k)));

  it("a Quality row removed: that table's prices are a problem, the others still read", () => {
    const x = read(edit(mini(), "| Quality | Medium | image |\n", ""));
    expect(x.status).toBe("partial");
    expect(pricesOf(x, "openai/gpt-image-1-mini")).toEqual(without((k) => k.startsWith("image:medium:")));
    expect(x.problems.some((p) => p.where.startsWith('table 3 under "Image generation"'))).toBe(true);
  });

  it("two tables run together and the second lost its Quality row: neither quality is guessed", () => {
    const joined = edit(
      mini(),
      "| 1536x1024 | $0.006 | image |\n\n### Image generation\n\n| Metric | Price | Unit |\n| --- | ---: | --- |\n| Quality | Medium | image |\n",
      "| 1536x1024 | $0.006 | image |\n",
    );
    const x = read(joined);
    expect(x.status).toBe("partial");
    expect(x.observations.some((o) => o.price.startsWith("image:low:") || o.price.startsWith("image:medium:"))).toBe(false);
    expect(pricesOf(x, "openai/gpt-image-1-mini")).toEqual(without((k) => /^image:(low|medium):/.test(k)));
  });

  it("two tables run together, both labelled: each quality read from its own rows", () => {
    const joined = edit(
      mini(),
      "| 1536x1024 | $0.006 | image |\n\n### Image generation\n\n| Metric | Price | Unit |\n| --- | ---: | --- |\n",
      "| 1536x1024 | $0.006 | image |\n",
    );
    const x = read(joined);
    expect(x.status).toBe("ok");
    expect(pricesOf(x, "openai/gpt-image-1-mini")).toEqual(GPT_IMAGE_1_MINI);
  });

  it("a quality renamed to a word this source does not know", () => {
    const x = read(edit(mini(), "| Quality | High | image |", "| Quality | Ultra | image |"));
    expect(x.status).toBe("partial");
    expect(x.observations.some((o) => o.price.includes("ultra") || o.price.startsWith("image:high:"))).toBe(false);
    expect(x.problems.some((p) => p.message.includes('"Ultra" is not a quality'))).toBe(true);
  });

  it("a unit it does not understand, or the wrong one for the section", () => {
    const credits = read(edit(mini(), "| Input | $2 | 1M tokens |", "| Input | $2 | credits |"));
    expect(credits.status).toBe("partial");
    expect(credits.observations.some((o) => o.price === "input")).toBe(false);
    const perImageInTokens = read(edit(mini(), "| Output | $8 | 1M tokens |", "| Output | $8 | image |"));
    expect(perImageInTokens.observations.some((o) => o.price === "image_output")).toBe(false);
    expect(perImageInTokens.status).toBe("partial");
    const tokensPerImage = read(edit(mini(), "| 1024x1024 | $0.036 | image |", "| 1024x1024 | $0.036 | 1M tokens |"));
    expect(tokensPerImage.observations.some((o) => o.price === "image:high:1024x1024")).toBe(false);
    expect(tokensPerImage.status).toBe("partial");
    // A price per minute in a token table is no token price: not read, and the amount is reported.
    const perMinute = read(edit(mini(), "| Input | $2 | 1M tokens |", "| Input | $2 | minute |"));
    expect(perMinute.status).toBe("partial");
    expect(perMinute.observations.some((o) => o.price === "input")).toBe(false);
    expect(perMinute.problems.map((p) => `${p.message} ${p.where}`)).toEqual([expect.stringMatching(/read into no price and passed over by no rule ".*\$2 \| minute/)]);
  });

  it("per 1K tokens is scaled to per 1M; Free is not $0", () => {
    const perK = read(edit(mini(), "| Input | $2 | 1M tokens |", "| Input | $0.002 | 1K tokens |"));
    expect(pricesOf(perK, "openai/gpt-image-1-mini").input).toBe(2);
    const free = read(edit(mini(), "| Input | $2 | 1M tokens |", "| Input | Free | 1M tokens |"));
    expect(free.status).toBe("partial");
    expect(free.observations.some((o) => o.price === "input")).toBe(false);
  });

  it("a price table under a Pricing heading it does not know, a heading left without its table", () => {
    const unknown = read(edit(mini(), "### Image tokens", "### Image units"));
    expect(unknown.status).toBe("partial");
    expect(unknown.observations.some((o) => o.price.startsWith("image_"))).toBe(false);
    expect(unknown.problems.some((p) => p.where === 'table 1 under "Image units"')).toBe(true);
    const body = mini();
    const start = body.indexOf("| Metric | Price | Unit |\n| --- | ---: | --- |\n| Quality | Low | image |");
    const end = body.indexOf("\n\n", start);
    const emptied = read(body.slice(0, start) + "Prices are on the pricing page." + body.slice(end));
    expect(emptied.status).toBe("partial");
    expect(emptied.observations.some((o) => o.price.startsWith("image:low:"))).toBe(false);
    expect(emptied.problems.some((p) => p.where === 'heading "Image generation"')).toBe(true);
  });

  it("a price in the Pricing section outside any table", () => {
    const x = read(edit(mini(), "### Text tokens\n", "### Text tokens\n\nBatch requests cost $1 per 1M input tokens.\n"));
    expect(x.status).toBe("partial");
    expect(x.problems.some((p) => p.message.includes("a price outside any table"))).toBe(true);
  });

  it("two text-token tables no label tells apart: neither is read", () => {
    const body = mini();
    const table = "| Metric | Price | Unit |\n| --- | ---: | --- |\n| Input | $2 | 1M tokens |\n| Cached input | $0.2 | 1M tokens |\n";
    const x = read(edit(body, table, `${table}\n${table.replace("$2 |", "$1 |")}`));
    expect(x.status).toBe("partial");
    expect(x.observations.some((o) => o.price === "input" || o.price === "cached_input")).toBe(false);
    // A table under a tab label is that tier's: "Batch" above the second one.
    const batch = read(edit(body, table, `${table}\nBatch\n\n${table.replace("$2 |", "$1 |")}`));
    expect(batch.status).toBe("ok");
    expect(pricesOf(batch, "openai/gpt-image-1-mini")).toMatchObject({ input: 2, "batch/input": 1 });
  });

  it("the 2025 copied text with a quality line removed", () => {
    const text = page("gpt-image-1-mini__2025-10-14.md");
    const x = read(edit(text, "Quality\nMedium\n", "Quality\n"));
    expect(x.status).toBe("partial");
    expect(pricesOf(x, "openai/gpt-image-1-mini")).toEqual(without((k) => k.startsWith("image:medium:")));
    expect(x.problems.some((p) => p.where.startsWith("per-image block 2"))).toBe(true);
  });

  it("the 2025 copied text with a block's title lines removed: the orphaned prices are not given to Low", () => {
    const text = page("gpt-image-1-mini__2025-10-14.md");
    const x = read(edit(text, "$0.006\nImage generation\nPer image\nQuality\nMedium\n", "$0.006\n"));
    expect(x.status).toBe("partial");
    expect(x.observations.some((o) => o.price.startsWith("image:medium:") || o.usd === 0.011)).toBe(false);
    expect(pricesOf(x, "openai/gpt-image-1-mini")).toEqual(without((k) => /^image:(low|medium):/.test(k)));
  });

  it("the 2025 copied text with a label lost: the amount is reported, not given to the next label", () => {
    const text = page("gpt-image-1-mini__2025-10-14.md");
    const x = read(edit(text, "Per 1M tokens\nInput\n$2.50\n", "Per 1M tokens\n$2.50\n"));
    expect(x.status).toBe("partial");
    expect(x.observations.some((o) => o.price === "image_input" || o.usd === 2.5)).toBe(false);
    expect(pricesOf(x, "openai/gpt-image-1-mini")).toMatchObject({ image_cached_input: 0.25, image_output: 8 });
  });

  it("audio tokens, video per second and transcription per minute are read; a tool's fee is passed over by name", () => {
    const audio = "### Audio tokens\n\n| Metric | Price | Unit |\n| --- | ---: | --- |\n| Input | $32 | 1M tokens |\n\n";
    const video = "### Video generation\n\n| Metric | Price | Unit |\n| --- | ---: | --- |\n| 720x1280 | $0.10 | second |\n\n";
    const tools = "Web search tool calls cost $10 per 1K calls.\n\n";
    const x = read(edit(mini(), "### Image generation", `${audio}${video}### Image generation\n\n${tools}`.replace(/\n\n$/, "")));
    expect(x.problems).toEqual([]);
    expect(x.status).toBe("ok");
    expect(pricesOf(x, "openai/gpt-image-1-mini")).toEqual({ ...GPT_IMAGE_1_MINI, audio_input: 32, "video_per_second:720x1280": 0.1 });
    expect(x.accounting?.[0]?.passedOver).toEqual([{ rule: "tool-fees", why: expect.any(String), amounts: 1 }]);

    const text = page("gpt-image-1-mini__2025-10-14.md");
    const copied = edit(text, "Image generation\nPer image\nQuality\nLow", "Audio tokens\nPer 1M tokens\nInput\n$32.00\nTranscription\nPer minute\nCost\n$0.006\nImage generation\nPer image\nQuality\nLow");
    const y = read(copied);
    expect(y.problems).toEqual([]);
    expect(pricesOf(y, "openai/gpt-image-1-mini")).toEqual({ ...GPT_IMAGE_1_MINI, audio_input: 32, transcription_per_minute: 0.006 });
  });

  it("a price per minute under a title this source has no word for is reported, never named by guess", () => {
    const text = page("gpt-image-1-mini__2025-10-14.md");
    const y = read(edit(text, "Image generation\nPer image\nQuality\nLow", "Session length\nPer minute\nPrice\n$0.006\nImage generation\nPer image\nQuality\nLow"));
    expect(y.status).toBe("partial");
    expect(y.observations.some((o) => o.unit === "minute")).toBe(false);
    expect(pricesOf(y, "openai/gpt-image-1-mini")).toEqual(GPT_IMAGE_1_MINI);
    expect(y.problems.some((p) => p.message.includes('per minute under "Session length"'))).toBe(true);
  });

  it("per-image prices in the pricing page's shape: read with a stated unit, never with a Model column", () => {
    const body = mini();
    const start = body.indexOf("### Image generation");
    const end = body.indexOf("## Endpoints");
    const wide = (preface: string, header: string, row: (q: string, p: string) => string) =>
      `${body.slice(0, start)}### Image generation\n\n${preface}| ${header} |\n|${" --- |".repeat(header.split("|").length)}\n` +
      `${row("Low", "$0.005 | $0.006 | $0.006")}\n${row("Medium", "$0.011 | $0.015 | $0.015")}\n${row("High", "$0.036 | $0.052 | $0.052")}\n\n` +
      body.slice(end);
    const sizes = "1024x1024 | 1024x1536 | 1536x1024";
    const read1 = read(wide("Per image\n\n", `Quality | ${sizes}`, (q, p) => `| ${q} | ${p} |`));
    expect(read1.status).toBe("ok");
    expect(pricesOf(read1, "openai/gpt-image-1-mini")).toEqual(GPT_IMAGE_1_MINI);
    const noUnit = read(wide("", `Quality | ${sizes}`, (q, p) => `| ${q} | ${p} |`));
    expect(noUnit.observations.some((o) => o.price.startsWith("image:"))).toBe(false);
    expect(noUnit.status).toBe("partial");
    const withModel = read(wide("Per image\n\n", `Model | Quality | ${sizes}`, (q, p) => `| DALL·E 2 | ${q} | ${p} |`));
    expect(withModel.observations.some((o) => o.price.startsWith("image:"))).toBe(false);
    expect(withModel.problems[0]?.message).toMatch(/columns other than Quality and sizes/);
    // Its amounts are then reported one by one: none is given to the page's model.
    expect(withModel.problems.slice(1).every((p) => /passed over by no rule$/.test(p.message))).toBe(true);
    expect(withModel.problems.length).toBeGreaterThan(1);
    expect(noUnit.problems.every((p) => /states no unit/.test(p.message) || /passed over by no rule$/.test(p.message))).toBe(true);
  });

  it("a page of prices written as prose (a catalog profile) is not a page that states no price", () => {
    const profile = readFileSync(path.join(REPO_ROOT, "test/fixtures/profile-gpt-image-1-mini.txt"), "utf8");
    expect(profile).toContain("Low quality: $0.004 per image");
    expect(read(profile)).toMatchObject({ status: "failed", observations: [] });
  });
});

describe("openai-models: documents", () => {
  const entry = (id: string) => ({ id }) as ModelEntry;

  it("one model page per covered entry", () => {
    expect(openAiModelPagesSource.documents!([entry("openai/gpt-image-1.5"), entry("openai/dall-e-3")])).toEqual([
      { name: "gpt-image-1.5", url: "https://developers.openai.com/api/docs/models/gpt-image-1.5.md", format: "markdown", fetchWith: "http" },
      { name: "dall-e-3", url: "https://developers.openai.com/api/docs/models/dall-e-3.md", format: "markdown", fetchWith: "http" },
    ]);
    expect(openAiModelPagesSource).toMatchObject({
      id: "openai-models",
      vendor: "openai",
      url: "https://developers.openai.com/api/docs/models",
      format: "markdown",
      fetchWith: "http",
    });
  });

  it.each(["openai/ft:gpt-4o:acme", "openai/../pricing", "openai/GPT-5", "openai/a b", "openai/x/y"])(
    "refuses %s: not a file-name-safe document name",
    (id) => {
      expect(() => openAiModelPagesSource.documents!([entry(id)])).toThrow(/cannot name a model page document/);
    },
  );

  it("refuses an entry of another vendor", () => {
    expect(() => openAiModelPagesSource.documents!([entry("anthropic/claude-opus-4-1")])).toThrow(/not an openai\/ entry/);
  });
});

describe("openai-models: catalog extract --file", () => {
  // The first page through npm, as a maintainer types it; the others through the same CLI without npm's own start-up.
  it.each(PAGES)("%s prints one JSON document", async (file) => {
    const args = ["extract", "openai-models", "--file", path.join(FIXTURES, file)];
    const run =
      file === PAGES[0]
        ? spawnSync("npm", ["run", "-s", "catalog", "--", ...args], { cwd: REPO_ROOT, encoding: "utf8" })
        : await runCli(args);
    const printed = Extraction.parse(JSON.parse(run.stdout));
    expect(printed).toEqual(extract(page(file)));
    expect(run.status).toBe(printed.status === "ok" ? 0 : 1);
  }, 30_000);
});
