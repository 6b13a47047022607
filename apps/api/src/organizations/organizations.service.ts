import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EmailSchema, PasswordSchema, type CreatedApiKey, type Member } from '@switchboard/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { ActivityService, SYSTEM_ACTOR } from '../activity/activity.service.js';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { Credentials } from '../auth/credentials.js';
import { MembersService } from '../auth/members.service.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { toMember, toOrganizationSummary } from '../auth/views.js';
import { ApiError } from '../common/errors/api-error.js';
import { OrganizationsRepository } from './organizations.repository.js';

export interface CreateOrganizationInput {
  name: string;
  /** the first admin's email */
  email: string;
  /** the first admin's password; a random one is generated (and returned) when absent */
  password?: string;
  adminName?: string;
  /** the name of the admin API key created with the organisation */
  apiKeyName?: string;
}

export interface CreatedOrganization {
  organization: { id: string; name: string; slug: string };
  admin: { member: Member; password: string; passwordGenerated: boolean };
  apiKey: CreatedApiKey;
}

/** `Acme Health, Inc.` → `acme-health-inc` (empty when the name has no letter or digit). */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
}

/** Tenants. An organisation is born with an admin user and an admin API key (bootstrap, demo seed, tests). */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly members: MembersService,
    private readonly apiKeys: ApiKeysService,
    private readonly passwords: PasswordHasher,
    private readonly credentials: Credentials,
    private readonly activity: ActivityService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Creates the organisation, its first admin and an admin API key in one transaction: all of
   * them or nothing. The password (when generated) and the key are in the answer, and nowhere else.
   */
  async createOrganizationWithAdmin(input: CreateOrganizationInput): Promise<CreatedOrganization> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200) {
      throw new ApiError(400, 'BAD_REQUEST', 'name: must be 1 to 200 characters', [
        { path: 'name', message: 'must be 1 to 200 characters' },
      ]);
    }
    const email = EmailSchema.safeParse(input.email);
    if (!email.success) {
      throw new ApiError(400, 'BAD_REQUEST', `email: "${input.email}" is not an email address`, [
        { path: 'email', message: 'must be an email address' },
      ]);
    }
    if (input.password !== undefined) {
      const checked = PasswordSchema.safeParse(input.password);
      if (!checked.success) {
        const message = checked.error.issues[0]?.message ?? 'is not acceptable';
        throw new ApiError(400, 'BAD_REQUEST', `password: ${message}`, [{ path: 'password', message }]);
      }
    }
    const password = input.password ?? this.credentials.newPassword();
    const passwordHash = await this.passwords.hash(password);

    return this.dataSource.transaction(async (manager) => {
      const slug = await this.freeSlug(name, manager);
      const organization = await this.organizations.create({ name, slug }, manager);
      await this.activity.record(
        {
          organizationId: organization.id,
          actor: SYSTEM_ACTOR,
          action: 'organization.created',
          subjectType: 'organization',
          subjectId: organization.id,
          details: { name, slug },
        },
        manager,
      );
      const user = await this.members.add(
        {
          organizationId: organization.id,
          email: email.data,
          name: input.adminName?.trim() || null,
          roles: ['admin'],
          passwordHash,
          actor: SYSTEM_ACTOR,
        },
        manager,
      );
      const apiKey = await this.apiKeys.issue(
        {
          organizationId: organization.id,
          name: input.apiKeyName ?? 'admin (bootstrap)',
          roles: ['admin'],
          createdByUserId: user.id,
          actor: SYSTEM_ACTOR,
        },
        manager,
      );
      return {
        organization: toOrganizationSummary(organization),
        admin: { member: toMember(user), password, passwordGenerated: input.password === undefined },
        apiKey,
      };
    });
  }

  /** The slug of the name, with a random suffix when it is taken (or when the name gives none). */
  private async freeSlug(name: string, manager: EntityManager): Promise<string> {
    const base = slugify(name) || 'org';
    if (!(await this.organizations.slugExists(base, manager))) return base;
    for (;;) {
      const candidate = `${base}-${randomBytes(3).toString('hex')}`;
      if (!(await this.organizations.slugExists(candidate, manager))) return candidate;
    }
  }
}
