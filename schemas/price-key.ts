import { z } from "zod";

/**
 * Price keys: `[<tier>/]<dimension>[@<condition>]`.
 *
 *   input                     standard tier, default condition (USD per 1M tokens)
 *   batch/output              batch tier
 *   input@over_200k           standard tier, prompts over 200k tokens
 *   fast/input@over_200k      both
 *   image:low:1024x1024       one generated image of that quality and size
 *   image:2k                  one generated image at that resolution (0_5k for 0.5K, 1k, 2k, 4k), where the page names no size
 *   video_per_second:720p     one second of generated video at 720p
 *   audio_input_per_minute    one minute of audio in (realtime, live)
 *   transcription_per_hour    one hour of audio transcribed
 *   input_per_1m_characters   1M characters of text in (text-to-speech)
 *   image_input_per_1b_pixels 1B pixels of images in (multimodal embeddings)
 *   thinking_output           output tokens of a thinking mode priced apart from the plain output (per 1M tokens)
 *   ocr_per_page              one page read
 *   search_per_request        one call (a web search, a request fee)
 *
 * The unit follows from the dimension: `image…` per image, `<what>_per_<unit>[:<variant>]` per that unit,
 * every other dimension per 1M tokens. So one key can never be read in two units, and a catalog file
 * states the unit beside each price only to make it readable (the schema checks they agree).
 *
 * The grammar lives here once; the catalog schema, the extractors and the diff all use it.
 */
export const TIERS = ["batch", "flex", "priority", "fast"] as const;
export type Tier = (typeof TIERS)[number];

/** Token dimensions are priced in USD per 1M tokens. */
export const TOKEN_DIMENSIONS = [
  "input",
  "cached_input",
  "cache_write",
  "cache_write_5m",
  "cache_write_1h",
  "output",
  "image_input",
  "image_cached_input",
  "image_output",
  "audio_input",
  "audio_cached_input",
  "audio_output",
  "thinking_output",
] as const;

export const UNITS = ["1M tokens", "image", "second", "minute", "hour", "1M characters", "1B pixels", "page", "request"] as const;
export const Unit = z.enum(UNITS);
export type Unit = z.infer<typeof Unit>;

/** The units a `<what>_per_<unit>` dimension can name, as the key writes them. */
const PER_UNIT_SUFFIXES = {
  second: "second",
  minute: "minute",
  hour: "hour",
  "1m_characters": "1M characters",
  "1b_pixels": "1B pixels",
  page: "page",
  request: "request",
} as const satisfies Record<string, Unit>;

const VARIANT_RE = `[a-z0-9][a-z0-9_]*`;
const TIER_RE = `(?:(${TIERS.join("|")})/)?`;
const DIMENSION_RE =
  `(${TOKEN_DIMENSIONS.join("|")}` +
  `|image(?::[a-z][a-z0-9_]*:[1-9][0-9]*x[1-9][0-9]*|:[0-9]+(?:_[0-9]+)?k)?` +
  `|[a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)*_per_(?:${Object.keys(PER_UNIT_SUFFIXES).join("|")})(?::${VARIANT_RE})?)`;
const CONDITION_RE = `(?:@([a-z][a-z0-9_]*))?`;
export const PRICE_KEY_PATTERN = `^${TIER_RE}${DIMENSION_RE}${CONDITION_RE}$`;
const PRICE_KEY_RE = new RegExp(PRICE_KEY_PATTERN);

export const PriceKey = z
  .string()
  .regex(PRICE_KEY_RE, {
    message:
      "not a price key: expected [batch|flex|priority|fast/]<dimension>[@condition], e.g. input, batch/output, input@over_200k, image:low:1024x1024, video_per_second:720p",
  })
  .describe(
    "Price key `[<tier>/]<dimension>[@<condition>]`: tier absent for standard, else batch/flex/priority/fast; " +
      "dimension one of input, cached_input, cache_write, cache_write_5m, cache_write_1h, output (USD per 1M tokens), " +
      "image_input, image_cached_input, image_output, audio_input, audio_cached_input, audio_output, thinking_output (USD per 1M tokens of that kind), " +
      "image:<quality>:<WxH>, image:<N>k or image (USD per image), " +
      "<what>_per_<second|minute|hour|1m_characters|1b_pixels|page|request>[:<variant>] (USD per that unit, e.g. video_per_second:720p, transcription_per_minute); " +
      "condition e.g. over_200k, long, peak, off_peak.",
  );
export type PriceKey = z.infer<typeof PriceKey>;

export interface ParsedPriceKey {
  tier: Tier | undefined;
  dimension: string;
  condition: string | undefined;
}

export function parsePriceKey(key: string): ParsedPriceKey | undefined {
  const m = PRICE_KEY_RE.exec(key);
  if (!m) return undefined;
  return { tier: m[1] as Tier | undefined, dimension: m[2]!, condition: m[3] };
}

export function formatPriceKey(parts: ParsedPriceKey): string {
  return `${parts.tier ? `${parts.tier}/` : ""}${parts.dimension}${parts.condition ? `@${parts.condition}` : ""}`;
}

/** The unit a price key is quoted in: per image, per the unit a `_per_<unit>` dimension names, else per 1M tokens. */
export function unitOf(key: string): Unit | undefined {
  const parsed = parsePriceKey(key);
  if (!parsed) return undefined;
  return unitOfDimension(parsed.dimension);
}

export function unitOfDimension(dimension: string): Unit {
  if (dimension === "image" || dimension.startsWith("image:")) return "image";
  const per = PER_UNIT_DIMENSION_RE.exec(dimension);
  return per ? PER_UNIT_SUFFIXES[per[2] as keyof typeof PER_UNIT_SUFFIXES] : "1M tokens";
}

const PER_UNIT_DIMENSION_RE = new RegExp(`^([a-z][a-z0-9_]*)_per_(${Object.keys(PER_UNIT_SUFFIXES).join("|")})(?::|$)`);

/**
 * The dimension of a price per second, minute, hour, 1M characters, page or request: `transcription` + minute →
 * `transcription_per_minute`, `video` + second + `720p` → `video_per_second:720p`; undefined for 1M tokens and
 * images, whose dimensions are named otherwise.
 */
export function perUnitDimension(what: string, unit: Unit, variant?: string): string | undefined {
  const suffix = Object.entries(PER_UNIT_SUFFIXES).find(([, u]) => u === unit)?.[0];
  return suffix ? `${what}_per_${suffix}${variant ? `:${variant}` : ""}` : undefined;
}

/** "per 1M tokens", "per image", "per second": how a reader is told a unit. */
export function perUnitText(unit: Unit): string {
  return `per ${unit}`;
}

const QUALITY_ORDER = ["low", "standard", "medium", "high", "hd"];
const NUMERIC_NAMES = new Intl.Collator("en", { numeric: true });

/** `720p` → 720; `4k` (3840 wide) → 2160, `2k` → 1080, `0_5k` → 270: a variant that names a resolution, in lines. */
function resolutionLines(variant: string): number | undefined {
  const p = /^(\d+)p$/.exec(variant);
  if (p) return Number(p[1]);
  const k = /^(\d+)(?:_(\d+))?k$/.exec(variant);
  return k ? Number(`${k[1]}.${k[2] ?? 0}`) * 540 : undefined;
}

/**
 * Canonical order of price keys in a catalog file: standard tier first, then batch, flex, priority, fast;
 * within a tier by dimension as listed above (per-image keys by quality, then size); then the default
 * condition before the others, alphabetically. A reader sees "input, cached_input, output" in that order.
 */
export function comparePriceKeys(a: string, b: string): number {
  const pa = parsePriceKey(a);
  const pb = parsePriceKey(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  const diff =
    tierRank(pa.tier) - tierRank(pb.tier) ||
    dimRank(pa.dimension) - dimRank(pb.dimension) ||
    compareImageDimensions(pa.dimension, pb.dimension) ||
    (pa.condition === undefined ? 0 : 1) - (pb.condition === undefined ? 0 : 1);
  if (diff !== 0) return diff;
  const ca = pa.condition ?? "";
  const cb = pb.condition ?? "";
  return ca < cb ? -1 : ca > cb ? 1 : 0;
}

// Module-level rather than closures in the comparators: sorting the keys of 10,000 entries created
// (and, under tsx, named) four functions per comparison.
function tierRank(t: Tier | undefined): number {
  return t === undefined ? 0 : TIERS.indexOf(t) + 1;
}

function dimRank(d: string): number {
  const i = (TOKEN_DIMENSIONS as readonly string[]).indexOf(d);
  if (i >= 0) return i;
  if (d === "image") return TOKEN_DIMENSIONS.length;
  return TOKEN_DIMENSIONS.length + (d.startsWith("image:") ? 1 : 2);
}

function qualityRank(q: string): number {
  const i = QUALITY_ORDER.indexOf(q);
  return i >= 0 ? i : QUALITY_ORDER.length;
}

function area(size: string): number {
  const [w = "", h = ""] = size.split("x");
  return Number(w) * Number(h);
}

function compareImageDimensions(a: string, b: string): number {
  // Dimensions per second, minute, … (and image variants): by name, which keeps `video_per_second:720p`
  // beside `video_per_second:1080p` and a dimension's variants after its plain form.
  if (!a.startsWith("image:") || !b.startsWith("image:") || a.split(":").length !== 3 || b.split(":").length !== 3) {
    // Resolutions by size (720p, 1080p, 4k), other numbers in names as numbers.
    const [ba = "", va = ""] = a.split(":");
    const [bb = "", vb = ""] = b.split(":");
    if (ba === bb) {
      const ra = resolutionLines(va);
      const rb = resolutionLines(vb);
      if (ra !== undefined && rb !== undefined && ra !== rb) return ra - rb;
    }
    return NUMERIC_NAMES.compare(a, b);
  }
  const [, qa = "", sa = ""] = a.split(":");
  const [, qb = "", sb = ""] = b.split(":");
  return (
    qualityRank(qa) - qualityRank(qb) ||
    (qa < qb ? -1 : qa > qb ? 1 : 0) ||
    area(sa) - area(sb) ||
    (sa < sb ? -1 : sa > sb ? 1 : 0)
  );
}
