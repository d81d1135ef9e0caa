/**
 * `catalog.json`: the whole catalog as one document for consumers, entries sorted by id, each exactly as its
 * file holds it less the file's own `$schema` pointer; and `catalog.schema.json`, its JSON Schema, generated from
 * the same zod schema as schemas/model-entry.schema.json so the two never disagree. Pure.
 */
import { z } from "zod";
import { IsoDate, ModelEntry } from "../../schemas/model-entry.ts";

export const CATALOG_JSON = "catalog.json";
export const CATALOG_SCHEMA_JSON = "catalog.schema.json";

export const CatalogDocument = z
  .strictObject({
    $schema: z.literal(`./${CATALOG_SCHEMA_JSON}`),
    generatedAt: z.iso.datetime().describe("When the site was built"),
    asOf: IsoDate.describe("The day the site counts ages to: the last run's day, or the build day"),
    entries: z.array(ModelEntry.omit({ $schema: true })).describe("Every catalog entry, by id"),
  })
  .describe("The catalog-freshness catalog as one document: every entry of catalog/<vendor>/<model>.json");
export type CatalogDocument = z.infer<typeof CatalogDocument>;

export function catalogDocument(entries: readonly ModelEntry[], generatedAt: string, asOf: string): string {
  const doc: CatalogDocument = {
    $schema: `./${CATALOG_SCHEMA_JSON}`,
    generatedAt,
    asOf,
    entries: [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(({ $schema: _, ...rest }) => rest),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function catalogJsonSchema(): string {
  const schema = z.toJSONSchema(CatalogDocument, { target: "draft-2020-12", io: "input" });
  return `${JSON.stringify({ title: "catalog-freshness catalog", ...schema }, null, 2)}\n`;
}
