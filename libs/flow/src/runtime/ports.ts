import type { LanguageUnderstanding } from '../understanding/types.js';
import type {
  CallEvent,
  Clock,
  ListenRequest,
  OptOutRecorder,
  SpeechChannel,
  SpeechPurpose,
  ToolRunner,
} from './types.js';

/** A call event before the session stamps it with the clock. */
export type CallEventBody = CallEvent extends infer E ? (E extends CallEvent ? Omit<E, 'at'> : never) : never;

/**
 * Everything a running call talks to. The compiled machine is shared by every call of a
 * flow version; each call binds its own ports to its actor system (see bindPorts), so one
 * compiled machine serves many concurrent calls without rebuilding its state tree.
 */
export interface CallPorts {
  channel: SpeechChannel;
  understanding: LanguageUnderstanding;
  tools: ToolRunner;
  clock: Clock;
  optOut: OptOutRecorder;
  /** records one call event (the session stamps the time) */
  record(event: CallEventBody): void;
  /** values for `{{ secrets.* }}` in tool templates; never recorded */
  secrets: Record<string, string>;
  /** starts listening (after whatever is being said) and arms the no-input deadline, replacing any earlier one */
  listen(seq: number, request: ListenRequest): void;
  /** speaks through the channel and records the line */
  say(text: string, nodeId: string, purpose: SpeechPurpose, interruptible: boolean): void;
}

const portsBySystem = new WeakMap<object, CallPorts>();
/** ports of the actor being created: XState resolves the initial entry actions inside createActor */
let creating: CallPorts | null = null;

export function bindPorts(system: object, ports: CallPorts): void {
  portsBySystem.set(system, ports);
}

/** runs `create` (a createActor call) with `ports` visible to the initial step */
export function creatingWith<T>(ports: CallPorts, create: () => T): T {
  const previous = creating;
  creating = ports;
  try {
    return create();
  } finally {
    creating = previous;
  }
}

export function portsOf(system: object): CallPorts {
  const ports = portsBySystem.get(system) ?? creating;
  if (!ports) throw new Error('No call ports are bound to this actor; start calls with CallSession');
  return ports;
}
