// `catalog add` refuses what would leave a wrong state: a --catalog that is not there (it is never created), a
// checkout a run is working in (the run lock, found in the repository's git dir, also from a linked worktree),
// and a report of a dry run that looked ahead (--date in the future): a draft "verified" on a day to come would
// never be checked again. Beside add.test.ts, with its own set-up: a real dry run replaying DeepSeek's saved page
// (read `ok`), from a catalog without deepseek/deepseek-v4-flash so that the page lists it as untracked (and
// without the two models that page no longer lists, so that the source is not held back for losing most of them).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../support/cli.ts";

const MODEL = "deepseek/deepseek-v4-flash";
const MODEL_FILE = "catalog/deepseek/deepseek-v4-flash.json";
const PAGE = "test/fixtures/deepseek/api-docs-quick_start-pricing__2026-08-13.md";
const env = { GITHUB_STEP_SUMMARY: "", GITHUB_TOKEN: "", GH_TOKEN: "" };

let root: string;
const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, stdio: "pipe" }).toString();
const files = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "catalog-add-guards-"));
  cpSync(path.join(REPO_ROOT, "catalog"), path.join(root, "catalog"), { recursive: true });
  for (const file of [MODEL_FILE, "catalog/deepseek/deepseek-chat.json", "catalog/deepseek/deepseek-reasoner.json"]) rmSync(path.join(root, file));
  mkdirSync(path.join(root, "pages"));
  cpSync(path.join(REPO_ROOT, PAGE), path.join(root, "pages", "deepseek-pricing.md"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the workspace to run `add` in. */
function workspace(): string {
  const ws = mkdtempSync(path.join(root, "ws-"));
  cpSync(path.join(root, "catalog"), path.join(ws, "catalog"), { recursive: true });
  return ws;
}

describe("catalog add refuses, writing nothing", () => {
  it("a --catalog directory that does not exist: exit 2, one line, and the directory is not created", async () => {
    const ws = workspace();
    const r = await runCli(["add", MODEL, "--from", "deepseek-pricing", "--catalog", "no-catalog"], { cwd: ws });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual(["--catalog no-catalog: no such directory; run from the repository's root (the catalog is ./catalog), or give the catalog's directory"]);
    expect(r.stdout).toBe("");
    expect(existsSync(path.join(ws, "no-catalog"))).toBe(false);
  });

  it("while a run holds the checkout, even from a linked worktree: it says a run is in progress", async () => {
    const main = workspace();
    git(main, "init", "-q", "-b", "main");
    git(main, "add", "-A");
    git(main, "commit", "-qm", "catalog");
    const linked = path.join(root, `linked-${path.basename(main)}`);
    git(main, "worktree", "add", "-q", linked);
    expect(readFileSync(path.join(linked, ".git"), "utf8")).toMatch(/^gitdir: /); // a file, not a directory
    // A run of this repository (this test's own process stands in for it: alive) holds the lock.
    const lock = path.join(main, ".git", "catalog-freshness.lock");
    writeFileSync(lock, JSON.stringify({ pid: process.pid, since: "2026-08-15T01:00:00.000Z" }));
    const before = files(path.join(linked, "catalog"));

    const r = await runCli(["add", MODEL, "--from", "deepseek-pricing"], { cwd: linked });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      `a catalog-freshness run is in progress in this checkout (pid ${process.pid}, started 2026-08-15T01:00:00.000Z): wait for it to finish, then add again (lock: ${lock})`,
    ]);
    expect(r.stderr).not.toMatch(/origin remote|ENOTDIR|\n\s+at /);
    expect(files(path.join(linked, "catalog"))).toEqual(before);
    expect(existsSync(lock)).toBe(true); // the run's lock, left as it was
  });

  it("a report of a dry run that looked ahead (--date in the future), which a dry run may do", async () => {
    const ws = workspace();
    // A dry run may look ahead (it records nothing); one that writes may not (see errors-cli.test.ts).
    const ahead = await runCli(["run", "--only", "deepseek-pricing", "--dry-run", "--replay", path.join(root, "pages"), "--date", "2099-01-01", "--run-dir", path.join(ws, "runs", "ahead")], { cwd: ws, env });
    expect(ahead.status, ahead.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(ws, "runs", "ahead", "report.json"), "utf8")) as { runDate: string; sources: { diff: { untracked: { model: string }[] } }[] };
    expect(report.runDate).toBe("2099-01-01");
    expect(report.sources[0]!.diff.untracked.map((u) => u.model)).toContain(MODEL);
    const before = files(path.join(ws, "catalog"));

    const newest = await runCli(["add", MODEL, "--from", "deepseek-pricing"], { cwd: ws });
    expect(newest.status, newest.stderr).toBe(1);
    expect(newest.stderr).toContain("no run report under runs/ read deepseek-pricing's page (1 report(s) looked at)");
    const named = await runCli(["add", MODEL, "--from", "deepseek-pricing", "--run-dir", path.join(ws, "runs", "ahead")], { cwd: ws });
    expect(named.status, named.stderr).toBe(1);
    expect(named.stderr).toContain("its run date 2099-01-01 is after today: a dry run looking ahead, not a day the page was seen");
    expect(files(path.join(ws, "catalog"))).toEqual(before);
  }, 300_000);
});
