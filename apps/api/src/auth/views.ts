import type { ApiKey, Member, OrganizationSummary } from '@switchboard/contracts';
import type { OrganizationEntity } from '../organizations/organization.entity.js';
import type { ApiKeyEntity } from './api-key.entity.js';
import type { UserEntity } from './user.entity.js';

/** What leaves the API about a user: never the password hash. */
export function toMember(user: UserEntity): Member {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    roles: user.roles,
    createdAt: user.createdAt.toISOString(),
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
  };
}

/** What leaves the API about a key: never the key nor its hash. */
export function toApiKey(key: ApiKeyEntity): ApiKey {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    roles: key.roles,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

export function toOrganizationSummary(organization: OrganizationEntity): OrganizationSummary {
  return { id: organization.id, name: organization.name, slug: organization.slug };
}
