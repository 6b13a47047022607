import {
  FlowDocumentSchema,
  type FlowDocument,
  type FlowDocumentInput,
  type LanguageUnderstanding,
  type UnderstandRequest,
  type UnderstandResult,
} from '@switchboard/flow';

type Partial_ = Partial<Omit<FlowDocumentInput, 'nodes'>> & { nodes: FlowDocumentInput['nodes'] };

/** A flow with sensible defaults around the given nodes/edges, parsed by the real schema. */
export function makeFlow(parts: Partial_): FlowDocument {
  return FlowDocumentSchema.parse({
    schema: 'switchboard.flow/v1',
    meta: { name: 'Test flow', business: 'Acme Dental', callbackNumber: '+18005550100' },
    purpose: 'INFORMATIONAL',
    entry: 'start',
    ...parts,
  });
}

/** edge shorthand: "from.handle>to" */
export function edges(...specs: string[]) {
  return specs.map((spec, i) => {
    const [left, to] = spec.split('>') as [string, string];
    const [from, handle] = left.split('.') as [string, string];
    return { id: `e${i}`, from, handle, to };
  });
}

/**
 * A deliberately literal understanding port, so runtime tests exercise the machine and
 * not the phrasing skills of LocalUnderstanding: a candidate matches when the text
 * contains its built-in intent name (underscores as spaces) or one of its examples;
 * yes/no by the words; numbers by digits; choices by id or label; text verbatim.
 */
export class LiteralUnderstanding implements LanguageUnderstanding {
  requests: UnderstandRequest[] = [];
  understand(request: UnderstandRequest): UnderstandResult {
    this.requests.push(request);
    const text = request.text.toLowerCase();
    const result: UnderstandResult = { extracted: {} };
    const hit = request.candidates.find(
      (c) =>
        (c.intent && text.includes(c.intent.replace(/_/g, ' '))) ||
        (c.examples ?? []).some((e) => text.includes(e.toLowerCase())),
    );
    if (hit) result.intent = { id: hit.id, confidence: 1 };
    const capture = request.capture;
    if (capture) {
      const value = literalValue(capture.type, text, capture.values);
      if (value !== undefined) result.capture = { value, confidence: 1 };
    }
    for (const spec of request.extract ?? []) {
      const value = literalValue(spec.type, text, undefined);
      if (value !== undefined && spec.type !== 'text') result.extracted[spec.var] = value;
    }
    return result;
  }
}

function literalValue(type: string, text: string, values?: { id: string; label: string }[]): unknown {
  switch (type) {
    case 'yes_no':
      return /\byes\b/.test(text) ? true : /\bno\b/.test(text) ? false : undefined;
    case 'number': {
      const m = /-?\d+(\.\d+)?/.exec(text);
      return m ? Number(m[0]) : undefined;
    }
    case 'choice':
      return values?.find((v) => text.includes(v.id) || text.includes(v.label.toLowerCase()))?.id;
    case 'text':
      return text.trim() || undefined;
    case 'digits': {
      const d = text.replace(/\D/g, '');
      return d || undefined;
    }
    default:
      return undefined;
  }
}
