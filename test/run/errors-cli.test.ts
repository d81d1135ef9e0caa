/**
 * The error lines of the real CLI (`catalog run --replay <vendor server> --dry-run`) when vendor pages
 * misbehave: each names the source, the URL and the next step, and the next step works as written. Then the
 * usage errors of every command (exit 2, one line, nothing started or written), a run that writes in a linked
 * git worktree and outside git, and the next step of a page replayed from a file or served in another currency.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAULT_PAGES, ONLY_FAULT_SOURCES, type SourceId } from "../support/fault-pages.ts";
import { Extraction } from "../../schemas/observation.ts";
import { loadCatalog } from "../../pipeline/catalog/validate.ts";
import { type CliResult, REPO_ROOT, runCli } from "../support/cli.ts";
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

/** The saved DeepSeek page (read `ok`), as `--replay DIR` serves it. */
const DEEPSEEK_PAGE = "test/fixtures/deepseek/api-docs-quick_start-pricing__2026-08-13.md";
const NO_FORGE = { GITHUB_TOKEN: "", GH_TOKEN: "", GITHUB_STEP_SUMMARY: "", FORCE_COLOR: undefined, NO_COLOR: undefined };
const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, stdio: "pipe" }).toString();
/** Every file under `dir` with its bytes: what "nothing written" is checked against. */
const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir, { recursive: true }).map(String).filter((f) => statSync(path.join(dir, f)).isFile()).sort().map((f) => [f, readFileSync(path.join(dir, f), "utf8")]));
/** One line on stderr, no stack trace. */
const oneLine = (r: CliResult) => {
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
};

describe("usage errors: exit 2, one clear line, nothing started or written", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "catalog-freshness-usage-"));
    cpSync(path.join(REPO_ROOT, "catalog"), path.join(root, "catalog"), { recursive: true });
    mkdirSync(path.join(root, "pages"));
    cpSync(path.join(REPO_ROOT, DEEPSEEK_PAGE), path.join(root, "pages", "deepseek-pricing.md"));
    // A git checkout: before the date was checked, a run here took the lock and wrote the day to come.
    git(root, "init", "-q", "-b", "main");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: root, env: { ...NO_FORGE, ...env }, timeoutMs: 240_000 });

  it("an unknown flag, a missing argument or no command, for every command: 2 (README: 1 is for a source that failed)", async () => {
    const cases: { args: string[]; says: string }[] = [
      ...[
        ["run"],
        ["verify", "openai/gpt-4o"],
        ["report"],
        ["validate"],
        ["format"],
        ["schema"],
        ["extract", "deepseek-pricing", "--file", "pages/deepseek-pricing.md"],
        ["add", "openai/gpt-x", "--from", "openai-pricing"],
      ].map((args) => ({ args: [...args, "--bogus"], says: "error: unknown option '--bogus'" })),
      { args: ["extract", "deepseek-pricing"], says: "error: required option '--file <path>' not specified" },
      { args: ["add", "openai/gpt-x"], says: "error: required option '--from <source-id>' not specified" },
      { args: ["verify"], says: "error: missing required argument 'model-id'" },
      { args: ["report", "--stale-after"], says: "error: option '--stale-after <days>' argument missing" },
      { args: ["bogus"], says: "error: unknown command 'bogus'" },
      { args: [], says: "Usage: catalog [options] [command]" },
    ];
    const before = snapshot(path.join(root, "catalog"));
    // A few at a time: the machines that run this are shared.
    const results: CliResult[] = [];
    for (let i = 0; i < cases.length; i += 4) results.push(...(await Promise.all(cases.slice(i, i + 4).map((c) => cli(c.args)))));
    cases.forEach((c, i) => {
      const r = results[i]!;
      expect(r.status, `${c.args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr, c.args.join(" ")).toContain(c.says);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    });
    expect(snapshot(path.join(root, "catalog"))).toEqual(before);
    expect(existsSync(path.join(root, "runs"))).toBe(false);
    // Help asked for is not an error.
    expect((await cli(["run", "--help"])).status).toBe(0);
  }, 300_000);

  it("extract --file that is missing or a directory: one line naming it, no stack trace", async () => {
    const [missing, directory] = await Promise.all([
      cli(["extract", "deepseek-pricing", "--file", "pages/nothing-here.md"]),
      cli(["extract", "deepseek-pricing", "--file", "pages"]),
    ]);
    expect(missing.status).toBe(2);
    expect(oneLine(missing)).toBe("--file pages/nothing-here.md: no such file; give one saved page (e.g. <run-dir>/pages/deepseek-pricing.md)");
    expect(directory.status).toBe(2);
    expect(oneLine(directory)).toBe("--file pages is a directory; give one saved page in it (e.g. pages/deepseek-pricing.md)");
    expect(missing.stdout + directory.stdout).toBe("");
  }, 240_000);

  it("run --replay of a directory that does not exist (or a file): refused before it starts, no run dir", async () => {
    const runDir = path.join(root, "runs", "replay");
    const [missing, file] = await Promise.all([
      cli(["run", "--only", "deepseek-pricing", "--dry-run", "--replay", "no-pages", "--run-dir", runDir]),
      cli(["run", "--only", "deepseek-pricing", "--dry-run", "--replay", "pages/deepseek-pricing.md", "--run-dir", runDir]),
    ]);
    expect(missing.status).toBe(2);
    expect(oneLine(missing)).toBe(`--replay ${path.join(root, "no-pages")}: no such directory; give a directory of saved pages (<source-id>.md or .html, as a run's pages/) or an http(s) URL`);
    expect(file.status).toBe(2);
    expect(oneLine(file)).toMatch(new RegExp(`^--replay ${escape(path.join(root, "pages", "deepseek-pricing.md"))} is a file; give the directory that holds the saved pages`));
    expect(existsSync(runDir)).toBe(false);
  }, 240_000);

  it("a fetch limit that is not a number: a usage error, not a stack trace", async () => {
    const r = await cli(["run", "--only", "deepseek-pricing", "--dry-run", "--replay", "pages"], { CATALOG_FRESHNESS_MAX_ATTEMPTS: "many" });
    expect(r.status).toBe(2);
    expect(oneLine(r)).toBe('CATALOG_FRESHNESS_MAX_ATTEMPTS must be a non-negative number, not "many"');
  }, 240_000);

  it("verify --date in the future: refused (2, one line), nothing written; lastVerified never becomes a day to come", async () => {
    const before = snapshot(path.join(root, "catalog"));
    const runDir = path.join(root, "runs", "future");
    const r = await cli(["verify", "deepseek/deepseek-v4-pro", "--replay", "pages", "--date", "2099-01-01", "--run-dir", runDir]);
    expect(r.status, r.stderr).toBe(2);
    expect(oneLine(r)).toMatch(
      /^--date 2099-01-01 is after today \(\d{4}-\d\d-\d\d UTC, or \d{4}-\d\d-\d\d east of it\): a run that writes records its day as the day the prices were seen; leave --date out, or use --dry-run to look ahead$/,
    );
    expect(r.stdout).toBe("");
    expect(snapshot(path.join(root, "catalog"))).toEqual(before);
    expect(existsSync(runDir)).toBe(false);
    expect(existsSync(path.join(root, ".git", "catalog-freshness.lock"))).toBe(false);
  }, 240_000);

  it("verify of an id not in the catalog offers the nearest ids and does not talk about --only", async () => {
    const [typo, bare] = await Promise.all([cli(["verify", "openai/gpt-4oo", "--dry-run"]), cli(["verify", "gpt-4o", "--dry-run"])]);
    for (const [r, wanted] of [[typo, "openai/gpt-4oo"], [bare, "gpt-4o"]] as const) {
      expect(r.status).toBe(2);
      const line = oneLine(r);
      expect(line).toMatch(new RegExp(`^verify: "${escape(wanted)}" is not a model id of the catalog; did you mean openai/gpt-4o(, [^,]+){0,2}\\?$`));
      expect(line).not.toContain("--only");
    }
  }, 240_000);

  it("verify of a retired model says since when, and what to do", async () => {
    const catalog = await loadCatalog(path.join(root, "catalog"));
    const retired = [...catalog.entries.values()].map(({ entry }) => entry).find((e) => e.retired !== undefined);
    expect(retired, "the catalog has a retired entry").toBeDefined();
    const r = await cli(["verify", retired!.id, "--dry-run"]);
    expect(r.status).toBe(2);
    expect(oneLine(r)).toBe(
      `${retired!.id} is retired (since ${retired!.retired}): its sources no longer check it, so there is nothing to verify; if the vendor offers it again, remove "retired" from catalog/${retired!.id}.json and verify again`,
    );
  }, 240_000);
});

describe("a run that writes: in a linked git worktree (.git is a file), and outside any git checkout", () => {
  let root: string;
  let main: string;
  let linked: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "catalog-freshness-worktree-"));
    main = path.join(root, "main");
    mkdirSync(main);
    cpSync(path.join(REPO_ROOT, "catalog"), path.join(main, "catalog"), { recursive: true });
    mkdirSync(path.join(main, "pages"));
    cpSync(path.join(REPO_ROOT, DEEPSEEK_PAGE), path.join(main, "pages", "deepseek-pricing.md"));
    git(main, "init", "-q", "-b", "main");
    git(main, "add", "-A");
    git(main, "commit", "-qm", "catalog");
    linked = path.join(root, "linked");
    git(main, "worktree", "add", "-q", linked);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const run = (cwd: string, runDir: string) =>
    runCli(["run", "--only", "deepseek-pricing", "--replay", "pages", "--date", "2026-08-15", "--run-dir", path.join(root, runDir)], { cwd, env: NO_FORGE, timeoutMs: 240_000 });
  const lock = () => path.join(main, ".git", "catalog-freshness.lock");

  it("works in the worktree: the lock is taken in the repository's git dir and released", async () => {
    expect(statSync(path.join(linked, ".git")).isFile()).toBe(true);
    const r = await run(linked, "run-linked");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/ENOTDIR|ENOENT|^\s+at /m);
    expect(r.stderr).toContain(`staying local (files written to ${path.join(linked, "catalog")}`);
    expect(existsSync(lock())).toBe(false);
  }, 240_000);

  it("refuses while a run of the same repository holds the lock, naming it", async () => {
    writeFileSync(lock(), JSON.stringify({ pid: process.pid, since: "2026-08-15T01:00:00.000Z" }));
    try {
      const r = await run(linked, "run-locked");
      expect(r.status).toBe(2);
      expect(oneLine(r)).toBe(`another catalog-freshness run (pid ${process.pid}, started 2026-08-15T01:00:00.000Z) is using this checkout; wait for it to finish (lock: ${lock()})`);
    } finally {
      rmSync(lock(), { force: true });
    }
  }, 240_000);

  it("outside a git checkout: says in one line what is needed (exit 2), where it crashed with ENOENT", async () => {
    const plain = path.join(root, "plain");
    mkdirSync(plain);
    cpSync(path.join(main, "catalog"), path.join(plain, "catalog"), { recursive: true });
    cpSync(path.join(main, "pages"), path.join(plain, "pages"), { recursive: true });
    const r = await run(plain, "run-plain");
    expect(r.status).toBe(2);
    expect(oneLine(r)).toMatch(new RegExp(`^${escape(plain)} is not a git checkout \\(git: fatal: not a git repository.*\\): a run that writes works in a clone of the catalog's repository; run it there, or use --dry-run$`));
    expect(existsSync(path.join(root, "run-plain"))).toBe(false);
  }, 240_000);
});

describe("Next: advice that fits the page", () => {
  let root: string;
  let vendor: TestServer;
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "catalog-freshness-advice-"));
    cpSync(path.join(REPO_ROOT, "catalog"), path.join(root, "catalog"), { recursive: true });
    mkdirSync(path.join(root, "empty-pages"));
    writeFileSync(path.join(root, "empty-pages", "deepseek-pricing.md"), "");
    // DeepSeek's page as its zh-cn edition shows it: every amount in 元, none in dollars.
    const localized = readFileSync(path.join(REPO_ROOT, DEEPSEEK_PAGE), "utf8").replace(/\$(\d[\d.]*)/g, "$1元");
    vendor = await startFlakyServer({ "/deepseek-pricing.html": text(localized, MARKDOWN) });
  });
  afterAll(async () => {
    await vendor?.close();
    rmSync(root, { recursive: true, force: true });
  });
  const errorLine = (r: CliResult) => {
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("  deepseek-pricing: "));
    expect(lines, r.stderr).toHaveLength(1);
    return lines[0]!;
  };
  const dryRun = (replay: string, runDir: string) =>
    runCli(["run", "--only", "deepseek-pricing", "--dry-run", "--replay", replay, "--date", "2026-08-15", "--run-dir", path.join(root, runDir)], { cwd: root, env: NO_FORGE, timeoutMs: 240_000 });

  it("an empty page replayed from a directory: names the file it was replayed from, not a URL to open in a browser", async () => {
    const r = await dryRun("empty-pages", "run-empty");
    expect(r.status).toBe(1);
    const line = errorLine(r);
    expect(line).toContain(`Next: the page was replayed from ${path.join(root, "empty-pages", "deepseek-pricing.md")}, not fetched from the vendor: that file is empty;`);
    expect(line).not.toMatch(/browser|the vendor served/);
  }, 240_000);

  it("a vendor page in another currency: says so, not 'a challenge or login page'", async () => {
    const r = await dryRun(vendor.origin, "run-currency");
    expect(r.status).toBe(1);
    const line = errorLine(r);
    expect(line).toContain("not a USD price page: its");
    expect(line).toContain("Next: the vendor served its prices in another currency");
    expect(line).not.toMatch(/challenge|login/);
  }, 240_000);
});
