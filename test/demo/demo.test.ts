import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { demo } from "../../pipeline/demo/demo.ts";
import { REPO_ROOT } from "../support/cli.ts";

describe("npm run demo: every source, offline, on the newest real pages", () => {
  it("runs the whole loop on the newest pages: Mistral from its new URL, Gemini's 2027 prices scheduled, prices per second and per minute, multipliers checked", async () => {
    const lines: string[] = [];
    const status = await demo({ keep: true, print: (l) => lines.push(l) });
    const out = lines.join("\n");
    const root = /^kept (.+)$/m.exec(out)?.[1];
    try {
      expect(status, out).toBe(0);
      // The summary table: source, status, verified, changed, reshaped, added, retired, scheduled, incomplete, missing, untracked, time.
      for (const id of ["openai-pricing", "openai-models", "anthropic-pricing", "gemini-pricing", "deepseek-pricing", "xai-pricing", "mistral-pricing", "minimax-pricing", "moonshot-pricing", "cohere-pricing", "perplexity-pricing", "zai-pricing", "alibaba-pricing", "voyage-pricing", "elevenlabs-pricing"]) {
        expect(out).toMatch(new RegExp(`^${id} +ok( +\\d+){9} +\\d+(\\.\\d)? m?s$`, "m"));
      }
      expect(out).toMatch(/^[0-9a-f]{7} catalog: verify \d+ entries on 2026-10-10$/m);
      const report = JSON.parse(readFileSync(path.join(root!, "run/report.json"), "utf8")) as {
        sources: { source: string; url: string; status: string; page?: { url: string; replayed?: { capturedAt?: string } }; accounting?: { unread: number }[]; diff?: { entries: { model: string; outcome: string; multipliers?: unknown[] }[] } }[];
      };
      const outcome = (id: string) => report.sources.flatMap((s) => s.diff?.entries ?? []).find((e) => e.model === id);

      // Mistral reads the page mistral.ai/pricing/api now redirects to, and its entries verify there.
      const mistral = report.sources.find((s) => s.source === "mistral-pricing")!;
      expect(mistral.url).toBe("https://docs.mistral.ai/inference/pricing");
      for (const id of ["mistral/mistral-large-2512", "mistral/mistral-medium-2604", "mistral/mistral-small-2603", "mistral/mistral-embed"]) {
        expect(outcome(id)?.outcome, id).toMatch(/^(verified|changed)$/);
      }
      expect(outcome("mistral/mistral-embed")?.outcome).toBe("verified");
      // Every amount on every page read or passed over by a named rule.
      for (const s of report.sources) for (const a of s.accounting ?? []) expect(a.unread, s.source).toBe(0);

      // Gemini's two-date cells: today's price, and the 2027 one stored as scheduled in its PR.
      expect(out).toContain("| `input` (per 1M tokens) | $1.50 | $0.75 | −50.0% |");
      expect(out).toContain("| `input` (per 1M tokens) | $0.75 | from 2027-01-01: $1.50 | scheduled, +100.0% |");
      expect(out).toContain("| `priority/output` (per 1M tokens) | $6.75 | from 2027-01-01: $13.50 | scheduled, +100.0% |");

      // Prices per second and per minute: verified where the page agrees, changed (a new shape by resolution) where not.
      expect(outcome("google/veo-3.1-generate-preview")?.outcome).toBe("verified");
      expect(outcome("openai/gpt-transcribe")?.outcome).toBe("verified");
      expect(out).toContain("| `video_per_second:720p` (per second) | $0.15 (as `video_per_second`) | $0.10 | new shape, −33.3% against `video_per_second` |");

      // gpt-image-1.5's per-image prices live on its model page, which its entry names: verified, none proposed as retired
      // (the pricing page, which no longer prices images, retires none).
      expect(outcome("openai/gpt-image-1.5")?.outcome).toBe("verified");
      expect(out).not.toMatch(/`openai\/gpt-image-1\.5` `image:[^`]+`: \$[\d.]+ retired/);

      // Multipliers recorded in the catalog are checked: the pages state them unchanged, so nothing is proposed.
      for (const id of ["xai/grok-4.3", "anthropic/claude-sonnet-5", "mistral/mistral-large-2512"]) {
        expect(outcome(id)?.multipliers, id).toBeUndefined();
      }
      expect(outcome("xai/grok-4.3")?.outcome).toBe("verified");

      // The eight vendors added in issue 19: every entry their sources cover is verified, and none opens a pull request.
      for (const id of ["minimax-pricing", "moonshot-pricing", "cohere-pricing", "perplexity-pricing", "zai-pricing", "alibaba-pricing", "voyage-pricing", "elevenlabs-pricing"]) {
        const entries = report.sources.find((s) => s.source === id)?.diff?.entries ?? [];
        expect(entries.length, id).toBeGreaterThan(3);
        expect(entries.filter((e) => e.outcome !== "verified"), id).toEqual([]);
        expect(out).not.toMatch(new RegExp(`^=== pull request #\\d+: ${id}:`, "m"));
      }

      // The profile's $0.004 / $0.02 / $0.07, corrected from the model page, each row quoted from that page.
      expect(out).toContain("=== pull request #2: openai-models: gpt-image-1-mini price change ===");
      expect(out).toContain("| `image:low:1024x1024` (per image) | $0.004 | $0.005 | +25.0% |");
      expect(out).toContain("- image:low:1024x1024: “Image generation › Quality Low › 1024x1024 \\| \\$0.005 \\| image”");
      // DeepSeek's peak / off-peak pricing is a new shape, said first, compared with the key it replaces.
      expect(out).toMatch(/=== pull request #\d: deepseek-pricing: restructured prices of 2 model\(s\) \(needs careful review\) ===/);
      expect(out).toContain("> - `deepseek/deepseek-v4-pro`: `input` $0.435 is now `input@off_peak` $0.66 (+51.7%) / `input@peak` $1.32 (+203.4%) (from 2026-10-10)");

      // The PRs say the pages were replayed, from which saved copy, captured when; their pictures are inline and served.
      expect(out).toMatch(/Replayed, not fetched from the vendor: the saved page pages\/gemini-pricing\.html \(captured 2026-08-25\)/);
      expect(out).toMatch(/!\[Screenshot of the table of [^\]]*\]\(http:\/\/127\.0\.0\.1:\d+\/catalog-freshness\/catalog\/raw\/[0-9a-f]{40}\/openai-models\/gpt-image-1-mini-[0-9a-f]{16}\.png\)/);
      expect(out).toMatch(/^(\d+) of \1 evidence image\(s\) in the pull requests resolve on the local forge$/m);
      const png = readFileSync(path.join(root!, "run/evidence/openai-models/gpt-image-1-mini.png"));
      expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
      // The run directory and the site are kept, and said where.
      expect(out).toMatch(/^site: open file:\/\/.+\/site\/index\.html$/m);
      expect(out).toContain("demo finished: every source read, verification pushed, pull request opened");
    } finally {
      if (root) rmSync(root, { recursive: true, force: true });
    }
  });

  it("on a machine without Chromium, still runs the whole loop and says so in one line, with how to get one", async () => {
    const result = await new Promise<{ status: number | null; out: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(REPO_ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(REPO_ROOT, "pipeline/demo/demo.ts"), "--clean"], {
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
