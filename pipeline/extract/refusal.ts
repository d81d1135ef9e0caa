/**
 * Pages that come back 200 but are not the page we asked for: bot challenges, login walls,
 * cookie walls, error pages. Checked before any extractor runs so none of them can yield a price.
 */
const NOT_A_PRICING_PAGE: { pattern: RegExp; what: string }[] = [
  { pattern: /just a moment\.\.\.|cf-chl-|challenge-platform|cf_chl_opt|checking your browser/i, what: "a bot challenge (Cloudflare)" },
  { pattern: /attention required!? \| cloudflare|cf-error-details/i, what: "a Cloudflare block page" },
  { pattern: /captcha|are you a robot|verify you are human|px-captcha|perimeterx/i, what: "a CAPTCHA / bot check" },
  { pattern: /access denied|request blocked|you don't have permission to access/i, what: "an access-denied page" },
  { pattern: /<title>[^<]*(?:sign in|log in|login)[^<]*<\/title>|please (?:sign|log) in to continue/i, what: "a login page" },
  { pattern: /we use cookies[\s\S]{0,400}(?:accept all|reject all)[\s\S]{0,200}$/i, what: "a cookie wall with no content" },
  { pattern: /please enable javascript(?: and cookies)? to continue|you need to enable javascript to run this app/i, what: "a page that needs scripts the fetcher did not run" },
];

/** Why this body is not a (whole) pricing page, or undefined when nothing says so. */
export function notAPricingPage(body: string): string | undefined {
  if (body.trim() === "") return "the body is empty";
  const cut = cutOffInATable(body);
  if (cut) return cut;
  const home = homePage(body);
  if (home) return home;
  const currency = notInUsDollars(body);
  if (currency) return currency;
  // Look only at the start and end: a real page may mention "captcha" in its prose.
  const head = body.slice(0, 8000);
  const tail = body.length > 8000 ? body.slice(-2000) : "";
  for (const { pattern, what } of NOT_A_PRICING_PAGE) {
    if (pattern.test(head) || pattern.test(tail)) return `not a pricing page: looks like ${what}`;
  }
  return undefined;
}

/**
 * A body that stops inside a table was cut off in transfer (a close-delimited response, a cache serving
 * part of a page): its last price may be cut too ("$7.50" arriving as "$7"), and nothing at the HTTP level
 * shows it. Such a page is never read.
 */
export function cutOffInATable(body: string): string | undefined {
  const text = body.trimEnd();
  const last = text.slice(text.lastIndexOf("\n") + 1).trim();
  if (last.startsWith("|") && !last.endsWith("|")) return "the page ends inside a table row: it was cut off in transfer";
  const opened = text.match(/<table\b/gi)?.length ?? 0;
  const closed = text.match(/<\/table>/gi)?.length ?? 0;
  if (opened > closed) return "a table on the page is never closed: it was cut off in transfer";
  return undefined;
}

/**
 * A price page localised into another currency (DeepSeek's `/zh-cn/` page in 元, a EUR or KRW page): its
 * figures are not US dollars and must never be read as such. Judged on the amounts the page shows: several
 * in one other currency and none in dollars. A page that shows both (USD and EUR columns) is left to the
 * sources, which read the USD ones.
 */
const OTHER_CURRENCIES: { code: string; amount: RegExp }[] = [
  { code: "CNY", amount: /[¥￥]\s?\d|\d\s?元|\d\s?(?:CNY|RMB)\b|\b(?:CNY|RMB)\s?\d/g },
  { code: "EUR", amount: /€\s?\d|\d(?:[.,]\d+)?\s?(?:€|EUR\b)|\bEUR\s?\d/g },
  { code: "KRW", amount: /₩\s?\d|\d\s?원|\d\s?KRW\b|\bKRW\s?\d/g },
  { code: "JPY", amount: /\d\s?円|\d\s?JPY\b|\bJPY\s?\d/g },
  { code: "GBP", amount: /£\s?\d|\bGBP\s?\d/g },
];
/** One dollar amount is enough to tell (a test, not a list of every amount on the page). */
const DOLLAR_AMOUNT = /\$\s?\d|\d\s?\$|\bUSD\s?\d|\d\s?USD\b/;

export function notInUsDollars(body: string): string | undefined {
  if (dollarAmountInText(body)) return undefined;
  const text = body.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, " ").replace(/<[^>]*>/g, " ");
  if (DOLLAR_AMOUNT.test(text)) return undefined;
  for (const { code, amount } of OTHER_CURRENCIES) {
    const n = (text.match(amount) ?? []).length;
    if (n >= 3) return `not a USD price page: its ${n} amounts are in ${code} and none is in US dollars (a localized page?); the source reads the vendor's USD page`;
  }
  return undefined;
}

/**
 * A dollar amount the body shows as text: between a tag's end and the next tag's start, outside any script or
 * style. Found in the body as it is, which on a 200 KB page saves building its whole text (most of this check's
 * time); when none is found that way, `notInUsDollars` builds the text and looks again, so the answer is the same.
 */
function dollarAmountInText(body: string): boolean {
  const blocks = /<(script|style)\b|<\/(script|style)>/gi;
  let open: string | undefined;
  let blocksScanned = 0;
  for (const m of body.matchAll(DOLLAR_AMOUNTS)) {
    const at = m.index;
    // Follow script and style blocks up to here: opened by `<script`, closed by the first `</script>` after.
    blocks.lastIndex = blocksScanned;
    for (let b = blocks.exec(body); b && b.index < at; b = blocks.exec(body)) {
      if (open === undefined && b[1]) open = b[1].toLowerCase();
      else if (open !== undefined && b[2]?.toLowerCase() === open) open = undefined;
      blocksScanned = blocks.lastIndex;
    }
    if (open !== undefined) continue;
    const end = at + m[0].length;
    const afterTag = body.lastIndexOf(">", at) >= body.lastIndexOf("<", at);
    const nextLt = body.indexOf("<", end);
    const nextGt = body.indexOf(">", end);
    if (afterTag && (nextGt < 0 || (nextLt >= 0 && nextLt < nextGt))) return true;
  }
  return false;
}
const DOLLAR_AMOUNTS = new RegExp(DOLLAR_AMOUNT.source, "g");

/**
 * The vendor's home page served in place of the price page (DeepSeek's URL without its trailing slash
 * answered with the home page and HTTP 200): the page's own canonical link names the site's root.
 */
export function homePage(body: string): string | undefined {
  const head = body.slice(0, 20_000);
  const link = /<link\b[^>]*\brel=["']?canonical["']?[^>]*>/i.exec(head)?.[0];
  const href = link && /\bhref=["']([^"']+)["']/i.exec(link)?.[1];
  if (!href) return undefined;
  try {
    const url = new URL(href);
    if (url.pathname === "/" || url.pathname === "") return `not the price page: the page calls itself ${url.href}, the vendor's home page`;
  } catch {
    // a relative or broken canonical link says nothing
  }
  return undefined;
}
