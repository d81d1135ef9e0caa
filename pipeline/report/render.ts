import { FreshnessReport, type StaleEntry } from "../../schemas/freshness-report.ts";
import { escapeMarkdown } from "../publish/markdown.ts";

export const REPORT_FORMATS = ["table", "markdown", "json"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

const NO_SOURCE = "no automated source";

export function renderReport(report: FreshnessReport, format: ReportFormat): string {
  if (format === "json") return `${JSON.stringify(FreshnessReport.parse(report), null, 2)}\n`;
  return format === "markdown" ? renderMarkdown(report) : renderTable(report);
}

/**
 * `9 of 77 entries stale (lastVerified more than 30 days before 2026-11-24): mistral 6, openai 3; 5 have no
 * automated source` — the one line a maintainer reads first, in every format.
 */
export function summaryLine(report: FreshnessReport): string {
  const head = `${report.stale} of ${report.entries} entries stale (lastVerified more than ${days(report.staleAfterDays)} before ${report.asOf})`;
  if (report.stale === 0) return `${head}${retiredPart(report)}`;
  const byVendor = report.vendors.filter((v) => v.stale.length > 0).map((v) => `${v.vendor} ${v.stale.length}`).join(", ");
  const n = report.withoutAutomatedSource;
  return `${head}: ${byVendor}; ${n} ${n === 1 ? "has" : "have"} no automated source${retiredPart(report)}`;
}

function retiredPart(report: FreshnessReport): string {
  return report.retired > 0 ? `; ${report.retired} retired, not counted` : "";
}

/** For a terminal: one block per vendor, columns aligned across all blocks, the summary last. */
export function renderTable(report: FreshnessReport): string {
  const header = ["model", "last verified", "age (days)", "source"];
  const rows = report.vendors.flatMap((v) => v.stale.map(cells));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Age is a number: right-aligned, so the digits line up.
  const line = (r: string[]) =>
    `  ${r.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ")}`.trimEnd();
  const blocks = report.vendors.map((v) =>
    [
      `${v.vendor}: ${v.stale.length} of ${v.entries} entries stale`,
      ...(v.stale.length > 0 ? [line(header), ...v.stale.map((e) => line(cells(e)))] : []),
      ...v.retired.map((e) => `  retired ${e.retired}: ${e.id} (last verified ${e.lastVerified})`),
    ].join("\n"),
  );
  return `${[...blocks, summaryLine(report)].join("\n\n")}\n`;
}

/**
 * For a GitHub job summary: a heading, the summary, one folded table per vendor (the summary line is what
 * a reader scans every night; a vendor's rows are one click away); every text cell escaped.
 */
export function renderMarkdown(report: FreshnessReport): string {
  const out = ["## Catalog freshness", "", `${escapeMarkdown(summaryLine(report))}.`];
  for (const v of report.vendors) {
    out.push("", `<details><summary>${escapeMarkdown(v.vendor)}: ${v.stale.length} of ${v.entries} entries stale</summary>`, "");
    if (v.stale.length > 0) {
      out.push("| model | last verified | age (days) | source |", "| --- | --- | ---: | --- |");
      for (const e of v.stale) out.push(`| ${cells(e).map(escapeMarkdown).join(" | ")} |`);
    }
    if (v.retired.length > 0) out.push(...(v.stale.length > 0 ? [""] : []), `Retired: ${v.retired.map((e) => `${escapeMarkdown(e.id)} (${e.retired})`).join(", ")}`);
    out.push("", "</details>");
  }
  return `${out.join("\n")}\n`;
}

function cells(e: StaleEntry): string[] {
  return [e.id, e.lastVerified, String(e.ageDays), e.coveredBy.join(", ") || NO_SOURCE];
}

function days(n: number): string {
  return n === 1 ? "1 day" : `${n} days`;
}
