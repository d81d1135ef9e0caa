import type { Problem } from "../../schemas/observation.ts";
import type { FetchErrorReason } from "../fetch/errors.ts";

/**
 * Why one source failed, as the run knows it at the moment it fails: the fetch layer's error kind, the
 * extraction's status, or the diff's refusal. What a maintainer should do next depends on exactly this.
 */
export type SourceFailure =
  /** `--replay DIR` has no page for this source (or for this `document` of it). */
  | { stage: "replay"; detail: string; document?: string }
  | { stage: "fetch"; url: string; kind: FetchErrorReason | "unknown"; httpStatus?: number; detail: string; document?: string }
  | {
      stage: "extract";
      url: string;
      status: "failed" | "partial";
      /**
       * not-a-pricing-page: a challenge, login or cookie page came back instead; other-currency: a price page in
       * another currency (a localized page), none of its amounts in US dollars; home-page: the vendor's home page
       * in place of the price page; empty: no text at all; cut-off: the body stops inside a table (the transfer
       * ended early); layout: the page is whole but no longer has the shape the source reads.
       */
      cause: "not-a-pricing-page" | "other-currency" | "home-page" | "empty" | "cut-off" | "layout";
      detail: string;
      /** The page as fetched, kept in the run dir: what to reproduce with. */
      pageFile?: string;
      /** Which document of a source of several. */
      document?: string;
    }
  /** Read, but more than half of the models the source covers vanished: held back as a probable layout change. */
  | { stage: "refused"; url: string; detail: string; pageFile?: string };

export interface FailurePlace {
  sourceId: string;
  /** The source's module, e.g. `pipeline/sources/openai.ts`. */
  sourceModule: string;
  /** The page came from `--replay`, not from the vendor: a missing page is a missing file. */
  replaying: boolean;
  /**
   * Replaying from a directory: the saved file the failed document was served from (by the run's own server on
   * 127.0.0.1, gone when the run ends). What is wrong is then that file, and the advice names it.
   */
  replayedFile?: string;
}

/** The source's own words for what went wrong, naming the URL: `fetch failed for https://…: HTTP 429 after 3 attempts`. */
export function describeFailure(failure: SourceFailure): string {
  switch (failure.stage) {
    case "replay":
      return failure.detail;
    case "fetch":
      return `fetch failed for ${failure.url}: ${failure.detail}`;
    case "extract":
      return `${failure.status === "failed" ? "page not read" : "page read only in part"} (${failure.url}): ${failure.detail}`;
    case "refused":
      return `page held back (${failure.url}): ${failure.detail}`;
  }
}

/** What a maintainer does next about one failed source. Pure: the same failure always gives the same advice. */
export function nextStepForSource(failure: SourceFailure, place: FailurePlace): string {
  const rerun = `npm run catalog -- run --only ${place.sourceId}`;
  const module = place.sourceModule;
  const stored = (file: string | undefined) => file ?? `the page stored in the run dir's pages/`;
  const extract = (file: string | undefined) => `npm run -s catalog -- extract ${place.sourceId} --file ${file ?? "<run-dir>/pages/<file>"}`;
  switch (failure.stage) {
    case "replay": {
      const stem = failure.document ? `${place.sourceId}/${failure.document}` : place.sourceId;
      return `put ${stem}.md or ${stem}.html into the replay directory, or leave the source out with --only`;
    }
    case "fetch":
      if (place.replaying && failure.httpStatus === 404) {
        const stem = failure.document ? `${place.sourceId}/${failure.document}` : place.sourceId;
        return `the replayed pages have no ${stem}.md or ${stem}.html: add it, or leave the source out with --only`;
      }
      if (place.replayedFile && failure.kind !== "status") {
        // Served by --replay from a saved file, not by the vendor: the file is what to look at, not a URL.
        const what = failure.kind === "empty" ? "is empty" : failure.kind === "too-large" ? "is larger than CATALOG_FRESHNESS_MAX_BYTES allows" : `could not be served as a page (${failure.detail})`;
        return `${replayed(place.replayedFile)} ${what}; put a saved copy of the vendor's page there (every run keeps one in <run-dir>/pages/), or leave the source out with --only`;
      }
      return nextStepForFetch(failure, rerun, module);
    case "extract":
      if (place.replayedFile && failure.cause !== "layout") {
        const what = {
          "not-a-pricing-page": "is not a price page (a challenge, login or error page was saved)",
          "other-currency": "is a price page in another currency, not the vendor's USD page",
          "home-page": "is the vendor's home page, not its price page",
          empty: "has no text",
          "cut-off": "is cut off (it ends inside a table)",
        }[failure.cause];
        return `${replayed(place.replayedFile)} ${what}; put a saved copy of the vendor's page there (every run keeps one in <run-dir>/pages/), or leave the source out with --only`;
      }
      if (failure.cause === "not-a-pricing-page") {
        return `the vendor served a challenge or login page instead of prices: look at ${stored(failure.pageFile)}; prefer the vendor's markdown endpoint, or fetchWith: "browser" in ${module}; never copy prices from elsewhere`;
      }
      if (failure.cause === "other-currency") {
        return `the vendor served its prices in another currency (a localized page: a redirect by this machine's region or language?): look at ${stored(failure.pageFile)}; point the source's url in ${module} at the USD page (or send Accept-Language: en); never convert the amounts`;
      }
      if (failure.cause === "home-page") {
        return `the vendor served its home page in place of the price page: the page has probably moved; find its new address and update the source's url in ${module} (look at ${stored(failure.pageFile)})`;
      }
      if (failure.cause === "empty") {
        return `the vendor served a page with no text: look at ${stored(failure.pageFile)}; if the prices are drawn by scripts, use fetchWith: "browser" in ${module}; else re-run later (${rerun})`;
      }
      if (failure.cause === "cut-off") {
        return `the page arrived cut off (the transfer ended early): re-run later (${rerun}); if it keeps happening, look at ${stored(failure.pageFile)}`;
      }
      return `the page layout changed: reproduce with ${extract(failure.pageFile)}, then fix ${module} (and add the page to test/fixtures/ with a test)`;
    case "refused":
      return `look at the page (${stored(failure.pageFile)}): if those models were really retired, retire their catalog entries by hand; if the layout changed, reproduce with ${extract(failure.pageFile)} and fix ${module}`;
  }
}

function replayed(file: string): string {
  return `the page was replayed from ${file}, not fetched from the vendor: that file`;
}

function nextStepForFetch(failure: Extract<SourceFailure, { stage: "fetch" }>, rerun: string, module: string): string {
  const status = failure.httpStatus;
  switch (failure.kind) {
    case "retry-after":
      return `the vendor is rate-limiting this machine: re-run later (${rerun})`;
    case "status":
      if (status === 429) return `the vendor is rate-limiting this machine: re-run later (${rerun})`;
      if (status !== undefined && status >= 500) return `a server error at the vendor usually passes: re-run later (${rerun})`;
      if (status === 401 || status === 403) {
        return `the vendor refused the request: open the URL in a browser; if it loads there, this machine is blocked (consider fetchWith: "browser" in ${module}); re-run later (${rerun})`;
      }
      if (status === 404 || status === 410) return `the page is gone or moved: find its new address and update the source's url in ${module}`;
      return `open the URL in a browser to see what the vendor answers; if the page moved, update the source's url in ${module}`;
    case "timeout":
    case "network":
      return `usually transient: re-run later (${rerun}); if it keeps failing, check this machine's network`;
    case "dns":
      return `check the host name and this machine's network (DNS); if the vendor moved the page, update the source's url in ${module}`;
    case "redirect-off-host":
      return `the page moved to another host: if that is the vendor's new address, update the source's url in ${module}`;
    case "redirect-loop":
    case "too-many-redirects":
    case "bad-redirect":
      return `the vendor's redirects are broken: open the URL in a browser; re-run later (${rerun}), or update the source's url in ${module} if the page moved`;
    case "too-large":
      return `open the URL: if the page really grew, raise CATALOG_FRESHNESS_MAX_BYTES (default 5 MiB) and re-run (${rerun})`;
    case "binary":
    case "charset":
    case "empty":
      return `the vendor served something other than the page text: open the URL in a browser, then re-run later (${rerun})`;
    case "bad-url":
      return `fix the URL: the source's url in ${module}, or the --replay argument`;
    case "browser":
      return `the headless browser failed: check that Chromium is installed (or CHROMIUM_PATH), then re-run (${rerun})`;
    case "unknown":
      return `re-run (${rerun}); if it fails the same way, read the source's problems in report.json`;
  }
}

/**
 * What a maintainer does next about a problem of the run itself (publishing: git, the GitHub API). Keyed on
 * `where`, which the publishing code sets from a fixed set of places.
 */
export function nextStepForProblem(problem: Problem): string {
  const { where, message } = problem;
  if (where.startsWith("push to ")) {
    return `check that origin is reachable and the token may push to ${where.slice("push to ".length)} (contents: write); the catalog on disk was left as it was, and the next run tries again`;
  }
  if (where.startsWith("pull request for ")) {
    if (/\b401\b|bad credentials/i.test(message)) return "check GITHUB_TOKEN: GitHub did not accept it; the next run with a valid token publishes the pull request";
    if (/rate limit/i.test(message)) return "GitHub's rate limit was hit: re-run after it resets; the next run finds its existing pull request instead of opening a second one";
    return "check that the token may open pull requests (pull-requests: write) and GitHub's status; the next run finds its existing pull request instead of opening a second one";
  }
  if (where === "publish") {
    // git refused to switch branches over a file changed under the run (an edit, a `catalog add` by hand).
    if (/would be overwritten|untracked working tree files|local changes to the following files/i.test(message)) {
      return "a file in the checkout changed while the run was publishing (edited, or added with `catalog add`, during the run): see `git status`, commit or move it aside, then re-run";
    }
    if (/detached HEAD/i.test(message)) return "check out the base branch (or set GITHUB_REF_NAME to it), then re-run";
    return "check that this is a git checkout with an `origin` remote and that git is installed, then re-run";
  }
  return "fix what the message says, then re-run: npm run catalog -- run";
}

/** One line per failed source: what happened (with the URL), then the next step. */
export function sourceErrorLine(sourceId: string, failure: SourceFailure, next: string): string {
  return `${sourceId}: ${sentence(describeFailure(failure))} Next: ${sentence(next)} Nothing from this source was applied.`;
}

/** One line per problem of the run itself: where, what, and the next step. */
export function problemErrorLine(problem: Problem, next: string = nextStepForProblem(problem)): string {
  return `${problem.where}: ${sentence(problem.message)} Next: ${sentence(next)}`;
}

/** Vendor and library messages may or may not end with a period; ours do, once. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * The catalog ids nearest to a mistyped one, nearest first (at most `limit`): by edit distance to the whole id or
 * to the part after the vendor (for `gpt-4o` without `openai/`), then by the longest shared start. Far-off ids are
 * left out: a suggestion must look like what was meant.
 */
export function nearestIds(wanted: string, ids: Iterable<string>, limit = 3): string[] {
  const w = wanted.toLowerCase();
  const scored = [...ids].map((id) => {
    const lower = id.toLowerCase();
    const bare = lower.slice(lower.indexOf("/") + 1);
    const distance = Math.min(editDistance(w, lower), editDistance(w, bare));
    const prefix = Math.max(sharedStart(w, lower), sharedStart(w, bare));
    return { id, distance, prefix };
  });
  const near = scored.filter((c) => c.distance <= Math.max(2, Math.floor(w.length / 3)) || c.prefix >= Math.max(4, w.length - 2));
  near.sort((a, b) => a.distance - b.distance || b.prefix - a.prefix || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return near.slice(0, limit).map((c) => c.id);
}

function sharedStart(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Levenshtein distance (insert, delete, substitute, each 1). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
