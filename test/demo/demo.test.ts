import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { demo } from "../../pipeline/demo/demo.ts";

describe("npm run demo", () => {
  it("runs the whole loop offline and opens the gpt-image-1-mini pull request", async () => {
    const lines: string[] = [];
    const status = await demo({ print: (l) => lines.push(l) });
    const out = lines.join("\n");
    expect(status, out).toBe(0);
    // The summary table: source, status, verified, changed, incomplete, missing, untracked, time.
    expect(out).toMatch(/^openai-pricing +ok +\d+ +1 +\d+ +\d+ +\d+ +\d+(\.\d)? m?s$/m);
    expect(out).toMatch(/^[0-9a-f]{7} catalog: verify \d+ entries on 2026-08-15$/m);
    expect(out).toContain("=== pull request #1: openai-pricing: gpt-image-1-mini price change ===");
    expect(out).toContain("| `image:low:1024x1024` (per image) | $0.004 | $0.005 | +25.0% |");
    expect(out).toContain("demo finished: every source read, verification pushed, pull request opened");
  });

  it("saves the screenshot of the price rows and the price-history chart with the run, and the PR body points at them", async () => {
    const lines: string[] = [];
    const status = await demo({ keep: true, print: (l) => lines.push(l) });
    const out = lines.join("\n");
    const root = /^kept (.+)$/m.exec(out)?.[1];
    try {
      expect(status, out).toBe(0);
      const evidence = path.join(root!, "run/evidence/openai-pricing");
      const png = readFileSync(path.join(evidence, "gpt-image-1-mini.png"));
      expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
      expect(png.length).toBeGreaterThan(5_000);
      const svg = readFileSync(path.join(evidence, "gpt-image-1-mini-history.svg"), "utf8");
      expect(svg).toContain("$0.005 new");
      expect(svg).toContain("2026-08-15");
      // report.json names the same files, for whoever reads the run's artifact rather than the PR.
      const report = JSON.parse(readFileSync(path.join(root!, "run/report.json"), "utf8")) as {
        sources: { source: string; evidence?: { model: string; screenshots: { file: string }[]; chart?: string }[] }[];
      };
      expect(report.sources.find((s) => s.source === "openai-pricing")?.evidence).toEqual([
        expect.objectContaining({
          model: "openai/gpt-image-1-mini",
          screenshots: [expect.objectContaining({ file: "evidence/openai-pricing/gpt-image-1-mini.png" })],
          chart: "evidence/openai-pricing/gpt-image-1-mini-history.svg",
        }),
      ]);
      expect(report.sources.filter((s) => s.evidence).map((s) => s.source)).toEqual(["openai-pricing"]);

      expect(out).toContain(`- Stored page, screenshot and run report: in the run directory \`${path.join(root!, "run")}\``);
      expect(out).toContain("- image:low:1024x1024: “GPT Image 1 Mini \\| Low \\| \\$0.005 \\| \\$0.006 \\| \\$0.006”");
      expect(out).toContain("- Screenshot of the table, the rows highlighted: `evidence/openai-pricing/gpt-image-1-mini.png`");
      expect(out).toContain("- Price history chart: `evidence/openai-pricing/gpt-image-1-mini-history.svg`");
      expect(out).toContain("### Models on the page that the catalog does not track (42)");
      expect(out).toContain("- `openai/gpt-5`: `npm run catalog -- add openai/gpt-5 --from openai-pricing`");
    } finally {
      if (root) rmSync(root, { recursive: true, force: true });
    }
  });
});
