import { createHash } from "node:crypto";
import type { PriceAdded, PriceChange, SourceDiff, UntrackedModel } from "../../schemas/diff.ts";
import type { ModelEvidence } from "../../schemas/evidence.ts";
import type { AmountAccounting } from "../../schemas/observation.ts";
import { passedOverSummary } from "../extract/accounting.ts";
import { perUnitText } from "../../schemas/price-key.ts";
import { ModelId, type ModelEntry } from "../../schemas/model-entry.ts";
import { type EntryProposals, isRestructured, proposalsOf } from "../diff/proposals.ts";
import { escapeMarkdown, formatPercent, formatUsd, quotePageText } from "./markdown.ts";

export const BRANCH_PREFIX = "catalog-freshness/";
export const REVIEW_LABEL = "needs-careful-review";
export const BASE_LABELS = ["catalog-freshness", "automation"];

/** The page a PR is about, as the fetch layer recorded it. */
export interface PageEvidence {
  url: string;
  fetchedAt: string;
  sha256: string;
  /**
   * For a source of several documents: each one the run read (vendor URL, capture, sha256), so the PR names
   * the page each price came from. Absent for a one-page source (the fields above are its page).
   */
  documents?: DocumentEvidence[];
  /** Where a reviewer finds the stored page and report (the Actions run page), when known. */
  runUrl?: string;
  /** The run directory, named when there is no run page (a local run). */
  runDir?: string;
  /** Screenshots and charts saved for the changed models, paths relative to the run directory. */
  artifacts?: ModelEvidence[];
  /** Where each of those files is served on the forge (run-relative path → URL), to show them inline. */
  artifactUrls?: Record<string, string>;
  /** Per document: the amounts it states and where each went (read, passed over by a rule, unread). */
  accounting?: AmountAccounting[];
  /** Set when the page was replayed from a saved file, not fetched from the vendor. */
  replayed?: Replayed;
}

/** A replayed page: the saved file it came from, and when that page was captured from the vendor, when known. */
export interface Replayed {
  file: string;
  capturedAt?: string;
}

export interface DocumentEvidence {
  name: string;
  url: string;
  fetchedAt: string;
  sha256: string;
  replayed?: Replayed;
}

/** GitHub refuses PR bodies over 65536 characters; the tracking list gives way first. */
const MAX_BODY = 60_000;

export interface PullRequestContent {
  branch: string;
  title: string;
  body: string;
  labels: string[];
  /** Stable id of the set of changes: the same page content gives the same id on every run. */
  changeId: string;
}

/** One branch per source; the id is ours, but check it anyway since it becomes a ref name. */
export function branchFor(sourceId: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(sourceId)) throw new Error(`source id ${JSON.stringify(sourceId)} cannot name a branch`);
  return `${BRANCH_PREFIX}${sourceId}`;
}

/** Marker hidden in the PR body so later runs can tell which change a PR (open or closed) proposed. */
export function markerOf(sourceId: string, changeId: string): string {
  return `<!-- catalog-freshness source=${sourceId} change=${changeId} -->`;
}

export function changeIdOf(body: string | null | undefined): string | undefined {
  return /<!-- catalog-freshness source=[a-z0-9-]+ change=([0-9a-f]{16}) -->/.exec(body ?? "")?.[1];
}

/** A proposal that needs a human before it lands, for the warning at the top. */
interface Held {
  model: string;
  price: string;
  what: string;
  guard: string;
}

/** Pure: the pull request a reviewer sees for one source's proposals (price changes, new and retired keys, scheduled prices). */
export function renderPullRequest(
  diff: SourceDiff,
  entries: ReadonlyMap<string, ModelEntry>,
  page: PageEvidence,
): PullRequestContent {
  const proposals = proposalsOf(diff);
  const changeId = createHash("sha256")
    .update(
      JSON.stringify(
        proposals.map((p) => [
          p.model,
          p.changes.map((c) => [c.price, c.new]),
          p.added.map((a) => ["+", a.price, a.usd]),
          p.retired.map((r) => ["-", r.price]),
          p.scheduled.map((s) => [s.kind, s.price, s.usd, s.effectiveFrom]),
          p.multipliers.map((m) => [m.kind, m.name, m.new ?? null]),
        ]),
      ),
    )
    .digest("hex")
    .slice(0, 16);
  const held: Held[] = proposals.flatMap((p) => [
    ...p.changes.flatMap((c) => (c.guard ? [{ model: p.model, price: c.price, what: `${formatUsd(c.old)} → ${formatUsd(c.new)}`, guard: c.guard }] : [])),
    ...p.added.flatMap((a) => (a.guard ? [{ model: p.model, price: a.price, what: `new at ${formatUsd(a.usd)}`, guard: a.guard }] : [])),
    ...p.retired.filter((r) => r.replacedBy.length === 0).map((r) => ({ model: p.model, price: r.price, what: `${formatUsd(r.usd)} retired`, guard: r.guard })),
    ...p.multipliers.flatMap((m) =>
      m.guard ? [{ model: p.model, price: `${m.name} multiplier`, what: m.kind === "vanish" ? `${m.old}× gone` : `${m.old}× → ${m.new}×`, guard: m.guard }] : [],
    ),
  ]);
  const reshaped = proposals.filter(isRestructured);
  const lapsed = proposals.flatMap((p) => p.scheduled.filter((s) => s.kind === "lapse").map((s) => ({ model: p.model, s })));

  const lines: string[] = [markerOf(diff.source, changeId), ""];
  if (reshaped.length > 0) {
    // First thing a reviewer reads: this is not a price edit but a new way of pricing the model.
    lines.push("> [!WARNING]", `> **Restructured prices**: the page prices ${reshaped.length} model(s) in a new shape. Old keys move to \`priceHistory\`.`);
    for (const p of reshaped) {
      for (const r of p.retired.filter((x) => x.replacedBy.length > 0)) {
        const now = r.replacedBy
          .map((k) => {
            const usd = p.added.find((a) => a.price === k)?.usd;
            return `\`${k}\`${usd !== undefined ? ` ${formatUsd(usd)} (${formatPercent(percentOf(r.usd, usd))})` : ""}`;
          })
          .join(" / ");
        lines.push(`> - \`${p.model}\`: \`${r.price}\` ${formatUsd(r.usd)} is now ${now} (from ${r.until})`);
      }
    }
    lines.push("");
  }
  if (held.length > 0) {
    lines.push(
      "> [!WARNING]",
      `> ${held.length} change(s) are held for careful review: a move over 10× or to/from zero, or a price gone from the page, is more often a misread page than a real price.`,
    );
    for (const h of held) lines.push(`> - \`${h.model}\` \`${h.price}\`: ${h.what}: ${h.guard}`);
    lines.push("");
  }
  if (lapsed.length > 0) {
    lines.push("> [!CAUTION]", `> ${lapsed.length} scheduled price(s) reached their day unconfirmed; they are dropped from \`scheduledPrices\`:`);
    for (const { model, s } of lapsed) lines.push(`> - \`${model}\` \`${s.price}\` ${formatUsd(s.usd)}: ${escapeMarkdown(s.reason ?? "")}`);
    lines.push("");
  }
  lines.push(`The **${diff.source}** page${page.documents ? "s state" : " states"} ${summaryOf(proposals)}.`, "");
  if (page.documents) {
    const used = new Set(proposals.flatMap((p) => [...p.changes, ...p.added, ...p.scheduled].map((c) => c.document).filter((d) => d !== undefined)));
    const shown = page.documents.filter((d) => used.has(d.url));
    for (const d of shown.length > 0 ? shown : page.documents) lines.push(`- Source: ${d.url} (${capturedText(d)} · sha256 \`${d.sha256}\`)`);
    if (shown.length > 0 && shown.length < page.documents.length) lines.push(`- Also read in this run: ${page.documents.length - shown.length} other document(s) of ${diff.source}`);
  } else {
    const when = page.replayed ? capturedText(page).replace(/^r/, "R") : `Captured: ${page.fetchedAt}`;
    lines.push(`- Source: ${page.url}`, `- ${when} · sha256 \`${page.sha256}\``);
  }
  lines.push(...accountingLines(page.accounting, page.documents));
  // Everything that differs from run to run stays on this one line (publish.ts ignores it when comparing bodies).
  if (page.runUrl) lines.push(`- Stored page, screenshot and run report: ${page.runUrl} (the run's artifact holds the files named below)`);
  else if (page.runDir) lines.push(`- Stored page, screenshot and run report: in the run directory \`${page.runDir}\` (files below are relative to it)`);
  lines.push("");

  for (const p of proposals) {
    const name = entries.get(p.model)?.name;
    lines.push(`### \`${p.model}\`${name ? ` (${escapeMarkdown(name)})` : ""}`, "", "| Price | Old | New | Change |", "| --- | ---: | ---: | ---: |");
    for (const c of p.changes) {
      const how = c.takesEffect ? ` (scheduled from ${c.takesEffect}, now confirmed)` : "";
      lines.push(`| \`${c.price}\` (${perUnitText(c.unit)}) | ${formatUsd(c.old)} | ${formatUsd(c.new)} | ${formatPercent(c.percent)}${c.guard ? " ⚠️" : ""}${how} |`);
    }
    for (const r of p.retired) {
      lines.push(`| \`${r.price}\` (${perUnitText(r.unit)}) | ${formatUsd(r.usd)} | — | retired${r.replacedBy.length > 0 ? `: now ${r.replacedBy.map((k) => `\`${k}\``).join(" / ")}` : " ⚠️"} (until ${r.until}) |`);
    }
    for (const a of p.added) {
      // A key in a new shape is compared with the key it takes the place of: $0.435 → $1.32 is a change too.
      const replaced = p.retired.find((r) => r.replacedBy.includes(a.price));
      if (replaced) {
        lines.push(`| \`${a.price}\` (${perUnitText(a.unit)}) | ${formatUsd(replaced.usd)} (as \`${replaced.price}\`) | ${formatUsd(a.usd)} | new shape, ${formatPercent(percentOf(replaced.usd, a.usd))} against \`${replaced.price}\`${a.guard ? " ⚠️" : ""} |`);
      } else lines.push(`| \`${a.price}\` (${perUnitText(a.unit)}) | — | ${formatUsd(a.usd)} | new${a.guard ? " ⚠️" : ""} |`);
    }
    for (const s of p.scheduled) {
      const now = s.current !== undefined ? formatUsd(s.current) : "—";
      if (s.kind === "announce") lines.push(`| \`${s.price}\` (${perUnitText(s.unit)}) | ${now} | from ${s.effectiveFrom}: ${formatUsd(s.usd)} | scheduled${s.current !== undefined ? `, ${formatPercent(percentOf(s.current, s.usd))}` : ""} |`);
      else lines.push(`| \`${s.price}\` (${perUnitText(s.unit)}) | from ${s.effectiveFrom}: ${formatUsd(s.usd)} | ${now} | ${s.kind === "withdraw" ? "announcement withdrawn" : "lapsed ⚠️"} |`);
    }
    for (const m of p.multipliers) {
      const old = m.old !== undefined ? `${m.old}×` : "—";
      const next = m.new !== undefined ? `${m.new}×` : "—";
      const what = m.kind === "add" ? "new multiplier" : m.kind === "vanish" ? "no longer stated ⚠️" : `${formatPercent(percentOf(m.old!, m.new!))}${m.guard ? " ⚠️" : ""}`;
      lines.push(`| \`${m.name}\` (multiplier of the standard prices) | ${old} | ${next} | ${what} |`);
    }
    lines.push("", ...quotedRows(p, page), ...withdrawals(p), ...artifactLines([...p.changes, ...p.added], page.artifacts?.find((a) => a.model === p.model), page.artifactUrls), "");
  }

  const notes = notesFor(diff);
  if (notes.length > 0) lines.push("### Also seen on the page (not changed by this PR)", "", ...notes);
  const footer =
    "Old and retired prices move to `priceHistory`; announced prices go to `scheduledPrices` until their day; `lastVerified` becomes the run date once every price the run saw is in the entry. This branch is rebuilt from the base branch on every run.";
  const used = lines.join("\n").length + footer.length + 2;
  lines.push(...trackingSection(diff, MAX_BODY - used), footer);

  const careful = held.length > 0 || reshaped.length > 0 || lapsed.length > 0;
  const labels = [...BASE_LABELS, `source:${diff.source}`, ...(careful ? [REVIEW_LABEL] : [])];
  return { branch: branchFor(diff.source), title: titleOf(diff.source, proposals, reshaped.length, careful), body: `${lines.join("\n")}\n`, labels, changeId };
}

/** The title says the kind of change first: a restructuring is seen before the table is read. */
function titleOf(source: string, proposals: readonly EntryProposals[], reshaped: number, careful: boolean): string {
  const review = careful ? " (needs careful review)" : "";
  const one = proposals.length === 1 ? proposals[0]!.model.split("/")[1] : undefined;
  if (reshaped > 0) return `${source}: restructured prices ${one ? `of ${one}` : `of ${reshaped} model(s)`}${review}`;
  const kinds = new Set(proposals.flatMap((p) => [...(p.changes.length ? ["change"] : []), ...(p.added.length ? ["new"] : []), ...(p.retired.length ? ["retired"] : []), ...(p.scheduled.length ? ["scheduled"] : []), ...(p.multipliers.length ? ["multiplier"] : [])]));
  const what = kinds.size === 1 && kinds.has("multiplier") ? "multipliers" : kinds.size === 1 && kinds.has("new") ? "new prices" : kinds.size === 1 && kinds.has("scheduled") ? "scheduled prices" : kinds.size === 1 && kinds.has("retired") ? "retired prices" : "price changes";
  if (one) return `${source}: ${one} ${what === "price changes" ? "price change" : what}${review}`;
  if (what === "multipliers") return `${source}: multipliers for ${proposals.length} models${review}`;
  return `${source}: ${what} for ${proposals.length} models${review}`;
}

function summaryOf(proposals: readonly EntryProposals[]): string {
  const n = (count: number, what: string) => (count > 0 ? [`${count} ${what}`] : []);
  const parts = [
    ...n(proposals.reduce((k, p) => k + p.changes.length, 0), "price(s) differently from the catalog"),
    ...n(proposals.reduce((k, p) => k + p.added.length, 0), "price(s) the catalog does not hold"),
    ...n(proposals.reduce((k, p) => k + p.retired.length, 0), "catalog price(s) no longer shown"),
    ...n(proposals.reduce((k, p) => k + p.scheduled.length, 0), "change(s) to scheduled prices"),
    ...n(proposals.reduce((k, p) => k + p.multipliers.length, 0), "change(s) to multipliers"),
  ];
  return `${parts.join(", ")} for ${proposals.length} model(s)`;
}

/** "captured <time>", or for a replayed page: not fetched from the vendor, which file, and when it was captured. */
function capturedText(page: { fetchedAt: string; replayed?: Replayed }): string {
  if (!page.replayed) return `captured ${page.fetchedAt}`;
  const when = page.replayed.capturedAt ? `captured ${page.replayed.capturedAt}` : "capture time unknown";
  return `replayed, not fetched from the vendor: the saved page ${page.replayed.file.split(/[\\/]/).slice(-2).join("/")} (${when}), replayed ${page.fetchedAt}`;
}

/**
 * One line per document whose amounts were not all read: how many it states, how many were read, passed over
 * (by which rule) and left unread, so a reviewer knows what the reading did not cover.
 */
export function accountingLines(accounting: readonly AmountAccounting[] | undefined, documents?: readonly DocumentEvidence[]): string[] {
  const lines = (accounting ?? []).flatMap((a) => {
    const summary = passedOverSummary(a);
    if (!summary) return [];
    const { passed, rules } = summary;
    const name = a.document ? (documents?.find((d) => d.url === a.document)?.name ?? a.document) : "the page";
    return [`- Amounts on ${name}: ${a.seen} stated, ${a.read} read, ${passed} passed over${rules ? ` (${rules})` : ""}, ${a.unread} unread`];
  });
  return lines;
}

function percentOf(old: number, next: number): number | null {
  return old === 0 ? null : Math.round(((next - old) / old) * 1000) / 10;
}

/**
 * Each new price with the page row it was read from, quoted, under the document that showed it: a reviewer
 * checks the number against the vendor's words. A line holding vendor text holds no markup of ours (no code
 * span), so it is easy to check that nothing in it is live.
 */
function quotedRows(p: EntryProposals, page: PageEvidence): string[] {
  const shown = [
    ...p.changes,
    ...p.added,
    ...p.scheduled.filter((s) => s.kind === "announce"),
    ...p.multipliers.filter((m) => m.kind !== "vanish").map((m) => ({ ...m, price: `${m.name} multiplier` })),
  ];
  const byDocument = new Map<string, Map<string, string[]>>();
  for (const c of shown) {
    const doc = c.document ?? page.url;
    const rows = byDocument.get(doc) ?? new Map<string, string[]>();
    rows.set(c.evidence ?? "", [...(rows.get(c.evidence ?? "") ?? []), escapeMarkdown(c.price)]);
    byDocument.set(doc, rows);
  }
  return [...byDocument].flatMap(([url, rows], i) => [
    ...(i > 0 ? [""] : []),
    `From [${page.documents ? (page.documents.find((d) => d.url === url)?.name ?? "the page") : "the page"}](${url}):`,
    "",
    ...[...rows].map(([row, keys]) => `- ${keys.join(", ")}: ${row ? `“${quotePageText(row)}”` : "*(the source recorded no row text)*"}`),
  ]);
}

/** A withdrawn announcement, with the page's own words where it says why. */
function withdrawals(p: EntryProposals): string[] {
  const out = p.scheduled.filter((s) => s.kind === "withdraw").map((s) =>
    s.reason ? `- ${escapeMarkdown(s.price)} from ${s.effectiveFrom} withdrawn; the page says: “${quotePageText(s.reason)}”` : `- ${escapeMarkdown(s.price)} from ${s.effectiveFrom} is no longer announced on the page (it gives no reason)`,
  );
  return out.length > 0 ? ["", ...out] : [];
}

/**
 * The screenshots and the history chart: shown inline where the forge serves them (the evidence branch), else
 * named as paths relative to the run directory; or why they are not there.
 */
function artifactLines(changes: readonly (PriceChange | PriceAdded)[], evidence: ModelEvidence | undefined, urls: Record<string, string> = {}): string[] {
  if (!evidence) return [];
  const out: string[] = [""];
  const several = evidence.screenshots.length > 1;
  for (const shot of evidence.screenshots) {
    // Prices from several tables (a Batch and a Standard one): say which prices each picture backs.
    const keys = changes.filter((c) => c.evidence !== undefined && shot.rows.includes(c.evidence)).map((c) => `\`${c.price}\``);
    const what = several ? `the table of ${keys.join(", ")}` : "the table";
    const caption = `Screenshot of ${what}, ${shot.rows.length === 1 ? "the row" : "the rows"} highlighted`;
    const url = urls[shot.file];
    out.push(url ? `- ${caption}:\n\n  ![${caption.replace(/[[\]`]/g, "")}](${url})\n` : `- ${caption}: \`${shot.file}\``);
  }
  // One line per reason: a row not found is named, a browser that did not start is said once.
  const reasons = new Map<string, string[]>();
  for (const n of evidence.notShown) reasons.set(n.reason, [...(reasons.get(n.reason) ?? []), ...(n.row ? [n.row] : [])]);
  for (const [reason, rows] of reasons) {
    const which = rows.length > 0 ? ` of ${rows.map((r) => `“${quotePageText(r, 80)}”`).join(", ")}` : "";
    out.push(`- No screenshot${which}: ${escapeMarkdown(reason)}`);
  }
  const chartUrl = evidence.chart ? urls[evidence.chart] : undefined;
  if (evidence.chart && chartUrl) out.push(`- Price history chart:\n\n  ![Price history chart](${chartUrl})`);
  else if (evidence.chart) out.push(`- Price history chart: \`${evidence.chart}\``);
  else if (evidence.chartProblem) out.push(`- No price history chart: ${escapeMarkdown(evidence.chartProblem)}`);
  return out;
}

/** What else the page said, folded away: a reviewer's attention belongs to the price table above. */
function notesFor(diff: SourceDiff): string[] {
  const section = (title: string, items: string[]) =>
    items.length === 0 ? [] : [`<details><summary>${title} (${items.length})</summary>`, "", ...items, "", "</details>", ""];
  const announced: string[] = [];
  const incomplete: string[] = [];
  const missing: string[] = [];
  for (const e of diff.entries) {
    if (e.outcome === "incomplete") {
      const notOnPage = e.notOnPage.length > 0 ? [`not on the page: ${e.notOnPage.map((k) => `\`${k}\``).join(", ")}`] : [];
      incomplete.push(`- \`${e.model}\`: ${[...notOnPage, ...(e.reasons ?? []).map(escapeMarkdown)].join("; ")}`);
    }
    if (e.outcome === "missing") missing.push(`- \`${e.model}\``);
    if (e.outcome === "missing") continue;
    for (const a of e.announced) {
      announced.push(`- \`${e.model}\` \`${a.price}\`: ${formatUsd(a.usd)} from ${a.effectiveFrom}${a.current !== undefined ? ` (now ${formatUsd(a.current)})` : ""}`);
    }
  }
  const retire = diff.retireSuggested.map((r) => `- \`${r.model}\`: on none of the pages, last verified ${r.lastVerified} (${r.days} days ago): mark it \`"retired"\` if the vendor no longer offers it`);
  return [
    ...section("Prices announced for a later day", announced),
    ...section("Not verified: catalog prices not judged", incomplete),
    ...section("Catalog models no longer on the page", missing),
    ...section("Entries that look retired", retire),
  ];
}

/** More models than this and the tracking list is folded, so the price change stays the first thing seen. */
const TRACKING_UNFOLDED = 5;

/**
 * Models the page lists that the catalog does not track, once each, with the prices seen and the one
 * command that adds one; names the source could not map to an id need the source taught first.
 */
function trackingSection(diff: SourceDiff, budget = MAX_BODY): string[] {
  const models = new Map<string, UntrackedModel>();
  for (const u of diff.untracked) {
    const seen = models.get(u.model);
    if (!seen) models.set(u.model, { ...u, prices: [...u.prices] });
    else for (const p of u.prices) if (!seen.prices.some((q) => q.price === p.price)) seen.prices.push(p);
  }
  if (models.size === 0) return [];
  const items: string[] = [];
  // Those that can be added now first; names the source still has to learn last.
  const ordered = [...models.values()].sort((a, b) => Number(b.prices.length > 0) - Number(a.prices.length > 0));
  for (const u of ordered) {
    if (!ModelId.safeParse(u.model).success) {
      items.push(`- ${quotePageText(u.model, 200)} (${quotePageText(u.where, 200)}): no prices read; the source must map this name to a model id before it can be added`);
      continue;
    }
    if (u.prices.length === 0) {
      items.push(`- \`${u.model}\`: no current price read for it on this page`);
      continue;
    }
    const byUnit = new Map<string, string[]>();
    for (const p of u.prices) byUnit.set(p.unit, [...(byUnit.get(p.unit) ?? []), `\`${p.price}\` ${formatUsd(p.usd)}`]);
    const prices = [...byUnit].map(([unit, list]) => `${unit === "image" ? "per image" : `per ${unit}`}: ${list.join(" · ")}`);
    items.push([`- \`${u.model}\`: \`npm run catalog -- add ${u.model} --from ${diff.source}\``, ...prices.map((p) => `  - ${p}`)].join("\n"));
  }
  const fold = models.size > TRACKING_UNFOLDED;
  const head = [
    `### Models on the page that the catalog does not track (${models.size})`,
    "",
    "Each can be added in one step with the command shown, from the prices this run saw (`add` reads the run's `report.json`: when the run was not local, unpack its artifact and add `--run-dir DIR`).",
    "",
    ...(fold ? [`<details><summary>${models.size} models, their prices and the command to add each</summary>`, ""] : []),
  ];
  const tail = [...(fold ? ["", "</details>"] : []), ""];
  // Within the body's size limit: a page listing hundreds of models must not stop the PR from opening.
  let room = budget - [...head, ...tail].join("\n").length - 200;
  const kept: string[] = [];
  for (const item of items) {
    if (item.length + 1 > room) break;
    kept.push(item);
    room -= item.length + 1;
  }
  const dropped = items.length - kept.length;
  if (dropped > 0) kept.push(`- … and ${dropped} more: see \`untracked\` in the run's report.json`);
  return [...head, ...kept, ...tail];
}
