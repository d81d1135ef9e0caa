import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { entryRelativePath, ModelEntry, type PriceHistoryItem, type Prices, SCHEMA_POINTER } from "../../schemas/model-entry.ts";
import type { Extraction, Observation } from "../../schemas/observation.ts";
import { unitOf } from "../../schemas/price-key.ts";
import { serializeEntry } from "../catalog/serialize.ts";
import { runAsChild } from "./child.ts";

/**
 * A synthetic catalog shaped like the real one, for the 10k figure: text models (token prices with
 * batch/flex/priority/fast tiers, long-context and cache-write keys) and image models (per-image
 * `image:<quality>:<WxH>` prices, some with image-token prices too), spread over the four pipeline
 * sources, a fifth of them with price history and a third with a models.dev reference. Deterministic
 * (seeded), valid by construction and checked with the schema before it is written.
 *
 * With it come the observations a page would give for every entry: the same prices, except that about
 * 2% of the entries have one price changed and 1% have one price announced for a later day; plus a few
 * models on each page that the catalog does not have.
 */
export const BENCH_SOURCES = [
  { vendor: "openai", source: "openai-pricing", url: "https://developers.openai.com/api/docs/pricing.md" },
  { vendor: "anthropic", source: "anthropic-pricing", url: "https://platform.claude.com/docs/en/about-claude/pricing.md" },
  { vendor: "google", source: "gemini-pricing", url: "https://ai.google.dev/gemini-api/docs/pricing" },
  { vendor: "deepseek", source: "deepseek-pricing", url: "https://api-docs.deepseek.com/quick_start/pricing" },
] as const;

/** The day the generated catalog is diffed on: after every lastVerified, before every announced price. */
export const GENERATED_RUN_DATE = "2026-08-15";

export interface GeneratedCatalog {
  entries: ModelEntry[];
  extractions: Extraction[];
  expected: { verified: number; changed: number; text: number; image: number; observations: number; announced: number; untracked: number };
}

/** mulberry32: small, fast, and the same numbers on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const money = (x: number) => Math.round(x * 10_000) / 10_000 || 0.0001;

function day(offsetFrom2023: number): string {
  return new Date(Date.UTC(2023, 0, 1) + Math.floor(offsetFrom2023) * 86_400_000).toISOString().slice(0, 10);
}

const CONTEXTS = [8_192, 32_768, 128_000, 200_000, 400_000, 1_047_576];
const IMAGE_QUALITIES = [["low", "medium", "high"], ["standard", "hd"]] as const;
const IMAGE_SIZES = ["1024x1024", "1024x1536", "1536x1024", "1024x1792", "1792x1024"];

function textPrices(rand: () => number): Prices {
  const input = money(0.05 + rand() * 15);
  const ratio = [3, 4, 5, 8][Math.floor(rand() * 4)]!;
  const p: Record<string, number> = { input, cached_input: money(input / 10), output: money(input * ratio) };
  if (rand() < 0.3) {
    p.cache_write_5m = money(input * 1.25);
    p.cache_write_1h = money(input * 2);
  }
  if (rand() < 0.25) {
    p["input@over_200k"] = money(input * 2);
    p["output@over_200k"] = money(input * ratio * 1.5);
  }
  if (rand() < 0.6) {
    p["batch/input"] = money(input / 2);
    p["batch/output"] = money((input * ratio) / 2);
  }
  for (const tier of ["flex", "priority", "fast"] as const) {
    if (rand() < 0.15) {
      const k = tier === "flex" ? 0.5 : 1.75;
      p[`${tier}/input`] = money(input * k);
      p[`${tier}/cached_input`] = money((input * k) / 10);
      p[`${tier}/output`] = money(input * ratio * k);
    }
  }
  return withUnits(p);
}

function imagePrices(rand: () => number): Prices {
  const qualities = IMAGE_QUALITIES[rand() < 0.6 ? 0 : 1];
  const sizes = IMAGE_SIZES.slice(rand() < 0.6 ? 0 : 3).slice(0, rand() < 0.3 ? 2 : 3);
  const base = 0.005 + rand() * 0.05;
  const p: Record<string, number> = {};
  qualities.forEach((q, qi) => {
    sizes.forEach((s, si) => {
      p[`image:${q}:${s}`] = money(base * (1 + qi * 2.5) * (si === 0 ? 1 : 1.5));
    });
  });
  if (rand() < 0.4) {
    p.input = money(2 + rand() * 3);
    p.image_input = money(5 + rand() * 5);
    p.image_output = money(20 + rand() * 20);
  }
  return withUnits(p);
}

function withUnits(p: Record<string, number>): Prices {
  const prices: Prices = {};
  for (const [key, usd] of Object.entries(p)) prices[key] = { usd, unit: unitOf(key)! };
  return prices;
}

export function generateCatalog(count: number, seed = 7): GeneratedCatalog {
  const rand = prng(seed);
  const entries: ModelEntry[] = [];
  const observations = new Map<string, Observation[]>(BENCH_SOURCES.map((s) => [s.source, []]));
  const expected = { verified: 0, changed: 0, text: 0, image: 0, observations: 0, announced: 0, untracked: 0 };

  for (let i = 0; i < count; i++) {
    const src = BENCH_SOURCES[i % BENCH_SOURCES.length]!;
    const kind = rand() < 0.7 ? "text" : "image";
    expected[kind]++;
    const serial = String(i).padStart(5, "0");
    // Every 40th id has a ':' (fine-tuned style), which becomes '--' in its file name.
    const apiId = i % 40 === 0 ? `ft:bench-${kind}-${serial}` : `bench-${kind}-${serial}`;
    const id = `${src.vendor}/${apiId}`;
    const release = 100 + rand() * 900;
    const lastVerified = day(Math.max(release + 30, 1_200 + rand() * 100)); // 2026-04 … 2026-07
    const prices = kind === "text" ? textPrices(rand) : imagePrices(rand);
    const history: PriceHistoryItem[] = [];
    if (rand() < 0.2) {
      const key = Object.keys(prices)[0]!;
      const until = day(release + 60 + rand() * 100);
      history.push({ price: key, usd: money(prices[key]!.usd * 1.25), unit: prices[key]!.unit, from: day(release), until });
    }
    const contextWindow = kind === "text" ? CONTEXTS[Math.floor(rand() * CONTEXTS.length)]! : 0;
    const entry: ModelEntry = {
      $schema: SCHEMA_POINTER,
      id,
      vendor: src.vendor,
      name: `Bench ${kind} model ${serial}`,
      family: `Bench ${kind} ${i % 17}`,
      kind,
      summary:
        kind === "text"
          ? `${src.vendor} model that takes text and image input and returns text, with a ${contextWindow.toLocaleString("en-US")}-token context window.`
          : `${src.vendor} image generation model, priced per image by quality and size.`,
      contextWindow,
      maxOutput: kind === "text" ? Math.min(contextWindow, 32_768) : 0,
      releaseDate: day(release),
      releaseDateApproximate: rand() < 0.3,
      lastVerified,
      prices,
      priceHistory: history,
      sources: [
        { source: src.source, url: src.url },
        ...(rand() < 0.33
          ? [{ source: "models.dev", url: `https://github.com/sst/models.dev/blob/dev/providers/${src.vendor}/models/${serial}.toml`, note: "name, release date, context window" }]
          : []),
      ],
    };
    entries.push(ModelEntry.parse(entry));

    const seen = observations.get(src.source)!;
    const keys = Object.keys(prices);
    const changedKey = rand() < 0.02 ? keys[Math.floor(rand() * keys.length)] : undefined;
    for (const key of keys) {
      const price = prices[key]!;
      const usd = key === changedKey ? money(price.usd * 0.8) : price.usd;
      seen.push({ model: id, price: key, usd, unit: price.unit, evidence: `| ${entry.name} | ${key} | $${usd} |` });
    }
    if (rand() < 0.01) {
      const key = keys[0]!;
      seen.push({ model: id, price: key, usd: money(prices[key]!.usd / 2), unit: prices[key]!.unit, effectiveFrom: "2026-09-01", evidence: `from Sept 1: $${money(prices[key]!.usd / 2)}` });
      expected.announced++;
    }
    if (changedKey) expected.changed++;
    else expected.verified++;
  }
  for (const src of BENCH_SOURCES) {
    const seen = observations.get(src.source)!;
    for (let j = 0; j < 5; j++) {
      seen.push({ model: `${src.vendor}/not-in-catalog-${j}`, price: "input", usd: 1, unit: "1M tokens" });
      expected.untracked++;
    }
    expected.observations += seen.length;
  }
  const extractions: Extraction[] = BENCH_SOURCES.map((s) => ({
    source: s.source,
    status: "ok",
    observations: observations.get(s.source)!,
    untracked: [],
    problems: [],
  }));
  return { entries, extractions, expected };
}

/** Writes `<dir>/catalog/<vendor>/<model>.json` (canonical form) and `<dir>/observations/<source>.json`. */
export async function writeGeneratedCatalog(dir: string, generated: GeneratedCatalog): Promise<{ files: number; bytes: number }> {
  let bytes = 0;
  const vendors = new Set(generated.entries.map((e) => e.vendor));
  for (const v of vendors) await mkdir(path.join(dir, "catalog", v), { recursive: true });
  await mkdir(path.join(dir, "observations"), { recursive: true });
  // Bounded parallel writes: 10k at once would hold 10k file descriptors.
  const queue = [...generated.entries];
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let e = queue.pop(); e; e = queue.pop()) {
        const text = serializeEntry(e);
        bytes += Buffer.byteLength(text);
        await writeFile(path.join(dir, "catalog", entryRelativePath(e.id)), text);
      }
    }),
  );
  for (const x of generated.extractions) {
    await writeFile(path.join(dir, "observations", `${x.source}.json`), `${JSON.stringify(x)}\n`);
  }
  await writeFile(path.join(dir, "expected.json"), `${JSON.stringify(generated.expected)}\n`);
  return { files: generated.entries.length, bytes };
}

// `generate-catalog.ts <dir> [count]`: the bench runs this (untimed) before validate10k.ts reads the dir.
runAsChild(import.meta.url, async ([dir, count = "10000"]) => {
  if (!dir) throw new Error("usage: generate-catalog.ts <dir> [count]");
  const generated = generateCatalog(Number(count));
  const written = await writeGeneratedCatalog(dir, generated);
  return { ...written, ...generated.expected };
});
