/**
 * Vendor text (model names, table rows) reaches PR bodies that GitHub renders as markdown and HTML.
 * Escape everything that could open markup, a link, a table cell, a mention or a new block.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    // Every vendor line is written after "- " or inside a table cell, so line-start markers (-, +, 1.)
    // cannot start a block; what can still act inline is escaped.
    .replace(/([\\`*_{}\[\]()#!|~@])/g, "\\$1")
    // and no bare link: GitHub would autolink "https://…" and "www.…"
    .replace(/:\/\//g, "\\://")
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\\.`)
    .trim();
}

/**
 * A row of a vendor page quoted in a PR body: escaped like any vendor text, and `$` too, since GitHub
 * renders `$…$` as math and a price row is full of dollars. Cut at `max` characters (a quote, not a copy).
 */
export function quotePageText(text: string, max = 400): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const cut = flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
  return escapeMarkdown(cut).replace(/\$/g, "\\$");
}

/** `$0.004`, `$12.50`: dollars as the vendor pages write them, without float noise. */
export function formatUsd(usd: number): string {
  const text = Number(usd.toPrecision(12)).toString();
  const [whole, fraction = ""] = text.split(".");
  return `$${whole}${fraction.length === 1 ? `.${fraction}0` : fraction ? `.${fraction}` : ""}`;
}

export function formatPercent(percent: number | null): string {
  if (percent === null) return "n/a (was $0)";
  return `${percent > 0 ? "+" : percent < 0 ? "−" : "±"}${Math.abs(percent).toFixed(1)}%`;
}
