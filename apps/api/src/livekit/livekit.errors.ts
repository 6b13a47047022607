import type { LiveKitErrorCode } from '@switchboard/contracts';
import { ApiError } from '../common/errors/api-error.js';

export type { LiveKitErrorCode };

export class LiveKitError extends ApiError<LiveKitErrorCode> {
  static notConfigured(): LiveKitError {
    return new LiveKitError(
      503,
      'LIVEKIT_NOT_CONFIGURED',
      'Voice calls from the browser need LiveKit: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET on the API ' +
        '(and run the agent worker with the same LiveKit settings). Text test calls (simulations) work without it.',
    );
  }

  static unavailable(reason: string): LiveKitError {
    return new LiveKitError(503, 'LIVEKIT_UNAVAILABLE', `LiveKit did not accept the web call: ${reason}`);
  }
}
