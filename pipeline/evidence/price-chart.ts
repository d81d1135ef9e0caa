/**
 * A small SVG step chart of a changed model's prices over time: one panel per changed price key, from
 * `priceHistory` (from/until), the current catalog price since its last change, and the page's new price
 * from the run date. Pure and dependency-free; the run writes it next to the screenshots.
 */
import type { PriceAdded, PriceChange, PriceRetired } from "../../schemas/diff.ts";
import type { ModelEntry } from "../../schemas/model-entry.ts";
import { perUnitText, type Unit } from "../../schemas/price-key.ts";
import { formatUsd } from "../publish/markdown.ts";

const WIDTH = 640;
const LEFT = 70; // room for USD tick labels
const RIGHT = 110; // room for the new price's label
const TOP = 34; // the chart's title
const PANEL_TITLE = 20;
const PLOT = 78;
const AXIS = 26; // date labels under each plot
const PANEL = PANEL_TITLE + PLOT + AXIS;
const MIN_LABEL_GAP = 70; // px between date labels
const DAY_MS = 86_400_000;

/** One horizontal piece of a series: `usd` from `start` until `end` (days since the epoch). */
interface Step {
  usd: number;
  start: number;
  end: number;
  /** The catalog does not record when this price began: drawn dashed from the chart's start. */
  startUnknown: boolean;
  kind: "history" | "current" | "new";
}

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const iso = (d: number) => new Date(Math.round(d) * DAY_MS).toISOString().slice(0, 10);

/**
 * One price key the chart draws: a changed price (old → new), a new key (no old), or a retired key (no new).
 * `on` is the day the new price starts or the old one ends (the run day when the page gives none).
 */
export interface ChartedPrice {
  price: string;
  unit: Unit;
  old?: number;
  new?: number;
  on?: string;
  /** The retired key this new key took the place of (a new shape): drawn in that key's panel. */
  replaces?: string;
}

/**
 * The chart's keys for a source's proposals for one entry: value changes, retired keys, and the new keys that
 * took a retired key's place (a new shape). A key merely new has no history to draw: the PR's table lists it.
 */
export function chartedPrices(p: { changes: readonly PriceChange[]; added: readonly PriceAdded[]; retired: readonly PriceRetired[] }): ChartedPrice[] {
  const replacing = new Map(p.retired.flatMap((r) => r.replacedBy.map((k) => [k, r.until] as const)));
  return [
    ...p.changes.map((c) => ({ price: c.price, unit: c.unit, old: c.old, new: c.new, ...(c.takesEffect ? { on: c.takesEffect } : {}) })),
    ...p.retired.map((r) => ({ price: r.price, unit: r.unit, old: r.usd, on: r.until })),
    ...p.added
      .filter((a) => replacing.has(a.price))
      .map((a) => ({ price: a.price, unit: a.unit, new: a.usd, on: replacing.get(a.price)!, replaces: p.retired.find((r) => r.replacedBy.includes(a.price))!.price })),
  ];
}

/** The steps of one price key, oldest first, ending with the new price from its day on (or with the retired one's end). */
function stepsOf(entry: ModelEntry, change: ChartedPrice, runDate: string): { steps: Step[]; firstKnown: number | undefined } {
  const history = entry.priceHistory.filter((h) => h.price === change.price).sort((a, b) => a.until.localeCompare(b.until));
  const steps: Step[] = [];
  let previousUntil: number | undefined;
  for (const h of history) {
    const start = h.from !== undefined ? day(h.from) : previousUntil;
    steps.push({ usd: h.usd, start: start ?? NaN, end: day(h.until), startUnknown: start === undefined, kind: "history" });
    previousUntil = day(h.until);
  }
  const at = day(change.on ?? runDate);
  const current = entry.prices[change.price]?.usd ?? change.old;
  if (current !== undefined) steps.push({ usd: current, start: previousUntil ?? NaN, end: at, startUnknown: previousUntil === undefined, kind: "current" });
  if (change.new !== undefined) steps.push({ usd: change.new, start: at, end: NaN, startUnknown: false, kind: "new" });
  const known = steps.flatMap((s) => [s.start, s.end]).filter((d) => !Number.isNaN(d));
  return { steps, firstKnown: known.length > 0 ? Math.min(...known) : undefined };
}

/** Where a series' last drawn step ends: the joint its successors start from. */
function lastOf(steps: readonly Step[], x: (d: number) => number, y: (usd: number) => number, end: number): { x: number; y: number } | undefined {
  const last = steps.at(-1);
  return last ? { x: x(Number.isNaN(last.end) ? end : last.end), y: y(last.usd) } : undefined;
}

/** 1, 2, 2.5, 5 × 10^k: the smallest at or above `v`, so tick labels stay short. */
function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 2.5, 5, 10].map((m) => m * power).find((n) => n >= v - 1e-12) ?? 10 * power);
}

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
const num = (n: number) => Number(n.toFixed(1)).toString();

/**
 * The chart for one changed model, sharing the time axis: one panel per changed price key, except that a key
 * retired for a new shape is drawn together with the keys that took its place ($0.435 → $1.32 / $0.66 in one
 * panel). Every panel of one unit has the same scale, so panels can be compared by eye.
 */
export function priceHistoryChart(entry: ModelEntry, changes: readonly ChartedPrice[], runDate: string): string {
  const all = changes.map((change) => ({ change, ...stepsOf(entry, change, runDate) }));
  const panels: (typeof all)[] = [];
  for (const s of all) {
    if (s.change.replaces === undefined) panels.push([s]);
  }
  for (const s of all.filter((x) => x.change.replaces !== undefined)) {
    const panel = panels.find((p) => p[0]!.change.price === s.change.replaces);
    if (panel) panel.push(s);
    else panels.push([s]);
  }
  const maxByUnit = new Map<string, number>();
  for (const s of all) maxByUnit.set(s.change.unit, Math.max(maxByUnit.get(s.change.unit) ?? 0, ...s.steps.map((step) => step.usd)));
  const series = all;
  const run = day(runDate);
  const firstKnown = Math.min(run, ...series.flatMap((s) => (s.firstKnown !== undefined ? [s.firstKnown] : [])));
  const release = day(entry.releaseDate);
  const unknownStart = series.some((s) => s.steps.some((step) => step.startUnknown));
  // A price with no recorded start is drawn dashed from the model's release (it cannot be older), or, when
  // the release is not well before the first recorded date, over a stretch of its own.
  const start = !unknownStart
    ? Math.min(run - 30, release, firstKnown)
    : release < firstKnown - 20
      ? release
      : Math.min(run - 30, firstKnown) - Math.max(30, Math.round((run - firstKnown) * 0.15));
  const end = run + Math.max(14, Math.round((run - start) * 0.12));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (d: number) => LEFT + ((d - start) / (end - start)) * plotWidth;
  const verified = x(day(entry.lastVerified));
  const height = TOP + panels.length * PANEL + 22;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="11" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">${escapeXml(`${entry.id}: price history, and the new price seen on ${runDate}`)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="20" font-size="13" font-weight="600" fill="#1f2328">${escapeXml(`${entry.id} — price history`)}</text>`,
    `<text x="${WIDTH - 8}" y="20" text-anchor="end" fill="#59636e">${escapeXml(`new price seen ${runDate}`)}</text>`,
  ];

  panels.forEach((panel, i) => {
    const change = panel[0]!.change;
    const top = TOP + i * PANEL;
    const plotTop = top + PANEL_TITLE;
    const plotBottom = plotTop + PLOT;
    const max = niceCeil(maxByUnit.get(change.unit)! * 1.15);
    const y = (usd: number) => plotBottom - (usd / max) * PLOT;
    const unit = `USD ${perUnitText(change.unit)}`;
    const title = panel.length === 1 ? change.price : `${change.price} → ${panel.slice(1).map((s) => s.change.price).join(", ")}`;
    out.push(
      `<g class="series" data-price="${escapeXml(panel.map((s) => s.change.price).join(" "))}">`,
      `<text x="${LEFT}" y="${top + 13}" font-weight="600" fill="#1f2328">${escapeXml(title)} <tspan font-weight="400" fill="#59636e">(${unit})</tspan></text>`,
    );
    // USD axis: 0, half and the top, with light grid lines.
    for (const tick of [0, max / 2, max]) {
      out.push(
        `<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${num(y(tick))}" y2="${num(y(tick))}" stroke="#eaeef2"/>`,
        `<text class="usd-tick" x="${LEFT - 6}" y="${num(y(tick) + 4)}" text-anchor="end" fill="#59636e">${escapeXml(formatUsd(tick))}</text>`,
      );
    }
    out.push(`<line x1="${LEFT}" x2="${LEFT}" y1="${plotTop}" y2="${plotBottom}" stroke="#8c959f"/>`);
    out.push(`<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${plotBottom}" y2="${plotBottom}" stroke="#8c959f"/>`);

    const steps = panel.flatMap((s) => s.steps);
    for (const [k, { change: drawn, steps: own }] of panel.entries()) {
    // The steps: a horizontal line per price, a vertical joint at each change (from the retired key to its successors).
    let previous: { x: number; y: number } | undefined = k > 0 ? lastOf(panel[0]!.steps, x, y, end) : undefined;
    for (const step of own) {
      const x1 = step.startUnknown ? x(start) : x(step.start);
      const x2 = step.kind === "new" ? x(end) : x(step.end);
      const yy = y(step.usd);
      const colour = step.kind === "new" ? "#cf222e" : "#0969da";
      if (previous && !step.startUnknown) {
        out.push(`<line class="joint" x1="${num(x1)}" x2="${num(x1)}" y1="${num(previous.y)}" y2="${num(yy)}" stroke="${colour}" stroke-width="1.5"/>`);
      }
      out.push(
        `<line class="step ${step.kind}" data-usd="${step.usd}" data-from="${step.startUnknown ? "" : iso(step.start)}" data-until="${step.kind === "new" ? "" : iso(step.end)}" x1="${num(x1)}" x2="${num(x2)}" y1="${num(yy)}" y2="${num(yy)}" stroke="${colour}" stroke-width="2.5"${step.startUnknown ? ' stroke-dasharray="4 3"' : ""}/>`,
      );
      const label = step.kind === "new" ? `${panel.length > 1 ? `${drawn.price} ` : ""}${formatUsd(step.usd)} new` : formatUsd(step.usd);
      const labelX = step.kind === "new" ? x2 + 4 : (x1 + x2) / 2;
      out.push(
        `<text class="value" x="${num(labelX)}" y="${num(yy - 5)}" text-anchor="${step.kind === "new" ? "start" : "middle"}" fill="${colour}"${step.kind === "new" ? ' font-weight="600"' : ""}>${escapeXml(label)}</text>`,
      );
      if (step.kind === "new") out.push(`<circle cx="${num(x1)}" cy="${num(yy)}" r="3.5" fill="${colour}"/>`);
      if (step.kind === "current" && drawn.new === undefined && panel.length === 1) {
        out.push(`<text class="retired" x="${num(x2 + 4)}" y="${num(yy + 4)}" fill="#cf222e" font-weight="600">retired ${escapeXml(iso(step.end))}</text>`);
      }
      // The old price was last seen on lastVerified: the change happened between that day and the run.
      if (step.kind === "current" && verified > x(start) && verified < x(run)) {
        out.push(`<circle class="last-verified" cx="${num(verified)}" cy="${num(yy)}" r="3.5" fill="#ffffff" stroke="${colour}" stroke-width="1.5"><title>last verified ${entry.lastVerified}</title></circle>`);
      }
      previous = { x: x2, y: yy };
    }
    }

    // Date axis: the chart's start, every change, the run date; crowded labels give way (the run date never).
    const changes = steps.flatMap((s) => [s.start, s.end]).filter((d) => !Number.isNaN(d) && d < run);
    // The chart's start is a real date only when every price's start is recorded.
    const dates = [...new Set([...(unknownStart ? [] : [start]), ...changes, day(entry.lastVerified)].filter((d) => d >= start && d < run))].sort((a, b) => a - b);
    const kept: number[] = [run];
    for (const d of dates.filter((d) => d !== run).reverse()) {
      if (kept.every((k) => Math.abs(x(k) - x(d)) >= MIN_LABEL_GAP)) kept.push(d);
    }
    for (const d of kept.sort((a, b) => a - b)) {
      out.push(
        `<line x1="${num(x(d))}" x2="${num(x(d))}" y1="${plotBottom}" y2="${plotBottom + 4}" stroke="#8c959f"/>`,
        `<text class="date" x="${num(x(d))}" y="${plotBottom + 16}" text-anchor="middle" fill="#59636e">${iso(d)}</text>`,
      );
    }
    out.push("</g>");
  });
  const legend = [`○ last verified ${entry.lastVerified}`, ...(unknownStart ? ["dashed: the catalog does not record since when"] : [])].join(" · ");
  out.push(`<text class="legend" x="${LEFT}" y="${height - 8}" fill="#59636e">${escapeXml(legend)}</text>`, "</svg>");
  return `${out.join("\n")}\n`;
}
