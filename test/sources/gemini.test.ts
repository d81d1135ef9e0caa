import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { geminiPricingSource } from "../../pipeline/sources/gemini.ts";
import { Extraction, type Observation } from "../../schemas/observation.ts";
import { REPO_ROOT } from "../support/cli.ts";

const FIXTURE = "test/fixtures/google/ai-google-dev-gemini-api-pricing__2025-11-21.md";
const PAGE = readFileSync(path.join(REPO_ROOT, FIXTURE), "utf8");
/** What the source's URL serves: the devsite HTML of the page. */
const HTML_FIXTURE = "test/fixtures/google/ai-google-dev-gemini-api-pricing__2026-08-13.html";
const HTML_PAGE = readFileSync(path.join(REPO_ROOT, HTML_FIXTURE), "utf8");

function extract(body: string, format: "markdown" | "html" = "markdown"): Extraction {
  const result = geminiPricingSource.extract(body, format);
  // Whatever the page, the result honours the extraction contract.
  expect(Extraction.safeParse(result).success).toBe(true);
  return result;
}

function find(result: Extraction, model: string, key: string): Observation | undefined {
  return result.observations.find((o) => o.model === `google/${model}` && o.price === key);
}

function usd(result: Extraction, model: string, key: string): number | undefined {
  return find(result, model, key)?.usd;
}

function pricesOf(result: Extraction, model: string): Record<string, number> {
  return Object.fromEntries(
    result.observations.filter((o) => o.model === `google/${model}`).map((o) => [o.price, o.usd]),
  );
}

/** Replace exactly one occurrence, so a test edit that misses the page fails loudly. */
function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  expect(at, `"${from.slice(0, 60)}" is on the page`).toBeGreaterThanOrEqual(0);
  expect(text.indexOf(from, at + 1), `"${from.slice(0, 60)}" is on the page once`).toBe(-1);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** The markdown of one model section: from its `## ` heading up to the next one. */
function sectionOf(page: string, heading: string): string {
  const start = page.indexOf(`## ${heading}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = page.indexOf("\n## ", start + 1);
  return page.slice(start, end < 0 ? undefined : end + 1);
}

const EXPECTED_MODELS = [
  "gemini-2.0-flash",
  "gemini-2.0-flash-lite",
  "gemini-2.5-computer-use-preview-10-2025",
  "gemini-2.5-flash",
  "gemini-2.5-flash-image",
  "gemini-2.5-flash-lite",
  "gemini-2.5-flash-lite-preview-09-2025",
  "gemini-2.5-flash-native-audio-preview-09-2025",
  "gemini-2.5-flash-preview-09-2025",
  "gemini-2.5-flash-preview-tts",
  "gemini-2.5-pro",
  "gemini-2.5-pro-preview-tts",
  "gemini-3-pro-image-preview",
  "gemini-3-pro-preview",
  "gemini-embedding-001",
  "gemini-robotics-er-1.5-preview",
  "imagen-3.0-generate-002",
  "imagen-4.0-fast-generate-001",
  "imagen-4.0-generate-001",
  "imagen-4.0-ultra-generate-001",
  "veo-2.0-generate-001",
  "veo-3.0-fast-generate-001",
  "veo-3.0-generate-001",
  "veo-3.1-fast-generate-preview",
  "veo-3.1-generate-preview",
].map((id) => `google/${id}`);

describe("gemini-pricing source", () => {
  it("describes the page it reads", () => {
    expect(geminiPricingSource).toMatchObject({
      id: "gemini-pricing",
      vendor: "google",
      url: "https://ai.google.dev/gemini-api/docs/pricing",
      format: "html",
      fetchWith: "http",
    });
  });

  it("keeps the fixtures byte-exact copies of the snapshots (52963 and 240861 bytes)", () => {
    expect(Buffer.byteLength(PAGE, "utf8")).toBe(52963);
    expect(Buffer.byteLength(HTML_PAGE, "utf8")).toBe(240861);
  });

  it("reads the markdown export handed over as HTML (a saved .md file, no Content-Type) as markdown", () => {
    const triples = (r: Extraction) => r.observations.map((o) => `${o.model} ${o.price} ${o.usd}`).sort();
    const r = extract(PAGE, "html");
    expect(r.status).toBe("ok");
    expect(triples(r)).toEqual(triples(extract(PAGE)));
  });
});

describe("the 2025-11-21 markdown export", () => {
  const result = extract(PAGE);

  it("reads cleanly", () => {
    expect(result.problems).toEqual([]);
    expect(result.status).toBe("ok");
  });

  it("emits exactly the models that have an id line and a paid price", () => {
    expect([...new Set(result.observations.map((o) => o.model))].sort()).toEqual(EXPECTED_MODELS);
  });

  it("reads Gemini 3 Pro Preview with its over-200k prices (MANIFEST)", () => {
    expect(pricesOf(result, "gemini-3-pro-preview")).toEqual({
      input: 2,
      "input@over_200k": 4,
      output: 12,
      "output@over_200k": 18,
      cached_input: 0.2,
      "cached_input@over_200k": 0.4,
      "batch/input": 1,
      "batch/input@over_200k": 2,
      "batch/output": 6,
      "batch/output@over_200k": 9,
      "batch/cached_input": 0.2,
      "batch/cached_input@over_200k": 0.4,
    });
  });

  it("reads Gemini 2.5 Pro (MANIFEST) and skips the per-hour storage price", () => {
    expect(pricesOf(result, "gemini-2.5-pro")).toEqual({
      input: 1.25,
      "input@over_200k": 2.5,
      output: 10,
      "output@over_200k": 15,
      cached_input: 0.125,
      "cached_input@over_200k": 0.25,
      "batch/input": 0.625,
      "batch/input@over_200k": 1.25,
      "batch/output": 5,
      "batch/output@over_200k": 7.5,
      "batch/cached_input": 0.125,
      "batch/cached_input@over_200k": 0.25,
    });
    expect(result.observations.some((o) => o.usd === 4.5)).toBe(false);
  });

  it("reads Gemini 2.5 Flash (MANIFEST), with the audio input split", () => {
    expect(pricesOf(result, "gemini-2.5-flash")).toEqual({
      input: 0.3,
      audio_input: 1,
      output: 2.5,
      cached_input: 0.03,
      audio_cached_input: 0.1,
      "batch/input": 0.15,
      "batch/audio_input": 0.5,
      "batch/output": 1.25,
      "batch/cached_input": 0.03,
      "batch/audio_cached_input": 0.1,
    });
  });

  it("reads the Flash-Lite models", () => {
    expect(pricesOf(result, "gemini-2.5-flash-lite")).toMatchObject({
      input: 0.1,
      audio_input: 0.3,
      output: 0.4,
      cached_input: 0.01,
      "batch/input": 0.05,
      "batch/output": 0.2,
    });
    expect(pricesOf(result, "gemini-2.0-flash-lite")).toEqual({
      input: 0.075,
      output: 0.3,
      "batch/input": 0.0375,
      "batch/output": 0.15,
    });
  });

  it("reads Gemini 2.0 Flash, whose caching price says / 1,000,000 tokens itself", () => {
    expect(pricesOf(result, "gemini-2.0-flash")).toMatchObject({
      input: 0.1,
      audio_input: 0.7,
      output: 0.4,
      cached_input: 0.025,
      audio_cached_input: 0.175,
      image: 0.039,
      "batch/image": 0.0195,
      image_output: 30,
    });
  });

  it("reads the embedding model's input price", () => {
    expect(pricesOf(result, "gemini-embedding-001")).toEqual({ input: 0.15, "batch/input": 0.075 });
  });

  it("reads Imagen prices per image, each Imagen 4 row tied to its own id (MANIFEST: Fast $0.02)", () => {
    const imagen = (id: string) => find(result, id, "image");
    expect(imagen("imagen-4.0-fast-generate-001")).toMatchObject({ usd: 0.02, unit: "image" });
    expect(imagen("imagen-4.0-generate-001")).toMatchObject({ usd: 0.04, unit: "image" });
    expect(imagen("imagen-4.0-ultra-generate-001")).toMatchObject({ usd: 0.06, unit: "image" });
    expect(imagen("imagen-3.0-generate-002")).toMatchObject({ usd: 0.03, unit: "image" });
    expect(imagen("imagen-4.0-fast-generate-001")?.evidence).toContain("Imagen 4 Fast image price");
  });

  it("reads Gemini image models: per-image output price and the per-1M image-output rate of the note", () => {
    expect(pricesOf(result, "gemini-2.5-flash-image")).toEqual({
      input: 0.3,
      image: 0.039,
      image_output: 30,
      "batch/input": 0.15,
      "batch/image": 0.0195,
    });
    // "$0.134 per 1K/2K image** $0.24 per 4K image**": the 1K price is `image`, the sizes it names have keys of their own.
    expect(pricesOf(result, "gemini-3-pro-image-preview")).toEqual({
      input: 2,
      output: 12,
      image: 0.134,
      "image:2k": 0.134,
      "image:4k": 0.24,
      image_output: 120,
      "batch/input": 1,
      "batch/output": 6,
      "batch/image": 0.067,
      "batch/image:2k": 0.067,
      "batch/image:4k": 0.12,
    });
    expect(find(result, "gemini-3-pro-image-preview", "image")?.unit).toBe("image");
    expect(find(result, "gemini-3-pro-image-preview", "image_output")?.unit).toBe("1M tokens");
  });

  it("ties every section to the id on its own id line, mojibake headings included", () => {
    expect(find(result, "gemini-3-pro-image-preview", "output")?.evidence).toMatch(/^Gemini 3 Pro Image Preview › Standard ›/);
    expect(find(result, "gemini-2.5-flash-preview-09-2025", "input")?.evidence).toMatch(/^Gemini 2\.5 Flash Preview ›/);
    expect(find(result, "gemini-2.5-computer-use-preview-10-2025", "input@over_200k")?.usd).toBe(2.5);
  });

  it("uses the Standard table for unprefixed keys and the Batch table for batch/ keys", () => {
    expect(usd(result, "gemini-2.5-flash", "input")).toBe(0.3);
    expect(usd(result, "gemini-2.5-flash", "batch/input")).toBe(0.15);
    expect(usd(result, "gemini-2.5-flash", "output")).toBe(2.5);
    expect(usd(result, "gemini-2.5-flash", "batch/output")).toBe(1.25);
    for (const o of result.observations) {
      if (o.price === "image_output") continue; // read from the note under the tables
      if (o.price.startsWith("batch/")) expect(o.evidence).toContain(" › Batch › ");
      else expect(o.evidence).not.toContain(" › Batch › ");
    }
  });

  it("backs every price with evidence that shows the amount as the page writes it", () => {
    for (const o of result.observations) {
      expect(o.evidence, `${o.model} ${o.price}`).toBeTruthy();
      const amounts = [...o.evidence!.matchAll(/\$(\d[\d,]*(?:\.\d+)?)/g)].map((m) => Number(m[1]!.replace(/,/g, "")));
      expect(amounts, `${o.model} ${o.price}: ${o.evidence}`).toContain(o.usd);
      expect(o.usd, `${o.model} ${o.price}`).toBeGreaterThan(0);
    }
  });

  it("never takes a price from the free tier", () => {
    // Free-tier-only models (Gemma) give nothing and are reported as untracked, not as problems.
    // A model priced only in a list under another ("`gemini-2.0-flash-live-001`: Input $0.35 …") is untracked too.
    expect(result.untracked.map((u) => u.name)).toEqual(["gemini-2.0-flash-live-001", "Gemma 3", "Gemma 3n"]);
    expect(result.observations.some((o) => /gemma|flash-live-001/.test(o.model))).toBe(false);
    // The tool prices (grounding, search) are not catalog prices: passed over as tool fees.
    expect(result.observations.some((o) => [35, 25, 14].includes(o.usd))).toBe(false);
    expect(result.accounting?.[0]?.passedOver.map((p) => p.rule)).toContain("tool-fees");
    // A dollar amount in the Free Tier column is still not the paid price.
    const edited = replaceOnce(
      PAGE,
      "| Input price                              | Free of charge                                | $1.25, prompts \\<= 200k tokens $2.50, prompts \\> 200k tokens                                             |",
      "| Input price                              | $9.99 | $1.25, prompts \\<= 200k tokens $2.50, prompts \\> 200k tokens |",
    );
    const r = extract(edited);
    expect(usd(r, "gemini-2.5-pro", "input")).toBe(1.25);
    expect(r.observations.some((o) => o.usd === 9.99)).toBe(false);
  });

  it("finds the paid-tier column by its header, whatever the column order", () => {
    const section = sectionOf(PAGE, "Gemini 2.5 Pro");
    const swapped = section
      .split("\n")
      .map((line) => {
        const cells = line.split("|");
        if (cells.length !== 5) return line;
        return [cells[0], cells[1], cells[3], cells[2], cells[4]].join("|");
      })
      .join("\n");
    const r = extract(replaceOnce(PAGE, section, swapped));
    expect(r.status).toBe("ok");
    expect(pricesOf(r, "gemini-2.5-pro")).toEqual(pricesOf(result, "gemini-2.5-pro"));
  });

  it("tolerates non-breaking spaces and escapes in price cells", () => {
    const section = sectionOf(PAGE, "Gemini 2.5 Flash");
    const standard = section.slice(0, section.indexOf("### Batch"));
    const edited = replaceOnce(
      standard,
      "$0.30 (text / image / video) $1.00 (audio)",
      "$0.30\u00a0(text\u00a0/ image / video)\u00a0\\$1.00 (audio)",
    );
    const r = extract(replaceOnce(PAGE, standard, edited));
    expect(r.status).toBe("ok");
    expect(usd(r, "gemini-2.5-flash", "input")).toBe(0.3);
    expect(usd(r, "gemini-2.5-flash", "audio_input")).toBe(1);
  });
});

describe("the same page as HTML", () => {
  const fromMarkdown = extract(PAGE);
  const triples = (r: Extraction) => r.observations.map((o) => `${o.model} ${o.price} ${o.usd} ${o.unit}`).sort();
  const html = new MarkdownIt({ html: true }).render(PAGE);

  it("reads the rendered HTML exactly like the markdown", () => {
    const r = extract(html, "html");
    expect(r.status).toBe("ok");
    expect(triples(r)).toEqual(triples(fromMarkdown));
  });

  it("reads devsite-style HTML: tier tabs in <section>s, <br> between prices, page chrome around", () => {
    let dev = html.replace(
      /<h3>(Standard|Batch)<\/h3>\n<table>([\s\S]*?)<\/table>/g,
      (_m, tier: string, body: string) =>
        `<section><h3 id="${tier.toLowerCase()}" data-text="${tier}">${tier}</h3><table class="pricing-table">${body}</table></section>`,
    );
    dev = dev.replace(/(?:<section>[\s\S]*?<\/section>\n?)+/g, (m) => `<div class="ds-selector-tabs">${m}</div>`);
    dev = dev
      .replace(/<h2>([^<]*)<\/h2>/g, (_m, name: string) => `<h2 id="x" data-text="${name}" tabindex="-1">${name}</h2>`)
      .replace(/<code>/g, '<code translate="no" dir="ltr">')
      .replace(/ \$(\d)/g, "<br>$$$1")
      .replace(/&lt;=/g, "≤");
    dev =
      '<!doctype html><html><head><title>Gemini Developer API pricing | Google AI for Developers</title></head><body>' +
      '<devsite-header><h2>Models</h2></devsite-header><article class="devsite-article"><h1>Gemini Developer API pricing</h1>' +
      `<div class="devsite-article-body">${dev}</div></article><footer><h3>Connect</h3><ul><li>Blog</li></ul></footer></body></html>`;
    expect(dev).toContain('<div class="ds-selector-tabs"><section><h3 id="standard"');
    const r = extract(dev, "html");
    expect(r.problems).toEqual([]);
    expect(triples(r)).toEqual(triples(fromMarkdown));
  });
});

// Every expected price below was looked up in the fixture's HTML, cell by cell.
describe("the 2026-08-13 devsite HTML (what the URL serves)", () => {
  const result = extract(HTML_PAGE, "html");

  it("reads cleanly; Gemma 4, free only and without an id line, is untracked", () => {
    expect(result.problems).toEqual([]);
    expect(result.status).toBe("ok");
    expect(result.untracked.map((u) => u.name)).toEqual(["Gemma 4"]);
  });

  it("emits every id on the page except Lyria (per song, a unit no key holds)", () => {
    const ids = [...HTML_PAGE.matchAll(/<code translate="no" dir="ltr">([a-z0-9.-]+)<\/code>/g)].map((m) => `google/${m[1]}`);
    const expected = [...new Set(ids)].filter((id) => !/\/lyria-/.test(id)).sort();
    expect(expected).toHaveLength(39);
    expect([...new Set(result.observations.map((o) => o.model))].sort()).toEqual(expected);
  });

  it("reads Gemini 2.5 Pro in all four tier tabs, over-200k prices included, storage passed over", () => {
    expect(pricesOf(result, "gemini-2.5-pro")).toEqual({
      input: 1.25,
      "input@over_200k": 2.5,
      output: 10,
      "output@over_200k": 15,
      cached_input: 0.125,
      "cached_input@over_200k": 0.25,
      "batch/input": 0.625,
      "batch/input@over_200k": 1.25,
      "batch/output": 5,
      "batch/output@over_200k": 7.5,
      "batch/cached_input": 0.125,
      "batch/cached_input@over_200k": 0.25,
      "flex/input": 0.625,
      "flex/input@over_200k": 1.25,
      "flex/output": 5,
      "flex/output@over_200k": 7.5,
      "flex/cached_input": 0.125,
      "flex/cached_input@over_200k": 0.25,
      "priority/input": 2.25,
      "priority/input@over_200k": 4.5,
      "priority/output": 18,
      "priority/output@over_200k": 27,
      "priority/cached_input": 0.225,
      "priority/cached_input@over_200k": 0.45,
    });
    expect(result.observations.some((o) => o.usd === 4.5 && o.price.startsWith("cached"))).toBe(false);
  });

  it("reads the Flex and Priority tabs of Gemini 3.6 Flash", () => {
    expect(pricesOf(result, "gemini-3.6-flash")).toEqual({
      input: 1.5,
      output: 7.5,
      cached_input: 0.15,
      "batch/input": 0.75,
      "batch/output": 3.75,
      "batch/cached_input": 0.075,
      "flex/input": 0.75,
      "flex/output": 3.75,
      "flex/cached_input": 0.075,
      "priority/input": 2.7,
      "priority/output": 13.5,
      "priority/cached_input": 0.27,
    });
  });

  it("reads Gemini 3.1 Pro Preview for both ids of its id line, 'Same as Standard' caching included", () => {
    for (const id of ["gemini-3.1-pro-preview", "gemini-3.1-pro-preview-customtools"]) {
      expect(pricesOf(result, id)).toMatchObject({
        input: 2,
        "input@over_200k": 4,
        output: 12,
        "output@over_200k": 18,
        cached_input: 0.2,
        "batch/input": 1,
        "batch/cached_input": 0.2,
        "batch/cached_input@over_200k": 0.4,
        "flex/output@over_200k": 9,
        "priority/input": 3.6,
        "priority/output@over_200k": 32.4,
      });
    }
  });

  it("reads Gemini 3 Flash Preview with its audio prices in every tier", () => {
    expect(pricesOf(result, "gemini-3-flash-preview")).toMatchObject({
      input: 0.5,
      audio_input: 1,
      output: 3,
      cached_input: 0.05,
      audio_cached_input: 0.1,
      "batch/cached_input": 0.05,
      "batch/audio_cached_input": 0.1,
      "flex/audio_input": 0.5,
      "priority/input": 0.9,
      "priority/audio_input": 1.8,
      "priority/output": 5.4,
    });
  });

  it("reads audio token prices and their per-minute prices; image/video per minute is an equivalent, passed over", () => {
    // "$0.75 (text) $3.00 or $0.005/min (audio) $1.00 or $0.002/min (image/video)"
    expect(pricesOf(result, "gemini-3.1-flash-live-preview")).toEqual({
      input: 0.75,
      audio_input: 3,
      audio_input_per_minute: 0.005,
      output: 4.5,
      audio_output: 12,
      audio_output_per_minute: 0.018,
    });
    expect(find(result, "gemini-3.1-flash-live-preview", "audio_input_per_minute")?.unit).toBe("minute");
    // "$3.50 or $0.0053/min* (audio)" (MANIFEST): the footnote bills tokens, 25 per second of audio.
    expect(pricesOf(result, "gemini-3.5-live-translate-preview")).toEqual({
      audio_input: 3.5,
      audio_input_per_minute: 0.0053,
      audio_output: 21,
      audio_output_per_minute: 0.0315,
    });
    expect(result.accounting?.[0]?.passedOver.map((p) => p.rule)).toEqual(
      expect.arrayContaining(["restated-in-another-unit", "worked-example", "tool-fees"]),
    );
  });

  it("reads one amount for every modality as the input price, without an audio price of its own", () => {
    // "$0.30 (text / image / video / audio)"
    const lite = pricesOf(result, "gemini-3.5-flash-lite");
    expect(lite).toMatchObject({ input: 0.3, "batch/input": 0.15, "flex/input": 0.15, "priority/input": 0.54 });
    expect(Object.keys(lite).filter((k) => k.startsWith("audio_") || k.includes("/audio_"))).toEqual([]);
  });

  it("reads Gemini 3 Pro Image: the 1K/2K per-image price, image tokens, and no per-image input amount", () => {
    expect(pricesOf(result, "gemini-3-pro-image")).toEqual({
      input: 2,
      output: 12,
      image_output: 120,
      image: 0.134,
      "image:2k": 0.134,
      "image:4k": 0.24,
      "batch/input": 1,
      "batch/output": 6,
      "batch/image": 0.067,
      "batch/image:2k": 0.067,
      "batch/image:4k": 0.12,
      "flex/input": 1,
      "flex/output": 6,
      "flex/image": 0.067,
      "flex/image:2k": 0.067,
      "flex/image:4k": 0.12,
      "priority/input": 3.6,
      "priority/output": 21.6,
      "priority/image_output": 216,
    });
    expect(find(result, "gemini-3-pro-image", "image")?.unit).toBe("image");
    // Not read: "$0.0006 (image)*" in the Batch input cell, per image (the footnote) though written like a
    // token price (passed over by name); the per-image input equivalent $0.0011 (a restatement).
  });

  it("reads the image prices of Gemini 3.1 Flash Image at every size: 1K as image, 0.5K, 2K and 4K by size", () => {
    // "$0.045 per 0.5K image*, $0.067 per 1K image*, $0.101 per 2K image*, and $0.151 per 4K image*"
    expect(pricesOf(result, "gemini-3.1-flash-image")).toEqual({
      input: 0.5,
      output: 3,
      image_output: 60,
      image: 0.067,
      "image:0_5k": 0.045,
      "image:2k": 0.101,
      "image:4k": 0.151,
      "batch/input": 0.25,
      "batch/output": 1.5,
      "batch/image_output": 30,
      "batch/image": 0.034,
      "batch/image:0_5k": 0.022,
      "batch/image:2k": 0.05,
      "batch/image:4k": 0.076,
    });
    // "Equivalent to $0.0336 per 1K resolution image*"
    expect(pricesOf(result, "gemini-3.1-flash-lite-image")).toEqual({
      input: 0.25,
      output: 1.5,
      image_output: 30,
      image: 0.0336,
      "batch/input": 0.125,
      "batch/output": 0.75,
      "batch/image_output": 15,
      "batch/image": 0.0168,
    });
  });

  it("reads Gemini 2.5 Flash Image per image in all four tabs, and the image-output rate of its note", () => {
    expect(pricesOf(result, "gemini-2.5-flash-image")).toEqual({
      input: 0.3,
      image: 0.039,
      image_output: 30,
      "batch/input": 0.15,
      "batch/image": 0.0195,
      "flex/input": 0.15,
      "flex/image": 0.0195,
      "priority/input": 0.54,
      "priority/image": 0.0702,
    });
  });

  it("reads Imagen 4 per image, each row tied to its own id", () => {
    expect(find(result, "imagen-4.0-fast-generate-001", "image")).toMatchObject({ usd: 0.02, unit: "image" });
    expect(find(result, "imagen-4.0-generate-001", "image")).toMatchObject({ usd: 0.04, unit: "image" });
    expect(find(result, "imagen-4.0-ultra-generate-001", "image")).toMatchObject({ usd: 0.06, unit: "image" });
  });

  it("reads Gemini Embedding 2 per modality row; the video row (per frame) is passed over", () => {
    expect(pricesOf(result, "gemini-embedding-2")).toEqual({
      input: 0.2,
      image_input: 0.45,
      audio_input: 6.5,
      "batch/input": 0.1,
      "batch/image_input": 0.225,
      "batch/audio_input": 3.25,
    });
    expect(pricesOf(result, "gemini-embedding-001")).toEqual({ input: 0.15, "batch/input": 0.075 });
  });

  it("gives Gemini 2.0 Flash no image price now that its image generation is shut down", () => {
    expect(pricesOf(result, "gemini-2.0-flash")).toEqual({
      input: 0.1,
      audio_input: 0.7,
      output: 0.4,
      cached_input: 0.025,
      audio_cached_input: 0.175,
      "batch/input": 0.05,
      "batch/audio_input": 0.35,
      "batch/output": 0.2,
      "batch/cached_input": 0.025,
      "batch/audio_cached_input": 0.175,
    });
  });

  it("takes each tier prefix from the tab the table sits in", () => {
    const tabs: Record<string, string> = { batch: "Batch", flex: "Flex", priority: "Priority" };
    for (const o of result.observations) {
      if (o.evidence?.startsWith("[*]") || o.evidence?.startsWith("*")) continue; // the image-output note
      const tier = /^(batch|flex|priority)\//.exec(o.price)?.[1];
      for (const [t, tab] of Object.entries(tabs)) {
        if (t === tier) expect(o.evidence, `${o.model} ${o.price}`).toContain(` › ${tab} › `);
        else expect(o.evidence, `${o.model} ${o.price}`).not.toContain(` › ${tab} › `);
      }
    }
  });

  it("backs every price with evidence that shows the amount as the page writes it", () => {
    for (const o of result.observations) {
      const amounts = [...o.evidence!.matchAll(/\$(\d[\d,]*(?:\.\d+)?)/g)].map((m) => Number(m[1]!.replace(/,/g, "")));
      expect(amounts, `${o.model} ${o.price}: ${o.evidence}`).toContain(o.usd);
    }
  });
});

describe("drift in the devsite HTML", () => {
  const clean = extract(HTML_PAGE, "html");
  const seen = new Set(clean.observations.map((o) => `${o.model} ${o.price} ${o.usd}`));
  /** The `<h2>` of each model section and the id line beside it. */
  const headingGroups = [
    ...HTML_PAGE.matchAll(/(<h2 id="[^"]*" data-text="[^"]*" tabindex="-1">[^<]*<\/h2>)\s*(<em><code[\s\S]*?<\/em>)/g),
  ];

  it("finds the heading and id line of every model section", () => {
    expect(headingGroups).toHaveLength(34);
  });

  it("never gives a section's prices to another model when its heading and id line are removed", () => {
    for (const [group, , idLine] of headingGroups) {
      const ids = [...idLine!.matchAll(/<code[^>]*>([^<]*)<\/code>/g)].map((m) => `google/${m[1]}`);
      const r = extract(replaceOnce(HTML_PAGE, group!, ""), "html");
      expect(r.observations.filter((o) => ids.includes(o.model)), ids.join()).toEqual([]);
      expect(r.observations.filter((o) => !seen.has(`${o.model} ${o.price} ${o.usd}`)), ids.join()).toEqual([]);
    }
  });

  it("refuses the tabs after a repeated Standard tab, even those the model above lacks", () => {
    // Gemini 3.1 Flash TTS has Standard and Batch tabs; the next section, Gemini 3 Flash Preview, all four.
    const [group] = headingGroups.find(([, h]) => h!.includes('id="gemini-3-flash-preview"'))!;
    const r = extract(replaceOnce(HTML_PAGE, group, ""), "html");
    expect(r.status).toBe("partial");
    expect(pricesOf(r, "gemini-3.1-flash-tts-preview")).toEqual(pricesOf(clean, "gemini-3.1-flash-tts-preview"));
    // The amounts of the refused tables are then read into no price: the accounting says so too.
    expect(r.problems.some((p) => /passed over by no rule$/.test(p.message))).toBe(true);
    expect(r.problems.map((p) => p.where).filter((_, i) => !/passed over by no rule$/.test(r.problems[i]!.message))).toEqual([
      "## Gemini 3.1 Flash TTS Preview › ### Standard",
      "## Gemini 3.1 Flash TTS Preview › ### Batch",
      "## Gemini 3.1 Flash TTS Preview › ### Flex",
      "## Gemini 3.1 Flash TTS Preview › ### Priority",
    ]);
  });

  it("does not read tables after a stray id line (heading removed, id line kept)", () => {
    const heading = '<h2 id="gemini-2.5-flash" data-text="Gemini 2.5 Flash" tabindex="-1">Gemini 2.5 Flash</h2>';
    const r = extract(replaceOnce(HTML_PAGE, heading, ""), "html");
    expect(r.status).toBe("partial");
    expect(pricesOf(r, "gemini-2.5-flash")).toEqual({});
    expect(pricesOf(r, "gemini-2.5-pro")).toEqual(pricesOf(clean, "gemini-2.5-pro"));
    expect(r.problems.some((p) => p.where === "## Gemini 2.5 Pro" && /gemini-2\.5-flash/.test(p.message))).toBe(true);
  });

  it("reports a priced section whose id line is removed as untracked, never guessing its id", () => {
    const idLine = '<em><code translate="no" dir="ltr">gemini-2.5-flash</code></em>';
    const r = extract(replaceOnce(HTML_PAGE, idLine, ""), "html");
    expect(r.status).toBe("partial");
    expect(r.untracked).toContainEqual({ name: "Gemini 2.5 Flash", where: "## Gemini 2.5 Flash" });
    expect(r.problems.map((p) => p.where)).toEqual(["## Gemini 2.5 Flash"]);
    expect(pricesOf(r, "gemini-2.5-flash")).toEqual({});
    expect(r.observations.some((o) => o.evidence?.startsWith("Gemini 2.5 Flash ›"))).toBe(false);
  });

  it("reads the same prices with no class names, the id line in a <p>, or the tabs in another element", () => {
    const triples = (r: Extraction) => r.observations.map((o) => `${o.model} ${o.price} ${o.usd}`).sort();
    const variants = [
      HTML_PAGE.replace(/ class="[^"]*"/g, ""),
      HTML_PAGE.replace(/(<\/h2>\s*)(<em><code[\s\S]*?<\/em>)/g, "$1<p>$2</p>"),
      HTML_PAGE.replace(/(<\/h2>\s*)(<em><code[\s\S]*?<\/em>)/g, "$1<span>$2</span><br>"),
      HTML_PAGE.replace(/<(\/?)devsite-selector\b/g, "<$1tab-group"),
    ];
    for (const page of variants) {
      expect(page).not.toBe(HTML_PAGE);
      const r = extract(page, "html");
      expect(r.problems).toEqual([]);
      expect(triples(r)).toEqual(triples(clean));
    }
  });
});

describe("drift", () => {
  it("fails with no price when the model headings and id lines are dropped (the jina conversion)", () => {
    const jina = PAGE.replace(/^## .*\n/gm, "").replace(/^\*`[^\n]*`\*[ \t]*\n/gm, "");
    expect(jina).toContain("### Standard");
    expect(jina).not.toContain("*`gemini-2.5-pro`*");
    const r = extract(jina);
    expect(r.status).toBe("failed");
    expect(r.observations).toEqual([]);
    expect(r.problems[0]?.where).toBe("page");
  });

  it("fails with no price when only the model headings are dropped", () => {
    const r = extract(PAGE.replace(/^## .*\n/gm, ""));
    expect(r.status).toBe("failed");
    expect(r.observations).toEqual([]);
  });

  it("does not give one model's tables to the model above when its heading and id line are missing", () => {
    const r = extract(replaceOnce(PAGE, "## Gemini 2.5 Flash\n\n*`gemini-2.5-flash`*\n", ""));
    expect(r.status).toBe("partial");
    expect(pricesOf(r, "gemini-2.5-flash")).toEqual({});
    expect(pricesOf(r, "gemini-2.5-pro")).toEqual(pricesOf(extract(PAGE), "gemini-2.5-pro"));
    expect(r.problems.map((p) => p.where)).toContain("## Gemini 2.5 Pro › ### Standard");
  });

  it("does not read tables that follow a stray id line (heading dropped, id kept)", () => {
    const r = extract(replaceOnce(PAGE, "## Gemini 2.5 Flash\n\n", ""));
    expect(r.status).toBe("partial");
    expect(pricesOf(r, "gemini-2.5-flash")).toEqual({});
    expect(pricesOf(r, "gemini-2.5-pro")).toEqual(pricesOf(extract(PAGE), "gemini-2.5-pro"));
    expect(r.problems.some((p) => p.where === "## Gemini 2.5 Pro" && /gemini-2\.5-flash/.test(p.message))).toBe(true);
  });

  it("reports a priced section without an id line as untracked, never guessing its id", () => {
    const r = extract(replaceOnce(PAGE, "*`gemini-2.0-flash-lite`*\n", ""));
    expect(r.status).toBe("partial");
    expect(r.untracked).toContainEqual({ name: "Gemini 2.0 Flash-Lite", where: "## Gemini 2.0 Flash-Lite" });
    expect(r.problems.map((p) => p.where)).toContain("## Gemini 2.0 Flash-Lite");
    expect(pricesOf(r, "gemini-2.0-flash-lite")).toEqual({});
    expect(r.observations.some((o) => o.evidence?.startsWith("Gemini 2.0 Flash-Lite"))).toBe(false);
    expect(r.observations.some((o) => o.usd === 0.0375)).toBe(false);
    expect(pricesOf(r, "gemini-2.0-flash")).toEqual(pricesOf(extract(PAGE), "gemini-2.0-flash"));
  });

  it("names the section when a table has lost its paid-tier column", () => {
    const section = sectionOf(PAGE, "Gemini 2.5 Pro");
    const standard = section.slice(0, section.indexOf("### Batch"));
    const noPaid = standard
      .split("\n")
      .map((line) => (line.startsWith("|") ? `${line.split("|").slice(0, 3).join("|")}|` : line))
      .join("\n");
    const r = extract(replaceOnce(PAGE, standard, noPaid));
    expect(r.status).toBe("partial");
    const problem = r.problems.find((p) => /paid-tier column/.test(p.message));
    expect(problem?.where).toBe("## Gemini 2.5 Pro › ### Standard");
    const pro = pricesOf(r, "gemini-2.5-pro");
    expect(Object.keys(pro).filter((k) => !k.startsWith("batch/"))).toEqual([]);
    expect(pro["batch/input"]).toBe(0.625);
  });

  it("fails when no table has a paid-tier column", () => {
    const r = extract(PAGE.replace(/Paid Tier/g, "Tier 2"));
    expect(r.status).toBe("failed");
    expect(r.observations).toEqual([]);
  });

  it("reports an unreadable paid cell instead of guessing, and keeps the rest", () => {
    const edited = replaceOnce(
      sectionOf(PAGE, "Gemini 2.0 Flash-Lite"),
      "| $0.075                                       |",
      "| $0.075 or $0.09 for long prompts |",
    );
    const r = extract(replaceOnce(PAGE, sectionOf(PAGE, "Gemini 2.0 Flash-Lite"), edited));
    expect(r.status).toBe("partial");
    expect(usd(r, "gemini-2.0-flash-lite", "input")).toBeUndefined();
    expect(usd(r, "gemini-2.0-flash-lite", "output")).toBe(0.3);
    expect(r.problems).toContainEqual(
      expect.objectContaining({ where: '## Gemini 2.0 Flash-Lite › ### Standard, row "Input price"' }),
    );
  });

  it("refuses a bot-challenge page with zero observations", () => {
    const challenge =
      '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><div id="cf-chl-widget">' +
      "Checking your browser before accessing ai.google.dev.</div></body></html>";
    for (const format of ["html", "markdown"] as const) {
      const r = extract(challenge, format);
      expect(r.status).toBe("failed");
      expect(r.observations).toEqual([]);
      expect(r.problems[0]).toMatchObject({ where: "page" });
    }
  });

  it("never throws on junk", () => {
    for (const body of ["", "   ", "<<<>>>", "| a | b |\n|---|---|\n| $1 | $2 |", "## X\n\n*`x`*\n\n### Standard\n\n| | Paid Tier |\n|-|-|\n| Input price | $ |"]) {
      expect(extract(body).status).toBe("failed");
      expect(extract(body, "html").status).toBe("failed");
    }
  });
});

describe("catalog extract gemini-pricing (CLI)", () => {
  it("prints the extraction as JSON on stdout", () => {
    // NOTE: pipeline/sources/index.ts imports every vendor module; this fails until all of them exist.
    let stdout: string;
    try {
      stdout = execFileSync("npx", ["tsx", "pipeline/cli.ts", "extract", "gemini-pricing", "--file", FIXTURE], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      const e = error as { status?: number; stdout?: string; stderr?: string };
      throw new Error(`CLI exited ${e.status}: ${e.stderr ?? ""}\n${e.stdout ?? ""}`);
    }
    const parsed = Extraction.parse(JSON.parse(stdout));
    expect(parsed.source).toBe("gemini-pricing");
    expect(parsed.status).toBe("ok");
    expect(parsed.observations.find((o) => o.model === "google/imagen-4.0-fast-generate-001")?.usd).toBe(0.02);
  });

  it("reads the saved devsite HTML (the command that used to fail with no model section)", () => {
    const stdout = execFileSync("npx", ["tsx", "pipeline/cli.ts", "extract", "gemini-pricing", "--file", HTML_FIXTURE], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const parsed = Extraction.parse(JSON.parse(stdout));
    expect(parsed.status).toBe("ok");
    expect(parsed.observations.find((o) => o.model === "google/gemini-2.5-pro" && o.price === "batch/input")?.usd).toBe(0.625);
  });
});

// The pages of late August 2026 (MANIFEST "Added 2026-12b"): the devsite HTML of 08-25 and a pandoc-like
// conversion of 08-21. Every expected price below is the page's own text, and the hand-checked ones are the MANIFEST's.
describe("the 2026-08-25 devsite HTML and the 2026-08-21 markdown conversion, with two-date cells", () => {
  const html = extract(readFileSync(path.join(REPO_ROOT, "test/fixtures/google/ai-google-dev-gemini-api-pricing__2026-08-25.html"), "utf8"), "html");
  const md = extract(readFileSync(path.join(REPO_ROOT, "test/fixtures/google/ai-google-dev-gemini-api-pricing__2026-08-21.md"), "utf8"));
  const dated = (r: Extraction, model: string) =>
    Object.fromEntries(
      r.observations
        .filter((o) => o.model === `google/${model}`)
        .map((o) => [`${o.price}${o.effectiveFrom ? ` from ${o.effectiveFrom}` : ""}${o.effectiveUntil ? ` until ${o.effectiveUntil}` : ""}`, o.usd]),
    );

  it("reads both cleanly, every amount accounted for", () => {
    for (const r of [html, md]) {
      expect(r.problems).toEqual([]);
      expect(r.status).toBe("ok");
      expect(r.accounting).toHaveLength(1);
      expect(r.accounting![0]).toMatchObject({ seen: 514, read: 412, unread: 0 });
    }
  });

  it("reads the same prices from the HTML and from the conversion", () => {
    const all = (r: Extraction) => r.observations.map((o) => `${o.model} ${o.price} ${o.usd} ${o.unit} ${o.effectiveFrom} ${o.effectiveUntil}`).sort();
    expect(all(md)).toEqual(all(html));
  });

  it("reads Gemini 3.7 Flash's two-date cells as today's price until 2026-12-31 and the scheduled one from 2027-01-01, on every tier (MANIFEST)", () => {
    for (const r of [html, md]) {
      const p = dated(r, "gemini-3.7-flash");
      // "$0.75 through December 31, 2026. $1.50 starting January 1, 2027."
      expect(p).toMatchObject({ "input until 2026-12-31": 0.75, "input from 2027-01-01": 1.5 });
      expect(p).toMatchObject({ "batch/input until 2026-12-31": 0.375, "batch/input from 2027-01-01": 0.75 });
      expect(p).toMatchObject({ "priority/output until 2026-12-31": 6.75, "priority/output from 2027-01-01": 13.5 });
      // The caching cell: the token price for both periods; the storage per hour beside it is a fee, passed over.
      expect(p).toMatchObject({ "cached_input until 2026-12-31": 0.075, "cached_input from 2027-01-01": 0.15 });
      expect(Object.values(p)).not.toContain(0.5);
      // 3 prices × 4 tiers × 2 periods, none without a day.
      expect(Object.keys(p)).toHaveLength(24);
      expect(Object.keys(p).every((k) => / (?:from|until) 20/.test(k))).toBe(true);
    }
    expect(dated(html, "gemini-3.6-flash")).toEqual(dated(html, "gemini-3.7-flash"));
  });

  it("reads the undated models as before: 3.5 Flash and 3.1 Pro's context split (MANIFEST)", () => {
    expect(pricesOf(html, "gemini-3.5-flash")).toMatchObject({ input: 1.5, output: 9 });
    // "$2.00, prompts <= 200k tokens<br>$4.00, prompts > 200k tokens"
    expect(pricesOf(html, "gemini-3.1-pro-preview")).toMatchObject({ input: 2, "input@over_200k": 4 });
    expect(find(html, "gemini-3.5-flash", "input")).not.toHaveProperty("effectiveFrom");
  });

  it("reads Veo per second by resolution (MANIFEST: Veo 3.1 Standard $0.40 (720p and 1080p) $0.60 (4k))", () => {
    for (const r of [html, md]) {
      expect(pricesOf(r, "veo-3.1-generate-preview")).toEqual({
        "video_per_second:720p": 0.4,
        "video_per_second:1080p": 0.4,
        "video_per_second:4k": 0.6,
      });
      expect(pricesOf(r, "veo-3.1-fast-generate-preview")).toEqual({
        "video_per_second:720p": 0.1,
        "video_per_second:1080p": 0.12,
        "video_per_second:4k": 0.3,
      });
      // "$0.05 (720p) $0.08 (1080p) (4k output not supported)": no 4k price.
      expect(pricesOf(r, "veo-3.1-lite-generate-preview")).toEqual({ "video_per_second:720p": 0.05, "video_per_second:1080p": 0.08 });
      expect(pricesOf(r, "veo-2.0-generate-001")).toEqual({ video_per_second: 0.35 });
      expect(find(r, "veo-3.1-generate-preview", "video_per_second:4k")?.unit).toBe("second");
    }
  });

  it("reads Live Translate's audio per 1M tokens and per minute (MANIFEST: $3.50 or $0.0053/min* (audio))", () => {
    expect(pricesOf(html, "gemini-3.5-live-translate-preview")).toEqual({
      audio_input: 3.5,
      audio_input_per_minute: 0.0053,
      audio_output: 21,
      audio_output_per_minute: 0.0315,
    });
    expect(find(html, "gemini-3.5-live-translate-preview", "audio_output_per_minute")?.unit).toBe("minute");
  });

  it("passes over what no key holds by name: Lyria per song, storage and grounding fees, the worked per-minute note", () => {
    expect(html.observations.some((o) => /lyria/.test(o.model))).toBe(false);
    const rules = Object.fromEntries(html.accounting![0]!.passedOver.map((p) => [p.rule, p.amounts]));
    expect(Object.keys(rules).sort()).toEqual(["restated-in-another-unit", "tool-fees", "unit-not-tracked", "worked-example"]);
    // Lyria 3 Clip $0.04 and Pro $0.08 per song, and Omni Flash's "$17.50 (video)" output tokens.
    expect(rules["unit-not-tracked"]).toBe(3);
  });

  it("reports a two-date cell whose days do not follow one another, and reads nothing of that row", () => {
    const page = readFileSync(path.join(REPO_ROOT, "test/fixtures/google/ai-google-dev-gemini-api-pricing__2026-08-21.md"), "utf8");
    const section = sectionOf(page, "Gemini 3.7 Flash");
    const edited = replaceOnce(section, "$0.75 through December 31, 2026. $1.50 starting January 1, 2027.", "$0.75 through December 31, 2026. $1.50 starting February 1, 2027.");
    const r = extract(replaceOnce(page, section, edited));
    expect(r.status).toBe("partial");
    expect(r.problems.some((p) => /do not follow one another/.test(p.message) && /Gemini 3\.7 Flash › ### Standard, row "Input price"/.test(p.where))).toBe(true);
    expect(dated(r, "gemini-3.7-flash")).not.toHaveProperty("input until 2026-12-31");
    expect(dated(r, "gemini-3.7-flash")).toHaveProperty("output until 2026-12-31", 3.75);
  });
});
