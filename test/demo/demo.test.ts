import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { demo } from "../../pipeline/demo/demo.ts";
import { REPO_ROOT } from "../support/cli.ts";

describe("npm run demo: every source, offline, on the newest real pages", () => {
  it("runs the whole loop and opens the gpt-image-1-mini pull request from its model page", async () => {
    const lines: string[] = [];
    const status = await demo({ print: (l) => lines.push(l) });
    const out = lines.join("\n");
    expect(status, out).toBe(0);
    // The summary table: source, status, verified, changed, reshaped, added, retired, scheduled, incomplete, missing, untracked, time.
    for (const id of ["openai-pricing", "openai-models", "anthropic-pricing", "gemini-pricing", "deepseek-pricing", "xai-pricing", "mistral-pricing"]) {
      expect(out).toMatch(new RegExp(`^${id} +ok( +\\d+){9} +\\d+(\\.\\d)? m?s$`, "m"));
    }
    expect(out).toMatch(/^openai-models +ok +\d+ +1 /m);
    expect(out).toMatch(/^[0-9a-f]{7} catalog: verify \d+ entries on 2026-08-23$/m);
    expect(out).toContain("=== pull request #2: openai-models: gpt-image-1-mini price change ===");
    // The profile's $0.004 / $0.02 / $0.07, corrected from the model page, each row quoted from that page.
    expect(out).toContain("| `image:low:1024x1024` (per image) | $0.004 | $0.005 | +25.0% |");
    expect(out).toContain("| `image:medium:1024x1024` (per image) | $0.02 | $0.011 | −45.0% |");
    expect(out).toContain("| `image:high:1024x1024` (per image) | $0.07 | $0.036 | −48.6% |");
    expect(out).toContain("From [gpt-image-1-mini](https://developers.openai.com/api/docs/models/gpt-image-1-mini.md):");
    expect(out).toContain("- image:low:1024x1024: “Image generation › Quality Low › 1024x1024 \\| \\$0.005 \\| image”");
    expect(out).toContain("- image:medium:1024x1024: “Image generation › Quality Medium › 1024x1024 \\| \\$0.011 \\| image”");
    expect(out).toContain("- image:high:1024x1024: “Image generation › Quality High › 1024x1024 \\| \\$0.036 \\| image”");
    // Its token prices come from the pricing page, as new keys in that source's own pull request.
    expect(out).toMatch(/=== pull request #1: openai-pricing: [^\n]*===[\s\S]*### `openai\/gpt-image-1-mini`[\s\S]*\| `image_input` \(per 1M tokens\) \| — \| \$2\.50 \| new \|/);
    // DeepSeek's peak / off-peak pricing is a new shape, said first.
    expect(out).toContain("=== pull request #4: deepseek-pricing: restructured prices of 2 model(s) (needs careful review) ===");
    expect(out).toContain("> - `deepseek/deepseek-v4-pro`: `input` $0.435 is now `input@off_peak` $0.66 / `input@peak` $1.32 (from 2026-08-16)");
    expect(out).toContain("demo finished: every source read, verification pushed, pull request opened");
  });

  it("saves the screenshots of the price rows and the price-history chart with the run, and the PR body points at them", async () => {
    const lines: string[] = [];
    const status = await demo({ keep: true, print: (l) => lines.push(l) });
    const out = lines.join("\n");
    const root = /^kept (.+)$/m.exec(out)?.[1];
    try {
      expect(status, out).toBe(0);
      const evidence = path.join(root!, "run/evidence/openai-models");
      const png = readFileSync(path.join(evidence, "gpt-image-1-mini.png"));
      expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
      expect(png.length).toBeGreaterThan(5_000);
      const svg = readFileSync(path.join(evidence, "gpt-image-1-mini-history.svg"), "utf8");
      expect(svg).toContain("$0.005 new");
      expect(svg).toContain("2026-08-23");
      // report.json names the same files, for whoever reads the run's artifact rather than the PR.
      const report = JSON.parse(readFileSync(path.join(root!, "run/report.json"), "utf8")) as {
        sources: { source: string; evidence?: { model: string; screenshots: { file: string }[]; chart?: string }[] }[];
      };
      expect(report.sources.find((s) => s.source === "openai-models")?.evidence).toEqual([
        expect.objectContaining({
          model: "openai/gpt-image-1-mini",
          screenshots: [
            expect.objectContaining({ file: "evidence/openai-models/gpt-image-1-mini.png" }),
            expect.objectContaining({ file: "evidence/openai-models/gpt-image-1-mini.table-2.png" }),
            expect.objectContaining({ file: "evidence/openai-models/gpt-image-1-mini.table-3.png" }),
          ],
          chart: "evidence/openai-models/gpt-image-1-mini-history.svg",
        }),
      ]);

      expect(out).toContain(`- Stored page, screenshot and run report: in the run directory \`${path.join(root!, "run")}\``);
      expect(out).toContain("- Screenshot of the table of `image:low:1024x1024`, the row highlighted: `evidence/openai-models/gpt-image-1-mini.png`");
      expect(out).toContain("- Price history chart: `evidence/openai-models/gpt-image-1-mini-history.svg`");
      expect(out).toContain("- Screenshot of the table, the rows highlighted: `evidence/deepseek-pricing/deepseek-v4-pro.png`");
      expect(out).toMatch(/### Models on the page that the catalog does not track \(\d+\)/);
      expect(out).toContain("- `openai/gpt-5`: `npm run catalog -- add openai/gpt-5 --from openai-pricing`");
    } finally {
      if (root) rmSync(root, { recursive: true, force: true });
    }
  });

  it("on a machine without Chromium, still runs the whole loop and says so in one line, with how to get one", async () => {
    const result = await new Promise<{ status: number | null; out: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(REPO_ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(REPO_ROOT, "pipeline/demo/demo.ts")], {
        cwd: REPO_ROOT,
        env: { ...process.env, CHROMIUM_PATH: "/nonexistent/chromium" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
      child.on("error", reject);
      child.on("close", (status) => resolve({ status, out }));
    });
    expect(result.status, result.out).toBe(0);
    expect(result.out).toContain("demo finished: every source read, verification pushed, pull request opened");
    // Once in the run's log (the PR bodies say it again, per picture they lack).
    const said = result.out.split("\n").filter((l) => /^ {2}· the evidence screenshots need a Chromium/.test(l));
    expect(said, result.out).toHaveLength(1);
    expect(said[0]).toContain("sudo apt-get install chromium");
    expect(said[0]).toContain("CHROMIUM_PATH");
    expect(result.out).not.toMatch(/Executable doesn't exist|ms-playwright/);
    // The pull requests still show every change, and say why there is no picture.
    expect(result.out).toContain("| `image:low:1024x1024` (per image) | $0.004 | $0.005 | +25.0% |");
    expect(result.out).toMatch(/- No screenshot of .*: the evidence screenshots need a Chromium/);
  });
});
