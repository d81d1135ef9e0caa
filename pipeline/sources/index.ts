import { alibabaPricingSource } from "./alibaba.ts";
import { anthropicPricingSource } from "./anthropic.ts";
import { coherePricingSource } from "./cohere.ts";
import { deepSeekPricingSource } from "./deepseek.ts";
import { elevenLabsPricingSource } from "./elevenlabs.ts";
import { geminiPricingSource } from "./gemini.ts";
import { minimaxPricingSource } from "./minimax.ts";
import { mistralPricingSource } from "./mistral/index.ts";
import { moonshotPricingSource } from "./moonshot.ts";
import { openAiPricingSource } from "./openai.ts";
import { openAiModelPagesSource } from "./openai-models.ts";
import { perplexityPricingSource } from "./perplexity.ts";
import type { PricingSource } from "./source.ts";
import { voyagePricingSource } from "./voyage.ts";
import { xAiPricingSource } from "./xai.ts";
import { zaiPricingSource } from "./zai.ts";

/** Every source the pipeline runs, by id. Adding a vendor page = one module + one line here. */
export const SOURCES: readonly PricingSource[] = [
  openAiPricingSource,
  openAiModelPagesSource,
  anthropicPricingSource,
  geminiPricingSource,
  deepSeekPricingSource,
  xAiPricingSource,
  mistralPricingSource,
  minimaxPricingSource,
  moonshotPricingSource,
  coherePricingSource,
  perplexityPricingSource,
  zaiPricingSource,
  alibabaPricingSource,
  voyagePricingSource,
  elevenLabsPricingSource,
];

export function sourceById(id: string): PricingSource | undefined {
  return SOURCES.find((s) => s.id === id);
}
