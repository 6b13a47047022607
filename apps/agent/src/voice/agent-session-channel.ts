import { voice } from '@livekit/agents';
import type {
  CallSession,
  Clock,
  ListenRequest,
  SpeechChannel,
  SpeechPurpose,
  TransferResult,
} from '@switchboard/flow';
import type { Logger } from '../logger.js';

/** Wall-clock time for live calls (the simulator's clock is the only other one). */
export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimer(at: number, fn: () => void): () => void {
    const timer = setTimeout(fn, Math.max(0, at - Date.now()));
    return () => clearTimeout(timer);
  }
}

/** The phone line under a channel: what only telephony can do. */
export interface VoiceLine {
  transfer(to: string, mode: 'cold' | 'warm'): Promise<TransferResult>;
  hangup(): Promise<void>;
}

/** a key pressed after this long ends a digits entry, like a `#` */
const INTER_DIGIT_MS = 2500;

/**
 * The flow runtime's speech channel on a LiveKit AgentSession. The session does the media
 * (speech-to-text, text-to-speech, turn detection, barge-in); the flow's machine decides
 * every word: `say` is `session.say`, each final transcript of the callee is one turn, and
 * key presses (SIP DTMF) are turns of their own — gathered until `#` or a pause when the
 * node captures digits, one key at a time otherwise (menus, `dtmf` globals).
 *
 * Callee speech that arrives while the flow is not listening (over the agent's own line)
 * is kept and delivered at the next listen, so a reply spoken early is not lost.
 */
export class AgentSessionChannel implements SpeechChannel {
  private session: CallSession | null = null;
  private listening: ListenRequest | null = null;
  private pending: { text: string } | { dtmf: string } | null = null;
  private digits = '';
  private digitTimer: NodeJS.Timeout | undefined;
  private readonly onTranscript = (event: voice.UserInputTranscribedEvent) => {
    if (!event.isFinal || !event.transcript.trim()) return;
    this.deliver({ text: event.transcript.trim() });
  };

  constructor(
    private readonly agent: voice.AgentSession,
    private readonly line: VoiceLine,
    private readonly logger: Logger,
  ) {}

  attach(session: CallSession): void {
    this.session = session;
    this.agent.on(voice.AgentSessionEventTypes.UserInputTranscribed, this.onTranscript);
    // the callee's first words heard before the flow started (the answering-machine check)
    if (this.pending) this.flushPending();
  }

  /** detaches from the AgentSession; the call's media is closed by its owner */
  detach(): void {
    this.agent.off(voice.AgentSessionEventTypes.UserInputTranscribed, this.onTranscript);
    clearTimeout(this.digitTimer);
    this.session = null;
  }

  /** a turn the callee took before the session was attached (e.g. their hello) */
  preload(text: string): void {
    this.pending = { text };
  }

  async say(text: string, options: { nodeId: string; purpose: SpeechPurpose; interruptible: boolean }): Promise<void> {
    try {
      await this.agent.say(text, { allowInterruptions: options.interruptible }).waitForPlayout();
    } catch (error) {
      // a line cut short (barge-in, hang-up) is not a flow error
      this.logger.debug({ err: error, nodeId: options.nodeId }, 'speech did not play out');
    }
  }

  listen(request: ListenRequest): void {
    this.listening = request;
    if (this.pending) queueMicrotask(() => this.flushPending());
  }

  /** one SIP DTMF key from the callee */
  key(digit: string): void {
    if (this.listening?.captureType !== 'digits') return this.deliver({ dtmf: digit });
    clearTimeout(this.digitTimer);
    if (digit === '#') return this.endDigits();
    this.digits += digit;
    this.digitTimer = setTimeout(() => this.endDigits(), INTER_DIGIT_MS);
  }

  transfer(to: string, options: { nodeId: string; mode: 'cold' | 'warm' }): Promise<TransferResult> {
    return this.line.transfer(to, options.mode);
  }

  async hangup(): Promise<void> {
    clearTimeout(this.digitTimer);
    await this.line.hangup();
  }

  private endDigits(): void {
    const digits = this.digits;
    this.digits = '';
    if (digits) this.deliver({ dtmf: digits });
  }

  private deliver(turn: { text: string } | { dtmf: string }): void {
    const session = this.session;
    if (!session || session.done) return;
    if (!this.listening) {
      this.pending = turn;
      return;
    }
    this.listening = null;
    if ('text' in turn) session.sendText(turn.text);
    else session.sendDtmf(turn.dtmf);
  }

  private flushPending(): void {
    const turn = this.pending;
    if (!turn || !this.listening) return;
    this.pending = null;
    this.deliver(turn);
  }
}
