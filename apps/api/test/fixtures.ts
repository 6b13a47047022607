import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ApiKeysService } from '../src/auth/api-keys.service.js';
import { AuthService } from '../src/auth/auth.service.js';
import { ROLES, type Role } from '../src/common/auth/principal.js';
import { OrganizationsService } from '../src/organizations/organizations.service.js';

/** A fresh organisation, with credentials for each role. */
export interface TestTenant {
  organizationId: string;
  organizationName: string;
  /** the first admin, logged in: `token` is a session token (`sess_…`) */
  admin: { token: string; userId: string; email: string; password: string };
  /** one API key per role (`sk_…`), each holding that role alone */
  keys: Record<Role, string>;
  /** `Bearer <the API key of that role>`: `.set('authorization', tenant.bearer('viewer'))` */
  bearer(role: Role): string;
  /** `Bearer <the admin's session token>` */
  adminSession(): string;
}

/**
 * Creates an organisation through the real services — as the bootstrap CLI does — logs its admin
 * in and issues one API key per role, so an e2e test anywhere can call as any role of a tenant
 * that no other test touches.
 */
export async function createTenant(app: INestApplication, name?: string): Promise<TestTenant> {
  const tag = randomBytes(4).toString('hex');
  const organizationName = name ?? `Tenant ${tag}`;
  const email = `admin-${tag}@tenant-${tag}.test`;
  const password = `pw-${randomBytes(12).toString('base64url')}`;

  const created = await app.get(OrganizationsService).createOrganizationWithAdmin({
    name: organizationName,
    email,
    password,
  });
  const auth = app.get(AuthService);
  const session = await auth.login({ email, password });
  const admin = await auth.authenticate(session.token);

  const apiKeys = app.get(ApiKeysService);
  const keys = {} as Record<Role, string>;
  for (const role of ROLES) {
    keys[role] = (await apiKeys.create(admin, { name: `${role} key`, roles: [role] })).key;
  }

  return {
    organizationId: created.organization.id,
    organizationName,
    admin: { token: session.token, userId: created.admin.member.id, email, password },
    keys,
    bearer: (role) => `Bearer ${keys[role]}`,
    adminSession: () => `Bearer ${session.token}`,
  };
}

/**
 * The evidence of a written consent (PEWC) naming the tenant as seller, valid on every element
 * E1–E8, as `POST /v1/consents` takes it; `overrides` changes or adds fields.
 */
export function consentEvidence(
  tenant: Pick<TestTenant, 'organizationName'>,
  phone: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    phone,
    type: 'PEWC',
    disclosureText:
      'By clicking Submit I agree that Acme may call me at the number above with artificial or prerecorded voice marketing calls. Consent is not a condition of purchase.',
    authorizesArtificialVoice: true,
    notConditionOfPurchase: true,
    capturedAt: '2026-01-05T15:00:00Z',
    pageUrl: 'https://acme.example/quote',
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0',
    signatureMethod: 'checkbox_submit',
    affirmativeAct: true,
    sellers: [tenant.organizationName],
    ...overrides,
  };
}

/** An appointment-reminder disclosure naming artificial-voice calls: what the calls tests consent to. */
export const REMINDER_CONSENT = {
  disclosureText:
    'By clicking Submit I agree that Acme may call me at the number above with artificial or prerecorded voice calls. Consent is not a condition of purchase.',
  scope: 'appointment reminders by artificial-voice calls',
  certificateUrl: 'https://cert.example/abc',
};

/** Records a valid written consent of `phone` for the tenant through `POST /v1/consents`. */
export async function recordConsent(
  app: INestApplication,
  tenant: TestTenant,
  phone: string,
  overrides: Record<string, unknown> = REMINDER_CONSENT,
): Promise<void> {
  await request(app.getHttpServer())
    .post('/v1/consents')
    .set('authorization', tenant.bearer('operator'))
    .send(consentEvidence(tenant, phone, overrides))
    .expect(201);
}

/** Registers `phone` as a caller id the tenant owns (verified), through `POST /v1/caller-ids`. */
export async function ownCallerId(app: INestApplication, tenant: TestTenant, phone: string): Promise<void> {
  await request(app.getHttpServer())
    .post('/v1/caller-ids')
    .set('authorization', tenant.bearer('operator'))
    .send({ phone, verifiedOwned: true, label: 'main line' })
    .expect(201);
}

/** Creates a flow from an example template and publishes it as version 1; answers the flow id. */
export async function publishedTemplate(
  app: INestApplication,
  tenant: TestTenant,
  templateId = 'appointment-reminder',
): Promise<string> {
  const created = await request(app.getHttpServer())
    .post('/v1/flows')
    .set('authorization', tenant.bearer('designer'))
    .send({ templateId })
    .expect(201);
  const flowId = created.body.id as string;
  await request(app.getHttpServer())
    .post(`/v1/flows/${flowId}/publish`)
    .set('authorization', tenant.bearer('designer'))
    .send({ message: 'v1' })
    .expect(201);
  return flowId;
}
