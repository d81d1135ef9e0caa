import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tokenDimensionIn } from "../../pipeline/extract/price-labels.ts";
import { anthropicPricingSource } from "../../pipeline/sources/anthropic.ts";
import { deepSeekPricingSource } from "../../pipeline/sources/deepseek.ts";
import { openAiModelPagesSource } from "../../pipeline/sources/openai-models.ts";
import { openAiPricingSource } from "../../pipeline/sources/openai.ts";
import { xAiPricingSource } from "../../pipeline/sources/xai.ts";
import type { Extraction } from "../../schemas/observation.ts";

/**
 * The newest real pages, each with one change a later version of the page could plausibly make (a footnote
 * number set as markup, an announcement worded otherwise, a dated or tier heading, a tab bar, a row above a
 * context threshold). The edit is made here, on a copy in memory: the fixtures stay as captured. What a user
 * needs from each: no wrong price — the page's price, or a problem saying what was not read.
 */
const page = (file: string) => readFileSync(`test/fixtures/${file}`, "utf8");

function edited(file: string, from: string, to: string): string {
  const text = page(file);
  if (!text.includes(from)) throw new Error(`${file} no longer holds ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

const price = (x: Extraction, model: string, key: string) =>
  x.observations.filter((o) => o.model === model && o.price === key).map((o) => o.usd);
const problems = (x: Extraction) => x.problems.map((p) => p.message).join("\n");

const XAI = "xai/docs-x-ai-developers-pricing__2026-08-13.md";
const DEEPSEEK = "deepseek/api-docs-quick_start-pricing__2026-08-13.md";
const ANTHROPIC = "anthropic/platform-claude-docs-pricing__2026-08-13.md";
const OPENAI = "openai/developers-openai-api-docs-pricing__2026-08-13.md";
const GPT_IMAGE_1 = "openai/models/gpt-image-1__2026-08-19.md";
const MINI_2025 = "openai/models/gpt-image-1-mini__2025-10-14.md";

describe("a footnote number set as markup never runs into a price or a name", () => {
  it("xAI: `$2.00<sup>1</sup>` is not read as $2.001", () => {
    const x = xAiPricingSource.extract(edited(XAI, "| 500k | $2.00 | $0.50 | $6.00 |", "| 500k | $2.00<sup>1</sup> | $0.50 | $6.00 |"));
    expect(price(x, "xai/grok-4.6", "input")).not.toContain(2.001);
    expect(x.observations.some((o) => o.usd === 2.001)).toBe(false);
    expect(x.status).toBe("partial");
  });

  it("DeepSeek's markdown: `$0.14<sup>3</sup>` is $0.14, never $0.143", () => {
    const x = deepSeekPricingSource.extract(
      edited(DEEPSEEK, "| 1M INPUT TOKENS (CACHE MISS) | $0.14 | $0.435 |", "| 1M INPUT TOKENS (CACHE MISS) | $0.14<sup>3</sup> | $0.435 |"),
      "markdown",
    );
    expect(price(x, "deepseek/deepseek-v4-flash", "input")).toEqual([0.14]);
  });

  it("OpenAI: `gpt-5.2<sup>1</sup>` makes no model gpt-5.21; `$1.75<sup>1</sup>` is not $1.751", () => {
    const name = openAiPricingSource.extract(edited(OPENAI, "| gpt-5.2 | $1.75 |", "| gpt-5.2<sup>1</sup> | $1.75 |"), "markdown");
    expect(name.observations.some((o) => o.model === "openai/gpt-5.21")).toBe(false);
    const cell = openAiPricingSource.extract(edited(OPENAI, "| gpt-5.2 | $1.75 |", "| gpt-5.2 | $1.75<sup>1</sup> |"), "markdown");
    expect(cell.observations.some((o) => o.usd === 1.751)).toBe(false);
    expect(problems(cell)).toMatch(/\$1\.75¹/);
  });

  it("an OpenAI model page: `1024x1024<sup>2</sup>` is no size 1024x10242, `$0.011<sup>1</sup>` no $0.0111", () => {
    const size = openAiModelPagesSource.extract(edited(GPT_IMAGE_1, "| 1024x1024 | $0.011 |", "| 1024x1024<sup>2</sup> | $0.011 |"));
    expect(size.observations.some((o) => o.price.includes("10242"))).toBe(false);
    const cell = openAiModelPagesSource.extract(edited(GPT_IMAGE_1, "| 1024x1024 | $0.011 |", "| 1024x1024 | $0.011<sup>1</sup> |"));
    expect(cell.observations.some((o) => o.usd === 0.0111)).toBe(false);
    expect(cell.status).toBe("partial");
  });
});

describe("announcements and dated rows in other words", () => {
  it("DeepSeek: 'Starting October 1, 2026 … Prices from October 1, 2026 are as follows' dates the new table", () => {
    const note =
      "(1) Starting October 1, 2026, DeepSeek API will switch to peak / off-peak billing, with off-peak rates at half the peak rates. Peak hours are 01:00 - 04:00 and 06:00 - 10:00 UTC (all other hours are off-peak). Prices from October 1, 2026 are as follows:";
    const text = page(DEEPSEEK).replace(/^\(1\) DeepSeek API pricing will be updated.*$/m, note);
    expect(text).toContain(note);
    const x = deepSeekPricingSource.extract(text, "markdown");
    const peak = x.observations.filter((o) => o.model === "deepseek/deepseek-v4-flash" && o.price === "input@peak");
    expect(peak.map((o) => [o.usd, o.effectiveFrom])).toEqual([[0.44, "2026-10-01"]]);
    // And the flat price ends with it: no day has both as current.
    const flat = x.observations.filter((o) => o.model === "deepseek/deepseek-v4-flash" && o.price === "input");
    expect(flat.map((o) => [o.usd, o.effectiveUntil])).toEqual([[0.14, "2026-10-01"]]);
  });

  it("Anthropic: '(prior to October 1, 2026)' ends on September 30, '(on and after October 1, 2026)' starts on October 1", () => {
    const row = /^\| Claude Sonnet 5 +\| \$2 \/ MTok .*$/m;
    const before = "| Claude Sonnet 5 (prior to October 1, 2026) | $2 / MTok | $2.50 / MTok | $4 / MTok | $0.20 / MTok | $10 / MTok |";
    const after = "| Claude Sonnet 5 (on and after October 1, 2026) | $3 / MTok | $3.75 / MTok | $6 / MTok | $0.30 / MTok | $15 / MTok |";
    const text = page(ANTHROPIC).replace(row, `${before}\n${after}`);
    expect(text).toContain(after);
    const x = anthropicPricingSource.extract(text, "markdown");
    const input = x.observations.filter((o) => o.model === "anthropic/claude-sonnet-5" && o.price === "input");
    expect(input.map((o) => [o.usd, o.effectiveFrom, o.effectiveUntil])).toEqual([
      [2, undefined, "2026-09-30"],
      [3, "2026-10-01", undefined],
    ]);
  });

  it("xAI: a table under a dated heading is reported, never read as today's prices", () => {
    const x = xAiPricingSource.extract(
      edited(XAI, "### Text API Pricing", "### Upcoming pricing (effective October 1, 2026)\n\n| Model | Context | Input / 1M tokens | Cached input / 1M tokens | Output / 1M tokens |\n| --- | --- | --- | --- | --- |\n| grok-4.6 (< 200k prompt tokens) | 500k | $3.00 | $0.75 | $9.00 |\n| grok-4.6 (≥ 200k prompt tokens) | 500k | $6.00 | $1.50 | $18.00 |\n\n### Text API Pricing"),
    );
    expect(price(x, "xai/grok-4.6", "input")).toEqual([2]);
    expect(problems(x)).toMatch(/dated or announcing text \("Upcoming pricing \(effective October 1, 2026\)"\)/);
  });
});

describe("labels that name a tier, a context length, another unit or another dollar", () => {
  it("xAI: 'Models without batch discount' holds standard prices; a Flex table is not read as standard", () => {
    const table = (heading: string) =>
      `### ${heading}\n\n| Model | Context | Input / 1M tokens | Cached input / 1M tokens | Output / 1M tokens |\n| --- | --- | --- | --- | --- |\n| grok-5-mini | 1M | $0.30 | $0.05 | $0.90 |\n\n### Text API Pricing`;
    const without = xAiPricingSource.extract(edited(XAI, "### Text API Pricing", table("Models without batch discount")));
    expect(price(without, "xai/grok-5-mini", "input")).toEqual([0.3]);
    expect(price(without, "xai/grok-5-mini", "batch/input")).toEqual([]);
    const flex = xAiPricingSource.extract(edited(XAI, "### Text API Pricing", table("Flex pricing")));
    expect(price(flex, "xai/grok-5-mini", "input")).toEqual([]);
    expect(problems(flex)).toMatch(/a table of Flex prices/);
  });

  it("an OpenAI model page: a tab bar over two tables reads neither as Standard", () => {
    const low = "| Metric | Price | Unit |\n| --- | ---: | --- |\n| Quality | Low | image |\n| 1024x1024 | $0.011 | image |\n| 1024x1536 | $0.016 | image |\n| 1536x1024 | $0.016 | image |";
    const batchLow = low.replace("$0.011", "$0.0055").replaceAll("$0.016", "$0.008");
    const x = openAiModelPagesSource.extract(edited(GPT_IMAGE_1, `### Image generation\n\n${low}`, `### Image generation\n\nStandard\n\nBatch\n\n${low}\n\n${batchLow}`));
    expect(price(x, "openai/gpt-image-1", "image:low:1024x1024")).toEqual([]);
    expect(problems(x)).toMatch(/labelled with more than one tier[\s\S]*no label of its own/);
  });

  it("an OpenAI model page in the 2025 line layout: prices after a 'Batch' line are not read as Standard", () => {
    const text = page(MINI_2025).replace(/^Image generation\nPer image$/gm, "Image generation\nBatch\nPer image");
    expect(text).toContain("Batch\nPer image");
    const x = openAiModelPagesSource.extract(text);
    expect(x.observations.filter((o) => o.price.startsWith("image:"))).toEqual([]);
    expect(problems(x)).toMatch(/after the line "Batch"/);
  });

  it("an OpenAI model page: a row above a context threshold is not the plain input price, whichever row comes first", () => {
    const sol = "openai/models/gpt-5.6-sol__2026-08-13.md";
    const x = openAiModelPagesSource.extract(edited(sol, "| Input | $5 | 1M tokens |", "| Input (>272K context) | $10 | 1M tokens |\n| Input | $5 | 1M tokens |"));
    expect(price(x, "openai/gpt-5.6-sol", "input")).toEqual([5]);
    expect(problems(x)).toMatch(/above a context length/);
  });

  it("DeepSeek: a '1K INPUT TOKENS' label or a row above a context threshold is not read as the price per 1M", () => {
    const perThousand = deepSeekPricingSource.extract(
      edited(DEEPSEEK, "| 1M INPUT TOKENS (CACHE MISS) | $0.14 | $0.435 |", "| 1K INPUT TOKENS (CACHE MISS) | $0.00014 | $0.000435 |"),
      "markdown",
    );
    expect(price(perThousand, "deepseek/deepseek-v4-flash", "input")).toEqual([]);
    const longContext = deepSeekPricingSource.extract(
      edited(DEEPSEEK, "| 1M INPUT TOKENS (CACHE MISS) | $0.14 | $0.435 |", "| 1M INPUT TOKENS (CACHE MISS, CONTEXT > 256K) | $0.28 | $0.87 |\n| 1M INPUT TOKENS (CACHE MISS) | $0.14 | $0.435 |"),
      "markdown",
    );
    expect(price(longContext, "deepseek/deepseek-v4-flash", "input")).toEqual([0.14]);
  });

  it("Anthropic: a row for one side of a context threshold is read under its condition; A$ is not USD; a 24h cache write is no `cache_write`", () => {
    const row = /^\| Claude Sonnet 5 +\| \$2 \/ MTok .*$/m;
    const over = "| Claude Sonnet 5 (prompts > 200K tokens) | $4 / MTok | $5 / MTok | $8 / MTok | $0.40 / MTok | $15 / MTok |";
    const split = anthropicPricingSource.extract(page(ANTHROPIC).replace(row, (r) => `${over}\n${r}`), "markdown");
    expect(price(split, "anthropic/claude-sonnet-5", "input")).toEqual([2]);
    expect(price(split, "anthropic/claude-sonnet-5", "input@over_200k")).toEqual([4]);
    // A context length the shared vocabulary reads no one side of is still reported, never read as plain prices.
    const both = anthropicPricingSource.extract(page(ANTHROPIC).replace(row, (r) => `${over.replace("> 200K", "over 200K and up to 1M")}\n${r}`), "markdown");
    expect(price(both, "anthropic/claude-sonnet-5", "input")).toEqual([2]);
    expect(problems(both)).toMatch(/names a context length/);

    const dollars = anthropicPricingSource.extract(page(ANTHROPIC).replace(row, (r) => r.replaceAll("$", "A$")), "markdown");
    expect(price(dollars, "anthropic/claude-sonnet-5", "input")).toEqual([]);
    expect(problems(dollars)).toMatch(/in A\$, not in US dollars/);

    // The shared reading of column headers: a cache of another duration is no price key yet, so it is reported, not filed as `cache_write`.
    expect(tokenDimensionIn("24h Cache Writes")).toBeUndefined();
    expect(tokenDimensionIn("30m Cache Writes")).toBeUndefined();
    expect(tokenDimensionIn("5m Cache Writes")).toBe("cache_write_5m");
  });
});
