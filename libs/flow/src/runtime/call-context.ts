import type { AnsweredBy } from '../schema/index.js';
import type { ListenRequest } from './types.js';

/**
 * The whole state of one call that is not the machine's state value. It is plain JSON so
 * a persisted snapshot restores the call exactly — pending deadline included.
 */
export interface CallContext {
  vars: Record<string, unknown>;
  call: { id: string | null; answeredBy: AnsweredBy; attempt: number; startedAt: number };
  /** every node entered, in order */
  path: string[];
  /** entries per node (a visit starts when an edge or a global enters the node) */
  visits: Record<string, number>;
  /** the node the call is in */
  node: string;
  /** asks in the current question visit (first ask + reprompts) */
  asks: number;
  /** callee turns in the whole call (words, keys or silence) */
  turns: number;
  /** callee turns in the current llm visit */
  nodeTurns: number;
  /** consecutive silences in the current llm visit */
  silences: number;
  /** turn number at which each global last fired */
  cooldown: Record<string, number>;
  /** the listening node a returning global interrupted, with its counters */
  returnTo: { node: string; asks: number; nodeTurns: number; silences: number } | null;
  /** the next entry resumes a node interrupted by a returning global */
  resume: boolean;
  /** sequence of listens; a timeout only counts for the listen it was armed for */
  seq: number;
  /**
   * The pending listen: what is listened for and, once the channel has started listening
   * (after the agent's words are spoken), the no-input deadline in epoch ms on the call's clock.
   */
  deadline: { seq: number; at: number | null; request: ListenRequest } | null;
  disposition: string | null;
  optedOut: boolean;
  /** how the callee's last turn came in, for the opt-out record */
  lastInput: 'voice' | 'dtmf' | null;
  lastWords: string | null;
  calleeGone: boolean;
  maxDurationFired: boolean;
}

export interface CallInput {
  variables: Record<string, unknown>;
  answeredBy: AnsweredBy;
  attempt?: number;
  callId?: string;
  /** epoch ms on the call's clock */
  startedAt: number;
}

export interface CallOutput {
  disposition: string;
  optedOut: boolean;
  variables: Record<string, unknown>;
  path: string[];
}
