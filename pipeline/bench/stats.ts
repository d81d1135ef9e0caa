/** The middle value (the mean of the two middle ones for an even count, rounded to 0.1). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : Math.round(((s[mid - 1]! + s[mid]!) / 2) * 10) / 10;
}

/** The most of these [start, end] spans open at once (an end and a start at the same instant do not overlap). */
export function maxOverlap(spans: readonly { start: number; end: number }[]): number {
  const edges = spans.flatMap((r) => [[r.start, 1] as const, [r.end, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return max;
}
