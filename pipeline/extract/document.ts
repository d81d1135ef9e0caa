import * as cheerio from "cheerio";
import type { CheerioAPI } from "cheerio";
import MarkdownIt from "markdown-it";

// One markdown parser for every markdown page. Raw HTML inside markdown (DeepSeek's rowspan table,
// `<br>` in cells) is kept so cheerio reads it like any other HTML; nothing here is ever rendered.
const markdown = new MarkdownIt({ html: true, linkify: false, typographer: false });

export type PageFormat = "markdown" | "html";

/** A page as a DOM, whatever it was served as: markdown is turned into HTML first. */
export function loadDocument(body: string, format: PageFormat): CheerioAPI {
  const html = format === "markdown" ? markdown.render(stripFrontMatter(body)) : body;
  return cheerio.load(html);
}

/** Scrapers and exporters put YAML front matter (`---\nsource: …\n---`) before the page. */
export function stripFrontMatter(body: string): string {
  const m = /^\uFEFF?---\r?\n[\s\S]*?\r?\n---\r?\n/.exec(body);
  return m ? body.slice(m[0].length) : body;
}

/** Visible text of a node with whitespace (including non-breaking spaces) folded to single spaces. */
export function cleanText(text: string): string {
  return text.replace(/[\s\u00a0\u2007\u202f]+/g, " ").trim();
}
