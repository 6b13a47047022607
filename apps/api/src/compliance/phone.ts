import { maskPhone, parsePhone } from '@switchboard/compliance';
import { ComplianceError } from './compliance.errors.js';

/** Reads a number in any format as E.164, or a 400 naming the field (`body.phone`, `query.phone`…). */
export function requirePhone(raw: string, path: string): string {
  const parsed = parsePhone(raw);
  if (!parsed.ok) throw ComplianceError.invalidPhone(path, `${parsed.problem} (got "${raw.slice(0, 40)}")`);
  return parsed.e164;
}

export function optionalPhone(raw: string | undefined, path: string): string | undefined {
  return raw === undefined ? undefined : requirePhone(raw, path);
}

/** The number as a caller may see it: whole with compliance:read, masked otherwise. */
export function shownPhone(e164: string, full: boolean): string {
  return full ? e164 : maskPhone(e164);
}
