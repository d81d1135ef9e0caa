/**
 * The price history chart of a model page: one SVG per unit the model's changes touch (one scale per unit: a
 * price per image never shares an axis with a price per 1M tokens), every key of that unit drawn together, so
 * the old keys of a restructuring and the new keys that took their place read as one picture. Steps come from
 * `priceHistory` (from/until), the current price, the scheduled prices and the last run's proposals.
 *
 * Written here rather than reusing pipeline/evidence/price-chart.ts: that chart draws one panel per changed key
 * of one proposal for a pull request; a model page needs every key of a unit on one scale, over the model's whole
 * recorded life. The run's own chart is still shown on the page, as the run's evidence, where it exists.
 * Pure and dependency-free; the output is inline SVG (no script, no external font).
 */
import type { ModelEntry } from "../../schemas/model-entry.ts";
import { comparePriceKeys, type Unit, unitOf } from "../../schemas/price-key.ts";
import type { ChangeItem } from "./model.ts";
import { formatUsd, priceKeyInWords, unitHeading } from "./words.ts";

const WIDTH = 720;
const LEFT = 64;
const RIGHT = 20;
const TOP = 30;
const PLOT = 150;
const AXIS = 24;
const LEGEND_ROW = 18;
const MIN_LABEL_GAP = 78;
const DAY_MS = 86_400_000;
// Distinguishable on white with at least 3:1 contrast (WCAG non-text contrast); past eight, dashes tell them apart.
const PALETTE = ["#0969da", "#cf222e", "#1a7f37", "#8250df", "#9a6700", "#bf3989", "#0a7b83", "#57606a"];

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const iso = (d: number) => new Date(Math.round(d) * DAY_MS).toISOString().slice(0, 10);
const num = (n: number) => Number(n.toFixed(1)).toString();
const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

interface Step {
  usd: number;
  /** Undefined: the catalog does not record since when (drawn dashed from the chart's start). */
  start?: number;
  /** Undefined: still holds. */
  end?: number;
  kind: "history" | "current" | "scheduled" | "proposed";
}

interface Series {
  key: string;
  steps: Step[];
  summary: string;
  legend: string;
}

export interface UnitChart {
  unit: Unit;
  keys: string[];
  svg: string;
}

/** The units whose prices changed (recorded, scheduled or proposed), each with its chart; none when nothing changed. */
export function historyCharts(entry: ModelEntry, changes: readonly ChangeItem[], asOf: string): UnitChart[] {
  const mine = changes.filter((c) => c.model === entry.id);
  const changedUnits = new Set<Unit>([...entry.priceHistory.map((h) => h.unit), ...mine.map((c) => c.unit)]);
  const charts: UnitChart[] = [];
  for (const unit of changedUnits) {
    const keys = new Set<string>();
    for (const k of Object.keys(entry.prices)) if (unitOf(k) === unit) keys.add(k);
    for (const h of entry.priceHistory) if (h.unit === unit) keys.add(h.price);
    for (const c of mine) {
      if (c.unit !== unit) continue;
      keys.add(c.price);
      for (const r of c.replacedBy ?? []) keys.add(r.price);
    }
    const series = [...keys].sort(comparePriceKeys).map((key) => seriesOf(entry, key, mine));
    charts.push({ unit, keys: series.map((s) => s.key), svg: renderChart(entry, unit, series, asOf) });
  }
  return charts;
}

function seriesOf(entry: ModelEntry, key: string, changes: readonly ChangeItem[]): Series {
  const steps: Step[] = [];
  let previousEnd: number | undefined;
  for (const h of entry.priceHistory.filter((h) => h.price === key).sort((a, b) => a.until.localeCompare(b.until))) {
    const start = h.from !== undefined ? day(h.from) : previousEnd;
    steps.push({ usd: h.usd, ...(start !== undefined ? { start } : {}), end: day(h.until), kind: "history" });
    previousEnd = day(h.until);
  }
  const proposed = changes.filter((c) => c.status === "proposed" && c.price === key);
  const replacing = changes.filter((c) => c.status === "proposed" && c.replacedBy?.some((r) => r.price === key));
  const scheduled = changes.filter((c) => c.status === "scheduled" && c.price === key).sort((a, b) => a.day.localeCompare(b.day));
  const current = entry.prices[key];
  // The current price holds until a proposal or a scheduled price replaces it.
  const currentEnd = [...proposed, ...scheduled].map((c) => day(c.day)).sort((a, b) => a - b)[0];
  if (current) steps.push({ usd: current.usd, ...(previousEnd !== undefined ? { start: previousEnd } : {}), ...(currentEnd !== undefined ? { end: currentEnd } : {}), kind: "current" });
  for (const c of proposed) if (c.new !== undefined) steps.push({ usd: c.new, start: day(c.day), kind: "proposed" });
  for (const c of replacing) {
    const usd = c.replacedBy!.find((r) => r.price === key)!.usd;
    if (!steps.some((s) => s.kind === "proposed" && s.usd === usd)) steps.push({ usd, start: day(c.day), kind: "proposed" });
  }
  scheduled.forEach((c, i) => {
    const next = scheduled[i + 1];
    steps.push({ usd: c.new!, start: day(c.day), ...(next ? { end: day(next.day) } : {}), kind: "scheduled" });
  });
  const last = steps.at(-1);
  const retiredOn = !current && last?.end !== undefined && last.kind === "history" ? iso(last.end) : undefined;
  const values = steps.map((s) => formatUsd(s.usd));
  const notes = [
    ...(retiredOn ? [`no longer priced from ${retiredOn}`] : []),
    ...(steps.some((s) => s.kind === "proposed") ? ["proposed by the last run"] : []),
    ...(steps.some((s) => s.kind === "scheduled") ? ["scheduled"] : []),
  ];
  // The legend names the key (short; the price table beside the chart gives it in words); the title, read aloud, both.
  const legend = [`${key}: ${values.join(" → ")}`, ...notes].join("; ");
  const summary = [`${priceKeyInWords(key)} (${key}): ${values.join(" → ")}`, ...notes].join("; ");
  return { key, steps, summary, legend };
}

function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((n) => n >= v - 1e-12) ?? 10 * power;
}

function renderChart(entry: ModelEntry, unit: Unit, series: readonly Series[], asOf: string): string {
  const known = series.flatMap((s) => s.steps.flatMap((st) => [st.start, st.end])).filter((d): d is number => d !== undefined);
  const today = day(asOf);
  const release = day(entry.releaseDate);
  const unknownStart = series.some((s) => s.steps.some((st) => st.start === undefined));
  const first = Math.min(today, ...known);
  const start = unknownStart ? Math.min(release, first - 30) : Math.min(release, first);
  const last = Math.max(today, ...known);
  const end = last + Math.max(7, Math.round((last - start) * 0.06));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (d: number) => LEFT + ((d - start) / (end - start)) * plotWidth;
  const max = niceCeil(Math.max(...series.flatMap((s) => s.steps.map((st) => st.usd))) * 1.15);
  const plotTop = TOP;
  const plotBottom = TOP + PLOT;
  const y = (usd: number) => plotBottom - (usd / max) * PLOT;
  const height = plotBottom + AXIS + 8 + series.length * LEGEND_ROW + 8;
  const title = `${entry.name}: price history, USD ${unitHeading(unit)}`;
  const titleId = `chart-${unit.replace(/\W+/g, "-")}`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="history-chart" data-unit="${esc(unit)}" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${titleId}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title id="${titleId}">${esc(`${title}. ${series.map((s) => s.summary).join(". ")}.`)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="18" font-size="13" font-weight="600" fill="#1f2328">${esc(`USD ${unitHeading(unit)}`)}</text>`,
  ];
  for (const tick of [0, max / 2, max]) {
    out.push(
      `<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${num(y(tick))}" y2="${num(y(tick))}" stroke="#d8dee4"/>`,
      `<text x="${LEFT - 6}" y="${num(y(tick) + 4)}" text-anchor="end" fill="#59636e">${esc(formatUsd(tick))}</text>`,
    );
  }
  out.push(`<line x1="${LEFT}" x2="${LEFT}" y1="${plotTop}" y2="${plotBottom}" stroke="#8c959f"/>`);
  // Today: where recorded prices end and scheduled or proposed ones begin.
  out.push(`<line x1="${num(x(today))}" x2="${num(x(today))}" y1="${plotTop}" y2="${plotBottom}" stroke="#8c959f" stroke-dasharray="2 3"/>`);
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    const dash = i >= PALETTE.length ? ' stroke-dasharray="8 3"' : "";
    out.push(`<g class="series" data-price="${esc(s.key)}">`);
    let previous: { x: number; y: number } | undefined;
    for (const step of s.steps) {
      const x1 = x(step.start ?? start);
      const x2 = x(step.end ?? end);
      const yy = y(step.usd);
      const pattern = step.start === undefined ? ' stroke-dasharray="3 3"' : step.kind === "proposed" || step.kind === "scheduled" ? ' stroke-dasharray="6 3"' : dash;
      if (previous && step.start !== undefined && Math.abs(previous.x - x1) < 0.5) {
        out.push(`<line x1="${num(x1)}" x2="${num(x1)}" y1="${num(previous.y)}" y2="${num(yy)}" stroke="${colour}" stroke-width="1.5"/>`);
      }
      out.push(
        `<line class="step ${step.kind}" data-usd="${step.usd}" data-from="${step.start !== undefined ? iso(step.start) : ""}" data-until="${step.end !== undefined ? iso(step.end) : ""}" x1="${num(x1)}" x2="${num(x2)}" y1="${num(yy)}" y2="${num(yy)}" stroke="${colour}" stroke-width="2.5"${pattern}/>`,
      );
      if (step.end !== undefined && step.kind === "history" && s.steps.at(-1) === step) {
        out.push(`<circle cx="${num(x2)}" cy="${num(yy)}" r="3.5" fill="#ffffff" stroke="${colour}" stroke-width="1.5"/>`);
      }
      previous = { x: x2, y: yy };
    }
    const row = plotBottom + AXIS + 8 + i * LEGEND_ROW + 12;
    out.push(
      `<line x1="${LEFT}" x2="${LEFT + 22}" y1="${row - 4}" y2="${row - 4}" stroke="${colour}" stroke-width="2.5"${dash}/>`,
      `<text class="legend" x="${LEFT + 28}" y="${row}" fill="#1f2328">${esc(s.legend)}</text>`,
      "</g>",
    );
  });
  // Date axis: the start (when known), every change, today; crowded labels give way (today's never).
  const changeDays = [...new Set(known.filter((d) => d > start && d !== today))];
  const kept: number[] = [today];
  for (const d of [...(unknownStart ? [] : [start]), ...changeDays].sort((a, b) => b - a)) {
    if (kept.every((k) => Math.abs(x(k) - x(d)) >= MIN_LABEL_GAP)) kept.push(d);
  }
  out.push(`<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${plotBottom}" y2="${plotBottom}" stroke="#8c959f"/>`);
  for (const d of kept.sort((a, b) => a - b)) {
    out.push(
      `<line x1="${num(x(d))}" x2="${num(x(d))}" y1="${plotBottom}" y2="${plotBottom + 4}" stroke="#8c959f"/>`,
      `<text class="date" x="${num(x(d))}" y="${plotBottom + 17}" text-anchor="middle" fill="#59636e">${iso(d)}</text>`,
    );
  }
  out.push("</svg>");
  return out.join("\n");
}
