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
