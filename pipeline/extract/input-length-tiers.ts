/**
 * Prices tiered by the input length of a request, one row per tier, the tier written as a range of tokens:
 *
 *   0<Token≤256K   256K<Token≤1M         (Alibaba Model Studio: "Input tokens per request")
 *   0 < Tokens ≤ 32K   32K < Tokens ≤ 128K   128K < Tokens ≤ 256K
 *   No tiered pricing, flat-rate pricing  (one price whatever the length)
 *
 * The catalog keys the lowest tier plainly (`input`) and each tier above by where it starts (`input@over_256k`),
 * as it does "≤ 512k / > 512k" rows. A model's tiers are read only when they follow one another from 0 (each
 * starts where the one before ends): a gap, an overlap or a tier not starting at 0 is a problem, never guessed.
 */
export type InputLengthTier =
  | { kind: "flat" }
  | { kind: "range"; from: number; to: number | undefined; fromText: string; toText: string | undefined };

const SIZE = String.raw`(\d+(?:\.\d+)?)\s*([KM])?`;
const RANGE = new RegExp(String.raw`^(?:${SIZE}\s*<\s*)?tokens?\s*(?:(≤|<=|<)\s*${SIZE})?$`, "i");
const FLAT = /^(?:no\s+tiered\s+pricing|flat[-\s]rate(?:\s+pricing)?|not\s+tiered)$/i;

/** The tier a label names, or undefined when it names none (it is then not an input-length label). */
export function inputLengthTierIn(label: string): InputLengthTier | undefined {
  const t = label.replace(/[\s\u00a0]+/g, " ").trim();
  if (FLAT.test(t)) return { kind: "flat" };
  const m = RANGE.exec(t);
  if (!m || (m[1] === undefined && m[4] === undefined)) return undefined;
  const from = m[1] === undefined ? 0 : tokens(m[1], m[2]);
  const to = m[4] === undefined ? undefined : tokens(m[4], m[5]);
  if (to !== undefined && to <= from) return undefined;
  return { kind: "range", from, to, fromText: m[1] === undefined ? "0" : `${m[1]}${m[2] ?? ""}`, toText: m[4] === undefined ? undefined : `${m[4]}${m[5] ?? ""}` };
}

function tokens(n: string, suffix: string | undefined): number {
  const scale = suffix === undefined ? 1 : suffix.toUpperCase() === "K" ? 1_000 : 1_000_000;
  return Number(n) * scale;
}

/**
 * The condition key of each of one model's tiers, in the order given (undefined for the lowest tier and for a
 * flat price), or why they cannot be read: `["0<Token≤256K", "256K<Token≤1M"]` → [undefined, "over_256k"].
 */
export function inputLengthConditions(labels: readonly string[]): { ok: true; conditions: (string | undefined)[] } | { ok: false; reason: string } {
  const tiers = labels.map(inputLengthTierIn);
  const unknown = labels.filter((_, i) => tiers[i] === undefined);
  if (unknown.length > 0) return { ok: false, reason: `input-length tier${unknown.length > 1 ? "s" : ""} not understood: ${unknown.map((l) => `"${l}"`).join(", ")}` };
  if (tiers.some((t) => t!.kind === "flat")) {
    return tiers.length === 1 ? { ok: true, conditions: [undefined] } : { ok: false, reason: `a flat price beside tiers (${labels.join(", ")})` };
  }
  const ranges = tiers as Extract<InputLengthTier, { kind: "range" }>[];
  const order = ranges.map((_, i) => i).sort((a, b) => ranges[a]!.from - ranges[b]!.from);
  if (ranges[order[0]!]!.from !== 0) return { ok: false, reason: `the lowest tier does not start at 0 (${labels.join(", ")})` };
  for (let k = 1; k < order.length; k++) {
    const before = ranges[order[k - 1]!]!;
    if (before.to === undefined || before.to !== ranges[order[k]!]!.from) {
      return { ok: false, reason: `the tiers do not follow one another (${labels.join(", ")})` };
    }
  }
  return { ok: true, conditions: ranges.map((r) => (r.from === 0 ? undefined : `over_${r.fromText.toLowerCase().replace(".", "_")}`)) };
}
