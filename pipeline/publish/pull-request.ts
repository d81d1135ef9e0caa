import { createHash } from "node:crypto";
import type { EntryDiff, PriceChange, SourceDiff, UntrackedModel } from "../../schemas/diff.ts";
import type { ModelEvidence } from "../../schemas/evidence.ts";
import { ModelId, type ModelEntry } from "../../schemas/model-entry.ts";
import { escapeMarkdown, formatPercent, formatUsd, quotePageText } from "./markdown.ts";

export const BRANCH_PREFIX = "catalog-freshness/";
export const REVIEW_LABEL = "needs-careful-review";
export const BASE_LABELS = ["catalog-freshness", "automation"];

/** The page a PR is about, as the fetch layer recorded it. */
export interface PageEvidence {
  url: string;
  fetchedAt: string;
  sha256: string;
  /** Where a reviewer finds the stored page and report (the Actions run page), when known. */
  runUrl?: string;
  /** The run directory, named when there is no run page (a local run). */
  runDir?: string;
  /** Screenshots and charts saved for the changed models, paths relative to the run directory. */
  artifacts?: ModelEvidence[];
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

type Changed = Extract<EntryDiff, { outcome: "changed" }>;

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

/** Pure: the pull request a reviewer sees for one source's price changes. */
export function renderPullRequest(
  diff: SourceDiff,
  entries: ReadonlyMap<string, ModelEntry>,
  page: PageEvidence,
): PullRequestContent {
  const changed = diff.entries.filter((e): e is Changed => e.outcome === "changed");
  const changeId = createHash("sha256")
    .update(JSON.stringify(changed.map((e) => [e.model, e.changes.map((c) => [c.price, c.new])])))
    .digest("hex")
    .slice(0, 16);
  const guarded = changed.flatMap((e) => e.changes.filter((c) => c.guard).map((c) => ({ model: e.model, change: c })));
  const priceCount = changed.reduce((n, e) => n + e.changes.length, 0);

  const lines: string[] = [markerOf(diff.source, changeId), ""];
  if (guarded.length > 0) {
    lines.push(
      "> [!WARNING]",
      `> ${guarded.length} change(s) are held for careful review: a move over 10× or to/from zero is more often a misread page than a real price.`,
    );
    for (const { model, change } of guarded) {
      lines.push(`> - \`${model}\` \`${change.price}\`: ${formatUsd(change.old)} → ${formatUsd(change.new)}: ${change.guard}`);
    }
    lines.push("");
  }
  lines.push(
    `The **${diff.source}** page states ${priceCount} price(s) of ${changed.length} model(s) differently from the catalog.`,
    "",
    `- Source: ${page.url}`,
    `- Captured: ${page.fetchedAt} · sha256 \`${page.sha256}\``,
  );
  // Everything that differs from run to run stays on this one line (publish.ts ignores it when comparing bodies).
  if (page.runUrl) lines.push(`- Stored page, screenshot and run report: ${page.runUrl} (the run's artifact holds the files named below)`);
  else if (page.runDir) lines.push(`- Stored page, screenshot and run report: in the run directory \`${page.runDir}\` (files below are relative to it)`);
  lines.push("");

  for (const e of changed) {
    const name = entries.get(e.model)?.name;
    lines.push(`### \`${e.model}\`${name ? ` (${escapeMarkdown(name)})` : ""}`, "", "| Price | Old | New | Change |", "| --- | ---: | ---: | ---: |");
    for (const c of e.changes) {
      const unit = c.unit === "image" ? "per image" : "per 1M tokens";
      lines.push(`| \`${c.price}\` (${unit}) | ${formatUsd(c.old)} | ${formatUsd(c.new)} | ${formatPercent(c.percent)}${c.guard ? " ⚠️" : ""} |`);
    }
    lines.push("", ...quotedRows(e.changes, page.url), ...artifactLines(e.changes, page.artifacts?.find((a) => a.model === e.model)), "");
  }

  const notes = notesFor(diff);
  if (notes.length > 0) lines.push("### Also seen on the page (not changed by this PR)", "", ...notes);
  const footer = "Old prices move to `priceHistory`; `lastVerified` becomes the run date. This branch is rebuilt from the base branch on every run.";
  const used = lines.join("\n").length + footer.length + 2;
  lines.push(...trackingSection(diff, MAX_BODY - used), footer);

  const labels = [...BASE_LABELS, `source:${diff.source}`, ...(guarded.length > 0 ? [REVIEW_LABEL] : [])];
  const first = changed[0]?.model.split("/")[1] ?? "";
  const title = `${diff.source}: ${changed.length === 1 ? `${first} price change` : `price changes for ${changed.length} models`}${guarded.length ? " (needs careful review)" : ""}`;
  return { branch: branchFor(diff.source), title, body: `${lines.join("\n")}\n`, labels, changeId };
}

/**
 * Each new price with the page row it was read from, quoted: a reviewer checks the number against the
 * vendor's words. A line holding vendor text holds no markup of ours (no code span), so it is easy to
 * check that nothing in it is live.
 */
function quotedRows(changes: readonly PriceChange[], url: string): string[] {
  const byRow = new Map<string, string[]>();
  for (const c of changes) byRow.set(c.evidence ?? "", [...(byRow.get(c.evidence ?? "") ?? []), escapeMarkdown(c.price)]);
  return [
    `From [the page](${url}):`,
    "",
    ...[...byRow].map(([row, keys]) => `- ${keys.join(", ")}: ${row ? `“${quotePageText(row)}”` : "*(the source recorded no row text)*"}`),
  ];
}

/** Where the screenshot and the history chart are (paths relative to the run directory), or why they are not. */
function artifactLines(changes: readonly PriceChange[], evidence: ModelEvidence | undefined): string[] {
  if (!evidence) return [];
  const out: string[] = [""];
  const several = evidence.screenshots.length > 1;
  for (const shot of evidence.screenshots) {
    // Prices from several tables (a Batch and a Standard one): say which prices each picture backs.
    const keys = changes.filter((c) => c.evidence !== undefined && shot.rows.includes(c.evidence)).map((c) => `\`${c.price}\``);
    const what = several ? `the table of ${keys.join(", ")}` : "the table";
    out.push(`- Screenshot of ${what}, ${shot.rows.length === 1 ? "the row" : "the rows"} highlighted: \`${shot.file}\``);
  }
  // One line per reason: a row not found is named, a browser that did not start is said once.
  const reasons = new Map<string, string[]>();
  for (const n of evidence.notShown) reasons.set(n.reason, [...(reasons.get(n.reason) ?? []), ...(n.row ? [n.row] : [])]);
  for (const [reason, rows] of reasons) {
    const which = rows.length > 0 ? ` of ${rows.map((r) => `“${quotePageText(r, 80)}”`).join(", ")}` : "";
    out.push(`- No screenshot${which}: ${escapeMarkdown(reason)}`);
  }
  if (evidence.chart) out.push(`- Price history chart: \`${evidence.chart}\``);
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
    if (e.outcome === "incomplete") incomplete.push(`- \`${e.model}\`: ${e.notOnPage.map((k) => `\`${k}\``).join(", ")}`);
    if (e.outcome === "missing") missing.push(`- \`${e.model}\``);
    if (e.outcome === "missing") continue;
    for (const a of e.announced) {
      announced.push(`- \`${e.model}\` \`${a.price}\`: ${formatUsd(a.usd)} from ${a.effectiveFrom}${a.current !== undefined ? ` (now ${formatUsd(a.current)})` : ""}`);
    }
  }
  return [
    ...section("Prices announced for a later day", announced),
    ...section("Not verified: catalog prices not on the page", incomplete),
    ...section("Catalog models no longer on the page", missing),
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
