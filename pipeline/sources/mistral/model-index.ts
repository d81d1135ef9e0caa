import type { ExtractionBuilder } from "../source.ts";

/**
 * docs.mistral.ai/models: which model pages exist. A model card is an anchor styled with its model's
 * colour, `style="--model-color:var(--model-red)" href="/models/mistral-large-3-25-12"`. The same page has
 * a table of some forty-five DEPRECATED models further down whose links are not cards: a link inside a
 * `<table>`, or without the card's colour, is never followed (following every /models/ link would read
 * models Mistral retired years ago). Read from the raw text, not the DOM: the saved excerpt keeps each
 * anchor from its `--model-color` on, without the `<a` that opens it.
 */

/** A page name must be a file-name stem: runs store each page as `<source-id>/<name>.html`. */
const SLUG = /^[a-z0-9][a-z0-9._-]{0,99}$/;
/** The source's own document names, which a model page may not take. */
export const RESERVED_NAMES = new Set(["pricing-api", "models"]);

const MODEL_LINK = /\bhref="\/models\/([^"?#]*)"/g;

export interface ModelIndex {
  /** The linked model pages, in page order, each once. */
  slugs: string[];
}

export function readModelIndex(result: ExtractionBuilder, body: string): ModelIndex {
  const slugs: string[] = [];
  const tables = tableSpans(body);
  MODEL_LINK.lastIndex = 0;
  for (let m = MODEL_LINK.exec(body); m; m = MODEL_LINK.exec(body)) {
    if (!isCardAnchor(body, m.index, m.index + m[0].length) || tables.some(([from, to]) => m!.index > from && m!.index < to)) continue;
    const slug = m[1]!.replace(/\/$/, "");
    if (!SLUG.test(slug) || RESERVED_NAMES.has(slug)) {
      result.problem(`a model card links to "/models/${m[1]}", which is not a page name this source can store`, `card link "/models/${m[1]}"`);
      continue;
    }
    if (!slugs.includes(slug)) slugs.push(slug);
  }
  if (slugs.length === 0) {
    result.fail(`no model cards (anchors with --model-color linking to /models/<slug>) on the page; the layout changed`, "page");
    return { slugs };
  }
  result.pricesNone(); // the index names models and prices none
  return { slugs };
}

/** Does the tag around this `href` (from the last `<` or `>` before it to the next `>`) carry a model colour? */
function isCardAnchor(body: string, hrefStart: number, hrefEnd: number): boolean {
  const start = Math.max(body.lastIndexOf("<", hrefStart), body.lastIndexOf(">", hrefStart)) + 1;
  const close = body.indexOf(">", hrefEnd);
  const tag = body.slice(start, close < 0 ? body.length : close);
  return /--model-color\s*:/.test(tag);
}

/** Where each `<table>` of the page starts and ends (an unclosed one runs to the end). */
function tableSpans(body: string): [number, number][] {
  const spans: [number, number][] = [];
  const re = /<table\b|<\/table>/gi;
  let open: number | undefined;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    if (m[0].startsWith("</")) {
      if (open !== undefined) spans.push([open, m.index]);
      open = undefined;
    } else open ??= m.index;
  }
  if (open !== undefined) spans.push([open, body.length]);
  return spans;
}

/** The model pages the index links to, as this source's documents. */
export function modelPageUrl(slug: string): string {
  return `https://docs.mistral.ai/models/${slug}`;
}
