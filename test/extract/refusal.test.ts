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
