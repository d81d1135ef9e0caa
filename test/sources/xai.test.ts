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

const tokenPricesOf = (x: Extraction) =>
  Object.fromEntries(Object.entries(prices(x)).filter(([model]) => !model.startsWith("xai/grok-imagine")));

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

  it("is read completely, with no problem", () => {
    expect(x.status).toBe("ok");
    expect(x.problems).toEqual([]);
    expect(x.untracked).toEqual([]);
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

  it("reads the Imagine image prices as one flat price per image, and passes video (per second) over", () => {
    for (const [model, expected] of Object.entries(IMAGE_PRICES)) expect(prices(x)[model]).toEqual(expected);
    for (const o of x.observations) expect(o.unit).toBe(o.price === "image" ? "image" : "1M tokens");
    expect(x.observations.filter((o) => o.model.includes("video"))).toEqual([]);
  });

  it("takes no price from voice, tools, storage, the usage fee, the Context column, or the batch and priority multipliers", () => {
    expect(new Set(x.observations.map((o) => o.price))).toEqual(
      new Set(["input", "cached_input", "output", "input@over_200k", "cached_input@over_200k", "output@over_200k", "image"]),
    );
    expect(x.observations.filter((o) => /voice|speech|search|tool/i.test(o.model))).toEqual([]);
    expect(new Set(x.observations.map((o) => o.model))).toEqual(new Set([...Object.keys(TEXT_PRICES), ...Object.keys(IMAGE_PRICES)]));
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
    expect(prices(x)).toEqual({ ...TEXT_PRICES, ...IMAGE_PRICES });
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
  it.each([PRICING, MODELS, GROK_46])("%s reads the same", (name) => {
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
    expect(x.problems).toEqual([
      {
        message: "xai/grok-4.6: some of its prices name a context condition and some do not (no condition, ≥ 200k); none of its prices is read",
        where: 'table 0 under "Text API Pricing", rows "grok-4.6", "grok-4.6 (≥ 200k prompt tokens)"',
      },
    ]);
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
    expect(x.problems).toEqual([
      {
        message: expect.stringMatching(/^column "Reserved \/ 1M tokens" holds dollar amounts but names no price this source knows/),
        where: 'table 0 under "Text API Pricing"',
      },
    ]);
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
    expect(x.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^column "Fast output \/ 1M tokens" holds dollar amounts/)]);
    expect(x.observations.filter((o) => o.price.includes("output"))).toEqual([]);
  });

  it("reports an image price in an unknown unit, and passes the per-second video prices over silently", () => {
    const body = mutate(page, "| grok-imagine-image | $0.02 / image |", "| grok-imagine-image | $0.02 / megapixel |");
    const x = extract(body);
    expect(x.status).toBe("partial");
    expect(x.problems).toEqual([
      {
        message: 'price not read: "$0.02 / megapixel" is not a price per image',
        where: 'table 1 under "Imagine Pricing", row "grok-imagine-image", column "Cost"',
      },
    ]);
  });

  it("lists a text-table row it cannot map to an API id as untracked, never guessing an id", () => {
    const body = editTextTable(page, (t) => t.replaceAll("| grok-4.5 (", "| Grok 4.5 Beta ("));
    const x = extract(body);
    expect(x.untracked.map((u) => u.name)).toEqual(["Grok 4.5 Beta (< 200k prompt tokens)", "Grok 4.5 Beta (≥ 200k prompt tokens)"]);
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
    expect(prices(pricing!.extraction)).toEqual({ ...TEXT_PRICES, ...IMAGE_PRICES });
    expect(prices(grok46!.extraction)).toEqual({ "xai/grok-4.6": TEXT_PRICES["xai/grok-4.6"] });
    expect(old!.status).toBe(1);
    expect(old!.extraction.status).toBe("failed");
    expect(old!.extraction.problems[0]?.message).toMatch(/"Model Pricing" section holds no model price table/);
  }, 60_000);
});
