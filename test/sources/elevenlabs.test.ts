import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pricesOf } from "../support/prices.ts";
import { diffSource } from "../../pipeline/diff/diff.ts";
import { elevenLabsPricingSource as source, FAMILIES } from "../../pipeline/sources/elevenlabs.ts";
import type { ModelEntry } from "../../schemas/model-entry.ts";
import { Extraction } from "../../schemas/observation.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const PAGE = path.join(REPO_ROOT, "test/fixtures/elevenlabs/elevenlabs-io-pricing-api__2026-08-13.excerpt.html");
const body = readFileSync(PAGE, "utf8");
const x = source.extract(body, "html");

/** The page's markup of one card: from its <h3> to the next, the text a reviewer checks a price against. */
function cardMarkup(name: string): string {
  const start = body.indexOf(`>${name}</h3>`);
  expect(start, `a card "${name}"`).toBeGreaterThanOrEqual(0);
  const end = body.indexOf("<h3", start);
  return body.slice(start, end < 0 ? undefined : end);
}

/** Swap one card's amount (`$0.22` → `$0.24`) in the page. */
function withCardAmount(name: string, from: string, to: string): string {
  const card = cardMarkup(name);
  return body.replace(card, card.replace(`>${from}<`, `>${to}<`));
}

describe("elevenlabs.io/pricing/api 2026-08-13 (excerpt: 11 cards, unbalanced markup)", () => {
  it("reads the model cards the MANIFEST checked by hand, each by its card's amount and unit line", () => {
    expect(Extraction.parse(x)).toEqual(x);
    expect(x.status).toBe("ok");
    expect(x.problems).toEqual([]);
    expect(cardMarkup("Flash / Turbo")).toMatch(/>\$0\.05<\/div><p[^>]*>Price per 1K characters</);
    expect(cardMarkup("Multilingual v2 / v3")).toMatch(/>\$0\.10<\/div><p[^>]*>Price per 1K characters</);
    expect(cardMarkup("Scribe v2")).toMatch(/>\$0\.22<\/div><p[^>]*>Price per hour</);
    expect(cardMarkup("Scribe v2 Realtime")).toMatch(/>\$0\.39<\/div><p[^>]*>Price per hour</);
    expect(cardMarkup("Music")).toMatch(/>\$0\.15<\/div><p[^>]*>Price per minute</);
    expect(pricesOf(x)).toEqual({
      // $0.05 / $0.10 per 1K characters, kept per 1M characters.
      "elevenlabs/eleven_flash_v2_5": { input_per_1m_characters: 50 },
      "elevenlabs/eleven_turbo_v2_5": { input_per_1m_characters: 50 },
      "elevenlabs/eleven_multilingual_v2": { input_per_1m_characters: 100 },
      "elevenlabs/eleven_v3": { input_per_1m_characters: 100 },
      "elevenlabs/scribe_v2": { transcription_per_hour: 0.22 },
      "elevenlabs/scribe_v2_realtime": { transcription_per_hour: 0.39 },
      "elevenlabs/music_v1": { audio_output_per_minute: 0.15 },
    });
    expect(x.observations.find((o) => o.model === "elevenlabs/scribe_v2")?.evidence).toBe("Scribe v2 · Speech to Text · $0.22 · Price per hour");
  });

  it("never reads Scribe v2 Realtime's card as Scribe v2's: ids come from the card's exact name", () => {
    expect(Object.keys(FAMILIES)).toContain("scribe v2 realtime");
    expect(x.observations.filter((o) => o.model === "elevenlabs/scribe_v2").map((o) => o.usd)).toEqual([0.22]);
  });

  it("passes over the product cards (Speech Engine, Voice Isolator, Voice Changer, Dubbing) and lists Sound Effects untracked", () => {
    expect(cardMarkup("Voice Changer")).toContain(">$0.12<");
    expect(cardMarkup("Dubbing v2")).toContain(">$2.20<");
    expect(x.observations.filter((o) => [0.08, 0.12, 0.33, 2.2].includes(o.usd))).toEqual([]);
    expect(x.untracked).toEqual([{ name: "Sound Effects", where: 'card "Sound Effects"' }]);
    const [a] = x.accounting!;
    expect(a).toMatchObject({ seen: 11, read: 5, unread: 0 });
    expect(a!.passedOver).toEqual([{ rule: "not-a-model-price", why: "a product's price (agents, audio tools, dubbing), not a model's", amounts: 6 }]);
  });

  it("reports a card whose unit line is gone or names another unit, and lists a new family untracked", () => {
    const noUnit = source.extract(body.replace(cardMarkup("Scribe v2").match(/<p class="tw-opacity-80 tw-type-xs">Price per hour<\/p>/)![0], ""), "html");
    expect(noUnit.problems).toContainEqual({ message: `"$0.22" has no unit line below it; not read`, where: 'card "Scribe v2"' });
    expect(noUnit.status).toBe("partial");
    const perMinute = source.extract(body.replace(cardMarkup("Music"), cardMarkup("Music").replace("Price per minute", "Price per song")), "html");
    expect(perMinute.problems.map((p) => p.where)).toContain('card "Music"');
    expect(pricesOf(perMinute)["elevenlabs/music_v1"]).toBeUndefined();
    const renamed = source.extract(body.replace(">Flash / Turbo</h3>", ">Flash v3</h3>"), "html");
    expect(renamed.untracked.map((u) => u.name)).toContain("Flash v3");
    expect(pricesOf(renamed)["elevenlabs/eleven_flash_v2_5"]).toBeUndefined();
  });

  it("fails a page with no price card", () => {
    expect(source.extract("<div><h3>Pricing</h3><p>Contact sales</p></div>", "html").status).toBe("failed");
  });
});

describe("the elevenlabs catalog entries", () => {
  const dir = path.join(REPO_ROOT, "catalog/elevenlabs");
  const entries = readdirSync(dir).map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as ModelEntry);

  it("are verified by a replay of the newest page, and each names where its API id comes from", () => {
    expect(entries.map((e) => e.id).sort()).toEqual(Object.values(FAMILIES).flatMap((f) => f.ids.map((id) => `elevenlabs/${id}`)).sort());
    for (const entry of entries) {
      expect(entry.sources.map((s) => s.source)).toEqual(["elevenlabs-pricing", "elevenlabs-docs"]);
      expect(entry.sources[1]!.note).toMatch(/FAMILIES table/);
    }
    const diff = diffSource(x, entries, "2026-08-13", new Set(entries.map((e) => e.id)));
    expect(diff.entries.map((e) => e.outcome)).toEqual(entries.map(() => "verified"));
  });

  it("a changed price on a card is a change for every entry the card prices", () => {
    const changed = source.extract(withCardAmount("Flash / Turbo", "$0.05", "$0.06"), "html");
    expect(pricesOf(changed)["elevenlabs/eleven_turbo_v2_5"]).toEqual({ input_per_1m_characters: 60 });
    const diff = diffSource(changed, entries, "2026-08-14", new Set(entries.map((e) => e.id)));
    expect(diff.entries.filter((e) => e.outcome === "changed").map((e) => e.model)).toEqual(["elevenlabs/eleven_flash_v2_5", "elevenlabs/eleven_turbo_v2_5"]);
  });
});
