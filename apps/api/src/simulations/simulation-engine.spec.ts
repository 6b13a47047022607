import { readdirSync, readFileSync } from 'node:fs';
import {
  LocalUnderstanding,
  SCENARIO_EPOCH,
  ScenarioToolRunner,
  compileFlow,
  scriptedCallee,
  simulateCall,
  validateFlow,
  type CalleeTurn,
  type FlowDocument,
  type Scenario,
  type ToolCall,
  type ToolOutcome,
  type ToolRunner,
} from '@switchboard/flow';
import { describe, expect, it } from 'vitest';
import {
  SimulationEngine,
  SimulationStalledError,
  SimulationToolRunner,
  type SimulationSetup,
  type SimulationState,
  type SimulationTurn,
} from './simulation-engine.js';

const FLOWS_DIR = new URL('../../../../flows/', import.meta.url);
const understanding = new LocalUnderstanding();
const engine = new SimulationEngine({ understanding });

function loadFlow(file: string): FlowDocument {
  const result = validateFlow(JSON.parse(readFileSync(new URL(file, FLOWS_DIR), 'utf8')));
  if (!result.flow) throw new Error(`${file} does not parse`);
  return result.flow;
}

const flows = readdirSync(FLOWS_DIR)
  .filter((file) => file.endsWith('.flow.json'))
  .sort()
  .map((file) => ({ file, flow: loadFlow(file) }));

function setupOf(scenario: Scenario): SimulationSetup {
  return {
    variables: scenario.variables ?? {},
    answeredBy: scenario.answeredBy,
    tools: scenario.tools ?? {},
    httpTools: false,
    transfer: scenario.transfer ?? 'connected',
  };
}

function asTurn(turn: CalleeTurn | undefined): SimulationTurn {
  if (turn === undefined) return { silence: true };
  return typeof turn === 'string' ? { text: turn } : turn;
}

/** what another replica reads back: the state goes through JSON between every two turns */
const overTheWire = (state: SimulationState): SimulationState => JSON.parse(JSON.stringify(state)) as SimulationState;

describe('SimulationEngine', () => {
  it('has example flows to compare with', () => {
    expect(flows.length).toBeGreaterThanOrEqual(6);
  });

  // Every scenario of every example flow, turn by turn with the state frozen to JSON in between,
  // gives exactly the record of the one-shot simulateCall (the CLI's `flow run`, `flow test`).
  for (const { file, flow } of flows) {
    describe(file, () => {
      const compiled = compileFlow(flow);
      for (const scenario of flow.tests) {
        it(`matches simulateCall: ${scenario.name}`, async () => {
          const now = Date.parse(scenario.now ?? SCENARIO_EPOCH);
          const expected = await simulateCall(flow, {
            variables: scenario.variables ?? {},
            answeredBy: scenario.answeredBy,
            callee: scriptedCallee(scenario.callee),
            tools: new ScenarioToolRunner(scenario.tools ?? {}, null),
            transfer: scenario.transfer ?? 'connected',
            now,
            understanding,
          });

          const setup = setupOf(scenario);
          let state = overTheWire(await engine.start(compiled, setup, now));
          let next = 0;
          for (let turns = 0; state.record === null; turns++) {
            expect(turns).toBeLessThan(500);
            expect(state.listening).not.toBeNull();
            state = overTheWire(await engine.turn(compiled, setup, state, asTurn(scenario.callee[next++])));
          }

          expect({ ...state.record, events: state.events }).toEqual(JSON.parse(JSON.stringify(expected)));
        });
      }
    });
  }

  it('stops at the first listen, keeps what the agent waits for, and refuses a turn once ended', async () => {
    const { flow } = flows.find((f) => f.file === 'appointment-reminder.flow.json')!;
    const compiled = compileFlow(flow);
    const setup: SimulationSetup = {
      variables: { first_name: 'Ana', appointment_at: '2026-03-12T15:30:00Z' },
      answeredBy: 'human',
      tools: {},
      httpTools: false,
      transfer: 'connected',
    };
    const started = await engine.start(compiled, setup, Date.parse('2026-03-10T14:00:00Z'));
    expect(started.record).toBeNull();
    expect(started.snapshot).not.toBeNull();
    expect(started.listening).toMatchObject({ input: expect.any(String), timeoutMs: expect.any(Number) });
    expect(started.events.some((e) => e.type === 'agent.said')).toBe(true);

    const hungUp = await engine.turn(compiled, setup, overTheWire(started), { hangup: true });
    expect(hungUp.record?.disposition).toBe('callee_hung_up');
    expect(hungUp.snapshot).toBeNull();
    expect(hungUp.listening).toBeNull();
    expect(hungUp.events.slice(0, started.events.length)).toEqual(started.events);
    await expect(engine.turn(compiled, setup, hungUp, { text: 'hello?' })).rejects.toThrow(/already ended/);
  });

  it('gives up on a call that neither listens nor ends in time', async () => {
    const { flow } = flows.find((f) => f.file === 'lead-qualification.flow.json')!;
    // a scenario that reaches the CRM (an HTTP tool), run without its mock against a CRM that never answers
    const scenario = flow.tests.find((s) => s.tools !== undefined && Object.keys(s.tools).length > 0)!;
    expect(scenario).toBeDefined();
    const hanging: ToolRunner = { run: () => new Promise<ToolOutcome>(() => undefined) };
    const slow = new SimulationEngine({ understanding, httpTools: hanging, stallAfterMs: 50 });
    const compiled = compileFlow(flow);
    const setup = { ...setupOf(scenario), tools: {}, httpTools: true };
    let state = await slow.start(compiled, setup, Date.parse(SCENARIO_EPOCH));
    const run = async () => {
      for (const turn of scenario.callee) state = await slow.turn(compiled, setup, state, asTurn(turn));
    };
    await expect(run()).rejects.toBeInstanceOf(SimulationStalledError);
  });
});

describe('SimulationToolRunner', () => {
  const http = {
    kind: 'http',
    id: 'crm',
    method: 'POST',
    url: 'https://crm.example.com',
  } as unknown as ToolCall['tool'];
  const builtin = { kind: 'builtin', id: 'note', name: 'call.note' } as unknown as ToolCall['tool'];
  const call = (tool: ToolCall['tool']): ToolCall => ({ tool, nodeId: 'n', input: {}, timeoutMs: 1000 });

  it('uses a list of mocks call after call across turns, the last one repeating', async () => {
    const calls: Record<string, number> = {};
    const mocks = { crm: [{ error: 'HTTP 503' }, { result: { ok: true } }] };
    expect(await new SimulationToolRunner(mocks, calls, null).run(call(http))).toEqual({
      status: 'error',
      error: 'HTTP 503',
    });
    // the next turn builds a new runner from the stored counts
    const again = new SimulationToolRunner(mocks, JSON.parse(JSON.stringify(calls)) as Record<string, number>, null);
    expect(await again.run(call(http))).toEqual({ status: 'success', result: { ok: true } });
    expect(await again.run(call(http))).toEqual({ status: 'success', result: { ok: true } });
  });

  it('simulates builtins and refuses unmocked HTTP tools unless real calls were asked for', async () => {
    const refused = await new SimulationToolRunner({}, {}, null).run(call(http));
    expect(refused).toMatchObject({
      status: 'error',
      error: expect.stringContaining('HTTP tool "crm" was not called'),
    });
    expect(await new SimulationToolRunner({}, {}, null).run(call(builtin))).toEqual({
      status: 'success',
      result: { ok: true },
    });
    const real: ToolRunner = { run: async () => ({ status: 'success', result: 'from the CRM' }) };
    expect(await new SimulationToolRunner({}, {}, real).run(call(http))).toEqual({
      status: 'success',
      result: 'from the CRM',
    });
  });
});
