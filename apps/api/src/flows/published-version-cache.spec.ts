import type { FlowDocument } from '@switchboard/flow';
import { describe, expect, it } from 'vitest';
import { PUBLISHED_VERSION_CACHE_BYTES, PublishedVersionCache } from './published-version-cache.js';

const doc = (name: string) => ({ meta: { name }, nodes: [{ id: 'start' }] }) as unknown as FlowDocument;

describe('PublishedVersionCache', () => {
  it('answers a version it was given, per organisation, flow and number', () => {
    const cache = new PublishedVersionCache();
    cache.set('org', 'flow', 1, doc('one'), 100);
    expect(cache.get('org', 'flow', 1)?.meta.name).toBe('one');
    expect(cache.get('org', 'flow', 2)).toBeUndefined();
    expect(cache.get('other', 'flow', 1)).toBeUndefined();
  });

  it('freezes what it hands out, nested members included', () => {
    const cache = new PublishedVersionCache();
    const frozen = cache.set('org', 'flow', 1, doc('one'), 100) as unknown as { nodes: Array<{ id: string }> };
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(Object.isFrozen(frozen.nodes[0])).toBe(true);
  });

  it('drops the least recently used versions past its byte budget, and never keeps one larger than it', () => {
    const cache = new PublishedVersionCache();
    const third = Math.floor(PUBLISHED_VERSION_CACHE_BYTES / 3);
    cache.set('org', 'flow', 1, doc('one'), third);
    cache.set('org', 'flow', 2, doc('two'), third);
    cache.get('org', 'flow', 1);
    cache.set('org', 'flow', 3, doc('three'), third + 10);
    expect(cache.get('org', 'flow', 2)).toBeUndefined();
    expect(cache.get('org', 'flow', 1)?.meta.name).toBe('one');
    expect(cache.get('org', 'flow', 3)?.meta.name).toBe('three');
    const huge = cache.set('org', 'flow', 4, doc('four'), PUBLISHED_VERSION_CACHE_BYTES + 1);
    expect(huge.meta.name).toBe('four');
    expect(cache.get('org', 'flow', 4)).toBeUndefined();
    expect(cache.get('org', 'flow', 1)?.meta.name).toBe('one');
  });
});
