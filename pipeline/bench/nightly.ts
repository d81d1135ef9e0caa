import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { entryRelativePath, type ModelEntry } from "../../schemas/model-entry.ts";
import { serializeEntry } from "../catalog/serialize.ts";
import { loadCatalog } from "../catalog/validate.ts";
import { DEMO_DATE } from "../demo/demo.ts";
import { SOURCES } from "../sources/index.ts";
import type { PageFormat } from "../extract/document.ts";
import { type DocumentExtraction, type PricingSource, readsSeveralDocuments, type SourceDocument } from "../sources/source.ts";
import { runAsChild } from "./child.ts";
import { hostStats } from "./hosts.ts";
import { matchCatalogToPages, REPO_ROOT, savedDocuments } from "./pages.ts";
import { OneRequestAtATime, timedDryRun } from "./replay40.ts";
import { maxOverlap } from "./stats.ts";

/** When this module was evaluated: node, tsx and every module of the run loaded. */
const LOADED_AT = performance.now();

/** Vendor host (`docs.mistral.ai`) → the local origin standing in for it (`http://127.0.0.1:41234`). */
export type StandIns = Readonly<Record<string, string>>;

/**
 * A real source whose every document is fetched from the stand-in of its vendor's host: the same
 * documents (`documents`, `linkedDocuments`, `url`), names, extractor and `combine`, only each URL's
 * origin swapped (`https://docs.mistral.ai/models/x` → `http://127.0.0.1:P/models/x`, the path kept). The
 * source itself only ever sees the vendor's URLs: a model index's links still resolve to docs.mistral.ai,
 * which the wrapper then points at its stand-in, and `combine` ties model pages to catalog entries by the
 * real URL, as in a nightly run; every price is attributed to the vendor's URL, as a run does.
 *
 * `copy` k (for the growth figure): the same source under the id `<id>-copy<k>`, each URL with `?copy=k`
 * (the stand-in serves the same document), as if the vendor listed that many more models.
 */
export function standInSource(real: PricingSource, standIns: StandIns, copy?: number): PricingSource {
  const id = copy === undefined ? real.id : copyId(real.id, copy);
  const vendorUrlOf = new Map<string, string>();
  const local = (url: string): string => {
    const vendor = new URL(url);
    const origin = standIns[vendor.host];
    if (!origin) throw new Error(`no stand-in host for ${vendor.host} (${url})`);
    const at = new URL(`${vendor.pathname}${vendor.search}`, origin);
    if (copy !== undefined) at.searchParams.set("copy", String(copy));
    vendorUrlOf.set(at.href, url);
    return at.href;
  };
  const toLocal = (d: SourceDocument): SourceDocument => ({ ...d, url: local(d.url) });
  const toVendor = (d: SourceDocument): SourceDocument => {
    const url = vendorUrlOf.get(d.url);
    if (!url) throw new Error(`${id}: ${d.url} is not a stand-in URL of this source`);
    return { ...d, url };
  };
  const { documents, linkedDocuments, combine } = real;
  return {
    ...real,
    id,
    url: local(real.url),
    ...(documents ? { documents: (covered: readonly ModelEntry[]) => documents.call(real, covered).map(toLocal) } : {}),
    ...(linkedDocuments
      ? { linkedDocuments: (document: SourceDocument, body: string, format: PageFormat) => linkedDocuments.call(real, toVendor(document), body, format).map(toLocal) }
      : {}),
    extract(body, format, document) {
      const vendorDocument = document && toVendor(document);
      const read = real.extract(body, format, vendorDocument);
      const observations = vendorDocument ? read.observations.map((o) => ({ ...o, document: o.document ?? vendorDocument.url })) : read.observations;
      return { ...read, source: id, observations };
    },
    ...(combine
      ? { combine: (parts: readonly DocumentExtraction[], catalog: ReadonlyMap<string, ModelEntry>) => ({ ...combine.call(real, parts.map((p) => ({ ...p, document: toVendor(p.document) })), catalog), source: id }) }
      : {}),
  };
}

const copyId = (sourceId: string, copy: number) => `${sourceId}-copy${copy}`;

/** The sources of several documents: the ones the growth figure multiplies (OpenAI's model pages, Mistral's). */
export const MULTI_DOCUMENT_SOURCES: readonly string[] = SOURCES.filter(readsSeveralDocuments).map((s) => s.id);

export interface NightlyOptions {
  /** How many times the `copied` sources run (1: the nightly run as it is). */
  copies?: number;
  /** Which sources are multiplied (default: the sources of several documents). */
  copied?: readonly string[];
  /** One request at a time over every host (the baseline the per-host limit is measured against). */
  sequential?: boolean;
}

/** Every real source on the stand-ins, and copies 2…k of the multiplied ones. */
export function nightlySources(standIns: StandIns, options: NightlyOptions = {}): PricingSource[] {
  const copies = options.copies ?? 1;
  const copied = options.copied ?? MULTI_DOCUMENT_SOURCES;
  return SOURCES.flatMap((real) => [
    standInSource(real, standIns),
    ...(copied.includes(real.id) ? Array.from({ length: copies - 1 }, (_, i) => standInSource(real, standIns, i + 2)) : []),
  ]);
}

export interface NightlyResult {
  mode: "per-host" | "sequential";
  copies: number;
  copied: string[];
  sources: number;
  /** Documents the run fetched (every source's, from its report), and how many a run reads from the saved pages. */
  documents: number;
  expectedDocuments: number;
  /** Stand-in hosts, and the documents each was asked for (by the vendor host it stands in for). */
  hosts: number;
  documentsPerHost: Record<string, number>;
  maxDocumentsPerHost: number;
  busiestHost: string;
  /** runPipeline from call to return: catalog load, every fetch, extraction, diff, report. The figure. */
  runMs: number;
  startupMs: number;
  setupMs: number;
  statuses: Record<string, number>;
  failures: string[];
  /** Entries verified, and proposals (changed, reshaped, added, retired, scheduled) over every source: must be none. */
  verified: number;
  proposals: number;
  extractMsSum: number;
  maxInFlightPerHost: number;
  maxInFlightOverall: number;
  fetchSpanMs: number;
  beforeFirstRequestMs: number;
  afterLastRequestMs: number;
  /** Requests a host answered with anything but 200; requests made twice; documents the run stored that no host served, and the reverse. */
  notOk: string[];
  repeated: string[];
  unserved: string[];
  unreported: string[];
}

/**
 * A nightly run as the vendors' hosts have it: every real source with every one of its real documents
 * (the saved pages the demo replays), each fetched from the stand-in of its vendor's host (`hosts.ts
 * vendors`), through the real `runPipeline` and `PageFetcher` with the pipeline's own per-host queue, in
 * a dry run against a copy of the catalog matched to the pages, so every entry is verified and nothing
 * proposed (no evidence to capture, no PR). `copies` > 1 multiplies the `copied` sources, each copy
 * reading all its documents again from the same hosts; the catalog's entries then name the copies too.
 */
export async function nightlyReplay(standIns: StandIns, options: NightlyOptions = {}): Promise<NightlyResult> {
  const copies = options.copies ?? 1;
  const copied = [...(options.copied ?? MULTI_DOCUMENT_SOURCES)];
  const origins = Object.values(standIns);
  const vendorOf = new Map(Object.entries(standIns).map(([vendor, origin]) => [origin, vendor]));
  const root = mkdtempSync(path.join(tmpdir(), "catalog-freshness-bench-nightly-"));
  try {
    const catalogDir = path.join(root, "catalog");
    cpSync(path.join(REPO_ROOT, "catalog"), catalogDir, { recursive: true });
    await matchCatalogToPages(catalogDir, DEMO_DATE);
    const sources = nightlySources(standIns, { copies, copied });
    const matched = [...(await loadCatalog(catalogDir)).entries.values()].map((e) => e.entry);
    const expectedDocuments = sources.reduce((n, s) => {
      const real = SOURCES.find((r) => r.id === s.id.replace(/-copy\d+$/, ""))!;
      return n + savedDocuments(real, matched.filter((e) => e.sources.some((ref) => ref.source === real.id))).length;
    }, 0);
    // Each entry a multiplied source covers names its copies too (with the same page URL, so model pages still tie).
    for (const entry of matched) {
      const extra = entry.sources.flatMap((ref) => (copied.includes(ref.source) ? Array.from({ length: copies - 1 }, (_, i) => ({ ...ref, source: copyId(ref.source, i + 2) })) : []));
      if (extra.length > 0) await writeFile(path.join(catalogDir, entryRelativePath(entry.id)), serializeEntry({ ...entry, sources: [...entry.sources, ...extra] }));
    }

    await hostStats(origins, true);
    const setupMs = Math.round(performance.now() - LOADED_AT);
    // Per host: the pipeline's own queue, as a nightly run has it (no fetch options at all).
    const { report, runMs, wallStart, wallEnd } = await timedDryRun(root, catalogDir, sources, options.sequential ? { hostQueues: new OneRequestAtATime() } : undefined);
    const stats = await hostStats(origins);

    const statuses: Record<string, number> = {};
    for (const s of report.sources) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
    const fetched = report.sources.flatMap((s) => (s.documents ?? (s.page ? [s.page] : [])).map((p) => p.url));
    const served = stats.flatMap((h) => h.requests.map((r) => `${h.origin}${r.path}`));
    const all = stats.flatMap((h) => h.requests);
    const documentsPerHost = Object.fromEntries(stats.map((h) => [vendorOf.get(h.origin) ?? h.origin, h.requests.length]));
    const busiest = Object.entries(documentsPerHost).sort((a, b) => b[1] - a[1])[0] ?? ["", 0];
    const counted = (key: "verified" | "changed" | "reshaped" | "added" | "retired" | "scheduled") => report.sources.reduce((n, s) => n + s.counts[key], 0);
    return {
      mode: options.sequential ? "sequential" : "per-host",
      copies,
      copied,
      sources: sources.length,
      documents: fetched.length,
      expectedDocuments,
      hosts: origins.length,
      documentsPerHost,
      maxDocumentsPerHost: busiest[1],
      busiestHost: busiest[0],
      runMs,
      startupMs: Math.round(LOADED_AT),
      setupMs,
      statuses,
      failures: report.sources.filter((s) => s.status !== "ok").map((s) => `${s.source}: ${s.reason}`),
      verified: counted("verified"),
      proposals: counted("changed") + counted("reshaped") + counted("added") + counted("retired") + counted("scheduled"),
      extractMsSum: report.sources.reduce((n, s) => n + s.timings.extractMs, 0),
      maxInFlightPerHost: Math.max(...stats.map((h) => h.maxInFlight)),
      maxInFlightOverall: maxOverlap(all),
      fetchSpanMs: all.length ? Math.max(...all.map((r) => r.end)) - Math.min(...all.map((r) => r.start)) : 0,
      beforeFirstRequestMs: all.length ? Math.min(...all.map((r) => r.start)) - wallStart : 0,
      afterLastRequestMs: all.length ? wallEnd - Math.max(...all.map((r) => r.end)) : 0,
      notOk: stats.flatMap((h) => h.requests.filter((r) => r.status !== 200).map((r) => `${vendorOf.get(h.origin)}${r.path}: HTTP ${r.status}`)),
      repeated: [...new Set(served.filter((u, i) => served.indexOf(u) !== i))],
      unserved: fetched.filter((u) => !served.includes(u)),
      unreported: served.filter((u) => !fetched.includes(u)),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** What must hold: every source ok, each document fetched once from its host, one request per host at a time, nothing proposed. */
export function nightlyErrors(r: NightlyResult): string[] {
  const errors: string[] = [];
  if ((r.statuses.ok ?? 0) !== r.sources) errors.push(`${r.sources - (r.statuses.ok ?? 0)} of ${r.sources} sources not ok: ${r.failures.slice(0, 3).join("; ")}`);
  if (r.maxInFlightPerHost !== 1) errors.push(`a host had ${r.maxInFlightPerHost} requests at once`);
  if (r.mode === "sequential" && r.maxInFlightOverall !== 1) errors.push(`sequential run had ${r.maxInFlightOverall} requests at once`);
  if (r.documents !== r.expectedDocuments) errors.push(`${r.documents} documents fetched, the saved pages have ${r.expectedDocuments} for these sources`);
  if (r.notOk.length > 0) errors.push(`requests not answered 200: ${r.notOk.slice(0, 3).join("; ")}`);
  if (r.repeated.length > 0) errors.push(`documents fetched more than once: ${r.repeated.slice(0, 3).join("; ")}`);
  if (r.unserved.length > 0 || r.unreported.length > 0) errors.push(`the run's documents and the hosts' requests differ: ${[...r.unserved, ...r.unreported].slice(0, 3).join("; ")}`);
  if (r.proposals !== 0) errors.push(`${r.proposals} proposals: the catalog does not match the pages`);
  if (r.verified === 0) errors.push(`no entry verified`);
  return errors;
}

// `nightly.ts <per-host|sequential> <copies> <copied source ids, comma-separated, or -> <stand-ins JSON>`
runAsChild(import.meta.url, async ([mode, copies = "1", copied = "-", standIns]) => {
  if ((mode !== "per-host" && mode !== "sequential") || !standIns || !(Number(copies) >= 1)) {
    throw new Error("usage: nightly.ts <per-host|sequential> <copies> <copied ids|-> <stand-ins JSON>");
  }
  const result = await nightlyReplay(JSON.parse(standIns) as StandIns, {
    copies: Number(copies),
    ...(copied !== "-" ? { copied: copied.split(",") } : {}),
    sequential: mode === "sequential",
  });
  return { ...result, errors: nightlyErrors(result) };
});
