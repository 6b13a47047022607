import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { parsePhone, RULE_SET_VERSION } from '@switchboard/compliance';
import type {
  ComplianceSearchHit,
  ComplianceSearchQuery,
  ConsentCoverageBody,
  ConsentCoverageQuery,
  ConsentCoverageReport,
  DncFreshnessReport,
  DncListStatusView,
  Dossier,
  DossierExport,
  ManifestFile,
  OutsideWindowQuery,
  OutsideWindowReport,
  Page,
  RevocationReport,
  RevocationReportQuery,
  TimelineEvent,
} from '@switchboard/contracts';
import { decodeCursor, encodeCursor } from '../common/pagination/cursor.js';
import type { Principal } from '../common/auth/principal.js';
import { DNC_LIST_STATES, DncRegistryService } from '../dnc/dnc-registry.service.js';
import { ComplianceReviewError } from './compliance-review.errors.js';
import { renderPacket } from './compliance-review.packet.js';
import { ComplianceReviewRepository, type CoverageRow, type HonouredRow } from './compliance-review.repository.js';

/** "≤ 31 days" of COMPLIANCE.md is ≤ 31 × 24 h. */
export const DNC_MAX_AGE_HOURS = 31 * 24;
const HOUR_MS = 3_600_000;

/** The timeline's tie-break when two events share an instant: cause before effect. */
const TYPE_ORDER: Record<TimelineEvent['type'], number> = {
  'consent.captured': 0,
  'consent.disputed': 1,
  'revocation.received': 2,
  'revocation.honoured': 3,
  'dnc.internal.added': 4,
  'dnc.internal.removed': 5,
  decision: 6,
  'call.attempt': 7,
};

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function manifestEntry(name: string, content: string): ManifestFile {
  return { name, sha256: sha256Hex(content), bytes: Buffer.byteLength(content, 'utf8') };
}

/** One CSV cell (RFC 4180), defused against spreadsheet formulas except plain E.164 numbers. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^\+\d+$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function sortTimeline(events: TimelineEvent[]): TimelineEvent[] {
  return [...events].sort(
    (a, b) =>
      Date.parse(a.at) - Date.parse(b.at) ||
      TYPE_ORDER[a.type] - TYPE_ORDER[b.type] ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/**
 * The compliance reviewer's read side: a number's dossier and its export, search, and the reports
 * of COMPLIANCE.md. It reads evidence and never changes any; the rules stay in
 * `@switchboard/compliance` and the compliance feature (stored E1–E8 results, decisions as logged).
 */
@Injectable()
export class ComplianceReviewService {
  constructor(
    private readonly repository: ComplianceReviewRepository,
    private readonly registry: DncRegistryService,
  ) {}

  async dossier(principal: Principal, rawPhone: string, now = new Date()): Promise<Dossier> {
    const phone = requirePhone(rawPhone, 'params.phone');
    const org = principal.organizationId;
    const [consents, revocations, internalDnc, decisions, attempts, registries] = await Promise.all([
      this.repository.consents(org, phone),
      this.repository.revocations(org, phone),
      this.repository.internalDnc(org, phone),
      this.repository.decisions(org, phone),
      this.repository.attempts(org, phone),
      this.registries(org, phone, now),
    ]);
    const events: TimelineEvent[] = [];
    for (const consent of consents) {
      const failing = consent.elements.filter((element) => !element.ok).map((element) => element.element);
      events.push({
        at: consent.capturedAt,
        type: 'consent.captured',
        id: consent.id,
        summary: `${consent.type} captured (${consent.signature.method}); ${failing.length === 0 ? 'E1–E8 hold' : `fails ${failing.join(', ')}`}; sellers: ${consent.sellers.join('; ')}`,
      });
      if (consent.dispute) {
        events.push({
          at: consent.dispute.disputedAt,
          type: 'consent.disputed',
          id: consent.id,
          summary: `disputed by ${consent.dispute.disputedBy.label}: ${consent.dispute.reason}`,
        });
      }
    }
    for (const revocation of revocations) {
      events.push({
        at: revocation.receivedAt,
        type: 'revocation.received',
        id: revocation.id,
        summary: `revocation by ${revocation.channel}: "${revocation.words}"`,
      });
      events.push({
        at: revocation.honouredAt,
        type: 'revocation.honoured',
        id: revocation.id,
        summary: `honoured ${Math.round((Date.parse(revocation.honouredAt) - Date.parse(revocation.receivedAt)) / 1000)} s after receipt`,
      });
    }
    for (const entry of internalDnc) {
      events.push({
        at: entry.createdAt,
        type: 'dnc.internal.added',
        id: entry.id,
        summary: `added to the internal DNC list (${entry.source}, requested ${entry.requestedAt})${entry.reason ? `: ${entry.reason}` : ''}`,
      });
      if (entry.removedAt) {
        events.push({
          at: entry.removedAt,
          type: 'dnc.internal.removed',
          id: entry.id,
          summary: `removed from the internal DNC list by ${entry.removedBy?.label ?? 'unknown'}: ${entry.removalReason ?? ''}`,
        });
      }
    }
    for (const decision of decisions) {
      events.push({
        at: decision.createdAt,
        type: 'decision',
        id: decision.id,
        summary: `${decision.mode} ${decision.purpose}${decision.dryRun ? ' (dry run)' : ''}: ${decision.outcome}${decision.reasons.length ? ` [${decision.reasons.map((r) => r.code).join(', ')}]` : ''}`,
      });
    }
    for (const attempt of attempts) {
      events.push({
        at: attempt.attemptedAt,
        type: 'call.attempt',
        id: attempt.id,
        summary: `call attempt${attempt.subject ? ` (${attempt.subject})` : ''}${attempt.callId ? `, call ${attempt.callId}` : ''}${attempt.callerId ? ` from ${attempt.callerId}` : ''}`,
      });
    }
    return {
      phone,
      generatedAt: now.toISOString(),
      consents,
      revocations,
      internalDnc,
      registries,
      decisions,
      attempts,
      timeline: sortTimeline(events),
    };
  }

  /** The dossier as named parts with a manifest of their SHA-256s. */
  async exportJson(principal: Principal, rawPhone: string): Promise<DossierExport> {
    return packageDossier(await this.dossier(principal, rawPhone));
  }

  /**
   * The printable evidence packet: one self-contained HTML page of the dossier, ending with the
   * same manifest as the JSON export (its checksums are computed from the same dossier).
   */
  async exportHtml(principal: Principal, rawPhone: string): Promise<{ phone: string; html: string }> {
    const dossier = await this.dossier(principal, rawPhone);
    const organization = await this.repository.organization(principal.organizationId);
    const html = renderPacket(dossier, packageDossier(dossier).manifest, {
      organization: organization?.name ?? principal.organizationId,
      sellerLegalName: organization?.legalName ?? '—',
      generatedBy: `${principal.label} (${principal.kind === 'api_key' ? 'API key' : principal.kind})`,
      ruleSetVersion: RULE_SET_VERSION,
    });
    return { phone: dossier.phone, html };
  }

  /**
   * The timeline as CSV, then a trailing manifest: `#manifest` and `name,sha256,bytes` rows. The
   * manifest's `bytes` says how many leading bytes of the file the timeline is, so a verifier
   * needs no parsing to recompute its checksum.
   */
  async exportCsv(principal: Principal, rawPhone: string): Promise<{ phone: string; csv: string }> {
    const dossier = await this.dossier(principal, rawPhone);
    const rows = [['at', 'type', 'id', 'phone', 'summary']].concat(
      dossier.timeline.map((event) => [event.at, event.type, event.id, dossier.phone, event.summary]),
    );
    const timeline = rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
    const entry = manifestEntry('timeline.csv', timeline);
    const manifest = `#manifest,generatedAt=${dossier.generatedAt}\r\nname,sha256,bytes\r\n${entry.name},${entry.sha256},${entry.bytes}\r\n`;
    return { phone: dossier.phone, csv: timeline + manifest };
  }

  async search(principal: Principal, query: ComplianceSearchQuery): Promise<Page<ComplianceSearchHit>> {
    let afterPhone: string | null = null;
    if (query.cursor !== undefined) {
      const position = decodeCursor(query.cursor);
      if (position === null || !position.id.startsWith('+')) throw ComplianceReviewError.badCursor();
      afterPhone = position.id;
    }
    // A query that reads as a number also finds that number.
    const parsed = query.q === undefined ? null : parsePhone(query.q);
    const hits = await this.repository.search(principal.organizationId, {
      text: query.q,
      phone: parsed?.ok ? parsed.e164 : undefined,
      consentId: query.consentId,
      campaignId: query.campaignId,
      from: query.from === undefined ? undefined : new Date(query.from),
      to: query.to === undefined ? undefined : new Date(query.to),
      afterPhone,
      limit: query.limit,
    });
    const more = hits.length > query.limit;
    const items = more ? hits.slice(0, query.limit) : hits;
    const last = items.at(-1);
    return {
      items,
      nextCursor: more && last ? encodeCursor({ createdAt: last.lastAt, id: last.phone }) : null,
    };
  }

  async revocationReport(principal: Principal, query: RevocationReportQuery): Promise<RevocationReport> {
    const from = query.from === undefined ? null : new Date(query.from);
    const to = query.to === undefined ? null : new Date(query.to);
    const org = principal.organizationId;
    const [overall, periods, channels] = await Promise.all([
      this.repository.honouredTimes(org, null, from, to),
      this.repository.honouredTimes(org, query.period, from, to),
      this.repository.revocationChannels(org, query.period, from, to),
    ]);
    const channelsOf = (periodStart: Date | null) => {
      const counts: Record<string, number> = {};
      for (const row of channels) {
        if (periodStart !== null && row.periodStart.getTime() !== periodStart.getTime()) continue;
        counts[row.channel] = (counts[row.channel] ?? 0) + row.count;
      }
      return counts;
    };
    const stats = (row: HonouredRow | undefined) => ({
      count: row?.count ?? 0,
      p50Seconds: row?.p50 ?? null,
      p95Seconds: row?.p95 ?? null,
      maxSeconds: row?.max ?? null,
      overZeroSeconds: row?.overZero ?? 0,
      byChannel: channelsOf(row?.periodStart ?? null),
    });
    return {
      period: query.period,
      from: from?.toISOString() ?? null,
      to: to?.toISOString() ?? null,
      overall: stats(overall[0]),
      periods: periods.map((row) => ({ periodStart: (row.periodStart as Date).toISOString(), ...stats(row) })),
    };
  }

  async outsideWindowReport(principal: Principal, query: OutsideWindowQuery): Promise<OutsideWindowReport> {
    const after = decodeCursor(query.cursor);
    const result = await this.repository.allowedOutsideHours(
      principal.organizationId,
      {
        from: query.from === undefined ? null : new Date(query.from),
        to: query.to === undefined ? null : new Date(query.to),
      },
      after,
      query.limit,
    );
    const more = result.rows.length > query.limit;
    const items = more ? result.rows.slice(0, query.limit) : result.rows;
    const last = items.at(-1);
    return {
      checked: result.checked,
      count: result.count,
      ok: result.count === 0,
      items,
      nextCursor: more && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
    };
  }

  async dncFreshnessReport(principal: Principal, now = new Date()): Promise<DncFreshnessReport> {
    const snapshots = await this.repository.currentSnapshots(principal.organizationId, now);
    const lists = [{ kind: 'national', state: '' }, ...DNC_LIST_STATES.map((state) => ({ kind: 'state', state }))].map(
      (list) => {
        const snapshot = snapshots.find((s) => s.kind === list.kind && s.state === list.state);
        const ageHours = snapshot ? (now.getTime() - snapshot.obtainedAt.getTime()) / HOUR_MS : null;
        return {
          list: list.kind === 'national' ? 'national' : list.state,
          snapshotId: snapshot?.id ?? null,
          obtainedAt: snapshot?.obtainedAt.toISOString() ?? null,
          ageHours: ageHours === null ? null : Math.round(ageHours * 100) / 100,
          fresh: ageHours !== null && ageHours <= DNC_MAX_AGE_HOURS,
          numbers: snapshot?.numbers ?? null,
        };
      },
    );
    return { at: now.toISOString(), maxAgeHours: DNC_MAX_AGE_HOURS, allFresh: lists.every((l) => l.fresh), lists };
  }

  async consentCoverage(
    principal: Principal,
    body: ConsentCoverageBody,
    now = new Date(),
  ): Promise<ConsentCoverageReport> {
    const problems: { path: string; message: string }[] = [];
    const phones = new Set<string>();
    body.phones.forEach((raw, index) => {
      const parsed = parsePhone(raw);
      if (parsed.ok) phones.add(parsed.e164);
      else problems.push({ path: `body.phones.${index}`, message: `${parsed.problem} (got "${raw.slice(0, 40)}")` });
    });
    if (problems.length > 0) throw ComplianceReviewError.invalidPhones(problems.slice(0, 50));
    const rows = await this.repository.coverage(principal.organizationId, { phones: [...phones] }, now);
    return coverageReport(rows ?? [], now);
  }

  /** The consent coverage of a campaign's contacts (their numbers, each once). */
  async campaignConsentCoverage(
    principal: Principal,
    query: ConsentCoverageQuery,
    now = new Date(),
  ): Promise<ConsentCoverageReport> {
    const rows = await this.repository.coverage(principal.organizationId, { campaignId: query.campaignId }, now);
    if (!rows) throw ComplianceReviewError.campaignNotFound(query.campaignId);
    return coverageReport(rows, now);
  }

  private async registries(org: string, phone: string, now: Date): Promise<Dossier['registries']> {
    const registry = this.registry.forOrganization(org);
    const view = (list: string, status: Awaited<ReturnType<typeof registry.nationalStatus>>): DncListStatusView => {
      const ageHours = status ? (now.getTime() - Date.parse(status.obtainedAt)) / HOUR_MS : null;
      return {
        list,
        snapshotId: status?.snapshotId ?? null,
        obtainedAt: status?.obtainedAt ?? null,
        listed: status?.listed ?? null,
        ageHours: ageHours === null ? null : Math.round(ageHours * 100) / 100,
        fresh: ageHours !== null && ageHours <= DNC_MAX_AGE_HOURS,
      };
    };
    const [national, ...states] = await Promise.all([
      registry.nationalStatus(phone, now),
      ...DNC_LIST_STATES.map((state) => registry.stateStatus(state, phone, now)),
    ]);
    return {
      national: view('national', national ?? null),
      states: DNC_LIST_STATES.map((state, index) => view(state, states[index] ?? null)),
    };
  }
}

function requirePhone(raw: string, path: string): string {
  const parsed = parsePhone(raw);
  if (!parsed.ok) throw ComplianceReviewError.invalidPhone(path, `${parsed.problem} (got "${raw.slice(0, 40)}")`);
  return parsed.e164;
}

/** The dossier as named parts with a manifest of their SHA-256s: the JSON export, and the packet's manifest. */
export function packageDossier(dossier: Dossier): DossierExport {
  const parts: Record<string, unknown> = {
    'consents.json': dossier.consents,
    'revocations.json': dossier.revocations,
    'internal-dnc.json': dossier.internalDnc,
    'registries.json': dossier.registries,
    'decisions.json': dossier.decisions,
    'attempts.json': dossier.attempts,
    'timeline.json': dossier.timeline,
  };
  return {
    manifest: {
      phone: dossier.phone,
      generatedAt: dossier.generatedAt,
      algorithm: 'sha256',
      files: Object.entries(parts).map(([name, part]) => manifestEntry(name, JSON.stringify(part))),
    },
    parts,
  };
}

/** Each number's coverage → the report: the uncovered ones with their gap, in number order. */
function coverageReport(rows: CoverageRow[], now: Date): ConsentCoverageReport {
  const uncovered: ConsentCoverageReport['uncovered'] = [];
  for (const row of rows) {
    if (row.valid) continue;
    const gap = !row.hasConsent ? 'NO_CONSENT' : !row.inForce ? 'REVOKED' : !row.undisputed ? 'DISPUTED' : 'INVALID';
    uncovered.push({ phone: row.phone, gap });
  }
  const total = rows.length;
  const covered = total - uncovered.length;
  return { at: now.toISOString(), total, covered, share: total === 0 ? 0 : covered / total, uncovered };
}
