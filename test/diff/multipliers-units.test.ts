import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { applyVerification } from "../../pipeline/apply/apply.ts";
import { serializeEntry } from "../../pipeline/catalog/serialize.ts";
import { diffRun, diffSource } from "../../pipeline/diff/diff.ts";
import { renderPullRequest } from "../../pipeline/publish/pull-request.ts";
import { ModelEntry } from "../../schemas/model-entry.ts";
import type { Extraction, MultiplierObservation, Observation } from "../../schemas/observation.ts";
import { unitOf } from "../../schemas/price-key.ts";

// Multipliers are checked every night like prices; prices per second, minute, … like token prices; and a key
// of a kind no document of the run prices is not seen rather than gone.

const mini = ModelEntry.parse(JSON.parse(readFileSync("catalog/openai/gpt-image-1-mini.json", "utf8")));

function entry(id: string, prices: Record<string, number>, extra: Partial<ModelEntry> = {}): ModelEntry {
  return ModelEntry.parse({
    ...mini,
    id,
    vendor: id.split("/")[0],
    name: id,
    kind: "text",
    lastVerified: "2026-08-01",
    prices: Object.fromEntries(Object.entries(prices).map(([k, usd]) => [k, { usd, unit: unitOf(k) }])),
    sources: [{ source: "xai-pricing", url: "https://docs.x.ai/developers/pricing.md" }],
    ...extra,
  });
}

function reading(observations: Omit<Observation, "unit">[], multipliers: MultiplierObservation[] = [], source = "xai-pricing"): Extraction {
  return {
    source,
    status: "ok",
    observations: observations.map((o) => ({ ...o, unit: unitOf(o.price)! })),
    untracked: [],
    problems: [],
    ...(multipliers.length > 0 ? { multipliers } : {}),
  };
}

const BATCH_SENTENCE = "The Batch API is billed at a 20% discount to standard rates.";

describe("multipliers", () => {
  const grok = entry("xai/grok-4.3", { input: 1.25, output: 2.5 }, { multipliers: { batch: { factor: 0.8, sentence: BATCH_SENTENCE, source: "xai-pricing" } } });
  const prices = [
    { model: "xai/grok-4.3", price: "input", usd: 1.25 },
    { model: "xai/grok-4.3", price: "output", usd: 2.5 },
  ];

  it("verifies an entry whose multiplier the page states unchanged, for every model when it names none", () => {
    const diff = diffSource(reading(prices, [{ name: "batch", factor: 0.8, sentence: BATCH_SENTENCE }]), [grok], "2026-09-24");
    expect(diff.entries[0]).toMatchObject({ outcome: "verified", changes: [] });
    expect(diff.entries[0]).not.toHaveProperty("multipliers");
  });

  it("proposes a changed factor as a change for review, with the page's sentence", () => {
    const sentence = "The Batch API is billed at a 50% discount to standard rates.";
    const diff = diffSource(reading(prices, [{ name: "batch", factor: 0.5, sentence }]), [grok], "2026-09-24");
    expect(diff.entries[0]).toMatchObject({
      outcome: "changed",
      multipliers: [{ kind: "change", name: "batch", old: 0.8, new: 0.5, sentence, source: "xai-pricing", evidence: sentence }],
    });
    const next = applyVerification(grok, diff.entries[0]!, "2026-09-24")!;
    expect(next.multipliers).toEqual({ batch: { factor: 0.5, sentence, source: "xai-pricing" } });
    expect(next.lastVerified).toBe("2026-09-24");
    const pr = renderPullRequest(diff, new Map([[grok.id, grok]]), { url: "https://docs.x.ai/developers/pricing.md", fetchedAt: "2026-09-24T00:00:00Z", sha256: "0".repeat(64) });
    expect(pr.body).toContain("| `batch` (multiplier of the standard prices) | 0.8× | 0.5× | −37.5% |");
    expect(pr.body).toContain(sentence);
    expect(pr.title).toBe("xai-pricing: grok-4.3 multipliers");
  });

  it("reports a multiplier the page no longer states, held for review, and never drops it silently", () => {
    const diff = diffSource(reading(prices), [grok], "2026-09-24");
    expect(diff.entries[0]).toMatchObject({ outcome: "changed", multipliers: [{ kind: "vanish", name: "batch", old: 0.8 }] });
    const pr = renderPullRequest(diff, new Map([[grok.id, grok]]), { url: "https://docs.x.ai/developers/pricing.md", fetchedAt: "2026-09-24T00:00:00Z", sha256: "0".repeat(64) });
    expect(pr.body).toMatch(/held for careful review[\s\S]*`batch multiplier`: 0\.8× gone/);
  });

  it("proposes a new multiplier beside a verified entry, and writes it in the entry", () => {
    const plain = entry("xai/grok-4.3", { input: 1.25, output: 2.5 });
    const diff = diffSource(reading(prices, [{ model: "xai/grok-4.3", name: "over_200k:input", factor: 2, sentence: "Requests over 200k are billed at 2x input." }]), [plain], "2026-09-24");
    expect(diff.entries[0]).toMatchObject({ outcome: "verified", multipliers: [{ kind: "add", name: "over_200k:input", new: 2 }] });
    const next = applyVerification(plain, diff.entries[0]!, "2026-09-24")!;
    expect(serializeEntry(next)).toContain('"multipliers": {\n    "over_200k:input": {\n      "factor": 2,');
  });

  it("does not judge a multiplier whose source was not read this run", () => {
    const other = reading([{ model: "xai/grok-4.3", price: "input", usd: 1.25 }], [], "xai-models");
    const withTwo = entry("xai/grok-4.3", { input: 1.25 }, {
      multipliers: { batch: { factor: 0.8, sentence: BATCH_SENTENCE, source: "xai-pricing" } },
      sources: [{ source: "xai-models", url: "https://docs.x.ai/developers/models.md" }, { source: "xai-pricing", url: "https://docs.x.ai/developers/pricing.md" }],
    });
    const [diff] = diffRun([{ extraction: other, covered: [withTwo] }], { runDate: "2026-09-24", catalogIds: new Set([withTwo.id]), sourceIds: new Set(["xai-models"]) });
    expect(diff!.entries[0]).toMatchObject({ outcome: "verified" });
    expect(diff!.entries[0]).not.toHaveProperty("multipliers");
  });
});

describe("prices per second, minute, hour and 1M characters", () => {
  const video = entry("xai/grok-imagine-video", { "video_per_second:720p": 0.05, "video_per_second:1080p": 0.08 }, { kind: "video" });

  it("verifies and changes them like token prices, in their own unit", () => {
    const diff = diffSource(
      reading([
        { model: "xai/grok-imagine-video", price: "video_per_second:720p", usd: 0.05 },
        { model: "xai/grok-imagine-video", price: "video_per_second:1080p", usd: 0.1 },
      ]),
      [video],
      "2026-09-24",
    );
    expect(diff.entries[0]).toMatchObject({
      outcome: "changed",
      changes: [{ price: "video_per_second:1080p", unit: "second", old: 0.08, new: 0.1, percent: 25 }],
    });
    const pr = renderPullRequest(diff, new Map([[video.id, video]]), { url: "https://docs.x.ai/developers/pricing.md", fetchedAt: "2026-09-24T00:00:00Z", sha256: "0".repeat(64) });
    expect(pr.body).toContain("| `video_per_second:1080p` (per second) | $0.08 | $0.10 | +25.0% |");
  });
});

describe("a key of a kind no document of the run prices", () => {
  // gpt-image-1.5's entry named only openai-pricing, which stopped carrying per-image prices in 2026: each run
  // proposed its per-image keys as retired. A key is retired only by a document that prices keys of its kind.
  const image = entry("openai/gpt-image-1.5", { input: 5, output: 10, "image:low:1024x1024": 0.009 }, {
    kind: "image",
    sources: [{ source: "openai-pricing", url: "https://developers.openai.com/api/docs/pricing.md" }],
  });
  const tokenPrices = [
    { model: "openai/gpt-image-1.5", price: "input", usd: 5 },
    { model: "openai/gpt-image-1.5", price: "output", usd: 10 },
  ];

  it("is not proposed as retired when no document of the entry's sources prices anything per image", () => {
    const diff = diffSource(reading(tokenPrices, [], "openai-pricing"), [image], "2026-09-24");
    expect(diff.entries[0]).toMatchObject({
      outcome: "incomplete",
      notOnPage: ["image:low:1024x1024"],
      reasons: [expect.stringMatching(/^no document of openai-pricing prices anything per image this run/)],
    });
  });

  it("is proposed as retired when a document that prices images no longer shows it", () => {
    const withImages = reading([...tokenPrices, { model: "openai/gpt-image-1", price: "image:low:1024x1024", usd: 0.011 }], [], "openai-pricing");
    const diff = diffSource(withImages, [image], "2026-09-24", new Set([image.id, "openai/gpt-image-1"]));
    expect(diff.entries[0]).toMatchObject({ outcome: "changed", retired: [{ price: "image:low:1024x1024", replacedBy: [] }] });
  });
});
