/**
 * The world the fault tests run in (test/faults/, through test/faults/harness.ts and test/support/fault-helpers.ts):
 * four real saved pages, one per one-page source, and this repository's catalog made to match them, so that a
 * healthy run verifies everything, proposes one change — gpt-image-1-mini's per-image prices, which the
 * 2025-12-19 OpenAI page states differently — and opens exactly one pull request. Each fault then shows as a
 * departure from that.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { matchCatalogToPages } from "../../pipeline/bench/pages.ts";
import { serializeEntry } from "../../pipeline/catalog/serialize.ts";
import { loadCatalog } from "../../pipeline/catalog/validate.ts";
import { SOURCES } from "../../pipeline/sources/index.ts";
import { REPO_ROOT } from "./cli.ts";

export const SOURCE_IDS = ["openai-pricing", "anthropic-pricing", "gemini-pricing", "deepseek-pricing"] as const;
export type SourceId = (typeof SOURCE_IDS)[number];

/** The real saved page each source is served by default. */
export const FAULT_PAGES: Readonly<Record<SourceId, string>> = {
  "openai-pricing": "test/fixtures/openai/platform-docs-pricing__2025-12-19.md",
  "anthropic-pricing": "test/fixtures/anthropic/platform-claude-docs-pricing__2026-08-08.md",
  "gemini-pricing": "test/fixtures/google/ai-google-dev-gemini-api-pricing__2025-11-21.md",
  "deepseek-pricing": "test/fixtures/deepseek/api-docs-quick_start-pricing__2026-08-13.md",
};

/** The pages named as `--replay DIR` serves them: `<source-id>.md`. */
export const FAULT_REPLAY_PAGES: Readonly<Record<string, string>> = Object.fromEntries(SOURCE_IDS.map((id) => [`${id}.md`, FAULT_PAGES[id]]));

/** A day the pages hold the same prices on: after the newest capture, before DeepSeek's announced prices (2026-08-16). */
export const FAULT_DATE = "2026-08-15";

/** The day the catalog is made to match the pages: before every day the fault tests run on. */
export const SEED_DATE = "2026-08-07";

/** `--only` each of the four sources: the fault tests' runs read nothing else. */
export const ONLY_FAULT_SOURCES: readonly string[] = SOURCE_IDS.flatMap((id) => ["--only", id]);

/**
 * The catalog, made once per test file: each entry matching FAULT_PAGES except gpt-image-1-mini, and naming
 * only the four sources (an entry that also names openai-models would otherwise never be judged whole).
 */
export const SEEDED_CATALOG = await (async () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "catalog-freshness-faults-")), "catalog");
  cpSync(path.join(REPO_ROOT, "catalog"), dir, { recursive: true });
  for (const { entry, file } of (await loadCatalog(dir)).entries.values()) {
    const sources = entry.sources.filter((s) => !SOURCES.some((x) => x.id === s.source) || (SOURCE_IDS as readonly string[]).includes(s.source));
    // An entry that names only other pipeline sources (Voyage's, say) is not part of this world at all.
    if (sources.length === 0) rmSync(path.join(dir, file.relativePath));
    else if (sources.length < entry.sources.length) writeFileSync(path.join(dir, file.relativePath), serializeEntry({ ...entry, sources }));
  }
  // A vendor folder left empty is not in a checkout either (git keeps no empty folder).
  for (const vendor of readdirSync(dir)) if (readdirSync(path.join(dir, vendor)).length === 0) rmSync(path.join(dir, vendor), { recursive: true });
  await matchCatalogToPages(dir, SEED_DATE, { pages: FAULT_REPLAY_PAGES, keep: ["openai/gpt-image-1-mini"], sources: SOURCE_IDS });
  // Verified as of the seed day at the latest, so every fault run (dated after it) judges them again.
  for (const { entry, file } of (await loadCatalog(dir)).entries.values()) {
    const covered = entry.sources.some((s) => (SOURCE_IDS as readonly string[]).includes(s.source));
    if (covered && entry.lastVerified > SEED_DATE) writeFileSync(path.join(dir, file.relativePath), serializeEntry({ ...entry, lastVerified: SEED_DATE }));
  }
  return dir;
})();

/** For `makeGitFixture({ catalog })`: the checkout's catalog is the seeded one. */
export function useSeededCatalog(catalogDir: string): void {
  rmSync(catalogDir, { recursive: true, force: true });
  cpSync(SEEDED_CATALOG, catalogDir, { recursive: true });
}
