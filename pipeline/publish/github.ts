import { Octokit } from "@octokit/rest";
import { type ForgeIssues, type ForgePlatform, type Issue, type PullRequest, PullRequestExists } from "./platform.ts";

export interface GitHubSettings {
  token: string;
  owner: string;
  repo: string;
  apiUrl: string;
  /** The web host (GITHUB_SERVER_URL): where files are served raw for a PR body's images. */
  webUrl?: string;
}

/**
 * The GitHub Actions variables: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/repo), GITHUB_API_URL.
 * Returns the reason when something is missing, so the run can say so once and stay local.
 */
export function gitHubSettingsFromEnv(env: NodeJS.ProcessEnv): GitHubSettings | { missing: string } {
  const token = env.GITHUB_TOKEN ?? env.GH_TOKEN;
  if (!token) return { missing: "GITHUB_TOKEN is not set" };
  const [owner, repo, ...rest] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!owner || !repo || rest.length > 0) return { missing: "GITHUB_REPOSITORY is not set to owner/repo" };
  return {
    token,
    owner,
    repo,
    apiUrl: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, ""),
    webUrl: (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/+$/, ""),
  };
}

export class GitHubPlatform implements ForgePlatform, ForgeIssues {
  private readonly octokit: Octokit;

  constructor(private readonly settings: GitHubSettings) {
    this.octokit = new Octokit({
      auth: settings.token,
      baseUrl: settings.apiUrl,
      userAgent: "catalog-freshness",
      // Octokit logs warnings (e.g. deprecations) to the console by default; keep stdout for the report.
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      request: { retries: 0 },
    });
  }

  private get repo() {
    return { owner: this.settings.owner, repo: this.settings.repo };
  }

  async findPullRequests(branch: string, state: "open" | "closed"): Promise<PullRequest[]> {
    const { data } = await call(`listing ${state} pull requests for ${branch}`, () =>
      this.octokit.rest.pulls.list({
        ...this.repo,
        state,
        head: `${this.settings.owner}:${branch}`,
        per_page: 100,
      }),
    );
    return data.filter((pr) => pr.head.ref === branch).map(toPullRequest);
  }

  async createPullRequest(pr: { branch: string; base: string; title: string; body: string }): Promise<PullRequest> {
    const { data } = await call(`creating the pull request ${pr.branch} → ${pr.base}`, () =>
      this.octokit.rest.pulls.create({
        ...this.repo,
        head: pr.branch,
        base: pr.base,
        title: pr.title,
        body: pr.body,
        maintainer_can_modify: true,
      }),
    );
    return toPullRequest(data);
  }

  async updatePullRequest(number: number, pr: { title: string; body: string }): Promise<void> {
    await call(`updating pull request #${number}`, () => this.octokit.rest.pulls.update({ ...this.repo, pull_number: number, title: pr.title, body: pr.body }));
  }

  async setLabels(number: number, labels: string[]): Promise<void> {
    await call(`labelling pull request #${number}`, () => this.octokit.rest.issues.setLabels({ ...this.repo, issue_number: number, labels }));
  }

  async closePullRequest(number: number, comment: string): Promise<void> {
    await call(`commenting on pull request #${number}`, () => this.octokit.rest.issues.createComment({ ...this.repo, issue_number: number, body: comment }));
    await call(`closing pull request #${number}`, () => this.octokit.rest.pulls.update({ ...this.repo, pull_number: number, state: "closed" }));
  }

  rawFileUrl(commit: string, file: string): string {
    const web = this.settings.webUrl ?? "https://github.com";
    return `${web}/${this.settings.owner}/${this.settings.repo}/raw/${commit}/${file.split("/").map(encodeURIComponent).join("/")}`;
  }

  async findOpenIssues(label: string): Promise<Issue[]> {
    const { data } = await call(`listing open issues labelled ${label}`, () =>
      this.octokit.rest.issues.listForRepo({ ...this.repo, state: "open", labels: label, per_page: 100 }),
    );
    // GitHub lists pull requests as issues too.
    return data.filter((i) => !("pull_request" in i && i.pull_request)).map(toIssue).sort((a, b) => b.number - a.number);
  }

  async createIssue(issue: { title: string; body: string; labels: string[] }): Promise<Issue> {
    const { data } = await call("opening the failure issue", () => this.octokit.rest.issues.create({ ...this.repo, ...issue }));
    return toIssue(data);
  }

  async updateIssue(number: number, issue: { title: string; body: string }): Promise<void> {
    await call(`updating issue #${number}`, () => this.octokit.rest.issues.update({ ...this.repo, issue_number: number, ...issue }));
  }

  async commentOnIssue(number: number, body: string): Promise<void> {
    await call(`commenting on issue #${number}`, () => this.octokit.rest.issues.createComment({ ...this.repo, issue_number: number, body }));
  }

  async closeIssue(number: number): Promise<void> {
    await call(`closing issue #${number}`, () =>
      this.octokit.rest.issues.update({ ...this.repo, issue_number: number, state: "closed", state_reason: "completed" }),
    );
  }
}

function toIssue(issue: { number: number; html_url: string; title: string; body?: string | null }): Issue {
  return { number: issue.number, url: issue.html_url, title: issue.title, body: issue.body ?? "" };
}

/**
 * Octokit's errors read "Bad credentials - https://docs.github.com/rest": no status, no call. Say both,
 * and when the rate limit is spent, when it resets. (The token is never in these messages.)
 */
async function call<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    const status = (err as { status?: unknown }).status;
    if (typeof status !== "number") throw err;
    if (status === 422 && /already exists/i.test((err as Error).message)) throw new PullRequestExists((err as Error).message);
    const headers = (err as { response?: { headers?: Record<string, unknown> } }).response?.headers ?? {};
    const reset =
      String(headers["x-ratelimit-remaining"]) === "0" && headers["x-ratelimit-reset"] !== undefined
        ? ` (rate limit exhausted; it resets at ${new Date(Number(headers["x-ratelimit-reset"]) * 1000).toISOString()})`
        : "";
    throw new Error(`GitHub API: ${what} failed: HTTP ${status}: ${(err as Error).message}${reset}`, { cause: err });
  }
}

interface ApiPull {
  number: number;
  html_url: string;
  state: string;
  merged_at?: string | null;
  title: string;
  body: string | null;
  labels: ({ name?: string } | string)[];
}

function toPullRequest(pr: ApiPull): PullRequest {
  return {
    number: pr.number,
    url: pr.html_url,
    state: pr.state === "open" ? "open" : "closed",
    merged: !!pr.merged_at,
    title: pr.title,
    body: pr.body ?? "",
    labels: pr.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter(Boolean),
  };
}
