import { ebrStatus, type EbrStatus } from './facts/ebr.js';
import { instant } from './facts/dated.js';
import { comparablePhone, parsePhone, type ParsedPhone } from './phone/phone.js';
import type { AreaCode, RuleSet } from './rules/rule-set.js';
import type { ComplianceReason } from './schema/compliance-decision.schema.js';
import type { ComplianceInput, Consent, Revocation } from './schema/compliance-input.schema.js';

/** Everything the checks share, derived once from the input and the rule set. */
export interface EvaluationContext {
  input: ComplianceInput;
  rules: RuleSet;
  /** the call time, epoch ms */
  at: number;
  called: ParsedPhone;
  /** the in-service area code of the called number, if it is one */
  areaCode: AreaCode | undefined;
  /** the address's state after aliases (MP → CNMI), if an address is given */
  addressState: string | undefined;
  /** the address state's zones; undefined when the state is unknown */
  addressZones: readonly string[] | undefined;
  zones: string[];
  states: string[];
  /** the number's area code and the address are both known, so the candidate zones are complete */
  destinationResolved: boolean;
  /** the latest revocation of this number received by the call time */
  latestRevocation: Revocation | undefined;
  /** consents captured by the call time and after the latest revocation */
  consentsInForce: Consent[];
  /** consents captured by the call time (revoked or not) */
  consentsOnFile: Consent[];
  ebr: EbrStatus;
  /** E.164 of a number written in a fact, memoised: the same numbers recur across checks */
  e164Of(raw: string): string | undefined;
}

export function buildContext(input: ComplianceInput, rules: RuleSet): EvaluationContext {
  const { request, facts } = input;
  const at = instant(request.at);
  const called = parsePhone(request.phone, rules.numberPattern);
  const parsedNumbers = new Map<string, string | undefined>();
  const e164Of = (raw: string): string | undefined => {
    if (!parsedNumbers.has(raw)) parsedNumbers.set(raw, comparablePhone(raw));
    return parsedNumbers.get(raw);
  };
  const areaCode = called.ok ? rules.areaCodes.get(called.areaCode) : undefined;

  const rawState = request.address?.state;
  const addressState = rawState === undefined ? undefined : (rules.addressStateAliases.get(rawState) ?? rawState);
  const addressZones = addressState === undefined ? undefined : rules.zonesByState.get(addressState);

  const zones = unique([...(areaCode?.zones ?? []), ...(addressZones ?? [])]);
  const states = unique([areaCode?.state, addressState].filter((s): s is string => s !== undefined));

  const latestRevocation = facts.revocations
    .filter((revocation) => instant(revocation.receivedAt) <= at && isThisNumber(e164Of(revocation.phone), called))
    .reduce<Revocation | undefined>(
      (latest, r) => (latest === undefined || instant(r.receivedAt) >= instant(latest.receivedAt) ? r : latest),
      undefined,
    );
  const consentsOnFile = facts.consents.filter((consent) => instant(consent.capturedAt) <= at);
  const consentsInForce = consentsOnFile.filter(
    (consent) => latestRevocation === undefined || instant(consent.capturedAt) > instant(latestRevocation.receivedAt),
  );

  return {
    input,
    rules,
    at,
    called,
    areaCode,
    addressState,
    addressZones,
    zones,
    states,
    destinationResolved: areaCode !== undefined && (addressState === undefined || addressZones !== undefined),
    latestRevocation,
    consentsInForce,
    consentsOnFile,
    ebr: ebrStatus(facts.ebr, at, rules.ebr),
    e164Of,
  };
}

/**
 * Whether a number in a blocking fact (revocation, internal DNC entry) is the called one.
 * A fact whose number cannot be read, or a called number that cannot, counts as a match:
 * a do-not-call request we cannot place must not be ignored (fail closed).
 */
export function isThisNumber(factE164: string | undefined, called: ParsedPhone): boolean {
  return factE164 === undefined || called.e164 === undefined || factE164 === called.e164;
}

export function reason(
  check: ComplianceReason['check'],
  code: ComplianceReason['code'],
  detail: string,
  extra: Pick<ComplianceReason, 'subCode' | 'subCodes'> = {},
): ComplianceReason {
  return { check, code, ...extra, detail };
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
