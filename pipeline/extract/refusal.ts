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

/** Why this body is not a pricing page, or undefined when nothing says so. */
export function notAPricingPage(body: string): string | undefined {
  if (body.trim() === "") return "the body is empty";
  // Look only at the start and end: a real page may mention "captcha" in its prose.
  const head = body.slice(0, 8000);
  const tail = body.length > 8000 ? body.slice(-2000) : "";
  for (const { pattern, what } of NOT_A_PRICING_PAGE) {
    if (pattern.test(head) || pattern.test(tail)) return `not a pricing page: looks like ${what}`;
  }
  return undefined;
}
