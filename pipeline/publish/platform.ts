/**
 * The forge behind one interface (as Renovate does), so the branch/PR logic reads the same whatever
 * hosts the repository. GitHub is the one implementation (github.ts); tests run it against a local server.
 */
export interface PullRequest {
  number: number;
  url: string;
  state: "open" | "closed";
  merged: boolean;
  title: string;
  body: string;
  labels: string[];
}

export interface ForgePlatform {
  /** PRs whose head is `branch`, newest first. */
  findPullRequests(branch: string, state: "open" | "closed"): Promise<PullRequest[]>;
  createPullRequest(pr: { branch: string; base: string; title: string; body: string }): Promise<PullRequest>;
  updatePullRequest(number: number, pr: { title: string; body: string }): Promise<void>;
  setLabels(number: number, labels: string[]): Promise<void>;
  closePullRequest(number: number, comment: string): Promise<void>;
  /** Where a file of a commit is served raw (an image a PR body shows inline); absent when the forge has no such URL. */
  rawFileUrl?(commit: string, path: string): string;
}

/** A plain issue (not a pull request), as the rolling failure issue needs it. */
export interface Issue {
  number: number;
  url: string;
  title: string;
  body: string;
}

/** The issue side of the forge: one rolling issue that announces failing nights. */
export interface ForgeIssues {
  /** Open issues carrying `label`, newest first. */
  findOpenIssues(label: string): Promise<Issue[]>;
  createIssue(issue: { title: string; body: string; labels: string[] }): Promise<Issue>;
  updateIssue(number: number, issue: { title: string; body: string }): Promise<void>;
  commentOnIssue(number: number, body: string): Promise<void>;
  closeIssue(number: number): Promise<void>;
}

/** Another PR for this branch is already open (a concurrent run opened it between our lookup and create). */
export class PullRequestExists extends Error {}
