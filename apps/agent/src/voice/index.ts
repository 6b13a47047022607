import type { LanguageUnderstanding } from '@switchboard/flow';
import type { AgentConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { createLiveKitMedia } from './livekit-media.js';
import type { CallMediaFactory } from './media.js';
import { OpenAIUnderstanding } from './openai-understanding.js';

export type { CallMedia, CallMediaFactory, MediaRequest } from './media.js';

/**
 * What the configuration switches on for runCall (its `media` and `understanding` deps):
 * LiveKit telephony when LIVEKIT_URL is set, the OpenAI understanding when OPENAI_API_KEY
 * is. Nothing set: nothing returned, and calls run on the simulated callee with the local
 * understanding, as before.
 */
export function voiceDeps(
  config: Pick<AgentConfig, 'livekit' | 'openai'>,
  logger: Logger,
): { media?: CallMediaFactory; understanding?: LanguageUnderstanding } {
  const deps: { media?: CallMediaFactory; understanding?: LanguageUnderstanding } = {};
  if (config.openai) {
    deps.understanding = new OpenAIUnderstanding({
      apiKey: config.openai.apiKey,
      model: config.openai.model,
      timeoutMs: config.openai.timeoutMs,
      logger: logger.child({ component: 'understanding' }),
      ...(config.openai.baseUrl ? { baseUrl: config.openai.baseUrl } : {}),
    });
  }
  if (config.livekit && config.openai) deps.media = createLiveKitMedia(config.livekit, config.openai);
  return deps;
}
