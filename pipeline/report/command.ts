import { isIsoDay, todayUtc } from "../apply/dates.ts";
import { formatProblem } from "../catalog/load.ts";
import { loadCatalog } from "../catalog/validate.ts";
import { SOURCES } from "../sources/index.ts";
import { isReportFormat, REPORT_FORMATS, renderReport } from "./render.ts";
import { freshnessReport } from "./staleness.ts";

export interface ReportFlags {
  staleAfter: string;
  format: string;
  date?: string;
  catalog: string;
}

/**
 * `catalog report`: prints the stale entries and returns the exit code. Staleness alone is not a failure
 * (0): the nightly job shows it and goes on. 2: a bad flag; 1: the catalog itself is invalid.
 */
export async function reportCommand(flags: ReportFlags, io: { out: (text: string) => void; err: (line: string) => void }): Promise<number> {
  if (!/^\d+$/.test(flags.staleAfter)) {
    io.err(`--stale-after must be a whole number of days, 0 or more, not "${flags.staleAfter}"`);
    return 2;
  }
  const format = flags.format;
  if (!isReportFormat(format)) {
    io.err(`--format must be one of ${REPORT_FORMATS.join(", ")}, not "${flags.format}"`);
    return 2;
  }
  const asOf = flags.date ?? todayUtc();
  if (!isIsoDay(asOf)) {
    io.err(`--date must be a real day written YYYY-MM-DD, not "${asOf}"`);
    return 2;
  }
  const catalog = await loadCatalog(flags.catalog);
  if (catalog.problems.length > 0) {
    for (const p of catalog.problems) io.err(formatProblem(p));
    io.err(`${catalog.problems.length} problem(s) in ${flags.catalog}: fix them (see: npm run catalog -- validate), then report`);
    return 1;
  }
  const report = freshnessReport(
    [...catalog.entries.values()].map(({ entry }) => entry),
    { asOf, staleAfterDays: Number(flags.staleAfter), sourceIds: new Set(SOURCES.map((s) => s.id)) },
  );
  io.out(renderReport(report, format));
  return 0;
}
