import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, newSigningSecret } from './webhook-secrets.js';
import { isPrivateHost } from './webhook-url.js';
import { loadWebhooksConfig } from './webhooks.config.js';

describe('webhook signing secrets', () => {
  it('are whsec_ + 24 random bytes, stored AES-256-GCM encrypted and read back with the key only', () => {
    const key = randomBytes(32);
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(24);
    const stored = encryptSecret(key, secret);
    expect(stored).not.toContain(secret.slice(6));
    expect(decryptSecret(key, stored)).toBe(secret);
    expect(() => decryptSecret(randomBytes(32), stored)).toThrow();
    expect(() => decryptSecret(key, 'garbage')).toThrow();
  });
});

describe('isPrivateHost', () => {
  it.each(['127.0.0.1', 'localhost', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '[::1]', '0.0.0.0'])(
    '%s is private',
    (host) => expect(isPrivateHost(host)).toBe(true),
  );
  it.each(['hooks.example.com', '8.8.8.8', '172.32.0.1', '[2001:db8::1]'])('%s is not', (host) =>
    expect(isPrivateHost(host)).toBe(false),
  );
});

describe('loadWebhooksConfig', () => {
  it('defaults to 5 retries (10 s … 2 h), the dev key, and refuses private URLs in production only', () => {
    const dev = loadWebhooksConfig({});
    expect(dev.retryDelaysMs).toEqual([10_000, 60_000, 300_000, 1_800_000, 7_200_000]);
    expect(dev.usingDevKey).toBe(true);
    expect(dev.secretKey).toHaveLength(32);
    expect(dev.refusePrivateAddresses).toBe(false);
    const prod = loadWebhooksConfig({ NODE_ENV: 'production', WEBHOOK_SECRET_KEY: 'k'.repeat(32) });
    expect(prod.refusePrivateAddresses).toBe(true);
    expect(prod.usingDevKey).toBe(false);
    expect(() => loadWebhooksConfig({ WEBHOOK_RETRY_DELAYS_MS: '10s' })).toThrow(/WEBHOOK_RETRY_DELAYS_MS/);
  });
});
