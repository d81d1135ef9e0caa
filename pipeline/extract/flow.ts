import type { CheerioAPI } from "cheerio";
import { type AnyNode, hasChildren, isTag, isText } from "domhandler";
import { cleanText } from "./document.ts";

/**
 * A page as it reads from top to bottom: its headings, its tables (by their `readTables` index) and every
 * other line of visible text, in document order. Pages saved as copied text carry their structure only in
 * the order of their lines ("Image generation" / "Per image" / "Quality" / "Low" / "1024x1024" / "$0.005"),
 * and a heading's section is what lies between it and the next heading; this is the view both need.
 */
export type FlowItem =
  | { kind: "heading"; level: number; text: string }
  | { kind: "table"; index: number }
  | { kind: "line"; text: string };

/** Elements whose start and end break a line (a paragraph, a list item, a `<div>`). */
const BLOCK = new Set([
  "address", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl", "dt", "fieldset", "figcaption",
  "figure", "footer", "form", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "ul",
]);
/** Elements with no visible text. */
const HIDDEN = new Set(["script", "style", "noscript", "template", "head"]);

/**
 * Read a document's flow. A line is what a reader sees on one line: block elements, `<br>` and the line
 * breaks inside a text node (markdown's soft breaks, `<pre>`) end it; whitespace is folded and empty lines
 * dropped. A table's text is not repeated as lines (read its cells with `readTables`); tables nested in it
 * follow it, so indexes match `readTables`.
 */
export function readFlow($: CheerioAPI): FlowItem[] {
  const items: FlowItem[] = [];
  let tables = 0;
  let buffer = "";
  const flush = () => {
    for (const line of buffer.split(/\r?\n/)) {
      const text = cleanText(line);
      if (text !== "") items.push({ kind: "line", text });
    }
    buffer = "";
  };
  const nestedTables = (node: AnyNode) => {
    if (!hasChildren(node)) return;
    for (const child of node.children) {
      if (isTag(child) && child.name === "table") items.push({ kind: "table", index: tables++ });
      nestedTables(child);
    }
  };
  const walk = (node: AnyNode) => {
    if (isText(node)) {
      buffer += node.data;
      return;
    }
    if (!isTag(node)) {
      if (node.type === "root" && hasChildren(node)) for (const child of node.children) walk(child);
      return; // comments, directives
    }
    const name = node.name.toLowerCase();
    if (HIDDEN.has(name)) return;
    if (name === "br") {
      buffer += "\n";
      return;
    }
    const level = /^h([1-6])$/.exec(name)?.[1];
    if (level) {
      flush();
      const text = cleanText(textOf(node));
      if (text !== "") items.push({ kind: "heading", level: Number(level), text });
      return;
    }
    if (name === "table") {
      flush();
      items.push({ kind: "table", index: tables++ });
      nestedTables(node);
      return;
    }
    const block = BLOCK.has(name);
    if (block) flush();
    for (const child of node.children) walk(child);
    if (block) flush();
  };
  walk($.root()[0]!);
  flush();
  return items;
}

function textOf(node: AnyNode): string {
  if (isText(node)) return node.data;
  if (isTag(node) && node.name === "br") return " ";
  if (!isTag(node) || HIDDEN.has(node.name.toLowerCase())) return "";
  let text = "";
  for (const child of node.children) text += textOf(child);
  return text;
}
