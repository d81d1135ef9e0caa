/**
 * `feed.xml`: every price change of the site, newest first, as Atom (the `feed` package writes it), so a catalog
 * site or a person can subscribe. Each entry names the model, old → new, the change in %, the day and the source
 * page. Pure.
 */
import { Feed } from "feed";
import type { ChangeItem, SiteModel } from "./model.ts";
import { modelHref } from "./model.ts";
import { formatPercent, formatUsd, pageName, priceKeyInWords, replacementsInWords, unitHeading } from "./words.ts";

/** One line for a change: "DeepSeek V4 Pro input: $0.435 → $0.66 per 1M tokens (+51.7%) on 2026-08-16". */
export function changeTitle(c: ChangeItem): string {
  const unit = unitHeading(c.unit);
  const what =
    c.old !== undefined && c.new !== undefined
      ? `${formatUsd(c.old)} → ${formatUsd(c.new)} ${unit}${c.percent !== undefined ? ` (${formatPercent(c.percent)})` : ""}`
      : c.old !== undefined
        ? `${formatUsd(c.old)} ${unit} → no longer priced${c.replacedBy?.length ? `; now ${replacementsInWords(c.old, c.replacedBy)}` : ""}`
        : `new at ${formatUsd(c.new!)} ${unit}`;
  const status = c.status === "scheduled" ? "scheduled from" : c.status === "proposed" ? "proposed, from" : "on";
  return `${c.modelName} ${c.price}: ${what}, ${status} ${c.day}`;
}

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The entry's content, as HTML: what changed, whether it is recorded, scheduled or proposed, and the source page(s) as links. */
function changeHtml(c: ChangeItem): string {
  const status =
    c.status === "recorded"
      ? "Recorded in the catalog's price history."
      : c.status === "scheduled"
        ? "Announced by the vendor for that day (a scheduled price)."
        : `Read by the nightly run and proposed for review${c.pullRequest?.number !== undefined ? ` in pull request #${c.pullRequest.number}` : ""}; not yet in the catalog.`;
  const pages = c.pages.map((p) => (/^https?:\/\//i.test(p) ? `<a href="${escapeHtml(p)}">${escapeHtml(pageName(p))}</a>` : escapeHtml(p))).join(", ");
  return [
    `<p>${escapeHtml(`${c.model} — ${priceKeyInWords(c.price)} (${c.price}): ${changeTitle(c).slice(c.modelName.length + c.price.length + 3)}.`)}</p>`,
    `<p>${escapeHtml(status)}</p>`,
    ...(pages ? [`<p>Source page: ${pages}</p>`] : []),
  ].join("");
}

export function atomFeed(model: SiteModel, localBase: string): string {
  const base = model.input.siteUrl;
  const link = (relative: string) => new URL(relative, base ?? localBase).toString();
  const newest = model.changes.map((c) => c.day).sort().at(-1);
  const feed = new Feed({
    id: base ? link("feed.xml") : "urn:catalog-freshness:price-changes",
    title: "catalog-freshness: price changes",
    description: "Every price change of the catalog, newest first: recorded, scheduled by the vendor, and proposed by the last nightly run.",
    link: link("changes.html"),
    updated: new Date(newest ? `${newest}T00:00:00Z` : model.input.builtAt),
    generator: "catalog-freshness",
    feedLinks: { atom: link("feed.xml") },
    author: { name: "catalog-freshness" },
  });
  for (const c of model.changes) {
    const html = changeHtml(c);
    feed.addItem({
      id: `urn:catalog-freshness:change:${encodeURIComponent(c.key)}`,
      title: changeTitle(c),
      link: c.pullRequest?.url ?? link(modelHref(c.model)),
      date: new Date(`${c.day}T00:00:00Z`),
      content: html,
      category: [{ name: c.status, term: c.status }],
    });
  }
  return feed.atom1();
}
