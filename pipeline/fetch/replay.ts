import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { PricingSource, SourceDocument } from "../sources/source.ts";

export interface ReplayServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /**
   * Where the server serves this source's saved page (or, with `document`, that document of a source that
   * reads several: `<dir>/<source-id>/<document>.<md|html>`); undefined only for a name that is not a file name.
   */
  urlFor(source: Pick<PricingSource, "id" | "format">, document?: Pick<SourceDocument, "name" | "format">): string | undefined;
  /** Where a URL this server served came from, and when that page was captured (when anything says so). */
  provenance(url: string): Replayed | undefined;
  /** The saved file this server serves at `url` (one of its own), or undefined when it has none there. */
  fileFor(url: string): string | undefined;
  close(): Promise<void>;
}

/** A page a replay served: the saved file, and when the page was captured from the vendor, when known. */
export interface Replayed {
  file: string;
  /** `YYYY-MM-DD` or an ISO time: from `captures.json`, a stored run's `index.json`, or a `__YYYY-MM-DD` in the file name. */
  capturedAt?: string;
}

/**
 * When each saved page was captured: `<dir>/captures.json` (`{"<name>": "2026-08-13"}`, as the demo writes it) or
 * the `pages/index.json` of the run that stored them (`fetchedAt`).
 */
async function capturesIn(roots: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const root of roots) {
    const captures = await readFile(path.join(root, "captures.json"), "utf8").catch(() => undefined);
    if (captures) {
      try {
        for (const [name, day] of Object.entries(JSON.parse(captures) as Record<string, unknown>)) if (typeof day === "string") out.set(name, day);
      } catch {
        // not ours: no capture days from it
      }
    }
    const index = await readFile(path.join(root, "index.json"), "utf8").catch(() => undefined);
    if (index) {
      try {
        for (const page of JSON.parse(index) as { file?: unknown; fetchedAt?: unknown }[]) {
          if (typeof page.file === "string" && typeof page.fetchedAt === "string") out.set(page.file.replace(/^pages\//, ""), page.fetchedAt);
        }
      } catch {
        // not a run's index
      }
    }
  }
  return out;
}

export interface ReplayOptions {
  /**
   * Let saved HTML run its scripts again (default false). A run's pages are the DOM *after* the scripts
   * ran, so running them again could build a second table; and a replay must not reach the vendor's
   * CDNs. By default HTML is served with a CSP that forbids scripts and anything not from the server.
   */
  scripts?: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  md: "text/markdown; charset=utf-8",
  html: "text/html; charset=utf-8",
};

const NO_SCRIPTS_CSP = "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";

/**
 * Serve saved pages (`<dir>/<source-id>.<md|html>` and `<dir>/<source-id>/<document>.<md|html>`, or the same
 * under `<dir>/pages/` when `dir` is a run dir) on 127.0.0.1, so a `--replay` run goes through the real http or browser path without the network.
 * A missing page is a 404, so its source fails with a reason like any other.
 */
export async function startReplayServer(dir: string, options: ReplayOptions = {}): Promise<ReplayServer> {
  const root = path.resolve(dir);
  const roots = [root, path.join(root, "pages")];

  const server = createServer(async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const name = decodeURIComponent(new URL(req.url ?? "/", "http://replay").pathname.slice(1));
    const m = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*\.(md|html)$/.exec(name);
    if (!m || name.includes("..")) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`not a saved page: /${name}\n`);
      return;
    }
    const ext = m[1] as "md" | "html";
    for (const base of roots) {
      const file = path.join(base, name);
      try {
        if (!(await stat(file)).isFile()) continue;
        const body = await readFile(file);
        const headers: Record<string, string | number> = {
          "content-type": CONTENT_TYPES[ext] ?? "text/plain; charset=utf-8",
          "content-length": body.length,
          "cache-control": "no-store",
        };
        if (ext === "html" && !options.scripts) headers["content-security-policy"] = NO_SCRIPTS_CSP;
        res.writeHead(200, headers);
        res.end(req.method === "HEAD" ? undefined : body);
        return;
      } catch {
        // not in this root
      }
    }
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`no saved page ${name} in ${root}\n`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const captures = await capturesIn(roots);
  const fileFor = (url: string): string | undefined => {
    if (!url.startsWith(`${origin}/`)) return undefined;
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    if (name.includes("..")) return undefined;
    return roots.map((r) => path.join(r, name)).find((f) => existsSync(f));
  };

  return {
    origin,
    urlFor(source, document) {
      const stem = document === undefined ? source.id : `${source.id}/${document.name}`;
      if (!/^(?:[A-Za-z0-9][A-Za-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/.test(stem) || stem.includes("..")) return undefined;
      // The document's own format first; a saved page of the other kind (a markdown copy of an HTML page) also serves.
      const exts = (document ?? source).format === "markdown" ? ["md", "html"] : ["html", "md"];
      const ext = exts.find((e) => roots.some((r) => existsSync(path.join(r, `${stem}.${e}`)))) ?? exts[0];
      return `${origin}/${stem}.${ext}`;
    },
    provenance(url) {
      const file = fileFor(url);
      if (!file) return undefined;
      const name = decodeURIComponent(new URL(url).pathname.slice(1));
      const capturedAt = captures.get(name) ?? /__(\d{4}-\d{2}-\d{2})/.exec(name)?.[1];
      return { file, ...(capturedAt ? { capturedAt } : {}) };
    },
    fileFor,
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
