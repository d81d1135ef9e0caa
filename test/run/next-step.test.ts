import { describe, expect, it } from "vitest";
import { nearestIds, nextStepForProblem, nextStepForSource, problemErrorLine, type SourceFailure, sourceErrorLine } from "../../pipeline/run/next-step.ts";

const URL = "https://developers.openai.com/api/docs/pricing.md";
const PLACE = { sourceId: "openai-pricing", sourceModule: "pipeline/sources/openai.ts", replaying: false };
const RERUN = "npm run catalog -- run --only openai-pricing";
const PAGE = "/runs/2026-08-15/pages/openai-pricing.md";

const fetchFailure = (kind: Extract<SourceFailure, { stage: "fetch" }>["kind"], httpStatus?: number): SourceFailure => ({
  stage: "fetch",
  url: URL,
  kind,
  ...(httpStatus !== undefined ? { httpStatus } : {}),
  detail: httpStatus ? `HTTP ${httpStatus} after 3 attempts` : "something",
});

describe("nextStepForSource: what a maintainer does about a failed source", () => {
  it.each([
    ["429 (rate limited)", fetchFailure("status", 429), /rate-limiting.*re-run later \(npm run catalog -- run --only openai-pricing\)/],
    ["a Retry-After longer than allowed", fetchFailure("retry-after", 503), /rate-limiting.*re-run later/],
    ["a 5xx", fetchFailure("status", 503), /server error at the vendor usually passes: re-run later/],
    ["a timeout", fetchFailure("timeout"), /usually transient: re-run later/],
    ["a reset connection", fetchFailure("network"), /usually transient: re-run later/],
    ["403 (blocked)", fetchFailure("status", 403), /refused the request.*fetchWith: "browser" in pipeline\/sources\/openai\.ts/],
    ["404 (gone)", fetchFailure("status", 404), /gone or moved.*update the source's url in pipeline\/sources\/openai\.ts/],
    ["another 4xx", fetchFailure("status", 418), /open the URL in a browser/],
    ["DNS", fetchFailure("dns"), /host name and this machine's network \(DNS\)/],
    ["a redirect to another host", fetchFailure("redirect-off-host"), /moved to another host.*update the source's url/],
    ["a redirect loop", fetchFailure("redirect-loop"), /redirects are broken/],
    ["too large", fetchFailure("too-large"), /raise CATALOG_FRESHNESS_MAX_BYTES/],
    ["binary", fetchFailure("binary"), /something other than the page text/],
    ["an unknown charset", fetchFailure("charset"), /something other than the page text/],
    ["an empty body", fetchFailure("empty"), /something other than the page text/],
    ["a bad URL", fetchFailure("bad-url"), /fix the URL.*--replay argument/],
    ["the browser", fetchFailure("browser"), /Chromium.*CHROMIUM_PATH/],
    ["an error the fetch layer does not classify", fetchFailure("unknown"), /re-run \(npm run catalog -- run --only openai-pricing\).*report\.json/],
  ])("fetch failed, %s", (_name, failure, expected) => {
    expect(nextStepForSource(failure, PLACE)).toMatch(expected);
  });

  it("a 404 while replaying is a missing file, not a moved page", () => {
    const step = nextStepForSource(fetchFailure("status", 404), { ...PLACE, replaying: true });
    expect(step).toBe("the replayed pages have no openai-pricing.md or openai-pricing.html: add it, or leave the source out with --only");
  });

  it("no page to replay", () => {
    expect(nextStepForSource({ stage: "replay", detail: "no page to replay for openai-pricing" }, PLACE)).toMatch(/put openai-pricing\.md or openai-pricing\.html into the replay directory/);
  });

  it("a layout change: reproduce with extract on the stored page, then fix the source module", () => {
    const step = nextStepForSource({ stage: "extract", url: URL, status: "failed", cause: "layout", detail: "no table", pageFile: PAGE }, PLACE);
    expect(step).toContain(`npm run -s catalog -- extract openai-pricing --file ${PAGE}`);
    expect(step).toContain("then fix pipeline/sources/openai.ts");
  });

  it("a page read only in part is a layout change too", () => {
    const step = nextStepForSource({ stage: "extract", url: URL, status: "partial", cause: "layout", detail: "x", pageFile: PAGE }, PLACE);
    expect(step).toMatch(/layout changed.*extract openai-pricing --file/);
  });

  it("a challenge or login page: look at the stored page, never copy prices", () => {
    const step = nextStepForSource({ stage: "extract", url: URL, status: "failed", cause: "not-a-pricing-page", detail: "x", pageFile: PAGE }, PLACE);
    expect(step).toContain(`look at ${PAGE}`);
    expect(step).toMatch(/markdown endpoint.*fetchWith: "browser".*never copy prices/);
  });

  it("a page cut off in transfer: re-run, it is not a layout change", () => {
    const step = nextStepForSource({ stage: "extract", url: URL, status: "failed", cause: "cut-off", detail: "x", pageFile: PAGE }, PLACE);
    expect(step).toContain(`re-run later (${RERUN})`);
    expect(step).not.toMatch(/layout/);
  });

  it("a page that lost more than half its models: check it by hand before retiring anything", () => {
    const step = nextStepForSource({ stage: "refused", url: URL, detail: "the page lists only 1 of the 4", pageFile: PAGE }, PLACE);
    expect(step).toMatch(/look at the page \(\/runs\/2026-08-15\/pages\/openai-pricing\.md\).*retire their catalog entries by hand.*fix pipeline\/sources\/openai\.ts/);
  });
});

describe("nextStepForSource: advice that fits what the page was", () => {
  const extractFailure = (cause: Extract<SourceFailure, { stage: "extract" }>["cause"]): SourceFailure => ({ stage: "extract", url: URL, status: "failed", cause, detail: "x", pageFile: PAGE });
  const REPLAYED = "/work/pages/openai-pricing.md";
  const replaying = { ...PLACE, replaying: true, replayedFile: REPLAYED };

  it("a page in another currency is a localized page, not a challenge or login page", () => {
    const step = nextStepForSource(extractFailure("other-currency"), PLACE);
    expect(step).toMatch(/another currency.*look at \/runs\/2026-08-15\/pages\/openai-pricing\.md.*USD page.*never convert/);
    expect(step).not.toMatch(/challenge|login/);
  });

  it("the vendor's home page in place of the price page: the page moved", () => {
    expect(nextStepForSource(extractFailure("home-page"), PLACE)).toMatch(/home page.*moved.*update the source's url in pipeline\/sources\/openai\.ts/);
  });

  it.each([
    ["empty", fetchFailure("empty"), "that file is empty"],
    ["binary", fetchFailure("binary"), "that file could not be served as a page"],
    ["too large", fetchFailure("too-large"), "that file is larger than CATALOG_FRESHNESS_MAX_BYTES allows"],
    ["a challenge page saved", extractFailure("not-a-pricing-page"), "that file is not a price page"],
    ["a page in another currency saved", extractFailure("other-currency"), "that file is a price page in another currency"],
    ["a page cut off when saved", extractFailure("cut-off"), "that file is cut off"],
  ])("a page replayed from a file (%s): names the file, not a URL to open in a browser", (_name, failure, says) => {
    const step = nextStepForSource(failure, replaying);
    expect(step).toContain(`the page was replayed from ${REPLAYED}, not fetched from the vendor: ${says}`);
    expect(step).not.toMatch(/browser|the vendor served|re-run later/);
  });

  it("replayed from a URL (a server standing in for the vendor), the vendor's advice holds", () => {
    expect(nextStepForSource(fetchFailure("status", 503), { ...PLACE, replaying: true })).toMatch(/server error at the vendor usually passes/);
    expect(nextStepForSource(extractFailure("not-a-pricing-page"), { ...PLACE, replaying: true })).toMatch(/challenge or login page/);
  });

  it("a layout change replayed from a file is still a layout change: reproduce with extract", () => {
    expect(nextStepForSource(extractFailure("layout"), replaying)).toContain(`extract openai-pricing --file ${PAGE}`);
  });
});

describe("nearestIds: what a mistyped model id probably meant", () => {
  const IDS = ["openai/gpt-4o", "openai/gpt-4o-mini", "openai/gpt-4.1", "openai/gpt-5.1", "anthropic/claude-sonnet-4-5", "deepseek/deepseek-chat", "mistral/pixtral-12b"];
  it.each([
    ["a typo", "openai/gpt-4oo", "openai/gpt-4o"],
    ["no vendor", "gpt-4o", "openai/gpt-4o"],
    ["another case", "OpenAI/GPT-4o-Mini", "openai/gpt-4o-mini"],
    ["a shared start", "anthropic/claude-sonnet", "anthropic/claude-sonnet-4-5"],
  ])("%s: %s → %s first", (_name, wanted, first) => {
    expect(nearestIds(wanted, IDS)[0]).toBe(first);
    expect(nearestIds(wanted, IDS).length).toBeLessThanOrEqual(3);
  });

  it("offers nothing far off", () => {
    expect(nearestIds("google/gemini-9-ultra", IDS)).toEqual([]);
  });
});

describe("the error line of a failed source", () => {
  it("names the source, the URL, what happened and the next step, on one line", () => {
    const failure = fetchFailure("status", 429);
    const line = sourceErrorLine("openai-pricing", failure, nextStepForSource(failure, PLACE));
    expect(line).toBe(
      `openai-pricing: fetch failed for ${URL}: HTTP 429 after 3 attempts. Next: the vendor is rate-limiting this machine: re-run later (${RERUN}). Nothing from this source was applied.`,
    );
  });

  it("names the page's URL when the page came but could not be read", () => {
    const failure: SourceFailure = { stage: "extract", url: URL, status: "partial", cause: "layout", detail: 'no "Batch processing" heading on the page (at heading "Batch processing")' };
    expect(sourceErrorLine("openai-pricing", failure, "x")).toMatch(new RegExp(`^openai-pricing: page read only in part \\(${URL.replace(/\./g, "\\.")}\\): no "Batch processing" heading`));
  });
});

describe("nextStepForProblem: problems of the run itself", () => {
  it.each([
    [{ where: "push to main", message: "fatal: '/nonexistent' does not appear to be a git repository" }, /origin is reachable and the token may push to main/],
    [{ where: "pull request for openai-pricing", message: "HTTP 401: Bad credentials" }, /check GITHUB_TOKEN/],
    [{ where: "pull request for openai-pricing", message: "HTTP 403: API rate limit exceeded" }, /rate limit was hit: re-run after it resets/],
    [{ where: "pull request for openai-pricing", message: "HTTP 422: Validation Failed" }, /pull-requests: write.*finds its existing pull request/],
    [{ where: "publish", message: "not a git repository" }, /git checkout with an `origin` remote/],
    // A file changed under the run (an edit, or an add by hand that did not wait for the run): not a git set-up problem.
    [{ where: "publish", message: "error: The following untracked working tree files would be overwritten by checkout:\n\tcatalog/openai/gpt-x.json" }, /changed while the run was publishing.*git status/],
    [{ where: "publish", message: "the checkout is on a detached HEAD and GITHUB_REF_NAME is not set: cannot tell the base branch" }, /check out the base branch \(or set GITHUB_REF_NAME/],
    [{ where: "/work/catalog", message: "the catalog has uncommitted changes (a.json): commit or discard them first" }, /fix what the message says/],
  ])("%o", (problem, expected) => {
    expect(nextStepForProblem(problem)).toMatch(expected);
  });

  it("its error line says where, what and next, ending each sentence once", () => {
    expect(problemErrorLine({ where: "push to main", message: "remote unreachable." })).toBe(
      "push to main: remote unreachable. Next: check that origin is reachable and the token may push to main (contents: write); the catalog on disk was left as it was, and the next run tries again.",
    );
  });
});
