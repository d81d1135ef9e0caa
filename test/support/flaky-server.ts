import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** `origin + path` */
  url(path: string): string;
  /** Every request, in arrival order. */
  readonly requests: SeenRequest[];
  /** How many requests were in flight at once, at most. */
  readonly maxConcurrent: number;
  /** Requests for this path so far. */
  hits(path: string): number;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, ctx: { hit: number; path: string }) => void | Promise<void>;

/**
 * A local HTTP server on 127.0.0.1 (port 0) for fetch tests: a handler per path, a request log,
 * a per-path hit counter (so "fail twice, then answer" is easy) and a high-water mark of concurrency.
 * Unknown paths are 404. `close()` drops hanging connections too.
 */
export async function startFlakyServer(routes: Record<string, Handler>): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const hitCount = new Map<string, number>();
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxConcurrent = 0;

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push({ method: req.method ?? "GET", path, headers: req.headers });
    const hit = (hitCount.get(path) ?? 0) + 1;
    hitCount.set(path, hit);
    inFlight++;
    maxConcurrent = Math.max(maxConcurrent, inFlight);
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        inFlight--;
      }
    };
    res.on("close", finish);
    req.socket.on("close", finish);
    const handler = routes[path];
    if (!handler) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    Promise.resolve(handler(req, res, { hit, path })).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    port,
    url: (path) => `${origin}${path}`,
    requests,
    get maxConcurrent() {
      return maxConcurrent;
    },
    hits: (path) => hitCount.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A handler that answers 200 with this body and content type. */
export function text(body: string | Buffer, contentType = "text/markdown; charset=utf-8", extra: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(200, { "content-type": contentType, ...extra });
    res.end(body);
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
