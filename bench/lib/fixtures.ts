/**
 * Set-up steps the API benches share, as plugin source for the API thread (bench/lib/api-thread.ts;
 * the plugin's imports must include `pg: 'pg'`). Each fact is first recorded through the API — the
 * evidence exactly as it validates and stores it — then copied in bulk, in the throwaway database,
 * to the other numbers: 100,000 POSTs would dominate a bench's set-up, and the copies are the same
 * evidence but for the number (the gate reads these rows; nothing else differs).
 *
 *   withClient(ctx, (client) => …)          a pg client on the throwaway database
 *   publishedFlow(ctx, callerId)            an owned caller id and the `appointment-reminder` flow, published → flowId
 *   recordConsents(ctx, phones)             a written consent (PEWC, artificial voice) for each number
 *   recordInternalDnc(ctx, phones)          an internal DNC entry for each number
 *   dryRun(ctx, phone, callerId, at, mode)  POST /v1/compliance/check → { outcome, reasons, nextAllowedAt }
 */
export const FIXTURES_PLUGIN = `
async function withClient(ctx, work) {
  const pg = (await import(ctx.urls.pg)).default;
  const client = new pg.Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function publishedFlow(ctx, callerId) {
  await ctx.call('POST', '/v1/caller-ids', { body: { phone: callerId, verifiedOwned: true, label: 'bench' }, expect: 201 });
  const flow = await ctx.call('POST', '/v1/flows', { body: { templateId: 'appointment-reminder' }, expect: 201 });
  await ctx.call('POST', '/v1/flows/' + flow.id + '/publish', { body: { message: 'bench' }, expect: 201 });
  return flow.id;
}

async function recordConsents(ctx, phones) {
  if (phones.length === 0) return;
  const consent = await ctx.call('POST', '/v1/consents', {
    expect: 201,
    body: {
      phone: phones[0], type: 'PEWC', written: true, affirmativeAct: true, signatureMethod: 'checkbox_submit',
      disclosureText: 'By clicking Submit I agree that ' + ctx.organizationName + ' may call me at the number above with artificial or prerecorded voice calls about my appointments. Consent is not a condition of purchase.',
      authorizesArtificialVoice: true, notConditionOfPurchase: true,
      capturedAt: new Date(Date.now() - 86400000).toISOString(), pageUrl: 'https://bench.example/signup',
      ip: '203.0.113.7', userAgent: 'Mozilla/5.0', sellers: [ctx.organizationName],
    },
  });
  await withClient(ctx, async (client) => {
    for (let from = 1; from < phones.length; from += 20000) {
      // E5's detail names the number: it is rewritten with it
      await client.query(
        \`INSERT INTO consents (organization_id, phone_e164, type, disclosure_text, disclosure_sha256,
           authorizes_artificial_voice, not_condition_of_purchase, captured_at, page_url, ip, user_agent,
           signature_method, signature_affirmative, written, sellers, scope, certificate_url, source, elements,
           created_by_kind, created_by_id, created_by_label)
         SELECT c.organization_id, x.phone, c.type, c.disclosure_text, c.disclosure_sha256,
           c.authorizes_artificial_voice, c.not_condition_of_purchase, c.captured_at, c.page_url, c.ip, c.user_agent,
           c.signature_method, c.signature_affirmative, c.written, c.sellers, c.scope, c.certificate_url, c.source,
           replace(c.elements::text, c.phone_e164, x.phone)::jsonb, c.created_by_kind, c.created_by_id, c.created_by_label
           FROM consents c, unnest($2::text[]) AS x(phone) WHERE c.id = $1\`,
        [consent.id, phones.slice(from, from + 20000)],
      );
    }
    await client.query('ANALYZE consents');
  });
}

async function recordInternalDnc(ctx, phones) {
  if (phones.length === 0) return;
  const entry = await ctx.call('POST', '/v1/dnc/internal', {
    body: { phone: phones[0], reason: 'bench: asked not to be called' },
    expect: 201,
  });
  await withClient(ctx, async (client) => {
    await client.query(
      \`INSERT INTO internal_dnc_entries (organization_id, phone_e164, requested_at, reason, source, revocation_id,
         created_by_kind, created_by_id, created_by_label)
       SELECT e.organization_id, x.phone, e.requested_at, e.reason, e.source, e.revocation_id,
         e.created_by_kind, e.created_by_id, e.created_by_label
         FROM internal_dnc_entries e, unnest($2::text[]) AS x(phone) WHERE e.id = $1\`,
      [entry.id, phones.slice(1)],
    );
    await client.query('ANALYZE internal_dnc_entries');
  });
}

async function dryRun(ctx, phone, callerId, at, mode = 'SCHEDULE') {
  const result = await ctx.call('POST', '/v1/compliance/check', {
    body: { phone, purpose: 'INFORMATIONAL', callerId, mode, at },
    expect: 200,
  });
  const decision = result.decision ?? result;
  return {
    outcome: decision.outcome,
    reasons: (decision.reasons ?? []).map((r) => r.code),
    nextAllowedAt: decision.nextAllowedAt ?? null,
  };
}
`;
