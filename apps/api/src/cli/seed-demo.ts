import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import type { Principal } from '../common/auth/principal.js';
import { createLogger } from '../common/logging/logger.js';
import { loadConfig } from '../config/app-config.js';
import { ComplianceService } from '../compliance/compliance.service.js';
import { ConsentsService } from '../compliance/consents.service.js';
import { FlowsService } from '../flows/flows.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';

/**
 * `npm start` seeds a demo organisation on first start: an admin, an admin API key and every
 * example flow of `flows/` as a published version, an owned caller id and one consented callee
 * (so a first call can be placed at once). Run from the built API (real Nest DI).
 * Prints one JSON line: `{created, organization, email, password?, apiKey?, flows}` — the
 * password and key only when just created (they are shown once, stored hashed).
 */
export const DEMO = {
  organization: 'Demo Company',
  email: 'demo@switchboard.local',
  password: 'switchboard-demo',
  /** an owned caller id and a callee with written consent, so a first call can be placed at once */
  callerId: '+12125550199',
  callee: '+12125550142',
} as const;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: 'warn' });
  const app = await NestFactory.createApplicationContext(AppModule.register(config, { logger }), { logger: false });
  try {
    const email = process.env['DEMO_EMAIL'] ?? DEMO.email;
    const existing = await app
      .get(DataSource)
      .query<Array<{ organization_id: string }>>('SELECT organization_id FROM users WHERE email = $1', [email]);
    if (existing.length > 0) {
      print({ created: false, organization: DEMO.organization, email });
      return;
    }
    const created = await app.get(OrganizationsService).createOrganizationWithAdmin({
      name: DEMO.organization,
      email,
      password: process.env['DEMO_PASSWORD'] ?? DEMO.password,
      adminName: 'Demo Admin',
      apiKeyName: 'demo',
    });
    const principal: Principal = {
      organizationId: created.organization.id,
      kind: 'user',
      id: created.admin.member.id,
      roles: ['admin'],
      label: email,
    };
    const flows = app.get(FlowsService);
    const templates = await flows.listTemplates({ limit: 200 });
    let published = 0;
    for (const template of templates.items) {
      const flow = await flows.create(principal, { templateId: template.id });
      await flows.publish(principal, flow.id, { message: 'Example flow from flows/' }, undefined);
      published++;
    }
    // a first call needs an owned caller id and a callee who consented (in writing, naming the seller)
    await app.get(ComplianceService).addCallerId(principal, {
      phone: DEMO.callerId,
      verifiedOwned: true,
      label: 'demo main line',
    });
    await app.get(ConsentsService).create(principal, {
      phone: DEMO.callee,
      type: 'PEWC',
      disclosureText:
        'By clicking Submit, I agree that Demo Company may call me at the number above with automated or artificial-voice calls about my appointments and account. Consent is not a condition of purchase.',
      authorizesArtificialVoice: true,
      notConditionOfPurchase: true,
      capturedAt: new Date().toISOString(),
      pageUrl: 'https://demo.switchboard.local/signup',
      signatureMethod: 'checkbox_submit',
      affirmativeAct: true,
      written: true,
      sellers: [DEMO.organization],
    });
    print({
      created: true,
      callerId: DEMO.callerId,
      callee: DEMO.callee,
      organization: created.organization.name,
      email,
      password: created.admin.password,
      apiKey: created.apiKey.key,
      flows: published,
    });
  } finally {
    await app.close();
  }
}

function print(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
