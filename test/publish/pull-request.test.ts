import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diffSource } from "../../pipeline/diff/diff.ts";
import { escapeMarkdown, formatUsd, quotePageText } from "../../pipeline/publish/markdown.ts";
import { branchFor, changeIdOf, type PageEvidence, renderPullRequest } from "../../pipeline/publish/pull-request.ts";
import type { SourceDiff } from "../../schemas/diff.ts";
import type { ModelEvidence } from "../../schemas/evidence.ts";
import { ModelEntry } from "../../schemas/model-entry.ts";
import type { Observation } from "../../schemas/observation.ts";

const mini = ModelEntry.parse(JSON.parse(readFileSync("catalog/openai/gpt-image-1-mini.json", "utf8")));
const page = { url: "https://developers.openai.com/api/docs/pricing.md", fetchedAt: "2026-11-24T03:17:05.000Z", sha256: "ab".repeat(32) };

function observe(prices: Record<string, number>, evidence?: string): Observation[] {
  return Object.entries(prices).map(([price, usd]) => ({ model: "openai/gpt-image-1-mini", price, usd, unit: "image", ...(evidence ? { evidence } : {}) }));
}
const ROWS = {
  low: "GPT Image 1 Mini | Low | $0.005 | $0.006 | $0.006",
  medium: "Medium | $0.011 | $0.015 | $0.015",
  high: "High | $0.036 | $0.052 | $0.052",
};
/** The three new prices of gpt-image-1-mini, each with the page row it was read from (as the OpenAI source records it). */
function observeRows(): Observation[] {
  return [
    ...observe({ "image:low:1024x1024": 0.005 }, ROWS.low),
    ...observe({ "image:medium:1024x1024": 0.011 }, ROWS.medium),
    ...observe({ "image:high:1024x1024": 0.036 }, ROWS.high),
  ];
}
const ARTIFACTS: ModelEvidence[] = [
  {
    model: "openai/gpt-image-1-mini",
    screenshots: [{ file: "evidence/openai-pricing/gpt-image-1-mini.png", rows: [ROWS.low, ROWS.medium, ROWS.high] }],
    notShown: [],
    chart: "evidence/openai-pricing/gpt-image-1-mini-history.svg",
  },
];
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
    // The quoted row: escaped, and no `$…$` for GitHub to render as math.
    expect(quotePageText("$0.005 | $0.006")).toBe("\\$0.005 \\| \\$0.006");
    expect(body).toContain("- GPT \\`Image\\` \\| &lt;img src=x onerror=alert\\(1\\)&gt; \\[click\\]\\(https\\://evil.example\\) \\@org/team \\# heading ../../etc (table 1): no prices read");
    expect(renderPullRequest(diffSource(extraction(observeRows(), [{ name: "Model $1 or $2", where: "table 1" }]), [mini], "2026-11-24"), new Map(), page).body).toContain("- Model \\$1 or \\$2 (table 1)");
    expect(escapeMarkdown(nasty)).toBe(
      "GPT \\`Image\\` \\| &lt;img src=x onerror=alert\\(1\\)&gt; \\[click\\]\\(https\\://evil.example\\) \\@org/team \\# heading ../../etc",
    );
  });

  it("quotes, per price, the page row it came from, visible (not folded) and escaped, with a link to the page", () => {
    const body = renderPullRequest(diffSource(extraction(observeRows()), [mini], "2026-11-24"), new Map(), page).body;
    const section = body.slice(body.indexOf("### `openai/gpt-image-1-mini`"));
    expect(section).toContain(
      [
        "From [the page](https://developers.openai.com/api/docs/pricing.md):",
        "",
        "- image:low:1024x1024: “GPT Image 1 Mini \\| Low \\| \\$0.005 \\| \\$0.006 \\| \\$0.006”",
        "- image:medium:1024x1024: “Medium \\| \\$0.011 \\| \\$0.015 \\| \\$0.015”",
        "- image:high:1024x1024: “High \\| \\$0.036 \\| \\$0.052 \\| \\$0.052”",
      ].join("\n"),
    );
    expect(body).not.toContain("<details><summary>Evidence");
    // One row giving several prices is quoted once, with all its keys.
    const oneRow = renderPullRequest(diffSource(extraction(observe({ "image:low:1024x1024": 0.005, "image:medium:1024x1024": 0.011, "image:high:1024x1024": 0.036 }, ROWS.low)), [mini], "2026-11-24"), new Map(), page).body;
    expect(oneRow).toContain("- image:low:1024x1024, image:medium:1024x1024, image:high:1024x1024: “GPT Image 1 Mini");
  });

  it("points at the screenshot and the history chart in the run's artifact, and at the run page", () => {
    const diff = diffSource(extraction(observeRows()), [mini], "2026-11-24");
    const inActions = renderPullRequest(diff, new Map(), { ...page, runUrl: "https://github.com/o/r/actions/runs/42", artifacts: ARTIFACTS }).body;
    expect(inActions).toContain("- Stored page, screenshot and run report: https://github.com/o/r/actions/runs/42 (the run's artifact holds the files named below)");
    expect(inActions).toContain("- Screenshot of the table, the rows highlighted: `evidence/openai-pricing/gpt-image-1-mini.png`");
    expect(inActions).toContain("- Price history chart: `evidence/openai-pricing/gpt-image-1-mini-history.svg`");
    // Locally there is no run page: the run directory is named instead.
    const local = renderPullRequest(diff, new Map(), { ...page, runDir: "/tmp/catalog-run", artifacts: ARTIFACTS }).body;
    expect(local).toContain("- Stored page, screenshot and run report: in the run directory `/tmp/catalog-run` (files below are relative to it)");
    expect(local).toContain("`evidence/openai-pricing/gpt-image-1-mini.png`");
  });

  it("differs between two runs of the same page only on the capture and run lines, so the PR is not edited every night", () => {
    const diff = diffSource(extraction(observeRows()), [mini], "2026-11-24");
    const monday: PageEvidence = { ...page, runUrl: "https://github.com/o/r/actions/runs/41", artifacts: ARTIFACTS };
    const tuesday: PageEvidence = { ...page, fetchedAt: "2026-11-25T03:17:09.000Z", runUrl: "https://github.com/o/r/actions/runs/42", artifacts: ARTIFACTS };
    const [a, b] = [renderPullRequest(diff, new Map(), monday), renderPullRequest(diff, new Map(), tuesday)];
    expect(a.changeId).toBe(b.changeId);
    const bLines = b.body.split("\n");
    const changedLines = a.body.split("\n").filter((line, i) => line !== bLines[i]);
    expect(changedLines.map((l) => l.replace(/: .*/, ""))).toEqual(["- Captured", "- Stored page, screenshot and run report"]);
  });

  it("says when a screenshot could not be taken, and why, without hiding the change", () => {
    const diff = diffSource(extraction(observeRows()), [mini], "2026-11-24");
    const failed: ModelEvidence = {
      model: "openai/gpt-image-1-mini",
      screenshots: [],
      notShown: [
        { row: ROWS.low, reason: "Chromium could not start (/usr/bin/chromium): no such file" },
        { row: ROWS.medium, reason: "Chromium could not start (/usr/bin/chromium): no such file" },
        { row: "High | <b>$0.036</b>", reason: "this row was not found on the stored page" },
      ],
      chart: "evidence/openai-pricing/gpt-image-1-mini-history.svg",
    };
    const body = renderPullRequest(diff, new Map(), { ...page, artifacts: [failed] }).body;
    expect(body).toContain("| `image:low:1024x1024` (per image) | $0.004 | $0.005 | +25.0% |");
    expect(body).toContain("- No screenshot of “GPT Image 1 Mini \\| Low \\| \\$0.005 \\| \\$0.006 \\| \\$0.006”, “Medium \\| \\$0.011 \\| \\$0.015 \\| \\$0.015”: Chromium could not start \\(/usr/bin/chromium\\): no such file");
    expect(body).toContain("- No screenshot of “High \\| &lt;b&gt;\\$0.036&lt;/b&gt;”: this row was not found on the stored page");
    expect(body).not.toContain("<b>");
  });

  it("lists each model the catalog does not track once, with the prices seen and the command that adds it", () => {
    const seen: Observation[] = [
      { model: "openai/gpt-image-1.5", price: "image:low:1024x1024", usd: 0.009, unit: "image" },
      { model: "openai/gpt-image-1.5", price: "image_output", usd: 32, unit: "1M tokens" },
      { model: "openai/gpt-image-1.5", price: "input", usd: 5, unit: "1M tokens" },
    ];
    const diff: SourceDiff = diffSource(extraction([...observeRows(), ...seen], [{ name: "GPT Image Latest", where: 'table 14 under "Image generation"' }]), [mini], "2026-11-24");
    // The same model reported twice (two tables) is listed once.
    diff.untracked.push({ ...diff.untracked.find((u) => u.model === "openai/gpt-image-1.5")!, where: "table 9" });
    const body = renderPullRequest(diff, new Map(), page).body;
    const tracking = body.slice(body.indexOf("### Models on the page that the catalog does not track"));
    expect(tracking).toContain(
      [
        "### Models on the page that the catalog does not track (2)",
        "",
        "Each can be added in one step with the command shown, from the prices this run saw (`add` reads the run's `report.json`: when the run was not local, unpack its artifact and add `--run-dir DIR`).",
        "",
        "- `openai/gpt-image-1.5`: `npm run catalog -- add openai/gpt-image-1.5 --from openai-pricing`",
        "  - per 1M tokens: `input` $5 · `image_output` $32",
        "  - per image: `image:low:1024x1024` $0.009",
        "- GPT Image Latest (table 14 under \"Image generation\"): no prices read; the source must map this name to a model id before it can be added",
      ].join("\n"),
    );
    expect(body.match(/add openai\/gpt-image-1\.5 /g)).toHaveLength(1);
    expect(body).not.toContain("<details><summary>Models on the page");
  });

  it("folds a long tracking list, and cuts it before GitHub's body size limit", () => {
    const many: Observation[] = Array.from({ length: 900 }, (_, i) => ({ model: `openai/model-${String(i).padStart(3, "0")}`, price: "input", usd: i / 100, unit: "1M tokens" as const }))
      .flatMap((o) => [o, { ...o, price: "output", usd: o.usd * 4 }, { ...o, price: "batch/input", usd: o.usd / 2 }, { ...o, price: "batch/output", usd: o.usd * 2 }]);
    const body = renderPullRequest(diffSource(extraction([...observeRows(), ...many]), [mini], "2026-11-24"), new Map(), page).body;
    expect(body).toContain("<details><summary>900 models, their prices and the command to add each</summary>");
    expect(body.length).toBeLessThan(65_536);
    expect(body).toMatch(/^- … and \d+ more: see `untracked` in the run's report\.json$/m);
    expect(body).toContain("| `image:low:1024x1024` (per image) | $0.004 | $0.005 | +25.0% |");
    expect(body.trimEnd().endsWith("This branch is rebuilt from the base branch on every run.")).toBe(true);
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
