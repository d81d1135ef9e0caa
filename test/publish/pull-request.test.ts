import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diffSource } from "../../pipeline/diff/diff.ts";
import { escapeMarkdown, formatUsd } from "../../pipeline/publish/markdown.ts";
import { branchFor, changeIdOf, renderPullRequest } from "../../pipeline/publish/pull-request.ts";
import { ModelEntry } from "../../schemas/model-entry.ts";
import type { Observation } from "../../schemas/observation.ts";

const mini = ModelEntry.parse(JSON.parse(readFileSync("catalog/openai/gpt-image-1-mini.json", "utf8")));
const page = { url: "https://developers.openai.com/api/docs/pricing.md", fetchedAt: "2026-11-24T03:17:05.000Z", sha256: "ab".repeat(32) };

function observe(prices: Record<string, number>, evidence?: string): Observation[] {
  return Object.entries(prices).map(([price, usd]) => ({ model: "openai/gpt-image-1-mini", price, usd, unit: "image", ...(evidence ? { evidence } : {}) }));
}
function extraction(observations: Observation[], untracked: { name: string; where: string }[] = []) {
  return { source: "openai-pricing", status: "ok" as const, observations, untracked, problems: [] };
}

describe("the pull request a reviewer sees", () => {
  const diff = diffSource(
    extraction(observe({ "image:low:1024x1024": 0.005, "image:medium:1024x1024": 0.011, "image:high:1024x1024": 0.036 }, "| GPT Image 1 Mini | Low | $0.005 | $0.006 | $0.006 |")),
    [mini],
    "2026-11-24",
  );
  const pr = renderPullRequest(diff, new Map([[mini.id, mini]]), page);

  it("shows old → new and the change in % per price, the source, capture time and sha256", () => {
    expect(pr.branch).toBe("catalog-freshness/openai-pricing");
    expect(pr.title).toBe("openai-pricing: gpt-image-1-mini price change");
    expect(pr.body).toContain("| `image:low:1024x1024` (per image) | $0.004 | $0.005 | +25.0% |");
    expect(pr.body).toContain("| `image:medium:1024x1024` (per image) | $0.02 | $0.011 | −45.0% |");
    expect(pr.body).toContain("| `image:high:1024x1024` (per image) | $0.07 | $0.036 | −48.6% |");
    expect(pr.body).toContain("- Source: https://developers.openai.com/api/docs/pricing.md");
    expect(pr.body).toContain(`- Captured: 2026-11-24T03:17:05.000Z · sha256 \`${"ab".repeat(32)}\``);
    expect(pr.labels).toEqual(["catalog-freshness", "automation", "source:openai-pricing"]);
    expect(pr.body).not.toContain("[!WARNING]");
  });

  it("carries a stable change id, so the same page never makes a second PR and a declined one stays closed", () => {
    expect(changeIdOf(pr.body)).toBe(pr.changeId);
    const again = renderPullRequest(diffSource(extraction(observe({ "image:low:1024x1024": 0.005, "image:medium:1024x1024": 0.011, "image:high:1024x1024": 0.036 })), [mini], "2026-12-01"), new Map(), page);
    expect(again.changeId).toBe(pr.changeId);
    const other = renderPullRequest(diffSource(extraction(observe({ "image:low:1024x1024": 0.006, "image:medium:1024x1024": 0.011, "image:high:1024x1024": 0.036 })), [mini], "2026-12-01"), new Map(), page);
    expect(other.changeId).not.toBe(pr.changeId);
  });

  it("puts warnings first and adds the needs-careful-review label for a change over 10x", () => {
    const guarded = renderPullRequest(
      diffSource(extraction(observe({ "image:low:1024x1024": 0.5, "image:medium:1024x1024": 0.02, "image:high:1024x1024": 0.07 })), [mini], "2026-11-24"),
      new Map(),
      page,
    );
    const body = guarded.body.split("\n");
    expect(body[2]).toBe("> [!WARNING]");
    expect(guarded.body).toContain("`openai/gpt-image-1-mini` `image:low:1024x1024`: $0.004 → $0.50: rises 125× (10× or more)");
    expect(guarded.labels).toContain("needs-careful-review");
    expect(guarded.title).toMatch(/needs careful review/);
  });

  it("escapes vendor text: backticks, pipes, HTML, links, mentions and newlines cannot break out", () => {
    const nasty = "GPT `Image` | <img src=x onerror=alert(1)> [click](https://evil.example) @org/team\n# heading ../../etc";
    const d = diffSource(
      extraction(observe({ "image:low:1024x1024": 0.005, "image:medium:1024x1024": 0.02, "image:high:1024x1024": 0.07 }, nasty), [{ name: nasty, where: "table 1" }]),
      [mini],
      "2026-11-24",
    );
    const body = renderPullRequest(d, new Map([[mini.id, { ...mini, name: nasty }]]), page).body;
    expect(body).not.toContain("<img");
    expect(body).not.toContain("[click](");
    expect(body).not.toMatch(/^# heading/m);
    expect(body).not.toContain("`Image`");
    expect(body).not.toContain(" | <");
    expect(body).not.toMatch(/(^|[^\\])@org/);
    expect(escapeMarkdown(nasty)).toBe(
      "GPT \\`Image\\` \\| &lt;img src=x onerror=alert\\(1\\)&gt; \\[click\\]\\(https\\://evil.example\\) \\@org/team \\# heading ../../etc",
    );
  });

  it("refuses a source id that could not be a safe branch name", () => {
    expect(() => branchFor("../main")).toThrow(/cannot name a branch/);
    expect(() => branchFor("openai pricing")).toThrow();
    expect(() => branchFor("x\nrefs/heads/main")).toThrow();
  });

  it("writes dollars as the pages do, without float noise", () => {
    expect([0.004, 0.02, 1.5, 10, 0.1 + 0.2, 0.003625].map(formatUsd)).toEqual(["$0.004", "$0.02", "$1.50", "$10", "$0.30", "$0.003625"]);
  });
});
