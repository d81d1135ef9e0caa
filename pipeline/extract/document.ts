import * as cheerio from "cheerio";
import type { CheerioAPI } from "cheerio";
import { type AnyNode, type Element, hasChildren, isTag, isText, type ParentNode } from "domhandler";
import MarkdownIt from "markdown-it";

// One markdown parser for every markdown page. Raw HTML inside markdown (DeepSeek's rowspan table,
// `<br>` in cells) is kept so cheerio reads it like any other HTML; nothing here is ever rendered.
const markdown = new MarkdownIt({ html: true, linkify: false, typographer: false });

export type PageFormat = "markdown" | "html";

/**
 * A page as a DOM to read prices from, whatever it was served as: markdown is turned into HTML first.
 * Both are parsed by htmlparser2, in about half of parse5's time on Gemini's 235 KB devsite page (the
 * heaviest of every run: the 40-page replay reads eight copies of it). parse5 repairs broken markup as a
 * browser does, and was used for vendor HTML until every HTML page saved under test/fixtures (Gemini,
 * DeepSeek, Mistral, Cohere, Z.ai, Alibaba, and ElevenLabs' unbalanced cards) was shown to read the same
 * with either, price for price and problem for problem (test/support/dump-extractions.ts). Screenshots
 * still render through parse5 (`loadPageToRender`), as a browser would.
 */
export function loadDocument(body: string, format: PageFormat): CheerioAPI {
  const $ = cheerio.load(format === "markdown" ? pageHtml(body, format) : body, { xml: { xmlMode: false, decodeEntities: true } });
  return markFootnotes($);
}

const SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

/** `1` → `¹`, `12` → `¹²`: how a footnote number reads when it cannot run into the figure before it. */
function superscriptDigits(digits: string): string {
  return digits.replace(/\d/g, (d) => SUPERSCRIPT_DIGITS[Number(d)]!);
}

/** The same for markup read as text (a markdown table row split by hand): `$0.14<sup>3</sup>` → `$0.14³`. */
export function markFootnotesInMarkup(text: string): string {
  return text.replace(/<(sup|sub)\b[^>]*>\s*(\d{1,3})\s*<\/\1>/gi, (_, _tag, digits: string) => superscriptDigits(digits));
}

/**
 * A footnote number set as markup — `$2.00<sup>1</sup>`, `gpt-5.2<sup>1</sup>`, `$1.50<a href="#fn1">1</a>` —
 * loses its markup in a node's text and runs into what it follows: `$2.001`, `gpt-5.21`. Each becomes the
 * superscript digits a page could have typed (`$2.00¹`), which every reader already treats as a mark, not a
 * digit. Footnote marks that are not bare numbers (`<sup>*</sup>`, `<sup>(1)</sup>`) are left as they are.
 */
function markFootnotes($: CheerioAPI): CheerioAPI {
  // Found by a plain walk, not the selector `sup, sub, a[href^='#']` (the same elements, in the same order):
  // compiling and running it over a whole page cost more than the few replacements.
  for (const el of footnoteCandidates($.root()[0]!, [])) {
    const text = textContent(el).trim();
    if (/^\d{1,3}$/.test(text) && (el.tagName !== "a" || !el.children.some(isTag))) $(el).replaceWith(superscriptDigits(text));
  }
  return $;
}

/** `<sup>`, `<sub>` and `<a href="#…">` below a node in document order, through elements only (as a selector finds them). */
function footnoteCandidates(node: ParentNode, out: Element[]): Element[] {
  for (const child of node.children) {
    if (!isTag(child)) continue;
    if (child.name === "sup" || child.name === "sub" || (child.name === "a" && child.attribs.href?.startsWith("#"))) out.push(child);
    footnoteCandidates(child, out);
  }
  return out;
}

/** A node's text as cheerio's `.text()` gives it: text and CDATA, no comments. */
function textContent(node: AnyNode): string {
  if (isText(node)) return node.data;
  if (!hasChildren(node)) return "";
  let text = "";
  for (const child of node.children) text += textContent(child);
  return text;
}

/** The same page as a whole HTML document (`html`, `head`, `body`, by parse5), to show in a browser. */
export function loadPageToRender(body: string, format: PageFormat): CheerioAPI {
  return cheerio.load(pageHtml(body, format));
}

function pageHtml(body: string, format: PageFormat): string {
  return format === "markdown" ? markdown.render(stripFrontMatter(body)) : body;
}

/** Scrapers and exporters put YAML front matter (`---\nsource: …\n---`) before the page. */
export function stripFrontMatter(body: string): string {
  const m = /^\uFEFF?---\r?\n[\s\S]*?\r?\n---\r?\n/.exec(body);
  return m ? body.slice(m[0].length) : body;
}

/** Visible text of a node with whitespace (including non-breaking spaces) folded to single spaces. */
export function cleanText(text: string): string {
  // Most texts are already clean but for their ends (single spaces, no tab, newline or other space): the
  // replace would rebuild them space by space. `\s` holds \u00a0, \u2007 and \u202f.
  if (!/[^\S ]| {2}/.test(text)) return text.trim();
  return text.replace(/[\s\u00a0\u2007\u202f]+/g, " ").trim();
}
