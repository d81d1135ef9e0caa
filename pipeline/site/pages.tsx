/** @jsxRuntime automatic */
/** @jsxImportSource preact */
/**
 * The site's pages as JSX rendered to static HTML (preact-render-to-string): the front page (per vendor, each
 * source's state last night and the entries by age), one page per model, and the price changes. Pure: data in
 * (model.ts), HTML text out. Every link is relative, so the site reads the same from file:// and from GitHub
 * Pages; no script, no external font or stylesheet.
 */
import type { ComponentChildren } from "preact";
import { renderToStaticMarkup } from "preact-render-to-string";
import type { ModelEntry } from "../../schemas/model-entry.ts";
import { comparePriceKeys, type Unit, unitOf } from "../../schemas/price-key.ts";
import { historyCharts } from "./chart.ts";
import { type ChangeItem, type EntryView, modelHref, pagesOf, type SiteModel, type SourceView, unitsOf, vendorName, type VendorView } from "./model.ts";
import { factorInWords, formatPercent, formatUsd, longDate, multiplierInWords, pageName, priceKeyInWords, replacementsInWords, tierOf, unitHeading } from "./words.ts";

function document(title: string, root: string, body: ComponentChildren, model: SiteModel): string {
  const html = renderToStaticMarkup(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <style dangerouslySetInnerHTML={{ __html: STYLESHEET_TEXT }} />
        <link rel="alternate" type="application/atom+xml" title="Price changes" href={`${root}feed.xml`} />
      </head>
      <body>
        <header>
          <nav aria-label="Site">
            <a href={`${root}index.html`}>Catalog freshness</a>
            <a href={`${root}changes.html`}>Price changes</a>
            <a href={`${root}feed.xml`}>Atom feed</a>
            <a href={`${root}catalog.json`}>catalog.json</a>
          </nav>
        </header>
        <main>{body}</main>
        <footer>
          <p>
            Built {model.input.builtAt.slice(0, 10)} from {model.input.entries.length} catalog entries
            {model.input.report ? `, with the run of ${model.input.report.runDate}${model.input.report.dryRun ? " (a dry run)" : ""}` : ", without a run report"}.
            Whole catalog: <a href={`${root}catalog.json`}>catalog.json</a> (<a href={`${root}catalog.schema.json`}>its JSON Schema</a>).
          </p>
        </footer>
      </body>
    </html>,
  );
  return `<!doctype html>\n${html}\n`;
}

/** A link to a page off the site: only http(s) is ever a link (a URL read from a page or a report is vendor text). */
function Ext({ href, children }: { href: string; children: ComponentChildren }) {
  return /^https?:\/\//i.test(href) ? <a href={href}>{children}</a> : <span>{children}</span>;
}

const STATE_WORDS: Record<SourceView["state"], string> = {
  read: "read",
  partial: "partial",
  failed: "failed",
  "not run": "not run",
  "no run given": "unknown (no run given)",
};

function Counts({ vendor }: { vendor: VendorView }) {
  return (
    <p class="counts">
      {vendor.entries.length + vendor.retired.length} entries · <strong>{vendor.stale} stale</strong> · {vendor.scheduledPrices} scheduled price(s) ·{" "}
      {vendor.retired.length} retired
      {vendor.pullRequests.length > 0 || vendor.sources.some((s) => s.report) ? (
        <>
          {" "}
          · {vendor.pullRequests.length} open price-change PR(s)
          {vendor.pullRequests.length > 0 ? ": " : ""}
          {vendor.pullRequests.map((pr, i) => (
            <>
              {i > 0 ? ", " : ""}
              {pr.url ? <Ext href={pr.url}>#{pr.number}</Ext> : <span>{pr.source}{pr.action.startsWith("would-") ? " (dry run: would open)" : ""}</span>}
            </>
          ))}
        </>
      ) : null}
    </p>
  );
}

function SourcesTable({ vendor }: { vendor: VendorView }) {
  if (vendor.sources.length === 0) return <p>No pipeline source reads this vendor's pages.</p>;
  return (
    <table class="sources">
      <caption>Sources on the last night</caption>
      <thead>
        <tr>
          <th scope="col">Source</th>
          <th scope="col">State</th>
          <th scope="col">What happened</th>
        </tr>
      </thead>
      <tbody>
        {vendor.sources.map((s) => (
          <tr data-source={s.id}>
            <th scope="row">
              <Ext href={s.url}>{s.id}</Ext>
            </th>
            <td>
              <span class={`state state-${s.state.replace(/ /g, "-")}`}>{STATE_WORDS[s.state]}</span>
            </td>
            <td>
              {s.report ? <SourceSummary source={s} /> : s.state === "not run" ? "The run did not include this source." : "—"}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SourceSummary({ source }: { source: SourceView }) {
  const r = source.report!;
  const c = r.counts;
  return (
    <>
      <p>
        {c.observations} price(s) read; {c.verified} verified, {c.changed} changed, {c.reshaped} reshaped, {c.missing} missing
        {r.page?.fetchedAt ? `; fetched ${r.page.fetchedAt.replace("T", " ").replace(/\.\d+Z$/, " UTC").replace(/Z$/, " UTC")}` : ""}.
      </p>
      {source.reason ? <p class="reason">{source.reason}</p> : null}
      {source.nextStep ? (
        <p class="next">
          <strong>Next:</strong> {source.nextStep}
        </p>
      ) : null}
    </>
  );
}

function EntriesTable({ vendor, staleAfterDays }: { vendor: VendorView; staleAfterDays: number }) {
  if (vendor.entries.length === 0) return null;
  return (
    <table class="entries">
      <caption>Entries by age of their last verification, oldest first (stale after {staleAfterDays} days)</caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Last verified</th>
          <th scope="col">Age</th>
          <th scope="col">Prices</th>
          <th scope="col">Scheduled</th>
        </tr>
      </thead>
      <tbody>
        {vendor.entries.map((v) => (
          <tr class={v.stale ? "stale" : undefined} data-model={v.entry.id}>
            <th scope="row">
              <a href={v.href}>{v.entry.name}</a> <code>{v.entry.id}</code>
            </th>
            <td>{v.entry.lastVerified}</td>
            <td>
              {v.ageDays} day(s){v.stale ? <span class="badge stale-badge"> stale</span> : null}
            </td>
            <td>{Object.keys(v.entry.prices).length}</td>
            <td>{v.entry.scheduledPrices?.length ?? 0}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RetiredTable({ vendor }: { vendor: VendorView }) {
  if (vendor.retired.length === 0) return null;
  return (
    <table class="retired">
      <caption>Retired entries (no source expects them; never stale)</caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Retired</th>
          <th scope="col">Last verified</th>
        </tr>
      </thead>
      <tbody>
        {vendor.retired.map((v) => (
          <tr data-model={v.entry.id}>
            <th scope="row">
              <a href={v.href}>{v.entry.name}</a> <code>{v.entry.id}</code>
            </th>
            <td>{v.entry.retired}</td>
            <td>{v.entry.lastVerified}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function frontPage(model: SiteModel): string {
  const { input, freshness } = model;
  const report = input.report;
  const openPrs = model.vendors.reduce((n, v) => n + v.pullRequests.length, 0);
  return document(
    "Catalog freshness",
    "",
    <>
      <h1>Catalog freshness</h1>
      <p class="lede">
        {freshness.entries} entries from {model.vendors.length} vendors; ages are counted to {longDate(input.asOf)}. An entry is stale when its prices were last
        verified on its vendor's page more than {input.staleAfterDays} days before that (as <code>npm run catalog -- report</code> counts).
      </p>
      <ul class="totals">
        <li>
          <strong>{freshness.stale}</strong> stale
        </li>
        <li>
          <strong>{model.vendors.reduce((n, v) => n + v.scheduledPrices, 0)}</strong> scheduled price(s)
        </li>
        <li>
          <strong>{freshness.retired}</strong> retired
        </li>
        {report ? (
          <li>
            <strong>{openPrs}</strong> open price-change PR(s)
          </li>
        ) : null}
        <li>
          <a href="changes.html">{model.changes.length} price change(s)</a>
        </li>
      </ul>
      <p>
        {report
          ? `The last run: ${longDate(report.runDate)}${report.dryRun ? " (a dry run: nothing was pushed)" : ""}, ${report.sources.length} source(s) run.`
          : "No run report was given: the sources' states are unknown."}
      </p>
      <nav aria-label="Vendors" class="vendors">
        {model.vendors.map((v) => (
          <a href={`#${v.vendor}`}>{v.name}</a>
        ))}
      </nav>
      {model.vendors.map((vendor) => (
        <section id={vendor.vendor} class="vendor" aria-labelledby={`h-${vendor.vendor}`}>
          <h2 id={`h-${vendor.vendor}`}>{vendor.name}</h2>
          <Counts vendor={vendor} />
          <SourcesTable vendor={vendor} />
          <EntriesTable vendor={vendor} staleAfterDays={input.staleAfterDays} />
          <RetiredTable vendor={vendor} />
        </section>
      ))}
    </>,
    model,
  );
}

/** "Last verified on April 4, 2026 against platform.openai.com/docs/pricing": the catalog site's own wording. */
function FreshnessNote({ view, pages }: { view: EntryView; pages: string[] }) {
  const { entry } = view;
  return (
    <p class="freshness-note">
      <strong>Freshness note:</strong> prices can change quickly. This profile's prices were last verified on{" "}
      <time dateTime={entry.lastVerified}>{longDate(entry.lastVerified)}</time>
      {pages.length > 0 ? (
        <>
          {" "}
          against{" "}
          {pages.map((url, i) => (
            <>
              {i > 0 ? (i === pages.length - 1 ? " and " : ", ") : ""}
              <Ext href={url}>{pageName(url)}</Ext>
            </>
          ))}
        </>
      ) : null}
      .{view.stale ? <span class="badge stale-badge"> stale: {view.ageDays} days old</span> : null}
      {entry.retired ? <span class="badge"> retired since {entry.retired}</span> : null}
    </p>
  );
}

function PriceTables({ entry }: { entry: ModelEntry }) {
  const keys = Object.keys(entry.prices).sort(comparePriceKeys);
  return (
    <>
      {unitsOf(entry).map((unit: Unit) => (
        <table class="prices" data-unit={unit}>
          <caption>USD {unitHeading(unit)}</caption>
          <thead>
            <tr>
              <th scope="col">Price</th>
              <th scope="col">Tier</th>
              <th scope="col">Key</th>
              <th scope="col" class="num">
                USD {unitHeading(unit)}
              </th>
            </tr>
          </thead>
          <tbody>
            {keys
              .filter((k) => unitOf(k) === unit)
              .map((k) => (
                <tr data-price={k}>
                  <th scope="row">{priceKeyInWords(k)}</th>
                  <td>{tierOf(k)}</td>
                  <td>
                    <code>{k}</code>
                  </td>
                  <td class="num">{formatUsd(entry.prices[k]!.usd)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      ))}
    </>
  );
}

function Multipliers({ entry }: { entry: ModelEntry }) {
  const multipliers = Object.entries(entry.multipliers ?? {});
  if (multipliers.length === 0) return null;
  return (
    <section aria-labelledby="h-multipliers">
      <h2 id="h-multipliers">Multipliers</h2>
      <p>Tiers, regions and conditions the vendor prices as a multiple of the standard prices, in the vendor's own words.</p>
      <table class="multipliers">
        <thead>
          <tr>
            <th scope="col">Applies to</th>
            <th scope="col">Factor</th>
            <th scope="col">The page says</th>
          </tr>
        </thead>
        <tbody>
          {multipliers.map(([name, m]) => (
            <tr data-multiplier={name}>
              <th scope="row">
                {multiplierInWords(name)} <code>{name}</code>
              </th>
              <td>{factorInWords(m.factor)}</td>
              <td>
                <q>{m.sentence}</q>
                {m.source ? ` (${m.source})` : ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Scheduled({ entry }: { entry: ModelEntry }) {
  const scheduled = entry.scheduledPrices ?? [];
  if (scheduled.length === 0) return null;
  return (
    <section aria-labelledby="h-scheduled">
      <h2 id="h-scheduled">Scheduled prices</h2>
      <table class="scheduled">
        <thead>
          <tr>
            <th scope="col">Price</th>
            <th scope="col">Key</th>
            <th scope="col" class="num">Today</th>
            <th scope="col" class="num">From its day</th>
            <th scope="col">Day</th>
            <th scope="col">Announced by</th>
          </tr>
        </thead>
        <tbody>
          {scheduled.map((s) => (
            <tr data-price={s.price}>
              <th scope="row">{priceKeyInWords(s.price)}</th>
              <td>
                <code>{s.price}</code>
              </td>
              <td class="num">{entry.prices[s.price] ? formatUsd(entry.prices[s.price]!.usd) : "—"}</td>
              <td class="num">
                {formatUsd(s.usd)} {unitHeading(s.unit)}
              </td>
              <td>
                <time dateTime={s.from}>{longDate(s.from)}</time>
              </td>
              <td>{s.source ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function oldToNew(c: ChangeItem): string {
  const unit = unitHeading(c.unit);
  if (c.old !== undefined && c.new !== undefined) return `${formatUsd(c.old)} → ${formatUsd(c.new)} ${unit}`;
  if (c.old !== undefined) {
    const by = c.replacedBy && c.replacedBy.length > 0 ? `; now ${replacementsInWords(c.old, c.replacedBy)}` : "";
    return `${formatUsd(c.old)} ${unit} → no longer priced${by}`;
  }
  return `new: ${formatUsd(c.new!)} ${unit}`;
}

function changeStatus(c: ChangeItem): string {
  if (c.status === "recorded") return "in the catalog";
  if (c.status === "scheduled") return "scheduled";
  const pr = c.pullRequest;
  if (pr?.number !== undefined) return `proposed in PR #${pr.number}`;
  return pr?.action.startsWith("would-") || !pr ? "proposed (dry run)" : "proposed";
}

function History({ view, changes, asOf }: { view: EntryView; changes: readonly ChangeItem[]; asOf: string }) {
  const entry = view.entry;
  const mine = changes.filter((c) => c.model === entry.id);
  const charts = historyCharts(entry, mine, asOf);
  return (
    <section aria-labelledby="h-history">
      <h2 id="h-history">Price history</h2>
      {charts.length === 0 ? (
        <p>
          No price of this model has changed since the catalog began tracking it (released {entry.releaseDate}
          {entry.releaseDateApproximate ? ", approximately" : ""}).
        </p>
      ) : (
        <>
          <p class="chart-key">
            One chart per unit; every key of that unit on one scale. Solid: a price the catalog records; dotted from the left: since when is not recorded; dashed:
            scheduled, or proposed by the last run; ○: the last day an old price held.
          </p>
          {charts.map((c) => (
            <figure class="chart" data-unit={c.unit}>
              <div dangerouslySetInnerHTML={{ __html: c.svg }} />
              <figcaption>USD {unitHeading(c.unit)}: {c.keys.length} key(s)</figcaption>
            </figure>
          ))}
          <ChangesTable changes={mine} showModel={false} root="../../" />
        </>
      )}
    </section>
  );
}

function Evidence({ model, entry }: { model: SiteModel; entry: ModelEntry }) {
  const files = model.input.evidence?.get(entry.id);
  if (!files?.screenshot && !files?.chart) return null;
  return (
    <section aria-labelledby="h-evidence">
      <h2 id="h-evidence">Evidence from the last run</h2>
      {files.screenshot ? (
        <figure class="evidence">
          <img
            src={`../../${files.screenshot.file}`}
            alt={`The price table of ${entry.name} on the ${files.screenshot.source} page as the run saw it, the rows it read highlighted: ${files.screenshot.rows.join("; ")}`}
          />
          <figcaption>The table the new prices came from ({files.screenshot.source}), as rendered on {model.input.report?.runDate}.</figcaption>
        </figure>
      ) : null}
      {files.chart ? (
        <figure class="evidence">
          <img src={`../../${files.chart}`} alt={`The run's chart of ${entry.name}'s proposed change against its history`} />
          <figcaption>The chart the run attached to its pull request.</figcaption>
        </figure>
      ) : null}
    </section>
  );
}

function Sources({ model, entry }: { model: SiteModel; entry: ModelEntry }) {
  const report = model.input.report;
  const documents = (report?.sources ?? [])
    .filter((s) => entry.sources.some((ref) => ref.source === s.source))
    .flatMap((s) => (s.documents ?? (s.page ? [s.page] : [])).map((d) => ({ source: s.source, ...d })));
  return (
    <section aria-labelledby="h-sources">
      <h2 id="h-sources">Sources</h2>
      <ul class="sources">
        {entry.sources.map((s) => (
          <li>
            <strong>{s.source}</strong>: {s.url ? <Ext href={s.url}>{pageName(s.url)}</Ext> : <code>{s.file}</code>}
            {s.note ? ` — ${s.note}` : ""}
          </li>
        ))}
      </ul>
      {documents.length > 0 ? (
        <>
          <h3>Documents the last run read</h3>
          <ul class="documents">
            {documents.map((d) => (
              <li>
                {d.source} › <Ext href={d.finalUrl ?? d.url}>{d.document || pageName(d.finalUrl ?? d.url)}</Ext>: HTTP {d.status}, fetched {d.fetchedAt}, sha256 <code>{d.sha256.slice(0, 12)}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

export function modelPage(model: SiteModel, view: EntryView): string {
  const entry = view.entry;
  const pages = pagesOf(entry, model.input.sources);
  const na = (n: number | undefined) => (n === undefined ? "not stated by any source yet" : n === 0 ? "not applicable" : `${n.toLocaleString("en-US")} tokens`);
  return document(
    `${entry.name} — prices and freshness`,
    "../../",
    <>
      <nav aria-label="Breadcrumb" class="crumbs">
        <a href="../../index.html">Catalog freshness</a> › <a href={`../../index.html#${entry.vendor}`}>{vendorName(entry.vendor)}</a>
      </nav>
      <h1>{entry.name}</h1>
      <p class="id">
        <code>{entry.id}</code> · {entry.family} · {entry.kind}
      </p>
      <FreshnessNote view={view} pages={pages} />
      <p>{entry.summary}</p>
      <dl class="facts">
        <dt>Last verified</dt>
        <dd>
          <time dateTime={entry.lastVerified}>{entry.lastVerified}</time> ({view.ageDays} day(s) before {model.input.asOf})
        </dd>
        <dt>Released</dt>
        <dd>
          {entry.releaseDate}
          {entry.releaseDateApproximate ? " (approximate: a catalog date)" : ""}
        </dd>
        <dt>Context window</dt>
        <dd>{na(entry.contextWindow)}</dd>
        <dt>Maximum output</dt>
        <dd>{na(entry.maxOutput)}</dd>
        {entry.retired ? (
          <>
            <dt>Retired</dt>
            <dd>{entry.retired}</dd>
          </>
        ) : null}
      </dl>
      <section aria-labelledby="h-prices">
        <h2 id="h-prices">Prices today</h2>
        <PriceTables entry={entry} />
      </section>
      <Multipliers entry={entry} />
      <Scheduled entry={entry} />
      <History view={view} changes={model.changes} asOf={model.input.asOf} />
      <Evidence model={model} entry={entry} />
      <Sources model={model} entry={entry} />
    </>,
    model,
  );
}

function ChangesTable({ changes, showModel, root }: { changes: readonly ChangeItem[]; showModel: boolean; root: string }) {
  return (
    <table class="changes">
      <caption>Price changes, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Day</th>
          {showModel ? <th scope="col">Model</th> : null}
          <th scope="col">Price</th>
          <th scope="col">Old → new</th>
          <th scope="col" class="num">Change</th>
          <th scope="col">Status</th>
          <th scope="col">Source page</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr data-model={c.model} data-price={c.price} data-status={c.status}>
            <td>
              <time dateTime={c.day}>{c.day}</time>
            </td>
            {showModel ? (
              <th scope="row">
                <a href={`${root}${modelHref(c.model)}`}>{c.modelName}</a>
              </th>
            ) : null}
            <td>
              {priceKeyInWords(c.price)} <code>{c.price}</code>
            </td>
            <td>{oldToNew(c)}</td>
            <td class="num">{c.percent === undefined ? "—" : formatPercent(c.percent)}</td>
            <td>{c.pullRequest?.url ? <Ext href={c.pullRequest.url}>{changeStatus(c)}</Ext> : changeStatus(c)}</td>
            <td>
              {c.pages.map((url, i) => (
                <>
                  {i > 0 ? ", " : ""}
                  <Ext href={url}>{pageName(url)}</Ext>
                </>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function changesPage(model: SiteModel): string {
  return document(
    "Price changes",
    "",
    <>
      <h1>Price changes</h1>
      <p class="lede">
        Every price change the catalog records (<code>priceHistory</code>), every price a vendor has announced for a later day (<code>scheduledPrices</code>)
        {model.input.report ? ", and every change the last run proposes for review" : ""}, newest first. Subscribe: <a href="feed.xml">Atom feed</a>.
      </p>
      {model.changes.length === 0 ? <p>No price change is recorded.</p> : <ChangesTable changes={model.changes} showModel={true} root="" />}
    </>,
    model,
  );
}

/** Inline in every page (about 2.5 kB): nothing to fetch, so file:// needs no second request. */
const STYLESHEET_TEXT = `:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-soft: #f6f8fa; --link: #0550ae; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fff; }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 16px; }
header nav { display: flex; gap: 16px; flex-wrap: wrap; padding: 12px 0; border-bottom: 1px solid var(--line); }
header nav a:first-child { font-weight: 600; }
a { color: var(--link); }
h1 { font-size: 1.7rem; margin: 20px 0 8px; }
h2 { font-size: 1.3rem; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1.05rem; }
.lede { color: var(--fg); max-width: 75ch; }
.totals { display: flex; gap: 20px; flex-wrap: wrap; list-style: none; padding: 0; }
.vendors { display: flex; gap: 12px; flex-wrap: wrap; }
table { border-collapse: collapse; width: 100%; margin: 12px 0 20px; font-size: 14px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
thead th { background: var(--bg-soft); }
tbody th { font-weight: 500; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--bg-soft); padding: 1px 4px; border-radius: 4px; }
.state { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; font-size: 13px; border: 1px solid; }
.state-read { color: #116329; background: #dafbe1; }
.state-partial { color: #7d4e00; background: #fff8c5; }
.state-failed { color: #a40e26; background: #ffebe9; }
.state-not-run, .state-no-run-given { color: var(--muted); background: var(--bg-soft); }
.reason, .next { margin: 4px 0; overflow-wrap: anywhere; }
.badge { font-weight: 600; }
.stale-badge { color: #a40e26; }
tr.stale th, tr.stale td { background: #fff5f5; }
.freshness-note { background: var(--bg-soft); border-left: 4px solid #0969da; padding: 8px 12px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
figure { margin: 12px 0; overflow-x: auto; }
figure svg, figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption, .chart-key, .counts, footer { color: var(--muted); font-size: 14px; }
footer { border-top: 1px solid var(--line); margin-top: 32px; padding-top: 8px; }
`;
