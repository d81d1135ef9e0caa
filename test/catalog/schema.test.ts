import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderJsonSchema, JSON_SCHEMA_PATH } from "../../pipeline/catalog/json-schema.ts";
import { schemaProblems } from "../../pipeline/catalog/load.ts";
import { entryRules } from "../../pipeline/catalog/validate.ts";
import { ModelEntry } from "../../schemas/model-entry.ts";
import { comparePriceKeys, PriceKey, unitOf } from "../../schemas/price-key.ts";

const example = JSON.parse(readFileSync("catalog/openai/gpt-image-1-mini.json", "utf8"));

function issuesOf(value: unknown): string[] {
  const parsed = ModelEntry.safeParse(value);
  return parsed.success ? [] : schemaProblems(parsed.error.issues).map((p) => `${p.pointer}: ${p.message}`);
}

describe("model entry schema", () => {
  it("accepts the gpt-image-1-mini profile as the site shows it", () => {
    expect(issuesOf(example)).toEqual([]);
    expect(example.prices["image:low:1024x1024"].usd).toBe(0.004);
    expect(example.lastVerified).toBe("2026-04-04");
    expect(example.releaseDateApproximate).toBe(true);
  });

  it("rejects a negative price", () => {
    const bad = structuredClone(example);
    bad.prices["image:low:1024x1024"].usd = -0.004;
    expect(issuesOf(bad)).toEqual([expect.stringContaining("/prices/image:low:1024x1024/usd")]);
  });

  it("rejects a price that is not a number", () => {
    const bad = structuredClone(example);
    bad.prices["image:low:1024x1024"].usd = "abc";
    expect(issuesOf(bad)).toEqual([expect.stringContaining("/prices/image:low:1024x1024/usd")]);
  });

  it("rejects an unknown price key", () => {
    const bad = structuredClone(example);
    bad.prices["per_image_low"] = { usd: 0.004, unit: "image" };
    expect(issuesOf(bad).join("\n")).toMatch(/not a price key/);
  });

  it("rejects a unit that does not fit the key", () => {
    const bad = structuredClone(example);
    bad.prices["image:low:1024x1024"].unit = "1M tokens";
    expect(issuesOf(bad).join("\n")).toMatch(/unit of image:low:1024x1024 must be "image"/);
  });

  it.each(["2026-4-4", "04/04/2026", "2026-02-30", "yesterday"])("rejects lastVerified %s", (date) => {
    const bad = structuredClone(example);
    bad.lastVerified = date;
    expect(issuesOf(bad)).toEqual([expect.stringMatching(/^\/lastVerified: /)]);
  });

  it("rejects unknown fields, so a typo cannot hide a value", () => {
    const bad = structuredClone(example);
    bad.lastVerfied = "2026-04-04";
    expect(issuesOf(bad).join("\n")).toMatch(/lastVerfied/);
  });

  it("flags an id that does not match its path, and a vendor that does not match the id", () => {
    const entry = ModelEntry.parse({ ...example, id: "openai/gpt-image-1", vendor: "google" });
    const problems = entryRules(entry, "catalog/openai/gpt-image-1-mini.json", "openai/gpt-image-1-mini.json");
    expect(problems.map((p) => `${p.pointer}: ${p.message}`)).toEqual([
      "/id: id openai/gpt-image-1 belongs in openai/gpt-image-1.json, not openai/gpt-image-1-mini.json",
      '/vendor: vendor "google" does not match id openai/gpt-image-1',
    ]);
  });

  it("flags price history that is not newest first", () => {
    const entry = ModelEntry.parse({
      ...example,
      priceHistory: [
        { price: "image:low:1024x1024", usd: 0.005, unit: "image", until: "2025-01-01" },
        { price: "image:low:1024x1024", usd: 0.006, unit: "image", until: "2026-01-01" },
      ],
    });
    const problems = entryRules(entry, "x", "openai/gpt-image-1-mini.json");
    expect(problems.map((p) => p.pointer)).toEqual(["/priceHistory/1/until"]);
  });
});

describe("price keys", () => {
  it.each([
    "input",
    "cached_input",
    "batch/output",
    "fast/input@over_200k",
    "input@off_peak",
    "image_output",
    "image:low:1024x1024",
    "image:hd:1024x1792",
    "image",
    "image:2k",
    "audio_input",
    "video_per_second:720p",
    "batch/video_per_second",
    "audio_input_per_minute",
    "transcription_per_hour@streaming",
    "output_per_1m_characters",
    "ocr_per_page",
    "search_per_request@high_context",
  ])("accepts %s", (key) => expect(PriceKey.safeParse(key).success).toBe(true));

  it.each(["Input", "standard/input", "batch/", "input@", "image:low", "image:low:1024", "output@over 200k", "tokens", "video_per_day", "per_second", "video_per_second:"])(
    "rejects %s",
    (key) => expect(PriceKey.safeParse(key).success).toBe(false),
  );

  it("knows the unit of each key", () => {
    expect(unitOf("batch/cached_input@long")).toBe("1M tokens");
    expect(unitOf("image_output")).toBe("1M tokens");
    expect(unitOf("image:medium:1024x1536")).toBe("image");
    expect(unitOf("image")).toBe("image");
    expect(unitOf("image:2k")).toBe("image");
    expect(unitOf("video_per_second:1080p")).toBe("second");
    expect(unitOf("batch/audio_output_per_minute")).toBe("minute");
    expect(unitOf("transcription_per_hour")).toBe("hour");
    expect(unitOf("input_per_1m_characters")).toBe("1M characters");
    expect(unitOf("ocr_per_page")).toBe("page");
    expect(unitOf("search_per_request")).toBe("request");
    expect(unitOf("audio_output")).toBe("1M tokens");
  });

  it("refuses a price whose unit is not its key's", () => {
    const bad = structuredClone(example);
    bad.prices["video_per_second:720p"] = { usd: 0.05, unit: "minute" };
    expect(issuesOf(bad).join("\n")).toMatch(/unit of video_per_second:720p must be "second"/);
  });

  it("orders keys the way a reader expects: standard tier first, input before output", () => {
    const keys = ["batch/output", "output", "input@over_200k", "cached_input", "image:high:1024x1024", "input", "image:low:1024x1024", "fast/input"];
    expect(keys.sort(comparePriceKeys)).toEqual([
      "input",
      "input@over_200k",
      "cached_input",
      "output",
      "image:low:1024x1024",
      "image:high:1024x1024",
      "batch/output",
      "fast/input",
    ]);
  });
});

describe("JSON Schema export", () => {
  it(`${JSON_SCHEMA_PATH} is what the zod schema generates (run: npm run catalog -- schema)`, () => {
    expect(readFileSync(JSON_SCHEMA_PATH, "utf8")).toBe(renderJsonSchema());
  });
});
