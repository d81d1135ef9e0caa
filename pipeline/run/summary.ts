import type { RunReport, SourceReport } from "../../schemas/run-report.ts";
import { escapeMarkdown } from "../publish/markdown.ts";

/** One line per source for the terminal and the job log. */
export function summaryLine(s: SourceReport): string {
  const c = s.counts;
  const detail =
    s.status === "ok"
      ? `${c.covered} covered: ${c.verified} verified, ${c.changed} changed, ${c.incomplete} incomplete, ${c.missing} missing; ${c.untracked} untracked on the page`
      : (s.reason ?? "");
  return `${s.source.padEnd(20)} ${s.status.toUpperCase().padEnd(8)} ${detail}`;
}

/** The GitHub Actions job summary: failures first, then what each source did. */
export function renderStepSummary(report: RunReport): string {
  const lines = [`## catalog-freshness run ${report.runDate}${report.dryRun ? " (dry run)" : ""}`, ""];
  const failing = report.sources.filter((s) => s.status !== "ok");
  if (failing.length > 0 || report.problems.length > 0) {
    lines.push("> [!CAUTION]", "> Nothing from these was applied:");
    for (const s of failing) lines.push(`> - **${s.source}** ${s.status}: ${escapeMarkdown(s.reason ?? "")}`);
    for (const p of report.problems) lines.push(`> - ${escapeMarkdown(p.where)}: ${escapeMarkdown(p.message)}`);
    lines.push("");
  }
  lines.push("| Source | Status | Verified | Changed | Incomplete | Missing | Untracked | Pull request |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const s of report.sources) {
    const c = s.counts;
    const pr = s.pullRequest ? `${s.pullRequest.action}${s.pullRequest.url ? ` [#${s.pullRequest.number}](${s.pullRequest.url})` : ""}` : "";
    lines.push(`| ${s.source} | ${s.status} | ${c.verified} | ${c.changed} | ${c.incomplete} | ${c.missing} | ${c.untracked} | ${pr} |`);
  }
  if (report.verification) {
    lines.push("", `Verified ${report.verification.entries.length} entries${report.verification.commit ? ` in ${report.verification.commit.slice(0, 7)}` : ""}.`);
  }
  return `${lines.join("\n")}\n`;
}
