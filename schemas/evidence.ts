import { z } from "zod";
import { ModelId } from "./model-entry.ts";

/** A file the run wrote, relative to the run directory: forward slashes, never climbing out with `..`. */
export const RunFile = z
  .string()
  .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, { message: "must be a path relative to the run directory" })
  .refine((p) => !p.split("/").includes(".."), { message: "must not contain .." });

/** One price table of the stored page as Chromium rendered it, the rows the new prices came from highlighted. */
export const TableScreenshot = z.strictObject({
  /** PNG, e.g. `evidence/openai-pricing/gpt-image-1-mini.png`. */
  file: RunFile,
  /** The page rows (the sources' evidence texts) highlighted in it. */
  rows: z.array(z.string()),
});
export type TableScreenshot = z.infer<typeof TableScreenshot>;

/**
 * What a run saved to back one changed model's new prices, for the pull request to point at. A missing
 * screenshot never hides a price change: `notShown` says which row is not pictured and why.
 */
export const ModelEvidence = z.strictObject({
  model: ModelId,
  screenshots: z.array(TableScreenshot),
  /** A page row (absent: every row of the model) that no screenshot shows, and why. */
  notShown: z.array(z.strictObject({ row: z.string().optional(), reason: z.string() })),
  /** SVG step chart of each changed price over time, e.g. `evidence/openai-pricing/gpt-image-1-mini-history.svg`. */
  chart: RunFile.optional(),
  /** Why no chart was written. */
  chartProblem: z.string().optional(),
});
export type ModelEvidence = z.infer<typeof ModelEvidence>;

/** `evidence/<source-id>/<model-file-stem>…`: where a model's evidence files go inside the run directory. */
export const EVIDENCE_DIR = "evidence";
