import { z } from "zod";
import { ModelEntry } from "../../schemas/model-entry.ts";

export const JSON_SCHEMA_PATH = "schemas/model-entry.schema.json";

/** The committed JSON Schema, generated from the zod schema so the two never disagree. */
export function renderJsonSchema(): string {
  const schema = z.toJSONSchema(ModelEntry, { target: "draft-2020-12", io: "input" });
  return `${JSON.stringify(
    {
      $id: "https://github.com/catalog-freshness/catalog-freshness/schemas/model-entry.schema.json",
      title: "catalog-freshness model entry",
      ...schema,
    },
    null,
    2,
  )}\n`;
}
