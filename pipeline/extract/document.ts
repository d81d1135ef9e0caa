import * as cheerio from "cheerio";
import type { CheerioAPI } from "cheerio";
import MarkdownIt from "markdown-it";

// One markdown parser for every markdown page. Raw HTML inside markdown (DeepSeek's rowspan table,
// `<br>` in cells) is kept so cheerio reads it like any other HTML; nothing here is ever rendered.
const markdown = new MarkdownIt({ html: true, linkify: false, typographer: false });

export type PageFormat = "markdown" | "html";

/**
 * A page as a DOM to read prices from, whatever it was served as: markdown is turned into HTML first.
 * That HTML is markdown-it's own and well formed, so htmlparser2 reads it, in a third of parse5's time on
 * OpenAI's page (every source reads the same off every saved page). A vendor's HTML page goes through
 * parse5, which repairs broken markup the way browsers do.
 */
export function loadDocument(body: string, format: PageFormat): CheerioAPI {
  if (format === "markdown") return cheerio.load(pageHtml(body, format), { xml: { xmlMode: false, decodeEntities: true } });
  return cheerio.load(body);
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
  return text.replace(/[\s\u00a0\u2007\u202f]+/g, " ").trim();
}
