import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT } from "./cli.ts";

const IDENTITY = ["-c", "user.name=Test Maintainer", "-c", "user.email=maintainer@example.com"];

export interface GitFixture {
  root: string;
  /** The bare repository playing `origin`. */
  bare: string;
  /** The checkout the pipeline runs in (as a GitHub Actions job would). */
  work: string;
  catalogDir: string;
  git(args: string[], cwd?: string): string;
  /** A second clone, for pushing to origin behind the pipeline's back (a maintainer, another job). */
  otherClone(): string;
  cleanup(): void;
}

/** A real bare `origin` and a clone of it holding this repository's catalog on `main`. */
export function makeGitFixture(options: { catalog?: (catalogDir: string) => void } = {}): GitFixture {
  const root = mkdtempSync(path.join(tmpdir(), "catalog-freshness-git-"));
  const bare = path.join(root, "origin.git");
  const work = path.join(root, "work");
  const git = (args: string[], cwd = work) => execFileSync("git", [...IDENTITY, ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  git(["init", "--bare", "--initial-branch=main", bare], root);
  git(["clone", "--quiet", bare, work], root);
  git(["checkout", "--quiet", "-B", "main"]);
  cpSync(path.join(REPO_ROOT, "catalog"), path.join(work, "catalog"), { recursive: true });
  mkdirSync(path.join(work, "schemas"));
  cpSync(path.join(REPO_ROOT, "schemas/model-entry.schema.json"), path.join(work, "schemas/model-entry.schema.json"));
  options.catalog?.(path.join(work, "catalog"));
  git(["add", "--all"]);
  git(["commit", "--quiet", "-m", "seed catalog"]);
  git(["push", "--quiet", "origin", "main"]);
  let clones = 0;
  return {
    root,
    bare,
    work,
    catalogDir: path.join(work, "catalog"),
    git,
    otherClone() {
      const dir = path.join(root, `other-${++clones}`);
      git(["clone", "--quiet", bare, dir], root);
      return dir;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
