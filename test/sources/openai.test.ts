import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadDocument } from "../../pipeline/extract/document.ts";
import { openAiModelId, openAiPricingSource } from "../../pipeline/sources/openai.ts";
import { Extraction, type Extraction as ExtractionT } from "../../schemas/observation.ts";
import { unitOf } from "../../schemas/price-key.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FIXTURES = path.join(ROOT, "test/fixtures/openai");
const F2024 = "pricing-page-text__2024-04-01.txt";
const F2025_10 = "platform-docs-pricing__2025-10-15.jina.md";
const F2025_12 = "platform-docs-pricing__2025-12-19.md";
const F2026 = "developers-openai-api-docs-pricing__2026-08-22.est.md";

const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");

function extract(body: string, format?: "markdown" | "html"): ExtractionT {
  const result = openAiPricingSource.extract(body, format);
  // The CLI contract: whatever the page, the result is a valid Extraction.
  expect(() => Extraction.parse(result)).not.toThrow();
  return result;
}

function pricesOf(result: ExtractionT, model: string): Record<string, number> {
  return Object.fromEntries(result.observations.filter((o) => o.model === `openai/${model}`).map((o) => [o.price, o.usd]));
}

/** Every listed key has exactly that price (`undefined` = must not be there). */
function expectPrices(result: ExtractionT, model: string, expected: Record<string, number | undefined>): void {
  const seen = pricesOf(result, model);
  for (const [key, usd] of Object.entries(expected)) {
    expect(seen[key], `${model} ${key}`).toBe(usd);
  }
}

function amountsIn(text: string): number[] {
  return [...text.matchAll(/\$\s?([0-9][0-9,]*(?:\.[0-9]+)?)/g)].map((m) => Number(m[1]!.replace(/,/g, "")));
}

/** Rules every extraction of a real snapshot must keep. */
function expectHonest(result: ExtractionT): void {
  for (const o of result.observations) {
    expect(o.evidence, `${o.model} ${o.price} has evidence`).toBeTruthy();
    expect(unitOf(o.price), `${o.model} ${o.price} unit`).toBe(o.unit);
    if (o.usd === 0) {
      // Never a silent 0: only where the page itself writes $0 or "Free".
      expect(o.evidence, `${o.model} ${o.price} is 0`).toMatch(/\$0(?:\.0+)?(?![\d.])|\bFree\b/);
    } else {
      // The price is one of the amounts written in the row it was read from.
      expect(amountsIn(o.evidence!), `${o.model} ${o.price} = ${o.usd} in "${o.evidence}"`).toContain(o.usd);
    }
  }
}

const TAB_LABEL_LINE = /^\s*(?:Batch|Flex|Standard|Priority|Fast mode|BatchFlexStandardPriority|BatchStandard)\s*$/;

/** Drop every markdown heading and every tab-label line: a page that lost the text naming its tables. */
function withoutHeadingsAndLabels(md: string): string {
  return md
    .split("\n")
    .filter((l) => !/^#{1,6}\s/.test(l) && !TAB_LABEL_LINE.test(l))
    .join("\n");
}

/** The line index of the header row of the first table after the line `label` that has this header. */
function tableAfterLabel(lines: string[], label: string, headerStart: string): number {
  const at = lines.findIndex((l, i) => l.trim() === label && lines.slice(i + 1, i + 4).some((x) => x.startsWith(headerStart)));
  expect(at, `label "${label}" before "${headerStart}"`).toBeGreaterThanOrEqual(0);
  return lines.findIndex((l, i) => i > at && l.startsWith(headerStart));
}

/** Apply `edit` to the header, delimiter and every row of the pipe table starting at line `start`. */
function editTable(lines: string[], start: number, edit: (cells: string[]) => string[]): string[] {
  const out = lines.slice();
  for (let i = start; i < out.length && out[i]!.startsWith("|"); i++) {
    const cells = out[i]!.trim().slice(1, -1).split("|");
    out[i] = `|${edit(cells).join("|")}|`;
  }
  return out;
}

describe("openai-pricing source", () => {
  it("describes the page it reads", () => {
    expect(openAiPricingSource).toMatchObject({
      id: "openai-pricing",
      vendor: "openai",
      url: "https://developers.openai.com/api/docs/pricing.md",
      format: "markdown",
      fetchWith: "http",
    });
  });

  it("maps API ids and known display names, and nothing else", () => {
    expect(openAiModelId("gpt-5.2")).toBe("openai/gpt-5.2");
    expect(openAiModelId("o4-mini")).toBe("openai/o4-mini");
    expect(openAiModelId("text-embedding-3-small")).toBe("openai/text-embedding-3-small");
    expect(openAiModelId("gpt-5.5 (<272K context length)")).toBe("openai/gpt-5.5");
    expect(openAiModelId("GPT Image 1 Mini")).toBe("openai/gpt-image-1-mini");
    expect(openAiModelId("GPT Image 1")).toBe("openai/gpt-image-1");
    expect(openAiModelId("GPT Image 1.5")).toBe("openai/gpt-image-1.5");
    expect(openAiModelId("DALL·E 3")).toBe("openai/dall-e-3");
    expect(openAiModelId("DALL-E 3")).toBe("openai/dall-e-3");
    expect(openAiModelId("DALL·E 2")).toBe("openai/dall-e-2");
    // Not guessed:
    expect(openAiModelId("GPT Image Latest")).toBeUndefined();
    expect(openAiModelId("Whisper")).toBeUndefined();
    expect(openAiModelId("o4-mini-2025-04-16 with data sharing")).toBeUndefined();
    expect(openAiModelId("GPT-4o")).toBeUndefined();
  });

  describe(`2024-04-01 collapsed text (${F2024})`, () => {
    const result = extract(fixture(F2024));

    it("reads the collapsed Model/Input/Output runs", () => {
      expectPrices(result, "gpt-3.5-turbo-0125", { input: 0.5, output: 1.5 });
      expectPrices(result, "gpt-4-0125-preview", { input: 10, output: 30 });
      expectPrices(result, "gpt-4-1106-vision-preview", { input: 10, output: 30 });
      expectPrices(result, "gpt-4", { input: 30, output: 60 });
      expectPrices(result, "gpt-4-32k", { input: 60, output: 120 });
      expectPrices(result, "gpt-3.5-turbo-instruct", { input: 1.5, output: 2 });
      expectPrices(result, "gpt-3.5-turbo-16k-0613", { input: 3, output: 4 });
    });

    it("reads embeddings (Usage → input), including 'ada v2'", () => {
      expectPrices(result, "text-embedding-3-small", { input: 0.02 });
      expectPrices(result, "text-embedding-3-large", { input: 0.13 });
      expectPrices(result, "text-embedding-ada-002", { input: 0.1 });
    });

    it("reads DALL·E 3 per-image prices, one key per listed size", () => {
      expectPrices(result, "dall-e-3", {
        "image:standard:1024x1024": 0.04,
        "image:standard:1024x1792": 0.08,
        "image:standard:1792x1024": 0.08,
        "image:hd:1024x1024": 0.08,
        "image:hd:1024x1792": 0.12,
        "image:hd:1792x1024": 0.12,
      });
    });

    it("does not read fine-tuning, base-model usage or audio as model prices", () => {
      expect(pricesOf(result, "gpt-3.5-turbo")).toEqual({}); // only in the fine-tuning table ($8 training)
      expect(pricesOf(result, "davinci-002")).toEqual({});
      expect(pricesOf(result, "babbage-002")).toEqual({});
      expect(result.observations.every((o) => !o.price.includes("/"))).toBe(true); // no tiers on this page
    });

    it("is partial only because DALL·E 2 rows give no quality, and says where", () => {
      expect(result.status).toBe("partial");
      expect(pricesOf(result, "dall-e-2")).toEqual({});
      const quality = result.problems.filter((p) => /no quality/.test(p.message));
      expect(quality.length).toBe(3);
      for (const p of quality) expect(p.where).toMatch(/^text table \d+ under "IMAGE MODELS", row "DALL·E 2/);
      // The same three amounts, stated in the table and in the cards below it, are the only ones unread.
      const unread = result.problems.filter((p) => /passed over by no rule$/.test(p.message));
      expect(unread.length).toBeGreaterThan(0);
      for (const p of unread) expect(p.where).toMatch(/\$0\.0(?:20|18|16) \/ image/);
      expect(result.problems.length).toBe(quality.length + unread.length);
      expect(result.accounting?.[0]?.unread).toBe(4);
      expect(result.untracked).toEqual([]);
    });

    it("passes over tools, fine-tuning, base models' Usage, the vision calculator and the FAQ by name", () => {
      const rules = Object.fromEntries((result.accounting?.[0]?.passedOver ?? []).map((p) => [p.rule, p.amounts]));
      expect(Object.keys(rules).sort()).toEqual(["fine-tuning", "plan-and-credits", "tool-fees", "untracked-model", "worked-example"]);
    });

    it("keeps to the page text", () => expectHonest(result));
  });

  describe(`2025-10-15 jina markdown (${F2025_10})`, () => {
    const result = extract(fixture(F2025_10));

    it("reads everything it should; Whisper and TTS, named by display name only, are untracked", () => {
      expect(result.status).toBe("ok");
      expect(result.problems).toEqual([]);
      expect(result.untracked.map((u) => u.name)).toEqual(["Whisper", "TTS", "TTS HD"]);
      expect(result.accounting?.[0]?.unread).toBe(0);
    });

    it("takes unprefixed prices from the Standard table, not the Batch table that comes first", () => {
      expectPrices(result, "gpt-5", {
        input: 1.25,
        cached_input: 0.125,
        output: 10,
        "batch/input": 0.625,
        "batch/cached_input": 0.0625,
        "batch/output": 5,
        "flex/input": 0.625,
        "priority/input": 2.5,
        "priority/cached_input": 0.25,
        "priority/output": 20,
      });
      expectPrices(result, "gpt-4.1", { input: 2, cached_input: 0.5, output: 8, "batch/input": 1, "batch/cached_input": undefined, "batch/output": 4 });
      expectPrices(result, "o4-mini", { input: 1.1, cached_input: 0.275, output: 4.4, "flex/cached_input": 0.138 });
      expectPrices(result, "gpt-5-pro", { input: 15, cached_input: undefined, output: 120 });
      expectPrices(result, "gpt-4-0125-preview", { input: 10, output: 30, "batch/input": 5, "batch/output": 15 });
    });

    it("reads image tokens and the text tokens of image models separately", () => {
      expectPrices(result, "gpt-image-1-mini", { image_input: 2.5, image_cached_input: 0.25, image_output: 8, input: 2, cached_input: 0.2, output: undefined });
      expectPrices(result, "gpt-image-1", { image_input: 10, image_cached_input: 2.5, image_output: 40, input: 5 });
    });

    it("reads per-image prices, with the merged model cells of the Medium/High rows", () => {
      expectPrices(result, "gpt-image-1-mini", {
        "image:low:1024x1024": 0.005,
        "image:low:1536x1024": 0.006,
        "image:medium:1024x1024": 0.011,
        "image:high:1024x1024": 0.036,
        "image:high:1024x1536": 0.052,
      });
      expectPrices(result, "gpt-image-1", { "image:low:1024x1024": 0.011, "image:medium:1024x1536": 0.063, "image:high:1536x1024": 0.25 });
      expectPrices(result, "dall-e-3", { "image:standard:1024x1024": 0.04, "image:hd:1024x1024": 0.08, "image:hd:1792x1024": 0.12 });
      expectPrices(result, "dall-e-2", { "image:standard:256x256": 0.016, "image:standard:1024x1024": 0.02 });
      const medium = result.observations.find((o) => o.model === "openai/gpt-image-1" && o.price === "image:medium:1024x1024");
      expect(medium?.evidence).toBe("Medium | $0.042 | $0.063 | $0.063");
    });

    it("reads embeddings: Cost → input, Batch cost → batch/input", () => {
      expectPrices(result, "text-embedding-3-small", { input: 0.02, "batch/input": 0.01 });
      expectPrices(result, "text-embedding-3-large", { input: 0.13, "batch/input": 0.065 });
    });

    it("reads audio tokens as audio_…, video per second, transcription tokens; not the estimated cost per minute, not fine-tuning", () => {
      expectPrices(result, "gpt-realtime", { input: 4, output: 16, image_input: 5, audio_input: 32, audio_cached_input: 0.4, audio_output: 64 });
      expectPrices(result, "gpt-4o-realtime-preview", { audio_input: 40, audio_cached_input: 2.5, audio_output: 80 });
      // "Transcription and speech generation": #### Text tokens and #### Audio tokens tables.
      expectPrices(result, "gpt-4o-transcribe", { input: 2.5, output: 10, audio_input: 6, transcription_per_minute: undefined });
      // "Portrait: 720x1280 Landscape: 1280x720" is the 720p the 2026 page names.
      expectPrices(result, "sora-2", { "video_per_second:720p": 0.1 });
      expectPrices(result, "sora-2-pro", { "video_per_second:720p": 0.3, "video_per_second:1024p": 0.5 });
      expect(pricesOf(result, "gpt-4o-2024-08-06")).toEqual({});
      const rules = (result.accounting?.[0]?.passedOver ?? []).map((p) => p.rule).sort();
      expect(rules).toEqual(["fine-tuning", "tool-fees", "worked-example"]);
    });

    it("keeps to the page text", () => expectHonest(result));
  });

  describe(`2025-12-19 "Copy page" markdown (${F2025_12})`, () => {
    const result = extract(fixture(F2025_12));

    it("reads everything it should; the per-image 'GPT Image Latest' is reported, not guessed", () => {
      expect(result.status).toBe("ok");
      expect(result.problems).toEqual([]);
      expect(result.untracked).toEqual([
        { name: "Whisper", where: 'table 13 under "Other models"' },
        { name: "TTS", where: 'table 13 under "Other models"' },
        { name: "TTS HD", where: 'table 13 under "Other models"' },
        { name: "GPT Image Latest", where: 'table 14 under "Image generation"' },
      ]);
      expect(result.accounting?.[0]?.unread).toBe(0);
    });

    it("reads Standard, Batch, Flex and Priority by their tab labels", () => {
      expectPrices(result, "gpt-5.2", {
        input: 1.75,
        cached_input: 0.175,
        output: 14,
        "batch/input": 0.875,
        "batch/output": 7,
        "flex/cached_input": 0.0875,
        "priority/input": 3.5,
        "priority/cached_input": 0.35,
        "priority/output": 28,
      });
      expectPrices(result, "gpt-5.1-codex-max", { input: 1.25, cached_input: 0.125, output: 10, "priority/output": 20 });
      expectPrices(result, "o3", { input: 2, cached_input: 0.5, output: 8, "flex/input": 1, "flex/cached_input": 0.25 });
      expectPrices(result, "gpt-5.2-pro", { input: 21, output: 168, "batch/input": 10.5, "batch/output": 84 });
      expectPrices(result, "chatgpt-4o-latest", { input: 5, output: 15 });
    });

    it("reads image tokens and per-image prices", () => {
      expectPrices(result, "gpt-image-1.5", {
        image_input: 8,
        image_cached_input: 2,
        image_output: 32,
        input: 5,
        cached_input: 1.25,
        output: 10,
        "image:low:1024x1024": 0.009,
        "image:medium:1024x1024": 0.034,
        "image:high:1536x1024": 0.2,
      });
      expectPrices(result, "gpt-image-1", { "image:low:1024x1024": 0.011, "image:high:1024x1024": 0.167 });
      expectPrices(result, "gpt-image-1-mini", { "image:low:1024x1024": 0.005, image_input: 2.5 });
      expectPrices(result, "chatgpt-image-latest", { image_input: 8, input: 5 });
    });

    it("keeps to the page text", () => expectHonest(result));
  });

  describe(`2026-08-22 developers.openai.com markdown (${F2026})`, () => {
    const result = extract(fixture(F2026));

    it("reads everything it should: every amount read or passed over by name", () => {
      expect(result.status).toBe("ok");
      expect(result.problems).toEqual([]);
      expect(result.untracked.map((u) => u.name)).toEqual(["Whisper"]);
      const accounting = result.accounting?.[0];
      expect(accounting?.unread).toBe(0);
      expect(accounting?.passedOver.map((p) => p.rule).sort()).toEqual(["fine-tuning", "tool-fees", "worked-example"]);
    });

    it("reads short context as plain keys and long context as @long, with cache writes", () => {
      expectPrices(result, "gpt-5.6-sol", {
        input: 4,
        cached_input: 0.4,
        cache_write: 5,
        output: 20,
        "input@long": 8,
        "cached_input@long": 0.8,
        "cache_write@long": 10,
        "output@long": 30,
      });
      expectPrices(result, "gpt-5.6-terra", { input: 2, cached_input: 0.2, cache_write: 2.5, output: 12, "output@long": 18 });
      expectPrices(result, "gpt-5.6-luna", { input: 0.2, cached_input: 0.02, cache_write: 0.25, output: 1.2, "input@long": 0.4 });
      expectPrices(result, "gpt-5.5", { input: 5, cached_input: 0.5, cache_write: undefined, output: 30, "input@long": 10, "output@long": 45 });
      expectPrices(result, "gpt-5.4-mini", { input: 0.75, "input@long": undefined });
    });

    it("reads Batch, Flex and Fast (the renamed Priority) by their labels", () => {
      expectPrices(result, "gpt-5.6-sol", { "batch/input": 2, "batch/output@long": 15, "flex/cache_write": 2.5, "fast/input": 8, "fast/output@long": 60 });
      expectPrices(result, "gpt-5.4-pro", { "batch/input@long": 30, "batch/output@long": 135 });
      expectPrices(result, "gpt-5.3-codex", { input: 1.75, "fast/input": 3.5, "fast/output": 28 });
      expect(result.observations.some((o) => o.price.startsWith("priority/"))).toBe(false);
    });

    it("reads image models from their Modality rows", () => {
      expectPrices(result, "gpt-image-1-mini", { image_input: 2.5, image_cached_input: 0.25, image_output: 8, input: 2, cached_input: 0.2, output: undefined });
      expectPrices(result, "gpt-image-2", { image_input: 8, image_cached_input: 2, image_output: 30, input: 5, cached_input: 1.25 });
      expectPrices(result, "gpt-image-2", { "batch/image_input": 4, "batch/image_output": 15, "batch/input": 2.5 });
      expectPrices(result, "gpt-image-1.5", { image_output: 32, output: 10, "batch/cached_input": 0.63 });
    });

    it("reads realtime and audio models by Modality: audio, text and image tokens", () => {
      // | gpt-realtime-2.1 | Audio | $32.00 | $0.40 | $64.00 | / | Text | $4.00 | $0.40 | $24.00 | / | Image | $5.00 | $0.50 | - |
      expectPrices(result, "gpt-realtime-2.1", {
        audio_input: 32,
        audio_cached_input: 0.4,
        audio_output: 64,
        input: 4,
        cached_input: 0.4,
        output: 24,
        image_input: 5,
        image_cached_input: 0.5,
        image_output: undefined,
      });
      expectPrices(result, "gpt-audio", { audio_input: 32, audio_cached_input: undefined, audio_output: 64, input: 2.5, output: 10 });
      expectPrices(result, "gpt-4o-mini-tts", { audio_output: 12, input: 0.6, audio_input: undefined });
      // | tts-1 | Text | $15.00 / 1M characters | - | - |
      expectPrices(result, "tts-1", { input_per_1m_characters: 15, input: undefined });
      expectPrices(result, "tts-1-hd", { input_per_1m_characters: 30 });
      const tts = result.observations.find((o) => o.model === "openai/tts-1");
      expect(tts?.unit).toBe("1M characters");
    });

    it("reads per-minute prices that are a model's only price; an estimated cost beside token prices is passed over", () => {
      // | gpt-transcribe | Transcription | - | - | $0.0045 / minute |
      expectPrices(result, "gpt-transcribe", { transcription_per_minute: 0.0045 });
      expectPrices(result, "gpt-live-transcribe", { transcription_per_minute: 0.017 });
      expectPrices(result, "gpt-realtime-whisper", { transcription_per_minute: 0.017 });
      // | gpt-realtime-translate | Live translation | - | - | $0.034 / minute |
      expectPrices(result, "gpt-realtime-translate", { translation_per_minute: 0.034 });
      // | gpt-4o-transcribe | Transcription | $2.50 | $10.00 | $0.006 / minute |: an estimate from its token prices.
      expectPrices(result, "gpt-4o-transcribe", { input: 2.5, output: 10, transcription_per_minute: undefined });
      for (const o of result.observations.filter((x) => x.price.endsWith("_per_minute"))) expect(o.unit).toBe("minute");
    });

    it("reads video per second by size and tier; passes over tools and fine-tuning", () => {
      expectPrices(result, "sora-2", { "video_per_second:720p": 0.1, "batch/video_per_second:720p": 0.05 });
      expectPrices(result, "sora-2-pro", { "video_per_second:1080p": 0.7, "batch/video_per_second:1024p": 0.25 });
      expect(pricesOf(result, "gpt-4o-2024-08-06")).toEqual({});
    });

    it("reads the specialized models, with 'Free' as $0 only where the page writes Free", () => {
      expectPrices(result, "text-embedding-3-small", { input: 0.02 });
      expectPrices(result, "gpt-5-search-api", { input: 1.25, output: 10 });
      expectPrices(result, "omni-moderation-latest", { input: 0 });
      const zero = result.observations.filter((o) => o.usd === 0);
      expect(zero.map((o) => o.model)).toEqual(["openai/omni-moderation-latest"]);
    });

    it("keeps to the page text", () => expectHonest(result));
  });

  describe("drift", () => {
    const md = fixture(F2025_12);
    const intact = extract(md);
    const standard = new Map(intact.observations.filter((o) => !o.price.includes("/")).map((o) => [`${o.model} ${o.price}`, o.usd]));

    it("headings and tab labels removed: fails, and takes no Standard price from another table", () => {
      const result = extract(withoutHeadingsAndLabels(md));
      expect(["failed", "partial"]).toContain(result.status);
      expect(result.status).toBe("failed");
      expect(result.observations).toEqual([]);
      expect(result.problems.some((p) => /Standard text-token table/.test(p.message))).toBe(true);
    });

    it("tab labels removed, headings kept: fails, naming the Text tokens heading", () => {
      const bare = md
        .split("\n")
        .filter((l) => !TAB_LABEL_LINE.test(l))
        .join("\n");
      const result = extract(bare);
      expect(result.status).toBe("failed");
      expect(result.problems).toContainEqual(expect.objectContaining({ where: 'heading "Text tokens"' }));
      expect(result.problems).toContainEqual(expect.objectContaining({ where: 'table 0 under "Text tokens"' }));
    });

    it("tables relabelled so that only some are named: no unprefixed price that is not Standard's", () => {
      // The Batch label is gone: that table is no longer read, the others still are.
      const lines = md.split("\n");
      const batchLabel = lines.findIndex((l) => l.trim() === "Batch");
      const noBatch = lines.filter((_, i) => i !== batchLabel).join("\n");
      const result = extract(noBatch);
      expect(result.status).toBe("partial");
      expect(result.problems).toContainEqual(expect.objectContaining({ where: 'table 0 under "Text tokens"' }));
      for (const o of result.observations.filter((x) => !x.price.includes("/"))) {
        expect(o.usd, `${o.model} ${o.price}`).toBe(standard.get(`${o.model} ${o.price}`));
      }
      expectPrices(result, "gpt-5.2", { input: 1.75, "batch/input": undefined, "priority/input": 3.5 });
    });

    it("Output column dropped from the Standard table: partial, the problem names that table", () => {
      const lines = md.split("\n");
      const start = tableAfterLabel(lines, "Standard", "| Model | Input | Cached input | Output |");
      const result = extract(editTable(lines, start, (cells) => cells.slice(0, 3)).join("\n"));
      expect(result.status).toBe("partial");
      expect(result.problems).toContainEqual(
        expect.objectContaining({ where: 'table 2 under "Text tokens" (Standard)', message: expect.stringMatching(/no Output column/) }),
      );
      expectPrices(result, "gpt-5.2", { input: 1.75, cached_input: 0.175, output: undefined, "priority/output": 28 });
    });

    it("a header cell dropped but not its column: rows are refused, never read shifted", () => {
      const lines = md.split("\n");
      const start = tableAfterLabel(lines, "Standard", "| Model | Input | Cached input | Output |");
      const edited = lines.slice();
      edited[start] = "| Model | Input | Output |";
      edited[start + 1] = "| --- | --- | --- |";
      const result = extract(edited.join("\n"));
      expect(result.status).toBe("partial");
      expect(result.problems.some((p) => p.where.startsWith('table 2 under "Text tokens" (Standard), row "gpt-5.2'))).toBe(true);
      expectPrices(result, "gpt-5.2", { input: undefined, output: undefined, "priority/output": 28 });
    });

    it("columns in another order are read by their header", () => {
      const lines = md.split("\n");
      const start = tableAfterLabel(lines, "Standard", "| Model | Input | Cached input | Output |");
      const result = extract(editTable(lines, start, ([m, i, c, o]) => [m!, o!, i!, c!]).join("\n"));
      expect(result.status).toBe("ok");
      expectPrices(result, "gpt-5.2", { input: 1.75, cached_input: 0.175, output: 14 });
    });

    it("Priority renamed Fast mode: read as fast/", () => {
      const result = extract(md.replace(/^Priority$/m, "Fast mode"));
      expect(result.status).toBe("ok");
      expectPrices(result, "gpt-5.2", { "fast/input": 3.5, "fast/output": 28, "priority/input": undefined });
    });

    it("money it cannot be sure of is a problem with a place, never a price", () => {
      const row = "| gpt-5.2 | $1.75 | $0.175 | $14.00 |";
      expect(md).toContain(row);
      const result = extract(md.replace(row, "| gpt-5.2 | €1.75 | $0.1.75 | $14.00 / 1M characters |"));
      expect(result.status).toBe("partial");
      expectPrices(result, "gpt-5.2", { input: undefined, cached_input: undefined, output: undefined });
      const wheres = result.problems.map((p) => p.where);
      expect(wheres).toContain('table 2 under "Text tokens" (Standard), row "gpt-5.2", column "Input"');
      expect(wheres).toContain('table 2 under "Text tokens" (Standard), row "gpt-5.2", column "Cached input"');
      expect(wheres).toContain('table 2 under "Text tokens" (Standard), row "gpt-5.2", column "Output"');
    });

    it("prices per 1K tokens are scaled to per 1M exactly", () => {
      const row = "| gpt-5.2 | $1.75 | $0.175 | $14.00 |";
      const result = extract(md.replace(row, "| gpt-5.2 | $0.00175 / 1K tokens | $0.000175 / 1K tokens | $0.014 / 1K tokens |"));
      expect(result.status).toBe("ok");
      expectPrices(result, "gpt-5.2", { input: 1.75, cached_input: 0.175, output: 14 });
    });

    it("the same page served as HTML reads the same", () => {
      const html = loadDocument(md, "markdown").html();
      const result = extract(html, "html");
      expect(result.status).toBe("ok");
      expect(result.observations).toEqual(intact.observations);
    });

    it("a Cloudflare challenge page fails with no observations", () => {
      const page =
        '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head>' +
        '<body><div id="challenge-running">Checking if the site connection is secure</div>' +
        "<script>window._cf_chl_opt={cvId: '3'};</script></body></html>";
      for (const format of ["html", "markdown"] as const) {
        const result = extract(page, format);
        expect(result.status).toBe("failed");
        expect(result.observations).toEqual([]);
      }
    });

    it("pages that are not this page fail and never throw", () => {
      for (const body of ["", "# Pricing\n\nNothing here yet.\n", "| a | b |\n| - | - |\n| 1 | 2 |\n", "\u0000\u0001garbage", "<table><tr><td rowspan=99>x"]) {
        const result = extract(body);
        expect(result.status).toBe("failed");
        expect(result.observations).toEqual([]);
      }
    });

    it("the 2024 text with its collapsed tables broken up fails", () => {
      const result = extract(fixture(F2024).replace(/^Model(?=[A-Z])/gm, "Model: "));
      expect(result.status).toBe("failed");
      expect(result.observations).toEqual([]);
    });

    it("the 2024 text: a row whose card below disagrees is not read", () => {
      const text = fixture(F2024);
      const card = /GPT-3\.5-TURBO-0125\n\nInput\n\$0\.50(\s)\/ 1M tokens/;
      expect(text).toMatch(card);
      const result = extract(text.replace(card, "GPT-3.5-TURBO-0125\n\nInput\n$0.60$1/ 1M tokens"));
      expectPrices(result, "gpt-3.5-turbo-0125", { input: undefined, output: 1.5 });
      expect(result.problems.some((p) => p.where === 'text table 2 under "GPT-3.5 TURBO", row "gpt-3.5-turbo-0125", column "Input"')).toBe(true);
    });

    it("2026 page without its tab labels and headings fails", () => {
      const result = extract(withoutHeadingsAndLabels(fixture(F2026)));
      expect(result.status).toBe("failed");
      expect(result.observations).toEqual([]);
    });
  });

  it("runs from the CLI: stdout is only the JSON extraction", () => {
    // Needs pipeline/sources/index.ts to load, which imports every vendor module.
    const stdout = execFileSync("npx", ["tsx", "pipeline/cli.ts", "extract", "openai-pricing", "--file", path.join("test/fixtures/openai", F2026)], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const result = Extraction.parse(JSON.parse(stdout));
    expect(result.source).toBe("openai-pricing");
    expect(result.status).toBe("ok");
    expectPrices(result, "gpt-5.6-sol", { input: 4, "output@long": 30 });
  });
});
