import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';

export const SESSION_TOKEN_PREFIX = 'sess_';
export const API_KEY_PREFIX = 'sk_';
/** How much of a key lists show: `sk_` + 8 characters, enough to tell keys apart, useless to guess one. */
const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function sha256Digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Whether `given` hashes to `expectedDigest`, in time that does not depend on where they differ. */
export function matchesDigest(given: string, expectedDigest: Buffer): boolean {
  return timingSafeEqual(sha256Digest(given), expectedDigest);
}

export interface IssuedSecret {
  /** what the caller receives, once */
  secret: string;
  /** what is stored */
  hash: string;
}

/** Random bearer secrets: 32 bytes from the OS CSPRNG, base64url, stored only as SHA-256. */
@Injectable()
export class Credentials {
  newSessionToken(): IssuedSecret {
    const secret = `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    return { secret, hash: sha256Hex(secret) };
  }

  newApiKey(): IssuedSecret & { prefix: string } {
    const secret = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    return { secret, hash: sha256Hex(secret), prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH) };
  }

  /** A password for a member whose admin gave none: 18 random bytes, 24 characters. */
  newPassword(): string {
    return randomBytes(18).toString('base64url');
  }

  hash(secret: string): string {
    return sha256Hex(secret);
  }
}
