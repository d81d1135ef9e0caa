import { z } from "zod";
import { SourceDiff } from "./diff.ts";
import { ModelEvidence } from "./evidence.ts";
import { FetchedPage } from "./fetched-page.ts";
import { IsoDate } from "./model-entry.ts";
import { AmountAccounting, Problem } from "./observation.ts";

export const PullRequestAction = z.enum([
  "created",
  "updated",
  "unchanged",
  "closed",
  "kept-closed",
  "would-create",
  "would-update",
  "would-close",
  "local-only",
]);

/** The fetched page as the report shows it: the fetch record without the fetch mechanics (other keys stripped). */
export const ReportedPage = z.object(
  FetchedPage.pick({
    document: true,
    url: true,
    finalUrl: true,
    fetchedAt: true,
    status: true,
    bytes: true,
    sha256: true,
    file: true,
    screenshot: true,
    replayed: true,
  }).shape,
);

/** What happened to one source in one run: the JSON report the nightly job uploads. */
export const SourceReport = z.strictObject({
  source: z.string(),
  url: z.string(),
  /** ok: read, diffed and (if needed) published; failed/partial: nothing from this source was applied. */
  status: z.enum(["ok", "partial", "failed"]),
  /** One line a maintainer reads first when the status is not ok. */
  reason: z.string().optional(),
  /** What to do about it (set with `reason`): the same text the terminal and the job summary show. */
  nextStep: z.string().optional(),
  /** The page the source starts from (its only one, for a one-page source). */
  page: ReportedPage.optional(),
  /** For a source of several documents: every document this run fetched, in the order they were read. */
  documents: z.array(ReportedPage).optional(),
  counts: z.strictObject({
    observations: z.number(),
    covered: z.number(),
    verified: z.number(),
    /** Entries with a price whose value changed. */
    changed: z.number(),
    incomplete: z.number(),
    missing: z.number(),
    untracked: z.number(),
    /** Entries priced in a new shape (keys retired, others in their place). */
    reshaped: z.number(),
    /** New keys proposed, retired keys proposed, and scheduled prices announced, withdrawn or lapsed. */
    added: z.number(),
    retired: z.number(),
    scheduled: z.number(),
    /** Multipliers proposed, changed or no longer stated. */
    multipliers: z.number(),
  }),
  problems: z.array(Problem),
  /** Per document read: the dollar amounts it states, how many were read, passed over (by which rule) or left unread. */
  accounting: z.array(AmountAccounting).optional(),
  diff: SourceDiff.optional(),
  /** Screenshots and charts saved under the run directory for the changed models of this source. */
  evidence: z.array(ModelEvidence).optional(),
  pullRequest: z
    .strictObject({
      action: PullRequestAction,
      number: z.number().optional(),
      url: z.string().optional(),
      branch: z.string(),
      labels: z.array(z.string()),
    })
    .optional(),
  timings: z.strictObject({ fetchMs: z.number(), extractMs: z.number(), totalMs: z.number() }),
});
export type SourceReport = z.infer<typeof SourceReport>;

export const RunReport = z.strictObject({
  runDate: IsoDate,
  startedAt: z.string(),
  finishedAt: z.string(),
  dryRun: z.boolean(),
  only: z.array(z.string()),
  sources: z.array(SourceReport),
  verification: z
    .strictObject({
      entries: z.array(z.string()),
      commit: z.string().optional(),
      pushedTo: z.string().optional(),
      pullRequest: z.string().optional(),
    })
    .optional(),
  /** Failures of the run itself (git, GitHub API, lock), apart from any one source. */
  problems: z.array(Problem),
  exitCode: z.number(),
});
export type RunReport = z.infer<typeof RunReport>;
