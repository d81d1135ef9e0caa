import { passedOverSummary } from "../extract/accounting.ts";
import type { RunReport } from "../../schemas/run-report.ts";
import { escapeMarkdown } from "../publish/markdown.ts";
import { nextStepForProblem } from "./next-step.ts";
import { COUNT_COLUMNS, formatDuration } from "./terminal.ts";
import { ADD_COMMAND, formatSeenPrices, listUntracked } from "./untracked.ts";

/**
 * The GitHub Actions job summary: failures first (each with its next step), then what each source did,
 * then the models the vendor pages list that the catalog does not have.
 */
export function renderStepSummary(report: RunReport): string {
  const lines = [`## catalog-freshness run ${report.runDate}${report.dryRun ? " (dry run)" : ""}`, ""];
  const failing = report.sources.filter((s) => s.status !== "ok");
  if (failing.length > 0 || report.problems.length > 0) {
    lines.push("> [!CAUTION]", "> Nothing from these was applied:");
    for (const s of failing) {
      const next = s.nextStep;
      lines.push(`> - **${s.source}** ${s.status}: ${escapeMarkdown(s.reason ?? "")}${next ? `<br>Next: ${escapeMarkdown(next)}` : ""}`);
    }
    for (const p of report.problems) {
      lines.push(`> - ${escapeMarkdown(p.where)}: ${escapeMarkdown(p.message)}<br>Next: ${escapeMarkdown(nextStepForProblem(p))}`);
    }
    lines.push("");
  }
  lines.push(
    `| Source | Status | ${COUNT_COLUMNS.map((c) => c[0]!.toUpperCase() + c.slice(1)).join(" | ")} | Time | Pull request |`,
    `| --- | --- | ${COUNT_COLUMNS.map(() => "---:").join(" | ")} | ---: | --- |`,
  );
  for (const s of report.sources) {
    const counts = COUNT_COLUMNS.map((k) => (s.status === "ok" ? s.counts[k] : "–"));
    const pr = s.pullRequest ? `${s.pullRequest.action}${s.pullRequest.url ? ` [#${s.pullRequest.number}](${s.pullRequest.url})` : ""}` : "";
    lines.push(`| ${s.source} | ${s.status} | ${counts.join(" | ")} | ${formatDuration(s.timings.totalMs)} | ${pr} |`);
  }
  const accounting = report.sources.flatMap((s) =>
    (s.accounting ?? []).flatMap((a) => {
      const summary = passedOverSummary(a);
      if (!summary) return [];
      const { passed, rules } = summary;
      return [`| ${s.source} | ${a.document ?? "page"} | ${a.seen} | ${a.read} | ${passed}${rules ? ` (${rules})` : ""} | ${a.unread} |`];
    }),
  );
  if (accounting.length > 0) {
    lines.push("", "| Source | Document | Amounts stated | Read | Passed over (rule) | Unread |", "| --- | --- | ---: | ---: | --- | ---: |", ...accounting);
  }
  if (report.verification) {
    lines.push("", `Verified ${report.verification.entries.length} entries${report.verification.commit ? ` in ${report.verification.commit.slice(0, 7)}` : ""}.`);
  }

  const untracked = listUntracked(report);
  if (untracked.length > 0) {
    // Folded: a page can list dozens of models the catalog leaves out on purpose.
    lines.push(
      "",
      `<details><summary>${untracked.length} model(s) on the vendor pages are not in the catalog</summary>`,
      "",
      `Add one with \`${ADD_COMMAND}\`.`,
      "",
      "| Model | Source | Prices seen |",
      "| --- | --- | --- |",
      ...untracked.map((u) => {
        const seen = u.prices.length > 0 ? formatSeenPrices(u.prices) : `no catalog id for this name (at ${u.where})`;
        const model = u.prices.length > 0 ? `\`${u.model}\`` : escapeMarkdown(u.model);
        return `| ${model} | ${u.sources.join(", ")} | ${escapeMarkdown(seen)} |`;
      }),
      "",
      "</details>",
    );
  }
  return `${lines.join("\n")}\n`;
}
