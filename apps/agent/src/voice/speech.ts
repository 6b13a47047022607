import { voice } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import type { Room } from '@livekit/rtc-node';
import type { OpenAIConfig } from '../config.js';
import { ensureAgentsLogger } from './openai-understanding.js';

/**
 * The AgentSession of a live call: OpenAI speech-to-text (the realtime transcription API, whose
 * server-side VAD ends each callee turn: `turnDetection: 'stt'`) and text-to-speech, on any
 * OpenAI-compatible base URL. No LLM: the flow's machine chooses every line, the session only
 * carries speech both ways. `vad` is left out, so the session runs LiveKit's default local VAD
 * (silero, bundled in @livekit/local-inference, no download) to notice the callee talking over
 * the agent (barge-in).
 */
export function createSpeechSession(config: OpenAIConfig): voice.AgentSession {
  ensureAgentsLogger();
  const common = { apiKey: config.apiKey, ...(config.baseUrl ? { baseURL: config.baseUrl } : {}) };
  return new voice.AgentSession({
    stt: new openai.STT({ ...common, model: config.sttModel, language: 'en', useRealtime: true }),
    tts: new openai.TTS({ ...common, model: config.ttsModel, voice: config.ttsVoice as never }),
    turnDetection: 'stt',
  });
}

/** Starts the session in `room`, hearing only `calleeIdentity`. */
export async function startSpeech(session: voice.AgentSession, room: Room, calleeIdentity: string): Promise<void> {
  await session.start({
    agent: new voice.Agent({ instructions: 'You speak the lines you are given, word for word.', llm: null }),
    room,
    inputOptions: { participantIdentity: calleeIdentity, closeOnDisconnect: true },
  });
}
