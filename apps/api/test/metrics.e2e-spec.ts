import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsService } from '../src/metrics/metrics.service.js';
import { createTestApp } from './test-app.js';

/** The value of one series in a Prometheus text exposition, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    const have = labelText.split(',');
    if (wanted.every((pair) => have.includes(pair)) && have.length === wanted.length) {
      return Number(line.slice(line.indexOf('}') + 1).trim());
    }
  }
  return undefined;
}

describe('GET /metrics', () => {
  let app: NestExpressApplication;
  const scrape = async () => (await request(app.getHttpServer()).get('/metrics').expect(200)).text;

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers Prometheus text, without credentials, with the process metrics', async () => {
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(res.text).toContain('# TYPE nodejs_heap_size_used_bytes gauge');
    expect(res.text).toContain('# TYPE http_requests_total counter');
    expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
  });

  it('counts requests by route template, not by raw URL', async () => {
    const route = { method: 'GET', route: '/docs/:asset', status: '200' };
    const before = sample(await scrape(), 'http_requests_total', route) ?? 0;
    await request(app.getHttpServer()).get('/docs/index.css').expect(200);
    await request(app.getHttpServer()).get('/docs/favicon-16x16.png').expect(200);
    await request(app.getHttpServer()).get('/docs/not-a-file.js').expect(400);

    const text = await scrape();
    expect(sample(text, 'http_requests_total', route)).toBe(before + 2);
    expect(sample(text, 'http_requests_total', { ...route, status: '400' })).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', route)).toBe(before + 2);
    expect(sample(text, 'http_request_duration_seconds_bucket', { ...route, le: '+Inf' })).toBe(before + 2);
    // the ids and file names of the URLs are nowhere in the labels
    expect(text).not.toContain('index.css');
    expect(text).not.toContain('not-a-file.js');
  });

  it('labels requests no route matched as unmatched, whatever their path', async () => {
    await request(app.getHttpServer()).get('/no/such/route/123').expect(404);
    await request(app.getHttpServer()).get('/no/such/route/456').expect(404);
    const text = await scrape();
    expect(sample(text, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(2);
    expect(text).not.toContain('/no/such/route');
  });

  it('counts the scrapes themselves', async () => {
    await scrape();
    const text = await scrape();
    expect(
      sample(text, 'http_requests_total', { method: 'GET', route: '/metrics', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('exposes what other modules register through MetricsService', async () => {
    const metrics = app.get(MetricsService);
    const published = metrics.counter({
      name: 'test_flows_published_total',
      help: 'flows published',
      labelNames: ['purpose'],
    });
    published.inc({ purpose: 'INFORMATIONAL' }, 3);
    // asking again by name gives the same counter, so a module may register in its constructor
    expect(
      metrics.counter({ name: 'test_flows_published_total', help: 'flows published', labelNames: ['purpose'] }),
    ).toBe(published);
    metrics.gauge({ name: 'test_queue_depth', help: 'jobs waiting' }).set(7);

    const text = await scrape();
    expect(sample(text, 'test_flows_published_total', { purpose: 'INFORMATIONAL' })).toBe(3);
    expect(text).toMatch(/^test_queue_depth 7$/m);
  });
});
