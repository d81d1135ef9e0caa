import type { ModelEntry } from "../../../schemas/model-entry.ts";
import type { Extraction, ExtractionStatus, Observation } from "../../../schemas/observation.ts";
import { type DocumentExtraction, ExtractionBuilder } from "../source.ts";
import { freeListing, mistralModelId, retiredListing } from "./api-ids.ts";
import { pricingPageSlugs } from "./docs-pricing.ts";
import { readModelIndex } from "./model-index.ts";
import { isMultiplierDocument } from "./multiplier-docs.ts";
import { type ModelPage, readModelPage } from "./model-pages.ts";
import { readPriceCards } from "./price-cards.ts";

/**
 * One run's reading across the pricing page (or, before 2026-10-07, the card page), the model index, the
 * model pages and the multiplier pages. A pricing-page row is keyed by the model page it links (that page's
 * document name), and its prices go where that page's go. The card ids are aliases
 * (`mistral-small-latest`); the model pages say which dated ids they stand for (`names`), and so which
 * catalog entry a card's prices belong to. Nothing is matched by name likeness: a card belongs to the
 * page whose `names` hold its id, and a page's prices to the catalog entries that tie themselves to the
 * page (`sources: [{ source: "mistral-pricing", url: "https://docs.mistral.ai/models/<slug>" }]`) or are
 * among its names; a page with neither keeps its first name, and shows up as an untracked model.
 */

/** Which of the source's documents this is, by the name the source gave it. */
export type DocumentKind = "pricing" | "cards" | "index" | "model-page" | "multiplier";

/**
 * By the name the source gave it; `body` tells the one name whose page moved: since about 2026-10-07
 * mistral.ai/pricing/api (`pricing-api`) answers with the docs pricing page, and a run (or replay) that
 * still fetches it under that name gets the docs page, which is read as what it is.
 */
export function kindOfDocument(name: string, body?: string): DocumentKind {
  if (name === "pricing") return "pricing";
  if (name === "pricing-api") return body !== undefined && looksLikeDocsPricing(body) && !looksLikeCards(body) ? "pricing" : "cards";
  if (name === "models") return "index";
  if (isMultiplierDocument(name)) return "multiplier";
  return "model-page";
}

export function looksLikeCards(body: string): boolean {
  return /<div\b[^>]*\bclass="[^"]*\bmodel-item\b[^"]*"[^>]*\bdata-name=/i.test(body);
}

/** The docs pricing page: `<section>` tables whose header has a "Cached input" column and whose rows link `/models/<slug>`. */
export function looksLikeDocsPricing(body: string): boolean {
  return /<section\b/i.test(body) && /<th\b[^>]*>\s*Cached input\s*<\/th>/i.test(body) && /<td\b[^>]*>\s*<a\b[^>]*\bhref="\/models\//i.test(body);
}

interface PageGroup {
  document: DocumentExtraction;
  page: ModelPage;
  /** The catalog (or, failing that, untracked) ids the page's prices go to. */
  ids: string[];
}

export function combineMistral(
  sourceId: string,
  documents: readonly DocumentExtraction[],
  catalog: ReadonlyMap<string, ModelEntry>,
): Extraction {
  const result = new ExtractionBuilder(sourceId);
  const at = (d: DocumentExtraction, where: string) => `${d.document.name}: ${where}`;
  for (const d of documents) for (const p of d.extraction.problems) result.problem(p.message, at(d, p.where));
  const ownProblems = result.problems.length;
  const kind = (d: DocumentExtraction) => kindOfDocument(d.document.name, d.body);
  // A multiplier page that cannot be read leaves every price whole, and so does the model index when the
  // pricing page was read (it links the model page of every row itself; the index only adds pages of models
  // it does not price): the source is partial, not failed. Any other document failing fails the source.
  const pricingRead = documents.some((d) => kind(d) === "pricing" && d.extraction.status !== "failed");
  const statuses: ExtractionStatus[] = documents.map((d) =>
    d.extraction.status === "failed" && (kind(d) === "multiplier" || (kind(d) === "index" && pricingRead)) ? "partial" : d.extraction.status,
  );

  // What each document accounted for, and the multipliers the multiplier pages state, carried as they are.
  for (const d of documents) {
    if (d.extraction.status === "failed") continue;
    for (const a of d.extraction.accounting ?? []) result.accounting.push({ ...a, document: a.document ?? d.document.url });
    for (const m of d.extraction.multipliers ?? []) result.multiplier({ ...m, document: m.document ?? d.document.url }, at(d, "page"));
  }

  const read = documents.filter((d) => d.extraction.status !== "failed");
  const tableDocs = read.filter((d) => kind(d) === "cards" || kind(d) === "pricing");
  const pageDocs = read.filter((d) => kind(d) === "model-page");
  if (!documents.some((d) => kind(d) === "cards" || kind(d) === "pricing")) {
    result.fail(`neither the pricing page (pricing) nor the price cards (pricing-api) is among the documents read`, "pricing");
  }

  // Every page the index or the pricing page links to must have been read: a page missing from the run is a reading half done.
  for (const d of read.filter((x) => kind(x) === "index" || kind(x) === "pricing")) {
    const slugs = kind(d) === "index" ? readModelIndex(new ExtractionBuilder(sourceId), d.body).slugs : pricingPageSlugs(d.body);
    for (const slug of slugs) {
      if (!documents.some((x) => x.document.name === slug)) result.problem(`the ${kind(d) === "index" ? "index" : "pricing page"} links model page "${slug}", which was not read`, at(d, `link "/models/${slug}"`));
    }
  }

  // The model pages: their names, and which ids their prices go to.
  const groups: PageGroup[] = pageDocs.flatMap((d) => {
    const page = readModelPage(new ExtractionBuilder(sourceId), d.body, d.document.name);
    return page ? [{ document: d, page, ids: [] }] : [];
  });
  const pagesByName = new Map<string, PageGroup[]>();
  for (const g of groups) for (const n of g.page.names) pagesByName.set(n, [...(pagesByName.get(n) ?? []), g]);
  for (const [name, gs] of pagesByName) {
    if (gs.length > 1) result.problem(`the API id ${name} is named by ${gs.length} model pages (${gs.map((g) => g.document.document.name).join(", ")})`, gs.map((g) => g.document.document.name).join(" / "));
  }
  for (const g of groups) {
    const url = g.document.document.url;
    const tied = [...catalog.values()]
      .filter((e) => e.sources.some((s) => s.source === sourceId && s.url !== undefined && sameUrl(s.url, url)))
      .map((e) => e.id);
    const named = g.page.names.map((n) => mistralModelId(n)!).filter((id) => catalog.has(id));
    g.ids = [...new Set([...tied, ...named])];
    if (g.ids.length === 0 && g.page.names[0] !== undefined) g.ids = [mistralModelId(g.page.names[0])!];
  }
  const claims = new Map<string, PageGroup[]>();
  for (const g of groups) for (const id of g.ids) claims.set(id, [...(claims.get(id) ?? []), g]);
  for (const [id, gs] of claims) {
    if (gs.length < 2) continue;
    result.problem(`${id} is claimed by ${gs.length} model pages (${gs.map((g) => g.document.document.name).join(", ")}); none of their prices is given to it`, gs.map((g) => g.document.document.name).join(" / "));
    for (const g of gs) g.ids = g.ids.filter((x) => x !== id);
  }

  /** The one page an API id belongs to; undefined when none does, or when it is shared (reported above). */
  const pageOf = (apiId: string): PageGroup | "shared" | undefined => {
    const gs = pagesByName.get(apiId) ?? [];
    return gs.length > 1 ? "shared" : gs[0];
  };
  const apiIdOf = (modelId: string) => modelId.slice("mistral/".length);

  // Card and pricing-table prices, by the page they belong to (or on their own). A card is keyed by its id,
  // which a page names; a pricing-table row by the page it links, which is that document's name.
  const cardPricesByPage = new Map<PageGroup, { observation: Observation; document: DocumentExtraction }[]>();
  for (const d of tableDocs.filter((x) => kind(x) === "pricing")) {
    for (const o of d.extraction.observations) {
      const slug = apiIdOf(o.model);
      const group = groups.find((g) => g.document.document.name === slug);
      if (!group) {
        result.problem(`${o.price} $${o.usd} of the row linking "/models/${slug}": that model page was not read, so whose API id it is is not known; not read`, at(d, `link "/models/${slug}"`));
        continue;
      }
      cardPricesByPage.set(group, [...(cardPricesByPage.get(group) ?? []), { observation: o, document: d }]);
    }
    for (const u of d.extraction.untracked) {
      const free = /^mistral\/(.+) \(free\)$/.exec(u.name);
      const group = free ? groups.find((g) => g.document.document.name === free[1]) : undefined;
      if (!group) result.untrackedModel(u.name, at(d, u.where));
      else if (!group.page.free) result.problem(`the pricing page says the model of "/models/${free![1]}" is free; its model page does not`, at(d, u.where));
      // else: the model page lists it as free, under the id it maps to (below)
    }
  }
  for (const d of tableDocs.filter((x) => kind(x) === "cards")) {
    for (const o of d.extraction.observations) {
      const group = pageOf(apiIdOf(o.model));
      if (group === "shared") {
        result.problem(`${o.model} ${o.price}: the card's id is named by two model pages; the price is not attributed`, at(d, "page"));
        continue;
      }
      if (!group) {
        result.observe(withDocument(o, d), at(d, "page"));
        continue;
      }
      cardPricesByPage.set(group, [...(cardPricesByPage.get(group) ?? []), { observation: o, document: d }]);
    }
    const cards = readPriceCards(new ExtractionBuilder(sourceId), d.body);
    for (const u of d.extraction.untracked) {
      const free = cards.find((c) => c.free && c.modelId !== undefined && freeListing(c.modelId) === u.name);
      const group = free ? pageOf(apiIdOf(free.modelId!)) : undefined;
      if (!group || group === "shared") result.untrackedModel(u.name, at(d, u.where));
      else if (!group.page.free) {
        result.problem(`the card says ${free!.modelId} is free; its model page (${group.document.document.name}) does not`, at(d, u.where));
      }
      // else: the model page lists it as free, under the id it maps to (below)
    }
  }

  for (const g of groups) {
    const d = g.document;
    const own = d.extraction.observations;
    const fromCards = cardPricesByPage.get(g) ?? [];
    if ((g.page.free || g.page.retired) && fromCards.length > 0) {
      result.problem(`the model page says the model is ${g.page.free ? "free" : "retired"}; ${fromCards.map((c) => (kind(c.document) === "pricing" ? "the pricing page" : "its card")).filter((x, i, a) => a.indexOf(x) === i).join(" and ")} prices it`, at(d, `model page "${g.page.title}"`));
      continue;
    }
    for (const key of [...new Set([...fromCards.map((c) => c.observation.price), ...own.map((o) => o.price)])]) {
      const cards = fromCards.filter((c) => c.observation.price === key);
      const page = own.filter((o) => o.price === key);
      const figures = [...new Set([...cards.map((c) => c.observation.usd), ...page.map((o) => o.usd)])];
      if (figures.length > 1) {
        result.problem(
          `${g.ids.join(", ") || g.page.title} ${key}: ` +
            [...cards.map((c) => `${kind(c.document) === "pricing" ? "the pricing page" : "the card"} shows $${c.observation.usd}`), ...page.map((o) => `the model page $${o.usd}`)].join(", ") +
            `; which is right cannot be known, neither is read`,
          `${cards.map((c) => at(c.document, "card")).join(" / ") || "card"} / ${at(d, `model page "${g.page.title}"`)}`,
        );
        continue;
      }
      const card = cards[0];
      // The card's row is the evidence (a reviewer sees it on the page; the model page's agreement was checked above).
      const chosen: Observation = card ? withDocument(card.observation, card.document) : withDocument(page[0]!, d);
      for (const id of g.ids) result.observe({ ...chosen, model: id }, at(card?.document ?? d, `model page "${g.page.title}"`));
    }
    const ownId = g.page.names[0] === undefined ? undefined : mistralModelId(g.page.names[0])!;
    for (const u of d.extraction.untracked) {
      const listing = ownId && u.name === freeListing(ownId) ? freeListing : ownId && u.name === retiredListing(ownId) ? retiredListing : undefined;
      if (!listing) result.untrackedModel(u.name, at(d, u.where));
      else for (const id of g.ids) result.untrackedModel(listing(id), at(d, u.where));
    }
  }

  if (result.problems.length > ownProblems) statuses.push("partial");
  if (result.failed) statuses.push("failed");
  return result.finishAs(statuses.includes("failed") ? "failed" : statuses.includes("partial") ? "partial" : "ok");
}

/** The observation with the document that showed it: kept as the run set it, else this document's URL. */
function withDocument(o: Observation, d: DocumentExtraction): Observation {
  return { ...o, document: o.document ?? d.document.url };
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}
