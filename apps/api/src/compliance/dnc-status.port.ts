import { Injectable } from '@nestjs/common';
import { type DncListRef, DncRegistryService } from '../dnc/dnc-registry.service.js';

export type { DncListRef };

/** A registry's answer for one number: which snapshot said it, when that snapshot was obtained, listed or not. */
export interface DncStatus {
  snapshotId: string;
  obtainedAt: string;
  listed: boolean;
}

/**
 * What the gate needs of the national and state DNC registries, per organisation (snapshots are
 * licensed per seller). `null` means no snapshot is loaded, which the evaluator treats as stale
 * data: a telemarketing call is blocked (fail closed). A port so that unit tests can use a double.
 */
export abstract class DncStatusPort {
  abstract nationalStatus(organizationId: string, phone: string, at: Date): Promise<DncStatus | null>;
  abstract stateStatus(organizationId: string, state: string, phone: string, at: Date): Promise<DncStatus | null>;
  /** The same answers for many E.164 numbers at one instant, in their order (the campaign gate). */
  abstract statusMany(
    organizationId: string,
    list: DncListRef,
    phonesE164: string[],
    at: Date,
  ): Promise<(DncStatus | null)[]>;
}

/** The port over the DNC feature's `DncRegistryService`. */
@Injectable()
export class RegistryDncStatus extends DncStatusPort {
  constructor(private readonly registry: DncRegistryService) {
    super();
  }

  nationalStatus(organizationId: string, phone: string, at: Date): Promise<DncStatus | null> {
    return this.registry.forOrganization(organizationId).nationalStatus(phone, at);
  }

  stateStatus(organizationId: string, state: string, phone: string, at: Date): Promise<DncStatus | null> {
    return this.registry.forOrganization(organizationId).stateStatus(state, phone, at);
  }

  statusMany(organizationId: string, list: DncListRef, phonesE164: string[], at: Date): Promise<(DncStatus | null)[]> {
    return this.registry.statusMany(list, phonesE164, at, organizationId);
  }
}
