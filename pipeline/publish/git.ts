import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { simpleGit, type SimpleGit } from "simple-git";

const run = promisify(execFile);

const BOT_NAME = "catalog-freshness[bot]";
const BOT_EMAIL = "catalog-freshness@users.noreply.github.com";

/**
 * The git checkout a run works in (as in a GitHub Actions job); `origin` is its remote.
 * Every operation the pipeline needs, and nothing else, so publish.ts reads as a list of steps.
 */
export class CatalogRepo {
  private constructor(
    readonly dir: string,
    private readonly git: SimpleGit,
    /** `-c` settings (the bot's identity) for a second git instance with its own environment. */
    private readonly config: string[] = [],
  ) {}

  static async open(dir: string): Promise<CatalogRepo> {
    const probe = simpleGit({ baseDir: dir });
    const root = (await probe.revparse(["--show-toplevel"])).trim();
    // Commit as the bot unless the job configured an identity (Actions workflows set github-actions[bot]).
    const name = await probe.getConfig("user.name").then((c) => c.value);
    const email = await probe.getConfig("user.email").then((c) => c.value);
    const config = [...(name ? [] : [`user.name=${BOT_NAME}`]), ...(email ? [] : [`user.email=${BOT_EMAIL}`])];
    return new CatalogRepo(root, simpleGit({ baseDir: root, config }), config);
  }

  /** The branch the checkout is on; a detached HEAD (some CI checkouts) falls back to GITHUB_REF_NAME. */
  async currentBranch(env: NodeJS.ProcessEnv = process.env): Promise<string> {
    const branch = (await this.git.revparse(["--abbrev-ref", "HEAD"])).trim();
    if (branch !== "HEAD") return branch;
    if (env.GITHUB_REF_NAME) return env.GITHUB_REF_NAME;
    throw new Error("the checkout is on a detached HEAD and GITHUB_REF_NAME is not set: cannot tell the base branch");
  }

  async head(): Promise<string> {
    return (await this.git.revparse(["HEAD"])).trim();
  }

  /** Paths under `pathspec` with uncommitted changes. */
  async dirty(pathspec: string): Promise<string[]> {
    const status = await this.git.status(["--", pathspec]);
    return status.files.map((f) => f.path);
  }

  async fetch(branch: string): Promise<void> {
    await this.git.fetch("origin", branch);
  }

  /** Does origin have this branch? (ls-remote asks the remote itself, not a stale tracking ref.) */
  async remoteHas(branch: string): Promise<boolean> {
    const out = await this.git.raw(["ls-remote", "--heads", "origin", `refs/heads/${branch}`]);
    return out.trim() !== "";
  }

  /**
   * Does origin's `branch` already hold exactly HEAD's files? Then a force-push would only churn the
   * PR's commit list without changing what a reviewer sees.
   */
  async remoteHasSameTree(branch: string): Promise<boolean> {
    if (!(await this.remoteHas(branch))) return false;
    await this.git.fetch("origin", `refs/heads/${branch}`);
    const remote = (await this.git.revparse(["FETCH_HEAD^{tree}"])).trim();
    const local = (await this.git.revparse(["HEAD^{tree}"])).trim();
    return remote === local;
  }

  /** Stage `pathspec` and commit; undefined when there is nothing to commit (no empty commits). */
  async commit(pathspec: string, message: string): Promise<string | undefined> {
    await this.git.add(["--all", "--", pathspec]);
    const staged = await this.git.diff(["--cached", "--name-only"]);
    if (staged.trim() === "") return undefined;
    await this.git.commit(message);
    return this.head();
  }

  /** Push HEAD to `branch` on origin; a rejected push (the base moved) throws PushRejected. */
  async push(branch: string, options: { force?: boolean } = {}): Promise<void> {
    try {
      await this.git.push(["origin", `HEAD:refs/heads/${branch}`, ...(options.force ? ["--force"] : [])]);
    } catch (err) {
      const message = (err as Error).message;
      if (/\[rejected\]|non-fast-forward|fetch first|failed to push some refs/i.test(message)) {
        throw new PushRejected(branch, message);
      }
      throw err;
    }
  }

  /** Point the current branch (or a new one) at `ref`, discarding local changes: used to rebuild branches. */
  async checkoutFresh(branch: string, ref: string): Promise<void> {
    await this.git.raw(["checkout", "--force", "-B", branch, ref]);
  }

  async checkout(branch: string): Promise<void> {
    await this.git.raw(["checkout", "--force", branch]);
  }

  async resetHard(ref: string): Promise<void> {
    await this.git.raw(["reset", "--hard", ref]);
  }

  /**
   * Add files to `branch` on origin as one new commit on top of it (the branch is created when it does not
   * exist), without touching the checkout: a temporary index builds the tree. For evidence images, which must
   * outlive the run but never land in the catalog. Returns the commit, whose id makes the files' URLs permanent.
   */
  async addFilesToBranch(branch: string, files: readonly { path: string; from: string }[], message: string): Promise<string> {
    const index = path.join(await mkdtemp(path.join(tmpdir(), "catalog-freshness-index-")), "index");
    // Plumbing with a temporary index: plain git processes, since simple-git refuses a custom environment that
    // carries an editor or pager variable (as a CI job's may).
    const env = { ...process.env, GIT_INDEX_FILE: index };
    const git = async (args: string[]) =>
      (await run("git", ["-C", this.dir, ...this.config.flatMap((c) => ["-c", c]), ...args], { env, maxBuffer: 64 * 1024 * 1024 })).stdout.trim();
    try {
      for (let attempt = 1; ; attempt++) {
        const parent = (await this.remoteHas(branch)) ? await this.fetchedHead(branch) : undefined;
        await git(parent ? ["read-tree", parent] : ["read-tree", "--empty"]);
        const before = parent ? await git(["write-tree"]) : undefined;
        for (const f of files) {
          const blob = await git(["hash-object", "-w", "--", f.from]);
          await git(["update-index", "--add", "--cacheinfo", `100644,${blob},${f.path}`]);
        }
        const tree = await git(["write-tree"]);
        // Every file already there (named by content): the branch's tip serves them, no new commit.
        if (parent && tree === before) return parent;
        const commit = await git(["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", message]);
        try {
          await this.git.push(["origin", `${commit}:refs/heads/${branch}`]);
          return commit;
        } catch (err) {
          // Another run added to the branch meanwhile: build on its new tip.
          if (attempt >= 3 || !/\[rejected\]|non-fast-forward|fetch first/i.test((err as Error).message)) throw err;
        }
      }
    } finally {
      await rm(path.dirname(index), { recursive: true, force: true });
    }
  }

  private async fetchedHead(branch: string): Promise<string> {
    await this.git.fetch("origin", `refs/heads/${branch}`);
    return (await this.git.revparse(["FETCH_HEAD"])).trim();
  }
}

export class PushRejected extends Error {
  constructor(
    readonly branch: string,
    detail: string,
  ) {
    super(`push to ${branch} was rejected (the branch moved on origin): ${detail.split("\n")[0]}`);
  }
}
