import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  flightChunks,
  flightObjectsWithKey,
  flightRows,
  flightString,
  flightText,
  isFlightReference,
  objectsWithKey,
  readStringLiteral,
} from "../../pipeline/extract/next-flight.ts";

const SMALL_4 = path.resolve(import.meta.dirname, "../fixtures/mistral/docs-models/mistral-small-4-0-26-03__2026-08-17.excerpt.html");

/** A page as Next.js writes it: each chunk a JSON-encoded string inside `self.__next_f.push([1, …])`. */
const page = (...chunks: string[]) =>
  `<html><body>${chunks.map((c) => `<script>self.__next_f.push([1,${JSON.stringify(c)}])</script>`).join("")}</body></html>`;

describe("Next.js flight payload", () => {
  it("decodes the chunks of a real page and finds its objects by key", () => {
    const html = readFileSync(SMALL_4, "utf8");
    expect(flightChunks(html)).toHaveLength(3);
    expect(flightRows(html).map((r) => r.id)).toEqual(["9", "25", "28", "29", "2b"]);
    // As the page writes it: {\"names\":[\"mistral-small-2603\",\"mistral-small-latest\"],\"maxVisible\":1}
    expect(flightObjectsWithKey(html, "names").map((o) => o.names)).toEqual([["mistral-small-2603", "mistral-small-latest"]]);
    const pricing = flightObjectsWithKey(html, "pricing").map((o) => o.pricing);
    expect(pricing).toHaveLength(2);
    // The mobile copy of the widget points at the desktop one instead of repeating it.
    expect(pricing[1]).toBe("$25:props:children:props:children:1:props:pricing");
    expect(isFlightReference(pricing[1])).toBe(true);
    expect(pricing[0]).toMatchObject({ type: "custom", free: false, input: [{ type: "range", price: 0.15, denominator: "/M Tokens" }] });
  });

  it("joins a row split across chunks, steps over text rows by their byte length, and skips rows that are not JSON", () => {
    const html = page('1:I["x",[]]\n2:{"a":', '"b & c"}\n3:T6,héllo4:[{"k":1,"in":{"k":2}}]\n5:{"broken":\n');
    expect(flightRows(html)).toEqual([
      { id: "2", value: { a: "b & c" } },
      { id: "4", value: [{ k: 1, in: { k: 2 } }] },
    ]);
    expect(flightObjectsWithKey(html, "k").map((o) => o.k)).toEqual([1, 2]);
  });

  it("reads JavaScript string literals, not only JSON ones", () => {
    const literal = String.raw`"a\u0026b\x41\u{1F600}\'\/\n" rest`;
    expect(readStringLiteral(literal, 0)).toEqual({ value: "a&bA\u{1F600}'/\n", end: literal.indexOf(" rest") });
    expect(readStringLiteral(`'it\\'s'`, 0)?.value).toBe("it's");
    expect(readStringLiteral(`"never closed`, 0)).toBeUndefined();
    expect(readStringLiteral(`x"a"`, 0)).toBeUndefined();
  });

  it("tells flight markers from strings that start with a dollar", () => {
    expect(isFlightReference("$L16")).toBe(true);
    expect(isFlightReference("$undefined")).toBe(true);
    expect(isFlightReference("$$5 off")).toBe(false);
    expect(isFlightReference("5$")).toBe(false);
    expect(objectsWithKey({ a: [{ pricing: 1 }, { b: { pricing: 2 } }] }, "pricing")).toEqual([{ pricing: 1 }, { pricing: 2 }]);
  });

  it("gives the text a reader of a flight-only page sees: strings, escaped dollars undone, amounts under the keys named", () => {
    const row = {
      cards: [
        { modelName: "Rerank", pricings: [{ inputLabel: "Cost", inputPrice: 2, overridePer: "1K searches" }], count: 3 },
        { modelName: "Transcribe", text: "$$3.75 / hour / instance", ref: "$L16", children: ["$", "$1", null, {}] },
      ],
    };
    const html = page(`1f:${JSON.stringify(row)}\n`);
    const text = flightText(html, (key) => /Price$/.test(key));
    expect(text.split("\n")).toEqual(["Rerank", "Cost", "$2", "1K searches", "Transcribe", "$3.75 / hour / instance"]);
    // A number under any other key is not an amount; without a key test none is.
    expect(text).not.toContain("3\n");
    expect(flightText(html)).not.toContain("$2");
    expect(flightString("$$3.75")).toBe("$3.75");
    expect(flightString("costs $$5")).toBe("costs $$5");
    expect(flightString("$L16")).toBeUndefined();
    expect(flightString(4)).toBeUndefined();
  });
});
