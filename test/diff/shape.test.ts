import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { applyVerification } from "../../pipeline/apply/apply.ts";
import { diffRun, diffSource } from "../../pipeline/diff/diff.ts";
import { proposalsOf } from "../../pipeline/diff/proposals.ts";
import { deepSeekPricingSource } from "../../pipeline/sources/deepseek.ts";
import { anthropicPricingSource } from "../../pipeline/sources/anthropic.ts";
import { ModelEntry } from "../../schemas/model-entry.ts";
import type { Extraction, Observation } from "../../schemas/observation.ts";

const read = (file: string) => readFileSync(`test/fixtures/${file}`, "utf8");
const entryOf = (file: string) => ModelEntry.parse(JSON.parse(readFileSync(`catalog/${file}`, "utf8")));

function page(source: string, observations: Partial<Observation>[], extra: Partial<Extraction> = {}): Extraction {
  return {
    source,
    status: "ok",
    observations: observations.map((o) => ({ unit: o.price?.includes("image:") ? "image" : "1M tokens", ...o }) as Observation),
    untracked: [],
    problems: [],
    ...extra,
  };
}

describe("a change of shape is a change", () => {
  // The real DeepSeek page of 2026-08-13, read on 2026-08-23: the peak / off-peak table took effect on 2026-08-16.
  const deepseek = deepSeekPricingSource.extract(read("deepseek/api-docs-quick_start-pricing__2026-08-13.md"), "markdown");
  const pro = entryOf("deepseek/deepseek-v4-pro.json");

  it("proposes the new shape: the new keys, every old key retired on the day the page says the new shape began", () => {
    const d = diffSource(deepseek, [pro], "2026-08-23").entries[0]!;
    expect(d.outcome).toBe("changed");
    if (d.outcome !== "changed") return;
    expect(d.retired.map((r) => [r.price, r.usd, r.until, r.replacedBy])).toEqual([
      ["input", 0.435, "2026-08-16", ["input@off_peak", "input@peak"]],
      ["cached_input", 0.003625, "2026-08-16", ["cached_input@off_peak", "cached_input@peak"]],
      ["output", 0.87, "2026-08-16", ["output@off_peak", "output@peak"]],
    ]);
    // Each new price as the page's table states it (checked against the page: pro off-peak $0.022 / $0.66 / $1.98, peak $0.044 / $1.32 / $3.96).
    expect(Object.fromEntries(d.added.map((a) => [a.price, a.usd]))).toEqual({
      "input@off_peak": 0.66,
      "input@peak": 1.32,
      "cached_input@off_peak": 0.022,
      "cached_input@peak": 0.044,
      "output@off_peak": 1.98,
      "output@peak": 3.96,
    });
    // A move of 10× or more against the key it replaces is held too ($0.003625 → $0.044).
    expect(d.added.find((a) => a.price === "cached_input@peak")?.guard).toMatch(/rises 12\.1× \(10× or more\), against the price it replaces/);
    for (const r of d.retired) expect(r.guard).toMatch(/^restructured: now /);

    const next = applyVerification(pro, d, "2026-08-23")!;
    expect(Object.keys(next.prices)).toEqual(["input@off_peak", "input@peak", "cached_input@off_peak", "cached_input@peak", "output@off_peak", "output@peak"]);
    expect(next.priceHistory.slice(0, 3)).toEqual([
      { price: "input", usd: 0.435, unit: "1M tokens", until: "2026-08-16" },
      { price: "cached_input", usd: 0.003625, unit: "1M tokens", until: "2026-08-16" },
      { price: "output", usd: 0.87, unit: "1M tokens", until: "2026-08-16" },
    ]);
    expect(ModelEntry.safeParse(next).success).toBe(true);
  });

  it("before that day, stores the announced prices as scheduled, and verifies the current ones", () => {
    const d = diffSource(deepseek, [pro], "2026-08-14").entries[0]!;
    expect(d.outcome).toBe("verified");
    if (d.outcome !== "verified") return;
    expect(d.scheduled.map((s) => [s.kind, s.price, s.usd, s.effectiveFrom])).toContainEqual(["announce", "input@peak", 1.32, "2026-08-16"]);
    const next = applyVerification(pro, d, "2026-08-14")!;
    expect(next.prices).toEqual(pro.prices);
    expect(next.scheduledPrices).toContainEqual({ price: "input@peak", usd: 1.32, unit: "1M tokens", from: "2026-08-16", source: "deepseek-pricing" });
    // Once held, the same announcement is nothing new.
    expect(diffSource(deepseek, [next], "2026-08-15").entries[0]).toMatchObject({ outcome: "verified", scheduled: [] });
  });

  it("never undoes a newer shape with an older copy of the page", () => {
    const reshaped = applyVerification(pro, diffSource(deepseek, [pro], "2026-08-23").entries[0]!, "2026-08-23")!;
    // The page of 2026-08-02 still shows the flat prices, as current: replayed later, it is not believed.
    const older = deepSeekPricingSource.extract(read("deepseek/api-docs-quick_start-pricing__2026-08-02.md"), "markdown");
    const d = diffSource(older, [reshaped], "2026-08-30").entries[0]!;
    expect(d).toMatchObject({ outcome: "incomplete", reasons: [expect.stringMatching(/as before the catalog's new shape of 2026-08-16: an older copy of the page\?/)] });
    expect(applyVerification(reshaped, d, "2026-08-30")).toBeUndefined();
  });

  it("proposes new keys of an entry whose prices all match as additions, and still verifies it", () => {
    const e = ModelEntry.parse({ ...pro, prices: { input: { usd: 1, unit: "1M tokens" } }, lastVerified: "2026-08-01" });
    const d = diffSource(page("deepseek-pricing", [{ model: e.id, price: "input", usd: 1 }, { model: e.id, price: "input@audio", usd: 3 }]), [e], "2026-08-10").entries[0]!;
    expect(d).toMatchObject({ outcome: "verified", added: [{ price: "input@audio", usd: 3, source: "deepseek-pricing" }], retired: [], changes: [] });
    // The verification-only push moves lastVerified and nothing else; the addition waits for its PR.
    expect(applyVerification(e, d, "2026-08-10", { proposals: "none" })?.prices).toEqual(e.prices);
    expect(applyVerification(e, d, "2026-08-10")?.prices["input@audio"]).toEqual({ usd: 3, unit: "1M tokens" });
  });

  it("reads a lost tier table as 'this tier retired?', held for review, not as a new shape", () => {
    const e = ModelEntry.parse({ ...pro, lastVerified: "2026-08-01", prices: { input: { usd: 1, unit: "1M tokens" }, output: { usd: 2, unit: "1M tokens" }, "batch/input": { usd: 0.5, unit: "1M tokens" }, "batch/output": { usd: 1, unit: "1M tokens" } } });
    const d = diffSource(page("deepseek-pricing", [{ model: e.id, price: "input", usd: 1 }, { model: e.id, price: "output", usd: 2 }]), [e], "2026-08-10").entries[0]!;
    expect(d.outcome).toBe("changed");
    if (d.outcome !== "changed") return;
    expect(d.retired.map((r) => [r.price, r.replacedBy, r.guard])).toEqual([
      ["batch/input", [], "no batch/ price of this model is on the page any more: this tier retired? Check the page"],
      ["batch/output", [], "no batch/ price of this model is on the page any more: this tier retired? Check the page"],
    ]);
    expect(d.added).toEqual([]);
  });

  it("keeps a model gone from the page whole as missing, and suggests the retired mark once its last verification is old", () => {
    const gone = ModelEntry.parse({ ...pro, lastVerified: "2026-03-01" });
    const other = entryOf("deepseek/deepseek-v4-flash.json");
    const diff = diffSource(page("deepseek-pricing", [{ model: other.id, price: "input", usd: 0.14 }]), [gone, other], "2026-08-10");
    expect(diff.entries.find((e) => e.model === gone.id)).toEqual({ model: gone.id, outcome: "missing" });
    expect(diff.retireSuggested).toEqual([{ model: gone.id, lastVerified: "2026-03-01", days: 162 }]);
    // Marked retired, it is no longer expected (and the drop guard does not count it).
    const marked = ModelEntry.parse({ ...gone, retired: "2026-08-10" });
    expect(diffSource(page("deepseek-pricing", [{ model: other.id, price: "input", usd: 0.14 }]), [marked, other], "2026-08-10").entries.map((e) => e.model)).toEqual([other.id]);
  });
});

describe("scheduled prices", () => {
  const sonnet = entryOf("anthropic/claude-sonnet-5.json");
  const july = anthropicPricingSource.extract(read("anthropic/platform-claude-docs-pricing__2026-07-21.md"), "markdown");
  const august = anthropicPricingSource.extract(read("anthropic/platform-claude-docs-pricing__2026-08-13.md"), "markdown");

  it("stores an announced price (Sonnet 5's $3 / $15 from 2026-09-01 on the 2026-07-21 page) with its key, value and day", () => {
    const d = diffSource(july, [sonnet], "2026-08-10").entries[0]!;
    expect(d.outcome).toBe("verified");
    if (d.outcome !== "verified") return;
    expect(d.scheduled.map((s) => [s.kind, s.price, s.usd, s.effectiveFrom, s.current])).toEqual([
      ["announce", "input", 3, "2026-09-01", 2],
      ["announce", "cached_input", 0.3, "2026-09-01", 0.2],
      ["announce", "cache_write_5m", 3.75, "2026-09-01", 2.5],
      ["announce", "cache_write_1h", 6, "2026-09-01", 4],
      ["announce", "output", 15, "2026-09-01", 10],
      ["announce", "batch/input", 1.5, "2026-09-01", 1],
      ["announce", "batch/output", 7.5, "2026-09-01", 5],
    ]);
  });

  const scheduled = () => applyVerification(sonnet, diffSource(july, [sonnet], "2026-08-10").entries[0]!, "2026-08-10")!;

  it("proposes removing it when a later page no longer announces it, quoting the sentence that withdraws it", () => {
    const d = diffSource(august, [scheduled()], "2026-08-20").entries[0]!;
    expect(d.outcome).toBe("changed");
    if (d.outcome !== "changed") return;
    const withdrawn = d.scheduled.filter((s) => s.kind === "withdraw");
    expect(withdrawn.map((s) => s.price)).toEqual(["input", "cached_input", "cache_write_5m", "cache_write_1h", "output", "batch/input", "batch/output"]);
    for (const s of withdrawn) {
      expect(s.reason).toBe("The previously scheduled increase to $3/$15 per million input/output tokens on September 1, 2026 will not occur.");
    }
    expect(applyVerification(scheduled(), d, "2026-08-20")!.scheduledPrices).toBeUndefined();
  });

  it("on its day compares it as the current price: confirmed, it becomes the price and the old one ends that day", () => {
    const held = scheduled();
    const confirmed = page("anthropic-pricing", Object.entries({ input: 3, cached_input: 0.3, cache_write_5m: 3.75, cache_write_1h: 6, output: 15, "batch/input": 1.5, "batch/output": 7.5 }).map(([price, usd]) => ({ model: sonnet.id, price, usd })));
    const d = diffSource(confirmed, [held], "2026-09-03").entries[0]!;
    expect(d).toMatchObject({ outcome: "changed", scheduled: [] });
    if (d.outcome !== "changed") return;
    expect(d.changes.find((c) => c.price === "input")).toMatchObject({ old: 2, new: 3, takesEffect: "2026-09-01" });
    const next = applyVerification(held, d, "2026-09-03")!;
    expect(next.prices.input).toEqual({ usd: 3, unit: "1M tokens" });
    expect(next.priceHistory.find((h) => h.price === "input")).toMatchObject({ usd: 2, until: "2026-09-01" });
    expect(next.scheduledPrices).toBeUndefined();
  });

  it("differs on its day: a change like any other, and the scheduled price lapses with a warning", () => {
    const held = scheduled();
    const other = page("anthropic-pricing", Object.entries({ input: 2.5, cached_input: 0.2, cache_write_5m: 2.5, cache_write_1h: 4, output: 10, "batch/input": 1, "batch/output": 5 }).map(([price, usd]) => ({ model: sonnet.id, price, usd })));
    const d = diffSource(other, [held], "2026-09-03").entries[0]!;
    expect(d.outcome).toBe("changed");
    if (d.outcome !== "changed") return;
    expect(d.changes.map((c) => [c.price, c.old, c.new, c.takesEffect])).toEqual([["input", 2, 2.5, undefined]]);
    expect(d.scheduled.filter((s) => s.kind === "lapse").map((s) => [s.price, s.reason])).toContainEqual(["input", "scheduled from 2026-09-01 but never confirmed: the page says $2.5"]);
    expect(applyVerification(held, d, "2026-09-03")!.scheduledPrices).toBeUndefined();
  });
});

describe("an entry checked by two sources", () => {
  const mini = entryOf("openai/gpt-image-1-mini.json");
  const catalogIds = new Set([mini.id]);
  const pricing = page("openai-pricing", [{ model: mini.id, price: "image_input", usd: 2.5, document: "https://developers.openai.com/api/docs/pricing.md" }]);
  const modelPage = page("openai-models", [
    { model: mini.id, price: "image:low:1024x1024", usd: 0.005, document: "https://developers.openai.com/api/docs/models/gpt-image-1-mini.md" },
    { model: mini.id, price: "image:medium:1024x1024", usd: 0.011, document: "https://developers.openai.com/api/docs/models/gpt-image-1-mini.md" },
    { model: mini.id, price: "image:high:1024x1024", usd: 0.036, document: "https://developers.openai.com/api/docs/models/gpt-image-1-mini.md" },
  ]);
  const sourceIds = new Set(["openai-pricing", "openai-models"]);

  it("is judged once on what both showed; each source's PR carries what its document showed", () => {
    const diffs = diffRun(
      [
        { extraction: pricing, covered: [mini] },
        { extraction: modelPage, covered: [mini] },
      ],
      { runDate: "2026-08-23", catalogIds, sourceIds },
    );
    expect(diffs.map((d) => d.entries[0]!.outcome)).toEqual(["changed", "changed"]);
    const [p, m] = diffs.map(proposalsOf);
    expect(p).toEqual([expect.objectContaining({ changes: [], added: [expect.objectContaining({ price: "image_input", document: "https://developers.openai.com/api/docs/pricing.md" })] })]);
    expect(m![0]!.changes.map((c) => [c.price, c.old, c.new, c.document])).toEqual([
      ["image:low:1024x1024", 0.004, 0.005, "https://developers.openai.com/api/docs/models/gpt-image-1-mini.md"],
      ["image:medium:1024x1024", 0.02, 0.011, "https://developers.openai.com/api/docs/models/gpt-image-1-mini.md"],
      ["image:high:1024x1024", 0.07, 0.036, "https://developers.openai.com/api/docs/models/gpt-image-1-mini.md"],
    ]);
    // A branch with one source's proposals only: lastVerified stays, since the other source's are not in the file.
    const onlyModels = applyVerification(mini, diffs[1]!.entries[0]!, "2026-08-23", { proposals: "of", source: "openai-models" })!;
    expect(onlyModels.prices["image:low:1024x1024"]).toEqual({ usd: 0.005, unit: "image" });
    expect(onlyModels.prices.image_input).toBeUndefined();
    expect(onlyModels.lastVerified).toBe("2026-04-04");
    // Both applied: every price the run saw is in the entry.
    expect(applyVerification(mini, diffs[1]!.entries[0]!, "2026-08-23")!.lastVerified).toBe("2026-08-23");
  });

  it("is not verified, and nothing is proposed, by a run that read only one of its sources", () => {
    const [only] = diffRun([{ extraction: modelPage, covered: [mini] }], { runDate: "2026-08-23", catalogIds, sourceIds });
    expect(only!.entries[0]).toMatchObject({ outcome: "incomplete", reasons: ["openai-pricing was not read in this run, so the prices it covers were not seen"] });
  });

  it("a source held back by the drop guard judges nothing: the entry it shares with a sound source is not verified", () => {
    // The pricing page lost two of the three models it covers (a broken page); the model page reads fine.
    const others = [entryOf("openai/gpt-4o.json"), entryOf("openai/gpt-5.1.json")];
    const ids = new Set([mini.id, ...others.map((e) => e.id)]);
    const diffs = diffRun(
      [
        { extraction: pricing, covered: [mini, ...others] },
        { extraction: modelPage, covered: [mini] },
      ],
      { runDate: "2026-08-23", catalogIds: ids, sourceIds },
    );
    expect(diffs[0]!.refused).toMatch(/lists only 1 of the 3 catalog models/);
    expect(diffs[1]!.refused).toBeUndefined();
    expect(diffs[1]!.entries[0]).toMatchObject({
      outcome: "incomplete",
      reasons: ["openai-pricing was held back (its page lost most of its models), so the prices it covers were not judged"],
    });
    expect(proposalsOf(diffs[1]!)).toEqual([]);
  });

  it("two documents stating one price differently: neither is taken", () => {
    const clash = page("openai-pricing", [{ model: mini.id, price: "image:low:1024x1024", usd: 0.006 }]);
    const diffs = diffRun([{ extraction: clash, covered: [mini] }, { extraction: modelPage, covered: [mini] }], { runDate: "2026-08-23", catalogIds, sourceIds });
    expect(diffs[0]!.entries[0]).toMatchObject({ outcome: "incomplete", reasons: ["two documents disagree: image:low:1024x1024: openai-pricing says $0.006, openai-models says $0.005"] });
  });
});
