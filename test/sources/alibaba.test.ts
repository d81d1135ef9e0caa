import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pricesOf } from "../support/prices.ts";
import { readCatalogFile } from "../../pipeline/catalog/load.ts";
import { diffRun } from "../../pipeline/diff/diff.ts";
import { alibabaPricingSource as source } from "../../pipeline/sources/alibaba.ts";
import type { ModelEntry } from "../../schemas/model-entry.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PAGE = readFileSync(path.join(ROOT, "test/fixtures/alibaba/alibabacloud-com-help-en-model-studio-model-pricing__2026-08-19.excerpt.html"), "utf8");
const x = source.extract(PAGE, "html");
const pageText = PAGE.replace(/<[^>]+>/g, " ").replace(/&lt;/g, "<").replace(/\s+/g, " ");

describe("alibaba-pricing: Model Studio's model pricing page (rowspan tiers, deployment scopes)", () => {
  const prices = pricesOf(x);

  it("reads the whole page: every amount read or passed over by a named rule", () => {
    expect(x.status).toBe("ok");
    expect(x.problems).toEqual([]);
    const [a] = x.accounting!;
    expect(a!.unread).toBe(0);
    expect(a!.passedOver.map((p) => p.rule)).toEqual(["other-deployment-scope"]);
  });

  it("reads qwen3.7-max's Global list price as stated, and the discount in words as multipliers, never computed into it", () => {
    expect(pageText).toContain("qwen3.7-max Currently equivalent to qwen3.7-max-2026-05-20 context caching discount Global");
    expect(pageText).toContain("List price $1.65 Limited-time night 80% off, daytime 50% off");
    expect(prices["alibaba/qwen3.7-max"]).toEqual({ input: 1.65, output: 4.951 });
    expect(x.multipliers!.filter((m) => m.model === "alibaba/qwen3.7-max").map((m) => [m.name, m.factor, m.sentence])).toEqual([
      ["promotion_night", 0.2, "Limited-time night 80% off, daytime 50% off"],
      ["promotion_daytime", 0.5, "Limited-time night 80% off, daytime 50% off"],
    ]);
    // 80% or 50% off $1.65 is never a price here.
    expect(x.observations.some((o) => [0.33, 0.825, 0.9902, 2.4755].includes(o.usd))).toBe(false);
    const evidence = x.observations.find((o) => o.model === "alibaba/qwen3.7-max" && o.price === "input")!.evidence!;
    expect(evidence).toBe("qwen3.7-max | Global | Non-Thinking and Thinking modes | 0<Token≤1M | List price $1.65 Limited-time night 80% off, daytime 50% off | List price $4.951 Limited-time night 80% off, daytime 50% off");
  });

  it("keys tiers by input length (lowest plain, upper rows @over_<from>) and thinking output apart", () => {
    expect(pageText).toMatch(/0<Token≤256K List price \$0\.4 Limited-time 20% off List price \$1\.6 Limited-time 20% off List price \$1\.6/);
    expect(prices["alibaba/qwen3.7-plus"]).toEqual({
      input: 0.4,
      output: 1.6,
      thinking_output: 1.6,
      "input@over_256k": 1.2,
      "output@over_256k": 4.8,
      "thinking_output@over_256k": 4.8,
    });
    expect(x.multipliers!.filter((m) => m.model === "alibaba/qwen3.7-plus").map((m) => [m.name, m.factor])).toEqual([["promotion", 0.8]]);
    // qwen-plus: thinking output $4 against $1.2 non-thinking; 256K–1M $1.2 / $3.6 / $12.
    expect(prices["alibaba/qwen-plus"]).toEqual({
      input: 0.4,
      output: 1.2,
      thinking_output: 4,
      "input@over_256k": 1.2,
      "output@over_256k": 3.6,
      "thinking_output@over_256k": 12,
    });
    // "-" is no price: qwen-plus-2025-01-25 has no thinking output; "No tiered pricing" is one plain tier.
    expect(prices["alibaba/qwen-plus-2025-01-25"]).toEqual({ input: 0.4, output: 1.2 });
    expect(prices["alibaba/glm-5.2"]).toEqual({ input: 1.4, output: 4.4 });
    expect(prices["alibaba/glm-5.2-fast-preview"]).toEqual({ input: 2.8, output: 8.8 });
  });

  it("reads the Global, else International scope, never Hong Kong: qwen3-max (Hong Kong only) is listed with its scope", () => {
    expect(pageText).toMatch(/qwen3-max Currently equivalent to qwen3-max-2026-01-23 context caching discount Hong Kong \(China\)/);
    expect(prices["alibaba/qwen3-max"]).toBeUndefined();
    expect(x.untracked.map((u) => u.name)).toEqual(["qwen3-max (Hong Kong (China) scope only)", "qwen3-max-2026-01-23 (Hong Kong (China) scope only)"]);
    const scopes = new Set(x.observations.map((o) => o.evidence!.split(" | ")[1]));
    expect([...scopes].sort()).toEqual(["Global", "International"]);
  });

  it("reads a model's International rows when it has no Global ones, and reports a scope it does not know", () => {
    const international = source.extract(PAGE.replace(/(<p id="[^"]*">)Hong Kong \(China\)/, "$1International"), "html");
    expect(international.status).toBe("ok");
    expect(pricesOf(international)["alibaba/qwen3-max"]).toEqual({ input: 1.2, output: 6, "input@over_32k": 2.4, "output@over_32k": 12, "input@over_128k": 3, "output@over_128k": 15 });
    const unknown = source.extract(PAGE.replace(/(<p id="[^"]*">)Hong Kong \(China\)/, "$1US (Virginia)"), "html");
    expect(unknown.status).toBe("partial");
    expect(unknown.problems.map((p) => p.message)).toContain(`a deployment scope "US (Virginia)" the source does not know; its prices are not read`);
  });

  it("reports tiers that do not follow one another instead of keying them", () => {
    const r = source.extract(PAGE.replace("256K&lt;Token≤1M", "512K&lt;Token≤1M"), "html");
    expect(r.status).toBe("partial");
    expect(r.problems[0]!.message).toBe("its input-length tiers cannot be keyed: the tiers do not follow one another (0<Token≤256K, 512K<Token≤1M); not read");
    expect(pricesOf(r)["alibaba/qwen3.7-plus"]).toBeUndefined();
  });

  it("a replay of the page verifies every alibaba catalog entry and proposes nothing", () => {
    const dir = path.join(ROOT, "catalog/alibaba");
    const entries: ModelEntry[] = readdirSync(dir).map((f) => readCatalogFile(path.join(ROOT, "catalog"), `alibaba/${f}`).entry!);
    expect(entries.map((e) => e.id).sort()).toEqual(["alibaba/qwen-plus", "alibaba/qwen3.5-plus", "alibaba/qwen3.6-plus", "alibaba/qwen3.7-max", "alibaba/qwen3.7-plus"]);
    const [d] = diffRun([{ extraction: x, covered: entries }], {
      runDate: "2026-08-19",
      catalogIds: new Set(entries.map((e) => e.id)),
      sourceIds: new Set([source.id]),
    });
    expect(d!.entries.filter((e) => e.outcome !== "verified")).toEqual([]);
    for (const e of d!.entries) {
      if (e.outcome !== "verified") continue;
      expect([...e.changes, ...e.added, ...e.retired, ...(e.multipliers ?? [])], e.model).toEqual([]);
    }
  });
});
