/**
 * A "Deployment scope" (or "Region") column: the same model priced once per place it runs, e.g. Alibaba Model
 * Studio's Global / International / Hong Kong (China) / Chinese Mainland rows. The catalog holds one price per
 * key, the one a buyer anywhere can use: the Global scope where a model has one, else the International one.
 * Scopes tied to one country or region (Hong Kong, the Chinese Mainland, the US, …) are never read into
 * the catalog's keys; the reader passes them over by name.
 */
export type ScopeKind = "global" | "international" | "regional";

const GLOBAL = /^global(?:\s+deployment)?$/i;
const INTERNATIONAL = /^international(?:\s+\(.*\))?$|^international\s+deployment$/i;

/** Which kind of scope a cell names: Global, International, or any other (a country or region). */
export function scopeKindOf(text: string): ScopeKind {
  const t = text.replace(/[\s\u00a0]+/g, " ").trim();
  if (GLOBAL.test(t)) return "global";
  if (INTERNATIONAL.test(t)) return "international";
  return "regional";
}

/** A known scope tied to one place (never read, and not worth a problem): Hong Kong, the Chinese Mainland, China. */
export function isKnownRegionalScope(text: string): boolean {
  return /\bhong\s+kong\b|\bmainland\b|\bchina\b|\bbeijing\b/i.test(text);
}

/**
 * Of the scopes one model is priced in, the one to read: Global if any, else International, else none.
 * `passed` lists the others, which the reader passes over.
 */
export function chooseScope(scopes: readonly string[]): { chosen: string | undefined; passed: string[] } {
  const distinct = [...new Set(scopes.map((s) => s.trim()))];
  const chosen = distinct.find((s) => scopeKindOf(s) === "global") ?? distinct.find((s) => scopeKindOf(s) === "international");
  return { chosen, passed: distinct.filter((s) => s !== chosen) };
}
