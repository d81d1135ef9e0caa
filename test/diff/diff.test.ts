import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { applyVerification } from "../../pipeline/apply/apply.ts";
import { diffRun, diffSource } from "../../pipeline/diff/diff.ts";
import { sameMoney } from "../../pipeline/diff/money.ts";
import type { EntryDiff } from "../../schemas/diff.ts";
import { ModelEntry } from "../../schemas/model-entry.ts";
import type { Extraction, Observation } from "../../schemas/observation.ts";

const mini = ModelEntry.parse(JSON.parse(readFileSync("catalog/openai/gpt-image-1-mini.json", "utf8")));

function entry(id: string, prices: Record<string, number>, lastVerified = "2026-08-01"): ModelEntry {
  return ModelEntry.parse({
    ...mini,
    id,
    name: id,
    kind: "text",
    lastVerified,
    prices: Object.fromEntries(Object.entries(prices).map(([k, usd]) => [k, { usd, unit: k.startsWith("image:") ? "image" : "1M tokens" }])),
  });
}

function page(observations: Partial<Observation>[], extra: Partial<Extraction> = {}): Extraction {
  return {
    source: "openai-pricing",
    status: "ok",
    observations: observations.map((o) => ({ unit: o.price?.startsWith("image:") ? "image" : "1M tokens", ...o }) as Observation),
    untracked: [],
    problems: [],
    ...extra,
  };
}

describe("diffSource", () => {
  it("catches the gpt-image-1-mini profile disagreeing with OpenAI's per-image table", () => {
    const diff = diffSource(
      page([
        { model: "openai/gpt-image-1-mini", price: "image:low:1024x1024", usd: 0.005 },
        { model: "openai/gpt-image-1-mini", price: "image:medium:1024x1024", usd: 0.011 },
        { model: "openai/gpt-image-1-mini", price: "image:high:1024x1024", usd: 0.036 },
      ]),
      [mini],
      "2026-11-24",
    );
    expect(diff.entries).toEqual([
      {
        model: "openai/gpt-image-1-mini",
        outcome: "changed",
        announced: [],
        added: [],
        retired: [],
        scheduled: [],
        changes: [
          { price: "image:low:1024x1024", unit: "image", old: 0.004, new: 0.005, percent: 25, source: "openai-pricing" },
          { price: "image:medium:1024x1024", unit: "image", old: 0.02, new: 0.011, percent: -45, source: "openai-pricing" },
          { price: "image:high:1024x1024", unit: "image", old: 0.07, new: 0.036, percent: -48.6, source: "openai-pricing" },
        ],
      },
    ]);
  });

  it("verifies an entry only when every price was seen and equal, with no float noise", () => {
    expect(sameMoney(0.1 + 0.2, 0.3)).toBe(true);
    const e = entry("openai/gpt-x", { input: 0.3, output: 1.2 });
    const verified = diffSource(page([{ model: "openai/gpt-x", price: "input", usd: 0.1 + 0.2 }, { model: "openai/gpt-x", price: "output", usd: 1.2 }]), [e], "2026-11-24");
    expect(verified.entries[0]).toEqual({ model: "openai/gpt-x", outcome: "verified", announced: [], changes: [], added: [], retired: [], scheduled: [] });
  });

  it("proposes a price gone from the page as retired, with a guard, never deleting it silently", () => {
    const e = entry("openai/gpt-x", { input: 1, output: 2, "batch/input": 0.5 });
    const diff = diffSource(page([{ model: "openai/gpt-x", price: "input", usd: 1.5 }, { model: "openai/gpt-x", price: "output", usd: 2 }]), [e], "2026-11-24");
    expect(diff.entries[0]).toMatchObject({
      outcome: "changed",
      changes: [{ price: "input", old: 1, new: 1.5 }],
      retired: [{ price: "batch/input", usd: 0.5, until: "2026-11-24", replacedBy: [], guard: expect.stringMatching(/tier retired\?/) }],
    });
    const next = applyVerification(e, diff.entries[0]!, "2026-11-24")!;
    expect(next.prices).toEqual({ input: { usd: 1.5, unit: "1M tokens" }, output: { usd: 2, unit: "1M tokens" } });
    expect(next.priceHistory).toEqual([
      { price: "input", usd: 1, unit: "1M tokens", until: "2026-11-24" },
      { price: "batch/input", usd: 0.5, unit: "1M tokens", until: "2026-11-24" },
    ]);
  });

  it("calls an entry incomplete when a source covering it was not read, and proposes nothing", () => {
    const e = ModelEntry.parse({ ...entry("openai/gpt-x", { input: 1, "image:low:1024x1024": 0.01 }), sources: [{ source: "openai-pricing", url: "https://developers.openai.com/api/docs/pricing.md" }, { source: "openai-models", url: "https://developers.openai.com/api/docs/models/gpt-x.md" }] });
    const [diff] = diffRun([{ extraction: page([{ model: "openai/gpt-x", price: "input", usd: 1.5 }]), covered: [e] }], {
      runDate: "2026-11-24",
      catalogIds: new Set([e.id]),
      sourceIds: new Set(["openai-pricing", "openai-models"]),
    });
    expect(diff!.entries[0]).toMatchObject({
      outcome: "incomplete",
      notOnPage: ["image:low:1024x1024"],
      reasons: ["openai-models was not read in this run, so the prices it covers were not seen"],
    });
    expect(applyVerification(e, diff!.entries[0]!, "2026-11-24")).toBeUndefined();
  });

  it("reports models gone from the page as missing, and models new on the page as untracked", () => {
    const a = entry("openai/gpt-a", { input: 1 });
    const b = entry("openai/gpt-b", { input: 1 });
    const c = entry("openai/gpt-c", { input: 1 });
    const diff = diffSource(
      page([{ model: "openai/gpt-a", price: "input", usd: 1 }, { model: "openai/gpt-b", price: "input", usd: 1 }, { model: "openai/gpt-new", price: "input", usd: 3 }], {
        untracked: [{ name: "Mystery Model", where: "table 2" }],
      }),
      [a, b, c],
      "2026-11-24",
    );
    expect(diff.entries.map((e) => e.outcome)).toEqual(["verified", "verified", "missing"]);
    expect(diff.untracked).toEqual([
      { model: "Mystery Model", where: "table 2", prices: [] },
      { model: "openai/gpt-new", where: "page", prices: [{ price: "input", unit: "1M tokens", usd: 3 }] },
    ]);
    // A model the catalog has, but that this run does not cover (another source's, or not picked by --only), is not untracked.
    const known = diffSource(page([{ model: "openai/gpt-a", price: "input", usd: 1 }, { model: "openai/gpt-new", price: "input", usd: 3 }]), [a], "2026-11-24", new Set(["openai/gpt-a", "openai/gpt-new"]));
    expect(known.untracked).toEqual([]);
    expect(diff.refused).toBeUndefined();
  });

  it("refuses a page that lost more than half the models of the source", () => {
    const entries = ["a", "b", "c", "d", "e"].map((x) => entry(`openai/gpt-${x}`, { input: 1 }));
    const diff = diffSource(page([{ model: "openai/gpt-a", price: "input", usd: 1 }, { model: "openai/gpt-b", price: "input", usd: 1 }]), entries, "2026-11-24");
    expect(diff.refused).toMatch(/lists only 2 of the 5 catalog models/);
  });

  it("holds back a change over 10x or across zero for a human", () => {
    const e = entry("openai/gpt-x", { input: 1, output: 2, cached_input: 0 });
    const diff = diffSource(
      page([
        { model: "openai/gpt-x", price: "input", usd: 12 },
        { model: "openai/gpt-x", price: "output", usd: 0 },
        { model: "openai/gpt-x", price: "cached_input", usd: 0.1 },
      ]),
      [e],
      "2026-11-24",
    );
    const d = diff.entries[0]!;
    expect(d.outcome).toBe("changed");
    if (d.outcome !== "changed") return;
    expect(Object.fromEntries(d.changes.map((c) => [c.price, c.guard]))).toEqual({
      input: "rises 12× (10× or more)",
      cached_input: "was free, now priced: check the page",
      output: "becomes 0: check the page really says free",
    });
    expect(d.changes.find((c) => c.price === "cached_input")!.percent).toBeNull();
  });

  it("holds back a move of exactly 10x too: a dropped digit ($60 read as $6) is exactly that", () => {
    const e = entry("openai/o1", { input: 15, output: 60 });
    const diff = diffSource(page([{ model: "openai/o1", price: "input", usd: 15 }, { model: "openai/o1", price: "output", usd: 6 }]), [e], "2026-11-24");
    expect(diff.entries[0]).toMatchObject({ outcome: "changed", changes: [{ price: "output", guard: "falls to 1/10 (10× or more)" }] });
  });

  it("does not take an announced price as the current one before its day, and does after", () => {
    const e = entry("anthropic/claude-sonnet-5", { input: 2, output: 10 });
    const obs = [
      { model: "anthropic/claude-sonnet-5", price: "input", usd: 2, effectiveUntil: "2026-08-31" },
      { model: "anthropic/claude-sonnet-5", price: "output", usd: 10, effectiveUntil: "2026-08-31" },
      { model: "anthropic/claude-sonnet-5", price: "input", usd: 3, effectiveFrom: "2026-09-01" },
      { model: "anthropic/claude-sonnet-5", price: "output", usd: 15, effectiveFrom: "2026-09-01" },
    ];
    const before = diffSource(page(obs), [e], "2026-08-08");
    expect(before.entries[0]).toMatchObject({
      outcome: "verified",
      announced: [
        { price: "input", usd: 3, effectiveFrom: "2026-09-01", current: 2 },
        { price: "output", usd: 15, effectiveFrom: "2026-09-01", current: 10 },
      ],
    });
    const after = diffSource(page(obs), [e], "2026-09-02");
    expect(after.entries[0]).toMatchObject({ outcome: "changed", changes: [{ price: "input", old: 2, new: 3, percent: 50 }, { price: "output", old: 10, new: 15 }] });
  });
});

describe("applyVerification", () => {
  it("moves lastVerified of a verified entry to the run date, never backwards", () => {
    const e = entry("openai/gpt-x", { input: 1 }, "2026-08-22");
    const verified: EntryDiff = { model: "openai/gpt-x", outcome: "verified", announced: [], changes: [], added: [], retired: [], scheduled: [] };
    expect(applyVerification(e, verified, "2026-11-24")?.lastVerified).toBe("2026-11-24");
    expect(applyVerification(e, verified, "2026-08-01")).toBeUndefined();
    expect(applyVerification(e, verified, "2026-08-22")).toBeUndefined();
  });

  it("writes new prices and keeps the old ones in history, newest first, with the days they held", () => {
    const diff = diffSource(page([{ model: "openai/gpt-image-1-mini", price: "image:low:1024x1024", usd: 0.005 }, { model: "openai/gpt-image-1-mini", price: "image:medium:1024x1024", usd: 0.02 }, { model: "openai/gpt-image-1-mini", price: "image:high:1024x1024", usd: 0.07 }]), [mini], "2026-11-24");
    const once = applyVerification(mini, diff.entries[0]!, "2026-11-24")!;
    expect(once.prices["image:low:1024x1024"]).toEqual({ usd: 0.005, unit: "image" });
    expect(once.priceHistory).toEqual([{ price: "image:low:1024x1024", usd: 0.004, unit: "image", until: "2026-11-24" }]);
    expect(once.lastVerified).toBe("2026-11-24");
    expect(ModelEntry.safeParse(once).success).toBe(true);

    const later = diffSource(page([{ model: "openai/gpt-image-1-mini", price: "image:low:1024x1024", usd: 0.006 }, { model: "openai/gpt-image-1-mini", price: "image:medium:1024x1024", usd: 0.02 }, { model: "openai/gpt-image-1-mini", price: "image:high:1024x1024", usd: 0.07 }]), [once], "2026-12-05");
    const twice = applyVerification(once, later.entries[0]!, "2026-12-05")!;
    expect(twice.priceHistory).toEqual([
      { price: "image:low:1024x1024", usd: 0.005, unit: "image", from: "2026-11-24", until: "2026-12-05" },
      { price: "image:low:1024x1024", usd: 0.004, unit: "image", until: "2026-11-24" },
    ]);
  });
});
