import { ModelId } from "../../../schemas/model-entry.ts";

/** `mistral-small-latest` → `mistral/mistral-small-latest`; undefined when the text cannot be an API id (`Classifier API model 3B`). */
export function mistralModelId(apiId: string): string | undefined {
  const id = `mistral/${apiId.trim()}`;
  return ModelId.safeParse(id).success ? id : undefined;
}

/**
 * How a model the page lists without a price to track is named in `untracked`: a free model is not $0
 * (that would read as a price, and as a change the day it is priced), and a retired one has no current price.
 */
export function freeListing(modelId: string): string {
  return `${modelId} (free)`;
}

export function retiredListing(modelId: string): string {
  return `${modelId} (retired)`;
}
