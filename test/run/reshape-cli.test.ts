/**
 * Changes of shape, scheduled prices and an entry checked by two sources, through the real CLI, a real bare
 * `origin` and the local GitHub API, on the real pages of 2026 — and what happens once a maintainer merges.
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
const DEEPSEEK_0813 = "test/fixtures/deepseek/api-docs-quick_start-pricing__2026-08-13.html";
const PRO = "deepseek/deepseek-v4-pro";

/**
 * DeepSeek's page as a later day shows it, made from the real 2026-08-13 page by deleting what a vendor deletes
 * once the new prices took effect: the old price table and the announcement's date. The peak / off-peak table
 * is then the page's only, and current, price table.
 */
function deepseekAfterTheSwitch(): string {
  const page = fixture("deepseek/api-docs-quick_start-pricing__2026-08-13.md");
  const lines = page.split("\n");
  const first = lines.findIndex((l) => l.startsWith("| MODEL | | deepseek-v4-flash"));
  const last = lines.findIndex((l) => l.startsWith("| Concurrency Limit(2)"));
  const edited = [...lines.slice(0, first - 2), ...lines.slice(last + 1)]
    .join("\n")
    .replace("DeepSeek API pricing will be updated to peak / off-peak billing", "DeepSeek API pricing uses peak / off-peak billing")
    .replace("The new prices take effect at 16:00 UTC on August 16, 2026, as follows:", "The prices are as follows:");
  if (edited.includes("$0.435") || !edited.includes("| deepseek-v4-pro | OFF-PEAK | $0.022 | $0.66 | $1.98 |")) throw new Error("the DeepSeek fixture changed shape");
  return edited;
}

describe("DeepSeek's peak / off-peak restructuring (the real pages of August 2026)", () => {
  it("opens one PR whose branch has the new shape and the old prices in history; the base keeps the old entry; a later page does not undo it", async () => {
    world = await startPrWorld();
    const w = world;
    const first = await w.run("run", ["--only", "deepseek-pricing"], w.pages({ "deepseek-pricing.html": { fixture: DEEPSEEK_0813 } }), "2026-08-23");
    expect(first.status, first.stderr).toBe(0);
    expect(w.openPulls().map((p) => p.ref)).toEqual(["catalog-freshness/deepseek-pricing"]);
    const pr = w.openPulls()[0]!;
    expect(pr.title).toBe("deepseek-pricing: restructured prices of 2 model(s) (needs careful review)");
    // The first thing a reviewer reads says what changed shape.
    expect(pr.body.split("\n").slice(2, 5).join("\n")).toContain(
      "> [!WARNING]\n> **Restructured prices**: the page prices 2 model(s) in a new shape. Old keys move to `priceHistory`.\n> - `deepseek/deepseek-v4-flash`: `input` $0.14 is now `input@off_peak` $0.22 (+57.1%) / `input@peak` $0.44 (+214.3%) (from 2026-08-16)",
    );
    expect(pr.labels).toContain("needs-careful-review");
    expect(first.report.sources[0]!.counts).toMatchObject({ reshaped: 2, added: 12, retired: 6, changed: 0 });

    const branch = w.entry("catalog-freshness/deepseek-pricing", PRO);
    expect(branch.prices).toEqual({
      "input@off_peak": { usd: 0.66, unit: "1M tokens" },
      "input@peak": { usd: 1.32, unit: "1M tokens" },
      "cached_input@off_peak": { usd: 0.022, unit: "1M tokens" },
      "cached_input@peak": { usd: 0.044, unit: "1M tokens" },
      "output@off_peak": { usd: 1.98, unit: "1M tokens" },
      "output@peak": { usd: 3.96, unit: "1M tokens" },
    });
    expect(branch.priceHistory).toEqual([
      { price: "input", usd: 0.435, unit: "1M tokens", until: "2026-08-16" },
      { price: "cached_input", usd: 0.003625, unit: "1M tokens", until: "2026-08-16" },
      { price: "output", usd: 0.87, unit: "1M tokens", until: "2026-08-16" },
    ]);
    const main = w.entry("main", PRO);
    expect(main.prices.input).toEqual({ usd: 0.435, unit: "1M tokens" });
    expect(main.priceHistory).toEqual([]);

    // Merged; then the page of a later day, which shows only the new table, verifies it and proposes nothing.
    w.merge("catalog-freshness/deepseek-pricing");
    const later = await w.run("run", ["--only", "deepseek-pricing"], w.pages({ "deepseek-pricing.md": { text: deepseekAfterTheSwitch() } }), "2026-08-30");
    expect(later.status, later.stderr).toBe(0);
    expect(later.report.sources[0]!.counts).toMatchObject({ verified: 2, changed: 0, reshaped: 0, added: 0, retired: 0, scheduled: 0, multipliers: 2 });
    // It also states the off-peak discount as a rule ("off-peak rates at half the peak rates"): proposed as a
    // multiplier of each model, in the source's PR; the prices themselves are verified.
    expect(w.openPulls().map((p) => p.title)).toEqual(["deepseek-pricing: multipliers for 2 models"]);
    w.merge("catalog-freshness/deepseek-pricing");
    expect(w.entry("main", PRO).multipliers).toMatchObject({ off_peak: { factor: 0.5, source: "deepseek-pricing" } });
    expect(w.entry("main", PRO).prices["input@peak"]).toEqual({ usd: 1.32, unit: "1M tokens" });
    expect(w.entry("main", PRO).lastVerified).toBe("2026-08-30");

    // And an older copy of the page (2026-08-02: the flat prices, current), replayed later, never undoes it.
    const older = await w.run("run", ["--only", "deepseek-pricing"], w.pages({ "deepseek-pricing.md": { fixture: "test/fixtures/deepseek/api-docs-quick_start-pricing__2026-08-02.md" } }), "2026-09-02");
    expect(older.status, older.stderr).toBe(0);
    const judged = older.report.sources[0]!.diff!.entries.find((e) => e.model === PRO);
    expect(judged).toMatchObject({ outcome: "incomplete", reasons: [expect.stringMatching(/an older copy of the page\? The shape change is not undone/)] });
    expect(w.openPulls()).toEqual([]);
    expect(w.entry("main", PRO).prices["input@peak"]).toEqual({ usd: 1.32, unit: "1M tokens" });
  });
});

describe("Claude Sonnet 5's announced price, stored, then withdrawn (the real pages of 2026-07-21 and 2026-08-13)", () => {
  it("stores $3 / $15 from 2026-09-01 as a scheduled price in the PR; once merged, the later page proposes its removal, quoting the cancellation", async () => {
    world = await startPrWorld();
    const w = world;
    const july = await w.run("verify", ["anthropic/claude-sonnet-5"], w.pages({ "anthropic-pricing.md": { fixture: "test/fixtures/anthropic/platform-claude-docs-pricing__2026-07-21.md" } }), "2026-08-10");
    expect(july.status, july.stderr).toBe(0);
    const announced = w.openPulls().find((p) => p.ref === "catalog-freshness/anthropic-pricing")!;
    expect(announced.title).toBe("anthropic-pricing: claude-sonnet-5 scheduled prices");
    expect(announced.body).toContain("| `input` (per 1M tokens) | $2 | from 2026-09-01: $3 | scheduled, +50.0% |");
    expect(announced.body).toContain("| `output` (per 1M tokens) | $10 | from 2026-09-01: $15 | scheduled, +50.0% |");
    const scheduled = w.entry("catalog-freshness/anthropic-pricing", "anthropic/claude-sonnet-5").scheduledPrices as unknown[];
    expect(scheduled).toContainEqual({ price: "input", usd: 3, unit: "1M tokens", from: "2026-09-01", source: "anthropic-pricing" });
    expect(scheduled).toContainEqual({ price: "output", usd: 15, unit: "1M tokens", from: "2026-09-01", source: "anthropic-pricing" });
    // The current prices were all seen: the base branch has the verification, not the announcement.
    expect(w.entry("main", "anthropic/claude-sonnet-5").lastVerified).toBe("2026-08-10");
    expect(w.entry("main", "anthropic/claude-sonnet-5").scheduledPrices).toBeUndefined();

    w.merge("catalog-freshness/anthropic-pricing");
    const august = await w.run("verify", ["anthropic/claude-sonnet-5"], w.pages({ "anthropic-pricing.md": { fixture: "test/fixtures/anthropic/platform-claude-docs-pricing__2026-08-13.md" } }), "2026-08-20");
    expect(august.status, august.stderr).toBe(0);
    const withdrawn = w.openPulls().find((p) => p.ref === "catalog-freshness/anthropic-pricing")!;
    expect(withdrawn.body).toContain("| `input` (per 1M tokens) | from 2026-09-01: $3 | $2 | announcement withdrawn |");
    expect(withdrawn.body).toContain(
      "- input from 2026-09-01 withdrawn; the page says: “The previously scheduled increase to \\$3/\\$15 per million input/output tokens on September 1, 2026 will not occur.”",
    );
    expect(w.entry("catalog-freshness/anthropic-pricing", "anthropic/claude-sonnet-5").scheduledPrices).toBeUndefined();
    expect(august.report.sources[0]!.counts.scheduled).toBe(7);
  });
});

describe("gpt-image-1-mini, checked by the pricing page and its model page", () => {
  it("proposes its new keys in the openai PRs (token prices from the pricing page, per-image prices at every size from the model page); merged, they land, and a second run opens nothing new", async () => {
    world = await startPrWorld();
    const w = world;
    const pages = w.pages({
      "openai-pricing.md": { fixture: "test/fixtures/openai/developers-openai-api-docs-pricing__2026-08-22.est.md" },
      "openai-models/gpt-image-1-mini.md": { fixture: "test/fixtures/openai/models/gpt-image-1-mini__2026-08-19.md" },
    });
    const verify = () => w.run("verify", ["openai/gpt-image-1-mini"], pages, "2026-08-23");
    const first = await verify();
    expect(first.status, first.stderr).toBe(0);
    expect(w.openPulls().map((p) => p.ref).sort()).toEqual(["catalog-freshness/openai-models", "catalog-freshness/openai-pricing"]);
    const models = w.openPulls().find((p) => p.ref === "catalog-freshness/openai-models")!;
    expect(models.body).toContain("| `image:low:1024x1024` (per image) | $0.004 | $0.005 | +25.0% |");
    expect(models.body).toContain("| `image:high:1536x1024` (per image) | — | $0.052 | new |");
    const pricing = w.openPulls().find((p) => p.ref === "catalog-freshness/openai-pricing")!;
    expect(pricing.body).toContain("| `image_output` (per 1M tokens) | — | $8 | new |");
    expect(pricing.body).not.toContain("image:low:1024x1024");

    w.merge("catalog-freshness/openai-models");
    const second = await verify();
    expect(second.status, second.stderr).toBe(0);
    expect(w.openPulls().map((p) => p.ref)).toEqual(["catalog-freshness/openai-pricing"]);
    w.merge("catalog-freshness/openai-pricing");
    const posts = () => w.server.requests.filter((q) => q.method === "POST" && q.path.endsWith("/pulls")).length;
    const created = posts();

    const third = await verify();
    expect(third.status, third.stderr).toBe(0);
    expect(w.openPulls()).toEqual([]);
    expect(posts()).toBe(created);
    const mini = w.entry("main", "openai/gpt-image-1-mini");
    expect(mini.lastVerified).toBe("2026-08-23");
    expect(Object.keys(mini.prices)).toEqual([
      "input",
      "cached_input",
      "image_input",
      "image_cached_input",
      "image_output",
      "image:low:1024x1024",
      "image:low:1024x1536",
      "image:low:1536x1024",
      "image:medium:1024x1024",
      "image:medium:1024x1536",
      "image:medium:1536x1024",
      "image:high:1024x1024",
      "image:high:1024x1536",
      "image:high:1536x1024",
      "batch/input",
      "batch/cached_input",
      "batch/image_input",
      "batch/image_cached_input",
      "batch/image_output",
    ]);
    expect(mini.prices["image:medium:1024x1024"]).toEqual({ usd: 0.011, unit: "image" });
    expect(mini.priceHistory).toContainEqual({ price: "image:medium:1024x1024", usd: 0.02, unit: "image", until: "2026-08-23" });
    // The fourth run, on the same pages, has nothing left to do.
    const fourth = await verify();
    expect(fourth.report.sources.map((s) => s.counts.verified)).toEqual([1, 1]);
    expect(posts()).toBe(created);
  });
});
