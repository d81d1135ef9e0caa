import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { notAPricingPage } from "../../pipeline/extract/refusal.ts";

const page = readFileSync("test/fixtures/anthropic/platform-claude-docs-pricing__2026-08-08.md", "utf8");

describe("pages that are not (whole) pricing pages", () => {
  it("accepts a real page", () => {
    expect(notAPricingPage(page)).toBeUndefined();
  });

  it("refuses a page cut off inside a table row, where '$7.50' may have arrived as '$7'", () => {
    const cut = page.slice(0, page.indexOf("$7.50") + 2);
    expect(notAPricingPage(cut)).toBe("the page ends inside a table row: it was cut off in transfer");
  });

  it("refuses HTML whose table never closes", () => {
    expect(notAPricingPage("<html><body><table><tr><td>Claude Sonnet 4.5</td><td>$3")).toBe(
      "a table on the page is never closed: it was cut off in transfer",
    );
  });

  it.each([
    ["<html><title>Just a moment...</title><body>Checking your browser</body></html>", /bot challenge/],
    ["<html><head><title>Sign in - Console</title></head><body>Email</body></html>", /login page/],
    ["", /empty/],
  ])("refuses %j", (body, why) => {
    expect(notAPricingPage(body)).toMatch(why);
  });
});

describe("pages that are not USD price pages", () => {
  const deepseek = readFileSync("test/fixtures/deepseek/api-docs-quick_start-pricing__2026-08-13.html", "utf8");

  it("accepts the real pages, including one that shows USD and EUR side by side", () => {
    expect(notAPricingPage(deepseek)).toBeUndefined();
    expect(notAPricingPage(readFileSync("test/fixtures/mistral/pricing-page-text__2024-04-01.txt", "utf8"))).toBeUndefined();
  });

  it("counts only dollars a reader sees: none in a script, a style, an attribute or a tag left open", () => {
    const euros = "<p>€1.50 per 1M tokens, €2 per image, €3 per minute</p>";
    for (const hidden of ["<script>var p = '$5';</script>", "<SCRIPT>$5</SCRIPT>", "<style>.a:after{content:'$5'}</style>", "<div title='$5'></div>", "< <script>></script> $5 >"]) {
      expect(notAPricingPage(`<html><body>${hidden}${euros}</body></html>`), hidden).toMatch(/^not a USD price page: its 3 amounts are in EUR/);
    }
    expect(notAPricingPage(`<html><body><script>var p = '€9';</script><p>$5 per 1M tokens</p>${euros}</body></html>`)).toBeUndefined();
  });

  it("refuses a page localized into another currency (DeepSeek's zh-cn page prices in 元)", () => {
    const localized = deepseek.replace(/\$(\d[\d.]*)/g, "$1元");
    expect(notAPricingPage(localized)).toMatch(/^not a USD price page: its \d+ amounts are in CNY and none is in US dollars/);
    expect(notAPricingPage(deepseek.replace(/\$(\d[\d.]*)/g, "€$1"))).toMatch(/amounts are in EUR/);
    expect(notAPricingPage(deepseek.replace(/\$(\d[\d.]*)/g, "₩$1"))).toMatch(/amounts are in KRW/);
  });

  it("refuses the vendor's home page served in place of the price page (its canonical link is the site's root)", () => {
    const home = deepseek.replace(/rel="canonical" href="[^"]*"/, 'rel="canonical" href="https://api-docs.deepseek.com/"');
    expect(home).not.toBe(deepseek);
    expect(notAPricingPage(home)).toBe("not the price page: the page calls itself https://api-docs.deepseek.com/, the vendor's home page");
  });
});
