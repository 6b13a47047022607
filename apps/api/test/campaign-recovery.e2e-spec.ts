import { getQueueToken } from '@nestjs/bullmq';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CallsClock } from '../src/calls/calls.clock.js';
import { CALLS_QUEUE } from '../src/calls/jobs/calls.queue.js';
import { CampaignSweeper } from '../src/campaigns/campaign-sweeper.js';
import { WebhooksService } from '../src/webhooks/webhooks.service.js';
import { createTenant, ownCallerId, publishedTemplate, recordConsent, type TestTenant } from './fixtures.js';
import { createTestApp } from './test-app.js';

type Json = Record<string, unknown>;

/** a Tuesday, 11:00 in New York: every 212 number is callable now */
const NOW = new Date('2026-11-24T16:00:00.000Z');
const CALLER_ID = '+12125550199';
/** contacts planned within a request in this file: the rest go to the background */
const INLINE_LIMIT = 3;

describe('campaign recovery: background planning of large campaigns, the sweeper', () => {
  let app: NestExpressApplication;
  let db: DataSource;
  let queue: Queue;
  let tenant: TestTenant;
  let flowId: string;
  let phoneSeq = 0;
  const emitted: Array<{ type: string; data: Json }> = [];
  const http = () => request(app.getHttpServer());
  const nextPhone = () => `+1212555${String(7000 + phoneSeq++).padStart(4, '0')}`;

  async function campaignWith(contacts: number): Promise<{ id: string; phones: string[] }> {
    const phones = Array.from({ length: contacts }, nextPhone);
    for (const phone of phones) await recordConsent(app, tenant, phone);
    const created = await http()
      .post('/v1/campaigns')
      .set('authorization', tenant.bearer('operator'))
      .send({
        name: 'Recovery',
        flowId,
        callerId: CALLER_ID,
        pacing: { maxConcurrent: 5, perMinute: 600 },
        variables: { first_name: 'Ada', appointment_at: '2026-11-26T15:00:00Z' },
      })
      .expect(201);
    const id = created.body.id as string;
    await http()
      .post(`/v1/campaigns/${id}/contacts`)
      .set('authorization', tenant.bearer('operator'))
      .send({ contacts: phones.map((phone) => ({ phone })) })
      .expect(200);
    return { id, phones };
  }

  type CampaignBody = Json & { counters: Record<string, number> };
  const campaign = async (id: string): Promise<CampaignBody> =>
    (await http().get(`/v1/campaigns/${id}`).set('authorization', tenant.bearer('viewer')).expect(200))
      .body as CampaignBody;

  async function jobsOf(id: string): Promise<number> {
    const calls = await db.query<Array<{ id: string; attempt: number }>>(
      `SELECT id, attempt FROM calls WHERE campaign_id = $1`,
      [id],
    );
    const jobs = await Promise.all(calls.map((call) => queue.getJob(`call:${call.id}:${call.attempt}`)));
    return jobs.filter(Boolean).length;
  }

  beforeAll(async () => {
    app = await createTestApp({
      env: { CAMPAIGN_INLINE_PLAN_LIMIT: String(INLINE_LIMIT), RATE_LIMIT_PER_MINUTE: '0' },
    });
    vi.spyOn(app.get(CallsClock), 'now').mockImplementation(() => new Date(NOW));
    const webhooks = app.get(WebhooksService);
    const emit = webhooks.emit.bind(webhooks);
    vi.spyOn(webhooks, 'emit').mockImplementation(async (organizationId, type, data) => {
      emitted.push({ type, data });
      await emit(organizationId, type, data);
    });
    db = app.get(DataSource);
    queue = app.get<Queue>(getQueueToken(CALLS_QUEUE));
    tenant = await createTenant(app, 'Recovery Dental LLC');
    await ownCallerId(app, tenant, CALLER_ID);
    flowId = await publishedTemplate(app, tenant);
  }, 60_000);

  afterAll(async () => {
    vi.restoreAllMocks();
    await app?.close();
  });

  it('a start larger than the inline limit answers at once and plans the rest in the background', async () => {
    const { id } = await campaignWith(8);
    const started = await http().post(`/v1/campaigns/${id}/start`).set('authorization', tenant.bearer('operator'));
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('running');
    // at least the inline part is planned when the answer leaves; every contact is counted
    expect(started.body.counters.contacts).toBe(8);
    expect(started.body.counters.queued).toBeGreaterThanOrEqual(INLINE_LIMIT);
    expect(started.body.counters.queued + started.body.counters.pending).toBe(8);

    await vi.waitFor(
      async () => {
        expect((await campaign(id)).counters).toMatchObject({ queued: 8, pending: 0 });
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(await jobsOf(id)).toBe(8);
    const activity = await db.query<Array<{ details: Json }>>(
      `SELECT details FROM activity_log WHERE subject_id = $1 AND action = 'campaign.started'`,
      [id],
    );
    expect(activity[0]?.details).toMatchObject({ queued: INLINE_LIMIT, background: true });
  });

  it('the sweeper plans the contacts a dead process left pending in a running campaign, after they settle', async () => {
    const { id } = await campaignWith(4);
    // the API died between `running` and its plan: nothing was planned
    await db.query(`UPDATE campaigns SET status = 'running', started_at = now() WHERE id = $1`, [id]);
    const sweeper = app.get(CampaignSweeper);

    // just touched: maybe a planner is at work on them right now, so they are left alone
    expect((await sweeper.sweep())?.replanned).not.toContain(id);
    expect((await campaign(id)).counters).toMatchObject({ pending: 4, queued: 0 });

    await db.query(`UPDATE campaign_contacts SET updated_at = now() - interval '5 minutes' WHERE campaign_id = $1`, [
      id,
    ]);
    const report = await sweeper.sweep();
    expect(report?.replanned).toContain(id);
    expect((await campaign(id)).counters).toMatchObject({ pending: 0, queued: 4 });
    expect(await jobsOf(id)).toBe(4);
    // planned once: a second pass finds nothing to do
    expect((await sweeper.sweep())?.replanned).not.toContain(id);
    const calls = await db.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM calls WHERE campaign_id = $1`, [id]);
    expect(Number(calls[0]?.n)).toBe(4);
  });

  it('the sweeper completes a running campaign whose contacts are all final, once, with its webhook', async () => {
    const { id } = await campaignWith(2);
    await db.query(`UPDATE campaigns SET status = 'running', started_at = now() WHERE id = $1`, [id]);
    await db.query(`UPDATE campaign_contacts SET state = 'completed' WHERE campaign_id = $1`, [id]);
    const sweeper = app.get(CampaignSweeper);
    expect((await sweeper.sweep())?.completed).toContain(id);
    expect(await campaign(id)).toMatchObject({ status: 'completed', finishedAt: expect.any(String) });
    expect(emitted.filter((e) => e.type === 'campaign.completed' && e.data.campaignId === id)).toHaveLength(1);
    expect((await sweeper.sweep())?.completed).not.toContain(id);
  });

  it('a paused campaign is left alone: its pending contacts wait for resume', async () => {
    const { id } = await campaignWith(2);
    await db.query(`UPDATE campaigns SET status = 'paused', started_at = now() WHERE id = $1`, [id]);
    await db.query(`UPDATE campaign_contacts SET updated_at = now() - interval '5 minutes' WHERE campaign_id = $1`, [
      id,
    ]);
    const report = await app.get(CampaignSweeper).sweep();
    expect(report?.replanned).not.toContain(id);
    expect(report?.completed).not.toContain(id);
    expect((await campaign(id)).counters).toMatchObject({ pending: 2 });
  });
});
