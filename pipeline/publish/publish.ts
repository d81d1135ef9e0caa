import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { EntryDiff, SourceDiff } from "../../schemas/diff.ts";
import type { ModelEntry } from "../../schemas/model-entry.ts";
import { applyToCatalog } from "../apply/write-catalog.ts";
import { loadCatalog } from "../catalog/validate.ts";
import { type CatalogRepo, PushRejected } from "./git.ts";
import { type ForgePlatform, PullRequestExists } from "./platform.ts";
import { proposalsOf } from "../diff/proposals.ts";
import { branchFor, changeIdOf, type PageEvidence, renderPullRequest } from "./pull-request.ts";

export const VERIFICATION_BRANCH = "catalog-freshness/verification";
/**
 * Where the screenshots and charts of price-change PRs are kept, so a PR shows them inline for as long as it
 * exists (a run's artifact expires after 30 days). Append-only, never merged; files are named by their content.
 */
export const EVIDENCE_BRANCH = "catalog-freshness/evidence";
const PUSH_ATTEMPTS = 3;

export interface SourceToPublish {
  diff: SourceDiff;
  page: PageEvidence;
}

export interface PublishInput {
  repo: CatalogRepo;
  platform: ForgePlatform;
  base: string;
  catalogDir: string;
  runDate: string;
  verifiedTo: "base" | "pr";
  /** Sources whose page was read without problems: only these publish anything. */
  sources: readonly SourceToPublish[];
  entries: ReadonlyMap<string, ModelEntry>;
  log: (line: string) => void;
}

export interface PullRequestResult {
  source: string;
  action: "created" | "updated" | "unchanged" | "closed" | "kept-closed";
  branch: string;
  number?: number;
  url?: string;
  labels: string[];
}

export interface PublishResult {
  verification?: { entries: string[]; commit?: string; pushedTo?: string; pullRequest?: string };
  pullRequests: PullRequestResult[];
  problems: { message: string; where: string }[];
}

/**
 * Publish one run: verification-only updates straight to the base branch (or a PR), then one
 * rebuilt branch and one pull request per source with proposals (price changes, new and retired keys,
 * scheduled prices), and close PRs whose page now matches the catalog. A failure of one source's PR does
 * not stop the others.
 */
export async function publish(input: PublishInput): Promise<PublishResult> {
  const { repo, base, log } = input;
  const result: PublishResult = { pullRequests: [], problems: [] };
  const startHead = await repo.head();

  // An entry covered by two sources is in both diffs: verify it once.
  const verified = [...new Map(input.sources.flatMap((s) => s.diff.entries.filter((e) => e.outcome === "verified").map((e) => [e.model, e] as const))).values()];
  if (verified.length > 0) {
    try {
      result.verification = await publishVerification(input, verified);
    } catch (err) {
      // Leave the checkout as it was: the catalog on disk is untouched by a failed publish.
      await repo.checkoutFresh(base, startHead);
      result.problems.push({ message: (err as Error).message, where: `push to ${input.verifiedTo === "base" ? base : VERIFICATION_BRANCH}` });
      log(`verification not published: ${(err as Error).message}`);
    }
  }

  for (const source of input.sources) {
    try {
      const pr = await publishSource(input, source);
      if (pr) result.pullRequests.push(pr);
    } catch (err) {
      result.problems.push({ message: (err as Error).message, where: `pull request for ${source.diff.source}` });
      log(`${source.diff.source}: pull request not published: ${(err as Error).message}`);
    } finally {
      await repo.checkout(base);
    }
  }
  return result;
}

async function publishVerification(input: PublishInput, verified: EntryDiff[]): Promise<NonNullable<PublishResult["verification"]>> {
  const { repo, base, catalogDir, runDate, log } = input;
  const message = (written: string[]) =>
    `catalog: verify ${written.length} entries on ${runDate}\n\nEvery price of these entries was seen unchanged on the vendor's page:\n${written.map((id) => `- ${id}`).join("\n")}\n`;
  if (input.verifiedTo === "pr") {
    await repo.checkoutFresh(VERIFICATION_BRANCH, base);
    const written = await applyToCatalog(catalogDir, verified, runDate, { proposals: "none" });
    const commit = await repo.commit(catalogDir, message(written));
    if (!commit) return { entries: written };
    await repo.push(VERIFICATION_BRANCH, { force: true });
    const open = await input.platform.findPullRequests(VERIFICATION_BRANCH, "open");
    const body = `Moves \`lastVerified\` to ${runDate} for entries whose every price was seen unchanged:\n\n${written.map((id) => `- \`${id}\``).join("\n")}\n`;
    const title = `catalog: verify ${written.length} entries`;
    const pr = open[0] ?? (await input.platform.createPullRequest({ branch: VERIFICATION_BRANCH, base, title, body }));
    if (open[0]) await input.platform.updatePullRequest(pr.number, { title, body });
    await repo.checkout(base);
    return { entries: written, commit, pullRequest: pr.url };
  }

  let toVerify = verified;
  for (let attempt = 1; ; attempt++) {
    // lastVerified only: new keys and announcements beside a verification go through their source's PR.
    const written = await applyToCatalog(catalogDir, toVerify, runDate, { proposals: "none" });
    const commit = await repo.commit(catalogDir, message(written));
    if (!commit) return { entries: written };
    try {
      await repo.push(base);
      log(`verified ${written.length} entries: pushed ${commit.slice(0, 7)} to ${base}`);
      return { entries: written, commit, pushedTo: base };
    } catch (err) {
      if (!(err instanceof PushRejected) || attempt >= PUSH_ATTEMPTS) throw err;
      // The base moved while we ran: rebuild the commit on the new base and try again.
      log(`${err.message}; retrying on the new ${base} (attempt ${attempt + 1} of ${PUSH_ATTEMPTS})`);
      await repo.fetch(base);
      await repo.resetHard(`origin/${base}`);
      toVerify = await stillAsCompared(catalogDir, toVerify, input.entries, log);
    }
  }
}

/**
 * After the base moved under the run: an entry whose prices changed there was not compared with the page
 * as it now stands, so it is not verified by this run (the next run compares it).
 */
async function stillAsCompared(catalogDir: string, diffs: EntryDiff[], compared: ReadonlyMap<string, ModelEntry>, log: (line: string) => void): Promise<EntryDiff[]> {
  const now = await loadCatalog(catalogDir);
  return diffs.filter((d) => {
    const before = compared.get(d.model)?.prices;
    const after = now.entries.get(d.model)?.entry.prices;
    const same = before !== undefined && after !== undefined && isDeepStrictEqual(before, after);
    if (!same) log(`${d.model}: its prices changed on the new base; not verified by this run`);
    return same;
  });
}

async function publishSource(input: PublishInput, source: SourceToPublish): Promise<PullRequestResult | undefined> {
  const { repo, platform, base, catalogDir, runDate, log } = input;
  const branch = branchFor(source.diff.source);
  const proposing = proposalsOf(source.diff);
  const changed = source.diff.entries.filter((e) => proposing.some((p) => p.model === e.model));
  const open = await platform.findPullRequests(branch, "open");

  if (changed.length === 0) {
    if (open.length === 0) return undefined;
    for (const pr of open) {
      await platform.closePullRequest(
        pr.number,
        `The catalog now matches ${source.page.url} (captured ${source.page.fetchedAt}), so this change is no longer needed. Closed by catalog-freshness.`,
      );
      log(`${source.diff.source}: closed PR #${pr.number}: the catalog already matches the page`);
    }
    return { source: source.diff.source, action: "closed", branch, number: open[0]!.number, url: open[0]!.url, labels: open[0]!.labels };
  }

  const page = await withEvidenceUrls(input, source);
  const content = renderPullRequest(source.diff, input.entries, page);
  if (open.length === 0) {
    const closed = await platform.findPullRequests(branch, "closed");
    const declined = closed.find((pr) => !pr.merged && changeIdOf(pr.body) === content.changeId);
    if (declined) {
      log(`${source.diff.source}: PR #${declined.number} proposing this same change was closed by a maintainer; not reopening`);
      return { source: source.diff.source, action: "kept-closed", branch, number: declined.number, url: declined.url, labels: declined.labels };
    }
  }

  await repo.checkoutFresh(branch, base);
  await applyToCatalog(catalogDir, changed, runDate, { proposals: "of", source: source.diff.source });
  const commit = await repo.commit(
    catalogDir,
    `catalog: ${content.title}\n\n${changed.map((e) => `- ${e.model}`).join("\n")}\n\nSource: ${source.page.url}\n`,
  );
  if (!commit) throw new Error(`the diff proposed changes to ${changed.length} entries but applying them changed no file`);
  if (!(await repo.remoteHasSameTree(branch))) await repo.push(branch, { force: true });

  let existing = open[0];
  if (!existing) {
    try {
      const created = await platform.createPullRequest({ branch, base, title: content.title, body: content.body });
      await platform.setLabels(created.number, content.labels);
      log(`${source.diff.source}: opened PR #${created.number} ${created.url}`);
      return { source: source.diff.source, action: "created", branch, number: created.number, url: created.url, labels: content.labels };
    } catch (err) {
      // Opened by someone else since we looked (another run): update that one rather than fail.
      if (!(err instanceof PullRequestExists)) throw err;
      existing = (await platform.findPullRequests(branch, "open"))[0];
      if (!existing) throw err;
    }
  }
  const same = existing.title === content.title && sameBody(existing.body, content.body) && sameSet(existing.labels, content.labels);
  if (!same) {
    await platform.updatePullRequest(existing.number, { title: content.title, body: content.body });
    await platform.setLabels(existing.number, content.labels);
  }
  log(`${source.diff.source}: ${same ? "PR unchanged" : "updated PR"} #${existing.number} ${existing.url}`);
  return { source: source.diff.source, action: same ? "unchanged" : "updated", branch, number: existing.number, url: existing.url, labels: content.labels };
}

/**
 * The source's screenshots and charts, committed to EVIDENCE_BRANCH (named by content, so the same picture is
 * stored once), with their URLs on the forge for the PR to show inline. Without them the PR names the files.
 */
async function withEvidenceUrls(input: PublishInput, source: SourceToPublish): Promise<PageEvidence> {
  const runDir = source.page.runDir;
  const files = (source.page.artifacts ?? []).flatMap((a) => [...a.screenshots.map((s) => s.file), ...(a.chart ? [a.chart] : [])]);
  if (!runDir || files.length === 0 || !input.platform.rawFileUrl) return source.page;
  try {
    const stored = await Promise.all(
      files.map(async (file) => {
        const hash = createHash("sha256").update(await readFile(path.join(runDir, file))).digest("hex").slice(0, 16);
        const ext = path.extname(file);
        return { file, path: `${source.diff.source}/${path.basename(file, ext)}-${hash}${ext}`, from: path.join(runDir, file) };
      }),
    );
    const commit = await input.repo.addFilesToBranch(EVIDENCE_BRANCH, stored, `evidence: ${source.diff.source} on ${input.runDate}`);
    const artifactUrls = Object.fromEntries(stored.map((f) => [f.file, input.platform.rawFileUrl!(commit, f.path)]));
    return { ...source.page, artifactUrls };
  } catch (err) {
    input.log(`${source.diff.source}: evidence images not stored on ${EVIDENCE_BRANCH}, the PR names the files instead: ${(err as Error).message.split("\n")[0]}`);
    return source.page;
  }
}

/**
 * The same page read again differs only in when it was fetched and which run fetched it: not worth an
 * edit of the PR every night (reviewers get notified of edits).
 */
function sameBody(a: string, b: string): boolean {
  // Fetch and replay times differ on every run; the run's own links too.
  const stable = (body: string) =>
    body
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, "<time>")
      .replace(/^- Stored page, screenshot and run report: .*$/m, "")
      // A new rendering of the same table has other bytes, so another URL: not worth an edit either.
      .replace(/\]\([^)\s]*\/raw\/[0-9a-f]{40}\/[^)\s]*\)/g, "](<evidence>)");
  return stable(a) === stable(b);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
