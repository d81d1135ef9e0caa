/**
 * Price keys, multiplier names, days and amounts in the words a reader of the site expects: `batch/input@over_200k`
 * reads "Input, prompts over 200K tokens (Batch)", `image:hd:1024x1536` reads "Image, HD quality, 1024×1536".
 * Pure; the key itself stays beside the words on every page, so nothing is lost in the wording.
 */
import { parsePriceKey, type Unit } from "../../schemas/price-key.ts";
import { formatPercent, formatUsd } from "../publish/markdown.ts";

export { formatPercent, formatUsd };

const TIER_WORDS: Record<string, string> = { batch: "Batch", flex: "Flex", priority: "Priority", fast: "Fast" };

const DIMENSION_WORDS: Record<string, string> = {
  input: "Input",
  cached_input: "Cached input",
  cache_write: "Cache write",
  cache_write_5m: "Cache write (5-minute cache)",
  cache_write_1h: "Cache write (1-hour cache)",
  output: "Output",
  image_input: "Image input",
  image_cached_input: "Cached image input",
  image_output: "Image output",
  audio_input: "Audio input",
  audio_cached_input: "Cached audio input",
  audio_output: "Audio output",
  image: "Image",
};

const QUALITY_WORDS: Record<string, string> = { hd: "HD", low: "low", medium: "medium", high: "high", standard: "standard" };

/** The context or time a condition names: over_200k → "prompts over 200K tokens", off_peak → "off-peak hours". */
export function conditionInWords(condition: string): string {
  const over = /^over_(\d+)k$/.exec(condition);
  if (over) return `prompts over ${over[1]}K tokens`;
  const known: Record<string, string> = {
    long: "long context",
    peak: "peak hours",
    off_peak: "off-peak hours",
    audio: "audio",
  };
  return known[condition] ?? condition.replace(/_/g, " ");
}

function dimensionInWords(dimension: string): string {
  const known = DIMENSION_WORDS[dimension];
  if (known) return known;
  const image = /^image:(?:([a-z][a-z0-9_]*):(\d+)x(\d+)|(\d+)k)$/.exec(dimension);
  if (image) {
    if (image[4]) return `Image at ${image[4]}K resolution`;
    return `Image, ${QUALITY_WORDS[image[1]!] ?? image[1]!.replace(/_/g, " ")} quality, ${image[2]}×${image[3]}`;
  }
  const per = /^([a-z][a-z0-9_]*?)_per_(?:second|minute|hour|1m_characters|page|request)(?::([a-z0-9_]+))?$/.exec(dimension);
  if (per) {
    const what = per[1]!.replace(/_/g, " ");
    return `${what.charAt(0).toUpperCase()}${what.slice(1)}${per[2] ? `, ${per[2].replace(/_/g, " ")}` : ""}`;
  }
  return dimension.replace(/_/g, " ");
}

/** `batch/input@over_200k` → "Input, prompts over 200K tokens (Batch)"; a key no grammar reads stays itself. */
export function priceKeyInWords(key: string): string {
  const parsed = parsePriceKey(key);
  if (!parsed) return key;
  const condition = parsed.condition ? `, ${conditionInWords(parsed.condition)}` : "";
  const tier = parsed.tier ? ` (${TIER_WORDS[parsed.tier] ?? parsed.tier})` : "";
  return `${dimensionInWords(parsed.dimension)}${condition}${tier}`;
}

/** The tier a key is priced in, in words: "Standard" when it names none. */
export function tierOf(key: string): string {
  const tier = parsePriceKey(key)?.tier;
  return tier ? (TIER_WORDS[tier] ?? tier) : "Standard";
}

/** `batch` → "Batch", `over_272k:input` → "Input, prompts over 272K tokens", `region_eu` → "Region: EU". */
export function multiplierInWords(name: string): string {
  const [what = name, dimension] = name.split(":");
  const region = /^region_([a-z0-9]+)$/.exec(what);
  const base = region
    ? `Region: ${region[1]!.toUpperCase()}`
    : /^over_\d+k$/.test(what)
      ? conditionInWords(what)
      : (TIER_WORDS[what] ?? `${what.charAt(0).toUpperCase()}${what.slice(1).replace(/_/g, " ")}`);
  if (dimension === undefined) return base;
  return `${dimensionInWords(dimension)}, ${base}`;
}

/** 0.5 → "× 0.5 (50% off)", 1.25 → "× 1.25 (25% more)". */
export function factorInWords(factor: number): string {
  const percent = Math.round(Math.abs(1 - factor) * 1000) / 10;
  const how = factor < 1 ? `${percent}% off` : factor > 1 ? `${percent}% more` : "the same price";
  return `× ${Number(factor.toPrecision(6))} (${how})`;
}

/** "per 1M tokens", "per image", "per second". */
export function unitHeading(unit: Unit): string {
  return `per ${unit}`;
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** `2026-04-04` → "April 4, 2026", as the catalog site's own freshness notes write a day. */
export function longDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return `${MONTHS[(m ?? 1) - 1]} ${d}, ${y}`;
}

/** `https://api-docs.deepseek.com/quick_start/pricing` → "api-docs.deepseek.com/quick_start/pricing". */
export function pageName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname === "/" ? "" : u.pathname.replace(/\/$/, "")}`;
  } catch {
    return url;
  }
}

/** Percent change from old to new, one decimal; null when the old price was 0. */
export function percentChange(oldUsd: number, newUsd: number): number | null {
  if (oldUsd === 0) return null;
  return Math.round(((newUsd - oldUsd) / oldUsd) * 1000) / 10;
}

/** The keys that took a retired key's place, each with its price and its change from the old one: "input@peak $1.32 (+203.4%)". */
export function replacementsInWords(old: number, replacedBy: readonly { price: string; usd: number }[]): string {
  return replacedBy.map((r) => `${r.price} ${formatUsd(r.usd)} (${formatPercent(percentChange(old, r.usd))})`).join(" / ");
}
