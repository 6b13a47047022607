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
});
