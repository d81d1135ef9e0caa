import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateCatalog, writeGeneratedCatalog } from "../../pipeline/bench/generate-catalog.ts";
import { startHosts } from "../../pipeline/bench/hosts.ts";
import { noopRun, noopRunErrors } from "../../pipeline/bench/noop-run.ts";
import { replay40, replayErrors } from "../../pipeline/bench/replay40.ts";
import { RssSampler, treeRssBytes } from "../../pipeline/bench/rss.ts";
import { validate10k, validate10kErrors } from "../../pipeline/bench/validate10k.ts";

// `npm run bench` measures; this only checks that what it measures is right, on small inputs. No times.
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("bench measurements", () => {
  it("the generated catalog is valid, mixes text and image models, and its diff finds what was planted", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "bench-smoke-"));
    dirs.push(dir);
    const generated = generateCatalog(400);
    expect(generated.expected.text).toBeGreaterThan(0);
    expect(generated.expected.image).toBeGreaterThan(0);
    expect(generated.entries.some((e) => Object.keys(e.prices).some((k) => k.startsWith("image:")))).toBe(true);
    await writeGeneratedCatalog(dir, generated);
    const result = await validate10k(dir);
    expect(validate10kErrors(result, 400)).toEqual([]);
    expect(result.outcomes.changed).toBeGreaterThan(0);
  });

  it("a run where every price matches rewrites only lastVerified lines, and a second run nothing", async () => {
    const result = await noopRun();
    expect(noopRunErrors(result)).toEqual([]);
    expect(result.filesRewritten).toBeGreaterThan(0);
    expect(result.changedLines).toBe(result.filesRewritten);
  });

  it("the replay reads every page, never more than one request at a time per host", async () => {
    const hosts = await startHosts(4, 20);
    try {
      const result = await replay40(hosts.origins, "parallel");
      expect(replayErrors(result)).toEqual([]);
      expect(result.maxInFlightOverall).toBeGreaterThan(1);
    } finally {
      await hosts.close();
    }
  });

  it("RSS of a process tree is read from /proc", () => {
    if (process.platform !== "linux") return;
    expect(treeRssBytes(process.pid)).toBeGreaterThan(10 * 1024 * 1024);
    const sampler = new RssSampler(process.pid, 10);
    expect(sampler.stop().peakBytes).toBeGreaterThan(0);
  });
});
