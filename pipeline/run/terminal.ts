/**
 * What a run prints in a terminal or a log: one progress line per event, the summary table, the untracked
 * models and the error lines. Pure renderers; whether to colour is decided once, at the edge (`colourFor`).
 */
import { passedOverSummary } from "../extract/accounting.ts";
import type { RunReport, SourceReport } from "../../schemas/run-report.ts";
import { describeFailure, problemErrorLine, sourceErrorLine } from "./next-step.ts";
import type { RunErrorEvent, RunEvent } from "./progress.ts";
import { ADD_COMMAND, formatSeenPrices, listUntracked } from "./untracked.ts";

type Style = "red" | "green" | "yellow" | "dim" | "bold";
const SGR: Record<Style, [open: number, close: number]> = { red: [31, 39], green: [32, 39], yellow: [33, 39], dim: [2, 22], bold: [1, 22] };

/** `text` in `style` when colouring, else `text` unchanged. */
export function paint(style: Style, text: string, colour: boolean): string {
  if (!colour || text === "") return text;
  const [open, close] = SGR[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/**
 * Colour only where a person looks at a terminal: the stream is a TTY, NO_COLOR is not set and TERM is not
 * dumb. FORCE_COLOR forces it on (any value but 0/false) or off (0/false), as in Node and most CLIs.
 */
export function colourFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force !== "false";
  if (env.NO_COLOR) return false;
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

/** `180 ms`, `1.2 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `812 B`, `12.5 kB`, `5.2 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

const STATUS_STYLE: Record<SourceReport["status"], Style> = { ok: "green", partial: "yellow", failed: "red" };

export interface LineOptions {
  colour: boolean;
  /** The width source ids are padded to, so that concurrent sources' lines stay aligned. */
  width: number;
}

/**
 * The progress line of one event, or undefined for events that belong to the error lines at the end
 * (`problem`). A failed source gets a short line here; its full error line with the next step comes at the end.
 */
export function renderProgressLine(event: RunEvent, options: LineOptions): string | undefined {
  const { colour } = options;
  const prefix = (source: string) => paint("bold", source.padEnd(options.width), colour);
  switch (event.kind) {
    case "start":
      return `run ${event.runDate}${event.dryRun ? " (dry run)" : ""}: ${event.sources.length} source(s): ${event.sources.join(", ")}`;
    case "fetching":
      return `${prefix(event.source)}  fetching ${event.url}`;
    case "fetched":
      return `${prefix(event.source)}  fetched ${event.document ? `${event.document} ` : ""}${formatBytes(event.bytes)} (HTTP ${event.httpStatus}) in ${formatDuration(event.ms)}`;
    case "redirected":
      return `${prefix(event.source)}  followed a redirect: ${event.from} → ${event.to}`;
    case "parsed": {
      const status = paint(STATUS_STYLE[event.status], event.status, colour);
      const problems = event.problems > 0 ? `, ${event.problems} problem(s)${event.outsideCatalog ? " about models not in the catalog (compared)" : ""}` : "";
      return `${prefix(event.source)}  parsed ${event.prices} price(s): ${status}${problems} in ${formatDuration(event.ms)}`;
    }
    case "diffed": {
      const c = event.counts;
      const shape = [
        ...(c.reshaped > 0 ? [`${c.reshaped} reshaped`] : []),
        ...(c.added > 0 ? [`${c.added} new price(s)`] : []),
        ...(c.retired > 0 ? [`${c.retired} retired`] : []),
        ...(c.scheduled > 0 ? [`${c.scheduled} scheduled`] : []),
        ...(c.multipliers > 0 ? [`${c.multipliers} multiplier(s)`] : []),
      ];
      return `${prefix(event.source)}  diff: ${c.verified} verified, ${c.changed} changed, ${shape.map((x) => `${x}, `).join("")}${c.incomplete} incomplete, ${c.missing} missing, ${c.untracked} untracked`;
    }
    case "failed":
      return `${prefix(event.source)}  ${paint("red", event.status, colour)}: ${oneLine(describeFailure(event.failure))}`;
    case "problem":
      return undefined;
  }
}

/**
 * `renderProgressLine` for a whole run: the `start` event sets the width source ids are padded to, so the
 * lines of sources running at once stay aligned.
 */
export function progressLineRenderer(colour: boolean): (event: RunEvent) => string | undefined {
  let width = 0;
  return (event) => {
    if (event.kind === "start") width = Math.max(0, ...event.sources.map((id) => id.length));
    return renderProgressLine(event, { colour, width });
  };
}

/** The error line of a failed source or a run problem: what happened, where, and the next step. */
export function renderErrorLine(event: RunErrorEvent, colour: boolean): string {
  const head = event.kind === "failed" ? event.source : event.problem.where;
  const line = oneLine(event.kind === "failed" ? sourceErrorLine(event.source, event.failure, event.nextStep) : problemErrorLine(event.problem, event.nextStep));
  // Both lines start with the source id or the problem's place: that is what is coloured.
  return `${paint("red", oneLine(head), colour)}${line.slice(oneLine(head).length)}`;
}

/** The block printed (on stderr) after a run that did not succeed; empty when everything worked. */
export function renderErrorBlock(events: readonly RunErrorEvent[], colour: boolean): string[] {
  if (events.length === 0) return [];
  const sources = events.filter((e) => e.kind === "failed").length;
  const problems = events.length - sources;
  const heading = [
    sources > 0 ? `${sources} source(s) did not succeed; nothing from them was applied` : "",
    problems > 0 ? `${problems} problem(s) publishing` : "",
  ]
    .filter(Boolean)
    .join("; ");
  return [`${paint("bold", heading, colour)} (see "When a source fails" in README.md):`, ...events.map((e) => `  ${renderErrorLine(e, colour)}`)];
}

/** The count columns of the summary table, as in `SourceReport.counts`: value changes apart from shape changes, new, retired and scheduled prices. */
export const COUNT_COLUMNS = ["verified", "changed", "reshaped", "added", "retired", "scheduled", "incomplete", "missing", "untracked"] as const;
const COLUMNS = ["source", "status", ...COUNT_COLUMNS, "time"] as const;

/**
 * The summary table: one row per source. Counts of a source that did not succeed are shown as "–":
 * nothing from it was compared or applied.
 */
export function renderSummaryTable(report: RunReport, colour: boolean): string[] {
  const rows = report.sources.map((s) => {
    const counts = COUNT_COLUMNS.map((k) => (s.status === "ok" ? String(s.counts[k]) : "–"));
    return [s.source, s.status, ...counts, formatDuration(s.timings.totalMs)];
  });
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const leftAligned = (i: number) => i < 2;
  const line = (cells: string[], styleOf: (i: number) => Style | undefined) =>
    cells
      .map((cell, i) => {
        const padded = leftAligned(i) ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!);
        const style = styleOf(i);
        return style ? paint(style, padded, colour) : padded;
      })
      .join("  ")
      .trimEnd();
  return [
    line([...COLUMNS], () => "dim"),
    ...rows.map((cells, r) => line(cells, (i) => (i === 1 ? STATUS_STYLE[report.sources[r]!.status] : undefined))),
  ];
}

/** The models on the vendor pages that the catalog does not have, once each, with the prices seen. */
export function renderUntracked(report: RunReport, colour: boolean): string[] {
  const listed = listUntracked(report);
  if (listed.length === 0) return [];
  const width = Math.min(48, Math.max(...listed.map((u) => u.model.length)));
  const sourceWidth = Math.max(...listed.map((u) => u.sources.join(", ").length));
  return [
    `${paint("bold", `${listed.length} model(s) on the vendor pages are not in the catalog`, colour)}; add one with: ${ADD_COMMAND}`,
    ...listed.map((u) => {
      const seen = u.prices.length > 0 ? formatSeenPrices(u.prices) : `no catalog id for this name (at ${u.where}): the source cannot read its prices yet`;
      return `  ${oneLine(u.model).padEnd(width)}  ${u.sources.join(", ").padEnd(sourceWidth)}  ${seen}`;
    }),
  ];
}

/**
 * Per source and document, where not every dollar amount was read: how many it states, read, passed over (by
 * which rule) and unread. Nothing when every amount of every document was read.
 */
export function renderAccounting(report: RunReport, colour: boolean): string[] {
  const lines = report.sources.flatMap((s) =>
    (s.accounting ?? []).flatMap((a) => {
      const summary = passedOverSummary(a);
      if (!summary) return [];
      const { passed, rules } = summary;
      const doc = a.document ? ` ${a.document}` : "";
      const unread = a.unread > 0 ? paint("red", `${a.unread} unread`, colour) : "0 unread";
      return [`  ${s.source}${doc}: ${a.seen} stated, ${a.read} read, ${passed} passed over${rules ? ` (${rules})` : ""}, ${unread}`];
    }),
  );
  return lines.length === 0 ? [] : [paint("bold", "amounts on the pages (stated, read, passed over by rule, unread)", colour), ...lines];
}

/** Page text must not break the one-line-per-event rule. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ");
}
