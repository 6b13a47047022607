import { Counter, Histogram } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsService } from './metrics.service.js';

describe('MetricsService', () => {
  const services: MetricsService[] = [];
  const create = () => {
    const service = new MetricsService();
    services.push(service);
    return service;
  };
  afterEach(() => {
    for (const service of services.splice(0)) service.onModuleDestroy();
  });

  it('registers a metric once and hands the same one back by name', () => {
    const metrics = create();
    const first = metrics.histogram({ name: 'job_seconds', help: 'job time', buckets: [1, 2] });
    expect(first).toBeInstanceOf(Histogram);
    expect(metrics.histogram({ name: 'job_seconds', help: 'job time', buckets: [1, 2] })).toBe(first);
  });

  it('refuses a name already taken by another kind of metric', () => {
    const metrics = create();
    metrics.counter({ name: 'jobs_total', help: 'jobs' });
    expect(() => metrics.gauge({ name: 'jobs_total', help: 'jobs' })).toThrow(/already registered as a Counter/);
  });

  it('keeps each instance’s metrics to itself (no global registry)', async () => {
    const a = create();
    const b = create();
    expect(a.counter({ name: 'only_here_total', help: 'x' })).toBeInstanceOf(Counter);
    expect(b.counter({ name: 'only_here_total', help: 'x' })).not.toBe(
      a.counter({ name: 'only_here_total', help: 'x' }),
    );
    a.recordHttpRequest({ method: 'GET', route: '/v1/flows/:id', status: '200' }, 0.02);
    expect(await a.render()).toContain('http_requests_total{method="GET",route="/v1/flows/:id",status="200"} 1');
    expect(await b.render()).not.toContain('route="/v1/flows/:id"');
  });

  it('puts a request in the buckets its duration falls in', async () => {
    const metrics = create();
    metrics.recordHttpRequest({ method: 'POST', route: '/v1/flows', status: '201' }, 0.03);
    const text = await metrics.render();
    const labels = 'method="POST",route="/v1/flows",status="201"';
    expect(text).toContain(`http_request_duration_seconds_bucket{le="0.025",${labels}} 0`);
    expect(text).toContain(`http_request_duration_seconds_bucket{le="0.05",${labels}} 1`);
    expect(text).toContain(`http_request_duration_seconds_sum{${labels}} 0.03`);
  });
});
