import { expect } from "vitest";
import type { Extraction } from "../../schemas/observation.ts";

/** Every (model, price key) → USD of an extraction, each key read once (a second reading fails the test). */
export function pricesOf(x: Pick<Extraction, "observations">): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const o of x.observations) {
    out[o.model] ??= {};
    expect(out[o.model]![o.price], `${o.model} ${o.price} read twice`).toBeUndefined();
    out[o.model]![o.price] = o.usd;
  }
  return out;
}
