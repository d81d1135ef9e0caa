import { readFile } from "node:fs/promises";
import path from "node:path";
import { RunReport } from "../../schemas/run-report.ts";
import { redactor, runUrlOf } from "../run/run.ts";
import { announceNight } from "./failure-issue.ts";
import { GitHubPlatform, gitHubSettingsFromEnv } from "./github.ts";

export interface AnnounceFlags {
  runDir: string;
}

/**
 * `catalog announce --run-dir DIR`: after a nightly run, open, update or close the rolling failure issue from
 * the run's report.json. Exit 0 when the issue is as it should be, 1 when the API refused, 2 on bad input.
 */
export async function announceCommand(flags: AnnounceFlags, io: { out: (line: string) => void; err: (line: string) => void; env: NodeJS.ProcessEnv }): Promise<number> {
  const reportPath = path.join(flags.runDir, "report.json");
  const text = await readFile(reportPath, "utf8").catch(() => undefined);
  if (text === undefined) {
    io.err(`announce: no report at ${reportPath}: give --run-dir the directory a run wrote (it holds report.json)`);
    return 2;
  }
  let report: RunReport;
  try {
    report = RunReport.parse(JSON.parse(text));
  } catch {
    io.err(`announce: ${reportPath} is not a run report this version can read`);
    return 2;
  }
  const settings = gitHubSettingsFromEnv(io.env);
  if ("missing" in settings) {
    io.err(`announce: ${settings.missing}: the failure issue lives on GitHub (set GITHUB_TOKEN and GITHUB_REPOSITORY)`);
    return 2;
  }
  const redact = redactor(io.env);
  try {
    const done = await announceNight(new GitHubPlatform(settings), report, runUrlOf(io.env));
    io.out(done.action === "none" ? "announce: every source read; no failure issue is open" : `announce: failure issue #${done.number} ${done.action}: ${done.url}`);
    return 0;
  } catch (err) {
    io.err(`announce: ${redact((err as Error).message)}`);
    return 1;
  }
}
