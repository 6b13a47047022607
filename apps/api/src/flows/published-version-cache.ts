import { Injectable } from '@nestjs/common';
import type { FlowDocument } from '@switchboard/flow';

/** What the cache holds of every version at most (a flow document may be 5 MB). */
export const PUBLISHED_VERSION_CACHE_BYTES = 64 * 1024 * 1024;
const MAX_ENTRIES = 1_000;

/** Freezes a parsed JSON value in place: a cached document is shared by every request that runs it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value as Record<string, unknown>)) deepFreeze(member);
  }
  return value;
}

/**
 * Published flow versions by (organisation, flow, number), least recently used out first. A
 * version is immutable (a trigger refuses UPDATE and DELETE on `flow_versions`), so an entry never
 * goes stale; only whether the flow still exists and which version is its latest must be read
 * afresh. Documents are frozen: whoever resolves one may read it, never change it.
 */
@Injectable()
export class PublishedVersionCache {
  private readonly entries = new Map<string, { document: FlowDocument; bytes: number }>();
  private bytes = 0;
  private readonly budget = PUBLISHED_VERSION_CACHE_BYTES;

  get(organizationId: string, flowId: string, number: number): FlowDocument | undefined {
    const key = `${organizationId}:${flowId}:${number}`;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // most recently used last
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.document;
  }

  /** Keeps the version (unless it alone exceeds the budget) and returns the frozen document. */
  set(organizationId: string, flowId: string, number: number, document: FlowDocument, bytes: number): FlowDocument {
    const frozen = deepFreeze(document);
    if (bytes > this.budget) return frozen;
    const key = `${organizationId}:${flowId}:${number}`;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.bytes -= previous.bytes;
    }
    this.entries.set(key, { document: frozen, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.budget && this.entries.size <= MAX_ENTRIES) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
    return frozen;
  }
}
