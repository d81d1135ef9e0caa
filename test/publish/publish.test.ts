import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCatalog } from "../../pipeline/catalog/validate.ts";
import { diffSource } from "../../pipeline/diff/diff.ts";
import { CatalogRepo } from "../../pipeline/publish/git.ts";
import { GitHubPlatform } from "../../pipeline/publish/github.ts";
import { publish, VERIFICATION_BRANCH } from "../../pipeline/publish/publish.ts";
import type { ModelEntry } from "../../schemas/model-entry.ts";
import type { Observation } from "../../schemas/observation.ts";
import { type GitFixture, makeGitFixture } from "../support/git-fixture.ts";
import { type GitHubServer, startGitHubServer } from "../../pipeline/demo/github-server.ts";

const TOKEN = "ghs_publishTestToken0123456789";
const MINI = "openai/gpt-image-1-mini";
const IMAGE_1 = "openai/gpt-image-1";
const page = { url: "https://developers.openai.com/api/docs/pricing.md", fetchedAt: "2026-11-24T03:17:05.000Z", sha256: "cd".repeat(32) };

let fx: GitFixture;
let server: GitHubServer;
let lines: string[];

beforeEach(async () => {
  fx = makeGitFixture();
  server = await startGitHubServer({ token: TOKEN, owner: "acme", repo: "catalog", bareRepoPath: fx.bare });
  lines = [];
});
afterEach(async () => {
  await server.close();
  fx.cleanup();
});

/** The page as the source would read it: every price of these entries, with some overridden. */
async function observations(ids: string[], override: Record<string, Record<string, number>> = {}): Promise<{ obs: Observation[]; entries: ModelEntry[] }> {
  const catalog = await loadCatalog(fx.catalogDir);
  const entries = ids.map((id) => catalog.entries.get(id)!.entry);
  const obs = entries.flatMap((e) =>
    Object.entries(e.prices).map(([price, p]) => ({ model: e.id, price, unit: p.unit, usd: override[e.id]?.[price] ?? p.usd, evidence: `row of ${e.id}` })),
  );
  return { obs, entries };
}

async function runPublish(
  ids: string[],
  override: Record<string, Record<string, number>>,
  runDate: string,
  verifiedTo: "base" | "pr" = "base",
  platform: GitHubPlatform = new GitHubPlatform({ token: TOKEN, owner: "acme", repo: "catalog", apiUrl: server.url }),
) {
  const { obs, entries } = await observations(ids, override);
  const diff = diffSource({ source: "openai-pricing", status: "ok", observations: obs, untracked: [], problems: [] }, entries, runDate);
  const repo = await CatalogRepo.open(fx.work);
  return publish({
    repo,
    platform,
    base: "main",
    catalogDir: fx.catalogDir,
    runDate,
    verifiedTo,
    sources: [{ diff, page }],
    entries: new Map(entries.map((e) => [e.id, e])),
    log: (l) => lines.push(l),
  });
}

const newMiniPrices = { [MINI]: { "image:low:1024x1024": 0.005, "image:medium:1024x1024": 0.011, "image:high:1024x1024": 0.036 } };
const originFile = (ref: string, file: string) => JSON.parse(fx.git(["show", `${ref}:catalog/${file}`], fx.bare));
const posts = () => server.requests.filter((r) => r.method === "POST" && r.path === "/repos/acme/catalog/pulls");

describe("publish", () => {
  it("pushes verification to the base branch and opens one PR for the price change", async () => {
    const result = await runPublish([MINI, IMAGE_1], newMiniPrices, "2026-11-24");
    expect(result.problems).toEqual([]);
    expect(result.verification).toMatchObject({ entries: [IMAGE_1], pushedTo: "main" });
    expect(result.pullRequests).toMatchObject([{ action: "created", number: 1, branch: "catalog-freshness/openai-pricing" }]);

    // main on origin: gpt-image-1 verified today; gpt-image-1-mini untouched there.
    expect(originFile("main", "openai/gpt-image-1.json").lastVerified).toBe("2026-11-24");
    expect(originFile("main", "openai/gpt-image-1-mini.json").lastVerified).toBe("2026-04-04");
    // The PR branch: new prices, old ones in history.
    const mini = originFile("catalog-freshness/openai-pricing", "openai/gpt-image-1-mini.json");
    expect(mini.prices["image:low:1024x1024"]).toEqual({ usd: 0.005, unit: "image" });
    expect(mini.priceHistory[0]).toEqual({ price: "image:low:1024x1024", usd: 0.004, unit: "image", until: "2026-11-24" });
    expect(mini.lastVerified).toBe("2026-11-24");
    // Only the catalog files of that source changed on the branch, on top of main.
    const changed = fx.git(["diff", "--name-only", "main", "catalog-freshness/openai-pricing"], fx.bare).trim().split("\n");
    expect(changed).toEqual(["catalog/openai/gpt-image-1-mini.json"]);

    const [pr] = server.state.pulls;
    expect(pr).toMatchObject({ state: "open", base: { ref: "main" }, head: { ref: "catalog-freshness/openai-pricing" }, labels: ["catalog-freshness", "automation", "source:openai-pricing"] });
    expect(pr!.body).toContain("| `image:low:1024x1024` (per image) | $0.004 | $0.005 | +25.0% |");
    expect(server.violations).toEqual([]);
    expect(server.responseViolations).toEqual([]);
    // The working tree is back on main, clean.
    expect(fx.git(["status", "--porcelain"])).toBe("");
    expect(fx.git(["rev-parse", "--abbrev-ref", "HEAD"]).trim()).toBe("main");
  });

  it("a second run with the same page opens no second PR and does not re-push the branch", async () => {
    await runPublish([MINI, IMAGE_1], newMiniPrices, "2026-11-24");
    const branchSha = fx.git(["rev-parse", "catalog-freshness/openai-pricing"], fx.bare);
    const second = await runPublish([MINI, IMAGE_1], newMiniPrices, "2026-11-24");
    expect(second.pullRequests).toMatchObject([{ action: "unchanged", number: 1 }]);
    expect(posts()).toHaveLength(1);
    expect(server.state.pulls).toHaveLength(1);
    expect(fx.git(["rev-parse", "catalog-freshness/openai-pricing"], fx.bare)).toBe(branchSha);
    expect(server.violations).toEqual([]);
  });

  it("updates the open PR when the page changes again", async () => {
    await runPublish([MINI], newMiniPrices, "2026-11-24");
    const next = await runPublish([MINI], { [MINI]: { ...newMiniPrices[MINI], "image:low:1024x1024": 0.006 } }, "2026-11-25");
    expect(next.pullRequests).toMatchObject([{ action: "updated", number: 1 }]);
    expect(server.state.pulls).toHaveLength(1);
    expect(server.state.pulls[0]!.body).toContain("| $0.004 | $0.006 | +50.0% |");
    expect(originFile("catalog-freshness/openai-pricing", "openai/gpt-image-1-mini.json").prices["image:low:1024x1024"].usd).toBe(0.006);
  });

  it("closes the PR with a comment when the page goes back to the catalog's prices", async () => {
    await runPublish([MINI], newMiniPrices, "2026-11-24");
    const reverted = await runPublish([MINI], {}, "2026-11-25");
    expect(reverted.pullRequests).toMatchObject([{ action: "closed", number: 1 }]);
    expect(server.state.pulls[0]!.state).toBe("closed");
    expect(server.state.comments.at(-1)?.body).toMatch(/catalog now matches https:\/\/developers\.openai\.com/);
    // and the verified entry moved on main
    expect(originFile("main", "openai/gpt-image-1-mini.json").lastVerified).toBe("2026-11-25");
  });

  it("does not reopen or recreate a PR a maintainer closed for the same change", async () => {
    await runPublish([MINI], newMiniPrices, "2026-11-24");
    server.closePull(1, { byMaintainer: true });
    const again = await runPublish([MINI], newMiniPrices, "2026-11-25");
    expect(again.pullRequests).toMatchObject([{ action: "kept-closed", number: 1 }]);
    expect(posts()).toHaveLength(1);
    expect(server.state.pulls[0]!.state).toBe("closed");
    // A different change is a new proposal.
    const other = await runPublish([MINI], { [MINI]: { ...newMiniPrices[MINI], "image:low:1024x1024": 0.006 } }, "2026-11-26");
    expect(other.pullRequests).toMatchObject([{ action: "created", number: 2 }]);
  });

  it("when GitHub answers 422 'already exists' (a PR opened since we looked), updates that PR instead of failing", async () => {
    await runPublish([MINI], newMiniPrices, "2026-11-24");
    // A platform whose first lookup is stale, as if another run opened the PR in between.
    class StaleLookup extends GitHubPlatform {
      private stale = true;
      override async findPullRequests(branch: string, state: "open" | "closed") {
        if (state === "open" && this.stale) {
          this.stale = false;
          return [];
        }
        return super.findPullRequests(branch, state);
      }
    }
    const next = await runPublish([MINI], { [MINI]: { ...newMiniPrices[MINI], "image:low:1024x1024": 0.006 } }, "2026-11-25", "base", new StaleLookup({ token: TOKEN, owner: "acme", repo: "catalog", apiUrl: server.url }));
    expect(next.problems).toEqual([]);
    expect(next.pullRequests).toMatchObject([{ action: "updated", number: 1 }]);
    expect(server.requests.filter((r) => r.method === "POST" && r.path === "/repos/acme/catalog/pulls").map((r) => r.status)).toEqual([201, 422]);
    expect(server.state.pulls).toHaveLength(1);
    expect(server.state.pulls[0]!.body).toContain("| $0.004 | $0.006 | +50.0% |");
  });

  it("retries a verification push rejected because the base moved, on the new base", async () => {
    // A maintainer pushes to main after our checkout was made.
    const other = fx.otherClone();
    writeFileSync(path.join(other, "NOTES.md"), "maintainer edit\n");
    fx.git(["add", "NOTES.md"], other);
    fx.git(["commit", "--quiet", "-m", "maintainer edit"], other);
    fx.git(["push", "--quiet", "origin", "main"], other);

    const result = await runPublish([IMAGE_1], {}, "2026-11-24");
    expect(result.problems).toEqual([]);
    expect(result.verification).toMatchObject({ pushedTo: "main" });
    expect(lines.join("\n")).toMatch(/rejected.*retrying on the new main/);
    const log = fx.git(["log", "--format=%s", "main"], fx.bare).trim().split("\n");
    expect(log.slice(0, 2)).toEqual(["catalog: verify 1 entries on 2026-11-24", "maintainer edit"]);
    expect(originFile("main", "openai/gpt-image-1.json").lastVerified).toBe("2026-11-24");
  });

  it("with --verified-to pr, verification goes through a PR instead of the base branch", async () => {
    const before = fx.git(["rev-parse", "main"], fx.bare);
    const result = await runPublish([IMAGE_1], {}, "2026-11-24", "pr");
    expect(result.problems).toEqual([]);
    expect(fx.git(["rev-parse", "main"], fx.bare)).toBe(before);
    expect(originFile(VERIFICATION_BRANCH, "openai/gpt-image-1.json").lastVerified).toBe("2026-11-24");
    expect(server.state.pulls).toMatchObject([{ head: { ref: VERIFICATION_BRANCH }, state: "open" }]);
    expect(server.violations).toEqual([]);
  });

  it("reports a remote that cannot be reached and leaves the catalog on disk as it was", async () => {
    const before = readFileSync(path.join(fx.catalogDir, "openai/gpt-image-1.json"), "utf8");
    fx.git(["remote", "set-url", "origin", path.join(fx.root, "does-not-exist.git")]);
    const result = await runPublish([IMAGE_1], {}, "2026-11-24");
    expect(result.problems).toEqual([expect.objectContaining({ where: "push to main" })]);
    expect(readFileSync(path.join(fx.catalogDir, "openai/gpt-image-1.json"), "utf8")).toBe(before);
    expect(fx.git(["status", "--porcelain"])).toBe("");
  });
});
