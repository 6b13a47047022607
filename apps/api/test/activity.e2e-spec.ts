import type { NestExpressApplication } from '@nestjs/platform-express';
import { ActivityPageSchema } from '@switchboard/contracts';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityService, SYSTEM_ACTOR } from '../src/activity/activity.service.js';
import { createTenant, type TestTenant } from './fixtures.js';
import { createTestApp } from './test-app.js';

describe('the activity log', () => {
  let app: NestExpressApplication;
  let tenant: TestTenant;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp();
    tenant = await createTenant(app);
  });
  afterAll(async () => {
    await app.close();
  });

  it("records the organisation's birth, its admin and its keys, newest first", async () => {
    const res = await http()
      .get('/v1/activity')
      .query({ limit: 200 })
      .set('authorization', tenant.adminSession())
      .expect(200);
    const page = ActivityPageSchema.parse(res.body);
    const actions = page.items.map((item) => item.action);
    expect(actions).toEqual(
      expect.arrayContaining(['organization.created', 'member.added', 'api_key.created', 'auth.logged_in']),
    );
    expect(page.items.find((item) => item.action === 'organization.created')).toMatchObject({
      actor: { kind: 'system', id: 'system', label: 'system' },
      subjectType: 'organization',
      subjectId: tenant.organizationId,
    });
    const times = page.items.map((item) => Date.parse(item.createdAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));
  });

  it('records what other features report through ActivityService.record, with details', async () => {
    const activity = app.get(ActivityService);
    const entry = await activity.record({
      organizationId: tenant.organizationId,
      actor: { kind: 'api_key', id: 'k1', label: 'designer key' },
      action: 'flow.published',
      subjectType: 'flow',
      subjectId: 'flow-42',
      details: { version: 3, message: 'first release' },
    });
    const res = await http()
      .get('/v1/activity')
      .query({ subjectType: 'flow', subjectId: 'flow-42' })
      .set('authorization', tenant.bearer('compliance'))
      .expect(200);
    expect(res.body).toEqual({
      items: [
        {
          id: entry.id,
          actor: { kind: 'api_key', id: 'k1', label: 'designer key' },
          action: 'flow.published',
          subjectType: 'flow',
          subjectId: 'flow-42',
          details: { version: 3, message: 'first release' },
          createdAt: entry.createdAt,
        },
      ],
      nextCursor: null,
    });
  });

  it('writes an entry together with the change: a rolled back transaction leaves none', async () => {
    const activity = app.get(ActivityService);
    await expect(
      app.get(DataSource).transaction(async (manager) => {
        await activity.record(
          {
            organizationId: tenant.organizationId,
            actor: SYSTEM_ACTOR,
            action: 'flow.deleted',
            subjectType: 'flow',
            subjectId: 'rolled-back',
          },
          manager,
        );
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const res = await http()
      .get('/v1/activity')
      .query({ subjectId: 'rolled-back' })
      .set('authorization', tenant.adminSession())
      .expect(200);
    expect(res.body.items).toEqual([]);
  });

  it('pages with a cursor without repeating or skipping an entry', async () => {
    const activity = app.get(ActivityService);
    for (let index = 0; index < 7; index += 1) {
      await activity.record({
        organizationId: tenant.organizationId,
        actor: SYSTEM_ACTOR,
        action: 'test.paged',
        subjectType: 'paging',
        subjectId: `item-${index}`,
      });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await http()
        .get('/v1/activity')
        .query({ subjectType: 'paging', limit: 3, ...(cursor ? { cursor } : {}) })
        .set('authorization', tenant.adminSession())
        .expect(200);
      seen.push(...(res.body.items as { subjectId: string }[]).map((item) => item.subjectId));
      cursor = (res.body.nextCursor as string | null) ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it.each([
    [{ cursor: 'garbage' }, 'query.cursor'],
    [{ limit: '0' }, 'query.limit'],
    [{ limit: '1000' }, 'query.limit'],
    [{ subjectType: 'Flow; DROP TABLE' }, 'query.subjectType'],
    [{ actor: 'me' }, 'query.actor'],
  ])('answers %j with 400 naming %s', async (query, path) => {
    const res = await http().get('/v1/activity').query(query).set('authorization', tenant.adminSession()).expect(400);
    expect((res.body.error.details as { path: string }[]).map((detail) => detail.path)).toContain(path);
  });

  describe('is append-only in the database itself', () => {
    it.each([
      ['UPDATE', `UPDATE activity_log SET action = 'rewritten' WHERE organization_id = $1`],
      ['DELETE', `DELETE FROM activity_log WHERE organization_id = $1`],
    ])('refuses %s', async (operation, sql) => {
      await expect(app.get(DataSource).query(sql, [tenant.organizationId])).rejects.toThrow(
        new RegExp(`activity_log is append-only: ${operation} refused`),
      );
    });

    it('refuses TRUNCATE', async () => {
      await expect(app.get(DataSource).query('TRUNCATE activity_log')).rejects.toThrow(
        /activity_log is append-only: TRUNCATE refused/,
      );
    });

    it('kept every entry', async () => {
      const rows = await app
        .get(DataSource)
        .query<{ count: string }[]>(
          `SELECT count(*) FROM activity_log WHERE organization_id = $1 AND action = 'rewritten'`,
          [tenant.organizationId],
        );
      expect(rows[0]?.count).toBe('0');
    });
  });
});
