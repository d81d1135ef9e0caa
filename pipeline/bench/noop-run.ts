import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { entryRelativePath } from "../../schemas/model-entry.ts";
import { listCatalogFiles } from "../catalog/load.ts";
import { loadCatalog } from "../catalog/validate.ts";
import { DEMO_PAGES } from "../demo/demo.ts";
import { runPipeline } from "../run/run.ts";
import { runAsChild } from "./child.ts";
import { matchCatalogToPages, REPO_ROOT } from "./pages.ts";

/** After every `lastVerified` in the catalog, so each entry the pages verify has its date moved. */
export const NOOP_RUN_DATE = "2026-08-23";

export interface NoopRunResult {
  runDate: string;
  catalogFiles: number;
  /** Entries the run verified (every price on the page and equal), and the other outcomes. */
  outcomes: Record<string, number>;
  /** Verified entries whose lastVerified was before the run date: the files that should change. */
  expectedRewrites: number;
  /** Files whose bytes changed (git diff --numstat), and files written at all (new inode or mtime). */
  filesRewritten: number;
  filesTouched: number;
  /** Lines added (= removed) over all changed files, and how many of them are not a `lastVerified` line. */
  changedLines: number;
  otherLines: number;
  /** Files whose diff is not exactly one line out, one line in. */
  filesWithMoreThanOneLine: number;
  newFiles: number;
  /** The same run again on the same day: files written the second time (should be none). */
  rerunFilesTouched: number;
  runMs: number;
  /** Documents replayed (every saved page of every source). */
  documents: number;
  sourceStatus: Record<string, string>;
  sampleDiff: string;
}

/**
 * A real `runPipeline` (no dry run, no GITHUB_TOKEN: it writes into the working tree and commits
 * nothing) over the real catalog and every real saved document of every source (DEMO_PAGES) replayed
 * through `--replay`, in a temporary git checkout, on a catalog made to match the pages
 * (`matchCatalogToPages`: every proposal the pipeline's diff makes is applied first), so every price
 * matches. Then: which files the run wrote, and which lines of them changed.
 */
export async function noopRun(options: { keep?: boolean; log?: (line: string) => void } = {}): Promise<NoopRunResult> {
  const log = options.log ?? (() => {});
  const root = mkdtempSync(path.join(tmpdir(), "catalog-freshness-bench-noop-"));
  const work = path.join(root, "work");
  const catalogDir = path.join(work, "catalog");
  const pagesDir = path.join(root, "pages");
  const git = (args: string[]) =>
    execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@catalog-freshness.invalid", "-c", "core.quotePath=false", ...args], {
      cwd: work,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
    });
  try {
    mkdirSync(work);
    git(["init", "--quiet", "--initial-branch=main"]);
    cpSync(path.join(REPO_ROOT, "catalog"), catalogDir, { recursive: true });
    mkdirSync(pagesDir);
    for (const [name, file] of Object.entries(DEMO_PAGES)) cpSync(path.join(REPO_ROOT, file), path.join(pagesDir, name));
    await matchCatalogToPages(catalogDir, NOOP_RUN_DATE);
    git(["add", "--all"]);
    git(["commit", "--quiet", "-m", "catalog matching the pages"]);

    const before = snapshot(catalogDir, await listCatalogFiles(catalogDir));
    const lines: string[] = [];
    const run = (runDir: string) =>
      runPipeline({
        repoDir: work,
        catalogDir,
        only: [],
        dryRun: false,
        runDate: NOOP_RUN_DATE,
        replayDir: pagesDir,
        verifiedTo: "base",
        runDir,
        env: {}, // no GITHUB_TOKEN: "staying local"
        out: (l) => lines.push(l),
        log: (l) => lines.push(l),
      });
    const t0 = performance.now();
    const report = await run(path.join(root, "run-1"));
    const runMs = Math.round(performance.now() - t0);
    const after = snapshot(catalogDir, await listCatalogFiles(catalogDir));

    const outcomes: Record<string, number> = {};
    const verified = new Set<string>();
    for (const s of report.sources) for (const e of s.diff?.entries ?? []) {
      outcomes[e.outcome] = (outcomes[e.outcome] ?? 0) + 1;
      if (e.outcome === "verified") verified.add(e.model);
    }
    const catalog = await loadCatalog(catalogDir);
    // After the run: a verified entry whose date moved has the run date; one already there kept it.
    const expectedRewrites = [...verified].filter((id) => before.get(entryRelativePath(id))?.text.includes(`"lastVerified": "${NOOP_RUN_DATE}"`) === false).length;

    const numstat = git(["diff", "--numstat", "--", "catalog"]).trim().split("\n").filter(Boolean);
    const patch = git(["diff", "--unified=0", "--", "catalog"]);
    const changed = patch.split("\n").filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---) /.test(l));
    const otherLines = changed.filter((l) => !/^[+-] {2}"lastVerified": "\d{4}-\d{2}-\d{2}",$/.test(l)).length;
    const untracked = git(["status", "--porcelain", "--untracked-files=all", "--", "catalog"]).split("\n").filter((l) => l.startsWith("??"));
    const touched = [...after].filter(([file, a]) => {
      const b = before.get(file);
      return !b || b.ino !== a.ino || b.mtimeNs !== a.mtimeNs;
    }).length;

    log(`first run: ${numstat.length} files changed, ${touched} written, in ${runMs} ms`);
    const rerunBefore = snapshot(catalogDir, await listCatalogFiles(catalogDir));
    await run(path.join(root, "run-2"));
    const rerunAfter = snapshot(catalogDir, await listCatalogFiles(catalogDir));
    const rerunFilesTouched = [...rerunAfter].filter(([file, a]) => {
      const b = rerunBefore.get(file);
      return !b || b.ino !== a.ino || b.mtimeNs !== a.mtimeNs;
    }).length;

    return {
      runDate: NOOP_RUN_DATE,
      catalogFiles: catalog.files.length,
      outcomes,
      expectedRewrites,
      filesRewritten: numstat.length,
      filesTouched: touched,
      changedLines: changed.filter((l) => l.startsWith("+")).length,
      otherLines,
      filesWithMoreThanOneLine: numstat.filter((l) => !/^1\t1\t/.test(l)).length,
      newFiles: untracked.length,
      rerunFilesTouched,
      runMs,
      documents: Object.keys(DEMO_PAGES).length,
      sourceStatus: Object.fromEntries(report.sources.map((s) => [s.source, s.status])),
      sampleDiff: patch.split("\n").slice(0, 6).join("\n"),
    };
  } finally {
    if (options.keep) log(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

function snapshot(catalogDir: string, files: string[]): Map<string, { ino: number; mtimeNs: bigint; text: string }> {
  return new Map(
    files.map((f) => {
      const file = path.join(catalogDir, f);
      const st = statSync(file, { bigint: true });
      return [f, { ino: Number(st.ino), mtimeNs: st.mtimeNs, text: readFileSync(file, "utf8") }];
    }),
  );
}

/** What must hold: only verified entries' files change, each in its lastVerified line alone, and a re-run writes nothing. */
export function noopRunErrors(r: NoopRunResult): string[] {
  const errors: string[] = [];
  if (r.filesRewritten !== r.expectedRewrites) errors.push(`${r.filesRewritten} files changed, expected ${r.expectedRewrites} (verified entries whose date moved)`);
  if (r.filesTouched !== r.filesRewritten) errors.push(`${r.filesTouched} files written, ${r.filesRewritten} of them changed`);
  if (r.otherLines !== 0) errors.push(`${r.otherLines} changed lines are not lastVerified lines`);
  if (r.filesWithMoreThanOneLine !== 0) errors.push(`${r.filesWithMoreThanOneLine} files changed in more than one line`);
  if (r.newFiles !== 0) errors.push(`${r.newFiles} new files in the catalog`);
  if (r.rerunFilesTouched !== 0) errors.push(`the same run again wrote ${r.rerunFilesTouched} files`);
  if ((r.outcomes.changed ?? 0) !== 0) errors.push(`${r.outcomes.changed} entries changed: the catalog does not match the pages`);
  for (const [s, status] of Object.entries(r.sourceStatus)) if (status !== "ok") errors.push(`${s}: ${status}`);
  return errors;
}

runAsChild(import.meta.url, async () => {
  const result = await noopRun({ log: (l) => process.stderr.write(`${l}\n`) });
  return { ...result, errors: noopRunErrors(result) };
});
