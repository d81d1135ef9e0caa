import type { RunReport } from "../../schemas/run-report.ts";
import { nextStepForProblem } from "../run/next-step.ts";
import { escapeMarkdown } from "./markdown.ts";
import type { ForgeIssues } from "./platform.ts";

/**
 * A night that fails is announced in ONE rolling issue, never a stream of them:
 *
 * - a night with a source that did not read (failed or partial) or a run problem (git, the API) opens the issue,
 *   or updates the one that is open: its body lists the failing sources with their reason, their "Next:" line,
 *   how many nights in a row each has failed, and the run's link;
 * - a comment is added only when the set of failing sources changes (or one reaches `NIGHTS_TO_ESCALATE`), so
 *   watchers hear of news, not of every repeat;
 * - the first night every source reads again closes it with a comment.
 *
 * The nights each source has failed are kept in the body itself (a hidden marker), so nothing else is stored.
 */

export const FAILURE_LABEL = "catalog-freshness-failing";
/** A source failing this many nights in a row is named in the title: it is no longer a passing hiccup. */
export const NIGHTS_TO_ESCALATE = 3;

/** How long each failing source has failed: the first night of the streak and how many nights it counts. */
export type Streaks = Record<string, { since: string; nights: number }>;

const MARKER = /<!-- catalog-freshness failing-nights (\{.*?\}) -->/;

export function streaksIn(body: string): Streaks {
  const m = MARKER.exec(body);
  if (!m) return {};
  try {
    return JSON.parse(m[1]!) as Streaks;
  } catch {
    return {};
  }
}

/** What failed this night: each source that did not read (with its reason and next step), and run problems. */
export interface NightFailures {
  runDate: string;
  sources: { source: string; status: string; reason: string; nextStep?: string }[];
  problems: { where: string; message: string; nextStep: string }[];
}

export function failuresOf(report: RunReport): NightFailures {
  return {
    runDate: report.runDate,
    sources: report.sources
      .filter((s) => s.status !== "ok")
      .map((s) => ({ source: s.source, status: s.status, reason: s.reason ?? "no reason given", ...(s.nextStep ? { nextStep: s.nextStep } : {}) })),
    problems: report.problems.map((p) => ({ where: p.where, message: p.message, nextStep: nextStepForProblem(p) })),
  };
}

/** Pure: the streaks after this night, from the ones the open issue kept. A night already counted is not counted twice. */
export function nextStreaks(previous: Streaks, night: NightFailures): Streaks {
  const next: Streaks = {};
  for (const s of night.sources) {
    const before = previous[s.source];
    next[s.source] = before ? { since: before.since, nights: before.nights + (night.runDate > lastNightOf(before) ? 1 : 0) } : { since: night.runDate, nights: 1 };
  }
  return next;
}

function lastNightOf(streak: { since: string; nights: number }): string {
  const d = new Date(`${streak.since}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + streak.nights - 1);
  return d.toISOString().slice(0, 10);
}

/** Pure: the rolling issue's title and body for this night. */
export function renderFailureIssue(night: NightFailures, streaks: Streaks, runUrl: string | undefined): { title: string; body: string } {
  const longest = Object.entries(streaks).sort((a, b) => b[1].nights - a[1].nights)[0];
  const escalated = longest && longest[1].nights >= NIGHTS_TO_ESCALATE ? ` (${longest[0]} for ${longest[1].nights} nights)` : "";
  const what = [
    ...(night.sources.length > 0 ? [`${night.sources.length} source(s) not read`] : []),
    ...(night.problems.length > 0 ? [`${night.problems.length} run problem(s)`] : []),
  ].join(", ");
  const title = `Nightly catalog check failing: ${what}${escalated}`;
  const lines = [
    `<!-- catalog-freshness failing-nights ${JSON.stringify(streaks)} -->`,
    `The nightly catalog check of **${night.runDate}** did not succeed. Nothing from a failing source was applied: its entries keep their prices and their \`lastVerified\` ages until it reads again.`,
    "",
    ...(runUrl ? [`Run: ${runUrl}`, ""] : []),
  ];
  if (night.sources.length > 0) {
    lines.push("| Source | Status | Failing since | Nights |", "| --- | --- | --- | ---: |");
    for (const s of night.sources) {
      const streak = streaks[s.source]!;
      lines.push(`| \`${s.source}\` | ${s.status} | ${streak.since} | ${streak.nights}${streak.nights >= NIGHTS_TO_ESCALATE ? " ⚠️" : ""} |`);
    }
    lines.push("");
    for (const s of night.sources) {
      lines.push(`- **${s.source}**: ${escapeMarkdown(s.reason)}`);
      if (s.nextStep) lines.push(`  Next: ${escapeMarkdown(s.nextStep)}`);
    }
    lines.push("");
  }
  for (const p of night.problems) lines.push(`- **${escapeMarkdown(p.where)}**: ${escapeMarkdown(p.message)}`, `  Next: ${escapeMarkdown(p.nextStep)}`);
  if (night.problems.length > 0) lines.push("");
  lines.push("This issue is updated every night while something fails and closed the first night every source reads again.");
  return { title, body: `${lines.join("\n")}\n` };
}

export type Announcement =
  | { action: "opened" | "updated"; number: number; url: string }
  | { action: "closed"; number: number; url: string }
  | { action: "none" };

/**
 * I/O: open, update or close the rolling issue for this night's report. A comment goes to the issue when the
 * failing set changes or a source reaches NIGHTS_TO_ESCALATE nights, and when it is closed.
 */
export async function announceNight(forge: ForgeIssues, report: RunReport, runUrl: string | undefined): Promise<Announcement> {
  const night = failuresOf(report);
  const open = (await forge.findOpenIssues(FAILURE_LABEL))[0];
  const failing = night.sources.length > 0 || night.problems.length > 0;
  if (!failing) {
    if (!open) return { action: "none" };
    await forge.commentOnIssue(open.number, `Night ${night.runDate}: every source reads again${runUrl ? ` (${runUrl})` : ""}. Closing.`);
    await forge.closeIssue(open.number);
    return { action: "closed", number: open.number, url: open.url };
  }
  const previous = open ? streaksIn(open.body) : {};
  const streaks = nextStreaks(previous, night);
  const { title, body } = renderFailureIssue(night, streaks, runUrl);
  if (!open) {
    const created = await forge.createIssue({ title, body, labels: [FAILURE_LABEL] });
    return { action: "opened", number: created.number, url: created.url };
  }
  await forge.updateIssue(open.number, { title, body });
  const before = Object.keys(previous).sort().join(",");
  const now = Object.keys(streaks).sort().join(",");
  const escalated = Object.entries(streaks).filter(([s, k]) => k.nights === NIGHTS_TO_ESCALATE && previous[s]?.nights !== NIGHTS_TO_ESCALATE);
  if (before !== now || escalated.length > 0) {
    const news = [
      ...Object.keys(streaks).filter((s) => !(s in previous)).map((s) => `\`${s}\` started failing`),
      ...Object.keys(previous).filter((s) => !(s in streaks)).map((s) => `\`${s}\` reads again`),
      ...escalated.map(([s]) => `\`${s}\` has failed ${NIGHTS_TO_ESCALATE} nights in a row`),
    ];
    await forge.commentOnIssue(open.number, `Night ${night.runDate}: ${news.join("; ") || "the failing sources changed"}.${runUrl ? ` Run: ${runUrl}` : ""}`);
  }
  return { action: "updated", number: open.number, url: open.url };
}
