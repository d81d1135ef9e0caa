import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pricesOf } from "../support/prices.ts";
import { diffSource } from "../../pipeline/diff/diff.ts";
import { minimaxPricingSource as source } from "../../pipeline/sources/minimax.ts";
import { ModelEntry } from "../../schemas/model-entry.ts";
import { Extraction } from "../../schemas/observation.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const FIXTURES = path.join(REPO_ROOT, "test/fixtures/minimax");
const PAGES = {
  "2026-08-19": readFileSync(path.join(FIXTURES, "platform-minimax-io-docs-guides-pricing-paygo__2026-08-19.est.md"), "utf8"),
  "2026-10-10": readFileSync(path.join(FIXTURES, "platform-minimax-io-docs-guides-pricing-paygo__2026-10-10.est.md"), "utf8"),
} as const;

const evidenceOf = (x: Extraction, model: string, price: string) => x.observations.find((o) => o.model === model && o.price === price)?.evidence;

// MiniMax-M3 on both pages (checked by hand, MANIFEST): ≤512k ~~$0.60~~ $0.30 / ~~$2.40~~ $1.20 / ~~$0.12~~ $0.06;
// >512k $0.60 / $2.40 / $0.12; Priority ≤512k $0.45 / $1.80 / $0.09, >512k $0.90 / $3.60 / $0.18.
const M3 = {
  input: 0.3,
  output: 1.2,
  cached_input: 0.06,
  "input@over_512k": 0.6,
  "output@over_512k": 2.4,
  "cached_input@over_512k": 0.12,
  "priority/input": 0.45,
  "priority/output": 1.8,
  "priority/cached_input": 0.09,
  "priority/input@over_512k": 0.9,
  "priority/output@over_512k": 3.6,
  "priority/cached_input@over_512k": 0.18,
};

describe.each(Object.entries(PAGES))("MiniMax pay-as-you-go, %s", (date, body) => {
  const x = source.extract(body, "markdown");
  const prices = pricesOf(x);

  it("reads the page whole, every dollar accounted for", () => {
    expect(Extraction.parse(x)).toEqual(x);
    expect(x.problems).toEqual([]);
    expect(x.status).toBe("ok");
    expect(x.accounting).toHaveLength(1);
    expect(x.accounting![0]!.unread).toBe(0);
  });

  it("reads MiniMax-M3's sale prices (never the struck list prices) in both tabs and both context tiers", () => {
    expect(body).toContain(String.raw`| **MiniMax-M3**<br />≤ 512k input tokens <span`);
    expect(body).toMatch(/\| ~~\\\$0\.60~~ \\\$0\.30 \/ M tokens +\| ~~\\\$2\.40~~ \\\$1\.20 \/ M tokens +\| ~~\\\$0\.12~~ \\\$0\.06 \/ M tokens/);
    expect(prices["minimax/MiniMax-M3"]).toEqual(M3);
    expect(evidenceOf(x, "minimax/MiniMax-M3", "input")).toMatch(/^Standard › MiniMax-M3 ≤ 512k input tokens .*\(list price \$0\.6 struck through, billed today \$0\.3\)$/);
    expect(evidenceOf(x, "minimax/MiniMax-M3", "priority/output@over_512k")).toMatch(/^Priority\* › MiniMax-M3 > 512k input tokens .*billed today \$3\.6\)$/);
    // The list prices that no sale price equals ($4.80, $0.24, $7.20, $0.36) are passed over as list prices.
    expect(x.observations.some((o) => [4.8, 0.24, 7.2, 0.36].includes(o.usd))).toBe(false);
    expect(x.accounting![0]!.passedOver.find((p) => p.rule === "list-price")?.amounts).toBe(4);
  });

  it("records the Priority tab's footnote as a multiplier of the models in the tab, computing nothing from it", () => {
    expect(body).toContain("Pricing is 1.5x standard.");
    expect(x.multipliers).toEqual([{ model: "minimax/MiniMax-M3", name: "priority", factor: 1.5, sentence: "Pricing is 1.5x standard." }]);
  });

  it("reads the M2.x tables, the legacy accordion included", () => {
    expect(prices["minimax/MiniMax-M2.7"]).toEqual({ input: 0.3, output: 1.2, cached_input: 0.06, cache_write: 0.375 });
    expect(prices["minimax/MiniMax-M2.7-highspeed"]).toEqual({ input: 0.6, output: 2.4, cached_input: 0.06, cache_write: 0.375 });
    expect(prices["minimax/MiniMax-M2.5"]).toEqual({ input: 0.3, output: 1.2, cached_input: 0.03, cache_write: 0.375 });
    expect(prices["minimax/MiniMax-M2"]).toEqual({ input: 0.3, output: 1.2, cached_input: 0.03, cache_write: 0.375 });
  });

  it("reads speech per 1M characters, video per second by resolution, images and legacy clips in their own units", () => {
    expect(prices["minimax/speech-2.8-hd"]).toEqual({ input_per_1m_characters: 100 });
    expect(prices["minimax/speech-2.8-turbo"]).toEqual({ input_per_1m_characters: 60 });
    // "speech-2.6-hd / speech-02-hd | $100/M characters": one price for both ids.
    expect(prices["minimax/speech-02-hd"]).toEqual({ input_per_1m_characters: 100 });
    expect(prices["minimax/MiniMax-H3"]).toMatchObject({ "video_per_second:768p": 0.08, "video_per_second:2k": 0.13 });
    expect(prices["minimax/image-01"]).toEqual({ image: 0.0035 });
    expect(prices["minimax/MiniMax-Hailuo-2.3"]).toEqual({ "video_per_request:768p_6s": 0.28, "video_per_request:768p_10s": 0.56, "video_per_request:1080p_6s": 0.49 });
    expect(prices["minimax/MiniMax-H3-Context-IR"]).toEqual({ input: 0.9, output: 3.6 });
  });

  it("lists the ASR API (no model id, 2026-10-10 only) and the music models untracked, never a free one as $0", () => {
    const names = x.untracked.map((u) => u.name);
    expect(names.includes("Speech Recognition")).toBe(date === "2026-10-10");
    expect(names.filter((n) => /^Music-3\.0/.test(n)).length).toBeGreaterThan(0);
    expect(x.observations.some((o) => o.usd === 0)).toBe(false);
    expect(x.observations.some((o) => /voice|web_search|API-vlm/i.test(`${o.model} ${o.evidence}`))).toBe(false);
    if (date === "2026-08-19") expect(names).toContain("Music-3.0-free (free)");
  });
});

describe("MiniMax pay-as-you-go, what changed by 2026-10-10", () => {
  const x = source.extract(PAGES["2026-10-10"], "markdown");
  const prices = pricesOf(x);

  it("reads ASR per hour as an untracked API, H3-Max's own input-video rates and the discontinued music as untracked", () => {
    expect(PAGES["2026-10-10"]).toContain(String.raw`| Speech Recognition | Speech-to-Text |`);
    expect(x.untracked.find((u) => u.name === "Speech Recognition")?.where).toMatch(/\$0\.38 \/ hour"$/);
    // "480P \$0.0553/sec, 768P \$0.143/sec": not the output rates, as the page says.
    expect(prices["minimax/MiniMax-H3-Max"]).toEqual({
      "video_per_second:480p": 0.05,
      "video_per_second:768p": 0.08,
      "video_input_per_second:480p": 0.0553,
      "video_input_per_second:768p": 0.143,
    });
    expect(x.untracked.map((u) => u.name)).toContain("Music-3.0 (Discontinued)");
  });

  it("reports a model whose context rows are not the two sides of one threshold", () => {
    const body = PAGES["2026-10-10"].replace("> 512k input tokens\\*", "> 256k input tokens\\*");
    const y = source.extract(body, "markdown");
    expect(y.status).toBe("partial");
    expect(y.problems[0]!.message).toBe("MiniMax-M3: its two sides name different thresholds (< 512k, ≥ 256k); not read");
    expect(pricesOf(y)["minimax/MiniMax-M3"]).toMatchObject({ "priority/input": 0.45 });
    expect(pricesOf(y)["minimax/MiniMax-M3"]!.input).toBeUndefined();
  });

  it("reports a struck price with no sale price beside it, and a tab that names no tier", () => {
    const struck = PAGES["2026-10-10"].replace(String.raw`~~\$0.60~~ \$0.30 / M tokens`, String.raw`~~\$0.60~~ / M tokens`);
    const y = source.extract(struck, "markdown");
    expect(y.status).toBe("partial");
    expect(y.problems[0]!.message).toMatch(/^MiniMax-M3 Input: a sale cell that cannot be read surely: a list price \(\$0\.6\) with no price beside it/);
    expect(pricesOf(y)["minimax/MiniMax-M3"]!.input).toBeUndefined();

    const tab = source.extract(PAGES["2026-10-10"].replace(`<Tab title="Priority*">`, `<Tab title="Enterprise">`), "markdown");
    expect(tab.problems[0]).toEqual({ message: `a table in the tab "Enterprise", which names no tier; not read`, where: "LLM, table 2 (Tabs › Enterprise)" });
    expect(pricesOf(tab)["minimax/MiniMax-M3"]!["priority/input"]).toBeUndefined();
  });

  it("fails a page without its LLM table, and a challenge page", () => {
    expect(source.extract(PAGES["2026-10-10"].replace("## LLM", "## Models"), "markdown").status).toBe("failed");
    expect(source.extract("<html><body>Just a moment...</body></html>", "markdown").status).toBe("failed");
  });

  it("verifies every catalog entry naming this source on a replay of the newest page: no change, no addition, no PR", () => {
    const dir = path.join(REPO_ROOT, "catalog/minimax");
    const entries = readdirSync(dir).map((f) => ModelEntry.parse(JSON.parse(readFileSync(path.join(dir, f), "utf8"))));
    const covered = entries.filter((e) => e.sources.some((s) => s.source === source.id));
    expect(covered.length).toBe(entries.length);
    for (const e of covered) expect(e.lastVerified).toBe("2026-10-10");
    const diff = diffSource(x, covered, "2026-10-10");
    for (const e of diff.entries) {
      expect(e, e.model).toMatchObject({ outcome: "verified", changes: [], added: [] });
      expect("multipliers" in e ? e.multipliers : undefined, e.model).toBeUndefined();
    }
    expect(diff.entries.map((e) => e.model).sort()).toEqual(covered.map((e) => e.id).sort());
  });

  it("proposes a changed price, with the row as evidence, when the page changes one", () => {
    const dir = path.join(REPO_ROOT, "catalog/minimax");
    const covered = readdirSync(dir).map((f) => ModelEntry.parse(JSON.parse(readFileSync(path.join(dir, f), "utf8"))));
    const changed = PAGES["2026-10-10"].replace(String.raw`| **MiniMax-M2.7** | \$0.3 / M tokens |`, String.raw`| **MiniMax-M2.7** | \$0.35 / M tokens |`);
    const diff = diffSource(source.extract(changed, "markdown"), covered, "2026-10-11");
    const m27 = diff.entries.find((e) => e.model === "minimax/MiniMax-M2.7")!;
    expect(m27).toMatchObject({ outcome: "changed", changes: [{ price: "input", old: 0.3, new: 0.35, evidence: "MiniMax-M2.7 | $0.35 / M tokens | $1.2 / M tokens | $0.06 / M tokens | $0.375 / M tokens" }] });
    expect(diff.entries.filter((e) => e.outcome !== "verified").map((e) => e.model)).toEqual(["minimax/MiniMax-M2.7"]);
  });
});
