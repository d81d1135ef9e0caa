/**
 * Faults and bad input, end to end: the real CLI (`catalog run --replay <vendor server>`), real git with a
 * bare origin and the local GitHub API, against a vendor server that misbehaves on purpose.
 *
 * One test per row of the issue, one CLI run per test. Where a row lists several faults, each is put on a
 * different source in the same run (the page fetches are independent), and at least one source stays
 * healthy so the run still has something to verify and publish. Every test also passes `assertInvariants`
 * (see harness.ts): each failed source is reported with a reason and a place, nothing it covers changes
 * anywhere, the other sources still verify and publish, no secret leaks, and every GitHub request is valid.
 *
 * Runs are sequential on purpose: two CLI runs side by side take longer than one after the other.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SourceReport } from "../../schemas/run-report.ts";
import { sleep } from "../support/flaky-server.ts";
import { type FaultResult, type FaultRun, faultFixture, MARKDOWN, PAGE_PATH, realPage, type SourceId, SOURCE_IDS, startFaultRun } from "./harness.ts";

const CASE_TIMEOUT = 60_000;

const sourceReport = (r: FaultResult, id: SourceId): SourceReport => {
  const s = r.report?.sources.find((x) => x.source === id);
  if (!s) throw new Error(`${id} is not in the report:\n${r.stderr}\n${r.stdout}`);
  return s;
};

/** Nothing of the page was kept (or at most `maxBytes` of it): no stored body over that, no page record. */
const expectNoStoredPage = (r: FaultResult, id: SourceId, maxBytes = 0) => {
  const dir = path.join(r.runDir, "pages");
  const stored = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(`${id}.`)) : [];
  for (const f of stored) expect(statSync(path.join(dir, f)).size, `stored ${f}`).toBeLessThanOrEqual(maxBytes);
  expect(sourceReport(r, id).page).toBeUndefined();
};

/** `fetch failed: http://127.0.0.1:<port>/<page>: ` — the reason of a fetch failure starts with the URL. */
const fetchFailed = (id: SourceId) => new RegExp(`^fetch failed: http://127\\.0\\.0\\.1:\\d+${PAGE_PATH[id].replace(/\./g, "\\.")}: `);

const answer = (status: number, headers: Record<string, string> = {}) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers }).end(`status ${status}\n`);
};
const serve = (body: string | Buffer, contentType = MARKDOWN) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { "content-type": contentType, "content-length": String(Buffer.byteLength(body)) }).end(body);
};

// ---------------------------------------------------------------------------------------------------------

describe("transport: status codes, resets, timeouts, DNS, sizes, charsets, binaries, redirects", () => {
  let h: FaultRun;
  beforeAll(async () => {
    h = await startFaultRun();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("429 with Retry-After: 1, then 200: waits as told (and no longer), then reads the page", { timeout: CASE_TIMEOUT }, async () => {
    const at: number[] = [];
    h.setRoute("anthropic-pricing", (req, res, { hit }) => {
      at.push(performance.now());
      if (hit === 1) answer(429, { "retry-after": "1" })(req, res);
      else serve(realPage("anthropic-pricing"))(req, res);
    });
    const before = h.snapshotCatalog();
    const r = await h.run();
    h.assertInvariants(r, { before });
    expect(r.hits["anthropic-pricing"]).toBe(2);
    const waited = at[1]! - at[0]!;
    expect(waited, "time between the 429 and the retry").toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(5_000);
    const s = sourceReport(r, "anthropic-pricing");
    expect(s.status).toBe("ok");
    expect(s.page?.status).toBe(200);
    expect(s.counts.verified).toBe(12);
  });

  it("500 and 503 on every attempt: each gives up after exactly the 3 attempts allowed; the others publish", { timeout: CASE_TIMEOUT }, async () => {
    h.setRoute("openai-pricing", answer(500));
    h.setRoute("gemini-pricing", answer(503));
    const before = h.snapshotCatalog();
    const r = await h.run([], { CATALOG_FRESHNESS_MAX_ATTEMPTS: "3", CATALOG_FRESHNESS_BACKOFF_MS: "10" });
    h.assertInvariants(r, { failedSource: ["openai-pricing", "gemini-pricing"], before });
    for (const [id, status] of [["openai-pricing", 500], ["gemini-pricing", 503]] as const) {
      expect(r.hits[id], id).toBe(3);
      const s = sourceReport(r, id);
      expect(s.status).toBe("failed");
      expect(s.reason).toMatch(fetchFailed(id));
      expect(s.reason).toMatch(new RegExp(`: HTTP ${status} after 3 attempts$`));
      expect(s.problems[0]!.where).toBe(`${h.vendor.origin}${PAGE_PATH[id]}`);
      expect(s.counts.observations).toBe(0);
    }
    // The healthy ones went on: one verification commit for this day on origin's main.
    expect(h.fx.git(["log", "-1", "--format=%s", "main"], h.fx.bare).trim()).toMatch(new RegExp(`^catalog: verify \\d+ entries on ${r.runDate}$`));
  });

  it("connection reset, no answer at all, a body that trickles past the time limit: bounded retries, then failed", { timeout: CASE_TIMEOUT }, async () => {
    h.setRoute("deepseek-pricing", (req) => {
      req.socket.destroy();
    });
    h.setRoute("openai-pricing", () => {}); // holds the connection, never answers
    h.setRoute("anthropic-pricing", (_req, res) => {
      res.writeHead(200, { "content-type": MARKDOWN });
      const page = realPage("anthropic-pricing");
      let i = 0;
      const timer = setInterval(() => res.write(page.slice(i, (i += 20))), 100);
      res.on("close", () => clearInterval(timer));
    });
    const before = h.snapshotCatalog();
    const r = await h.run([], { CATALOG_FRESHNESS_TIMEOUT_MS: "800", CATALOG_FRESHNESS_MAX_ATTEMPTS: "2", CATALOG_FRESHNESS_BACKOFF_MS: "10" });
    h.assertInvariants(r, { failedSource: ["deepseek-pricing", "openai-pricing", "anthropic-pricing"], before });

    expect(r.hits["deepseek-pricing"]).toBe(2);
    expect(sourceReport(r, "deepseek-pricing").reason).toMatch(fetchFailed("deepseek-pricing"));
    expect(sourceReport(r, "deepseek-pricing").reason).toMatch(/: network error: .+ after 2 attempts$/);
    for (const id of ["openai-pricing", "anthropic-pricing"] as const) {
      expect(r.hits[id], id).toBe(2);
      const s = sourceReport(r, id);
      expect(s.reason).toMatch(/: no complete answer within 800 ms after 2 attempts$/);
      // Two attempts of 800 ms (the wait for the host's queue comes on top): bounded, not the 30 s default per
      // attempt. The upper bound is generous: a loaded machine delays timers, it does not make them early.
      expect(s.timings.fetchMs).toBeGreaterThanOrEqual(1_600);
      expect(s.timings.fetchMs).toBeLessThan(30_000);
    }
    for (const id of ["deepseek-pricing", "openai-pricing", "anthropic-pricing"] as const) expectNoStoredPage(r, id);
  });

  it("DNS failure (--replay http://pricing.invalid): every source fails with the host named, nothing is published", { timeout: CASE_TIMEOUT }, async () => {
    const before = h.snapshotCatalog();
    const r = await h.run(["--replay", "http://pricing.invalid"]);
    h.assertInvariants(r, { failedSource: SOURCE_IDS, before });
    for (const s of r.report!.sources) {
      expect(s.status).toBe("failed");
      expect(s.reason).toMatch(/^fetch failed: http:\/\/pricing\.invalid\/[a-z-]+\.(md|html): cannot resolve host pricing\.invalid \(/);
      expect(s.problems[0]!.where).toMatch(/^http:\/\/pricing\.invalid\//);
    }
    expect(Object.values(r.hits)).toEqual([0, 0, 0, 0]);
    expect(r.githubRequests).toEqual([]);
  });

  it("an empty body, a body cut off at 30% (connection dropped), an unknown charset: each a clear error", { timeout: CASE_TIMEOUT }, async () => {
    h.setRoute("openai-pricing", serve(""));
    const page = Buffer.from(realPage("anthropic-pricing"));
    h.setRoute("anthropic-pricing", (_req, res) => {
      res.writeHead(200, { "content-type": MARKDOWN, "content-length": String(page.length) });
      res.write(page.subarray(0, Math.floor(page.length * 0.3)), () => setTimeout(() => res.destroy(), 20));
    });
    h.setRoute("deepseek-pricing", serve(realPage("deepseek-pricing"), "text/markdown; charset=x-unknown"));
    const before = h.snapshotCatalog();
    const r = await h.run([], { CATALOG_FRESHNESS_MAX_ATTEMPTS: "3", CATALOG_FRESHNESS_BACKOFF_MS: "10" });
    h.assertInvariants(r, { failedSource: ["openai-pricing", "anthropic-pricing", "deepseek-pricing"], before });

    expect(r.hits["openai-pricing"]).toBe(1);
    expect(sourceReport(r, "openai-pricing").reason).toMatch(/: empty body$/);
    expect(r.hits["anthropic-pricing"]).toBe(3);
    expect(sourceReport(r, "anthropic-pricing").reason).toMatch(/: network error: .+ after 3 attempts$/);
    expect(r.hits["deepseek-pricing"]).toBe(1);
    expect(sourceReport(r, "deepseek-pricing").reason).toMatch(/: unknown charset "x-unknown"$/);
    for (const id of ["openai-pricing", "anthropic-pricing", "deepseek-pricing"] as const) expectNoStoredPage(r, id);
  });

  it("a 20 MB body (default 5 MiB cap), PNG bytes, NUL bytes in markdown: too large / not a text page", { timeout: CASE_TIMEOUT }, async () => {
    const TOTAL = 20 * 1024 * 1024;
    let sent = 0;
    let complete = false;
    h.setRoute("gemini-pricing", async (_req, res) => {
      // No Content-Length: the cap must hold while streaming, not only on the header.
      res.writeHead(200, { "content-type": MARKDOWN });
      const chunk = Buffer.alloc(64 * 1024, "| gemini-2.5-pro | $1.25 | $10.00 |\n");
      while (sent < TOTAL && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              res.off("drain", done);
              res.off("close", done);
              resolve();
            };
            res.on("drain", done);
            res.on("close", done);
          });
        }
      }
      complete = sent >= TOTAL && !res.destroyed;
      res.end();
    });
    const png = Buffer.from(
      "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
      "hex",
    );
    h.setRoute("openai-pricing", serve(png, "image/png"));
    const page = realPage("anthropic-pricing");
    const mid = Math.floor(page.length / 2);
    h.setRoute("anthropic-pricing", serve(Buffer.concat([Buffer.from(page.slice(0, mid)), Buffer.alloc(16), Buffer.from(page.slice(mid))])));
    const before = h.snapshotCatalog();
    const r = await h.run([], { CATALOG_FRESHNESS_MAX_BYTES: "" }); // "" = unset: the default cap
    h.assertInvariants(r, { failedSource: ["gemini-pricing", "openai-pricing", "anthropic-pricing"], before });

    expect(r.hits["gemini-pricing"]).toBe(1);
    expect(sourceReport(r, "gemini-pricing").reason).toMatch(/: body larger than the 5242880 bytes allowed \(stopped after \d+\)$/);
    expectNoStoredPage(r, "gemini-pricing", 5 * 1024 * 1024);
    await sleep(50);
    expect(complete, `the client read all ${TOTAL} bytes (server sent ${sent})`).toBe(false);

    expect(sourceReport(r, "openai-pricing").reason).toMatch(/: Content-Type image\/png is not a text page$/);
    expect(sourceReport(r, "anthropic-pricing").reason).toMatch(/: body contains NUL bytes \(Content-Type text\/markdown\): not a text page$/);
    for (const id of ["openai-pricing", "anthropic-pricing"] as const) expectNoStoredPage(r, id);
  });

  it("a redirect loop, and a redirect to another host (127.0.0.1 → localhost): stopped and reported", { timeout: CASE_TIMEOUT }, async () => {
    h.setRoute("gemini-pricing", (req, res) => {
      const hop = (req.url ?? "").includes("hop=1");
      res.writeHead(302, { location: hop ? PAGE_PATH["gemini-pricing"] : `${PAGE_PATH["gemini-pricing"]}?hop=1` }).end();
    });
    const elsewhere = `http://localhost:${h.vendor.port}${PAGE_PATH["deepseek-pricing"]}?moved=1`;
    h.setRoute("deepseek-pricing", (req, res) => {
      if ((req.url ?? "").includes("moved=1")) return serve(realPage("deepseek-pricing"))(req, res);
      res.writeHead(301, { location: elsewhere }).end();
    });
    const before = h.snapshotCatalog();
    const r = await h.run();
    h.assertInvariants(r, { failedSource: ["gemini-pricing", "deepseek-pricing"], before });

    expect(r.hits["gemini-pricing"]).toBe(2);
    expect(sourceReport(r, "gemini-pricing").reason).toMatch(
      /: redirect loop: http:\/\/127\.0\.0\.1:\d+\/gemini-pricing\.html → http:\/\/127\.0\.0\.1:\d+\/gemini-pricing\.html\?hop=1 → http:\/\/127\.0\.0\.1:\d+\/gemini-pricing\.html$/,
    );
    expect(r.hits["deepseek-pricing"], "the other host was asked").toBe(1);
    expect(sourceReport(r, "deepseek-pricing").reason).toContain(`: redirected to another host: ${elsewhere} (not followed; update the source URL if the page moved)`);
  });

  it("a complete-looking 200 that ends inside a price cell ($7.50 arrives as $7): never read as a price", { timeout: CASE_TIMEOUT }, async () => {
    // What a close-delimited response (or a CDN serving a partial object) looks like when the transfer stops early:
    // nothing at the HTTP level says the body is short. Here it stops in Claude Sonnet 4.5's batch row.
    const page = realPage("anthropic-pricing");
    const row = page.indexOf("| Claude Sonnet 4.5 ", page.indexOf("### Batch processing"));
    const cut = page.indexOf("| $7.50 / MTok", row) + "| $7".length;
    if (row < 0 || cut < row) throw new Error("no Sonnet 4.5 batch row in the Anthropic fixture");
    h.setRoute("anthropic-pricing", serve(page.slice(0, cut)));
    const before = h.snapshotCatalog();
    const r = await h.run();
    const s = sourceReport(r, "anthropic-pricing");
    const sonnet = s.diff?.entries.find((e) => e.model === "anthropic/claude-sonnet-4-5");
    expect(sonnet?.outcome === "changed" ? sonnet.changes : [], "the cut cell was read as a price change").toEqual([]);
    expect(h.github.state.pulls.filter((p) => p.head.ref === "catalog-freshness/anthropic-pricing"), "a PR proposes the cut price").toEqual([]);
    expect(s.status, "a page cut off inside a table row must not pass as read").not.toBe("ok");
    h.assertInvariants(r, { failedSource: "anthropic-pricing", before });
  });
});

// ---------------------------------------------------------------------------------------------------------

/** The Anthropic page with its `## Model pricing` table (header, separator, rows) changed by `edit`. */
function anthropicModelTable(edit: (lines: string[]) => string[]): string {
  const lines = realPage("anthropic-pricing").split("\n");
  const heading = lines.indexOf("## Model pricing");
  const start = lines.findIndex((l, i) => i > heading && l.startsWith("| Model"));
  if (heading < 0 || start < 0) throw new Error("the Anthropic fixture has no model pricing table");
  let end = start;
  while (lines[end]?.startsWith("|")) end++;
  return [...lines.slice(0, start), ...edit(lines.slice(start, end)), ...lines.slice(end)].join("\n");
}

/**
 * The Anthropic page with the "Base Input Tokens" cell of some models replaced (`{ "Claude Haiku 4.5": "Free" }`);
 * also returns where the source reports each row (`table 0 under "Model pricing", row <n>`).
 */
function anthropicInputCells(cells: Record<string, string>): { page: string; where: Record<string, string> } {
  const where: Record<string, string> = {};
  const page = anthropicModelTable((lines) =>
    lines.map((line, i) => {
      const model = Object.keys(cells).find((m) => line.startsWith(`| ${m} `));
      if (!model) return line;
      where[model] = `table 0 under "Model pricing", row ${i - 1}`; // header and separator come first; rows count from 1
      const edited = line.replace(/^(\|[^|]+\|) [^|]+\|/, (_m, first: string) => `${first} ${cells[model]!.padEnd(17)}|`);
      if (edited === line) throw new Error(`no input cell in ${line}`);
      return edited;
    }),
  );
  for (const m of Object.keys(cells)) if (!where[m]) throw new Error(`no row for ${m}`);
  return { page, where };
}

const HAIKU = "anthropic/claude-haiku-4-5";
const SONNET = "anthropic/claude-sonnet-4-5";

/** Page text that tries to break out of the PR body: HTML, code spans, table pipes, paths, mentions, links, a line break. */
const EVIL_NOTE = "&lt;img src=x onerror=alert(1)&gt; \\`rm -rf\\` \\| ../../etc/passwd <br> second line &#10; @octocat \\[x\\](https://evil.example) &lt;/details&gt; ### EVIL-NOTE";
const EVIL_NAME = "GPT Image &lt;script&gt;alert(1)&lt;/script&gt; \\`x\\` \\| ../../EVIL-NAME";

/**
 * OpenAI's page with a "Notes" column in the per-image table carrying the evil text on gpt-image-1-mini's
 * Low row (whose price differs from the catalog, so a PR opens with that row as evidence), and an extra
 * model row with an evil name (reported in the PR as a model the catalog does not track).
 */
function openAiWithEvilText(): string {
  const lines = realPage("openai-pricing").split("\n");
  const heading = lines.indexOf("### Image generation");
  const start = lines.findIndex((l, i) => i > heading && l.startsWith("| Model"));
  let end = start;
  while (lines[end]?.startsWith("|")) end++;
  for (let i = start; i < end; i++) {
    if (i === start) lines[i] += " Notes |";
    else if (i === start + 1) lines[i] += " --- |";
    else if (lines[i]!.startsWith("| GPT Image 1 Mini | Low |")) lines[i] += ` ${EVIL_NOTE} |`;
    else lines[i] += " |";
  }
  const dalle3 = lines.findIndex((l, i) => i > start && l.startsWith("| DALL·E 3"));
  lines.splice(dalle3 - 2, 0, `| ${EVIL_NAME} | Low | $0.01 | $0.01 | $0.01 | |`);
  const page = lines.join("\n");
  if (!page.includes("EVIL-NOTE |") || !page.includes("EVIL-NAME |")) throw new Error("the injection did not land");
  return page;
}

describe("pages: not the pricing page, layout changes, odd price cells, page text in the PR", () => {
  let h: FaultRun;
  beforeAll(async () => {
    h = await startFaultRun();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('200 with a bot challenge, a login page, a cookie wall: failed, "not a pricing page", zero observations', { timeout: CASE_TIMEOUT }, async () => {
    const cases = [
      ["openai-pricing", "cloudflare-challenge.html", "a bot challenge (Cloudflare)"],
      ["gemini-pricing", "login.html", "a login page"],
      ["deepseek-pricing", "cookie-wall.html", "a cookie wall with no content"],
    ] as const;
    for (const [id, file] of cases) h.setRoute(id, serve(faultFixture(file), "text/html; charset=utf-8"));
    const before = h.snapshotCatalog();
    const r = await h.run();
    h.assertInvariants(r, { failedSource: cases.map(([id]) => id), before });
    for (const [id, , what] of cases) {
      const s = sourceReport(r, id);
      expect(s.status).toBe("failed");
      expect(s.reason).toBe(`page not read: not a pricing page: looks like ${what} (at page)`);
      expect(s.counts.observations).toBe(0);
      expect(s.diff).toBeUndefined();
      expect(s.page?.status).toBe(200); // got and kept, for a person to look at
    }
  });

  it("the main model pricing table is gone: failed, naming the heading", { timeout: CASE_TIMEOUT }, async () => {
    h.setRoute("anthropic-pricing", serve(anthropicModelTable(() => [])));
    const before = h.snapshotCatalog();
    const r = await h.run();
    h.assertInvariants(r, { failedSource: "anthropic-pricing", before });
    const s = sourceReport(r, "anthropic-pricing");
    expect(s.status).toBe("failed");
    expect(s.problems).toContainEqual({ message: 'the "Model pricing" heading has no table under it; the layout changed', where: 'heading "Model pricing"' });
    expect(s.counts.observations).toBe(0);
  });

  it("the price columns renamed to names the source does not know: failed, naming the table", { timeout: CASE_TIMEOUT }, async () => {
    h.setRoute(
      "anthropic-pricing",
      serve(anthropicModelTable(([header, ...rest]) => [header!.replace("| Base Input Tokens |", "| Price A           |").replace(/\| Output Tokens( +)\|$/, "| Price B      $1|"), ...rest])),
    );
    const before = h.snapshotCatalog();
    const r = await h.run();
    h.assertInvariants(r, { failedSource: "anthropic-pricing", before });
    const s = sourceReport(r, "anthropic-pricing");
    expect(s.status).toBe("failed");
    expect(s.problems[0]).toMatchObject({ message: expect.stringMatching(/^the model pricing table has no input or output column/), where: 'table 0 under "Model pricing"' });
  });

  it("input and output headers swapped: every row out of shape, none read", { timeout: CASE_TIMEOUT }, async () => {
    h.setRoute(
      "anthropic-pricing",
      serve(anthropicModelTable(([header, ...rest]) => [header!.replace("| Base Input Tokens |", "| Output Tokens     |").replace(/\| Output Tokens( +)\|$/, "| Input Tokens $1|"), ...rest])),
    );
    const before = h.snapshotCatalog();
    const r = await h.run();
    h.assertInvariants(r, { failedSource: "anthropic-pricing", before });
    const s = sourceReport(r, "anthropic-pricing");
    expect(s.status).toBe("failed");
    expect(s.problems[0]!.message).toMatch(/^prices out of shape \(input above output/);
    expect(s.problems[0]!.where).toBe('table 0 under "Model pricing", row 1');
  });

  it("a complete 200 holding only the first 30% of the page: partial, naming what is missing", { timeout: CASE_TIMEOUT }, async () => {
    const page = realPage("anthropic-pricing");
    h.setRoute("anthropic-pricing", serve(page.slice(0, Math.floor(page.length * 0.3))));
    const before = h.snapshotCatalog();
    const r = await h.run();
    h.assertInvariants(r, { failedSource: "anthropic-pricing", before });
    const s = sourceReport(r, "anthropic-pricing");
    expect(s.status).toBe("partial");
    expect(s.problems).toContainEqual({ message: 'no "Batch processing" heading on the page', where: 'heading "Batch processing"' });
  });

  it('"Free", "$1.2.3", "€0.50", "$0.50 / 1K tokens" in catalog models\' price cells: each reported at its row, nothing applied', { timeout: CASE_TIMEOUT }, async () => {
    const { page, where } = anthropicInputCells({
      "Claude Haiku 4.5": "Free",
      "Claude Sonnet 4.5": "$1.2.3",
      "Claude Opus 4.5": "€0.50",
      // $500 per 1M: read (1K → 1M), then refused by the row check (input above output), never a price.
      "Claude Sonnet 4.6": "$0.50 / 1K tokens",
    });
    h.setRoute("anthropic-pricing", serve(page));
    h.setRoute("deepseek-pricing", serve(realPage("deepseek-pricing").replace("| 1M INPUT TOKENS (CACHE MISS) | $0.14 |", "| 1M INPUT TOKENS (CACHE MISS) | $0.50 / 1K tokens |")));
    const before = h.snapshotCatalog();
    const r = await h.run();
    h.assertInvariants(r, { failedSource: ["anthropic-pricing", "deepseek-pricing"], before });

    const a = sourceReport(r, "anthropic-pricing");
    expect(a.status).toBe("partial");
    expect(a.problems).toContainEqual({ message: 'column "Base Input Tokens": "Free" is not a price in USD', where: where["Claude Haiku 4.5"] });
    expect(a.problems).toContainEqual({ message: 'column "Base Input Tokens": "1.2.3" is not a number', where: where["Claude Sonnet 4.5"] });
    expect(a.problems).toContainEqual({ message: 'column "Base Input Tokens": "€0.50" is not in US dollars', where: where["Claude Opus 4.5"] });
    expect(a.problems).toContainEqual({
      message: expect.stringMatching(/^prices out of shape \(input above output.*"Claude Sonnet 4\.6 \$0\.50 \/ 1K tokens /),
      where: where["Claude Sonnet 4.6"],
    });
    const d = sourceReport(r, "deepseek-pricing");
    expect(d.status).toBe("partial");
    expect(d.problems).toContainEqual({ message: '"$0.50 / 1K tokens" is not a price per 1M tokens: not read', where: 'table 1, row "1M INPUT TOKENS (CACHE MISS)", deepseek-v4-flash' });
  });

  it('"-" and "TBD" read as "no price": the key is proposed as retired, held for careful review, never on main; OpenAI\'s "Free" read as $0, held too', { timeout: CASE_TIMEOUT }, async () => {
    const { page } = anthropicInputCells({ "Claude Haiku 4.5": "-", "Claude Sonnet 4.5": "TBD" });
    h.setRoute("anthropic-pricing", serve(page));
    h.setRoute("openai-pricing", serve(realPage("openai-pricing").replace("| text-embedding-3-small | $0.02 |", "| text-embedding-3-small | Free |")));
    const embedding = "catalog/openai/text-embedding-3-small.json";
    const embeddingOnMain = h.originFile(embedding);
    const haikuOnMain = h.originFile(`catalog/${HAIKU}.json`);
    const before = h.snapshotCatalog();
    const r = await h.run();
    h.assertInvariants(r, { before });

    const a = sourceReport(r, "anthropic-pricing");
    expect(a.status).toBe("ok");
    for (const id of [HAIKU, SONNET]) {
      expect(a.diff?.entries.find((e) => e.model === id)).toMatchObject({
        outcome: "changed",
        changes: [],
        retired: [{ price: "input", replacedBy: [], guard: "no longer on the page: check it was really dropped" }],
      });
    }
    expect(a.counts).toMatchObject({ verified: 10, changed: 0, retired: 2 });
    expect(r.report!.verification?.entries ?? []).not.toContain(HAIKU);
    expect(h.originFile(`catalog/${HAIKU}.json`), "a retired price reached main").toBe(haikuOnMain);
    const retiring = h.github.state.pulls.find((p) => p.head.ref === "catalog-freshness/anthropic-pricing" && p.state === "open");
    expect(retiring?.labels).toContain("needs-careful-review");
    expect(retiring?.body).toContain(`> - \`${HAIKU}\` \`input\`: $1 retired: no longer on the page: check it was really dropped`);

    const o = sourceReport(r, "openai-pricing").diff?.entries.find((e) => e.model === "openai/text-embedding-3-small");
    expect(o).toMatchObject({ outcome: "changed", changes: [{ price: "input", old: 0.02, new: 0, guard: expect.stringMatching(/becomes 0/) }] });
    expect(h.originFile(embedding), "a $0 reached main").toBe(embeddingOnMain);
    const pr = h.github.state.pulls.find((p) => p.head.ref === "catalog-freshness/openai-pricing" && p.state === "open");
    expect(pr?.labels).toContain("needs-careful-review");
    expect(pr?.title).toMatch(/\(needs careful review\)$/);
    expect(pr?.body).toMatch(/> - `openai\/text-embedding-3-small` `input`: \$0\.02 → \$0: becomes 0/);
  });

  it("page text with HTML, backticks, pipes, ../ and line breaks reaches the PR escaped; the branch name is fixed", { timeout: CASE_TIMEOUT }, async () => {
    h.setRoute("openai-pricing", serve(openAiWithEvilText()));
    const before = h.snapshotCatalog();
    const r = await h.run();
    h.assertInvariants(r, { before });
    expect(sourceReport(r, "openai-pricing").status).toBe("ok");

    // One PR per source, on branches named by the source id alone, whatever the page says.
    const refs = h.github.state.pulls.map((p) => p.head.ref);
    expect(new Set(refs).size).toBe(refs.length);
    const branches = h.fx.git(["for-each-ref", "--format=%(refname:short)", "refs/heads"], h.fx.bare).trim().split("\n").sort();
    // The evidence branch is the pipeline's own (pictures by content), never named by page text.
    for (const b of branches) expect(b).toMatch(/^(?:main|catalog-freshness\/(?:(?:openai|anthropic|gemini|deepseek)-pricing|evidence))$/);
    const body = h.github.state.pulls.find((p) => p.head.ref === "catalog-freshness/openai-pricing")!.body ?? "";
    expect(body).toContain("| `image:low:1024x1024` (per image) | $0.004 | $0.005 | +25.0% |");

    // The only raw HTML is the body's own: its marker comment and the <details>/<summary> folds.
    const own = body.replace(/<!-- catalog-freshness source=openai-pricing change=[0-9a-f]{16} -->/, "").replace(/<\/?(?:details|summary)>/g, "");
    expect(own).not.toContain("<");
    expect(body.match(/<\/details>/g)?.length).toBe(body.match(/<details>/g)?.length);

    for (const marker of ["EVIL-NOTE", "EVIL-NAME"]) {
      const lines = body.split("\n").filter((l) => l.includes(marker));
      expect(lines, `${marker} is in the body once, on one line`).toHaveLength(1);
      const line = lines[0]!;
      expect(line).toMatch(/^- /); // a list item: not a heading, not a table row of its own
      expect(line, "an unescaped backtick or pipe").not.toMatch(/(^|[^\\])[`|]/);
      expect(line).toContain("&lt;");
      expect(line).toContain("../../");
      expect(line, "an unescaped link, mention or URL").not.toMatch(/(^|[^\\])(\]\(|@octocat)|https:\/\//);
    }
    // Each price-table row still has exactly its 5 cell borders.
    const rows = body.split("\n").filter((l) => l.startsWith("| `"));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.match(/(^|[^\\])\|/g)?.length, row).toBe(5);
  });
});
