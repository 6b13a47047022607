/**
 * Local language understanding throughput: `npm run bench -- understanding`.
 * Turns of the kinds the example flows see (yes/no with globals, intent edges with examples
 * and prompts, a datetime, an llm turn with extraction), each timed over many repetitions
 * after a warm-up. Goal: a typical turn well under 0.2 ms (10,000 turns/s on one core with
 * room to spare). Prints figures; exits 0 either way.
 */
import { LocalUnderstanding, type IntentCandidate, type UnderstandRequest } from '@switchboard/flow';

const understanding = new LocalUnderstanding();
const now = new Date('2026-03-10T14:00:00Z');
const base = { now, timezone: 'America/New_York', locale: 'en-US', candidates: [] as IntentCandidate[] };
const globals: IntentCandidate[] = [
  { id: 'global:g_stop', intent: 'opt_out' },
  { id: 'global:g_who', intent: 'who_is_calling' },
  { id: 'global:g_human', prompt: 'asks for a person', examples: ['agent', 'real person please'] },
];
const edges: IntentCandidate[] = [
  { id: 'edge:e_book', prompt: 'The callee wants to book an appointment', examples: ['I want to book'] },
  { id: 'edge:e_no', label: 'Not interested', examples: ['not interested', 'no thanks'] },
];
const cases: Array<[string, UnderstandRequest[]]> = [
  [
    'yes/no with 3 globals',
    ["yes that's me", 'no, it is not', 'who is this?', 'stop calling me', 'yeah sure'].map((text) => ({
      ...base,
      text,
      candidates: globals,
      capture: { type: 'yes_no' },
    })),
  ],
  [
    'intent edges (examples + prompts)',
    ['um well I would like to book an appointment', 'nope, not interested', 'can I talk to someone'].map((text) => ({
      ...base,
      text,
      candidates: [...globals, ...edges],
    })),
  ],
  [
    'datetime capture',
    ['tomorrow at 3pm', 'next Tuesday morning', 'the 5th at noon'].map((text) => ({
      ...base,
      text,
      candidates: globals,
      capture: { type: 'datetime' },
    })),
  ],
  [
    'llm turn with 3 extractions',
    ['our budget is about 5000 dollars and we want to start next month', 'maybe twenty seats'].map((text) => ({
      ...base,
      text,
      candidates: [...globals, ...edges],
      extract: [
        { var: 'budget', type: 'number', description: 'budget in dollars' },
        { var: 'seats', type: 'number', description: 'number of seats' },
        { var: 'start', type: 'date', description: 'when they want to start' },
      ],
    })),
  ],
];

const REPEAT = 20_000;
console.log('local understanding, one core\n');
console.log('case'.padEnd(38) + 'µs/turn'.padStart(10) + 'turns/s'.padStart(12));
for (const [name, requests] of cases) {
  for (const r of requests) understanding.understand(r);
  const started = performance.now();
  for (let i = 0; i < REPEAT; i++) understanding.understand(requests[i % requests.length]!);
  const perTurnUs = ((performance.now() - started) * 1000) / REPEAT;
  console.log(
    name.padEnd(38) +
      perTurnUs.toFixed(1).padStart(10) +
      Math.round(1e6 / perTurnUs)
        .toString()
        .padStart(12),
  );
}
console.log('\ngoal: a typical turn well under 200 µs');
