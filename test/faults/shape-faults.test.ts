/**
 * Faults of a page's shape, through the real CLI, a real bare `origin` and the local GitHub API: a tier's
 * table gone, a model's prices gone, and runs of an earlier day after a newer shape has landed. Each is made
 * from a real page by string edits here; no fixture is edited.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/cli.ts";
import { type PrWorld, startPrWorld } from "../support/pr-world.ts";

let world: PrWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const fixture = (file: string) => readFileSync(path.join(REPO_ROOT, "test/fixtures", file), "utf8");

/** The lines of `page` from the one starting with `from` up to (not including) the next starting with `to`. */
function without(page: string, from: string, to: string): string {
  const lines = page.split("\n");
  const start = lines.findIndex((l) => l.startsWith(from));
  const end = lines.findIndex((l, i) => i > start && l.startsWith(to));
  if (start < 0 || end < 0) throw new Error(`the fixture has no "${from}" … "${to}"`);
  return [...lines.slice(0, start), ...lines.slice(end)].join("\n");
}

describe("a page's shape breaks", () => {
  it("a tier's table gone (OpenAI's Batch table): each batch price is proposed retired as 'this tier retired?', held for review, never a new shape, never on main", async () => {
    world = await startPrWorld();
    const w = world;
    // The 2026 pricing page without its "Batch" tab label, heading and table (everything up to the Flex tab).
    const page = without(fixture("openai/developers-openai-api-docs-pricing__2026-08-22.est.md"), "Batch", "Flex");
    const r = await w.run("run", ["--only", "openai-pricing"], w.pages({ "openai-pricing.md": { text: page } }), "2026-08-23");
    expect(r.status, r.stderr).toBe(0);
    const entries = r.report.sources[0]!.diff!.entries;
    const gpt55 = entries.find((e) => e.model === "openai/gpt-5.5")!;
    expect(gpt55.outcome).toBe("changed");
    if (gpt55.outcome !== "changed") return;
    expect(gpt55.retired.length).toBeGreaterThan(0);
    for (const r of gpt55.retired) {
      expect(r.price).toMatch(/^batch\//);
      expect(r.replacedBy).toEqual([]);
      expect(r.guard).toBe("no batch/ price of this model is on the page any more: this tier retired? Check the page");
    }
    expect(gpt55.added).toEqual([]);
    expect(r.report.sources[0]!.counts.reshaped).toBe(0);
    const pr = w.openPulls().find((p) => p.ref === "catalog-freshness/openai-pricing")!;
    expect(pr.title).not.toMatch(/restructured/);
    expect(pr.labels).toContain("needs-careful-review");
    expect(pr.body).toContain(`> - \`openai/gpt-5.5\` \`${gpt55.retired[0]!.price}\`: $`);
    // main keeps every batch price; the branch moves them to history, never deletes them silently.
    const key = gpt55.retired[0]!.price;
    expect(w.entry("main", "openai/gpt-5.5").prices[key]).toBeDefined();
    const branch = w.entry("catalog-freshness/openai-pricing", "openai/gpt-5.5");
    expect(branch.prices[key]).toBeUndefined();
    expect(branch.priceHistory).toContainEqual(expect.objectContaining({ price: key, until: "2026-08-23" }));
  });

  it("a model's prices gone from every table stays missing: nothing retired, its file untouched everywhere", async () => {
    world = await startPrWorld();
    const w = world;
    const page = fixture("anthropic/platform-claude-docs-pricing__2026-08-13.md")
      .split("\n")
      .filter((l) => !l.startsWith("| Claude Haiku 4.5 "))
      .join("\n");
    const r = await w.run("run", ["--only", "anthropic-pricing"], w.pages({ "anthropic-pricing.md": { text: page } }), "2026-08-20");
    expect(r.status, r.stderr).toBe(0);
    expect(r.report.sources[0]!.diff!.entries.find((e) => e.model === "anthropic/claude-haiku-4-5")).toEqual({ model: "anthropic/claude-haiku-4-5", outcome: "missing" });
    expect(r.report.sources[0]!.counts).toMatchObject({ missing: 1, retired: 0 });
    expect(w.openPulls().filter((p) => p.body.includes("claude-haiku-4-5"))).toEqual([]);
    expect(w.entry("main", "anthropic/claude-haiku-4-5").lastVerified).toBe("2026-08-08");
  });

  it("after a new shape landed, a run of an earlier day judges nothing of it: no reversal, no PR", async () => {
    world = await startPrWorld();
    const w = world;
    const pages = w.pages({ "deepseek-pricing.html": { fixture: "test/fixtures/deepseek/api-docs-quick_start-pricing__2026-08-13.html" } });
    expect((await w.run("run", ["--only", "deepseek-pricing"], pages, "2026-08-23")).status).toBe(0);
    w.merge("catalog-freshness/deepseek-pricing");
    expect((await w.run("run", ["--only", "deepseek-pricing"], pages, "2026-08-24")).report.sources[0]!.counts).toMatchObject({ verified: 2, reshaped: 0 });
    expect(w.openPulls()).toEqual([]);
    const landed = w.entry("main", "deepseek/deepseek-v4-pro");

    // The same page replayed as of 2026-08-14, before its new prices took effect: the flat prices were current then.
    const earlier = await w.run("run", ["--only", "deepseek-pricing"], pages, "2026-08-14");
    expect(earlier.status, earlier.stderr).toBe(0);
    for (const e of earlier.report.sources[0]!.diff!.entries.filter((x) => x.model.startsWith("deepseek/deepseek-v4-"))) {
      expect(e).toMatchObject({ outcome: "incomplete", reasons: [expect.stringMatching(/after this run's day 2026-08-14: a run of an earlier day judges nothing of it/)] });
    }
    expect(w.openPulls()).toEqual([]);
    expect(w.entry("main", "deepseek/deepseek-v4-pro")).toEqual(landed);
  });
});
