import { z } from 'zod';
import { PageQuerySchema, pageSchema } from './common.js';

/** Request/response schemas of tenancy and access: sessions, members, API keys, the activity log. */

/** The roles of design/API.md; the API's permission table (apps/api common/auth/principal.ts) uses the same list. */
export const ROLE_NAMES = ['admin', 'designer', 'operator', 'compliance', 'viewer'] as const;
export const RoleSchema = z.enum(ROLE_NAMES, { message: `must be one of ${ROLE_NAMES.join(', ')}` });
export type RoleName = z.infer<typeof RoleSchema>;

/** A non-empty set of roles (duplicates are refused rather than silently merged). */
export const RolesSchema = z
  .array(RoleSchema)
  .min(1, 'must name at least one role')
  .max(ROLE_NAMES.length)
  .refine((roles) => new Set(roles).size === roles.length, 'must not repeat a role');

/** Lower-cased (an overwrite, not a transform: the schema stays representable in OpenAPI). */
export const EmailSchema = z.email({ message: 'must be an email address' }).max(254).toLowerCase();

/** Long enough to resist guessing; argon2 takes care of the rest. Bounded so hashing stays cheap. */
export const PasswordSchema = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(256, 'must be at most 256 characters');

const Timestamp = z.iso.datetime({ offset: true });

// ---- sessions ----

export const LoginRequestSchema = z.strictObject({
  email: EmailSchema,
  // Not PasswordSchema: a login compares, it does not impose a policy (a wrong one is a plain 401).
  password: z.string().min(1, 'is required').max(256),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const OrganizationSummarySchema = z.object({ id: z.uuid(), name: z.string(), slug: z.string() });
export type OrganizationSummary = z.infer<typeof OrganizationSummarySchema>;

export const MemberSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  roles: z.array(RoleSchema),
  createdAt: Timestamp,
  lastLoginAt: Timestamp.nullable(),
});
export type Member = z.infer<typeof MemberSchema>;

export const LoginResponseSchema = z.object({
  /** `sess_…`: send it as `Authorization: Bearer <token>` until `expiresAt` or logout. */
  token: z.string(),
  expiresAt: Timestamp,
  user: MemberSchema,
  organization: OrganizationSummarySchema,
});
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

export const PrincipalSchema = z.object({
  kind: z.enum(['user', 'api_key', 'worker']),
  id: z.string(),
  label: z.string(),
  organizationId: z.string(),
  roles: z.array(RoleSchema),
});

export const MeResponseSchema = z.object({
  principal: PrincipalSchema,
  /** the permissions the principal's roles grant */
  permissions: z.array(z.string()),
  organization: OrganizationSummarySchema,
  /** when the caller is a person */
  user: MemberSchema.nullable(),
});
export type MeResponse = z.infer<typeof MeResponseSchema>;

// ---- members ----

export const MemberListQuerySchema = PageQuerySchema;
export const MemberPageSchema = pageSchema(MemberSchema);

export const CreateMemberRequestSchema = z.strictObject({
  email: EmailSchema,
  name: z.string().trim().min(1).max(200).optional(),
  roles: RolesSchema,
  /** When absent, a random one is generated and returned once. */
  password: PasswordSchema.optional(),
});
export type CreateMemberRequest = z.infer<typeof CreateMemberRequestSchema>;

export const CreateMemberResponseSchema = z.object({
  member: MemberSchema,
  /** the generated password, present only when none was given; shown this once */
  initialPassword: z.string().optional(),
});
export type CreateMemberResponse = z.infer<typeof CreateMemberResponseSchema>;

export const UpdateMemberRequestSchema = z
  .strictObject({
    roles: RolesSchema.optional(),
    name: z.string().trim().min(1).max(200).nullable().optional(),
  })
  .refine((body) => body.roles !== undefined || body.name !== undefined, {
    message: 'give roles or name',
    path: ['roles'],
  });
export type UpdateMemberRequest = z.infer<typeof UpdateMemberRequestSchema>;

// ---- API keys ----

export const ApiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** the first characters of the key (`sk_AbCd1234`), to recognise it; never the key */
  prefix: z.string(),
  roles: z.array(RoleSchema),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const ApiKeyListQuerySchema = PageQuerySchema;
export const ApiKeyPageSchema = pageSchema(ApiKeySchema);

export const CreateApiKeyRequestSchema = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(100),
  roles: RolesSchema,
});
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequestSchema>;

export const CreatedApiKeySchema = ApiKeySchema.extend({
  /** `sk_…`: shown this once; only its SHA-256 is stored */
  key: z.string(),
});
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;

// ---- activity log ----

export const ActorSchema = z.object({
  kind: z.enum(['user', 'api_key', 'worker', 'system']),
  id: z.string(),
  label: z.string(),
});
export type Actor = z.infer<typeof ActorSchema>;

export const ActivitySchema = z.object({
  id: z.uuid(),
  actor: ActorSchema,
  /** `<subject>.<verb>`, e.g. `flow.published`, `api_key.revoked` */
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string(),
  details: z.record(z.string(), z.unknown()).nullable(),
  createdAt: Timestamp,
});
export type Activity = z.infer<typeof ActivitySchema>;

export const ActivityQuerySchema = PageQuerySchema.extend({
  subjectType: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'must be a lower-case name such as flow or api_key')
    .max(50)
    .optional(),
  subjectId: z.string().min(1).max(200).optional(),
});
export type ActivityQuery = z.infer<typeof ActivityQuerySchema>;
export const ActivityPageSchema = pageSchema(ActivitySchema);
