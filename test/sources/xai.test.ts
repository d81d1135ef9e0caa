import { readFileSync } from "node:fs";
import path from "node:path";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { xAiPricingSource as source } from "../../pipeline/sources/xai.ts";
import { Extraction } from "../../schemas/observation.ts";
import { REPO_ROOT, runCli } from "../support/cli.ts";

const FIXTURES = path.join(REPO_ROOT, "test/fixtures/xai");
const PRICING = "docs-x-ai-developers-pricing__2026-08-13.md";
const MODELS = "docs-x-ai-developers-models__2026-08-13.md";
const GROK_46 = "docs-x-ai-developers-models-grok-4.6__2026-08-13.md";
const OLD_MODELS = "docs-x-ai-docs-models__2025-12-19.md";

const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");
const extract = (body: string) => Extraction.parse(source.extract(body, "markdown"));

/** Replace one exact piece of a fixture, failing loudly if it is not there (so a mutation never silently no-ops). */
function mutate(body: string, from: string | RegExp, to: string): string {
  const changed = body.replace(from, to);
  expect(changed, `mutation ${String(from)} did not apply`).not.toBe(body);
  return changed;
}

/** The lines of the "Text API Pricing" table (header, delimiter, rows). */
function textTableLines(body: string): string[] {
  const lines = body.split("\n");
  const start = lines.findIndex((l) => l.startsWith("| Model | Context |"));
  expect(start).toBeGreaterThanOrEqual(0);
  let end = start;
  while (lines[end + 1]?.startsWith("|")) end++;
  return lines.slice(start, end + 1);
}

/** Apply `edit` to the text price table only, leaving every other line as it is. */
function editTextTable(body: string, edit: (table: string) => string): string {
  const table = textTableLines(body).join("\n");
  return mutate(body, table, edit(table));
}

type PriceMap = Record<string, Record<string, number>>;

function prices(x: Extraction): PriceMap {
  const map: PriceMap = {};
  for (const o of x.observations) {
    const model = (map[o.model] ??= {});
    expect(model[o.price], `${o.model} ${o.price} read twice`).toBeUndefined();
    model[o.price] = o.usd;
  }
  return map;
}

/** The six prices of a model priced on two rows, `< 200k` and `≥ 200k` prompt tokens, as the page writes them. */
function split(input: number, cached: number, output: number, input200: number, cached200: number, output200: number) {
  return {
    input,
    cached_input: cached,
    output,
    "input@over_200k": input200,
    "cached_input@over_200k": cached200,
    "output@over_200k": output200,
  };
}

// Checked against the fixtures' text (grep "grok-4.6 (" etc.), not copied from the extractor's output.
const TEXT_PRICES: PriceMap = {
  "xai/grok-4.6": split(2.0, 0.5, 6.0, 4.0, 1.0, 12.0),
  "xai/grok-4.5": split(2.0, 0.3, 6.0, 4.0, 0.6, 12.0),
  "xai/grok-4.3": split(1.25, 0.2, 2.5, 2.5, 0.4, 5.0),
  "xai/grok-4.20-0309-reasoning": split(1.25, 0.2, 2.5, 2.5, 0.4, 5.0),
  "xai/grok-4.20-0309-non-reasoning": split(1.25, 0.2, 2.5, 2.5, 0.4, 5.0),
  "xai/grok-build-0.1": split(1.0, 0.2, 2.0, 2.0, 0.4, 4.0),
  "xai/grok-4.20-multi-agent-0309": split(1.25, 0.2, 2.5, 2.5, 0.4, 5.0),
};
const IMAGE_PRICES: PriceMap = {
  "xai/grok-imagine-image-2.0": { image: 0.04 },
  "xai/grok-imagine-image": { image: 0.02 },
  "xai/grok-imagine-image-quality": { image: 0.05 },
};
// "| grok-imagine-video-1.5 | $0.080 / sec |", "| grok-imagine-video | $0.050 / sec |"
const VIDEO_PRICES: PriceMap = {
  "xai/grok-imagine-video-1.5": { video_per_second: 0.08 },
  "xai/grok-imagine-video": { video_per_second: 0.05 },
};
// "Speech to Speech (grok-voice-think-fast-2.0) | $0.08 / min ($4.80 / hr) audio", "(grok-voice-think-fast-1.0) — Deprecated | $0.05 / min"
const VOICE_PRICES: PriceMap = {
  "xai/grok-voice-think-fast-2.0": { audio_per_minute: 0.08 },
  "xai/grok-voice-think-fast-1.0": { audio_per_minute: 0.05 },
};
const PER_UNIT_PRICES: PriceMap = { ...IMAGE_PRICES, ...VIDEO_PRICES, ...VOICE_PRICES };

const tokenPricesOf = (x: Extraction) =>
  Object.fromEntries(Object.entries(prices(x)).filter(([model]) => !/^xai\/grok-(?:imagine|voice)/.test(model)));

describe("xai-pricing: the source", () => {
  it("is xAI's markdown pricing page, fetched over plain HTTP, one document", () => {
    expect(source).toMatchObject({
      id: "xai-pricing",
      vendor: "xai",
      url: "https://docs.x.ai/developers/pricing.md",
      format: "markdown",
      fetchWith: "http",
    });
    expect(source.documents).toBeUndefined();
  });
});

describe("xai-pricing: docs.x.ai/developers/pricing.md (2026-08-13)", () => {
  const x = extract(fixture(PRICING));

  it("is read completely, with no problem; the voice rows that name no API id are listed as untracked", () => {
    expect(x.status).toBe("ok");
    expect(x.problems).toEqual([]);
    expect(x.untracked.map((u) => u.name)).toEqual(["Speech to Text", "Text to Speech"]);
  });

  it("accounts for every amount: read, or passed over as a fee, an untracked row or a unit no key holds", () => {
    expect(x.accounting).toHaveLength(1);
    const [a] = x.accounting!;
    expect(a!.unread).toBe(0);
    expect(a!.seen).toBe(a!.read + a!.passedOver.reduce((n, p) => n + p.amounts, 0));
    expect(Object.fromEntries(a!.passedOver.map((p) => [p.rule, p.amounts]))).toEqual({
      "tool-fees": 2, // $10 (file attachments, per 1k calls) and $0.025 / GiB / day; the others match prices read elsewhere by value
      "untracked-model": 3, // Speech to Text $0.10 and $0.20 per hour, Text to Speech $15.00 per 1M characters
      "unit-not-tracked": 2, // "$0.004 / text input", on both Speech to Speech rows
    });
  });

  it("reads the text price table: two rows per model, ≥ 200k keyed @over_200k", () => {
    expect(prices(x)["xai/grok-4.6"]).toEqual(TEXT_PRICES["xai/grok-4.6"]);
    expect(prices(x)["xai/grok-4.3"]).toEqual(TEXT_PRICES["xai/grok-4.3"]);
    expect(prices(x)["xai/grok-build-0.1"]).toEqual(TEXT_PRICES["xai/grok-build-0.1"]);
    expect(tokenPricesOf(x)).toEqual(TEXT_PRICES);
  });

  it("gives exactly the keys and values the catalog holds for the xai entries it has", () => {
    for (const id of ["grok-4.3", "grok-4.20-0309-reasoning", "grok-4.20-0309-non-reasoning", "grok-4.20-multi-agent-0309", "grok-build-0.1"]) {
      const entry = JSON.parse(readFileSync(path.join(REPO_ROOT, "catalog/xai", `${id}.json`), "utf8")) as {
        prices: Record<string, { usd: number }>;
      };
      const catalog = Object.fromEntries(Object.entries(entry.prices).map(([k, p]) => [k, p.usd]));
      expect(prices(x)[`xai/${id}`], id).toEqual(catalog);
    }
  });

  it("reads the Imagine prices per image and per second of video, and Speech to Speech per minute", () => {
    for (const [model, expected] of Object.entries(PER_UNIT_PRICES)) expect(prices(x)[model], model).toEqual(expected);
    const units = Object.fromEntries(x.observations.map((o) => [o.price.replace(/@.*/, ""), o.unit]));
    expect(units).toMatchObject({ image: "image", video_per_second: "second", audio_per_minute: "minute", input: "1M tokens" });
  });

  it("takes no price from tools, storage, the usage fee, the Context column, '/ text input', or the batch and priority multipliers", () => {
    expect(new Set(x.observations.map((o) => o.price))).toEqual(
      new Set(["input", "cached_input", "output", "input@over_200k", "cached_input@over_200k", "output@over_200k", "image", "video_per_second", "audio_per_minute"]),
    );
    expect(x.observations.filter((o) => /search|tool|batch|priority/i.test(o.model + o.price))).toEqual([]);
    expect(x.observations.some((o) => o.usd === 0.004 || o.usd === 4.8)).toBe(false);
    expect(new Set(x.observations.map((o) => o.model))).toEqual(new Set([...Object.keys(TEXT_PRICES), ...Object.keys(PER_UNIT_PRICES)]));
  });

  it("records Batch '20% off standard rates' for the four models listed under it, and Priority '2x standard rates' for every text model", () => {
    const batch = x.multipliers!.filter((m) => m.name === "batch");
    expect(batch.map((m) => m.model)).toEqual(["xai/grok-4.3", "xai/grok-4.20-0309-reasoning", "xai/grok-4.20-0309-non-reasoning", "xai/grok-4.20-multi-agent-0309"]);
    for (const m of batch) expect(m).toMatchObject({ factor: 0.8, sentence: "20% off standard rates" });
    const priority = x.multipliers!.filter((m) => m.name === "priority");
    expect(new Set(priority.map((m) => m.model))).toEqual(new Set(Object.keys(TEXT_PRICES)));
    for (const m of priority) expect(m).toMatchObject({ factor: 2, sentence: "Priority requests are billed at a 2x premium over standard rates." });
    // "Image and video generation ... are billed at standard rates": no multiplier for them, and none other.
    expect(x.multipliers!.filter((m) => /imagine|voice/.test(m.model ?? ""))).toEqual([]);
    expect(x.multipliers).toHaveLength(batch.length + priority.length);
  });

  it("keeps the page row each price came from", () => {
    for (const o of x.observations) expect(o.evidence, `${o.model} ${o.price}`).toContain(`$${o.usd}`);
    const over = x.observations.find((o) => o.model === "xai/grok-4.6" && o.price === "output@over_200k");
    expect(over?.evidence).toBe("grok-4.6 (≥ 200k prompt tokens) 500k $4.00 $1.00 $12.00");
  });
});

describe("xai-pricing: the models page and a model page (2026-08-13)", () => {
  it("reads the same text and image prices off the models page", () => {
    const x = extract(fixture(MODELS));
    expect(x.status).toBe("ok");
    expect(x.problems).toEqual([]);
    expect(prices(x)).toEqual({ ...TEXT_PRICES, ...PER_UNIT_PRICES });
  });

  it("reads the six prices of grok-4.6's page: rows Input / Cached input / Output, columns < 200k / ≥ 200k", () => {
    const x = extract(fixture(GROK_46));
    expect(x.status).toBe("ok");
    expect(x.problems).toEqual([]);
    expect(prices(x)).toEqual({ "xai/grok-4.6": split(2.0, 0.5, 6.0, 4.0, 1.0, 12.0) });
    expect(x.observations.find((o) => o.price === "cached_input@over_200k")?.evidence).toContain("Cached input $0.50 $1.00");
  });

  it("fails a model page that names two models, rather than pick one", () => {
    const body = mutate(fixture(GROK_46), "**Model name:** `grok-4.6`", "**Model name:** `grok-4.6`, `grok-4.6-latest`");
    const x = extract(body);
    expect(x.status).toBe("failed");
    expect(x.observations).toEqual([]);
  });

  it("fails a model page whose price table is gone", () => {
    const body = mutate(fixture(GROK_46), /## Pricing\n\n(?:\|.*\n)+/, "## Pricing\n\nSee the pricing page.\n");
    const x = extract(body);
    expect(x.status).toBe("failed");
    expect(x.problems[0]?.message).toMatch(/no token price table/);
  });

  it("reports a model-page row whose context sides disagree on the threshold", () => {
    const body = mutate(fixture(GROK_46), "| ≥ 200k prompt tokens (per 1M tokens) |", "| ≥ 128k prompt tokens (per 1M tokens) |");
    const x = extract(body);
    expect(x.status).toBe("failed"); // nothing else is priced on the page
    expect(x.problems.map((p) => p.message).join("\n")).toMatch(/xai\/grok-4.6: its two sides name different thresholds \(< 200k, ≥ 128k\)/);
  });
});

describe("xai-pricing: the same pages rendered as HTML", () => {
  const html = (name: string) => new MarkdownIt({ html: true }).render(fixture(name));
  it.each([PRICING, MODELS, GROK_46, "docs-x-ai-developers-models-grok-4.3__2026-09.est.md", "docs-x-ai-developers-models-grok-build-0.1__2026-09.est.md"])("%s reads the same", (name) => {
    expect(Extraction.parse(source.extract(html(name), "html"))).toEqual(extract(fixture(name)));
  });
});

describe("xai-pricing: docs.x.ai/docs/models (2025-12-19), whose model price table was drawn by scripts", () => {
  it("fails, saying the Model Pricing section is empty, and passes no tool price off as a model price", () => {
    const x = extract(fixture(OLD_MODELS));
    expect(x.status).toBe("failed");
    expect(x.observations).toEqual([]);
    expect(x.problems).toHaveLength(1);
    expect(x.problems[0]).toMatchObject({ where: 'heading "Model Pricing"', message: expect.stringMatching(/holds no model price table/) });
  });
});

describe("xai-pricing: faults (string edits of the 2026-08-13 pricing page)", () => {
  const page = fixture(PRICING);

  it("reports a model whose row has no condition while its sibling has one, and reads none of its prices", () => {
    const body = editTextTable(page, (t) => mutate(t, "| grok-4.6 (< 200k prompt tokens) |", "| grok-4.6 |"));
    const x = extract(body);
    expect(x.status).toBe("partial");
    expect(prices(x)["xai/grok-4.6"]).toBeUndefined();
    expect(x.problems[0]).toEqual({
      message: "xai/grok-4.6: some of its prices name a context condition and some do not (no condition, ≥ 200k); none of its prices is read",
      where: 'table 0 under "Text API Pricing", rows "grok-4.6", "grok-4.6 (≥ 200k prompt tokens)"',
    });
    // The amounts left unread are listed too (those no other price shares by value).
    expect(x.problems.slice(1).map((p) => p.message)).toEqual([expect.stringMatching(/passed over by no rule$/)]);
    expect(x.problems[1]?.where).toContain("| grok-4.6 | 500k | $2.00 | $0.50 | $6.00 |");
    expect(prices(x)["xai/grok-4.3"]).toEqual(TEXT_PRICES["xai/grok-4.3"]);
  });

  it("reads a model priced on one unconditioned row as plain keys", () => {
    const body = editTextTable(page, (t) =>
      mutate(mutate(t, "| grok-4.6 (< 200k prompt tokens) |", "| grok-4.6 |"), /\n\| grok-4\.6 \(≥ 200k prompt tokens\).*/, ""),
    );
    const x = extract(body);
    expect(x.status).toBe("ok");
    expect(prices(x)["xai/grok-4.6"]).toEqual({ input: 2.0, cached_input: 0.5, output: 6.0 });
  });

  it("reports a model whose two rows name different thresholds", () => {
    const body = editTextTable(page, (t) => mutate(t, "| grok-4.3 (≥ 200k prompt tokens) |", "| grok-4.3 (≥ 256k prompt tokens) |"));
    const x = extract(body);
    expect(x.status).toBe("partial");
    expect(prices(x)["xai/grok-4.3"]).toBeUndefined();
    expect(x.problems[0]?.message).toMatch(/^xai\/grok-4.3: its two sides name different thresholds/);
  });

  it("reports a model read twice with different prices", () => {
    const body = editTextTable(page, (t) => `${t}\n| grok-4.3 (< 200k prompt tokens) | 1M | $1.50 | $0.20 | $2.50 |`);
    const x = extract(body);
    expect(x.status).toBe("partial");
    expect(x.problems.map((p) => p.message)).toContain("xai/grok-4.3 input read twice with different prices ($1.25 and $1.5)");
  });

  it("reports a renamed column that holds dollars, and reads the columns it still knows", () => {
    const body = editTextTable(page, (t) => mutate(t, "| Cached input / 1M tokens |", "| Reserved / 1M tokens |"));
    const x = extract(body);
    expect(x.status).toBe("partial");
    expect(x.problems[0]).toEqual({
      message: expect.stringMatching(/^column "Reserved \/ 1M tokens" holds dollar amounts but names no price this source knows/),
      where: 'table 0 under "Text API Pricing"',
    });
    expect(x.problems.slice(1).every((p) => /is read into no price and passed over by no rule$/.test(p.message))).toBe(true);
    expect(x.observations.filter((o) => o.price.startsWith("cached_input"))).toEqual([]);
    expect(prices(x)["xai/grok-4.6"]).toMatchObject({ input: 2.0, output: 6.0, "input@over_200k": 4.0, "output@over_200k": 12.0 });
  });

  it("reports a price cell that says Free, never reading it as $0", () => {
    const body = editTextTable(page, (t) =>
      mutate(t, "| grok-4.3 (< 200k prompt tokens) | 1M | $1.25 |", "| grok-4.3 (< 200k prompt tokens) | 1M | Free |"),
    );
    const x = extract(body);
    expect(x.status).toBe("partial");
    expect(x.problems).toEqual([
      {
        message: '"Free" is not a price in US dollars; not read (never as $0)',
        where: 'table 0 under "Text API Pricing", row "grok-4.3 (< 200k prompt tokens)", column "Input / 1M tokens"',
      },
    ]);
    expect(prices(x)["xai/grok-4.3"]?.input).toBeUndefined();
    expect(x.observations.some((o) => o.usd === 0)).toBe(false);
  });

  it("refuses prices in euros, and a page that says its prices are in another currency", () => {
    const euros = extract(editTextTable(page, (t) => t.replace(/\$/g, "€")));
    expect(euros.status).toBe("failed");
    expect(euros.observations).toEqual([]);
    expect(euros.problems[0]).toMatchObject({ where: 'table 0 under "Text API Pricing"', message: expect.stringMatching(/another currency \("€2\.00"/) });

    const stated = extract(mutate(page, "All prices are in USD.", "All prices are in EUR."));
    expect(stated.status).toBe("failed");
    expect(stated.observations).toEqual([]);
    expect(stated.problems[0]?.message).toMatch(/"prices are in EUR": this source reads US dollars only/);

    // Prose that says where prices are is not a currency.
    expect(extract(mutate(page, "All prices are in USD.", "All prices are in the tables below.")).status).toBe("ok");
  });

  it("fails a page whose text table names fewer than three grok models", () => {
    const lines = textTableLines(page);
    const body = mutate(page, lines.join("\n"), lines.slice(0, 4).join("\n"));
    const x = extract(body);
    expect(x.status).toBe("failed");
    expect(x.problems.at(-1)?.message).toMatch(/only 1 grok model\(s\) in the text price table/);
  });

  it("fails a page without the text price table, not reading the image, voice or tool tables on their own", () => {
    const body = mutate(page, textTableLines(page).join("\n"), "");
    const x = extract(body);
    expect(x.status).toBe("failed");
    expect(x.observations).toEqual([]);
    expect(x.problems[0]).toMatchObject({ where: 'heading "Text API Pricing"' });
  });

  it("reads a column that names the batch tier as batch prices, never as the standard ones", () => {
    const body = editTextTable(page, (t) => mutate(t, "| Output / 1M tokens |", "| Batch output / 1M tokens |"));
    const x = extract(body);
    expect(x.status).toBe("ok");
    expect(prices(x)["xai/grok-4.3"]).toMatchObject({ "batch/output": 2.5, "batch/output@over_200k": 5.0 });
    expect(x.observations.filter((o) => o.price === "output" || o.price === "output@over_200k")).toEqual([]);
  });

  it("does not read a column that names Fast (a word of xAI model names, not an xAI tier) as any price", () => {
    const body = editTextTable(page, (t) => mutate(t, "| Output / 1M tokens |", "| Fast output / 1M tokens |"));
    const x = extract(body);
    expect(x.status).toBe("partial");
    expect(x.problems[0]?.message).toMatch(/^column "Fast output \/ 1M tokens" holds dollar amounts/);
    expect(x.problems.slice(1).every((p) => /is read into no price and passed over by no rule$/.test(p.message))).toBe(true);
    expect(x.observations.filter((o) => o.price.includes("output"))).toEqual([]);
  });

  it("reports an image price in an unknown unit, never passing it over", () => {
    const body = mutate(page, "| grok-imagine-image | $0.02 / image |", "| grok-imagine-image | $0.02 / megapixel |");
    const x = extract(body);
    expect(x.status).toBe("partial");
    expect(x.problems[0]).toEqual({
      message: '"$0.02 / megapixel" is not a price per image, second, minute, hour or 1M characters; not read',
      where: 'table 1 under "Imagine Pricing", row "grok-imagine-image", column "Cost"',
    });
    expect(prices(x)["xai/grok-imagine-image"]).toBeUndefined();
    expect(x.accounting![0]!.unread).toBe(1);
  });

  it("lists a text-table row it cannot map to an API id as untracked, never guessing an id", () => {
    const body = editTextTable(page, (t) => t.replaceAll("| grok-4.5 (", "| Grok 4.5 Beta ("));
    const x = extract(body);
    expect(x.untracked.map((u) => u.name)).toEqual([
      "Grok 4.5 Beta (< 200k prompt tokens)",
      "Grok 4.5 Beta (≥ 200k prompt tokens)",
      "Speech to Text",
      "Text to Speech",
    ]);
    expect(Object.keys(prices(x)).filter((m) => m.includes("4.5"))).toEqual([]);
  });

  it("refuses a bot-challenge page and never throws on junk", () => {
    expect(extract("<html><title>Just a moment...</title></html>").status).toBe("failed");
    for (const junk of ["", "| a |\n| --- |\n| b |", "# Pricing\n\n| Model | Input / 1M tokens |\n| --- | --- |\n| grok-4.6 | |"]) {
      expect(() => extract(junk)).not.toThrow();
      expect(extract(junk).status).toBe("failed");
    }
  });
});

describe("xai-pricing: CLI", () => {
  it("extract --file reads each saved page: the three 2026 pages yield prices, the 2025 page fails", async () => {
    const runs = await Promise.all(
      [PRICING, MODELS, GROK_46, OLD_MODELS].map((name) => runCli(["extract", "xai-pricing", "--file", path.join(FIXTURES, name)])),
    );
    const [pricing, models, grok46, old] = runs.map((r) => ({ status: r.status, extraction: Extraction.parse(JSON.parse(r.stdout)) }));
    for (const r of [pricing, models, grok46]) {
      expect(r!.status).toBe(0);
      expect(r!.extraction.status).toBe("ok");
    }
    expect(prices(pricing!.extraction)).toEqual({ ...TEXT_PRICES, ...PER_UNIT_PRICES });
    expect(prices(grok46!.extraction)).toEqual({ "xai/grok-4.6": TEXT_PRICES["xai/grok-4.6"] });
    expect(old!.status).toBe(1);
    expect(old!.extraction.status).toBe("failed");
    expect(old!.extraction.problems[0]?.message).toMatch(/"Model Pricing" section holds no model price table/);
  }, 60_000);
});

describe("xai-pricing: prices per second, minute, hour and 1M characters (edits of the 2026-08-13 pricing page)", () => {
  const page = fixture(PRICING);

  it("keys Speech to Text and Text to Speech once a row names its API id: per hour (REST plain, Streaming a condition), per 1M characters", () => {
    const body = mutate(
      mutate(page, "| Speech to Text | $0.10", "| Speech to Text (grok-voice-transcribe-2.0) | $0.10"),
      "| Text to Speech | $15.00",
      "| Text to Speech (grok-tts) | $15.00",
    );
    const x = extract(body);
    expect(x.status).toBe("ok");
    expect(x.untracked).toEqual([]);
    expect(prices(x)["xai/grok-voice-transcribe-2.0"]).toEqual({ transcription_per_hour: 0.1, "transcription_per_hour@streaming": 0.2 });
    expect(prices(x)["xai/grok-tts"]).toEqual({ input_per_1m_characters: 15 });
    expect(x.observations.find((o) => o.model === "xai/grok-tts")?.unit).toBe("1M characters");
    expect(x.observations.find((o) => o.model === "xai/grok-voice-transcribe-2.0")?.unit).toBe("hour");
  });

  it("splits a video price by the resolution each amount names", () => {
    const body = mutate(page, "| grok-imagine-video-1.5 | $0.080 / sec |", "| grok-imagine-video-1.5 | $0.080 / sec (480p), $0.14 / sec (720p), $0.25 / sec (1080p) |");
    const x = extract(body);
    expect(x.status).toBe("ok");
    expect(prices(x)["xai/grok-imagine-video-1.5"]).toEqual({
      "video_per_second:480p": 0.08,
      "video_per_second:720p": 0.14,
      "video_per_second:1080p": 0.25,
    });
  });

  it("reports a per-hour figure that does not restate the per-minute price beside it, and reads the per-minute one", () => {
    const body = mutate(page, "$0.08 / min ($4.80 / hr) audio", "$0.08 / min ($5.00 / hr) audio");
    const x = extract(body);
    expect(x.status).toBe("partial");
    expect(x.problems[0]?.message).toBe('"$5.00 / hr) audio" does not restate the $0.08 per minute before it; not read');
    expect(prices(x)["xai/grok-voice-think-fast-2.0"]).toEqual({ audio_per_minute: 0.08 });
  });

  it("reports a per-second price in a row that does not say what it buys", () => {
    const body = mutate(page, "| grok-imagine-image | $0.02 / image |", "| grok-imagine-image | $0.02 / sec |");
    const x = extract(body);
    expect(x.status).toBe("partial");
    expect(x.problems[0]?.message).toMatch(/"\$0\.02 \/ sec" is per second, but the row \("grok-imagine-image"\) does not say what that buys/);
  });

  it("agrees in unit with the docs site's price JSON (1e-10 USD per unit): video per second, TTS per 1M characters, STT per hour", () => {
    const blob = JSON.parse(fixture("docs-x-ai-models-price-blob__2026-09.est.json")) as unknown;
    const text = JSON.stringify(blob);
    const usd = (field: string) => Number(new RegExp(`"${field}":"(\\d+)"`).exec(text)![1]) * 1e-10;
    // The JSON states per character and per audio second; the page per 1M characters and per hour.
    expect(usd("perCharacter") * 1e6).toBeCloseTo(15, 6); // "Text to Speech | $15.00 / 1M chars"
    expect(usd("perAudioSecond") * 3600).toBeCloseTo(0.1, 4); // "$0.10 / hr (REST)"
    expect(usd("perAudioSecondStreaming") * 3600).toBeCloseTo(0.2, 4); // "$0.20 / hr (Streaming)"
    expect(usd("realtimeAudioSecondPrice") * 60).toBeCloseTo(0.08, 4); // "$0.08 / min"
    const video15 = /"name":"grok-imagine-video-1\.5".*?"VIDEO_RESOLUTION_1080P","pricePerSecond":"(\d+)"/.exec(text);
    expect(Number(video15![1]) * 1e-10).toBeCloseTo(0.25, 6); // per second, as the page's "$0.080 / sec" (480p)
    // And the source keys them in those same units.
    const x = extract(mutate(mutate(page, "| Speech to Text | $0.10", "| Speech to Text (grok-stt) | $0.10"), "| Text to Speech | $15.00", "| Text to Speech (grok-tts) | $15.00"));
    const unit = (model: string) => x.observations.find((o) => o.model === model)?.unit;
    expect([unit("xai/grok-tts"), unit("xai/grok-stt"), unit("xai/grok-imagine-video-1.5"), unit("xai/grok-voice-think-fast-2.0")]).toEqual([
      "1M characters",
      "hour",
      "second",
      "minute",
    ]);
  });
});

describe("xai-pricing: model pages of about 2026-09 (batch sentences, aliases)", () => {
  const GROK_43 = "docs-x-ai-developers-models-grok-4.3__2026-09.est.md";
  const MULTI = "docs-x-ai-developers-models-grok-4.20-multi-agent-0309__2026-09.est.md";
  const BUILD = "docs-x-ai-developers-models-grok-build-0.1__2026-09.est.md";

  it.each([
    [GROK_43, "xai/grok-4.3", split(1.25, 0.2, 2.5, 2.5, 0.4, 5.0)],
    [MULTI, "xai/grok-4.20-multi-agent-0309", split(1.25, 0.2, 2.5, 2.5, 0.4, 5.0)],
    [BUILD, "xai/grok-build-0.1", split(1.0, 0.2, 2.0, 2.0, 0.4, 4.0)],
  ])("%s: reads the < 200k / ≥ 200k table, every amount accounted for", (name, model, expected) => {
    const x = extract(fixture(name));
    expect(x.status).toBe("ok");
    expect(x.problems).toEqual([]);
    expect(prices(x)).toEqual({ [model]: expected });
    expect(x.accounting).toEqual([{ seen: 6, read: 6, passedOver: [], unread: 0 }]);
  });

  it("records 'billed at a 20% discount to standard rates' as the batch multiplier 0.8, with the sentence", () => {
    for (const [name, model] of [
      [GROK_43, "xai/grok-4.3"],
      [MULTI, "xai/grok-4.20-multi-agent-0309"],
    ] as const) {
      expect(extract(fixture(name)).multipliers).toEqual([
        { model, name: "batch", factor: 0.8, sentence: "Batch API requests are billed at a 20% discount to standard rates." },
      ]);
    }
  });

  it("'Batch API: Not supported' is no batch multiplier and no problem", () => {
    const x = extract(fixture(BUILD));
    expect(x.multipliers).toBeUndefined();
    expect(x.problems).toEqual([]);
  });

  it("reports a page that says Not supported and states a batch discount too, recording neither", () => {
    const body = mutate(
      fixture(BUILD),
      "Requests whose prompt reaches 200k tokens are billed at the higher rate for all tokens in the request.",
      "Requests whose prompt reaches 200k tokens are billed at the higher rate for all tokens in the request.\n\nBatch API requests are billed at a 50% discount to standard rates.",
    );
    const x = extract(body);
    expect(x.status).toBe("partial");
    expect(x.multipliers).toBeUndefined();
    expect(x.problems[0]?.message).toMatch(/says "Batch API: Not supported" and also "Batch API requests are billed at a 50% discount/);
  });

  it("gives a catalog entry kept under an alias the page lists (grok-code-fast-1) the page's prices, and never one that only looks alike", () => {
    const body = fixture(BUILD);
    const document = { name: "grok-build-0.1", url: "https://docs.x.ai/developers/models/grok-build-0.1.md", format: "markdown" as const, fetchWith: "http" as const };
    const catalog = new Map<string, never>([
      ["xai/grok-code-fast-1", undefined as never],
      ["xai/grok-code-fast-2", undefined as never],
    ]);
    const x = source.combine!([{ document, body, format: "markdown", extraction: source.extract(body, "markdown") }], catalog);
    expect(prices(x)["xai/grok-code-fast-1"]).toEqual(split(1.0, 0.2, 2.0, 2.0, 0.4, 4.0));
    expect(prices(x)["xai/grok-build-0.1"]).toEqual(split(1.0, 0.2, 2.0, 2.0, 0.4, 4.0));
    expect(prices(x)["xai/grok-code-fast-2"]).toBeUndefined();
    expect(x.observations.find((o) => o.model === "xai/grok-code-fast-1")?.evidence).toMatch(/the page of grok-build-0\.1 lists grok-code-fast-1 as its alias/);
  });
});

/**
 * The later pricing page gained a Grok 4.7 Fast table (sold through one partner) and a US regional table
 * (1.1×). Those pages are not saved, so the tables are added here to a copy of the real page, in memory.
 */
describe("xai-pricing: later layouts (variants of the 2026-08-13 page with a table added)", () => {
  const page = fixture(PRICING);
  const before = "### Imagine Pricing";
  const withTable = (table: string) => mutate(page, before, `${table}\n\n${before}`);
  const HEADER = "| Model | Context | Input / 1M tokens | Cached input / 1M tokens | Output / 1M tokens |\n| --- | --- | --- | --- | --- |";
  // 1.1 × grok-4.3's and grok-4.6's rows of the Text API table.
  const REGIONAL_ROWS = [
    "| grok-4.3 (< 200k prompt tokens) | 1M | $1.375 | $0.22 | $2.75 |",
    "| grok-4.3 (≥ 200k prompt tokens) | 1M | $2.75 | $0.44 | $5.50 |",
    "| grok-4.6 (< 200k prompt tokens) | 500k | $2.20 | $0.55 | $6.60 |",
    "| grok-4.6 (≥ 200k prompt tokens) | 500k | $4.40 | $1.10 | $13.20 |",
  ].join("\n");
  const SENTENCE = "Requests served from US regional endpoints (us-east-1, us-west-2) are billed at 1.1× standard rates.";
  const regional = (sentence: string, rows = REGIONAL_ROWS) => `### US Regional Pricing\n\n${sentence}\n\n${HEADER}\n${rows}`;

  it("a US regional table: recorded as the multiplier region_us 1.1 of each model it lists, its amounts passed over as derived, the standard prices unchanged", () => {
    const x = extract(withTable(regional(SENTENCE)));
    expect(x.status).toBe("ok");
    expect(x.multipliers!.filter((m) => m.name === "region_us")).toEqual([
      { model: "xai/grok-4.3", name: "region_us", factor: 1.1, sentence: SENTENCE },
      { model: "xai/grok-4.6", name: "region_us", factor: 1.1, sentence: SENTENCE },
    ]);
    expect(tokenPricesOf(x)).toEqual(TEXT_PRICES);
    const derived = x.accounting![0]!.passedOver.find((p) => p.rule === "derived-by-multiplier");
    expect(derived?.amounts).toBe(12);
    expect(x.accounting![0]!.unread).toBe(0);
  });

  it("a regional table that states no multiplier is reported, and its amounts stay unread", () => {
    const x = extract(withTable(regional("Requests served from US regional endpoints are priced as follows.")));
    expect(x.status).toBe("partial");
    expect(x.problems[0]?.message).toMatch(/^a table of regional prices \("US Regional Pricing"\) that states no multiplier/);
    expect(x.multipliers!.some((m) => m.name.startsWith("region"))).toBe(false);
    expect(tokenPricesOf(x)).toEqual(TEXT_PRICES);
    expect(x.accounting![0]!.unread).toBe(12);
  });

  it("a regional price that is not 1.1× the standard one is reported, and that model gets no multiplier", () => {
    const x = extract(withTable(regional(SENTENCE, REGIONAL_ROWS.replace("$13.20", "$13.50"))));
    expect(x.status).toBe("partial");
    expect(x.problems[0]?.message).toBe("xai/grok-4.6: the region_us price output@over_200k $13.5 is not 1.1× a standard price the page states; not read");
    expect(x.multipliers!.filter((m) => m.name === "region_us").map((m) => m.model)).toEqual(["xai/grok-4.3"]);
    expect(tokenPricesOf(x)).toEqual(TEXT_PRICES);
  });

  it("a Grok 4.7 Fast table sold through one partner: its model listed as untracked, its amounts passed over, no price read", () => {
    const partner = "Grok 4.7 Fast is available exclusively through OpenRouter.";
    const x = extract(withTable(`### Grok 4.7 Fast\n\n${partner}\n\n${HEADER}\n| grok-4.7-fast | 2M | $0.30 | $0.07 | $0.75 |`));
    expect(x.status).toBe("ok");
    expect(x.untracked[0]).toEqual({ name: "grok-4.7-fast", where: `table 1 under "Grok 4.7 Fast", row "grok-4.7-fast": sold through a partner ("${partner}")` });
    expect(x.observations.filter((o) => o.model.includes("4.7"))).toEqual([]);
    const passed = x.accounting![0]!.passedOver.find((p) => p.rule === "untracked-model");
    expect(passed?.why).toContain(partner);
    expect(x.accounting![0]!.unread).toBe(0);
    expect(tokenPricesOf(x)).toEqual(TEXT_PRICES);
  });

  it("the same Grok 4.7 Fast table with no partner named is xAI's own price, and read", () => {
    const x = extract(withTable(`### Grok 4.7 Fast\n\n${HEADER}\n| grok-4.7-fast | 2M | $0.30 | $0.07 | $0.75 |`));
    expect(x.status).toBe("ok");
    expect(prices(x)["xai/grok-4.7-fast"]).toEqual({ input: 0.3, cached_input: 0.07, output: 0.75 });
  });
});
