/**
 * Money compares exactly: prices are decimal amounts with at most a dozen significant digits, so two
 * numbers are the same price when they print the same at 12 significant digits. 0.1 + 0.2 equals 0.3 here.
 */
export function sameMoney(a: number, b: number): boolean {
  return a.toPrecision(12) === b.toPrecision(12);
}

/** Change in percent, one decimal; null when there is no old amount to compare with. */
export function percentChange(oldUsd: number, newUsd: number): number | null {
  if (oldUsd === 0) return null;
  return Math.round(((newUsd - oldUsd) / oldUsd) * 1000) / 10;
}
