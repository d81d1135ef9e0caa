import { createRequire } from "node:module";
import type * as Playwright from "playwright-core";

const require = createRequire(import.meta.url);
let loaded: typeof Playwright | undefined;

/**
 * playwright-core, loaded on first use. Importing it takes about half a second, and most commands (validate,
 * report, a run whose pages are all plain HTTP and that takes no screenshot) never start a browser.
 */
export function playwright(): typeof Playwright {
  return (loaded ??= require("playwright-core") as typeof Playwright);
}
