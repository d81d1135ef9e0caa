import type { CheerioAPI } from "cheerio";
import { type AnyNode, type Element, isTag } from "domhandler";
import { cleanText, loadDocument } from "./document.ts";
import { type TierOrStandard, tierLabel } from "./price-labels.ts";
import { type PageTable, readTables } from "./tables.ts";

/**
 * MDX served as markdown (Mintlify's `…/page.md` endpoint, and docs sites like it): markdown with JSX
 * components around it, each tag on a line of its own and its content indented under it:
 *
 *   <Tabs>
 *     <Tab title="Priority*">
 *       | Model | Input | … |          ← a markdown table, indented four spaces
 *
 *       \* … Pricing is 1.5x standard.
 *     </Tab>
 *   </Tabs>
 *   <Accordion title="Legacy Models"> … </Accordion>   <Info> … </Info>   <Note title="…"> … </Note>
 *
 * Read as plain markdown, each component swallows its content into one raw HTML block up to the next blank
 * line, and the indented lines after it become a code block: the tables inside a tab are never tables. So
 * every component tag becomes a `<div data-mdx="Tab" data-title="Priority*">` standing alone between blank
 * lines, its content dedented, and markdown is rendered between them: a table inside a tab is a table inside
 * that div, and `componentsAround` says which tab and accordion hold it. JSX expression attributes in inline
 * tags (`<div style={{minWidth:'240px'}}>`) are dropped, so the tag stays HTML instead of turning to text.
 */

export interface MdxComponent {
  /** The component's name as written: `Tab`, `Accordion`, `Note`. */
  name: string;
  /** Its `title` attribute, when it has one: `Priority*`, `Legacy Models`. */
  title?: string;
}

const OPEN = /^<([A-Z][A-Za-z0-9.]*)((?:\s+[A-Za-z_:][\w:.-]*(?:=(?:"[^"]*"|'[^']*'|\{[^{}]*\}))?)*)\s*(\/?)>$/;
const CLOSE = /^<\/([A-Z][A-Za-z0-9.]*)\s*>$/;
const FENCE = /^\s*(```|~~~)/;
/** A JSX expression as an attribute value inside an inline tag: `style={{minWidth:'240px'}}`, `onClick={f}`. */
const EXPRESSION_ATTRIBUTE = /\s[A-Za-z_][\w-]*=\{(?:\{[^{}]*\}|[^{}])*\}/g;

/** The page as markdown a markdown renderer reads whole (see the top of this file). */
export function mdxAsMarkdown(body: string): string {
  const out: string[] = [];
  const open: { name: string; dedent: number | undefined }[] = [];
  let fenced = false;
  for (const line of body.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (FENCE.test(line)) fenced = !fenced;
    const opening = fenced ? null : OPEN.exec(trimmed);
    const closing = fenced ? null : CLOSE.exec(trimmed);
    if (opening) {
      const [, name, attributes, selfClosing] = opening;
      const title = /\btitle=(?:"([^"]*)"|'([^']*)')/.exec(attributes ?? "");
      const titleAttribute = title ? ` data-title="${escapeAttribute((title[1] ?? title[2])!)}"` : "";
      out.push("", `<div data-mdx="${name}"${titleAttribute}>`, "");
      if (selfClosing) out.push("</div>", "");
      else open.push({ name: name!, dedent: undefined });
      continue;
    }
    if (closing && open.some((c) => c.name === closing[1])) {
      while (open.length > 0 && open.pop()!.name !== closing[1]) out.push("", "</div>", "");
      out.push("", "</div>", "");
      continue;
    }
    const inner = open.at(-1);
    let text = line;
    if (inner && trimmed !== "") {
      inner.dedent ??= line.length - line.trimStart().length;
      const indent = line.length - line.trimStart().length;
      text = line.slice(Math.min(indent, inner.dedent));
    }
    out.push(fenced ? text : text.replace(/<[a-z][^<>]*>/g, (tag) => tag.replace(EXPRESSION_ATTRIBUTE, "")));
  }
  return out.join("\n");
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** An MDX page as a DOM, its components as `div[data-mdx]` (see `mdxAsMarkdown`). */
export function loadMdx(body: string): CheerioAPI {
  return loadDocument(mdxAsMarkdown(body), "markdown");
}

/** The components that hold a node, outermost first: `[Tabs, Tab "Priority*"]`. */
export function componentsAround(node: AnyNode): MdxComponent[] {
  const found: MdxComponent[] = [];
  for (let p = node.parent; p; p = p.parent) {
    if (!isTag(p) || p.attribs["data-mdx"] === undefined) continue;
    const title = p.attribs["data-title"];
    found.unshift({ name: p.attribs["data-mdx"], ...(title !== undefined ? { title } : {}) });
  }
  return found;
}

/**
 * The tier a tab names, for a table inside `<Tab title="…">`: "Standard" → standard, "Priority*" → priority
 * (a footnote mark after the title is not part of it). `tab` is the innermost tab's title as written; `tier` is
 * undefined when the table is in no tab, or in one that names no tier ("USD", "Chat models"): the caller decides.
 */
export function tabTierOf(components: readonly MdxComponent[]): { tab: string | undefined; tier: TierOrStandard | undefined } {
  const tab = [...components].reverse().find((c) => c.name === "Tab");
  if (!tab?.title) return { tab: undefined, tier: undefined };
  return { tab: tab.title, tier: tierLabel(tab.title.replace(/[\s*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+$/u, "")) };
}

/** A table of an MDX page, with the components that hold it and the sentences written inside the innermost one. */
export interface MdxTable extends PageTable {
  components: MdxComponent[];
  /** The paragraphs of the innermost component holding the table that are not in a table (a tab's footnote), as text. */
  componentProse: string[];
}

/** Every table of an MDX page (cells with their markup, for struck list prices), each with what holds it. */
export function readMdxTables($: CheerioAPI): MdxTable[] {
  const elements = $("table").toArray();
  return readTables($, { markup: true }).map((t) => {
    const element = elements[t.index]!;
    const holder = innermostComponent(element);
    const componentProse = holder
      ? $(holder)
          .find("p, li")
          .toArray()
          .filter((p) => $(p).closest("table").length === 0)
          .map((p) => cleanText($(p).text()))
          .filter((text) => text !== "")
      : [];
    return { ...t, components: componentsAround(element), componentProse };
  });
}

function innermostComponent(node: AnyNode): Element | undefined {
  for (let p = node.parent; p; p = p.parent) if (isTag(p) && p.attribs["data-mdx"] !== undefined) return p;
  return undefined;
}
