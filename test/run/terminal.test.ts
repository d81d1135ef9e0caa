import { describe, expect, it } from "vitest";
import type { SourceFailure } from "../../pipeline/run/next-step.ts";
import type { RunErrorEvent } from "../../pipeline/run/progress.ts";
import { renderStepSummary } from "../../pipeline/run/summary.ts";
import {
  colourFor,
  formatBytes,
  formatDuration,
  renderErrorBlock,
  renderProgressLine,
  renderSummaryTable,
  renderUntracked,
} from "../../pipeline/run/terminal.ts";
import { formatSeenPrices, listUntracked } from "../../pipeline/run/untracked.ts";
import { RunReport, type SourceReport } from "../../schemas/run-report.ts";

const ANSI = /\u001b\[/;
const counts = (c: Partial<SourceReport["counts"]> = {}) => ({ observations: 0, covered: 0, verified: 0, changed: 0, incomplete: 0, missing: 0, untracked: 0, reshaped: 0, added: 0, retired: 0, scheduled: 0, multipliers: 0, ...c });
const timings = (totalMs: number) => ({ fetchMs: totalMs, extractMs: 0, totalMs });
const seen = (price: string, usd: number, unit: "1M tokens" | "image" = "1M tokens") => ({ price, unit, usd });

/** Two healthy sources and a failed one; gpt-9 is on both healthy pages, and on the failed one too. */
const report: RunReport = RunReport.parse({
  runDate: "2026-08-15",
  startedAt: "2026-08-15T03:17:00.000Z",
  finishedAt: "2026-08-15T03:17:02.000Z",
  dryRun: false,
  only: [],
  problems: [],
  exitCode: 1,
  sources: [
    {
      source: "openai-pricing",
      url: "https://example.com/openai.md",
      status: "ok",
      counts: counts({ covered: 35, verified: 12, changed: 1, reshaped: 1, added: 6, retired: 3, scheduled: 2, incomplete: 14, missing: 8, untracked: 3 }),
      problems: [],
      timings: timings(1234),
      diff: {
        source: "openai-pricing",
        entries: [],
        retireSuggested: [],
        untracked: [
          { model: "GPT Image <b>Latest</b> | x", where: 'table 14 under "Image generation"', prices: [] },
          { model: "openai/gpt-9", where: "page", prices: [seen("input", 1.25), seen("output", 10)] },
          { model: "openai/gpt-image-9", where: "page", prices: [seen("input", 5), seen("image:low:1024x1024", 0.01, "image")] },
        ],
      },
    },
    {
      source: "azure-pricing",
      url: "https://example.com/azure.md",
      status: "ok",
      counts: counts({ covered: 2, verified: 2, untracked: 1 }),
      problems: [],
      timings: timings(87),
      diff: { source: "azure-pricing", entries: [], retireSuggested: [], untracked: [{ model: "openai/gpt-9", where: "page", prices: [seen("input", 1.3)] }] },
    },
    {
      source: "anthropic-pricing",
      url: "https://example.com/anthropic.md",
      status: "failed",
      reason: "the page lists only 1 of the 12 catalog models this source covers: held back as a probable layout change",
      counts: counts({ covered: 12, verified: 1, missing: 11, untracked: 1 }),
      problems: [{ message: "the page lists only 1 of the 12", where: "page" }],
      timings: timings(15_000),
      diff: { source: "anthropic-pricing", entries: [], retireSuggested: [], untracked: [{ model: "anthropic/claude-99", where: "page", prices: [seen("input", 3)] }] },
    },
  ],
});

describe("colourFor: colours only on a terminal", () => {
  it.each([
    ["a TTY", { isTTY: true }, {}, true],
    ["a pipe", { isTTY: false }, {}, false],
    ["a TTY with NO_COLOR", { isTTY: true }, { NO_COLOR: "1" }, false],
    ["a TTY with an empty NO_COLOR (unset, by its spec)", { isTTY: true }, { NO_COLOR: "" }, true],
    ["a TTY with TERM=dumb", { isTTY: true }, { TERM: "dumb" }, false],
    ["a pipe with FORCE_COLOR=1", { isTTY: false }, { FORCE_COLOR: "1" }, true],
    ["a pipe with FORCE_COLOR and NO_COLOR", { isTTY: false }, { FORCE_COLOR: "1", NO_COLOR: "1" }, true],
    ["a TTY with FORCE_COLOR=0", { isTTY: true }, { FORCE_COLOR: "0" }, false],
  ])("%s", (_name, stream, env, expected) => {
    expect(colourFor(stream, env)).toBe(expected);
  });
});

describe("the summary table", () => {
  it("has the columns source, status, verified, changed (values), reshaped, added, retired, scheduled, incomplete, missing, untracked, time, aligned", () => {
    const lines = renderSummaryTable(report, false);
    expect(lines).toEqual([
      "source             status  verified  changed  reshaped  added  retired  scheduled  incomplete  missing  untracked    time",
      "openai-pricing     ok            12        1         1      6        3          2          14        8          3   1.2 s",
      "azure-pricing      ok             2        0         0      0        0          0           0        0          1   87 ms",
      "anthropic-pricing  failed         –        –         –      –        –          –           –        –          –  15.0 s",
    ]);
  });

  it("colours the status on a terminal, and only then; the columns stay aligned", () => {
    const plain = renderSummaryTable(report, false);
    const coloured = renderSummaryTable(report, true);
    expect(plain.join("\n")).not.toMatch(ANSI);
    expect(coloured[1]).toContain("\u001b[32mok    \u001b[39m");
    expect(coloured[3]).toContain("\u001b[31mfailed\u001b[39m");
    // Without the escapes, the same text.
    expect(coloured.map((l) => l.replace(/\u001b\[\d+m/g, ""))).toEqual(plain);
  });
});

describe("progress lines", () => {
  const opts = { colour: false, width: 17 };
  it("one line per event, prefixed with the source id padded to the longest", () => {
    expect(renderProgressLine({ kind: "fetching", source: "openai-pricing", url: "https://x/p.md" }, opts)).toBe("openai-pricing     fetching https://x/p.md");
    expect(renderProgressLine({ kind: "fetched", source: "openai-pricing", bytes: 12_835, httpStatus: 200, ms: 32 }, opts)).toBe(
      "openai-pricing     fetched 12.8 kB (HTTP 200) in 32 ms",
    );
    expect(renderProgressLine({ kind: "parsed", source: "openai-pricing", status: "partial", prices: 312, problems: 2, ms: 1500 }, opts)).toBe(
      "openai-pricing     parsed 312 price(s): partial, 2 problem(s) in 1.5 s",
    );
    expect(renderProgressLine({ kind: "diffed", source: "anthropic-pricing", counts: counts({ verified: 12, untracked: 3 }) }, opts)).toBe(
      "anthropic-pricing  diff: 12 verified, 0 changed, 0 incomplete, 0 missing, 3 untracked",
    );
  });

  it("a failure in one line, even when the page text holds line breaks", () => {
    const failure: SourceFailure = { stage: "extract", url: "https://x/p.md", status: "failed", cause: "layout", detail: "no table\nunder the heading" };
    const line = renderProgressLine({ kind: "failed", source: "openai-pricing", status: "failed", failure, nextStep: "fix it" }, opts)!;
    expect(line).toBe("openai-pricing     failed: page not read (https://x/p.md): no table under the heading");
  });

  it("run problems are not progress: they go to the error lines at the end", () => {
    expect(renderProgressLine({ kind: "problem", problem: { where: "publish", message: "x" }, nextStep: "y" }, opts)).toBeUndefined();
  });
});

describe("the error block", () => {
  const failed: RunErrorEvent = {
    kind: "failed",
    source: "openai-pricing",
    status: "failed",
    failure: { stage: "fetch", url: "https://x/p.md", kind: "status", httpStatus: 503, detail: "HTTP 503 after 3 attempts" },
    nextStep: "re-run later",
  };
  const problem: RunErrorEvent = { kind: "problem", problem: { where: "push to main", message: "rejected" }, nextStep: "check the token" };

  it("is empty when nothing failed", () => {
    expect(renderErrorBlock([], false)).toEqual([]);
  });

  it("says what was not applied, then one line per failure", () => {
    expect(renderErrorBlock([failed, problem], false)).toEqual([
      '1 source(s) did not succeed; nothing from them was applied; 1 problem(s) publishing (see "When a source fails" in README.md):',
      "  openai-pricing: fetch failed for https://x/p.md: HTTP 503 after 3 attempts. Next: re-run later. Nothing from this source was applied.",
      "  push to main: rejected. Next: check the token.",
    ]);
  });

  it("colours the source on a terminal", () => {
    expect(renderErrorBlock([failed], true)[1]).toMatch(/^ {2}\u001b\[31mopenai-pricing\u001b\[39m: fetch failed/);
  });
});

describe("untracked models", () => {
  it("are listed once per model, from the sources that succeeded, the ones with an id and prices first", () => {
    const listed = listUntracked(report);
    expect(listed.map((u) => [u.model, u.sources])).toEqual([
      ["openai/gpt-9", ["openai-pricing", "azure-pricing"]],
      ["openai/gpt-image-9", ["openai-pricing"]],
      ["GPT Image <b>Latest</b> | x", ["openai-pricing"]],
    ]);
    // anthropic/claude-99 was on a page the run held back: no evidence of a new model.
    expect(listed.map((u) => u.model)).not.toContain("anthropic/claude-99");
  });

  it("show the prices seen, grouped by unit", () => {
    expect(formatSeenPrices([seen("input", 5), seen("image:low:1024x1024", 0.01, "image"), seen("output", 0.125)])).toBe(
      "input $5, output $0.125 per 1M tokens; image:low:1024x1024 $0.01 per image",
    );
  });

  it("in the terminal: one line per model, and the command that adds one", () => {
    const lines = renderUntracked(report, false);
    expect(lines[0]).toBe("3 model(s) on the vendor pages are not in the catalog; add one with: npm run catalog -- add <model-id> --from <source-id>");
    expect(lines.slice(1)).toEqual([
      "  openai/gpt-9                 openai-pricing, azure-pricing  input $1.25, output $10 per 1M tokens",
      "  openai/gpt-image-9           openai-pricing                 input $5 per 1M tokens; image:low:1024x1024 $0.01 per image",
      '  GPT Image <b>Latest</b> | x  openai-pricing                 no catalog id for this name (at table 14 under "Image generation"): the source cannot read its prices yet',
    ]);
  });

  it("print nothing when there are none", () => {
    const none = { ...report, sources: report.sources.filter((s) => s.status !== "ok") };
    expect(renderUntracked(none, false)).toEqual([]);
    expect(renderStepSummary(none)).not.toContain("not in the catalog");
  });
});

describe("the job summary", () => {
  const summary = renderStepSummary({
    ...report,
    sources: report.sources.map((s) => (s.source === "anthropic-pricing" ? { ...s, nextStep: "look at the page by hand" } : s)),
  });

  it("gives each failed source its next step", () => {
    expect(summary).toContain(
      "> - **anthropic-pricing** failed: the page lists only 1 of the 12 catalog models this source covers: held back as a probable layout change<br>Next: look at the page by hand",
    );
  });

  it("has the time per source, and no counts for a source that failed", () => {
    expect(summary).toContain("| Source | Status | Verified | Changed | Reshaped | Added | Retired | Scheduled | Incomplete | Missing | Untracked | Time | Pull request |");
    expect(summary).toContain("| openai-pricing | ok | 12 | 1 | 1 | 6 | 3 | 2 | 14 | 8 | 3 | 1.2 s |  |");
    expect(summary).toContain("| anthropic-pricing | failed | – | – | – | – | – | – | – | – | – | 15.0 s |  |");
  });

  it("lists the untracked models once each, with the prices seen and the add command, page text escaped", () => {
    expect(summary).toContain("<details><summary>3 model(s) on the vendor pages are not in the catalog</summary>");
    expect(summary).toContain("Add one with `npm run catalog -- add <model-id> --from <source-id>`.");
    expect(summary.match(/openai\/gpt-9`/g)).toHaveLength(1);
    expect(summary).toContain("| `openai/gpt-9` | openai-pricing, azure-pricing | input $1.25, output $10 per 1M tokens |");
    expect(summary).toContain("| GPT Image &lt;b&gt;Latest&lt;/b&gt; \\| x | openai-pricing | no catalog id for this name \\(at table 14 under \"Image generation\"\\) |");
  });
});

describe("durations and sizes", () => {
  it.each([
    [0, "0 ms"],
    [999, "999 ms"],
    [1000, "1.0 s"],
    [61_250, "61.3 s"],
  ])("%d ms is %s", (ms, text) => expect(formatDuration(ms)).toBe(text));

  it.each([
    [812, "812 B"],
    [12_835, "12.8 kB"],
    [5_242_880, "5.2 MB"],
  ])("%d bytes is %s", (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});
