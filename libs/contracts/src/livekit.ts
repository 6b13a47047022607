import { z } from 'zod';

/**
 * Web calls: a designer talks to a flow from the browser. The API creates a LiveKit room,
 * dispatches the call agent into it, and hands back a short-lived participant token.
 */

export const LIVEKIT_ERROR_CODES = ['LIVEKIT_NOT_CONFIGURED', 'LIVEKIT_UNAVAILABLE'] as const;
export type LiveKitErrorCode = (typeof LIVEKIT_ERROR_CODES)[number];

/** `{}` (the latest published version), `{version: n}` or `{draft: true}`. */
export const CreateWebCallBodySchema = z
  .strictObject({
    version: z.number().int().positive().optional(),
    draft: z.literal(true, { message: 'must be true (or leave it out)' }).optional(),
  })
  .refine((body) => !(body.version !== undefined && body.draft), {
    message: 'give either version or draft, not both',
    path: ['draft'],
  });
export type CreateWebCallBody = z.infer<typeof CreateWebCallBodySchema>;

export const WebCallSchema = z.object({
  /** the LiveKit server's URL for the browser (`wss://…`) */
  url: z.string(),
  room: z.string(),
  /** a participant token for `room` only, valid until `expiresAt` */
  token: z.string(),
  identity: z.string(),
  expiresAt: z.string(),
  flowId: z.string(),
  /** the version being called, or null for the draft */
  version: z.number().int().nullable(),
  /** the id of the agent dispatch */
  dispatchId: z.string(),
});
export type WebCall = z.infer<typeof WebCallSchema>;

/** The metadata of a web call's agent dispatch, read by the agent (apps/agent/src/voice/web-agent.ts). */
export const WebCallDispatchSchema = z.object({
  kind: z.literal('web'),
  flowId: z.string(),
  version: z.number().int().nullable(),
  draft: z.boolean(),
  organizationId: z.string(),
  /** the participant the agent talks to */
  identity: z.string(),
  /** the flow document as resolved at dispatch time (the draft changes; the call must not) */
  flow: z.record(z.string(), z.unknown()),
});
export type WebCallDispatch = z.infer<typeof WebCallDispatchSchema>;
