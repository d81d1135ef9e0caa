import type { Problem } from "../../schemas/observation.ts";
import type { SourceReport } from "../../schemas/run-report.ts";
import type { SourceFailure } from "./next-step.ts";

/**
 * What a run tells while it works, one event per step of each source (sources run concurrently, so every
 * source event names its source), then the problems of the run itself. The terminal renders each as one line.
 */
export type RunEvent =
  | { kind: "start"; sources: string[]; runDate: string; dryRun: boolean }
  /** `document`: which document of a source of several. */
  | { kind: "fetching"; source: string; url: string; document?: string }
  | { kind: "fetched"; source: string; bytes: number; httpStatus: number; ms: number; document?: string }
  /** A redirect within the vendor's site was followed (one to another site fails the fetch). */
  | { kind: "redirected"; source: string; from: string; to: string }
  | {
      kind: "parsed";
      source: string;
      status: SourceReport["status"];
      prices: number;
      problems: number;
      /** Read in part, but every problem is about models the catalog does not hold: compared as if ok. */
      outsideCatalog?: boolean;
      ms: number;
    }
  | { kind: "diffed"; source: string; counts: SourceReport["counts"] }
  | { kind: "failed"; source: string; status: "failed" | "partial"; failure: SourceFailure; nextStep: string }
  /** A failure of the run itself (publishing), after the sources are done. */
  | { kind: "problem"; problem: Problem; nextStep: string };

/** The events that end up as error lines: a source that did not succeed, a problem of the run. */
export type RunErrorEvent = Extract<RunEvent, { kind: "failed" | "problem" }>;
