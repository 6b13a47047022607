import { Injectable } from '@nestjs/common';
import { argon2id, hash, verify } from 'argon2';

/**
 * argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): strong enough for
 * passwords and cheap enough for a shared 2-core machine. Parameters live in each PHC string, so
 * raising them later only affects new hashes.
 */
const OPTIONS = { type: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher {
  /** A hash of a password nobody has, so that an unknown email costs as much as a wrong password. */
  private decoy: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch {
      // a malformed stored hash never lets anyone in
      return false;
    }
  }

  /** Spends the time of one verification, for logins of unknown emails (no user enumeration by timing). */
  async verifyDecoy(password: string): Promise<false> {
    this.decoy ??= hash('decoy password nobody has', OPTIONS);
    await this.verify(await this.decoy, password);
    return false;
  }
}
