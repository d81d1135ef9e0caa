import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pricesOf } from "../support/prices.ts";
import { diffSource } from "../../pipeline/diff/diff.ts";
import { moonshotPricingSource as source } from "../../pipeline/sources/moonshot.ts";
import { ModelEntry } from "../../schemas/model-entry.ts";
import { Extraction } from "../../schemas/observation.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const PAGE = path.join(REPO_ROOT, "test/fixtures/moonshot/platform-kimi-ai-docs-pricing-chat__2026-09-25.est.md");
const body = readFileSync(PAGE, "utf8");

describe("Kimi pricing, platform.kimi.ai/docs/pricing/chat.md 2026-09-25", () => {
  const x = source.extract(body, "markdown");

  it("reads every price of both DocTables by its column title, whatever slot it sits in", () => {
    expect(Extraction.parse(x)).toEqual(x);
    expect(x.status).toBe("ok");
    expect(x.problems).toEqual([]);
    // Checked by hand (MANIFEST): kimi-k3 cache write 5min $3.00, 1h $6.00, cached input $0.30, input $3.00, output $15.00;
    // kimi-k2.7-code hit $0.19 / miss $0.95 / out $4.00; highspeed $0.38 / $1.90 / $8.00; kimi-k2.6 $0.16 / $0.95 / $4.00.
    expect(pricesOf(x)).toEqual({
      "moonshot/kimi-k3": { cache_write_5m: 3, cache_write_1h: 6, cached_input: 0.3, input: 3, output: 15 },
      "moonshot/kimi-k2.7-code": { cached_input: 0.19, input: 0.95, output: 4 },
      "moonshot/kimi-k2.7-code-highspeed": { cached_input: 0.38, input: 1.9, output: 8 },
      "moonshot/kimi-k2.6": { cached_input: 0.16, input: 0.95, output: 4 },
    });
  });

  it("quotes the row as written on the page, under its column titles", () => {
    expect(body).toContain(`["kimi-k3", "1M tokens", <>{"$"}3.00</>, <>{"$"}6.00</>, <>{"$"}0.30</>, <>{"$"}3.00</>, <>{"$"}15.00</>, "1,048,576 tokens"]`);
    const k3 = x.observations.find((o) => o.model === "moonshot/kimi-k3" && o.price === "cache_write_1h");
    expect(k3?.evidence).toBe(
      "Model | Unit | Cache Write Price (TTL 5min) | Cache Write Price (TTL 1h) | Cached Input Price | Input Price | Output Price | Context Window: kimi-k3 | 1M tokens | $3.00 | $6.00 | $0.30 | $3.00 | $15.00 | 1,048,576 tokens",
    );
    // The context window and the unit are strings in the arrays, never amounts.
    expect(x.observations.some((o) => o.usd === 1048576 || o.usd === 262144 || o.usd === 1)).toBe(false);
  });

  it("accounts for every dollar, written as JSX fragments", () => {
    expect(x.accounting).toEqual([{ seen: 14, read: 14, passedOver: [], unread: 0 }]);
  });

  it("keys a column by its title when the columns move (kimi-k3 in a K2-style table, as in an earlier version)", () => {
    const moved = body.replace(
      `["kimi-k2.6", "1M tokens"`,
      `["kimi-k3", "1M tokens", <>{"$"}0.30</>, <>{"$"}3.00</>, <>{"$"}15.00</>, "1,048,576 tokens"],\n["kimi-k2.6", "1M tokens"`,
    );
    const y = source.extract(moved, "markdown");
    expect(y.status).toBe("ok");
    expect(pricesOf(y)["moonshot/kimi-k3"]).toEqual({ cache_write_5m: 3, cache_write_1h: 6, cached_input: 0.3, input: 3, output: 15 });
  });

  it("reports a column it cannot name, a unit that is not 1M tokens, a Free cell and an expression, and reads the rest", () => {
    const edited = body
      .replace(`{ title: "Output Price", width: "10%" }`, `{ title: "Price", width: "10%" }`)
      .replace(`["kimi-k2.6", "1M tokens"`, `["kimi-k2.6", "1K requests"`)
      .replace(`["kimi-k2.7-code", "1M tokens", <>{"$"}0.19</>`, `["kimi-k2.7-code", "1M tokens", "Free"`)
      .replace(`<>{"$"}8.00</>`, `<>{price}</>`);
    const y = source.extract(edited, "markdown");
    expect(y.status).toBe("partial");
    expect(y.problems.map((p) => p.message)).toEqual([
      `the column "Price" names no token price this source knows ($15 not read)`,
      `"Free" in a price column: a free price is not read as $0`,
      "the cell {price} is an expression, not a value; not read",
      `the row's unit "1K requests" is not 1M tokens; not read`,
      // and every amount left unread is reported by the accounting, with the words around it.
      "$15.00 is read into no price and passed over by no rule",
      "$0.16 is read into no price and passed over by no rule",
    ]);
    expect(y.observations.some((o) => o.usd === 0)).toBe(false);
    expect(pricesOf(y)["moonshot/kimi-k3"]).toEqual({ cache_write_5m: 3, cache_write_1h: 6, cached_input: 0.3, input: 3 });
  });

  it("fails a page without a DocTable, and a challenge page", () => {
    expect(source.extract(body.replace(/<DocTable[\s\S]*?\/>\n/g, ""), "markdown").status).toBe("failed");
    expect(source.extract("<html><body>Just a moment...</body></html>", "markdown").status).toBe("failed");
  });

  it("verifies every catalog entry naming this source on a replay of the page: no change, no addition, no PR", () => {
    const dir = path.join(REPO_ROOT, "catalog/moonshot");
    const entries = readdirSync(dir).map((f) => ModelEntry.parse(JSON.parse(readFileSync(path.join(dir, f), "utf8"))));
    const covered = entries.filter((e) => e.sources.some((s) => s.source === source.id));
    expect(covered.map((e) => e.id).sort()).toEqual(["moonshot/kimi-k2.6", "moonshot/kimi-k2.7-code", "moonshot/kimi-k2.7-code-highspeed", "moonshot/kimi-k3"]);
    for (const e of covered) expect(e.lastVerified).toBe("2026-09-25");
    const diff = diffSource(x, covered, "2026-09-25");
    for (const e of diff.entries) {
      expect(e, e.model).toMatchObject({ outcome: "verified", changes: [], added: [] });
      expect("multipliers" in e ? e.multipliers : undefined, e.model).toBeUndefined();
    }
    expect(diff.untracked).toEqual([]);
  });
});
