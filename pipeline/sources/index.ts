import { anthropicPricingSource } from "./anthropic.ts";
import { deepSeekPricingSource } from "./deepseek.ts";
import { geminiPricingSource } from "./gemini.ts";
import { openAiPricingSource } from "./openai.ts";
import type { PricingSource } from "./source.ts";

/** Every source the pipeline runs, by id. Adding a vendor page = one module + one line here. */
export const SOURCES: readonly PricingSource[] = [
  openAiPricingSource,
  anthropicPricingSource,
  geminiPricingSource,
  deepSeekPricingSource,
];

export function sourceById(id: string): PricingSource | undefined {
  return SOURCES.find((s) => s.id === id);
}
