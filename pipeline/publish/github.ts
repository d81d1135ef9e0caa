import { Octokit } from "@octokit/rest";
import { type ForgePlatform, type PullRequest, PullRequestExists } from "./platform.ts";

export interface GitHubSettings {
  token: string;
  owner: string;
  repo: string;
  apiUrl: string;
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
  return { token, owner, repo, apiUrl: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, "") };
}

export class GitHubPlatform implements ForgePlatform {
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
    const { data } = await this.octokit.rest.pulls.list({
      ...this.repo,
      state,
      head: `${this.settings.owner}:${branch}`,
      per_page: 100,
    });
    return data.filter((pr) => pr.head.ref === branch).map(toPullRequest);
  }

  async createPullRequest(pr: { branch: string; base: string; title: string; body: string }): Promise<PullRequest> {
    try {
      const { data } = await this.octokit.rest.pulls.create({
        ...this.repo,
        head: pr.branch,
        base: pr.base,
        title: pr.title,
        body: pr.body,
        maintainer_can_modify: true,
      });
      return toPullRequest(data);
    } catch (err) {
      const e = err as { status?: number; message?: string };
      if (e.status === 422 && /already exists/i.test(e.message ?? "")) throw new PullRequestExists(e.message);
      throw err;
    }
  }

  async updatePullRequest(number: number, pr: { title: string; body: string }): Promise<void> {
    await this.octokit.rest.pulls.update({ ...this.repo, pull_number: number, title: pr.title, body: pr.body });
  }

  async setLabels(number: number, labels: string[]): Promise<void> {
    await this.octokit.rest.issues.setLabels({ ...this.repo, issue_number: number, labels });
  }

  async closePullRequest(number: number, comment: string): Promise<void> {
    await this.octokit.rest.issues.createComment({ ...this.repo, issue_number: number, body: comment });
    await this.octokit.rest.pulls.update({ ...this.repo, pull_number: number, state: "closed" });
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
