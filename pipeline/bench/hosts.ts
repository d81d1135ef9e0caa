import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { loadCatalog } from "../catalog/validate.ts";
import { DEMO_PAGES } from "../demo/demo.ts";
import { SOURCES } from "../sources/index.ts";
import { isMain } from "./child.ts";
import { realPage, REPO_ROOT, savedDocuments, scriptedPricingPage } from "./pages.ts";

/**
 * Stand-ins for vendor hosts, in a process of their own so the run under test shares nothing with them
 * (not even its event loop): HTTP servers on 127.0.0.1, each its own host:port, each answering every page
 * after `delayMs`. `/__stats` tells, per host, every request's start, end and status, so a measurement can
 * check the one-request-per-host limit and that each document was fetched once.
 *
 * Two kinds:
 * - `startHosts(count)`: N interchangeable hosts serving every real saved page by its replay name
 *   (`/page/gemini-pricing.html`, `/page/openai-models/gpt-image-1.md`, any `?copy=…` ignored) and
 *   `/page/browser-<n>.html`, pages whose price table a script builds, with two images, a web font and a
 *   stylesheet (`/assets/…`).
 * - `startVendorHosts()`: one host per vendor host the real sources read (developers.openai.com,
 *   docs.mistral.ai, …), serving each real document at its real path (`/api/docs/models/gpt-image-1.md`,
 *   `/models/mistral-small-4-0-26-03`), as that vendor has it. Which documents: what a run of each real
 *   source reads for the repository's catalog, its model index's links included (`savedDocuments`).
 *
 * `hosts.ts <count> <delayMs>` or `hosts.ts vendors <delayMs>` prints `HOSTS_READY {"origins":[…],
 * "standIns":{vendor host: origin}}` and serves until stdin closes.
 */
export interface HostStats {
  origin: string;
  /** The vendor host this one stands in for (vendor hosts only). */
  standsInFor?: string;
  /** [start, end] and status of each page request, ms since the epoch; `path` with its query. */
  requests: { path: string; start: number; end: number; status: number }[];
  maxInFlight: number;
  /** Requests for images, fonts and other assets that reached the host (blocked ones never do). */
  assetHits: Record<string, number>;
}

export interface Hosts {
  origins: string[];
  /** Vendor host → the origin standing in for it (vendor hosts only; empty otherwise). */
  standIns: Record<string, string>;
  close(): Promise<void>;
}

type Page = { body: Buffer; format: "markdown" | "html" };
type Answer = (url: URL, res: ServerResponse, log: Omit<HostStats, "origin">) => void;

/** One host: the delay, the in-flight count and the request log around `answer`. */
async function startHost(delayMs: number, isPage: (url: URL) => boolean, answer: Answer, standsInFor?: string): Promise<Server> {
  let inFlight = 0;
  let stats: Omit<HostStats, "origin"> = { requests: [], maxInFlight: 0, assetHits: {} };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://host");
    if (url.pathname === "/__stats") {
      const body = JSON.stringify({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ...(standsInFor ? { standsInFor } : {}), ...stats });
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
      if (isPage(url)) log.requests.push({ path: `${url.pathname}${url.search}`, start, end: Date.now(), status: res.statusCode });
    });
    setTimeout(() => answer(url, res, log), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

function send(res: ServerResponse, page: Page | undefined): void {
  if (!page) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    return;
  }
  const type = page.format === "markdown" ? "text/markdown; charset=utf-8" : "text/html; charset=utf-8";
  res.writeHead(200, { "content-type": type, "content-length": page.body.length, "cache-control": "no-store" }).end(page.body);
}

const formatOf = (name: string): Page["format"] => (name.endsWith(".md") ? "markdown" : "html");

export async function startHosts(count: number, delayMs: number): Promise<Hosts> {
  const pages = new Map<string, Page>(Object.keys(DEMO_PAGES).map((name) => [name, { body: Buffer.from(realPage(name)), format: formatOf(name) }]));
  const answer: Answer = (url, res, log) => {
    if (url.pathname.startsWith("/assets/")) {
      const ext = path.extname(url.pathname).slice(1);
      log.assetHits[ext] = (log.assetHits[ext] ?? 0) + 1;
      const type = { css: "text/css", png: "image/png", svg: "image/svg+xml", woff2: "font/woff2" }[ext] ?? "application/octet-stream";
      res.writeHead(200, { "content-type": type }).end(ext === "css" ? "h1{color:#123}" : Buffer.alloc(64 * 1024));
      return;
    }
    const name = url.pathname.startsWith("/page/") ? url.pathname.slice("/page/".length) : "";
    const browser = /^browser-(\d+)\.html$/.exec(name);
    send(res, browser ? { body: Buffer.from(scriptedPricingPage(Number(browser[1]))), format: "html" } : pages.get(name));
  };
  const servers: Server[] = [];
  for (let h = 0; h < count; h++) servers.push(await startHost(delayMs, (url) => url.pathname.startsWith("/page/"), answer));
  return hostsOf(servers, {});
}

/** Every real document the real sources read for the repository's catalog, by its vendor URL. */
export async function realDocumentsByUrl(): Promise<Map<string, Page>> {
  const catalog = await loadCatalog(path.join(REPO_ROOT, "catalog"));
  const entries = [...catalog.entries.values()].map((e) => e.entry);
  const byUrl = new Map<string, Page>();
  for (const source of SOURCES) {
    const covered = entries.filter((e) => e.sources.some((s) => s.source === source.id));
    for (const saved of savedDocuments(source, covered)) byUrl.set(saved.document.url, { body: Buffer.from(saved.body), format: saved.format });
  }
  return byUrl;
}

export async function startVendorHosts(delayMs: number): Promise<Hosts> {
  const byUrl = await realDocumentsByUrl();
  const vendorHosts = [...new Set([...byUrl.keys()].map((u) => new URL(u).host))].sort();
  const servers: Server[] = [];
  const standIns: Record<string, string> = {};
  for (const vendorHost of vendorHosts) {
    // The document at this path on the vendor's host; a copy's `?copy=k` names which copy asked, not another page.
    const pageAt = (url: URL): Page | undefined => {
      const search = new URLSearchParams(url.search);
      search.delete("copy");
      const rest = search.size > 0 ? `?${search}` : "";
      return byUrl.get(`https://${vendorHost}${url.pathname}${rest}`);
    };
    const server = await startHost(delayMs, () => true, (url, res) => send(res, pageAt(url)), vendorHost);
    servers.push(server);
    standIns[vendorHost] = originOf(server);
  }
  return hostsOf(servers, standIns);
}

const originOf = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

function hostsOf(servers: Server[], standIns: Record<string, string>): Hosts {
  return {
    origins: servers.map(originOf),
    standIns,
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
  const [kind = "8", delay = "250"] = process.argv.slice(2);
  const hosts = kind === "vendors" ? await startVendorHosts(Number(delay)) : await startHosts(Number(kind), Number(delay));
  process.stdout.write(`HOSTS_READY ${JSON.stringify({ origins: hosts.origins, standIns: hosts.standIns })}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => void hosts.close().then(() => process.exit(0)));
  process.on("SIGTERM", () => void hosts.close().then(() => process.exit(0)));
}
