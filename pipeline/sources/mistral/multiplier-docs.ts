import { stripFrontMatter } from "../../extract/document.ts";
import { multipliersIn } from "../../extract/multipliers.ts";
import type { ExtractionBuilder } from "../source.ts";

/**
 * The docs pages that price a way of calling every model as a multiple of its standard list price, in
 * prose only (no table of prices). Each is a markdown document (`<page>.md`) about one thing, and that thing
 * names the multiplier:
 *
 *   inference/priority-tier.md       "The multiplier is 1.75x standard list pricing, which is a 75% premium …"  → priority 1.75
 *   inference/regional-inference.md  "billed at **1.1× standard list pricing** (a 10% upcharge) …"              → regional 1.1
 *   studio/batch-processing.md       "… running large workloads at a 50% discount."                            → batch 0.5
 *
 * The factor is read by `extract/multipliers.ts` sentence by sentence; the sentence is kept as the page's
 * words. Applies to every model the source covers (no `model`): the pages say so ("input, output, and
 * cached tokens"; "batch API is available for all models"). The regional page's endpoint table (EU and US
 * carry the upcharge, the global endpoint none) names no other factor, so one `regional` is read, not a
 * factor per region. No tier price is computed from a factor. Two different factors on one page, or none,
 * is a problem: the page is not what this reader knows.
 */

export type MultiplierDocument = "priority-tier" | "regional-inference" | "batch-processing";

export const MULTIPLIER_DOCUMENTS: Record<MultiplierDocument, { url: string; name: string }> = {
  "priority-tier": { url: "https://docs.mistral.ai/inference/priority-tier.md", name: "priority" },
  "regional-inference": { url: "https://docs.mistral.ai/inference/regional-inference.md", name: "regional" },
  "batch-processing": { url: "https://docs.mistral.ai/studio/batch-processing.md", name: "batch" },
};

export function isMultiplierDocument(name: string): name is MultiplierDocument {
  return Object.hasOwn(MULTIPLIER_DOCUMENTS, name);
}

/** Which multiplier page a body is, when a run does not say (`catalog extract --file`): by its title. */
export function multiplierDocumentOf(body: string): MultiplierDocument | undefined {
  const title = /^#\s+(.+)$/m.exec(asMarkdownText(body))?.[1]?.trim().toLowerCase();
  if (title === "priority tier") return "priority-tier";
  if (title === "regional inference") return "regional-inference";
  if (title === "batch processing") return "batch-processing";
  return undefined;
}

/**
 * The page as markdown-like text: as served (`.md`), or, when a converter or browser handed back the HTML of
 * it, its blocks one per paragraph with `<h1>` as `# ` (tables and tags dropped).
 */
function asMarkdownText(body: string): string {
  const text = stripFrontMatter(body);
  if (!/^\s*<(?:!doctype|html|head|body|h1|div|main|p)\b/i.test(text)) return text;
  return text
    .replace(/<(script|style|table)\b[\s\S]*?<\/\1\s*>/gi, "\n\n")
    .replace(/<h1\b[^>]*>/gi, "\n\n# ")
    .replace(/<\/(?:h[1-6]|p|div|li|section|blockquote)\s*>|<br\s*\/?>/gi, "\n\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;|&#160;/gi, " ")
    .replace(/&amp;/gi, "&")
    .replace(/&lt;/gi, "<")
    .replace(/&gt;/gi, ">")
    .replace(/&quot;/gi, '"')
    .replace(/&#39;|&apos;/gi, "'");
}

/** The page's sentences, markdown emphasis, admonitions and tags removed; headings and table rows left out. */
function sentencesOf(body: string): string[] {
  const lines = asMarkdownText(body)
    .split("\n")
    .filter((l) => !/^\s*(?:#|\||:::|<\/?[A-Za-z])/.test(l));
  return lines
    .join("\n")
    .split(/\n\s*\n|(?<=[.!?])\s+(?=[A-Z])/)
    .map((s) => s.replace(/\*\*|__|`/g, "").replace(/\s+/g, " ").trim())
    .filter((s) => s !== "");
}

export function readMultiplierDocument(result: ExtractionBuilder, body: string, which: MultiplierDocument, url: string): void {
  const { name } = MULTIPLIER_DOCUMENTS[which];
  const stated: { factor: number; sentence: string }[] = [];
  for (const sentence of sentencesOf(body)) {
    // Only a factor on the price as a whole: one that names a single side ("0.1x the input price") is another thing.
    for (const m of multipliersIn(sentence)) if (m.dimension === undefined) stated.push({ factor: m.factor, sentence });
  }
  const factors = [...new Set(stated.map((s) => s.factor))];
  if (factors.length === 0) {
    result.fail(`the ${which} page states no ${name} multiplier of the standard list price`, "page");
    return;
  }
  if (factors.length > 1) {
    result.problem(`the ${which} page states ${factors.map((f) => `${f}×`).join(" and ")}; which is the ${name} multiplier is not clear, none is read`, "page");
    result.pricesNone();
    return;
  }
  result.multiplier({ name, factor: factors[0]!, sentence: stated[0]!.sentence, document: url }, "page");
  result.pricesNone(); // a multiplier page prices no model by itself
}
