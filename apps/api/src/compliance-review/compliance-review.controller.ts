import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { maskPhone } from '@switchboard/compliance';
import {
  ApiErrorSchema,
  ComplianceSearchPageSchema,
  ComplianceSearchQuerySchema,
  ConsentCoverageBodySchema,
  ConsentCoverageQuerySchema,
  ConsentCoverageReportSchema,
  DncFreshnessReportSchema,
  DossierExportQuerySchema,
  DossierExportSchema,
  DossierSchema,
  OutsideWindowQuerySchema,
  OutsideWindowReportSchema,
  PhoneParamsSchema,
  RevocationReportQuerySchema,
  RevocationReportSchema,
  type ComplianceSearchHit,
  type ComplianceSearchQuery,
  type ConsentCoverageBody,
  type ConsentCoverageQuery,
  type ConsentCoverageReport,
  type DncFreshnessReport,
  type Dossier,
  type DossierExport,
  type DossierExportQuery,
  type OutsideWindowQuery,
  type OutsideWindowReport,
  type Page,
  type PhoneParams,
  type RevocationReport,
  type RevocationReportQuery,
} from '@switchboard/contracts';
import { Authorize, CurrentPrincipal, type Principal } from '../common/auth/principal.js';
import { Route } from '../common/validation/route-spec.js';
import { ComplianceReviewService } from './compliance-review.service.js';

const error = (description: string) => ({ description, schema: ApiErrorSchema });
const BAD_INPUT = { 400: error('Invalid request: every bad field is named in details') };
const FORBIDDEN = { 403: error('Missing permission compliance:read (admin, compliance)') };
const TAGS = ['compliance-review'];
/** The printable packet is inert: inline styles only, no script, no fetch, no frame. */
const PACKET_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * `/v1/compliance/…`: what a compliance reviewer reads. Every route needs compliance:read (admin,
 * compliance) and shows numbers unmasked; nothing here changes evidence.
 */
@Controller('v1/compliance')
@Authorize('compliance:read')
export class ComplianceReviewController {
  constructor(private readonly review: ComplianceReviewService) {}

  @Get('phones/:phone')
  @Route({
    summary: "A number's compliance dossier",
    description:
      'Consent evidence (verbatim disclosure + SHA-256, capture time, page URL, IP, user agent, signature, sellers, stored E1–E8 results, dispute), revocations, internal DNC entries and removals, national/state DNC status now, every logged decision, call attempts, and one timeline of all of them, oldest first. `phone` in any format.',
    tags: TAGS,
    params: PhoneParamsSchema,
    responses: { 200: { description: 'The dossier', schema: DossierSchema }, ...BAD_INPUT, ...FORBIDDEN },
  })
  dossier(@CurrentPrincipal() principal: Principal, @Param() params: PhoneParams): Promise<Dossier> {
    return this.review.dossier(principal, params.phone);
  }

  @Get('phones/:phone/export')
  @Route({
    summary: 'Export a dossier with checksums',
    description:
      '`format=json` (default): `{manifest: {files: [{name, sha256, bytes}]}, parts}` where each checksum is over the UTF-8 of `JSON.stringify(parts[name])`. `format=csv` (text/csv): the timeline, then a trailing `#manifest` block whose `timeline.csv` row gives the SHA-256 and byte length of the leading timeline bytes. `format=html` (text/html): the printable evidence packet, one self-contained page (inline print CSS, no script, no external URL; every value HTML-escaped) with a cover (organisation, number, generated at/by, rule-set version), consent evidence (verbatim disclosure + SHA-256, E1–E8 in plain words), disputes, revocations, internal DNC entries and removals, current DNC status, every decision (outcome and reasons in plain words, mode, snapshot ids, hash), the timeline, and at the end the same manifest of SHA-256 checksums as the JSON export, named `dossier-<masked number>.html`. Sent as an attachment.',
    tags: TAGS,
    params: PhoneParamsSchema,
    query: DossierExportQuerySchema,
    responses: {
      200: {
        description:
          'The dossier file: JSON (this schema), CSV with format=csv (text/csv), or the printable packet with format=html (text/html)',
        schema: DossierExportSchema,
      },
      ...BAD_INPUT,
      ...FORBIDDEN,
    },
  })
  async export(
    @CurrentPrincipal() principal: Principal,
    @Param() params: PhoneParams,
    @Query() query: DossierExportQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DossierExport | string> {
    const stamp = new Date().toISOString().slice(0, 10);
    if (query.format === 'html') {
      const file = await this.review.exportHtml(principal, params.phone);
      res.setHeader('content-type', 'text/html; charset=utf-8');
      // The packet has no script and loads nothing: forbid both should it ever be opened in place.
      res.setHeader('content-security-policy', PACKET_CONTENT_SECURITY_POLICY);
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('content-disposition', `attachment; filename="dossier-${maskPhone(file.phone).slice(1)}.html"`);
      return file.html;
    }
    if (query.format === 'csv') {
      const file = await this.review.exportCsv(principal, params.phone);
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="dossier-${file.phone.slice(1)}-${stamp}.csv"`);
      return file.csv;
    }
    const file = await this.review.exportJson(principal, params.phone);
    res.setHeader(
      'content-disposition',
      `attachment; filename="dossier-${file.manifest.phone.slice(1)}-${stamp}.json"`,
    );
    return file;
  }

  @Get('search')
  @Route({
    summary: 'Find numbers by evidence',
    description:
      '`q`: text in consent evidence (disclosure text, scope, page URL, sellers, certificate URL) or a number in any format; `consentId`; `campaignId` (on logged decisions); `from` ≤ event time < `to`. Every criterion given must hold; the range limits the events counted. Numbers in E.164 order with their counts.',
    tags: TAGS,
    query: ComplianceSearchQuerySchema,
    responses: {
      200: { description: 'A page of numbers', schema: ComplianceSearchPageSchema },
      ...BAD_INPUT,
      ...FORBIDDEN,
    },
  })
  search(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ComplianceSearchQuery,
  ): Promise<Page<ComplianceSearchHit>> {
    return this.review.search(principal, query);
  }

  @Get('reports/revocations')
  @Route({
    summary: 'Revocation honoured-time report',
    description:
      'honouredAt − receivedAt in seconds over revocations received in [from, to): count, p50, p95, max and how many took over 0 s, overall and per `period` (UTC day, week or month), with counts per channel.',
    tags: TAGS,
    query: RevocationReportQuerySchema,
    responses: { 200: { description: 'The report', schema: RevocationReportSchema }, ...BAD_INPUT, ...FORBIDDEN },
  })
  revocations(
    @CurrentPrincipal() principal: Principal,
    @Query() query: RevocationReportQuery,
  ): Promise<RevocationReport> {
    return this.review.revocationReport(principal, query);
  }

  @Get('reports/outside-window')
  @Route({
    summary: 'Calls allowed outside the calling window (must be 0)',
    description:
      'DIAL_NOW decisions logged as ALLOWED whose reasons include OUTSIDE_HOURS, in [from, to); `checked` is how many DIAL_NOW ALLOWED decisions were examined. Until call records exist this is judged on the decision log alone.',
    tags: TAGS,
    query: OutsideWindowQuerySchema,
    responses: { 200: { description: 'The report', schema: OutsideWindowReportSchema }, ...BAD_INPUT, ...FORBIDDEN },
  })
  outsideWindow(
    @CurrentPrincipal() principal: Principal,
    @Query() query: OutsideWindowQuery,
  ): Promise<OutsideWindowReport> {
    return this.review.outsideWindowReport(principal, query);
  }

  @Get('reports/dnc-freshness')
  @Route({
    summary: 'DNC snapshot freshness',
    description:
      'The current ready snapshot of the national registry and of each state list, its age in hours and whether it is fresh (≤ 31 × 24 h, else the gate blocks telemarketing).',
    tags: TAGS,
    responses: { 200: { description: 'The report', schema: DncFreshnessReportSchema }, ...FORBIDDEN },
  })
  dncFreshness(@CurrentPrincipal() principal: Principal): Promise<DncFreshnessReport> {
    return this.review.dncFreshnessReport(principal);
  }

  @Get('reports/consent-coverage')
  @Route({
    summary: "Consent coverage of a campaign's contacts",
    description:
      "The share of the numbers of the campaign's contacts (each once, however many) with a consent in force now, judged as for a list of numbers (`POST` form). Another organisation's campaign is a 404.",
    tags: TAGS,
    query: ConsentCoverageQuerySchema,
    responses: {
      200: { description: 'The report', schema: ConsentCoverageReportSchema },
      ...BAD_INPUT,
      ...FORBIDDEN,
      404: { description: 'No such campaign in this organisation' },
    },
  })
  campaignConsentCoverage(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ConsentCoverageQuery,
  ): Promise<ConsentCoverageReport> {
    return this.review.campaignConsentCoverage(principal, query);
  }

  @Post('reports/consent-coverage')
  @HttpCode(200)
  @Route({
    summary: 'Consent coverage of a list of numbers',
    description:
      'The share of the given numbers (any format, deduplicated) with a consent in force now: captured after the latest revocation, not disputed, and whose stored E1–E8 results all hold. Changes nothing. For the contacts of a campaign, the `GET` form with `?campaignId=`.',
    tags: TAGS,
    body: ConsentCoverageBodySchema,
    responses: {
      200: { description: 'The report', schema: ConsentCoverageReportSchema },
      ...BAD_INPUT,
      ...FORBIDDEN,
    },
  })
  consentCoverage(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ConsentCoverageBody,
  ): Promise<ConsentCoverageReport> {
    return this.review.consentCoverage(principal, body);
  }
}
