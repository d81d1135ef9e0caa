import { anthropicPricingSource } from "./anthropic.ts";
import { deepSeekPricingSource } from "./deepseek.ts";
import { elevenLabsPricingSource } from "./elevenlabs.ts";
import { geminiPricingSource } from "./gemini.ts";
import { mistralPricingSource } from "./mistral/index.ts";
import { openAiPricingSource } from "./openai.ts";
import { openAiModelPagesSource } from "./openai-models.ts";
import type { PricingSource } from "./source.ts";
import { voyagePricingSource } from "./voyage.ts";
import { xAiPricingSource } from "./xai.ts";

/** Every source the pipeline runs, by id. Adding a vendor page = one module + one line here. */
export const SOURCES: readonly PricingSource[] = [
  openAiPricingSource,
  openAiModelPagesSource,
  anthropicPricingSource,
  geminiPricingSource,
  deepSeekPricingSource,
  xAiPricingSource,
  mistralPricingSource,
  voyagePricingSource,
  elevenLabsPricingSource,
];

export function sourceById(id: string): PricingSource | undefined {
  return SOURCES.find((s) => s.id === id);
}
