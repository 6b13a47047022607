/**
 * Flow runtime under load: 1,000 simulated calls at once in one process, 10 callee turns
 * each, on a question-heavy flow (globals, a branch, a set, a tool with a mocked result).
 *
 *   npm run bench -- flow-runtime [--calls N]
 *
 * Measures
 *  - throughput: calls completed per second with all calls running concurrently;
 *  - engine time per turn: wall time from a callee turn being handed to the session until
 *    the session next listens (or the call ends). The simulated callee's own time is
 *    excluded: the clock stops when respond() is entered and restarts when its turn is
 *    handed back. Every callee answers after one event-loop hop (setImmediate), so the
 *    1,000 calls interleave the way independent callers do;
 *  - heap per active call: heapUsed after a forced GC with every call suspended mid-call
 *    (its callee awaiting a shared gate), minus the baseline, divided by the call count.
 *
 * Goals: p99 engine time per turn ≤ 1 ms; heap ≤ 200 KB per active call. The bench reports
 * PASS/MISS and exits 0 either way: performance targets live here, not in unit tests.
 */
import { availableParallelism, loadavg } from 'node:os';
import { setImmediate as nextTick } from 'node:timers/promises';
import { ms, numberArg, percentile, printTable } from './lib/report.js';
import {
  scriptedCallee,
  simulateCall,
  type Callee,
  type CalleeTurn,
  type FlowDocument,
  type FlowDocumentInput,
  FlowDocumentSchema,
  type ListenRequest,
  type ToolRunner,
} from '@switchboard/flow';

const CALLS = numberArg('--calls', 1000);
const SUSPEND_AT_TURN = 5;
const SEQUENTIAL_CALLS = 200;
const GOALS = { p99Ms: 1, heapKbPerCall: 200 };

// ------------------------------------------------------------------ the flow

const flowInput: FlowDocumentInput = {
  schema: 'switchboard.flow/v1',
  meta: { name: 'Bench: patient survey', locale: 'en-US', business: 'Bright Dental' },
  purpose: 'INFORMATIONAL',
  settings: { timezone: 'America/New_York', defaults: { maxAttempts: 2, maxVisitsPerNode: 10 } },
  variables: [
    { name: 'first_name', type: 'string', source: 'input', required: true },
    { name: 'is_patient', type: 'boolean', source: 'captured' },
    { name: 'score', type: 'number', source: 'captured' },
    { name: 'bucket', type: 'string', source: 'captured' },
    { name: 'recommend', type: 'boolean', source: 'captured' },
    { name: 'channel', type: 'string', source: 'captured' },
    { name: 'slot', type: 'string', source: 'tool' },
    { name: 'best_time', type: 'time', source: 'captured' },
    { name: 'best_day', type: 'date', source: 'captured' },
    { name: 'zip', type: 'string', source: 'captured' },
    { name: 'comments', type: 'string', source: 'captured' },
    { name: 'follow_up', type: 'boolean', source: 'captured' },
    { name: 'agreed', type: 'boolean', source: 'captured' },
  ],
  tools: [
    { id: 'find_slot', kind: 'http', method: 'POST', url: 'https://crm.example/slots', body: { zip: '{{ zip }}' } },
  ],
  entry: 'start',
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'greet', type: 'say', text: 'Hi {{ first_name }}, this is an automated call from Bright Dental.' },
    {
      id: 'q_patient',
      type: 'question',
      prompt: 'Are you a patient of ours?',
      capture: { var: 'is_patient', type: 'yes_no' },
    },
    {
      id: 'q_score',
      type: 'question',
      prompt: 'From 0 to 10, how was your last visit?',
      capture: { var: 'score', type: 'number' },
    },
    { id: 'classify', type: 'set', assign: [{ var: 'bucket', value: "score >= 9 ? 'promoter' : 'other'" }] },
    {
      id: 'route',
      type: 'branch',
      cases: [{ id: 'promoter', when: "bucket == 'promoter'" }],
    },
    { id: 'sorry', type: 'say', text: 'Sorry to hear that, {{ first_name }}.' },
    {
      id: 'q_recommend',
      type: 'question',
      prompt: 'Would you recommend us to a friend?',
      capture: { var: 'recommend', type: 'yes_no' },
    },
    {
      id: 'q_channel',
      type: 'question',
      prompt: 'Should we reach you by phone, email or text?',
      capture: {
        var: 'channel',
        type: 'choice',
        values: [
          { id: 'phone', label: 'Phone', synonyms: ['call'] },
          { id: 'email', label: 'Email', synonyms: ['e-mail', 'mail'] },
          { id: 'sms', label: 'Text message', synonyms: ['text', 'sms'] },
        ],
      },
    },
    {
      id: 'q_time',
      type: 'question',
      prompt: 'What time of day suits you?',
      capture: { var: 'best_time', type: 'time' },
    },
    { id: 'q_day', type: 'question', prompt: 'And which day?', capture: { var: 'best_day', type: 'date' } },
    {
      id: 'q_zip',
      type: 'question',
      prompt: 'Please key in your zip code.',
      capture: { var: 'zip', type: 'digits' },
      input: 'dtmf',
    },
    { id: 'lookup', type: 'tool', tool: 'find_slot', input: { zip: '{{ zip }}' }, output: { slot: 'slot.id' } },
    {
      id: 'q_comments',
      type: 'question',
      prompt: 'Anything we could do better?',
      capture: { var: 'comments', type: 'text' },
    },
    {
      id: 'q_follow',
      type: 'question',
      prompt: 'May a manager follow up with you?',
      capture: { var: 'follow_up', type: 'yes_no' },
    },
    {
      id: 'q_agree',
      type: 'question',
      prompt: 'Shall I book slot {{ slot }} for you?',
      capture: { var: 'agreed', type: 'yes_no' },
    },
    { id: 'explain', type: 'say', text: 'This is Bright Dental, calling about your recent visit.' },
    { id: 'done', type: 'end', text: 'Thank you, {{ first_name }}. Goodbye.', disposition: 'completed' },
    { id: 'not_patient', type: 'end', text: 'Sorry for the trouble.', disposition: 'wrong_person' },
    { id: 'gave_up', type: 'end', disposition: 'no_response' },
    { id: 'tool_failed', type: 'end', disposition: 'tool_failed' },
    { id: 'unreached', type: 'end', disposition: 'not_reached' },
    { id: 'remove_me', type: 'opt_out', text: 'You will not be called again.' },
  ],
  edges: [
    ...['human'].map((handle) => ({ id: `e_start_${handle}`, from: 'start', handle, to: 'greet' })),
    ...['voicemail', 'no_answer', 'busy', 'failed'].map((handle) => ({
      id: `e_start_${handle}`,
      from: 'start',
      handle,
      to: 'unreached',
    })),
    { id: 'e_greet', from: 'greet', handle: 'next', to: 'q_patient' },
    { id: 'e_patient_yes', from: 'q_patient', handle: 'yes', to: 'q_score' },
    { id: 'e_patient_no', from: 'q_patient', handle: 'no', to: 'not_patient' },
    { id: 'e_score', from: 'q_score', handle: 'answered', to: 'classify' },
    { id: 'e_classify', from: 'classify', handle: 'next', to: 'route' },
    { id: 'e_route_promoter', from: 'route', handle: 'promoter', to: 'q_recommend' },
    { id: 'e_route_else', from: 'route', handle: 'else', to: 'sorry' },
    { id: 'e_sorry', from: 'sorry', handle: 'next', to: 'q_recommend' },
    { id: 'e_recommend_yes', from: 'q_recommend', handle: 'yes', to: 'q_channel' },
    { id: 'e_recommend_no', from: 'q_recommend', handle: 'no', to: 'q_channel' },
    ...['phone', 'email', 'sms'].map((handle) => ({
      id: `e_channel_${handle}`,
      from: 'q_channel',
      handle,
      to: 'q_time',
    })),
    { id: 'e_time', from: 'q_time', handle: 'answered', to: 'q_day' },
    { id: 'e_day', from: 'q_day', handle: 'answered', to: 'q_zip' },
    { id: 'e_zip', from: 'q_zip', handle: 'answered', to: 'lookup' },
    { id: 'e_lookup_ok', from: 'lookup', handle: 'success', to: 'q_comments' },
    { id: 'e_lookup_error', from: 'lookup', handle: 'error', to: 'tool_failed' },
    { id: 'e_lookup_timeout', from: 'lookup', handle: 'timeout', to: 'tool_failed' },
    { id: 'e_comments', from: 'q_comments', handle: 'answered', to: 'q_follow' },
    { id: 'e_follow_yes', from: 'q_follow', handle: 'yes', to: 'q_agree' },
    { id: 'e_follow_no', from: 'q_follow', handle: 'no', to: 'q_agree' },
    { id: 'e_agree_yes', from: 'q_agree', handle: 'yes', to: 'done' },
    { id: 'e_agree_no', from: 'q_agree', handle: 'no', to: 'done' },
    ...[
      'q_patient',
      'q_score',
      'q_recommend',
      'q_channel',
      'q_time',
      'q_day',
      'q_zip',
      'q_comments',
      'q_follow',
      'q_agree',
    ].flatMap((from) => [
      { id: `e_${from}_no_input`, from, handle: 'no_input', to: 'gave_up' },
      { id: `e_${from}_no_match`, from, handle: 'no_match', to: 'gave_up' },
    ]),
  ],
  globals: [
    { id: 'g_stop', trigger: { kind: 'intent', intent: 'opt_out' }, goto: 'remove_me' },
    { id: 'g_nine', trigger: { kind: 'dtmf', digits: '9' }, goto: 'remove_me' },
    {
      id: 'g_who',
      trigger: { kind: 'intent', intent: 'who_is_calling' },
      goto: 'explain',
      return: true,
      cooldownTurns: 3,
    },
    {
      id: 'g_human',
      trigger: {
        kind: 'intent',
        prompt: 'The caller asks for a person',
        examples: ['can I talk to someone', 'a real person'],
      },
      goto: 'done',
    },
  ],
};

/** Ten turns, one per question, taking the promoter branch. */
const TURNS: CalleeTurn[] = [
  'yes I am',
  "I'd say 9",
  'yes definitely',
  'email please',
  'around 3 pm',
  'next Tuesday',
  { dtmf: '10001' },
  'the waiting room could be warmer',
  'no thanks',
  'yes please',
];
const EXPECTED_DISPOSITION = 'completed';

/** The tool answers at once from memory: the bench measures the engine, not a network. */
const tools: ToolRunner = { run: () => Promise.resolve({ status: 'success', result: { slot: { id: 'tue-1500' } } }) };

// ------------------------------------------------------------------ instrumentation

interface CallStats {
  /** engine ms per turn, all calls */
  turnMs: number[];
}

/**
 * Wraps the scripted callee: the engine's clock runs from the moment a turn is handed
 * back to the session until it calls respond() again (or the call ends).
 */
class TimedCallee implements Callee {
  private handedBackAt: number | undefined;
  private turnsGiven = 0;

  constructor(
    private readonly inner: Callee,
    private readonly stats: CallStats,
    private readonly suspend?: { atTurn: number; reached: () => void; gate: Promise<void> },
  ) {}

  async respond(request: ListenRequest): Promise<CalleeTurn | undefined> {
    this.stopClock();
    if (this.suspend !== undefined && this.turnsGiven === this.suspend.atTurn) {
      this.suspend.reached();
      await this.suspend.gate;
    }
    // one event-loop hop of "think time", so calls interleave like independent callers
    await nextTick();
    const turn = await this.inner.respond(request);
    this.turnsGiven++;
    this.handedBackAt = performance.now();
    return turn;
  }

  /** the call ended: the time since the last turn is the engine's too */
  end(): void {
    this.stopClock();
  }

  private stopClock(): void {
    if (this.handedBackAt !== undefined) this.stats.turnMs.push(performance.now() - this.handedBackAt);
    this.handedBackAt = undefined;
  }
}

async function runCalls(
  flow: FlowDocument,
  count: number,
  stats: CallStats,
  suspend?: { atTurn: number; reached: () => void; gate: Promise<void> },
): Promise<Map<string, number>> {
  const dispositions = new Map<string, number>();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const callee = new TimedCallee(scriptedCallee(TURNS), stats, suspend);
      const record = await simulateCall(flow, {
        variables: { first_name: `Caller${i}` },
        answeredBy: 'human',
        callee,
        tools,
        now: '2026-03-09T14:00:00Z',
      });
      callee.end();
      dispositions.set(record.disposition, (dispositions.get(record.disposition) ?? 0) + 1);
    }),
  );
  return dispositions;
}

// ------------------------------------------------------------------ the bench

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run through `npm run bench -- flow-runtime` (it needs node --expose-gc)');
  const fullGc = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) {
      gc();
      await nextTick();
    }
  };

  const flow = FlowDocumentSchema.parse(flowInput);
  const cpus = availableParallelism();
  const [load = 0] = loadavg();
  console.log(`flow-runtime: ${CALLS} concurrent calls × ${TURNS.length} callee turns`);
  console.log(`node ${process.version}, ${cpus} CPUs, load average ${load.toFixed(2)}\n`);
  if (load > cpus) {
    console.warn(
      `warning: the machine is busy (load ${load.toFixed(1)} on ${cpus} CPUs): tail latencies will be inflated\n`,
    );
  }

  // Warm-up: JIT, expression caches and lazily loaded modules land in the baseline.
  checkDispositions('warm-up', await runCalls(flow, 50, { turnMs: [] }), 50);

  // Heap: every call suspended at the same turn, mid-call.
  await fullGc();
  const baseline = process.memoryUsage().heapUsed;
  let reached = 0;
  let allReached!: () => void;
  const everyoneWaiting = new Promise<void>((resolve) => (allReached = resolve));
  let openGate!: () => void;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const suspended = runCalls(
    flow,
    CALLS,
    { turnMs: [] },
    {
      atTurn: SUSPEND_AT_TURN,
      gate,
      reached: () => {
        if (++reached === CALLS) allReached();
      },
    },
  );
  await everyoneWaiting;
  await fullGc();
  const heapPerCallKb = (process.memoryUsage().heapUsed - baseline) / CALLS / 1024;
  openGate();
  checkDispositions('heap run', await suspended, CALLS);

  // For reference: the same turns one call at a time (no other call's garbage to collect).
  await fullGc();
  const alone: CallStats = { turnMs: [] };
  for (let i = 0; i < SEQUENTIAL_CALLS; i++) checkDispositions('sequential run', await runCalls(flow, 1, alone), 1);
  const aloneSorted = Float64Array.from(alone.turnMs).sort();

  // Throughput and engine time per turn, all calls at once.
  await fullGc();
  const stats: CallStats = { turnMs: [] };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const dispositions = await runCalls(flow, CALLS, stats);
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  checkDispositions('timed run', dispositions, CALLS);

  const sorted = Float64Array.from(stats.turnMs).sort();
  const p99 = percentile(sorted, 0.99);
  const cpuMsPerTurn = (cpu.user + cpu.system) / 1000 / sorted.length;
  const rows: [string, string, string][] = [
    ['calls (concurrent)', String(CALLS), `${TURNS.length} callee turns each`],
    ['wall time', `${(elapsedMs / 1000).toFixed(2)} s`, ''],
    ['throughput', `${Math.round(CALLS / (elapsedMs / 1000))} calls/s`, ''],
    ['engine turns measured', String(sorted.length), ''],
    ['engine time / turn p50', ms(percentile(sorted, 0.5)), ''],
    ['engine time / turn p99', ms(p99), verdict(p99 <= GOALS.p99Ms, `goal ≤ ${GOALS.p99Ms} ms`)],
    ['engine time / turn max', ms(percentile(sorted, 1)), ''],
    ['CPU time / turn (mean)', ms(cpuMsPerTurn), 'process CPU ÷ turns, GC included'],
    [
      'one call at a time p50',
      ms(percentile(aloneSorted, 0.5)),
      `${SEQUENTIAL_CALLS} calls in sequence, for reference`,
    ],
    ['one call at a time p99', ms(percentile(aloneSorted, 0.99)), ''],
    [
      'heap / active call',
      `${heapPerCallKb.toFixed(1)} KB`,
      verdict(heapPerCallKb <= GOALS.heapKbPerCall, `goal ≤ ${GOALS.heapKbPerCall} KB`),
    ],
  ];
  printTable(['metric', 'value', 'goal'], rows, ['left', 'right', 'left']);
}

function verdict(pass: boolean, goal: string): string {
  return `${pass ? 'PASS' : 'MISS'}  ${goal}`;
}

/** A bench whose calls take another path measures something else: say so loudly. */
function checkDispositions(phase: string, dispositions: Map<string, number>, expected: number): void {
  if (dispositions.get(EXPECTED_DISPOSITION) === expected) return;
  const seen = [...dispositions].map(([disposition, n]) => `${disposition} × ${n}`).join(', ');
  console.warn(`warning: ${phase}: expected ${expected} × ${EXPECTED_DISPOSITION}, got ${seen}`);
}

await main();
