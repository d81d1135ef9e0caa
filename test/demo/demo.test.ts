import { describe, expect, it } from "vitest";
import { demo } from "../../pipeline/demo/demo.ts";

describe("npm run demo", () => {
  it("runs the whole loop offline and opens the gpt-image-1-mini pull request", async () => {
    const lines: string[] = [];
    const status = await demo({ print: (l) => lines.push(l) });
    const out = lines.join("\n");
    expect(status, out).toBe(0);
    expect(out).toMatch(/openai-pricing +OK +35 covered: \d+ verified, 1 changed/);
    expect(out).toMatch(/^[0-9a-f]{7} catalog: verify \d+ entries on 2026-08-15$/m);
    expect(out).toContain("=== pull request #1: openai-pricing: gpt-image-1-mini price change ===");
    expect(out).toContain("| `image:low:1024x1024` (per image) | $0.004 | $0.005 | +25.0% |");
    expect(out).toContain("demo finished: every source read, verification pushed, pull request opened");
  });
});
