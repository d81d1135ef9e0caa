import { afterEach, describe, expect, it } from "vitest";
import { FetchError, type FetchErrorReason } from "../../pipeline/fetch/errors.ts";
import { HostQueues } from "../../pipeline/fetch/host-queue.ts";
import { fetchText, sameSite, USER_AGENT, type HttpFetchOptions } from "../../pipeline/fetch/http.ts";
import { backoffDelay, parseRetryAfter } from "../../pipeline/fetch/retry.ts";
import { sleep, startFlakyServer, text, type TestServer } from "../support/flaky-server.ts";

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(routes: Parameters<typeof startFlakyServer>[0]): Promise<TestServer> {
  const server = await startFlakyServer(routes);
  servers.push(server);
  return server;
}

/** Small, injected delays: the sleep records what it was asked to wait and returns at once. */
function fast(extra: HttpFetchOptions = {}): HttpFetchOptions & { waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    timeoutMs: 2_000,
    backoffMs: 100,
    maxBackoffMs: 1_000,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms);
    },
    hostQueues: new HostQueues(),
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(FetchError);
    return err as FetchError;
  }
  throw new Error("expected the fetch to fail");
}

async function expectReason(promise: Promise<unknown>, reason: FetchErrorReason): Promise<FetchError> {
  const err = await failure(promise);
  expect(err.reason, err.message).toBe(reason);
  return err;
}

const PAGE = "# Pricing\n\n| Model | Input |\n|---|---|\n| gpt-x | $1.00 |\n";

describe("fetchText: success", () => {
  it("gets a page with an identifying User-Agent and reports what it got", async () => {
    const server = await serve({ "/pricing": text(PAGE) });
    const page = await fetchText(server.url("/pricing"), fast());
    expect(page.body).toBe(PAGE);
    expect(page.status).toBe(200);
    expect(page.contentType).toBe("text/markdown; charset=utf-8");
    expect(page.finalUrl).toBe(server.url("/pricing"));
    expect(page.attempts).toBe(1);
    expect(page.bytes).toBe(Buffer.byteLength(PAGE));
    expect(page.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(new Date(page.fetchedAt).toISOString()).toBe(page.fetchedAt);
    expect(server.requests[0]?.headers["user-agent"]).toBe(USER_AGENT);
    expect(USER_AGENT).toMatch(/^catalog-freshness\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\/catalog-freshness\/catalog-freshness\)$/);
  });

  it("decodes the charset the Content-Type names (and a <meta> charset when it names none)", async () => {
    const latin1 = Buffer.from("<p>Preis: 5 € — café</p>".replace("€", "EUR").replace("—", "-"), "latin1");
    const server = await serve({
      "/latin1": text(latin1, "text/html; charset=ISO-8859-1"),
      "/meta": text(Buffer.concat([Buffer.from('<html><head><meta charset="windows-1252"></head><body>'), Buffer.from([0x80, 0xe9]), Buffer.from("</body></html>")]), "text/html"),
    });
    expect((await fetchText(server.url("/latin1"), fast())).body).toBe("<p>Preis: 5 EUR - café</p>");
    expect((await fetchText(server.url("/meta"), fast())).body).toContain("<body>€é</body>");
  });

  it("follows up to 5 redirects on the same host", async () => {
    const routes: Parameters<typeof startFlakyServer>[0] = { "/r5": text(PAGE) };
    for (let i = 0; i < 5; i++) {
      routes[`/r${i}`] = (_req, res) => void res.writeHead(i % 2 ? 301 : 302, { location: `/r${i + 1}` }).end();
    }
    const server = await serve(routes);
    const page = await fetchText(server.url("/r0"), fast());
    expect(page.finalUrl).toBe(server.url("/r5"));
    expect(page.redirects).toHaveLength(6);
    expect(page.body).toBe(PAGE);
  });
});

describe("fetchText: retries", () => {
  it("waits as Retry-After says after a 429, then succeeds", async () => {
    const server = await serve({
      "/p": (_req, res, { hit }) => {
        if (hit === 1) return void res.writeHead(429, { "retry-after": "2" }).end("slow down");
        res.writeHead(200, { "content-type": "text/markdown" }).end(PAGE);
      },
    });
    const options = fast();
    const page = await fetchText(server.url("/p"), options);
    expect(page.body).toBe(PAGE);
    expect(page.attempts).toBe(2);
    expect(options.waits).toEqual([2_000]);
    expect(server.hits("/p")).toBe(2);
  });

  it("really sleeps (briefly) when no sleep is injected", async () => {
    const server = await serve({
      "/p": (_req, res, { hit }) => {
        if (hit === 1) return void res.writeHead(503).end();
        res.writeHead(200, { "content-type": "text/plain" }).end("ok: $1");
      },
    });
    const began = performance.now();
    const page = await fetchText(server.url("/p"), { backoffMs: 40, random: () => 1, hostQueues: new HostQueues() });
    expect(page.attempts).toBe(2);
    expect(performance.now() - began).toBeGreaterThanOrEqual(35);
  });

  it("honours a Retry-After given as an HTTP date", async () => {
    const server = await serve({
      "/p": (_req, res, { hit }) => {
        if (hit === 1) return void res.writeHead(503, { "retry-after": new Date(Date.now() + 30_000).toUTCString() }).end();
        res.writeHead(200, { "content-type": "text/plain" }).end("ok: $1");
      },
    });
    const options = fast();
    await fetchText(server.url("/p"), options);
    expect(options.waits).toHaveLength(1);
    expect(options.waits[0]).toBeGreaterThan(27_000);
    expect(options.waits[0]).toBeLessThanOrEqual(30_000);
  });

  it("gives up at once, with reason retry-after, when Retry-After is above the cap", async () => {
    const server = await serve({ "/p": (_req, res) => void res.writeHead(429, { "retry-after": "3600" }).end() });
    const options = fast({ maxRetryAfterMs: 60_000 });
    const err = await expectReason(fetchText(server.url("/p"), options), "retry-after");
    expect(err.message).toContain(server.url("/p"));
    expect(err.message).toMatch(/HTTP 429 with Retry-After 3600 s, more than the 60 s allowed/);
    expect(err.status).toBe(429);
    expect(options.waits).toEqual([]);
    expect(server.hits("/p")).toBe(1);
  });

  it.each([500, 503])("fails with reason status after the budget of 3 attempts of HTTP %i", async (status) => {
    const server = await serve({ "/p": (_req, res) => void res.writeHead(status).end("down") });
    const options = fast();
    const err = await expectReason(fetchText(server.url("/p"), options), "status");
    expect(err.message).toBe(`${server.url("/p")}: HTTP ${status} after 3 attempts`);
    expect(err.attempts).toBe(3);
    expect(err.status).toBe(status);
    expect(server.hits("/p")).toBe(3);
    // exponential: 100 ms then 200 ms ceilings, jitter 0.5 → 75 % of each
    expect(options.waits).toEqual([75, 150]);
  });

  it("does not retry a 404", async () => {
    const server = await serve({});
    const err = await expectReason(fetchText(server.url("/gone"), fast()), "status");
    expect(err.message).toBe(`${server.url("/gone")}: HTTP 404`);
    expect(server.hits("/gone")).toBe(1);
  });

  it("keeps backoff exponential, jittered and capped", () => {
    const policy = { backoffMs: 1_000, maxBackoffMs: 5_000 };
    expect(backoffDelay(1, { ...policy, random: () => 0 })).toBe(500);
    expect(backoffDelay(1, { ...policy, random: () => 0.999999 })).toBe(1_000);
    expect(backoffDelay(3, { ...policy, random: () => 0.999999 })).toBe(4_000);
    expect(backoffDelay(10, { ...policy, random: () => 0.999999 })).toBe(5_000);
    expect(parseRetryAfter("120")).toBe(120_000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:00 GMT"))).toBe(60_000);
    expect(parseRetryAfter("yesterday-ish")).toBeUndefined();
  });
});

describe("fetchText: failures, each a FetchError with a reason", () => {
  it("network: the connection is reset, every time", async () => {
    const server = await serve({ "/p": (req) => void req.socket.destroy() });
    const err = await expectReason(fetchText(server.url("/p"), fast()), "network");
    expect(err.message).toMatch(new RegExp(`^${escape(server.url("/p"))}: network error: .+ after 3 attempts$`));
    expect(server.hits("/p")).toBe(3);
  });

  it("network: a reset once is retried", async () => {
    const server = await serve({
      "/p": (req, res, { hit }) => {
        if (hit === 1) return void req.socket.destroy();
        res.writeHead(200, { "content-type": "text/plain" }).end("ok: $1");
      },
    });
    expect((await fetchText(server.url("/p"), fast())).attempts).toBe(2);
  });

  it("network: the body is cut short", async () => {
    const server = await serve({
      "/p": (req, res) => {
        res.writeHead(200, { "content-type": "text/plain", "content-length": "1000" });
        res.write("only part of it");
        setTimeout(() => req.socket.destroy(), 20);
      },
    });
    await expectReason(fetchText(server.url("/p"), fast({ maxAttempts: 1 })), "network");
  });

  it("dns: a host that does not resolve, not retried", async () => {
    const options = fast();
    const err = await expectReason(fetchText("http://catalog-freshness-test.invalid/pricing", options), "dns");
    expect(err.message).toMatch(/^http:\/\/catalog-freshness-test\.invalid\/pricing: cannot resolve host catalog-freshness-test\.invalid/);
    expect(err.attempts).toBe(1);
    expect(options.waits).toEqual([]);
  });

  it("timeout: the server never answers", async () => {
    const server = await serve({ "/p": () => {} });
    const began = performance.now();
    const err = await expectReason(fetchText(server.url("/p"), fast({ timeoutMs: 150, maxAttempts: 2 })), "timeout");
    expect(err.message).toBe(`${server.url("/p")}: no complete answer within 150 ms after 2 attempts`);
    expect(server.hits("/p")).toBe(2);
    // Two attempts of 150 ms, not the 30 s default; the bound leaves room for a loaded machine.
    expect(performance.now() - began).toBeLessThan(10_000);
  });

  it("a caller's abort signal ends the fetch at once, without retries", async () => {
    const server = await serve({ "/p": () => {} });
    const signal = AbortSignal.timeout(50);
    const err = await expectReason(fetchText(server.url("/p"), fast({ signal })), "timeout");
    expect(err.message).toBe(`${server.url("/p")}: cancelled by the caller`);
    expect(server.hits("/p")).toBe(1);
  });

  it("timeout: the headers come at once but the body trickles past the limit", async () => {
    const server = await serve({
      "/p": (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain" });
        const tick = setInterval(() => res.write("$1 "), 30);
        res.on("close", () => clearInterval(tick));
      },
    });
    const began = performance.now();
    await expectReason(fetchText(server.url("/p"), fast({ timeoutMs: 200, maxAttempts: 1 })), "timeout");
    expect(performance.now() - began).toBeLessThan(10_000);
  });

  it("too-large: a 20 MB streamed body is cut off near the cap, memory stays bounded", async () => {
    let sent = 0;
    let closedEarly = false;
    const chunk = Buffer.alloc(64 * 1024, "a");
    const server = await serve({
      "/big": (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain" }); // chunked: no Content-Length to refuse early
        const pump = () => {
          while (sent < 20 * 1024 * 1024) {
            if (res.destroyed) return;
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end();
        };
        res.on("close", () => {
          if (sent < 20 * 1024 * 1024) closedEarly = true;
        });
        pump();
      },
    });
    const err = await expectReason(fetchText(server.url("/big"), fast()), "too-large");
    expect(err.message).toMatch(/body larger than the 5242880 bytes allowed \(stopped after \d+\)/);
    expect(server.hits("/big")).toBe(1); // not retried
    await sleep(50);
    // The server writes only as fast as the client reads (backpressure), so what it managed to send
    // bounds what the client ever held: the 5 MiB cap plus loopback socket buffers, never 20 MB.
    expect(closedEarly).toBe(true);
    expect(sent).toBeLessThan(14 * 1024 * 1024);
  });

  it("too-large: a Content-Length above the cap is refused before reading", async () => {
    const server = await serve({
      "/big": (_req, res) => {
        res.writeHead(200, { "content-type": "text/html", "content-length": String(20 * 1024 * 1024) });
        res.write("<html>");
      },
    });
    const err = await expectReason(fetchText(server.url("/big"), fast({ maxBytes: 1024 * 1024 })), "too-large");
    expect(err.message).toMatch(/20971520 bytes \(Content-Length\), more than the 1048576 allowed/);
  });

  it("empty: no body, or only whitespace", async () => {
    const server = await serve({ "/empty": text(""), "/blank": text(" \n\t\n") });
    const err = await expectReason(fetchText(server.url("/empty"), fast()), "empty");
    expect(err.message).toBe(`${server.url("/empty")}: empty body`);
    await expectReason(fetchText(server.url("/blank"), fast()), "empty");
  });

  it("charset: bytes that are not the declared charset, or a charset nobody knows", async () => {
    const server = await serve({
      "/wrong": text(Buffer.from("café $1", "latin1"), "text/html; charset=utf-8"),
      "/unknown": text("$1", "text/html; charset=x-made-up"),
    });
    const wrong = await expectReason(fetchText(server.url("/wrong"), fast()), "charset");
    expect(wrong.message).toBe(`${server.url("/wrong")}: body is not valid utf-8 (declared in Content-Type)`);
    const unknown = await expectReason(fetchText(server.url("/unknown"), fast()), "charset");
    expect(unknown.message).toBe(`${server.url("/unknown")}: unknown charset "x-made-up"`);
  });

  it("binary: a non-text Content-Type, or NUL bytes in a 'text' body", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    const server = await serve({
      "/image": text(png, "image/png"),
      "/disguised": text(png, "text/html; charset=utf-8"),
      "/untyped": (_req, res) => void res.end(png),
    });
    const image = await expectReason(fetchText(server.url("/image"), fast()), "binary");
    expect(image.message).toBe(`${server.url("/image")}: Content-Type image/png is not a text page`);
    await expectReason(fetchText(server.url("/disguised"), fast()), "binary");
    await expectReason(fetchText(server.url("/untyped"), fast()), "binary");
  });

  it("redirect-loop: a → b → a", async () => {
    const server = await serve({
      "/a": (_req, res) => void res.writeHead(302, { location: "/b" }).end(),
      "/b": (_req, res) => void res.writeHead(301, { location: "/a" }).end(),
    });
    const err = await expectReason(fetchText(server.url("/a"), fast()), "redirect-loop");
    expect(err.message).toBe(`${server.url("/a")}: redirect loop: ${server.url("/a")} → ${server.url("/b")} → ${server.url("/a")}`);
    expect(server.hits("/a")).toBe(1);
  });

  it("too-many-redirects: more than 5", async () => {
    const routes: Parameters<typeof startFlakyServer>[0] = {};
    for (let i = 0; i < 10; i++) routes[`/r${i}`] = (_req, res) => void res.writeHead(307, { location: `/r${i + 1}` }).end();
    const server = await serve(routes);
    await expectReason(fetchText(server.url("/r0"), fast()), "too-many-redirects");
    expect(server.hits("/r5")).toBe(1);
    expect(server.hits("/r6")).toBe(0);
  });

  it("redirect-off-host: reported, not followed (127.0.0.1 → localhost)", async () => {
    const server = await serve({
      "/moved": (_req, res) => void res.writeHead(301, { location: `http://localhost:${server.port}/elsewhere` }).end(),
      "/elsewhere": text(PAGE),
    });
    const err = await expectReason(fetchText(server.url("/moved"), fast()), "redirect-off-host");
    expect(err.message).toContain(`http://localhost:${server.port}/elsewhere`);
    expect(err.message.startsWith(`${server.url("/moved")}: redirected to another host`)).toBe(true);
    expect(server.hits("/elsewhere")).toBe(0);
  });

  it("bad-url: not http(s)", async () => {
    await expectReason(fetchText("file:///etc/passwd", fast()), "bad-url");
    await expectReason(fetchText("not a url", fast()), "bad-url");
  });
});

describe("fetchText: one request at a time per host", () => {
  const slow = (ms: number) => async (_req: unknown, res: import("node:http").ServerResponse) => {
    await sleep(ms);
    res.writeHead(200, { "content-type": "text/plain" }).end("ok: $1");
  };

  it("never overlaps two fetches to the same host", async () => {
    const server = await serve({ "/a": slow(80), "/b": slow(80), "/c": slow(80) });
    const options = fast();
    await Promise.all([fetchText(server.url("/a"), options), fetchText(server.url("/b"), options), fetchText(server.url("/c"), options)]);
    expect(server.requests).toHaveLength(3);
    expect(server.maxConcurrent).toBe(1);
  });

  it("holds the host through the wait a 429 asked for", async () => {
    const order: string[] = [];
    const server = await serve({
      "/limited": (_req, res, { hit }) => {
        order.push(`limited#${hit}`);
        if (hit === 1) return void res.writeHead(429, { "retry-after": "0" }).end();
        res.writeHead(200, { "content-type": "text/plain" }).end("ok: $1");
      },
      "/other": (_req, res) => {
        order.push("other");
        res.writeHead(200, { "content-type": "text/plain" }).end("ok: $2");
      },
    });
    const options = fast({ sleep: () => sleep(50) });
    await Promise.all([fetchText(server.url("/limited"), options), fetchText(server.url("/other"), options)]);
    expect(order).toEqual(["limited#1", "limited#2", "other"]);
  });

  it("lets different hosts proceed in parallel", async () => {
    let inFlight = 0;
    let peak = 0;
    const handler = async (_req: unknown, res: import("node:http").ServerResponse) => {
      peak = Math.max(peak, ++inFlight);
      await sleep(80);
      inFlight--;
      res.writeHead(200, { "content-type": "text/plain" }).end("ok: $1");
    };
    const one = await serve({ "/p": handler });
    const two = await serve({ "/p": handler });
    const options = fast();
    await Promise.all([fetchText(one.url("/p"), options), fetchText(two.url("/p"), options)]);
    expect(peak).toBe(2);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("sameSite: which redirects stay on the vendor's own site", () => {
  const site = (a: string, b: string) => sameSite(new URL(a), new URL(b));
  it("follows a redirect within the vendor's site, across its subdomains", () => {
    expect(site("https://mistral.ai/pricing/api", "https://docs.mistral.ai/inference/pricing")).toBe(true);
    expect(site("https://api-docs.deepseek.com/quick_start/pricing", "https://api-docs.deepseek.com/quick_start/pricing/")).toBe(true);
    expect(site("https://www.example.co.uk/a", "https://docs.example.co.uk/b")).toBe(true);
  });
  it("refuses another site, a look-alike, a public suffix shared with others, and any other address", () => {
    expect(site("https://mistral.ai/pricing", "https://mistral.ai.evil.example/pricing")).toBe(false);
    expect(site("https://mistral.ai/pricing", "https://notmistral.ai/pricing")).toBe(false);
    expect(site("https://a.co.uk/", "https://b.co.uk/")).toBe(false);
    expect(site("http://127.0.0.1:8080/", "http://localhost:8080/")).toBe(false);
    expect(site("http://127.0.0.1:8080/", "http://127.0.0.2:8080/")).toBe(false);
  });
});
