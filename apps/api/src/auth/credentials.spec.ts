import { describe, expect, it } from 'vitest';
import { slugify } from '../organizations/organizations.service.js';
import { Credentials, matchesDigest, sha256Digest, sha256Hex } from './credentials.js';

describe('Credentials', () => {
  const credentials = new Credentials();

  it('issues session tokens of 32 random bytes, stored as their SHA-256', () => {
    const issued = credentials.newSessionToken();
    expect(issued.secret).toMatch(/^sess_[A-Za-z0-9_-]{43}$/);
    expect(issued.hash).toBe(sha256Hex(issued.secret));
    expect(issued.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(credentials.newSessionToken().secret).not.toBe(issued.secret);
  });

  it('issues API keys with a short display prefix that is the start of the key', () => {
    const issued = credentials.newApiKey();
    expect(issued.secret).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(issued.prefix).toBe(issued.secret.slice(0, 11));
    expect(issued.hash).toBe(credentials.hash(issued.secret));
  });

  it('generates passwords long enough for the password policy', () => {
    expect(credentials.newPassword()).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it('compares a secret with a stored digest', () => {
    const digest = sha256Digest('the worker token');
    expect(matchesDigest('the worker token', digest)).toBe(true);
    expect(matchesDigest('the worker token ', digest)).toBe(false);
    expect(matchesDigest('', digest)).toBe(false);
  });
});

describe('slugify', () => {
  it.each([
    ['Acme Health, Inc.', 'acme-health-inc'],
    ['  Café  Crème ', 'cafe-creme'],
    ['---', ''],
    ['日本', ''],
    ['A'.repeat(80), 'a'.repeat(48)],
  ])('%s → %s', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });
});
