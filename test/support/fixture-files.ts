import { readdirSync, statSync } from "node:fs";
import path from "node:path";

/** Every saved page under `dir` (markdown, HTML, text), in a stable order, its folders walked. */
export function fixtureFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return fixtureFiles(full);
      return /\.(md|html|txt)$/.test(name) ? [full] : [];
    });
}
