/**
 * The error lines of the real CLI (`catalog run --replay <vendor server> --dry-run`) when vendor pages
 * misbehave: each names the source, the URL and the next step, and the next step works as written.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAULT_PAGES, ONLY_FAULT_SOURCES, type SourceId } from "../support/fault-pages.ts";
import { Extraction } from "../../schemas/observation.ts";
import { REPO_ROOT, runCli } from "../support/cli.ts";
import { type Handler, startFlakyServer, type TestServer, text } from "../support/flaky-server.ts";

const MARKDOWN = "text/markdown; charset=utf-8";
const page = (id: SourceId) => readFileSync(path.join(REPO_ROOT, FAULT_PAGES[id]), "utf8");
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** The Anthropic page without the table under "## Model pricing": a layout change. */
function anthropicWithoutModelTable(): string {
  const lines = page("anthropic-pricing").split("\n");
  const heading = lines.indexOf("## Model pricing");
  const start = lines.findIndex((l, i) => i > heading && l.startsWith("| Model"));
  if (heading < 0 || start < 0) throw new Error("the Anthropic fixture has no model pricing table");
  let end = start;
  while (lines[end]?.startsWith("|")) end++;
  return [...lines.slice(0, start), ...lines.slice(end)].join("\n");
}

describe("catalog run: error lines when vendor pages fail", () => {
  let root: string;
  let vendor: TestServer;
  let result: Awaited<ReturnType<typeof runCli>>;
  let runDir: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "catalog-freshness-errors-"));
    cpSync(path.join(REPO_ROOT, "catalog"), path.join(root, "catalog"), { recursive: true });
    const routes: Record<string, Handler> = {
      "/openai-pricing.md": (_req, res) => void res.writeHead(503, { "content-type": "text/plain" }).end("busy"),
      "/anthropic-pricing.md": text(anthropicWithoutModelTable(), MARKDOWN),
      "/gemini-pricing.html": text(readFileSync(path.join(REPO_ROOT, "test/faults/fixtures/cloudflare-challenge.html"), "utf8"), "text/html; charset=utf-8"),
      "/deepseek-pricing.html": text(page("deepseek-pricing"), MARKDOWN),
    };
    vendor = await startFlakyServer(routes);
    runDir = path.join(root, "run");
    result = await runCli(["run", "--replay", vendor.origin, "--dry-run", "--date", "2026-08-15", "--run-dir", runDir, "--catalog", path.join(root, "catalog"), ...ONLY_FAULT_SOURCES], {
      cwd: root,
      env: { FORCE_COLOR: undefined, NO_COLOR: undefined, CATALOG_FRESHNESS_MAX_ATTEMPTS: "2", CATALOG_FRESHNESS_BACKOFF_MS: "10", GITHUB_TOKEN: "", GH_TOKEN: "" },
    });
  }, 120_000);
  afterAll(async () => {
    await vendor?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const errorLine = (id: string) => {
    const lines = result.stderr.split("\n").filter((l) => l.startsWith(`  ${id}: `));
    expect(lines, `${id}'s error line\n${result.stderr}`).toHaveLength(1);
    return lines[0]!;
  };

  it("exits 1; the failed sources are in the table without counts, the healthy one with them", () => {
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^openai-pricing +failed( +–){9} +\d/m);
    expect(result.stdout).toMatch(/^deepseek-pricing +ok( +\d+){9} +\d/m);
    expect(result.stderr).toContain('3 source(s) did not succeed; nothing from them was applied (see "When a source fails" in README.md):');
  });

  it("report.json carries each failed source's next step, as the terminal shows it, and none for the healthy one", () => {
    const report = JSON.parse(readFileSync(path.join(runDir, "report.json"), "utf8")) as { sources: { source: string; nextStep?: string }[] };
    const next = Object.fromEntries(report.sources.map((s) => [s.source, s.nextStep]));
    expect(next["deepseek-pricing"]).toBeUndefined();
    for (const id of ["openai-pricing", "anthropic-pricing", "gemini-pricing"]) {
      expect(next[id], id).toBeTruthy();
      expect(errorLine(id)).toContain(`Next: ${next[id]}`);
    }
  });

  it("a 503: the URL, the attempts, and re-run later with the command", () => {
    expect(errorLine("openai-pricing")).toBe(
      `  openai-pricing: fetch failed for ${vendor.origin}/openai-pricing.md: HTTP 503 after 2 attempts. Next: a server error at the vendor usually passes: re-run later (npm run catalog -- run --only openai-pricing). Nothing from this source was applied.`,
    );
  });

  it("a bot challenge: the stored page to look at, which is really there", () => {
    const stored = path.join(runDir, "pages", "gemini-pricing.html");
    expect(errorLine("gemini-pricing")).toMatch(
      new RegExp(`^ {2}gemini-pricing: page not read \\(${escape(vendor.origin)}/gemini-pricing\\.html\\): not a pricing page: looks like a bot challenge \\(Cloudflare\\) \\(at page\\)\\. Next: the vendor served a challenge or login page instead of prices: look at ${escape(stored)};`),
    );
    expect(existsSync(stored)).toBe(true);
  });

  it("a layout change: the extract command in the next step reproduces the failure offline", async () => {
    const line = errorLine("anthropic-pricing");
    expect(line).toMatch(new RegExp(`^ {2}anthropic-pricing: page not read \\(${escape(vendor.origin)}/anthropic-pricing\\.md\\): the "Model pricing" heading has no table under it`));
    const command = /Next: the page layout changed: reproduce with npm run -s catalog -- (extract anthropic-pricing --file \S+), then fix pipeline\/sources\/anthropic\.ts/.exec(line);
    expect(command, line).not.toBeNull();
    const again = await runCli(command![1]!.split(" "), { cwd: root });
    expect(again.status).toBe(1);
    expect(Extraction.parse(JSON.parse(again.stdout)).problems).toContainEqual({
      message: 'the "Model pricing" heading has no table under it; the layout changed',
      where: 'heading "Model pricing"',
    });
  });

  it("the error lines come after the progress lines, in the order of the sources", () => {
    const lines = result.stderr.split("\n");
    const at = (id: string) => lines.findIndex((l) => l.startsWith(`  ${id}: `));
    expect(at("openai-pricing")).toBeLessThan(at("anthropic-pricing"));
    expect(at("anthropic-pricing")).toBeLessThan(at("gemini-pricing"));
    expect(at("openai-pricing")).toBeGreaterThan(lines.findIndex((l) => /^deepseek-pricing +diff: /.test(l)));
  });
});
