import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DataSource, EntityManager } from 'typeorm';
import type { ActivityService } from '../activity/activity.service.js';
import type { Principal } from '../common/auth/principal.js';
import type { ApiKeyCredential, ApiKeysRepository } from './api-keys.repository.js';
import { API_KEY_CACHE_TTL_MS, ApiKeysService } from './api-keys.service.js';
import { Clock } from './clock.js';
import { Credentials } from './credentials.js';

const SECRET = 'sk_test-secret';

/** A key table of one key, counting the reads of authentication. */
function setup() {
  const credentials = new Credentials();
  const key: ApiKeyCredential = {
    id: 'key-1',
    organizationId: 'org',
    name: 'ci',
    roles: ['operator'],
    revokedAt: null,
  };
  let reads = 0;
  const repository = {
    findCredentialByKeyHash: (hash: string) => {
      reads += 1;
      return Promise.resolve(hash === credentials.hash(SECRET) ? { ...key } : null);
    },
    findInOrganization: () => Promise.resolve({ ...key, prefix: 'sk_test', revokedAt: key.revokedAt }),
    revoke: (_organizationId: string, _id: string, at: Date) => {
      key.revokedAt = at;
      return Promise.resolve();
    },
    touchLastUsed: () => Promise.resolve(true),
  } as unknown as ApiKeysRepository;
  const dataSource = {
    transaction: (work: (manager: EntityManager) => Promise<unknown>) => work({} as EntityManager),
  } as unknown as DataSource;
  const activity = { record: () => Promise.resolve() } as unknown as ActivityService;
  const service = new ApiKeysService(repository, credentials, activity, new Clock(), dataSource);
  return { service, reads: () => reads };
}

const admin: Principal = { organizationId: 'org', kind: 'user', id: 'u', roles: ['admin'], label: 'a@example.com' };

describe('ApiKeysService.resolve (small: a fake key table)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reads a live key once per API_KEY_CACHE_TTL_MS, then again', async () => {
    const { service, reads } = setup();
    let now = 1_000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    expect((await service.resolve(SECRET)).id).toBe('key-1');
    expect((await service.resolve(SECRET)).id).toBe('key-1');
    expect(reads()).toBe(1);
    now += API_KEY_CACHE_TTL_MS + 1;
    await service.resolve(SECRET);
    expect(reads()).toBe(2);
  });

  it('a key revoked through this process is refused at the next request', async () => {
    const { service } = setup();
    await service.resolve(SECRET);
    await service.revoke(admin, 'key-1');
    await expect(service.resolve(SECRET)).rejects.toThrow('This API key has been revoked');
  });

  it('unknown keys are read every time and never cached', async () => {
    const { service, reads } = setup();
    await expect(service.resolve('sk_other')).rejects.toThrow('Unknown API key');
    await expect(service.resolve('sk_other')).rejects.toThrow('Unknown API key');
    expect(reads()).toBe(2);
  });
});
