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
].map((id) => `google/${id}`);

describe("gemini-pricing source", () => {
  it("describes the page it reads", () => {
    expect(geminiPricingSource).toMatchObject({
      id: "gemini-pricing",
      vendor: "google",
      url: "https://ai.google.dev/gemini-api/docs/pricing",
      format: "markdown",
      fetchWith: "http",
    });
  });

  it("keeps the fixture a byte-exact copy of the snapshot (52963 bytes)", () => {
    expect(Buffer.byteLength(PAGE, "utf8")).toBe(52963);
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
      "input@audio": 1,
      output: 2.5,
      cached_input: 0.03,
      "cached_input@audio": 0.1,
      "batch/input": 0.15,
      "batch/input@audio": 0.5,
      "batch/output": 1.25,
      "batch/cached_input": 0.03,
      "batch/cached_input@audio": 0.1,
    });
  });

  it("reads the Flash-Lite models", () => {
    expect(pricesOf(result, "gemini-2.5-flash-lite")).toMatchObject({
      input: 0.1,
      "input@audio": 0.3,
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
      "input@audio": 0.7,
      output: 0.4,
      cached_input: 0.025,
      "cached_input@audio": 0.175,
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
    expect(pricesOf(result, "gemini-3-pro-image-preview")).toEqual({
      input: 2,
      output: 12,
      image: 0.134,
      image_output: 120,
      "batch/input": 1,
      "batch/output": 6,
      "batch/image": 0.067,
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
    expect(result.untracked.map((u) => u.name)).toEqual(["Gemma 3", "Gemma 3n"]);
    expect(result.observations.some((o) => /gemma/.test(o.model))).toBe(false);
    // Veo (per second) and the tool prices (grounding, search) are not catalog prices.
    expect(result.observations.some((o) => /veo/.test(o.model))).toBe(false);
    expect(result.observations.some((o) => [35, 25, 14].includes(o.usd))).toBe(false);
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
    expect(usd(r, "gemini-2.5-flash", "input@audio")).toBe(1);
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
});
