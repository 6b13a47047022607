import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import {
  ApiErrorSchema,
  SimulationEventSchema,
  SimulationSchema,
  SimulationStreamEndSchema,
  SimulationTurnResponseSchema,
  type Simulation,
  type SimulationEvent,
  type SimulationTurnRequest,
} from '@switchboard/contracts';
import {
  ScenarioToolRunner,
  scriptedCallee,
  simulateCall,
  validateFlow,
  type CalleeTurn,
  type FlowDocument,
  type Scenario,
} from '@switchboard/flow';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AppModule } from '../src/app.module.js';
import { setupApp } from '../src/app.setup.js';
import { loadConfig } from '../src/config/app-config.js';
import { REDIS_CLIENT } from '../src/redis/redis.module.js';
import {
  DEFAULT_SIMULATION_SETTINGS,
  SIMULATION_SETTINGS,
  type SimulationSettings,
} from '../src/simulations/simulation-settings.js';
import { createTenant, type TestTenant } from './fixtures.js';

const IDLE_TTL_MS = 5 * 60_000;
const HEARTBEAT_MS = 150;
const NOW = '2026-03-10T14:00:00.000Z';
const ANA = { first_name: 'Ana', appointment_at: '2026-03-12T15:30:00Z' };
const DRAFT_GREETING =
  'Hello {{ first_name }}, Ava here, an automated assistant from {{ meta.business }}, with a quick appointment reminder.';

/** The real AppModule on this run's database, listening on a port (the SSE tests speak raw HTTP). */
async function createApp(settings: Partial<SimulationSettings>): Promise<NestExpressApplication> {
  const config = loadConfig({
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: process.env.REDIS_URL,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '0',
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] })
    .overrideProvider(SIMULATION_SETTINGS)
    .useValue({ ...DEFAULT_SIMULATION_SETTINGS, ...settings })
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true });
  setupApp(app);
  await app.listen(0, '127.0.0.1');
  return app;
}

// ---------------------------------------------------------------- a Server-Sent Events client

interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/** Reads a `text/event-stream` response over a raw HTTP request and parses it as it arrives. */
class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  body = '';
  ended = false;
  private buffer = '';
  private waiters: (() => void)[] = [];
  private req: http.ClientRequest | null = null;

  static open(port: number, path: string, headers: Record<string, string>): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
        client.status = res.statusCode ?? 0;
        client.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.receive(chunk));
        res.on('end', () => client.finish());
        res.on('close', () => client.finish());
        resolve(client);
      });
      req.on('error', reject);
      client.req = req;
    });
  }

  get events(): SseMessage[] {
    return this.messages.filter((m) => m.event !== 'end');
  }

  /** resolves once `predicate` holds (checked on every chunk), failing after `timeoutMs` */
  async until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const giveUpAt = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > giveUpAt) {
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => m.event))}`);
      }
      if (this.ended && !predicate()) throw new Error(`the stream ended before ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  close(): void {
    this.req?.destroy();
  }

  private receive(chunk: string): void {
    if (this.status !== 200) {
      this.body += chunk;
      return;
    }
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const message: SseMessage = { data: '' };
      let isMessage = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('id: ')) message.id = line.slice(4);
        else if (line.startsWith('event: ')) message.event = line.slice(7);
        else if (line.startsWith('data: ')) {
          message.data += line.slice(6);
          isMessage = true;
        }
      }
      if (isMessage) this.messages.push(message);
    }
    this.wake();
  }

  private finish(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

// ---------------------------------------------------------------- helpers

function asCalleeTurn(turn: SimulationTurnRequest): CalleeTurn {
  if (turn.text !== undefined) return { text: turn.text };
  if (turn.dtmf !== undefined) return { dtmf: turn.dtmf };
  if (turn.silence) return { silence: true };
  return { hangup: true };
}

/** the paths an error answer names */
function paths(res: { body: unknown }): string[] {
  return ApiErrorSchema.parse(res.body).error.details?.map((d) => d.path) ?? [];
}

function runnable(document: unknown): FlowDocument {
  const result = validateFlow(document);
  if (!result.flow) throw new Error('not a flow');
  return result.flow;
}

describe('simulations over HTTP', () => {
  let app: NestExpressApplication;
  let redis: Redis;
  let port: number;
  let a: TestTenant;
  let b: TestTenant;
  let reminderId: string;
  let reminderDraft: FlowDocument;
  let reminderV1: FlowDocument;
  let leadId: string;
  let leadDraft: FlowDocument;
  const api = () => request(app.getHttpServer());

  async function start(body: Record<string, unknown>, flowId = reminderId, role: 'designer' | 'operator' = 'operator') {
    const res = await api().post(`/v1/flows/${flowId}/simulations`).set('authorization', a.bearer(role)).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return SimulationSchema.parse(res.body);
  }

  async function turn(id: string, body: SimulationTurnRequest) {
    const res = await api().post(`/v1/simulations/${id}/turns`).set('authorization', a.bearer('operator')).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return SimulationTurnResponseSchema.parse(res.body);
  }

  async function createFlow(templateId: string): Promise<{ id: string; revision: number; document: unknown }> {
    const res = await api()
      .post('/v1/flows')
      .set('authorization', a.bearer('designer'))
      .send({ templateId })
      .expect(201);
    return res.body as { id: string; revision: number; document: unknown };
  }

  beforeAll(async () => {
    app = await createApp({ idleTtlMs: IDLE_TTL_MS, heartbeatMs: HEARTBEAT_MS });
    redis = app.get<Redis>(REDIS_CLIENT);
    port = (app.getHttpServer().address() as AddressInfo).port;
    [a, b] = await Promise.all([createTenant(app, 'Simulations A'), createTenant(app, 'Simulations B')]);

    // the reminder: version 1 is the example as published, the draft then greets differently
    const reminder = await createFlow('appointment-reminder');
    reminderId = reminder.id;
    await api()
      .post(`/v1/flows/${reminderId}/publish`)
      .set('authorization', a.bearer('designer'))
      .send({ message: 'first version' })
      .expect(201);
    reminderV1 = runnable(reminder.document);
    const edited = structuredClone(reminder.document) as { nodes: { id: string; text?: string }[] };
    edited.nodes.find((node) => node.id === 'greet')!.text = DRAFT_GREETING;
    await api()
      .put(`/v1/flows/${reminderId}`)
      .set('authorization', a.bearer('designer'))
      .set('if-match', `"${reminder.revision}"`)
      .send({ document: edited })
      .expect(200);
    reminderDraft = runnable(edited);

    const lead = await createFlow('lead-qualification');
    leadId = lead.id;
    leadDraft = runnable(lead.document);
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('starting', () => {
    it('starts on the draft by default: runs to the first question and says what it listens for', async () => {
      const sim = await start({ variables: ANA, now: NOW });
      expect(sim).toMatchObject({ flowId: reminderId, version: 'draft', status: 'active', clock: expect.any(String) });
      expect(sim.record).toBeUndefined();
      expect(sim.listening).toEqual({
        nodeId: 'confirm',
        input: expect.any(String),
        captureType: 'yes_no',
        timeoutMs: 6000,
      });
      expect(sim.events.map((e) => e.seq)).toEqual(sim.events.map((_, i) => i + 1));
      expect(sim.events[0]).toMatchObject({ seq: 1, type: 'call.started', answeredBy: 'human', at: NOW });
      const said = sim.events.filter((e) => e.type === 'agent.said').map((e) => e.text);
      expect(said[0]).toBe(
        'Hello Ana, Ava here, an automated assistant from Maple Street Dental, with a quick appointment reminder.',
      );
      expect(Date.parse(sim.expiresAt) - Date.parse(sim.createdAt)).toBe(IDLE_TTL_MS);
    });

    it('starts on a published version, which keeps the logic it was published with', async () => {
      const sim = await start({ version: 1, variables: ANA, now: NOW });
      expect(sim.version).toBe(1);
      const said = sim.events.filter((e) => e.type === 'agent.said').map((e) => e.text);
      expect(said[0]).toMatch(/^Hi Ana, this is Ava, an automated assistant calling from Maple Street Dental/);
      const ended = await turn(sim.id, { text: 'yeah that works' });
      const expected = await simulateCall(reminderV1, {
        variables: ANA,
        now: NOW,
        callee: scriptedCallee(['yeah that works']),
        tools: new ScenarioToolRunner({}, null),
      });
      expect(ended.record).toEqual(JSON.parse(JSON.stringify(expected)));
    });

    it('ends at once when nobody answers, with the call record', async () => {
      const sim = await start({ variables: ANA, now: NOW, answeredBy: 'no_answer' });
      expect(sim.status).toBe('ended');
      expect(sim.listening).toBeNull();
      expect(sim.record).toMatchObject({ disposition: 'not_reached', path: ['start', 'not_reached'] });
      expect(sim.record!.events).toEqual(sim.events.map(({ seq: _seq, ...event }) => event));
    });

    it('answers 422 naming every missing required input variable', async () => {
      const res = await api()
        .post(`/v1/flows/${reminderId}/simulations`)
        .set('authorization', a.bearer('operator'))
        .send({ variables: { first_name: 'Ana' } })
        .expect(422);
      expect(res.body.error).toMatchObject({
        code: 'SIMULATION_MISSING_VARIABLES',
        message: 'Missing required input variable: appointment_at',
        details: [{ path: 'body.variables.appointment_at', message: expect.any(String) }],
      });
      const none = await api()
        .post(`/v1/flows/${reminderId}/simulations`)
        .set('authorization', a.bearer('operator'))
        .send({})
        .expect(422);
      expect(paths(none)).toEqual(['body.variables.first_name', 'body.variables.appointment_at']);
    });

    it('answers 400 naming each bad field of the body', async () => {
      const res = await api()
        .post(`/v1/flows/${reminderId}/simulations`)
        .set('authorization', a.bearer('operator'))
        .send({ version: 0, answeredBy: 'robot', now: 'yesterday', variables: [], colour: 'blue' })
        .expect(400);
      expect(ApiErrorSchema.parse(res.body).error.code).toBe('BAD_REQUEST');
      expect(paths(res)).toEqual(
        expect.arrayContaining(['body.version', 'body.answeredBy', 'body.now', 'body.variables', 'body.colour']),
      );
    });

    it('answers 404 for an unknown version, an unknown flow, and a bad id', async () => {
      const version = await api()
        .post(`/v1/flows/${reminderId}/simulations`)
        .set('authorization', a.bearer('operator'))
        .send({ version: 99, variables: ANA })
        .expect(404);
      expect(version.body.error.code).toBe('FLOW_VERSION_NOT_FOUND');
      await api()
        .post('/v1/flows/00000000-0000-4000-8000-000000000000/simulations')
        .set('authorization', a.bearer('operator'))
        .send({ variables: ANA })
        .expect(404);
      const bad = await api()
        .post('/v1/flows/not-a-uuid/simulations')
        .set('authorization', a.bearer('operator'))
        .send({ variables: ANA })
        .expect(400);
      expect(bad.body.error.details).toEqual([{ path: 'params.id', message: 'must be a UUID' }]);
    });

    it('refuses mocks of tools the flow does not declare', async () => {
      const res = await api()
        .post(`/v1/flows/${reminderId}/simulations`)
        .set('authorization', a.bearer('operator'))
        .send({ variables: ANA, tools: { crm: { result: {} } } })
        .expect(422);
      expect(res.body.error).toMatchObject({
        code: 'SIMULATION_UNKNOWN_TOOL',
        details: [{ path: 'body.tools.crm', message: expect.any(String) }],
      });
    });
  });

  describe('turns', () => {
    it('runs a whole call through text, dtmf, silence and hangup exactly as simulateCall does', async () => {
      const turns: SimulationTurnRequest[] = [
        { silence: true },
        { text: 'wait, who is this?' },
        { text: 'no, something came up at work' },
        { dtmf: '5' },
        { hangup: true },
      ];
      const sim = await start({ variables: ANA, now: NOW });
      const events: SimulationEvent[] = [...sim.events];
      let last = sim.events.at(-1)!.seq;
      for (const [index, body] of turns.entries()) {
        const res = await turn(sim.id, body);
        expect(res.events[0]?.seq).toBe(last + 1);
        last = res.events.at(-1)!.seq;
        events.push(...res.events);
        expect(res.status).toBe(index === turns.length - 1 ? 'ended' : 'active');
        if (res.status === 'ended') {
          expect(res.listening).toBeNull();
          expect(res.record?.disposition).toBe('callee_hung_up');
        }
      }

      const expected = await simulateCall(reminderDraft, {
        variables: ANA,
        now: NOW,
        callee: scriptedCallee(turns.map(asCalleeTurn)),
        tools: new ScenarioToolRunner({}, null),
      });
      const final = await api().get(`/v1/simulations/${sim.id}`).set('authorization', a.bearer('operator')).expect(200);
      const state = SimulationSchema.parse(final.body);
      expect(state.record).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(state.events).toEqual(events);
      expect(events.map(({ seq: _seq, ...event }) => event)).toEqual(JSON.parse(JSON.stringify(expected.events)));
      // each kind of turn is in the transcript
      expect(state.record!.transcript.filter((l) => l.speaker === 'callee').map((l) => l.kind)).toEqual([
        'silence',
        'speech',
        'speech',
        'dtmf',
        'hangup',
      ]);
      // silence moved the simulated clock to the deadline, without waiting for it
      const silent = events.find((e) => e.type === 'callee.silent')!;
      const prompt = sim.events.filter((e) => e.type === 'agent.said').at(-1)!;
      expect(Date.parse(silent.at) - Date.parse(prompt.at)).toBeGreaterThanOrEqual(6000);
    });

    it('answers 409 SIMULATION_ENDED to a turn once the call has ended', async () => {
      const sim = await start({ variables: ANA, now: NOW });
      await turn(sim.id, { text: 'yeah that works' });
      const res = await api()
        .post(`/v1/simulations/${sim.id}/turns`)
        .set('authorization', a.bearer('operator'))
        .send({ text: 'hello?' })
        .expect(409);
      expect(res.body.error).toMatchObject({ code: 'SIMULATION_ENDED', message: expect.stringContaining('confirmed') });
    });

    it('answers 400 naming the field to a turn that is not exactly one of text, dtmf, silence, hangup', async () => {
      const sim = await start({ variables: ANA, now: NOW });
      const cases: [unknown, string][] = [
        [{}, 'body'],
        [{ text: 'yes', dtmf: '1' }, 'body.dtmf'],
        [{ silence: false }, 'body.silence'],
        [{ hangup: 'yes' }, 'body.hangup'],
        [{ dtmf: '12a' }, 'body.dtmf'],
        [{ text: '   ' }, 'body.text'],
        [{ text: 42 }, 'body.text'],
        [{ texts: 'yes' }, 'body.texts'],
      ];
      for (const [body, path] of cases) {
        const res = await api()
          .post(`/v1/simulations/${sim.id}/turns`)
          .set('authorization', a.bearer('operator'))
          .send(body as object);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.code).toBe('BAD_REQUEST');
        expect(paths(res), JSON.stringify(body)).toContain(path);
      }
      // nothing happened to the call
      const after = await api().get(`/v1/simulations/${sim.id}`).set('authorization', a.bearer('operator')).expect(200);
      expect(after.body.events).toEqual(sim.events);
    });

    it('applies concurrent turns one at a time', async () => {
      const sim = await start({ variables: ANA, now: NOW });
      const [first, second] = await Promise.all([
        api()
          .post(`/v1/simulations/${sim.id}/turns`)
          .set('authorization', a.bearer('operator'))
          .send({ silence: true }),
        api()
          .post(`/v1/simulations/${sim.id}/turns`)
          .set('authorization', a.bearer('operator'))
          .send({ silence: true }),
      ]);
      expect([first.status, second.status]).toEqual([200, 200]);
      const seqs = [...first.body.events, ...second.body.events]
        .map((e: SimulationEvent) => e.seq)
        .sort((x, y) => x - y);
      const all = SimulationSchema.parse(
        (await api().get(`/v1/simulations/${sim.id}`).set('authorization', a.bearer('operator')).expect(200)).body,
      );
      // every event once, none lost: the two turns did not interleave
      expect(seqs).toEqual(all.events.slice(sim.events.length).map((e) => e.seq));
      expect(all.events.filter((e) => e.type === 'callee.silent')).toHaveLength(2);
      const expected = await simulateCall(reminderDraft, {
        variables: ANA,
        now: NOW,
        callee: scriptedCallee([{ silence: true }, { silence: true }]),
        tools: new ScenarioToolRunner({}, null),
      });
      expect(all.record).toEqual(JSON.parse(JSON.stringify(expected)));
    });
  });

  describe('tools', () => {
    const scenario = (name: string): Scenario => leadDraft.tests.find((s) => s.name === name)!;

    async function play(s: Scenario, extra: Record<string, unknown>): Promise<Simulation> {
      let sim = await start({ variables: s.variables, now: NOW, ...extra }, leadId, 'designer');
      for (const t of s.callee) {
        if (sim.status === 'ended') break;
        const body = typeof t === 'string' ? { text: t } : t;
        const res = await turn(sim.id, body);
        sim = { ...sim, ...res, events: [...sim.events, ...res.events] };
      }
      return sim;
    }

    it('uses the mocks given at the start, as the scenario runner does', async () => {
      const s = scenario('qualifies and books a Saturday consultation');
      const sim = await play(s, { tools: s.tools });
      const expected = await simulateCall(leadDraft, {
        variables: s.variables ?? {},
        now: NOW,
        callee: scriptedCallee(s.callee),
        tools: new ScenarioToolRunner(s.tools ?? {}, null),
      });
      expect(sim.status).toBe('ended');
      expect(sim.record).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(sim.record!.disposition).toBe(s.expect.disposition);
    });

    it('does not call an unmocked HTTP tool: the call gets an error event saying how to mock it', async () => {
      const s = scenario('qualifies and books a Saturday consultation');
      const sim = await play(s, {});
      const result = sim.events.find((e) => e.type === 'tool.result');
      expect(result).toMatchObject({
        type: 'tool.result',
        toolId: 'book',
        outcome: 'error',
        error: expect.stringContaining('HTTP tool "book" was not called'),
      });
    });

    it('lets only an admin or a designer ask for real HTTP tools', async () => {
      const res = await api()
        .post(`/v1/flows/${leadId}/simulations`)
        .set('authorization', a.bearer('operator'))
        .send({ variables: { first_name: 'Dana', contact_id: 'lead_1' }, httpTools: true })
        .expect(403);
      expect(res.body.error).toMatchObject({
        code: 'SIMULATION_HTTP_TOOLS_FORBIDDEN',
        details: [{ path: 'body.httpTools', message: expect.any(String) }],
      });
      await api()
        .post(`/v1/flows/${leadId}/simulations`)
        .set('authorization', a.bearer('designer'))
        .send({ variables: { first_name: 'Dana', contact_id: 'lead_1' }, httpTools: true })
        .expect(201);
    });
  });

  describe('event stream', () => {
    const open = (id: string, headers: Record<string, string> = {}, tenant = a, query = '') =>
      SseClient.open(port, `/v1/simulations/${id}/events${query}`, {
        authorization: tenant.bearer('operator'),
        ...headers,
      });

    it('replays the events so far, streams the agent lines and node changes live, and ends with the call', async () => {
      const sim = await start({ variables: ANA, now: NOW });
      const stream = await open(sim.id);
      try {
        expect(stream.status).toBe(200);
        expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
        expect(stream.headers['cache-control']).toContain('no-cache');
        await stream.until(() => stream.events.length === sim.events.length, 'the replay');
        expect(stream.events.map((m) => m.id)).toEqual(sim.events.map((e) => String(e.seq)));
        expect(stream.events.map((m) => m.event)).toEqual(sim.events.map((e) => e.type));
        expect(stream.events.map((m) => JSON.parse(m.data) as unknown)).toEqual(sim.events);

        const reply = await turn(sim.id, { text: 'no, something came up at work' });
        expect(reply.events.some((e) => e.type === 'node.entered' && e.nodeId === 'offer_reschedule')).toBe(true);
        await stream.until(() => stream.events.length === sim.events.length + reply.events.length, 'the live events');
        const live = stream.events.slice(sim.events.length).map((m) => SimulationEventSchema.parse(JSON.parse(m.data)));
        expect(live).toEqual(reply.events);
        expect(live.map((e) => e.type)).toEqual(expect.arrayContaining(['callee.said', 'node.entered', 'agent.said']));

        const last = await turn(sim.id, { text: 'yes please' });
        await stream.until(() => stream.ended, 'the end of the stream');
        const end = stream.messages.at(-1)!;
        expect(end.event).toBe('end');
        expect(SimulationStreamEndSchema.parse(JSON.parse(end.data))).toEqual({
          reason: 'ended',
          disposition: 'reschedule_requested',
          lastSeq: last.events.at(-1)!.seq,
        });
        expect(stream.events.map((m) => Number(m.id))).toEqual(
          Array.from({ length: last.events.at(-1)!.seq }, (_, i) => i + 1),
        );
      } finally {
        stream.close();
      }
    });

    it('replays only what follows Last-Event-ID, then streams', async () => {
      const sim = await start({ variables: ANA, now: NOW });
      const after = sim.events.length - 2;
      const stream = await open(sim.id, { 'last-event-id': String(after) });
      try {
        await stream.until(() => stream.events.length === 2, 'the replay after Last-Event-ID');
        expect(stream.events.map((m) => Number(m.id))).toEqual([after + 1, after + 2]);
        const reply = await turn(sim.id, { silence: true });
        await stream.until(() => stream.events.length === 2 + reply.events.length, 'the live events');
        expect(stream.events.slice(2).map((m) => JSON.parse(m.data) as unknown)).toEqual(reply.events);
      } finally {
        stream.close();
      }

      // the query parameter does the same for clients that cannot set headers
      const byQuery = await open(sim.id, {}, a, `?lastEventId=${sim.events.length}`);
      try {
        const expected = (await api().get(`/v1/simulations/${sim.id}`).set('authorization', a.bearer('operator'))).body
          .events as SimulationEvent[];
        await byQuery.until(() => byQuery.events.length === expected.length - sim.events.length, 'the replay by query');
        expect(byQuery.events[0]?.id).toBe(String(sim.events.length + 1));
      } finally {
        byQuery.close();
      }

      const bad = await open(sim.id, { 'last-event-id': 'yesterday' });
      await bad.until(() => bad.ended, 'the error answer');
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.body).error.details).toEqual([
        { path: 'headers.last-event-id', message: expect.any(String) },
      ]);
    });

    it('sends heartbeats, and replays then ends at once for a call that has ended', async () => {
      const sim = await start({ variables: ANA, now: NOW });
      const live = await open(sim.id);
      try {
        await live.until(() => live.comments.includes('heartbeat'), 'a heartbeat');
      } finally {
        live.close();
      }
      await turn(sim.id, { hangup: true });
      const ended = await open(sim.id);
      await ended.until(() => ended.ended, 'the end of the stream');
      expect(ended.messages.at(-1)?.event).toBe('end');
      expect(JSON.parse(ended.messages.at(-1)!.data)).toMatchObject({ reason: 'ended', disposition: 'callee_hung_up' });
    });

    it('stops listening when the client goes away', async () => {
      const sim = await start({ variables: ANA, now: NOW });
      const subscribers = async () => {
        const [, count] = (await redis.call('PUBSUB', 'NUMSUB', `switchboard:simulation:${sim.id}:events`)) as [
          string,
          number,
        ];
        return Number(count);
      };
      const stream = await open(sim.id);
      await stream.until(() => stream.events.length === sim.events.length, 'the replay');
      expect(await subscribers()).toBe(1);
      stream.close();
      const giveUpAt = Date.now() + 10_000;
      while ((await subscribers()) > 0 && Date.now() < giveUpAt) await new Promise((r) => setTimeout(r, 20));
      expect(await subscribers()).toBe(0);
    });
  });

  describe('several replicas', () => {
    let other: NestExpressApplication;
    beforeAll(async () => {
      other = await createApp({ idleTtlMs: IDLE_TTL_MS, heartbeatMs: HEARTBEAT_MS });
    });
    afterAll(async () => {
      await other?.close();
    });

    it('serves any turn on any replica, and streams events applied by another one', async () => {
      const sim = await start({ variables: ANA, now: NOW });
      const stream = await SseClient.open(port, `/v1/simulations/${sim.id}/events`, {
        authorization: a.bearer('operator'),
      });
      try {
        await stream.until(() => stream.events.length === sim.events.length, 'the replay');
        const res = await request(other.getHttpServer())
          .post(`/v1/simulations/${sim.id}/turns`)
          .set('authorization', a.bearer('operator'))
          .send({ text: 'yeah that works' })
          .expect(200);
        const reply = SimulationTurnResponseSchema.parse(res.body);
        expect(reply.record?.disposition).toBe('confirmed');
        await stream.until(() => stream.ended, 'the end of the stream');
        expect(stream.events.slice(sim.events.length).map((m) => JSON.parse(m.data) as unknown)).toEqual(reply.events);
        const seen = await api()
          .get(`/v1/simulations/${sim.id}`)
          .set('authorization', a.bearer('operator'))
          .expect(200);
        expect(seen.body.status).toBe('ended');
      } finally {
        stream.close();
      }
    });
  });

  describe('expiry and deletion', () => {
    const stateKey = (id: string) => `switchboard:simulation:{${id}}:state`;

    it('forgets a simulation left idle for the configured time; every turn pushes that back', async () => {
      const sim = await start({ variables: ANA, now: NOW });
      expect(await redis.pttl(stateKey(sim.id))).toBeGreaterThan(IDLE_TTL_MS - 60_000);
      expect(await redis.pttl(stateKey(sim.id))).toBeLessThanOrEqual(IDLE_TTL_MS);
      await redis.pexpire(stateKey(sim.id), 60_000);
      const res = await turn(sim.id, { silence: true });
      expect(await redis.pttl(stateKey(sim.id))).toBeGreaterThan(IDLE_TTL_MS - 60_000);
      expect(Date.parse(res.expiresAt)).toBeGreaterThan(Date.parse(sim.expiresAt));

      // idle time runs out (Redis drops the state)
      const stream = await open(sim.id);
      await stream.until(() => stream.events.length > 0, 'the replay');
      await redis.pexpire(stateKey(sim.id), 1);
      await stream.until(() => stream.ended, 'the end of the stream on expiry');
      expect(JSON.parse(stream.messages.at(-1)!.data)).toMatchObject({ reason: 'expired' });

      const gone = await api().get(`/v1/simulations/${sim.id}`).set('authorization', a.bearer('operator')).expect(410);
      expect(gone.body.error).toMatchObject({ code: 'SIMULATION_GONE', message: expect.stringContaining('expired') });
      await api()
        .post(`/v1/simulations/${sim.id}/turns`)
        .set('authorization', a.bearer('operator'))
        .send({ text: 'hello?' })
        .expect(410);
      const again = await open(sim.id);
      await again.until(() => again.ended, 'the error answer');
      expect(again.status).toBe(410);
      // to another organisation it never existed
      const other = await api().get(`/v1/simulations/${sim.id}`).set('authorization', b.bearer('operator')).expect(404);
      expect(other.body.error.code).toBe('SIMULATION_NOT_FOUND');

      function open(id: string) {
        return SseClient.open(port, `/v1/simulations/${id}/events`, { authorization: a.bearer('operator') });
      }
    });

    it('DELETE ends a simulation: open streams get `end`, the id then answers 410', async () => {
      const sim = await start({ variables: ANA, now: NOW });
      const stream = await SseClient.open(port, `/v1/simulations/${sim.id}/events`, {
        authorization: a.bearer('operator'),
      });
      await stream.until(() => stream.events.length === sim.events.length, 'the replay');
      await api().delete(`/v1/simulations/${sim.id}`).set('authorization', a.bearer('designer')).expect(204);
      await stream.until(() => stream.ended, 'the end of the stream');
      expect(JSON.parse(stream.messages.at(-1)!.data)).toEqual({
        reason: 'deleted',
        disposition: null,
        lastSeq: sim.events.length,
      });
      const res = await api().get(`/v1/simulations/${sim.id}`).set('authorization', a.bearer('operator')).expect(410);
      expect(res.body.error.message).toContain('deleted');
      expect(await redis.exists(stateKey(sim.id))).toBe(0);
    });
  });

  describe('access', () => {
    it('needs simulations:run: a viewer or a compliance reviewer cannot start, read or drive one', async () => {
      const sim = await start({ variables: ANA, now: NOW });
      for (const role of ['viewer', 'compliance'] as const) {
        const auth = a.bearer(role);
        await api()
          .post(`/v1/flows/${reminderId}/simulations`)
          .set('authorization', auth)
          .send({ variables: ANA })
          .expect(403);
        await api().get(`/v1/simulations/${sim.id}`).set('authorization', auth).expect(403);
        await api()
          .post(`/v1/simulations/${sim.id}/turns`)
          .set('authorization', auth)
          .send({ silence: true })
          .expect(403);
        await api().delete(`/v1/simulations/${sim.id}`).set('authorization', auth).expect(403);
      }
      await api().get(`/v1/simulations/${sim.id}`).expect(401);
      for (const role of ['admin', 'designer', 'operator'] as const) {
        await api().get(`/v1/simulations/${sim.id}`).set('authorization', a.bearer(role)).expect(200);
      }
    });

    it("keeps tenants apart: B cannot start on A's flow, nor see, stream, drive or delete A's simulation", async () => {
      const sim = await start({ variables: ANA, now: NOW });
      const auth = b.bearer('admin');
      const flow = await api()
        .post(`/v1/flows/${reminderId}/simulations`)
        .set('authorization', auth)
        .send({ variables: ANA })
        .expect(404);
      expect(flow.body.error.code).toBe('FLOW_NOT_FOUND');
      const seen = await api().get(`/v1/simulations/${sim.id}`).set('authorization', auth).expect(404);
      expect(seen.body.error).toMatchObject({
        code: 'SIMULATION_NOT_FOUND',
        message: `Simulation ${sim.id} not found`,
      });
      const driven = await api()
        .post(`/v1/simulations/${sim.id}/turns`)
        .set('authorization', auth)
        .send({ hangup: true });
      expect(driven.status).toBe(404);
      expect(driven.body.error.code).toBe('SIMULATION_NOT_FOUND');
      await api().delete(`/v1/simulations/${sim.id}`).set('authorization', auth).expect(404);
      const stream = await SseClient.open(port, `/v1/simulations/${sim.id}/events`, { authorization: auth });
      await stream.until(() => stream.ended, 'the error answer');
      expect(stream.status).toBe(404);
      expect(JSON.parse(stream.body).error.code).toBe('SIMULATION_NOT_FOUND');

      // A's call is untouched
      const mine = await api().get(`/v1/simulations/${sim.id}`).set('authorization', a.bearer('operator')).expect(200);
      expect(mine.body).toMatchObject({ status: 'active', events: sim.events });
      // and an unknown id is the same 404
      const unknown = await api()
        .get('/v1/simulations/00000000-0000-4000-8000-000000000000')
        .set('authorization', a.bearer('operator'))
        .expect(404);
      expect(unknown.body.error.code).toBe('SIMULATION_NOT_FOUND');
    });
  });

  it('keeps running the document it started with while the draft changes', async () => {
    const sim = await start({ variables: ANA, now: NOW });
    const current = await api().get(`/v1/flows/${reminderId}`).set('authorization', a.bearer('designer')).expect(200);
    const changed = structuredClone(current.body.document) as { nodes: { id: string; text?: string }[] };
    changed.nodes.find((node) => node.id === 'confirmed_end')!.text = 'Changed after the simulation started.';
    await api()
      .put(`/v1/flows/${reminderId}`)
      .set('authorization', a.bearer('designer'))
      .set('if-match', `"${current.body.revision}"`)
      .send({ document: changed })
      .expect(200);

    const res = await turn(sim.id, { text: 'yeah that works' });
    expect(res.record?.disposition).toBe('confirmed');
    const said = res.events.filter((e) => e.type === 'agent.said').map((e) => e.text);
    expect(said.at(-1)).toMatch(/^Wonderful, you're all confirmed/);
    expect(said).not.toContain('Changed after the simulation started.');
  });
});
