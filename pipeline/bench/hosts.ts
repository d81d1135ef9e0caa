import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { DEMO_PAGES } from "../demo/demo.ts";
import { isMain } from "./child.ts";
import { realPage, scriptedPricingPage } from "./pages.ts";

/**
 * Stand-ins for vendor hosts, in a process of their own so the run under test shares nothing with them
 * (not even its event loop): N HTTP servers on 127.0.0.1, each its own host:port, each answering every
 * page after `delayMs`. Pages: the four real saved vendor pages (`/page/<source-id>.md`), and
 * `/page/browser-<n>.html`, pages whose price table a script builds, with two images, a web font and a
 * stylesheet. `/__stats` tells, per host, every
 * request's start and end, so a measurement can check the one-request-per-host limit.
 *
 * `hosts.ts <count> <delayMs>` prints `HOSTS_READY {"origins":[…]}` and serves until stdin closes.
 */
export interface HostStats {
  origin: string;
  /** [start, end] of each page request, ms since the epoch. */
  requests: { path: string; start: number; end: number }[];
  maxInFlight: number;
  /** Requests for images, fonts and other assets that reached the host (blocked ones never do). */
  assetHits: Record<string, number>;
}

export async function startHosts(count: number, delayMs: number): Promise<{ origins: string[]; close(): Promise<void> }> {
  const bodies = new Map<string, Buffer>();
  for (const name of Object.keys(DEMO_PAGES)) {
    const id = name.replace(/\.md$/, "");
    bodies.set(`${id}.md`, Buffer.from(realPage(id)));
  }
  const servers: Server[] = [];
  for (let h = 0; h < count; h++) {
    let inFlight = 0;
    let stats: Omit<HostStats, "origin"> = { requests: [], maxInFlight: 0, assetHits: {} };
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://host");
      if (url.pathname === "/__stats") {
        const body = JSON.stringify({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ...stats });
        if (url.searchParams.has("reset")) stats = { requests: [], maxInFlight: 0, assetHits: {} };
        res.writeHead(200, { "content-type": "application/json" }).end(body);
        return;
      }
      const start = Date.now();
      inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
      const log = stats;
      res.on("close", () => {
        inFlight--;
        if (url.pathname.startsWith("/page/")) log.requests.push({ path: `${url.pathname}${url.search}`, start, end: Date.now() });
      });
      setTimeout(() => {
        if (url.pathname.startsWith("/assets/")) {
          const ext = path.extname(url.pathname).slice(1);
          log.assetHits[ext] = (log.assetHits[ext] ?? 0) + 1;
          const type = { css: "text/css", png: "image/png", svg: "image/svg+xml", woff2: "font/woff2" }[ext] ?? "application/octet-stream";
          res.writeHead(200, { "content-type": type }).end(ext === "css" ? "h1{color:#123}" : Buffer.alloc(64 * 1024));
          return;
        }
        const name = url.pathname.slice("/page/".length);
        const browser = /^browser-(\d+)\.html$/.exec(name);
        const body = browser ? Buffer.from(scriptedPricingPage(Number(browser[1]))) : bodies.get(name);
        if (!url.pathname.startsWith("/page/") || !body) {
          res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
          return;
        }
        const type = name.endsWith(".md") ? "text/markdown; charset=utf-8" : "text/html; charset=utf-8";
        res.writeHead(200, { "content-type": type, "content-length": body.length, "cache-control": "no-store" }).end(body);
      }, delayMs);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
  }
  return {
    origins: servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`),
    close: () =>
      Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      ).then(() => {}),
  };
}

/** Every host's stats; `reset` clears them for the next measurement. */
export async function hostStats(origins: readonly string[], reset = false): Promise<HostStats[]> {
  return Promise.all(origins.map(async (o) => (await fetch(`${o}/__stats${reset ? "?reset" : ""}`)).json() as Promise<HostStats>));
}

if (isMain(import.meta.url)) {
  const [count = "8", delay = "250"] = process.argv.slice(2);
  const hosts = await startHosts(Number(count), Number(delay));
  process.stdout.write(`HOSTS_READY ${JSON.stringify({ origins: hosts.origins })}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => void hosts.close().then(() => process.exit(0)));
  process.on("SIGTERM", () => void hosts.close().then(() => process.exit(0)));
}
