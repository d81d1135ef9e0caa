import { createHash } from "node:crypto";
import type { EntryDiff, SourceDiff } from "../../schemas/diff.ts";
import { ModelId, type ModelEntry } from "../../schemas/model-entry.ts";
import { escapeMarkdown, formatPercent, formatUsd } from "./markdown.ts";

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
}

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
  if (page.runUrl) lines.push(`- Stored page, screenshot and run report: ${page.runUrl}`);
  lines.push("");

  for (const e of changed) {
    const name = entries.get(e.model)?.name;
    lines.push(`### \`${e.model}\`${name ? ` (${escapeMarkdown(name)})` : ""}`, "", "| Price | Old | New | Change |", "| --- | ---: | ---: | ---: |");
    for (const c of e.changes) {
      const unit = c.unit === "image" ? "per image" : "per 1M tokens";
      lines.push(`| \`${c.price}\` (${unit}) | ${formatUsd(c.old)} | ${formatUsd(c.new)} | ${formatPercent(c.percent)}${c.guard ? " ⚠️" : ""} |`);
    }
    const evidence = [...new Set(e.changes.map((c) => c.evidence).filter((x): x is string => !!x))];
    if (evidence.length > 0) {
      lines.push("", "<details><summary>Evidence from the page</summary>", "");
      for (const text of evidence) lines.push(`- ${escapeMarkdown(text)}`);
      lines.push("", "</details>");
    }
    lines.push("");
  }

  const notes = notesFor(diff);
  if (notes.length > 0) lines.push("### Also seen on the page (not changed by this PR)", "", ...notes);
  lines.push("Old prices move to `priceHistory`; `lastVerified` becomes the run date. This branch is rebuilt from the base branch on every run.");

  const labels = [...BASE_LABELS, `source:${diff.source}`, ...(guarded.length > 0 ? [REVIEW_LABEL] : [])];
  const first = changed[0]?.model.split("/")[1] ?? "";
  const title = `${diff.source}: ${changed.length === 1 ? `${first} price change` : `price changes for ${changed.length} models`}${guarded.length ? " (needs careful review)" : ""}`;
  return { branch: branchFor(diff.source), title, body: `${lines.join("\n")}\n`, labels, changeId };
}

/** What else the page said, folded away: a reviewer's attention belongs to the price table above. */
function notesFor(diff: SourceDiff): string[] {
  const section = (title: string, items: string[]) =>
    items.length === 0 ? [] : [`<details><summary>${title} (${items.length})</summary>`, "", ...items, "", "</details>", ""];
  const code = (id: string) => (ModelId.safeParse(id).success ? `\`${id}\`` : escapeMarkdown(id));
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
    ...section("Models on the page that the catalog does not track", diff.untracked.map((u) => `- ${code(u.model)}`)),
  ];
}
