/**
 * A local stand-in for the part of GitHub's REST API that the publish step uses.
 *
 * - It answers the way GitHub answers, in GitHub's JSON shapes. Branch data comes
 *   from a real bare git repository (the `origin` of the checkout under test), read with `git`.
 * - It checks every request against GitHub's official OpenAPI description
 *   (`@octokit/openapi`, api.github.com.json). The path and method must exist there,
 *   path and query parameters must be declared there with valid values, and the JSON body must
 *   validate against the operation's requestBody schema (ajv, strict off, formats on).
 *   A broken request gets a 400 and is recorded in `violations`.
 * - Every response it builds itself is validated against the operation's response schema.
 *   Mismatches (bugs in this server) are recorded in `responseViolations`.
 * - Requests it does not serve get GitHub's 404 and are recorded in `unexpected`.
 *
 * The token is never written to a response or to the recorded data.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export interface StartGitHubServerOptions {
  /** The only token the server accepts (`Authorization: token X` or `Bearer X`). */
  token: string;
  owner: string;
  repo: string;
  /** A real bare git repository: the `origin` of the checkout under test. */
  bareRepoPath: string;
  /** Default: "main". */
  defaultBranch?: string;
  /** Login of the token's user, the author of PRs and comments. Default: "github-actions[bot]". */
  login?: string;
  /** Login used by `closePull(n, { byMaintainer: true })` and `mergePull`. Default: "maintainer". */
  maintainerLogin?: string;
  /** Clock. Default: `() => new Date()`. */
  now?: () => Date;
}

export type CloseReason = "api" | "maintainer" | "head-branch-deleted" | "merged";

/** A pull request as the server stores it (GitHub field names). */
export interface PullRecord {
  number: number;
  id: number;
  node_id: string;
  title: string;
  body: string | null;
  state: "open" | "closed";
  draft: boolean;
  maintainer_can_modify: boolean;
  /** `sha` follows the branch in the bare repo while the PR is open (as on GitHub). */
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
  /** Label names, in the order they were applied. */
  labels: string[];
  merged: boolean;
  merged_at: string | null;
  merge_commit_sha: string | null;
  merged_by: string | null;
  closed_at: string | null;
  closed_by: string | null;
  close_reason: CloseReason | null;
  created_at: string;
  updated_at: string;
  /** Login of the author. */
  user: string;
}

export interface CommentRecord {
  id: number;
  issue_number: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

/** An issue that is not a pull request (GitHub numbers both from one sequence). */
export interface IssueRecord {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  state_reason: "completed" | "not_planned" | "reopened" | null;
  labels: string[];
  user: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface GitHubState {
  /** Plain issues (the rolling failure issue). */
  issues: IssueRecord[];
  pulls: PullRecord[];
  comments: CommentRecord[];
  /** Repository labels (created explicitly or by adding a new label to an issue). */
  labels: LabelRecord[];
}

export interface RecordedRequest {
  method: string;
  /** Pathname as sent (percent-encoded), e.g. `/repos/o/r/pulls`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body (or the raw text if it was not JSON); `undefined` if there was none. */
  body: unknown;
  /** `operationId` in GitHub's OpenAPI description, e.g. `pulls/create`, if the route exists there. */
  operationId: string | undefined;
  /** Selected request headers (never `authorization`). */
  headers: Record<string, string>;
  /** How the request authenticated; the token itself is never recorded. */
  auth: "valid" | "invalid" | "missing";
  /** Response status, filled in when the response is sent. */
  status: number;
  /** True if the answer came from `fail(...)`. */
  injected: boolean;
  at: string;
}

export interface Violation {
  method: string;
  path: string;
  operationId: string | undefined;
  reasons: string[];
}

export interface UnexpectedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  reason: string;
}

export interface FailureRule {
  /** HTTP method to match (any if omitted). */
  method?: string;
  /** Matched against the pathname (any if omitted). */
  path?: RegExp;
  status: number;
  /** How many matching requests fail. Default 1. `Infinity` for all. */
  times?: number;
  /** Extra/overriding response headers, e.g. `{ "x-ratelimit-remaining": "0" }`. */
  headers?: Record<string, string>;
  /** Response body. Default: GitHub's body for that status. */
  body?: unknown;
}

export interface FailureHandle {
  /** Failures still to be served by this rule. */
  readonly remaining: number;
  /** Requests answered by this rule so far. */
  readonly used: number;
  cancel(): void;
}

export interface GitHubServer {
  /** `http://127.0.0.1:PORT`: use as Octokit `baseUrl` / `GITHUB_API_URL`. */
  url: string;
  state: GitHubState;
  requests: RecordedRequest[];
  /** Requests that do not conform to GitHub's OpenAPI description (or leak the token). */
  violations: Violation[];
  /** Requests the server does not serve (answered 404 Not Found). */
  unexpected: UnexpectedRequest[];
  /** Responses of this server that do not match the OpenAPI response schema, and internal errors. */
  responseViolations: Violation[];
  fail(rule: FailureRule): FailureHandle;
  /** Simulate someone closing PR `number` on github.com. */
  closePull(number: number, options?: { byMaintainer?: boolean }): PullRecord;
  /**
   * Simulate a maintainer merging PR `number`: by default creates a real merge commit in the bare
   * repo and moves the base branch to it (`updateBase: false` only flips the PR's state).
   */
  mergePull(number: number, options?: { updateBase?: boolean }): Promise<PullRecord>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// OpenAPI description
// ---------------------------------------------------------------------------------------------

type JsonObject = { [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface OpenApiParameter {
  name: string;
  in: string;
  required: boolean;
  schema: JsonObject | undefined;
  /** Key of the compiled schema, if any. */
  key: string | undefined;
}

interface SpecOperation {
  method: string;
  template: string;
  operationId: string;
  regex: RegExp;
  pathParamNames: string[];
  literalLength: number;
  literalSegments: number;
  parameters: OpenApiParameter[];
  requestBody: { required: boolean; schema: JsonObject | undefined; key: string | undefined } | undefined;
  /** status code → key of the compiled JSON response schema */
  responses: Map<string, string>;
}

interface RequestCheck {
  operation: SpecOperation | undefined;
  pathParams: Record<string, string>;
  /** The path (or path + method) is not in the OpenAPI description. */
  routeMissing: boolean;
  reasons: string[];
}

const SPEC_ID = "github-openapi";
const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

class OpenApi {
  readonly components: JsonObject;
  readonly operations: SpecOperation[] = [];
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(file: string) {
    const doc = JSON.parse(readFileSync(file, "utf8")) as JsonObject;
    this.components = isObject(doc.components) ? doc.components : {};
    const paths = isObject(doc.paths) ? doc.paths : {};
    const ops: JsonObject = {};
    let index = 0;
    for (const [template, rawItem] of Object.entries(paths)) {
      const item = this.deref(rawItem);
      if (!isObject(item)) continue;
      const shared = Array.isArray(item.parameters) ? item.parameters : [];
      for (const method of HTTP_METHODS) {
        const rawOp = item[method];
        if (!isObject(rawOp)) continue;
        const i = index++;
        const parameters = new Map<string, OpenApiParameter>();
        for (const rawParam of [...shared, ...(Array.isArray(rawOp.parameters) ? rawOp.parameters : [])]) {
          const param = this.deref(rawParam);
          if (!isObject(param) || typeof param.name !== "string" || typeof param.in !== "string") continue;
          const schema = isObject(param.schema) ? param.schema : undefined;
          const key = schema ? `o${i}_p${parameters.size}` : undefined;
          if (schema && key) ops[key] = schema;
          parameters.set(`${param.in}:${param.name}`, {
            name: param.name,
            in: param.in,
            required: param.required === true || param.in === "path",
            schema,
            key,
          });
        }
        let requestBody: SpecOperation["requestBody"];
        const rawBody = this.deref(rawOp.requestBody);
        if (isObject(rawBody)) {
          const schema = jsonSchemaOf(rawBody.content);
          const key = schema ? `o${i}_body` : undefined;
          if (schema && key) ops[key] = schema;
          requestBody = { required: rawBody.required === true, schema, key };
        }
        const responses = new Map<string, string>();
        if (isObject(rawOp.responses)) {
          for (const [status, rawResponse] of Object.entries(rawOp.responses)) {
            const response = this.deref(rawResponse);
            const schema = isObject(response) ? jsonSchemaOf(response.content) : undefined;
            if (!schema) continue;
            const key = `o${i}_r${status}`;
            ops[key] = schema;
            responses.set(status, key);
          }
        }
        const pathParamNames: string[] = [];
        const pattern = template
          .split("/")
          .map((segment) =>
            segment.replace(/\{([^}]+)\}|([^{]+)/g, (_match, name: string | undefined, literal: string | undefined) => {
              if (name !== undefined) {
                pathParamNames.push(name);
                return "([^/]+)";
              }
              return (literal ?? "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
            }),
          )
          .join("/");
        this.operations.push({
          method: method.toUpperCase(),
          template,
          operationId: typeof rawOp.operationId === "string" ? rawOp.operationId : `${method} ${template}`,
          regex: new RegExp(`^${pattern}$`),
          pathParamNames,
          literalLength: template.replace(/\{[^}]+\}/g, "").length,
          literalSegments: template.split("/").filter((s) => s !== "" && !s.includes("{")).length,
          parameters: [...parameters.values()],
          requestBody,
          responses,
        });
      }
    }
    // Most specific templates first: `/pulls/comments` before `/pulls/{pull_number}`.
    this.operations.sort((a, b) => b.literalSegments - a.literalSegments || b.literalLength - a.literalLength);

    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    // ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, whose `.default` is the plugin.
    addFormatsModule.default(this.ajv);
    // Formats the description uses that ajv-formats does not know (e.g. `repo.nwo`) are accepted as is.
    const formats = new Set<string>();
    collectFormats(doc, formats);
    // OpenAPI 3.0's `nullable` beside an `allOf`/`anyOf` with no `type` of its own (the issue schema's
    // `milestone`, `pull_request` …) is an error to ajv; such a schema already admits what its parts admit.
    dropUntypedNullable(doc);
    for (const format of formats) {
      if (!(format in this.ajv.formats)) this.ajv.addFormat(format, true);
    }
    // One schema document: `#/components/schemas/...` refs resolve inside it; operation schemas under `#/ops/`.
    this.ajv.addSchema({ $id: SPEC_ID, components: { schemas: this.components.schemas }, ops });
  }

  /** Resolve an OpenAPI-level `$ref` (`#/components/parameters/x`, `#/components/responses/x`, ...). */
  deref(value: unknown): unknown {
    let current = value;
    for (let depth = 0; depth < 10 && isObject(current) && typeof current.$ref === "string"; depth++) {
      const ref = current.$ref;
      if (!ref.startsWith("#/components/")) return current;
      let target: unknown = this.components;
      for (const part of ref.slice("#/components/".length).split("/")) {
        const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
        target = isObject(target) ? target[key] : undefined;
      }
      current = target;
    }
    return current;
  }

  validator(key: string): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.getSchema(`${SPEC_ID}#/ops/${key}`);
      if (!validate) throw new Error(`no schema ${key} in the OpenAPI description`);
      this.validators.set(key, validate);
    }
    return validate;
  }

  errorsText(errors: ErrorObject[] | null | undefined, dataVar: string): string {
    return this.ajv.errorsText(errors, { dataVar, separator: "; " });
  }

  /** Check a request against the description. */
  checkRequest(method: string, pathname: string, query: URLSearchParams, body: { present: boolean; value: unknown; parseError?: string }): RequestCheck {
    const reasons: string[] = [];
    let candidates: { op: SpecOperation; match: RegExpExecArray }[] = [];
    for (const op of this.operations) {
      const match = op.regex.exec(pathname);
      if (match) candidates.push({ op, match });
    }
    if (candidates.length === 0) {
      return { operation: undefined, pathParams: {}, routeMissing: true, reasons: [`${method} ${pathname}: no such path in GitHub's OpenAPI description`] };
    }
    candidates = candidates.filter((c) => c.op.method === method);
    const chosen = candidates[0];
    if (!chosen) {
      return { operation: undefined, pathParams: {}, routeMissing: true, reasons: [`${method} ${pathname}: method ${method} is not defined for this path in GitHub's OpenAPI description`] };
    }
    const { op, match } = chosen;
    const pathParams: Record<string, string> = {};
    op.pathParamNames.forEach((name, i) => {
      const raw = match[i + 1] ?? "";
      try {
        pathParams[name] = decodeURIComponent(raw);
      } catch {
        pathParams[name] = raw;
        reasons.push(`path parameter "${name}" is not valid percent-encoding`);
      }
    });
    const where = `${op.operationId} (${op.method} ${op.template})`;
    for (const param of op.parameters) {
      if (param.in === "path") {
        const value = pathParams[param.name];
        if (value !== undefined) this.checkParam(param, value, reasons);
      }
      if (param.in === "query" && param.required && !query.has(param.name)) {
        reasons.push(`required query parameter "${param.name}" is missing for ${where}`);
      }
    }
    const seen = new Set<string>();
    for (const [name, value] of query) {
      const param = op.parameters.find((p) => p.in === "query" && p.name === name);
      if (!param) {
        reasons.push(`unknown query parameter "${name}" for ${where}`);
        continue;
      }
      if (seen.has(name)) reasons.push(`query parameter "${name}" is repeated`);
      seen.add(name);
      this.checkParam(param, value, reasons);
    }
    if (body.parseError) {
      reasons.push(`request body is not valid JSON: ${body.parseError}`);
    } else if (op.requestBody) {
      if (!body.present) {
        if (op.requestBody.required) reasons.push(`request body is required for ${where}`);
      } else if (op.requestBody.key) {
        const validate = this.validator(op.requestBody.key);
        if (!validate(body.value)) reasons.push(`request body does not match the schema of ${where}: ${this.errorsText(validate.errors, "body")}`);
        const declared = this.declaredProperties(op.requestBody.schema);
        if (declared && isObject(body.value)) {
          for (const key of Object.keys(body.value)) {
            if (!declared.has(key)) reasons.push(`request body property "${key}" is not declared for ${where} (GitHub ignores it)`);
          }
        }
      }
    } else if (body.present && !(isObject(body.value) && Object.keys(body.value).length === 0)) {
      reasons.push(`${where} takes no request body`);
    }
    return { operation: op, pathParams, routeMissing: false, reasons };
  }

  private checkParam(param: OpenApiParameter, raw: string, reasons: string[]): void {
    if (!param.key || !param.schema) return;
    const validate = this.validator(param.key);
    const value = coerceParam(param.schema, raw);
    if (!validate(value)) {
      reasons.push(`${param.in} parameter "${param.name}"=${JSON.stringify(raw)}: ${this.errorsText(validate.errors, param.name)}`);
    }
  }

  /** Top-level property names a body schema declares; `undefined` if it accepts anything. */
  declaredProperties(schema: unknown, depth = 0): Set<string> | undefined {
    if (depth > 5) return undefined;
    const resolved = this.derefSchema(schema);
    if (!isObject(resolved)) return undefined;
    if (resolved.additionalProperties !== undefined && resolved.additionalProperties !== false) return undefined;
    const names = new Set<string>();
    let any = false;
    if (isObject(resolved.properties)) {
      any = true;
      for (const key of Object.keys(resolved.properties)) names.add(key);
    }
    for (const keyword of ["oneOf", "anyOf", "allOf"]) {
      const branches = resolved[keyword];
      if (!Array.isArray(branches)) continue;
      for (const branch of branches) {
        const nested = this.declaredProperties(branch, depth + 1);
        if (nested === undefined) {
          const b = this.derefSchema(branch);
          if (isObject(b) && b.type !== undefined && b.type !== "object") continue; // e.g. a string branch
          return undefined;
        }
        any = true;
        for (const key of nested) names.add(key);
      }
    }
    return any ? names : undefined;
  }

  private derefSchema(schema: unknown): unknown {
    if (isObject(schema) && typeof schema.$ref === "string" && schema.$ref.startsWith("#/components/schemas/")) {
      const schemas = isObject(this.components.schemas) ? this.components.schemas : {};
      return schemas[schema.$ref.slice("#/components/schemas/".length)];
    }
    return schema;
  }

  /** Validate a response this server built. Returns the problems (empty if fine or undocumented). */
  checkResponse(op: SpecOperation, status: number, body: unknown): string[] {
    const key = op.responses.get(String(status));
    if (!key) return [];
    const validate = this.validator(key);
    if (validate(body)) return [];
    return [`response ${status} of ${op.operationId} does not match the schema: ${this.errorsText(validate.errors, "response")}`];
  }
}

function jsonSchemaOf(content: unknown): JsonObject | undefined {
  if (!isObject(content)) return undefined;
  for (const [type, media] of Object.entries(content)) {
    if ((type === "application/json" || type.endsWith("+json")) && isObject(media) && isObject(media.schema)) return media.schema;
  }
  return undefined;
}

function dropUntypedNullable(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) dropUntypedNullable(item);
  } else if (isObject(value)) {
    if ("nullable" in value && !("type" in value)) {
      const parts = (value.allOf ?? value.anyOf ?? value.oneOf) as unknown;
      // Keep null allowed: wrap the composition as "this, or null".
      if (Array.isArray(parts) && value.nullable === true) {
        const { nullable: _n, ...rest } = value;
        for (const k of Object.keys(value)) delete value[k];
        Object.assign(value, { anyOf: [rest, { type: "null" }] });
      } else delete value.nullable;
    }
    for (const item of Object.values(value)) dropUntypedNullable(item);
  }
}

function collectFormats(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectFormats(item, into);
  } else if (isObject(value)) {
    if (typeof value.format === "string") into.add(value.format);
    for (const item of Object.values(value)) collectFormats(item, into);
  }
}

function coerceParam(schema: JsonObject, raw: string): unknown {
  switch (schema.type) {
    case "integer":
    case "number":
      return raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case "boolean":
      return raw === "true" ? true : raw === "false" ? false : raw;
    case "array":
      return raw.split(",");
    default:
      return raw;
  }
}

let cachedSpec: OpenApi | undefined;

/** GitHub's OpenAPI description (loaded once per process). */
export function githubOpenApi(): OpenApi {
  if (!cachedSpec) {
    const require = createRequire(import.meta.url);
    const packageDir = path.dirname(require.resolve("@octokit/openapi/package.json"));
    cachedSpec = new OpenApi(path.join(packageDir, "generated", "api.github.com.json"));
  }
  return cachedSpec;
}

// ---------------------------------------------------------------------------------------------
// git
// ---------------------------------------------------------------------------------------------

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

function git(bare: string, args: string[], env?: NodeJS.ProcessEnv): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile("git", ["-C", bare, ...args], { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A file of a commit, as bytes (an image), or undefined when there is none. */
function gitBlob(bare: string, commit: string, file: string): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    execFile("git", ["-C", bare, "show", `${commit}:${file}`], { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => resolve(error ? undefined : stdout));
  });
}

const RAW_TYPES: Record<string, string> = { ".png": "image/png", ".svg": "image/svg+xml", ".json": "application/json", ".md": "text/plain; charset=utf-8" };

async function branchSha(bare: string, branch: string): Promise<string | undefined> {
  if (branch === "" || branch.startsWith("-")) return undefined;
  const result = await git(bare, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`]);
  const sha = result.stdout.trim();
  return result.code === 0 && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
}

/** Every branch's commit, by branch name, in one git call (a listing syncs every open PR: two calls each showed). */
async function branchShas(bare: string): Promise<Map<string, string>> {
  const result = await git(bare, ["for-each-ref", "--format=%(objectname) %(refname)", "refs/heads/"]);
  const shas = new Map<string, string>();
  if (result.code !== 0) return shas;
  for (const line of result.stdout.split("\n")) {
    const m = /^([0-9a-f]{40,64}) refs\/heads\/(.+)$/.exec(line.trim());
    if (m) shas.set(m[2]!, m[1]!);
  }
  return shas;
}

async function countCommits(bare: string, from: string, to: string): Promise<number> {
  const result = await git(bare, ["rev-list", "--count", `${from}..${to}`]);
  return result.code === 0 ? Number(result.stdout.trim()) : 0;
}

async function diffStats(bare: string, from: string, to: string): Promise<{ files: number; additions: number; deletions: number }> {
  const result = await git(bare, ["diff", "--shortstat", `${from}...${to}`]);
  const text = result.stdout;
  const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  return { files: num(/(\d+) files? changed/), additions: num(/(\d+) insertions?\(\+\)/), deletions: num(/(\d+) deletions?\(-\)/) };
}

async function mergeTree(bare: string, base: string, head: string): Promise<{ clean: boolean; tree: string | undefined }> {
  const result = await git(bare, ["merge-tree", "--write-tree", base, head]);
  const tree = result.stdout.split("\n")[0]?.trim();
  return { clean: result.code === 0, tree: tree || undefined };
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

const DOCS = "https://docs.github.com/rest";
const DOCS_CREATE_PULL = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request";
const DOCS_UPDATE_PULL = "https://docs.github.com/rest/pulls/pulls#update-a-pull-request";
const RECORDED_HEADERS = ["accept", "user-agent", "content-type", "x-github-api-version"];

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: JsonObject,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body.message === "string" ? body.message : `HTTP ${status}`);
  }
}

function githubError(status: number, message: string, documentationUrl = DOCS, extra: JsonObject = {}): HttpError {
  return new HttpError(status, { message, ...extra, documentation_url: documentationUrl, status: String(status) });
}

function validationFailed(errors: JsonObject[], documentationUrl: string): HttpError {
  return githubError(422, "Validation Failed", documentationUrl, { errors });
}

function notFound(documentationUrl = DOCS): HttpError {
  return githubError(404, "Not Found", documentationUrl);
}

function defaultFailureBody(status: number, headers: Record<string, string>): JsonObject {
  const doc = (message: string, url = DOCS) => ({ message, documentation_url: url, status: String(status) });
  switch (status) {
    case 401:
      return doc("Bad credentials");
    case 403:
      return headers["x-ratelimit-remaining"] === "0"
        ? doc("API rate limit exceeded for user ID 1.", "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api")
        : doc("Resource not accessible by integration");
    case 404:
      return doc("Not Found");
    case 422:
      return { message: "Validation Failed", errors: [], documentation_url: DOCS, status: "422" };
    case 429:
      return doc("You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits");
    case 502:
      return doc("Server Error");
    case 503:
      return doc("Service Unavailable");
    default:
      return status >= 500 ? doc("Server Error") : doc(`HTTP ${status}`);
  }
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Context {
  op: SpecOperation;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  pathname: string;
}

export async function startGitHubServer(options: StartGitHubServerOptions): Promise<GitHubServer> {
  if (!options.token) throw new Error("startGitHubServer: a non-empty token is required");
  const spec = githubOpenApi();
  const token = options.token;
  const owner = options.owner;
  const repo = options.repo;
  const bare = options.bareRepoPath;
  const defaultBranch = options.defaultBranch ?? "main";
  const login = options.login ?? "github-actions[bot]";
  const maintainerLogin = options.maintainerLogin ?? "maintainer";
  const clock = options.now ?? (() => new Date());
  const timestamp = () => clock().toISOString().replace(/\.\d{3}Z$/, "Z");
  const startedAt = timestamp();

  const state: GitHubState = { issues: [], pulls: [], comments: [], labels: [] };
  const requests: RecordedRequest[] = [];
  const violations: Violation[] = [];
  const unexpected: UnexpectedRequest[] = [];
  const responseViolations: Violation[] = [];
  const failures: { rule: FailureRule; remaining: number; used: number }[] = [];
  let nextIssueNumber = 1;
  let nextCommentId = 1;
  let nextLabelId = 1;
  let apiUrl = "";
  const htmlUrl = `https://github.com/${owner}/${repo}`;
  const repoApi = () => `${apiUrl}/repos/${owner}/${repo}`;

  // One request at a time, like a consistent backend: no races between "exists?" and "create".
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const scrub = (text: string) => text.split(token).join("[REDACTED]");

  // --- JSON shapes -------------------------------------------------------------------------

  const userIds = new Map<string, number>();
  const userObject = (name: string): JsonObject => {
    let id = userIds.get(name);
    if (id === undefined) {
      id = 1000 + userIds.size;
      userIds.set(name, id);
    }
    const u = `${apiUrl}/users/${encodeURIComponent(name)}`;
    return {
      login: name,
      id,
      node_id: nodeId("U", id),
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      gravatar_id: "",
      url: u,
      html_url: `https://github.com/${encodeURIComponent(name)}`,
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
      type: name.endsWith("[bot]") ? "Bot" : name === owner ? "Organization" : "User",
      site_admin: false,
    };
  };

  const repositoryObject = (): JsonObject => {
    const r = repoApi();
    const openIssues = state.pulls.filter((p) => p.state === "open").length;
    return {
      id: 424242,
      node_id: nodeId("R", 424242),
      name: repo,
      full_name: `${owner}/${repo}`,
      owner: userObject(owner),
      private: false,
      html_url: htmlUrl,
      description: null,
      fork: false,
      url: r,
      archive_url: `${r}/{archive_format}{/ref}`,
      assignees_url: `${r}/assignees{/user}`,
      blobs_url: `${r}/git/blobs{/sha}`,
      branches_url: `${r}/branches{/branch}`,
      collaborators_url: `${r}/collaborators{/collaborator}`,
      comments_url: `${r}/comments{/number}`,
      commits_url: `${r}/commits{/sha}`,
      compare_url: `${r}/compare/{base}...{head}`,
      contents_url: `${r}/contents/{+path}`,
      contributors_url: `${r}/contributors`,
      deployments_url: `${r}/deployments`,
      downloads_url: `${r}/downloads`,
      events_url: `${r}/events`,
      forks_url: `${r}/forks`,
      git_commits_url: `${r}/git/commits{/sha}`,
      git_refs_url: `${r}/git/refs{/sha}`,
      git_tags_url: `${r}/git/tags{/sha}`,
      git_url: `git://github.com/${owner}/${repo}.git`,
      issue_comment_url: `${r}/issues/comments{/number}`,
      issue_events_url: `${r}/issues/events{/number}`,
      issues_url: `${r}/issues{/number}`,
      keys_url: `${r}/keys{/key_id}`,
      labels_url: `${r}/labels{/name}`,
      languages_url: `${r}/languages`,
      merges_url: `${r}/merges`,
      milestones_url: `${r}/milestones{/number}`,
      notifications_url: `${r}/notifications{?since,all,participating}`,
      pulls_url: `${r}/pulls{/number}`,
      releases_url: `${r}/releases{/id}`,
      ssh_url: `git@github.com:${owner}/${repo}.git`,
      stargazers_url: `${r}/stargazers`,
      statuses_url: `${r}/statuses/{sha}`,
      subscribers_url: `${r}/subscribers`,
      subscription_url: `${r}/subscription`,
      tags_url: `${r}/tags`,
      teams_url: `${r}/teams`,
      trees_url: `${r}/git/trees{/sha}`,
      clone_url: `${htmlUrl}.git`,
      mirror_url: null,
      hooks_url: `${r}/hooks`,
      svn_url: htmlUrl,
      homepage: null,
      language: "TypeScript",
      forks_count: 0,
      forks: 0,
      stargazers_count: 0,
      watchers_count: 0,
      watchers: 0,
      size: 100,
      default_branch: defaultBranch,
      open_issues_count: openIssues,
      open_issues: openIssues,
      is_template: false,
      topics: [],
      has_issues: true,
      has_projects: true,
      has_wiki: false,
      has_pages: false,
      has_downloads: true,
      has_discussions: false,
      archived: false,
      disabled: false,
      visibility: "public",
      pushed_at: startedAt,
      created_at: "2024-01-01T00:00:00Z",
      updated_at: startedAt,
      permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
      allow_rebase_merge: true,
      allow_squash_merge: true,
      allow_merge_commit: true,
      allow_auto_merge: false,
      delete_branch_on_merge: false,
      allow_forking: true,
      web_commit_signoff_required: false,
      license: null,
      network_count: 0,
      subscribers_count: 0,
    };
  };

  const labelObject = (label: LabelRecord): JsonObject => ({
    id: label.id,
    node_id: nodeId("LA", label.id),
    url: `${repoApi()}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    description: label.description,
    color: label.color,
    default: false,
  });

  const findLabel = (name: string) => state.labels.find((l) => l.name.toLowerCase() === name.toLowerCase());

  const ensureLabel = (name: string): LabelRecord => {
    let label = findLabel(name);
    if (!label) {
      label = { id: nextLabelId++, name, color: "ededed", description: null };
      state.labels.push(label);
    }
    return label;
  };

  const authorAssociation = (name: string) => (name === owner ? "OWNER" : name === maintainerLogin ? "MEMBER" : "NONE");

  const pullObject = async (pr: PullRecord, full: boolean): Promise<JsonObject> => {
    const p = `${repoApi()}/pulls/${pr.number}`;
    const i = `${repoApi()}/issues/${pr.number}`;
    const h = `${htmlUrl}/pull/${pr.number}`;
    const repository = repositoryObject();
    const object: JsonObject = {
      url: p,
      id: pr.id,
      node_id: pr.node_id,
      html_url: h,
      diff_url: `${h}.diff`,
      patch_url: `${h}.patch`,
      issue_url: i,
      commits_url: `${p}/commits`,
      review_comments_url: `${p}/comments`,
      review_comment_url: `${repoApi()}/pulls/comments{/number}`,
      comments_url: `${i}/comments`,
      statuses_url: `${repoApi()}/statuses/${pr.head.sha}`,
      number: pr.number,
      state: pr.state,
      locked: false,
      title: pr.title,
      user: userObject(pr.user),
      body: pr.body,
      // The description types a PR's label descriptions as (non-null) strings.
      labels: pr.labels.map((name) => ({ ...labelObject(ensureLabel(name)), description: ensureLabel(name).description ?? "" })),
      milestone: null,
      active_lock_reason: null,
      created_at: pr.created_at,
      updated_at: pr.updated_at,
      closed_at: pr.closed_at,
      merged_at: pr.merged_at,
      merge_commit_sha: pr.merge_commit_sha,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: { label: `${owner}:${pr.head.ref}`, ref: pr.head.ref, sha: pr.head.sha, user: userObject(owner), repo: repository },
      base: { label: `${owner}:${pr.base.ref}`, ref: pr.base.ref, sha: pr.base.sha, user: userObject(owner), repo: repository },
      _links: {
        self: { href: p },
        html: { href: h },
        issue: { href: i },
        comments: { href: `${i}/comments` },
        review_comments: { href: `${p}/comments` },
        review_comment: { href: `${repoApi()}/pulls/comments{/number}` },
        commits: { href: `${p}/commits` },
        statuses: { href: `${repoApi()}/statuses/${pr.head.sha}` },
      },
      author_association: authorAssociation(pr.user),
      auto_merge: null,
      draft: pr.draft,
    };
    if (!full) return object; // list items are `pull-request-simple`: no merged/mergeable/counts
    const commits = await countCommits(bare, pr.base.sha, pr.head.sha);
    const stats = await diffStats(bare, pr.base.sha, pr.head.sha);
    let mergeable: boolean | null = null;
    let mergeableState = "unknown";
    if (pr.state === "open") {
      const merge = await mergeTree(bare, pr.base.sha, pr.head.sha);
      mergeable = merge.clean;
      mergeableState = merge.clean ? "clean" : "dirty";
    }
    return {
      ...object,
      merged: pr.merged,
      mergeable,
      rebaseable: mergeable,
      mergeable_state: mergeableState,
      merged_by: pr.merged_by ? userObject(pr.merged_by) : null,
      comments: state.comments.filter((c) => c.issue_number === pr.number).length,
      review_comments: 0,
      maintainer_can_modify: pr.maintainer_can_modify,
      commits,
      additions: stats.additions,
      deletions: stats.deletions,
      changed_files: stats.files,
    };
  };

  const issueObject = (issue: IssueRecord): JsonObject => {
    const i = `${repoApi()}/issues/${issue.number}`;
    return {
      id: issue.id,
      node_id: nodeId("I", issue.id),
      url: i,
      repository_url: repoApi(),
      labels_url: `${i}/labels{/name}`,
      comments_url: `${i}/comments`,
      events_url: `${i}/events`,
      html_url: `${htmlUrl}/issues/${issue.number}`,
      number: issue.number,
      state: issue.state,
      // The description's enum for it has no null (although it is nullable): GitHub's open issues carry null.
      ...(issue.state_reason ? { state_reason: issue.state_reason } : {}),
      title: issue.title,
      body: issue.body,
      user: userObject(issue.user),
      labels: issue.labels.map((name) => labelObject(ensureLabel(name))),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: state.comments.filter((c) => c.issue_number === issue.number).length,
      closed_at: issue.closed_at,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_by: null,
      author_association: authorAssociation(issue.user),
    };
  };

  const commentObject = (comment: CommentRecord): JsonObject => ({
    id: comment.id,
    node_id: nodeId("IC", comment.id),
    url: `${repoApi()}/issues/comments/${comment.id}`,
    html_url: `${htmlUrl}/${findIssue(comment.issue_number) ? "issues" : "pull"}/${comment.issue_number}#issuecomment-${comment.id}`,
    body: comment.body,
    user: userObject(comment.user),
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    issue_url: `${repoApi()}/issues/${comment.issue_number}`,
    author_association: authorAssociation(comment.user),
  });

  // --- PR bookkeeping --------------------------------------------------------------------------

  /** Follow the bare repo, as GitHub does on push: open PRs track their branches; deleting the head branch closes the PR. */
  const syncPull = async (pr: PullRecord, shas?: ReadonlyMap<string, string>): Promise<void> => {
    if (pr.state !== "open") return;
    const head = shas ? shas.get(pr.head.ref) : await branchSha(bare, pr.head.ref);
    const base = shas ? shas.get(pr.base.ref) : await branchSha(bare, pr.base.ref);
    if (base) pr.base.sha = base;
    if (!head) {
      pr.state = "closed";
      pr.closed_at = timestamp();
      pr.updated_at = pr.closed_at;
      pr.close_reason = "head-branch-deleted";
      return;
    }
    if (head !== pr.head.sha) {
      pr.head.sha = head;
      pr.updated_at = timestamp();
    }
  };
  const syncAll = async () => {
    if (!state.pulls.some((pr) => pr.state === "open")) return;
    const shas = await branchShas(bare);
    for (const pr of state.pulls) await syncPull(pr, shas);
  };

  const findPull = (number: number) => state.pulls.find((p) => p.number === number);

  const findIssue = (number: number) => state.issues.find((i) => i.number === number);

  /** The pull request or plain issue an `issues/…` route names: both carry comments and labels. */
  const issueNumber = (ctx: Context): PullRecord | IssueRecord => {
    const n = Number(ctx.params.issue_number ?? ctx.params.pull_number);
    const found = findPull(n) ?? findIssue(n);
    if (!found) throw notFound();
    return found;
  };

  /** `owner:branch` or `branch` → branch name in this repository, or undefined for another owner. */
  const headBranch = (head: string): string | undefined => {
    const colon = head.indexOf(":");
    if (colon === -1) return head;
    return head.slice(0, colon).toLowerCase() === owner.toLowerCase() ? head.slice(colon + 1) : undefined;
  };

  // --- pagination ----------------------------------------------------------------------------

  const paginate = <T>(items: T[], ctx: Context): { items: T[]; headers: Record<string, string> } => {
    const perPage = Math.min(100, Math.max(1, Number(ctx.query.get("per_page") ?? 30) || 30));
    const page = Math.max(1, Number(ctx.query.get("page") ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const pageUrl = (n: number) => {
      const q = new URLSearchParams(ctx.query);
      q.set("per_page", String(perPage));
      q.set("page", String(n));
      return `<${apiUrl}${ctx.pathname}?${q.toString()}>`;
    };
    const links: string[] = [];
    if (page > 1) links.push(`${pageUrl(Math.min(page - 1, last))}; rel="prev"`);
    if (page < last) links.push(`${pageUrl(page + 1)}; rel="next"`, `${pageUrl(last)}; rel="last"`);
    if (page > 1) links.push(`${pageUrl(1)}; rel="first"`);
    return { items: items.slice((page - 1) * perPage, page * perPage), headers: links.length ? { link: links.join(", ") } : {} };
  };

  // --- handlers ------------------------------------------------------------------------------

  const bodyObject = (ctx: Context): JsonObject => (isObject(ctx.body) ? ctx.body : {});

  const labelNames = (raw: unknown): string[] => {
    const list = isObject(raw) ? raw.labels : raw;
    if (!Array.isArray(list)) return [];
    return list.map((l) => (isObject(l) ? String(l.name) : String(l)));
  };

  const applyLabels = (pr: PullRecord | IssueRecord, names: string[], replace: boolean) => {
    const next = replace ? [] : [...pr.labels];
    for (const name of names) {
      const label = ensureLabel(name);
      if (!next.some((n) => n.toLowerCase() === label.name.toLowerCase())) next.push(label.name);
    }
    pr.labels = next;
    pr.updated_at = timestamp();
  };

  const handlers: Record<string, (ctx: Context) => Promise<Reply>> = {
    "repos/get": async () => ({ status: 200, body: repositoryObject() }),

    "pulls/list": async (ctx) => {
      await syncAll();
      const stateFilter = ctx.query.get("state") ?? "open";
      const head = ctx.query.get("head");
      const base = ctx.query.get("base");
      let pulls = state.pulls.filter((p) => stateFilter === "all" || p.state === stateFilter);
      // GitHub only honours `head` in the `user:ref-name` form; a bare branch name is ignored.
      if (head !== null && head.includes(":")) {
        const branch = headBranch(head);
        pulls = pulls.filter((p) => branch !== undefined && p.head.ref === branch);
      }
      if (base !== null) pulls = pulls.filter((p) => p.base.ref === base);
      const sort = ctx.query.get("sort") ?? "created";
      const direction = ctx.query.get("direction") ?? (sort === "created" ? "desc" : "asc");
      const keyOf = (p: PullRecord) => (sort === "updated" ? p.updated_at : p.created_at) + String(p.number).padStart(10, "0");
      pulls.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0) * (direction === "desc" ? -1 : 1));
      const page = paginate(pulls, ctx);
      const body: JsonObject[] = [];
      for (const pr of page.items) body.push(await pullObject(pr, false));
      return { status: 200, body, headers: page.headers };
    },

    "pulls/create": async (ctx) => {
      await syncAll();
      const input = bodyObject(ctx);
      const headInput = typeof input.head === "string" ? input.head : "";
      const baseRef = typeof input.base === "string" ? input.base : "";
      if (typeof input.title !== "string" || input.title.trim() === "") {
        throw validationFailed([{ resource: "PullRequest", code: "missing_field", field: "title" }], DOCS_CREATE_PULL);
      }
      const baseSha = await branchSha(bare, baseRef);
      if (!baseSha) throw validationFailed([{ resource: "PullRequest", field: "base", code: "invalid" }], DOCS_CREATE_PULL);
      const headRef = headBranch(headInput);
      const headSha = headRef === undefined ? undefined : await branchSha(bare, headRef);
      if (headRef === undefined || !headSha) throw validationFailed([{ resource: "PullRequest", field: "head", code: "invalid" }], DOCS_CREATE_PULL);
      if (state.pulls.some((p) => p.state === "open" && p.head.ref === headRef && p.base.ref === baseRef)) {
        throw validationFailed([{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${owner}:${headRef}.` }], DOCS_CREATE_PULL);
      }
      if ((await countCommits(bare, baseSha, headSha)) === 0) {
        throw validationFailed([{ resource: "PullRequest", code: "custom", message: `No commits between ${baseRef} and ${headRef}` }], DOCS_CREATE_PULL);
      }
      const now = timestamp();
      const number = nextIssueNumber++;
      const pr: PullRecord = {
        number,
        id: 900000 + number,
        node_id: nodeId("PR", 900000 + number),
        title: input.title,
        body: typeof input.body === "string" ? input.body : null,
        state: "open",
        draft: input.draft === true,
        maintainer_can_modify: input.maintainer_can_modify === true,
        head: { ref: headRef, sha: headSha },
        base: { ref: baseRef, sha: baseSha },
        labels: [],
        merged: false,
        merged_at: null,
        merge_commit_sha: null,
        merged_by: null,
        closed_at: null,
        closed_by: null,
        close_reason: null,
        created_at: now,
        updated_at: now,
        user: login,
      };
      state.pulls.push(pr);
      return { status: 201, body: await pullObject(pr, true), headers: { location: `${repoApi()}/pulls/${number}` } };
    },

    "pulls/get": async (ctx) => {
      const pr = findPull(Number(ctx.params.pull_number));
      if (!pr) throw notFound("https://docs.github.com/rest/pulls/pulls#get-a-pull-request");
      await syncPull(pr);
      return { status: 200, body: await pullObject(pr, true) };
    },

    "pulls/update": async (ctx) => {
      const pr = findPull(Number(ctx.params.pull_number));
      if (!pr) throw notFound(DOCS_UPDATE_PULL);
      await syncPull(pr);
      const input = bodyObject(ctx);
      if (typeof input.base === "string" && input.base !== pr.base.ref) {
        const sha = await branchSha(bare, input.base);
        if (!sha) throw validationFailed([{ resource: "PullRequest", field: "base", code: "invalid" }], DOCS_UPDATE_PULL);
        if (pr.state === "closed") throw validationFailed([{ resource: "PullRequest", code: "custom", message: "Cannot change the base branch of a closed pull request." }], DOCS_UPDATE_PULL);
        pr.base = { ref: input.base, sha };
      }
      if (input.state === "open" && pr.state === "closed") {
        if (pr.merged) throw validationFailed([{ resource: "PullRequest", code: "custom", message: "state cannot be changed. The pull request has been merged." }], DOCS_UPDATE_PULL);
        const sha = await branchSha(bare, pr.head.ref);
        if (!sha) throw validationFailed([{ resource: "PullRequest", code: "custom", message: "state cannot be changed. The repository that submitted this pull request has been deleted." }], DOCS_UPDATE_PULL);
        if (state.pulls.some((p) => p !== pr && p.state === "open" && p.head.ref === pr.head.ref && p.base.ref === pr.base.ref)) {
          throw validationFailed([{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${owner}:${pr.head.ref}.` }], DOCS_UPDATE_PULL);
        }
        pr.state = "open";
        pr.head.sha = sha;
        pr.closed_at = null;
        pr.closed_by = null;
        pr.close_reason = null;
      } else if (input.state === "closed" && pr.state === "open") {
        pr.state = "closed";
        pr.closed_at = timestamp();
        pr.closed_by = login;
        pr.close_reason = "api";
      }
      if (typeof input.title === "string") pr.title = input.title;
      if (typeof input.body === "string") pr.body = input.body;
      if (typeof input.maintainer_can_modify === "boolean") pr.maintainer_can_modify = input.maintainer_can_modify;
      pr.updated_at = timestamp();
      return { status: 200, body: await pullObject(pr, true) };
    },

    "issues/list-for-repo": async (ctx) => {
      // Plain issues only: the pipeline never lists pull requests through this route (GitHub would add them).
      const stateFilter = ctx.query.get("state") ?? "open";
      const labels = (ctx.query.get("labels") ?? "").split(",").map((l) => l.trim().toLowerCase()).filter(Boolean);
      const issues = state.issues
        .filter((i) => stateFilter === "all" || i.state === stateFilter)
        .filter((i) => labels.every((l) => i.labels.some((n) => n.toLowerCase() === l)))
        .sort((a, b) => b.number - a.number);
      const page = paginate(issues, ctx);
      return { status: 200, body: page.items.map(issueObject), headers: page.headers };
    },

    "issues/create": async (ctx) => {
      const input = bodyObject(ctx);
      if (typeof input.title !== "string" || input.title.trim() === "") {
        throw validationFailed([{ resource: "Issue", code: "missing_field", field: "title" }], "https://docs.github.com/rest/issues/issues#create-an-issue");
      }
      const now = timestamp();
      const number = nextIssueNumber++;
      const issue: IssueRecord = {
        number,
        id: 700000 + number,
        title: input.title,
        body: typeof input.body === "string" ? input.body : null,
        state: "open",
        state_reason: null,
        labels: [],
        user: login,
        created_at: now,
        updated_at: now,
        closed_at: null,
      };
      applyLabels(issue, labelNames(input.labels ?? []), true);
      state.issues.push(issue);
      return { status: 201, body: issueObject(issue), headers: { location: `${repoApi()}/issues/${number}` } };
    },

    "issues/get": async (ctx) => {
      const issue = findIssue(Number(ctx.params.issue_number));
      if (!issue) throw notFound("https://docs.github.com/rest/issues/issues#get-an-issue");
      return { status: 200, body: issueObject(issue) };
    },

    "issues/update": async (ctx) => {
      const issue = findIssue(Number(ctx.params.issue_number));
      if (!issue) throw notFound("https://docs.github.com/rest/issues/issues#update-an-issue");
      const input = bodyObject(ctx);
      if (typeof input.title === "string") issue.title = input.title;
      if (typeof input.body === "string") issue.body = input.body;
      if (input.state === "closed" && issue.state === "open") {
        issue.state = "closed";
        issue.closed_at = timestamp();
        issue.state_reason = input.state_reason === "not_planned" ? "not_planned" : "completed";
      } else if (input.state === "open" && issue.state === "closed") {
        issue.state = "open";
        issue.closed_at = null;
        issue.state_reason = "reopened";
      }
      if (input.labels !== undefined) applyLabels(issue, labelNames(input.labels), true);
      issue.updated_at = timestamp();
      return { status: 200, body: issueObject(issue) };
    },

    "issues/list-comments": async (ctx) => {
      const pr = issueNumber(ctx);
      const since = ctx.query.get("since");
      const comments = state.comments.filter((c) => c.issue_number === pr.number && (since === null || c.updated_at >= since));
      const page = paginate(comments, ctx);
      return { status: 200, body: page.items.map(commentObject), headers: page.headers };
    },

    "issues/create-comment": async (ctx) => {
      const pr = issueNumber(ctx);
      const input = bodyObject(ctx);
      if (typeof input.body !== "string" || input.body.trim() === "") {
        throw validationFailed([{ resource: "IssueComment", code: "missing_field", field: "body" }], "https://docs.github.com/rest/issues/comments#create-an-issue-comment");
      }
      const now = timestamp();
      const comment: CommentRecord = { id: nextCommentId++, issue_number: pr.number, body: input.body, user: login, created_at: now, updated_at: now };
      state.comments.push(comment);
      pr.updated_at = now;
      return { status: 201, body: commentObject(comment), headers: { location: `${repoApi()}/issues/comments/${comment.id}` } };
    },

    "issues/list-labels-on-issue": async (ctx) => {
      const pr = issueNumber(ctx);
      const page = paginate(pr.labels, ctx);
      return { status: 200, body: page.items.map((name) => labelObject(ensureLabel(name))), headers: page.headers };
    },

    "issues/add-labels": async (ctx) => {
      const pr = issueNumber(ctx);
      applyLabels(pr, labelNames(ctx.body), false);
      return { status: 200, body: pr.labels.map((name) => labelObject(ensureLabel(name))) };
    },

    "issues/set-labels": async (ctx) => {
      const pr = issueNumber(ctx);
      applyLabels(pr, labelNames(ctx.body), true);
      return { status: 200, body: pr.labels.map((name) => labelObject(ensureLabel(name))) };
    },

    "issues/get-label": async (ctx) => {
      const label = findLabel(ctx.params.name ?? "");
      if (!label) throw notFound("https://docs.github.com/rest/issues/labels#get-a-label");
      return { status: 200, body: labelObject(label) };
    },

    "issues/list-labels-for-repo": async (ctx) => {
      const page = paginate(state.labels, ctx);
      return { status: 200, body: page.items.map(labelObject), headers: page.headers };
    },

    "issues/create-label": async (ctx) => {
      const input = bodyObject(ctx);
      const docs = "https://docs.github.com/rest/issues/labels#create-a-label";
      const name = typeof input.name === "string" ? input.name : "";
      if (name.trim() === "") throw validationFailed([{ resource: "Label", code: "missing_field", field: "name" }], docs);
      if (findLabel(name)) throw validationFailed([{ resource: "Label", code: "already_exists", field: "name" }], docs);
      const color = typeof input.color === "string" ? input.color.replace(/^#/, "") : "ededed";
      if (!/^[0-9a-fA-F]{6}$/.test(color)) throw validationFailed([{ resource: "Label", code: "invalid", field: "color" }], docs);
      const label: LabelRecord = { id: nextLabelId++, name, color: color.toLowerCase(), description: typeof input.description === "string" ? input.description : null };
      state.labels.push(label);
      return { status: 201, body: labelObject(label), headers: { location: `${repoApi()}/labels/${encodeURIComponent(name)}` } };
    },
  };

  // --- HTTP plumbing ---------------------------------------------------------------------------

  let requestCounter = 0;
  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const payload = body === undefined ? "" : scrub(JSON.stringify(body));
    const resetAt = String(Math.floor(clock().getTime() / 1000) + 3600);
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "x-github-media-type": "github.v3; format=json",
      "x-github-request-id": `LOCAL:${(++requestCounter).toString(16).toUpperCase()}`,
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": String(Math.max(1, 5000 - requestCounter)), // never fake an exhausted quota; use fail() for that
      "x-ratelimit-reset": resetAt,
      "x-ratelimit-used": String(requestCounter),
      "x-ratelimit-resource": "core",
      ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), scrub(v)])),
      "content-length": String(Buffer.byteLength(payload)),
    });
    res.end(payload);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawText = Buffer.concat(chunks).toString("utf8");
    const method = (req.method ?? "GET").toUpperCase();
    const rawUrl = req.url ?? "/";
    const leaks: string[] = [];
    if (rawUrl.includes(token) || safeDecode(rawUrl).includes(token)) leaks.push("the request URL contains the API token");
    if (rawText.includes(token)) leaks.push("the request body contains the API token");
    const url = new URL(scrub(rawUrl).split(encodeURIComponent(token)).join("[REDACTED]"), "http://127.0.0.1");
    const pathname = url.pathname;
    const query = url.searchParams;
    // The web side of the forge that PR bodies link to: a commit's file served raw, as github.com/<o>/<r>/raw/<sha>/<path> does.
    const raw = new RegExp(`^/${owner}/${repo}/raw/([0-9a-f]{40})/(.+)$`).exec(pathname);
    if (raw && method === "GET") {
      const file = safeDecode(raw[2]!);
      const bytes = file.split("/").includes("..") ? undefined : await gitBlob(bare, raw[1]!, file);
      if (!bytes) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not Found\n");
        return;
      }
      res.writeHead(200, { "content-type": RAW_TYPES[path.extname(file)] ?? "application/octet-stream", "content-length": String(bytes.length) }).end(bytes);
      return;
    }
    const text = scrub(rawText);
    let body: unknown;
    let parseError: string | undefined;
    const present = text.trim() !== "";
    if (present) {
      try {
        body = JSON.parse(text);
      } catch (error) {
        parseError = (error as Error).message;
        body = text;
      }
    }

    const authHeader = req.headers.authorization;
    let auth: RecordedRequest["auth"] = "missing";
    if (typeof authHeader === "string" && authHeader.trim() !== "") {
      const m = /^(token|bearer)\s+(.+)$/i.exec(authHeader.trim());
      auth = m && m[2] === token ? "valid" : "invalid";
    }
    const headers: Record<string, string> = {};
    for (const name of RECORDED_HEADERS) {
      const value = req.headers[name];
      if (typeof value === "string") headers[name] = scrub(value);
    }
    const check = spec.checkRequest(method, pathname, query, { present, value: body, parseError });
    const record: RecordedRequest = {
      method,
      path: pathname,
      query: Object.fromEntries(query),
      body,
      operationId: check.operation?.operationId,
      headers,
      auth,
      status: 0,
      injected: false,
      at: timestamp(),
    };
    requests.push(record);
    const reasons = [...leaks, ...check.reasons];
    if (reasons.length > 0) violations.push({ method, path: pathname, operationId: check.operation?.operationId, reasons });
    const reply = (status: number, replyBody: unknown, replyHeaders?: Record<string, string>) => {
      record.status = status;
      send(res, status, replyBody, replyHeaders);
    };

    // 1. injected faults
    const failure = failures.find((f) => {
      if (f.remaining <= 0 || (f.rule.method && f.rule.method.toUpperCase() !== method)) return false;
      if (!f.rule.path) return true;
      f.rule.path.lastIndex = 0;
      return f.rule.path.test(pathname);
    });
    if (failure) {
      failure.remaining--;
      failure.used++;
      record.injected = true;
      const extra: Record<string, string> = Object.fromEntries(Object.entries(failure.rule.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      if (extra["x-ratelimit-remaining"] === "0" && !extra["x-ratelimit-reset"]) extra["x-ratelimit-reset"] = String(Math.floor(clock().getTime() / 1000) + 60);
      reply(failure.rule.status, failure.rule.body === undefined ? defaultFailureBody(failure.rule.status, extra) : failure.rule.body, extra);
      return;
    }
    // 2. authentication
    if (auth !== "valid") {
      reply(401, { message: "Bad credentials", documentation_url: DOCS, status: "401" });
      return;
    }
    // 3. routes GitHub does not have
    const op = check.operation;
    if (check.routeMissing || !op) {
      unexpected.push({ method, path: pathname, query: record.query, reason: check.reasons.join("; ") });
      reply(404, { message: "Not Found", documentation_url: DOCS, status: "404" });
      return;
    }
    // 4. requests that do not conform to the description
    if (reasons.length > 0) {
      reply(400, { message: parseError ? "Problems parsing JSON" : reasons.join("; "), documentation_url: DOCS, status: "400" });
      return;
    }
    // 5. routes this server does not serve, and other repositories
    const handler = handlers[op.operationId];
    const sameRepo =
      check.pathParams.owner?.toLowerCase() === owner.toLowerCase() && check.pathParams.repo?.toLowerCase() === repo.toLowerCase();
    if (!handler || !sameRepo) {
      unexpected.push({
        method,
        path: pathname,
        query: record.query,
        reason: handler ? `repository ${check.pathParams.owner}/${check.pathParams.repo} is not ${owner}/${repo}` : `${op.operationId} is not served by the local GitHub server`,
      });
      reply(404, { message: "Not Found", documentation_url: DOCS, status: "404" });
      return;
    }
    // 6. serve
    try {
      const result = await serialized(() => handler({ op, params: check.pathParams, query, body, pathname }));
      const problems = spec.checkResponse(op, result.status, result.body);
      if (problems.length > 0) responseViolations.push({ method, path: pathname, operationId: op.operationId, reasons: problems });
      reply(result.status, result.body, result.headers);
    } catch (error) {
      if (error instanceof HttpError) {
        const problems = spec.checkResponse(op, error.status, error.body);
        if (problems.length > 0) responseViolations.push({ method, path: pathname, operationId: op.operationId, reasons: problems });
        reply(error.status, error.body, error.headers);
        return;
      }
      responseViolations.push({ method, path: pathname, operationId: op.operationId, reasons: [`internal error: ${(error as Error).stack ?? String(error)}`] });
      reply(500, { message: "Server Error", documentation_url: DOCS, status: "500" });
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      responseViolations.push({ method: req.method ?? "?", path: req.url ?? "?", operationId: undefined, reasons: [`internal error: ${String(error)}`] });
      if (!res.headersSent) send(res, 500, { message: "Server Error", documentation_url: DOCS, status: "500" });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  apiUrl = `http://127.0.0.1:${port}`;

  return {
    url: apiUrl,
    state,
    requests,
    violations,
    unexpected,
    responseViolations,
    fail(rule: FailureRule): FailureHandle {
      const entry = { rule, remaining: rule.times ?? 1, used: 0 };
      failures.push(entry);
      return {
        get remaining() {
          return entry.remaining;
        },
        get used() {
          return entry.used;
        },
        cancel() {
          entry.remaining = 0;
        },
      };
    },
    closePull(number: number, closeOptions: { byMaintainer?: boolean } = {}): PullRecord {
      const pr = findPull(number);
      if (!pr) throw new Error(`closePull: no pull request #${number}`);
      if (pr.state === "open") {
        pr.state = "closed";
        pr.closed_at = timestamp();
        pr.updated_at = pr.closed_at;
        pr.closed_by = closeOptions.byMaintainer === false ? pr.user : maintainerLogin;
        pr.close_reason = closeOptions.byMaintainer === false ? "api" : "maintainer";
      }
      return pr;
    },
    mergePull(number: number, mergeOptions: { updateBase?: boolean } = {}): Promise<PullRecord> {
      return serialized(async () => {
        const pr = findPull(number);
        if (!pr) throw new Error(`mergePull: no pull request #${number}`);
        await syncPull(pr);
        if (pr.state !== "open") throw new Error(`mergePull: pull request #${number} is ${pr.merged ? "merged" : "closed"}`);
        let mergeSha = pr.head.sha;
        if (mergeOptions.updateBase !== false) {
          const baseSha = await branchSha(bare, pr.base.ref);
          if (!baseSha) throw new Error(`mergePull: base branch ${pr.base.ref} is gone`);
          const merge = await mergeTree(bare, baseSha, pr.head.sha);
          if (!merge.clean || !merge.tree) throw new Error(`mergePull: #${number} does not merge cleanly into ${pr.base.ref}`);
          const env = {
            GIT_AUTHOR_NAME: maintainerLogin,
            GIT_AUTHOR_EMAIL: `${maintainerLogin}@users.noreply.github.com`,
            GIT_COMMITTER_NAME: "GitHub",
            GIT_COMMITTER_EMAIL: "noreply@github.com",
          };
          const commit = await git(bare, ["commit-tree", merge.tree, "-p", baseSha, "-p", pr.head.sha, "-m", `Merge pull request #${number} from ${owner}/${pr.head.ref}\n\n${pr.title}`], env);
          mergeSha = commit.stdout.trim();
          if (commit.code !== 0 || !mergeSha) throw new Error(`mergePull: git commit-tree failed: ${commit.stderr}`);
          const update = await git(bare, ["update-ref", `refs/heads/${pr.base.ref}`, mergeSha, baseSha]);
          if (update.code !== 0) throw new Error(`mergePull: git update-ref failed: ${update.stderr}`);
          pr.base.sha = baseSha;
        }
        const now = timestamp();
        Object.assign(pr, {
          state: "closed",
          merged: true,
          merged_at: now,
          merge_commit_sha: mergeSha,
          merged_by: maintainerLogin,
          closed_at: now,
          closed_by: maintainerLogin,
          close_reason: "merged",
          updated_at: now,
        } satisfies Partial<PullRecord>);
        return pr;
      });
    },
    close(): Promise<void> {
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(`local:${id}`).toString("base64url")}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
