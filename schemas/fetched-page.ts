import { z } from "zod";

/** A path inside the run directory: relative, forward slashes, never climbing out with `..`. */
const RunRelativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !/^[A-Za-z]:/.test(p) && !p.split(/[\\/]/).includes(".."), {
    message: "must be a path relative to the run directory, without ..",
  });

/**
 * One page as it was got in one run: what was asked for, what answered, and where the body is kept.
 * Written to `<runDir>/pages/index.json` (an array), next to the bodies it describes, so any run's
 * pages can be read again later (`--replay <runDir>/pages`).
 */
export const FetchedPage = z.strictObject({
  sourceId: z.string().min(1),
  /** Which of the source's documents this is (`gpt-image-1-mini`), for a source that reads several. */
  document: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/).optional(),
  /** The URL requested (the vendor page, or the local replay server's URL in a replay). */
  url: z.url(),
  /** Where the body came from after redirects. */
  finalUrl: z.url(),
  /** When the body was complete, ISO 8601 in UTC (`…Z`). */
  fetchedAt: z.iso.datetime(),
  /** HTTP status of the final response. */
  status: z.number().int().min(100).max(599),
  /** The Content-Type header of the final response, as sent (`""` if none). */
  contentType: z.string(),
  /** Size of the stored body in bytes (UTF-8), i.e. of `file`. */
  bytes: z.number().int().nonnegative(),
  /** Hex SHA-256 of the stored body bytes: `sha256sum <runDir>/<file>` prints the same. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: "must be a lower-case hex SHA-256" }),
  /** The body, relative to the run directory: `pages/<source-id>.<md|html>` (or `pages/<source-id>/<document>.<md|html>`). */
  file: RunRelativePath,
  /** How the body is read: from the Content-Type when it says, else the source's own format. */
  format: z.enum(["markdown", "html"]),
  /** Full-page PNG of the rendered page (browser fetches only), relative to the run directory. */
  screenshot: RunRelativePath.optional(),
  method: z.enum(["http", "browser"]),
  /** Requests made, retries included (at least 1). */
  attempts: z.number().int().min(1),
  /** Wall time of the whole fetch, waits between retries included. */
  durationMs: z.number().int().nonnegative(),
  /**
   * Set when the page was replayed from a saved file (`--replay`), not fetched from the vendor: the file, and when
   * that page was captured when anything says so. `fetchedAt` is then the time of the replay.
   */
  replayed: z.strictObject({ file: z.string().min(1), capturedAt: z.string().min(1).optional() }).optional(),
});
export type FetchedPage = z.infer<typeof FetchedPage>;

/** `<runDir>/pages/index.json`. */
export const FetchedPageIndex = z.array(FetchedPage);
export type FetchedPageIndex = z.infer<typeof FetchedPageIndex>;
