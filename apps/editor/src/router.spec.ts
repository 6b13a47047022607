import { describe, expect, it } from 'vitest';
import { hrefOf, parseRoute } from './router.js';

describe('the hash router', () => {
  it('reads and writes the three routes', () => {
    const id = '0b9c4c1e-2f7a-4d8e-9a55-1c2b3d4e5f60';
    expect(parseRoute(`#/flows/${id}`)).toEqual({ name: 'editor', id });
    expect(parseRoute('#/login')).toEqual({ name: 'login' });
    expect(parseRoute('')).toEqual({ name: 'flows' });
    expect(parseRoute('#/flows/not-an-id')).toEqual({ name: 'flows' });
    expect(hrefOf({ name: 'editor', id })).toBe(`#/flows/${id}`);
  });

  it('reads and writes the campaign and call routes, and round-trips each', () => {
    const id = '0b9c4c1e-2f7a-4d8e-9a55-1c2b3d4e5f60';
    expect(parseRoute('#/campaigns')).toEqual({ name: 'campaigns' });
    expect(parseRoute(`#/campaigns/${id}`)).toEqual({ name: 'campaign', id });
    expect(parseRoute('#/calls')).toEqual({ name: 'calls' });
    expect(parseRoute(`#/calls?campaign=${id}`)).toEqual({ name: 'calls', campaignId: id });
    expect(parseRoute(`#/calls/${id}`)).toEqual({ name: 'call', id });
    expect(parseRoute('#/campaigns/42')).toEqual({ name: 'flows' });
    expect(parseRoute('#/calls?campaign=nope')).toEqual({ name: 'flows' });
    for (const route of [
      { name: 'campaigns' },
      { name: 'campaign', id },
      { name: 'calls' },
      { name: 'calls', campaignId: id },
      { name: 'call', id },
    ] as const)
      expect(parseRoute(hrefOf(route))).toEqual(route);
  });
});
