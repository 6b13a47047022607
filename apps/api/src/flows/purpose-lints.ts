import { complianceLints, type FlowDocument } from '@switchboard/flow';
import type { ErrorDetail } from '../common/errors/api-error.js';

/**
 * The compliance lints of a flow version run under `purpose`, as error details (empty: it passes).
 * A version passed its lints for its own purpose when it was published; a call or campaign that
 * runs it under another one (an informational flow as telemarketing) is judged again.
 */
export function purposeLintDetails(document: FlowDocument, purpose: FlowDocument['purpose']): ErrorDetail[] {
  if (purpose === document.purpose) return [];
  return complianceLints(document, purpose).map((d) => ({
    path: `flow.${d.path ?? d.nodeId ?? 'document'}`,
    message: `${d.code}: ${d.message}`,
  }));
}
