import type { CheerioAPI } from "cheerio";
import { type AnyNode, type Element, hasChildren, isTag, isText } from "domhandler";
import { cleanText } from "./document.ts";
import { parseMoneyCell } from "./money.ts";
import { saleIn } from "./sale-price.ts";
import { type BilledUnit, billedUnitIn } from "./units.ts";

/**
 * Price cards: a heading that names what is priced, a few short lines, an amount on a line of its own and,
 * on the next line, the unit it is billed in:
 *
 *   <h3>Flash / Turbo</h3> <p>Text to Speech</p> … <div>$0.05</div> <p>Price per 1K characters</p>
 *   <h3>Scribe v2</h3> <p>Speech to Text</p> … <div>$0.22</div> <p>Price per hour</p>
 *
 * (or the unit on the amount's own line: `$0.05 / 1K characters`). Cards are read in document order, not by
 * nesting: a card ends where the next heading of its level starts, so markup that never closes a card's
 * `<div>`s (each card nested in the one before, as browsers repair it) reads the same as balanced markup.
 *
 * A line is the text of a block element with no block element inside it (`<p>`, `<div>`, `<li>`, a heading),
 * or a run of text beside block children.
 * An amount line struck through beside a sale figure gives the sale figure and its list price
 * (`extract/sale-price.ts`); one that cannot be read surely says why. A line that states an amount among other
 * words ("from $5 / month", "Save $20") is not a card price: it is in `otherAmounts`, for the caller to
 * account for.
 */

export interface CardPrice {
  /** The figure billed today (the sale figure of a struck-through line). */
  usd: number;
  /** The amount line as written: `$0.05`. */
  written: string;
  /** The unit it is billed in (its own line's, else the next line's), or undefined when neither states one. */
  billed?: BilledUnit;
  /** The line that stated the unit: `Price per 1K characters`. */
  unitLine?: string;
  /** The struck-through list price beside the sale figure, when the line shows one. */
  listUsd?: number;
}

export interface PriceCard {
  /** The heading's text: `Flash / Turbo`. */
  name: string;
  /** Every line after the heading up to the next card, in order (descriptors, amounts, units). */
  lines: string[];
  prices: CardPrice[];
  /** Amount lines that could not be read surely (two amounts, a sale that is not clear), with why. */
  unreadable: { line: string; reason: string }[];
  /** Lines that state an amount among other words: not card prices, for the caller to account for. */
  otherAmounts: string[];
  /** The card as one line, for evidence: `Flash / Turbo · Text to Speech · $0.05 · Price per 1K characters`. */
  text: string;
}

const BLOCKS = new Set(["p", "div", "li", "dt", "dd", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer"]);
const HEADINGS = /^h[1-6]$/;
/** A line that is one amount and, at most, its unit: `$0.05`, `$0.05 / 1K characters`, `US$1.20 per hour`. */
const AMOUNT_LINE = /^(?:US)?\$\s?\d[\d,]*(?:\.\d+)?(?:\s*(?:\/|per\b).*)?$/i;
const HAS_AMOUNT = /\$\s?\d/;

interface Line {
  tag: string;
  text: string;
  html: string;
}

/** The price cards of a page whose cards are headed by `heading` elements (`h3` by default), in page order. */
export function priceCardsIn($: CheerioAPI, heading = "h3"): PriceCard[] {
  const lines = linesOf($, $.root()[0]!, []);
  const cards: PriceCard[] = [];
  let current: { name: string; lines: Line[] } | undefined;
  const close = () => {
    if (current) cards.push(readCard(current.name, current.lines));
    current = undefined;
  };
  for (const line of lines) {
    if (line.tag === heading) {
      close();
      current = { name: line.text, lines: [] };
    } else if (HEADINGS.test(line.tag)) {
      close(); // a heading of another level (a section title) ends the card and starts none
    } else if (current) {
      current.lines.push(line);
    }
  }
  close();
  return cards;
}

function readCard(name: string, lines: readonly Line[]): PriceCard {
  const card: PriceCard = { name, lines: lines.map((l) => l.text), prices: [], unreadable: [], otherAmounts: [], text: [name, ...lines.map((l) => l.text)].join(" · ") };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!HAS_AMOUNT.test(line.text)) continue;
    const sale = saleIn(line.html);
    if (sale.kind === "unclear") {
      card.unreadable.push({ line: line.text, reason: sale.reason });
      continue;
    }
    const text = sale.kind === "sale" ? sale.text.replace(/~~[^~]*~~/g, " ").trim() : line.text;
    if (!AMOUNT_LINE.test(text.replace(/\s+/g, " "))) {
      card.otherAmounts.push(line.text);
      continue;
    }
    const money = parseMoneyCell(text);
    if (money.kind !== "usd") {
      card.unreadable.push({ line: line.text, reason: money.kind === "unreadable" ? money.reason : "no amount" });
      continue;
    }
    const own = billedUnitIn(text);
    const next = lines[i + 1];
    const below = !own && next && !HAS_AMOUNT.test(next.text) ? billedUnitIn(next.text) : undefined;
    card.prices.push({
      usd: sale.kind === "sale" ? sale.usd : money.usd,
      written: line.text,
      ...(own ? { billed: own, unitLine: line.text } : below ? { billed: below, unitLine: next!.text } : {}),
      ...(sale.kind === "sale" && sale.listUsd !== undefined ? { listUsd: sale.listUsd } : {}),
    });
  }
  return card;
}

/**
 * The lines below `node`, in document order: each block element with no block inside it (a heading always
 * whole), and each run of text beside block children (`<div>$0.05<p>Price per hour</p></div>` is two lines).
 */
function linesOf($: CheerioAPI, node: AnyNode, out: Line[]): Line[] {
  if (!hasChildren(node)) return out;
  let text = "";
  let html = "";
  const flush = () => {
    const line = cleanText(text);
    if (line) out.push({ tag: "text", text: line, html });
    text = html = "";
  };
  for (const child of node.children) {
    if (isText(child)) {
      text += child.data;
      html += child.data;
      continue;
    }
    if (!isTag(child) || child.name === "script" || child.name === "style" || child.name === "template") continue;
    const block = BLOCKS.has(child.name);
    if (!block && !hasBlockInside(child)) {
      text += textOf(child); // an inline element (`<span>`, `<del>`, `<br>`) is part of the run it stands in
      html += $.html(child);
      continue;
    }
    flush();
    if (block && (HEADINGS.test(child.name) || !hasBlockInside(child))) {
      const line = cleanText(textOf(child));
      if (line) out.push({ tag: child.name, text: line, html: $(child).html() ?? "" });
    } else {
      linesOf($, child, out);
    }
  }
  flush();
  return out;
}

function hasBlockInside(el: Element): boolean {
  for (const child of el.children) if (isTag(child) && (BLOCKS.has(child.name) || hasBlockInside(child))) return true;
  return false;
}

function textOf(node: AnyNode): string {
  if (isText(node)) return node.data;
  if (isTag(node) && node.name === "br") return " ";
  if (!hasChildren(node) || (isTag(node) && (node.name === "script" || node.name === "style"))) return "";
  let text = "";
  for (const child of node.children) text += isTag(child) && child.name === "br" ? " " : textOf(child);
  return text;
}
