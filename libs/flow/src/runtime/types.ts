import type { AnsweredBy, CalleeTurn, Tool, TransferResult } from '../schema/index.js';

/** What the agent is listening for; given to the speech channel (and a simulated callee). */
export interface ListenRequest {
  nodeId: string;
  /** how long the callee may stay silent, in ms of the call's clock */
  timeoutMs: number;
  input: 'speech' | 'dtmf' | 'both';
  /** the question's capture type, when the node captures one */
  captureType?: string;
  /** the last thing the agent said (the prompt) */
  prompt?: string;
}

/** One line of the call. `at` is ISO 8601 on the call's clock. */
export interface TranscriptEntry {
  speaker: 'agent' | 'callee';
  text: string;
  at: string;
  nodeId?: string;
  kind: 'speech' | 'dtmf' | 'silence' | 'hangup';
}

/** Everything observable that happened during a call, in order. */
export type CallEvent = { at: string } & (
  | { type: 'call.started'; answeredBy: AnsweredBy }
  | { type: 'node.entered'; nodeId: string; nodeType: string }
  | { type: 'agent.said'; nodeId: string; text: string; purpose: SpeechPurpose }
  | { type: 'callee.said'; nodeId: string; text: string }
  | { type: 'callee.dtmf'; nodeId: string; digits: string }
  | { type: 'callee.silent'; nodeId: string }
  | { type: 'callee.hung_up'; nodeId: string }
  | { type: 'understood'; nodeId: string; intent?: string; value?: unknown; extracted?: Record<string, unknown> }
  | { type: 'variable.set'; name: string; value: unknown; nodeId: string }
  | { type: 'global.fired'; globalId: string; nodeId: string; goto: string }
  | { type: 'tool.called'; nodeId: string; toolId: string; input: unknown }
  | {
      type: 'tool.result';
      nodeId: string;
      toolId: string;
      outcome: 'success' | 'error' | 'timeout';
      result?: unknown;
      error?: string;
    }
  | { type: 'transfer.result'; nodeId: string; to: string; result: TransferResult }
  | { type: 'opted_out'; nodeId: string; channel: 'voice' | 'dtmf' | 'unknown'; words?: string }
  | { type: 'flow.error'; nodeId: string; message: string }
  | { type: 'call.ended'; disposition: string; nodeId?: string }
);
export type SpeechPurpose = 'say' | 'prompt' | 'reprompt' | 'filler' | 'announce' | 'voicemail' | 'closing' | 'reply';

/** The result of a call. */
export interface CallRecord {
  path: string[];
  transcript: TranscriptEntry[];
  variables: Record<string, unknown>;
  disposition: string;
  optedOut: boolean;
  events: CallEvent[];
  startedAt: string;
  endedAt: string;
  durationMs: number;
}

/** Outcome of one tool invocation. Never throws: errors are data. */
export type ToolOutcome =
  { status: 'success'; result: unknown } | { status: 'error'; error: string } | { status: 'timeout' };

/** The tools port: runs a declared tool with its rendered request. */
export interface ToolRunner {
  run(call: ToolCall): Promise<ToolOutcome>;
}
export interface ToolCall {
  tool: Tool;
  nodeId: string;
  /** the node's `input`, rendered */
  input: Record<string, unknown>;
  /** rendered request for http tools */
  request?: { method: string; url: string; headers: Record<string, string>; body?: unknown };
  timeoutMs: number;
}

/** The speech channel port (telephony + speech). */
export interface SpeechChannel {
  /** speak; resolves when spoken (or immediately for text channels) */
  say(text: string, options: { nodeId: string; purpose: SpeechPurpose; interruptible: boolean }): void | Promise<void>;
  /** start listening; the channel delivers input with CallSession.send* methods */
  listen(request: ListenRequest): void;
  transfer(to: string, options: { nodeId: string; mode: 'cold' | 'warm' }): Promise<TransferResult>;
  hangup(): void | Promise<void>;
}

/** The clock port: the only source of time for a call. */
export interface Clock {
  now(): number;
  /** call `fn` at `at` (ms epoch); returns a cancel function */
  setTimer(at: number, fn: () => void): () => void;
}

/** Records an opt-out (revocation + internal DNC) before the call hangs up. */
export interface OptOutRecorder {
  record(optOut: { nodeId: string; channel: 'voice' | 'dtmf' | 'unknown'; words?: string; at: string }): Promise<void>;
}

export type { AnsweredBy, CalleeTurn, TransferResult };
