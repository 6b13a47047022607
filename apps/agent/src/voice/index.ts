import type { LanguageUnderstanding } from '@switchboard/flow';
import type { AgentConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { CallMediaFactory } from './media.js';

export type { CallMedia, CallMediaFactory, MediaRequest } from './media.js';

/** runCall's `media` and `understanding` deps; an absent one is the local adapter. */
export interface VoiceDeps {
  media?: CallMediaFactory;
  understanding?: LanguageUnderstanding;
}

/**
 * What the configuration switches on for runCall: LiveKit telephony when LIVEKIT_URL is set
 * (loadConfig then insists on the key, secret, SIP trunk and OPENAI_API_KEY for speech), the
 * OpenAI understanding when OPENAI_API_KEY is. Nothing set: nothing returned, and calls run on
 * the simulated callee with the local understanding.
 *
 * The adapters are imported only when configured: `@livekit/agents` and its native WebRTC
 * bindings take over a second to load, and a simulated worker never needs them.
 */
export async function voiceDeps(config: Pick<AgentConfig, 'livekit' | 'openai'>, logger: Logger): Promise<VoiceDeps> {
  const deps: VoiceDeps = {};
  if (config.openai) {
    const { OpenAIUnderstanding } = await import('./openai-understanding.js');
    deps.understanding = new OpenAIUnderstanding({
      apiKey: config.openai.apiKey,
      model: config.openai.model,
      timeoutMs: config.openai.timeoutMs,
      logger: logger.child({ component: 'understanding' }),
      ...(config.openai.baseUrl ? { baseUrl: config.openai.baseUrl } : {}),
    });
  }
  if (config.livekit && config.openai) {
    const { createLiveKitMedia } = await import('./livekit-media.js');
    deps.media = createLiveKitMedia(config.livekit, config.openai);
  }
  return deps;
}
