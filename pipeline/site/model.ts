/**
 * What the site shows, computed once from the catalog and (when given) the last run's report: per vendor the
 * state of each source last night and its entries by age, per model the run's proposals and evidence, and every
 * price change newest first. Pure: the caller loads the files and copies the evidence (build.ts).
 */
import type { PriceRetired } from "../../schemas/diff.ts";
import type { FreshnessReport } from "../../schemas/freshness-report.ts";
import { entryRelativePath, type ModelEntry } from "../../schemas/model-entry.ts";
import { type Unit, UNITS, unitOf } from "../../schemas/price-key.ts";
import type { RunReport, SourceReport } from "../../schemas/run-report.ts";
import { ageInDays, freshnessReport } from "../report/staleness.ts";
import { percentChange } from "./words.ts";

/** A pipeline source as the site names it: its id, vendor and the page it starts from. */
export interface SiteSource {
  id: string;
  vendor: string;
  url: string;
}

export interface SiteInput {
  entries: readonly ModelEntry[];
  sources: readonly SiteSource[];
  report?: RunReport;
  /** The day ages are counted to: the run's day when a run is given, else today. */
  asOf: string;
  staleAfterDays: number;
  /** Where the site is published (absolute, ending in /), for the feed's links; absent: links stay relative. */
  siteUrl?: string;
  /** When the site was built (ISO date-time): the feed's `updated` when no change is newer. */
  builtAt: string;
  /** Evidence files of the run, as copied into the site (paths relative to the site root), by model id. */
  evidence?: ReadonlyMap<string, ModelEvidenceFiles>;
}

export interface ModelEvidenceFiles {
  /** The last screenshot the run saved for the model's new prices. */
  screenshot?: { file: string; rows: string[]; source: string };
  /** The run's own chart of the proposed change (pipeline/evidence/price-chart.ts). */
  chart?: string;
}

/** One price change, as the changes page and the feed list it. */
export interface ChangeItem {
  /** Stable across builds: the feed's entry id is made from it. */
  key: string;
  model: string;
  modelName: string;
  price: string;
  unit: Unit;
  /** Absent for a key that is new. */
  old?: number;
  /** Absent for a key no longer priced. */
  new?: number;
  percent: number | null | undefined;
  /** The day it took (or takes) effect. */
  day: string;
  /** The keys that took a retired key's place, with their prices (a restructuring). */
  replacedBy?: { price: string; usd: number }[];
  /**
   * recorded: in the catalog's priceHistory; scheduled: announced by the vendor for `day`;
   * proposed: read by the last run and awaiting review (a pull request, or a dry run's would-be one).
   */
  status: "recorded" | "scheduled" | "proposed";
  /** The vendor page(s) the price is read from. */
  pages: string[];
  pullRequest?: { number?: number; url?: string; action: string };
}

export type SourceState = "read" | "partial" | "failed" | "not run" | "no run given";

export interface SourceView {
  id: string;
  url: string;
  state: SourceState;
  reason?: string;
  nextStep?: string;
  report?: SourceReport;
}

export interface EntryView {
  entry: ModelEntry;
  href: string;
  ageDays: number;
  stale: boolean;
}

export interface VendorView {
  vendor: string;
  name: string;
  sources: SourceView[];
  /** Not retired, oldest lastVerified first (so the stale ones lead). */
  entries: EntryView[];
  retired: EntryView[];
  scheduledPrices: number;
  stale: number;
  /** Price-change pull requests the report knows are open (or, in a dry run, would be). */
  pullRequests: { source: string; number?: number; url?: string; action: string }[];
}

export interface SiteModel {
  input: SiteInput;
  freshness: FreshnessReport;
  vendors: VendorView[];
  changes: ChangeItem[];
  /** Entries by id, with the page each links to. */
  byId: Map<string, EntryView>;
}

const VENDOR_NAMES: Record<string, string> = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  google: "Google",
  deepseek: "DeepSeek",
  xai: "xAI",
  mistral: "Mistral AI",
  minimax: "MiniMax",
  moonshot: "Moonshot AI (Kimi)",
  cohere: "Cohere",
  zai: "Z.ai",
  alibaba: "Alibaba Cloud Model Studio",
  perplexity: "Perplexity",
  voyage: "Voyage AI",
  elevenlabs: "ElevenLabs",
};

export const vendorName = (vendor: string) => VENDOR_NAMES[vendor] ?? vendor;

/** `openai/gpt-image-1-mini` → `models/openai/gpt-image-1-mini.html`, relative to the site root. */
export function modelHref(id: string): string {
  return `models/${entryRelativePath(id).replace(/\.json$/, ".html")}`;
}

const OPEN_PR_ACTIONS = new Set(["created", "updated", "unchanged", "would-create", "would-update"]);

export function siteModel(input: SiteInput): SiteModel {
  const sourceIds = new Set(input.sources.map((s) => s.id));
  const freshness = freshnessReport(input.entries, { asOf: input.asOf, staleAfterDays: input.staleAfterDays, sourceIds });
  const staleIds = new Set(freshness.vendors.flatMap((v) => v.stale.map((s) => s.id)));
  const byId = new Map<string, EntryView>();
  for (const entry of input.entries) {
    byId.set(entry.id, { entry, href: modelHref(entry.id), ageDays: ageInDays(entry.lastVerified, input.asOf), stale: staleIds.has(entry.id) });
  }
  const vendorIds = [...new Set([...input.entries.map((e) => e.vendor), ...input.sources.map((s) => s.vendor)])].sort();
  const vendors = vendorIds.map((vendor): VendorView => {
    const views = [...byId.values()].filter((v) => v.entry.vendor === vendor);
    const sources = input.sources.filter((s) => s.vendor === vendor).map((s) => sourceView(s, input.report));
    return {
      vendor,
      name: vendorName(vendor),
      sources,
      entries: views.filter((v) => v.entry.retired === undefined).sort((a, b) => cmp(a.entry.lastVerified, b.entry.lastVerified) || cmp(a.entry.id, b.entry.id)),
      retired: views.filter((v) => v.entry.retired !== undefined).sort((a, b) => cmp(a.entry.retired!, b.entry.retired!) || cmp(a.entry.id, b.entry.id)),
      scheduledPrices: views.reduce((n, v) => n + (v.entry.scheduledPrices?.length ?? 0), 0),
      stale: views.filter((v) => v.stale).length,
      pullRequests: sources.flatMap((s) => {
        const pr = s.report?.pullRequest;
        return pr && OPEN_PR_ACTIONS.has(pr.action) ? [{ source: s.id, action: pr.action, ...(pr.number !== undefined ? { number: pr.number } : {}), ...(pr.url ? { url: pr.url } : {}) }] : [];
      }),
    };
  });
  return { input, freshness, vendors, changes: priceChanges(input), byId };
}

function sourceView(source: SiteSource, report: RunReport | undefined): SourceView {
  if (!report) return { id: source.id, url: source.url, state: "no run given" };
  const r = report.sources.find((s) => s.source === source.id);
  if (!r) return { id: source.id, url: source.url, state: "not run" };
  return {
    id: source.id,
    url: source.url,
    state: r.status === "ok" ? "read" : r.status,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.nextStep ? { nextStep: r.nextStep } : {}),
    report: r,
  };
}

/** The pages of an entry's pipeline sources (its canonical URLs, as the entry cites them). */
export function pagesOf(entry: ModelEntry, sources: readonly SiteSource[]): string[] {
  const ids = new Set(sources.map((s) => s.id));
  return [...new Set(entry.sources.filter((s) => ids.has(s.source) && s.url).map((s) => s.url!))];
}

/** Every price change the catalog records or schedules, and every one the last run proposes, newest first. */
export function priceChanges(input: SiteInput): ChangeItem[] {
  const items: ChangeItem[] = [];
  for (const entry of input.entries) {
    const pages = pagesOf(entry, input.sources);
    const base = { model: entry.id, modelName: entry.name, pages };
    // priceHistory: each earlier price, and what followed it: a later record of the same key, the current price, or nothing.
    const history = [...entry.priceHistory].sort((a, b) => cmp(a.until, b.until));
    history.forEach((h, i) => {
      const next = history.slice(i + 1).find((o) => o.price === h.price);
      const now = next?.usd ?? entry.prices[h.price]?.usd;
      items.push({
        ...base,
        key: `recorded:${entry.id}:${h.price}:${h.until}`,
        price: h.price,
        unit: h.unit,
        old: h.usd,
        ...(now !== undefined ? { new: now } : {}),
        percent: now !== undefined ? percentChange(h.usd, now) : undefined,
        day: h.until,
        status: "recorded",
      });
    });
    for (const s of entry.scheduledPrices ?? []) {
      const old = entry.prices[s.price]?.usd;
      const page = input.sources.find((src) => src.id === s.source)?.url;
      items.push({
        ...base,
        key: `scheduled:${entry.id}:${s.price}:${s.from}`,
        price: s.price,
        unit: s.unit,
        ...(old !== undefined ? { old } : {}),
        new: s.usd,
        percent: old !== undefined ? percentChange(old, s.usd) : undefined,
        day: s.from,
        status: "scheduled",
        ...(page ? { pages: [page] } : {}),
      });
    }
  }
  items.push(...proposedChanges(input));
  const seen = new Set<string>();
  return items
    .filter((i) => (seen.has(i.key) ? false : (seen.add(i.key), true)))
    .sort((a, b) => cmp(b.day, a.day) || cmp(a.model, b.model) || cmp(a.price, b.price) || cmp(a.status, b.status));
}

/** The last run's proposals: changed prices, retired keys (with the keys that replace them) and announced prices. */
function proposedChanges(input: SiteInput): ChangeItem[] {
  const report = input.report;
  if (!report) return [];
  const items: ChangeItem[] = [];
  const names = new Map(input.entries.map((e) => [e.id, e.name]));
  for (const source of report.sources) {
    if (!source.diff) continue;
    const pr = source.pullRequest;
    const pullRequest = pr ? { action: pr.action, ...(pr.number !== undefined ? { number: pr.number } : {}), ...(pr.url ? { url: pr.url } : {}) } : undefined;
    // The vendor's page: what the run fetched, unless it was a replay on this machine; then the source's own URL.
    const canonical = input.sources.find((s) => s.id === source.source)?.url ?? source.url;
    const vendorPage = (url: string | undefined) => (url && !isLoopback(url) ? url : canonical);
    const page = vendorPage(source.page?.url);
    for (const diff of source.diff.entries) {
      if (diff.outcome !== "verified" && diff.outcome !== "changed") continue;
      const base = { model: diff.model, modelName: names.get(diff.model) ?? diff.model, status: "proposed" as const, ...(pullRequest ? { pullRequest } : {}) };
      const mine = <T extends { source?: string | undefined }>(xs: readonly T[]) => xs.filter((x) => x.source === undefined || x.source === source.source);
      for (const c of mine(diff.changes)) {
        const day = c.takesEffect ?? report.runDate;
        items.push({ ...base, key: `proposed:${diff.model}:${c.price}:${c.old}:${c.new}:${day}`, price: c.price, unit: c.unit, old: c.old, new: c.new, percent: c.percent, day, pages: [vendorPage(c.document ?? page)] });
      }
      const added = new Map(diff.added.map((a) => [a.price, a]));
      for (const r of mine(diff.retired) as PriceRetired[]) {
        const replacedBy = r.replacedBy.map((k) => ({ price: k, usd: added.get(k)?.usd })).filter((k): k is { price: string; usd: number } => k.usd !== undefined);
        items.push({ ...base, key: `proposed:${diff.model}:${r.price}:${r.usd}:retired:${r.until}`, price: r.price, unit: r.unit, old: r.usd, percent: undefined, day: r.until, replacedBy, pages: [page] });
      }
      for (const s of mine(diff.scheduled)) {
        if (s.kind !== "announce") continue;
        items.push({
          ...base,
          key: `proposed:${diff.model}:${s.price}:scheduled:${s.usd}:${s.effectiveFrom}`,
          price: s.price,
          unit: s.unit,
          ...(s.current !== undefined ? { old: s.current } : {}),
          new: s.usd,
          percent: s.current !== undefined ? percentChange(s.current, s.usd) : undefined,
          day: s.effectiveFrom,
          pages: [vendorPage(s.document ?? page)],
        });
      }
    }
  }
  return items;
}

/** The units an entry prices (current, history and scheduled), in the order of the schema's list. */
export function unitsOf(entry: ModelEntry): Unit[] {
  const units = new Set<Unit>();
  for (const key of Object.keys(entry.prices)) units.add(unitOf(key) ?? "1M tokens");
  return UNITS.filter((u) => units.has(u));
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === "localhost" || host.startsWith("127.") || host === "[::1]";
  } catch {
    return false;
  }
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
