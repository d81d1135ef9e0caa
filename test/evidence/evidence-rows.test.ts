import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import * as cheerio from "cheerio";
import { describe, expect, it } from "vitest";
import { evidencePage, loadPageToPicture, locateBlock, locateRow, ROW_ATTR, rowCandidates, SHOT_ATTR } from "../../pipeline/evidence/evidence-rows.ts";
import { loadDocument } from "../../pipeline/extract/document.ts";
import { SOURCES } from "../../pipeline/sources/index.ts";
import { openAiPricingSource } from "../../pipeline/sources/openai.ts";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures");
const read = (file: string) => readFileSync(path.join(FIXTURES, file), "utf8");
const DEC_19 = "openai/platform-docs-pricing__2025-12-19.md";
const AUG_22 = "openai/developers-openai-api-docs-pricing__2026-08-22.est.md";
const rowText = ($: cheerio.CheerioAPI, at: { table: number; row: number }) =>
  $($("table").get(at.table)!)
    .find("tr")
    .eq(at.row)
    .children()
    .map((_, c) => $(c).text().trim())
    .get()
    .filter((c) => c !== "")
    .join(" | ");

describe("finding the page row a price was read from", () => {
  it("finds the gpt-image-1-mini rows of OpenAI's image table from the evidence the source recorded", () => {
    const body = read(DEC_19);
    const evidence = openAiPricingSource
      .extract(body, "markdown")
      .observations.filter((o) => o.model === "openai/gpt-image-1-mini" && o.price.startsWith("image:"))
      .map((o) => o.evidence!);
    const $ = loadDocument(body, "markdown");
    const rows = [...new Set(evidence)].map((e) => rowText($, locateRow($, e, { names: ["gpt-image-1-mini"] })!));
    expect(rows).toEqual([
      "GPT Image 1 Mini | Low | $0.005 | $0.006 | $0.006",
      "Medium | $0.011 | $0.015 | $0.015",
      "High | $0.036 | $0.052 | $0.052",
    ]);
  });

  it("tells identical rows apart by the model named above them, and by the tier label above the table", () => {
    const $ = loadDocument(read(DEC_19), "markdown");
    // "Medium | $0.034 | $0.05 | $0.05" is both GPT Image 1.5's and GPT Image Latest's row.
    const medium = "Medium | $0.034 | $0.05 | $0.05";
    const under15 = locateRow($, medium, { names: ["gpt-image-1.5", "GPT Image 1.5"] })!;
    const underLatest = locateRow($, medium, { names: ["chatgpt-image-latest", "GPT Image Latest"] })!;
    expect(under15.table).toBe(underLatest.table);
    expect(underLatest.row - under15.row).toBe(3);
    // "gpt-5 | $0.625 | $0.0625 | $5.00" is in the Batch and the Flex table.
    const row = "gpt-5 | $0.625 | $0.0625 | $5.00";
    const batch = locateRow($, row, { names: ["gpt-5"], tiers: ["batch"] })!;
    const flex = locateRow($, row, { names: ["gpt-5"], tiers: ["flex"] })!;
    expect(batch.table).not.toBe(flex.table);
    expect($($("table").get(flex.table)!).prev().text()).toBe("Flex");
    expect($($("table").get(batch.table)!).prev().text()).toBe("Batch");
  });

  it("finds every row the sources quote in every fixture page they read whole, and the block of text that is not in a table", () => {
    const dirs: Record<string, string[]> = {
      "openai-pricing": ["openai"],
      "openai-models": ["openai/models"],
      "anthropic-pricing": ["anthropic"],
      "gemini-pricing": ["google"],
      "deepseek-pricing": ["deepseek"],
      "xai-pricing": ["xai"],
      "mistral-pricing": ["mistral", "mistral/docs-models"],
      "minimax-pricing": ["minimax"],
      "moonshot-pricing": ["moonshot"],
      "cohere-pricing": ["cohere"],
      "perplexity-pricing": ["perplexity"],
      "zai-pricing": ["zai"],
      "alibaba-pricing": ["alibaba"],
      "voyage-pricing": ["voyage"],
      "elevenlabs-pricing": ["elevenlabs"],
    };
    const notInTables: string[] = [];
    let checked = 0;
    for (const source of SOURCES) {
      expect(dirs[source.id], `the fixture folders of ${source.id}`).toBeDefined();
      for (const name of dirs[source.id]!.flatMap((dir) => readdirSync(path.join(FIXTURES, dir)).filter((f) => /\.(md|html)$/.test(f)).map((f) => `${dir}/${f}`))) {
        const format = name.endsWith(".html") ? "html" : "markdown";
        const body = read(name);
        const $ = loadPageToPicture(body, format);
        const extraction = source.extract(body, format);
        // Only a page read whole reaches a pull request, and so a screenshot.
        if (extraction.status !== "ok") continue;
        for (const o of extraction.observations) {
          if (!o.evidence) continue;
          // A Mistral model page carries its prices in its Next.js payload, which no browser shows as text: its
          // evidence names the page and the price instead, and a PR says the row cannot be pictured.
          // ElevenLabs' saved cards close the block of their name before their amount: no block holds a whole card,
          // so none is pictured (the PR says the row was not found), rather than the whole page.
          if (name.startsWith("elevenlabs/")) {
            expect(locateBlock($, o.evidence)).toBeUndefined();
            expect(o.evidence).toMatch(/^[\w /.]+ · [\w ]+ · \$[\d.]+ · Price per [\w ]+$/);
            continue;
          }
          // Cohere's cards are only in its payload too.
          if (name.startsWith("cohere/") && format === "html") {
            // A card ("Command R: Input $0.15 per 1M tokens") or an FAQ sentence of the payload.
            expect(o.evidence).toMatch(/^[\w .+-]+: [\w ]+ \$[\d.]+ per [\w ]+$|^[^$]+ pricing is \$[\d.]+\/1M tokens|are charged at \$/);
            continue;
          }
          if (name.startsWith("mistral/docs-models/")) {
            expect(o.evidence).toMatch(/^model page ".+": (input|output|cached input) \$[\d.]+ \/(?:M Tokens|Min|1000 (?:Annotated )?Pages|M Chars)$/i);
            continue;
          }
          checked++;
          const [best] = rowCandidates($, o.evidence, { names: [o.model.split("/")[1]!] });
          if (best) continue;
          notInTables.push(o.evidence);
          expect(locateBlock($, o.evidence), o.evidence).toBeDefined();
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
    // Gemini's image-output prices are read from a footnote paragraph: pictured as that paragraph instead.
    // Outside tables, and pictured as their block: Gemini's image-output prices, read from a footnote paragraph;
    // Mistral's price cards (the card's name › its row); OpenAI's 2025 model page copied as one value a line
    // (its path: section › unit › label › price), and the mirror's copy of gpt-transcribe's page.
    const footnotes = notInTables.filter((t) => /^\S+ ?Image output is priced at \$\d+ per 1,000,000 tokens/.test(t));
    const cards = notInTables.filter((t) => /^[a-z0-9 .()-]+ › (?:Input|Cached input|Output) \(\/M tokens\) \$[\d.]+$/.test(t));
    const lines = notInTables.filter((t) => /^(?:Text tokens|Image tokens|Image generation|Transcription audio duration) › Per (?:1M tokens|image|minute) › .+ \$[\d.]+$/.test(t));
    // DeepSeek's reader copy wraps every table row in bold: text, not a table, pictured as its block.
    const readerRows = notInTables.filter((t) => /^deepseek-[\w.-]+ › (?:.+ › )?\| .*\$[\d.]+ \|$/.test(t));
    expect(new Set(footnotes).size).toBe(2);
    expect(cards.length).toBeGreaterThan(40);
    expect(new Set(lines).size).toBe(15);
    expect(readerRows.length).toBe(18);
    expect(notInTables.filter((t) => ![footnotes, cards, lines, readerRows].some((kind) => kind.includes(t)))).toEqual([]);
  });

  it("marks the rows, captions the table with its headings and the page's provenance, and drops scripts", () => {
    const page = evidencePage(
      `${read(AUG_22)}\n\n<script>alert(1)</script>`,
      "markdown",
      [{ evidence: "gpt-image-1-mini | Image | $2.50 | $0.25 | $8.00", tiers: ["standard"] }, { evidence: "no such row | $9.99", tiers: ["standard"] }],
      ["gpt-image-1-mini"],
      "openai-pricing · captured 2026-08-22T03:17:00Z",
    );
    expect(page.shots).toEqual([{ marker: "1", rows: ["gpt-image-1-mini | Image | $2.50 | $0.25 | $8.00"] }]);
    expect(page.notFound).toEqual(["no such row | $9.99"]);
    const $ = cheerio.load(page.html);
    const table = $(`table[${SHOT_ATTR}="1"]`);
    expect(table.find(`tr[${ROW_ATTR}]`).text().replace(/\s+/g, " ").trim()).toBe("gpt-image-1-mini Image $2.50 $0.25 $8.00");
    // The Standard table, not the Batch one below it (same model, same modality); its tab label in the caption.
    expect(table.find("caption").text()).toBe("Pricing › Grouped Pricing Table data › Standardopenai-pricing · captured 2026-08-22T03:17:00Z");
    expect($("script")).toHaveLength(0);
    expect($("style").text()).toContain(ROW_ATTR);
  });
});
