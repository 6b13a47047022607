import type { Callee, CalleeTurn, FlowDocument } from '@switchboard/flow';

/**
 * The callee of a call placed without a `simulation` script: a plausible, cooperative person.
 * - yes/no questions: "yes";
 * - choice questions: the label of the first choice;
 * - numbers, digits, dates and times: a plain value ("2", "1234", "tomorrow", "at 3 pm");
 * - everything else (free text, LLM nodes, anything unknown): silence, so the flow's
 *   no-input handling decides what happens.
 * It never opts out and never hangs up.
 */
export function defaultPersona(flow: FlowDocument): Callee {
  const nodes = new Map<string, unknown>(flow.nodes.map((node) => [node.id, node]));
  return {
    respond(request): CalleeTurn | undefined {
      const node = nodes.get(request.nodeId) as { capture?: { type: string; values?: { label: string }[] } };
      switch (request.captureType ?? node?.capture?.type) {
        case 'yes_no':
          return 'yes';
        case 'choice':
          return node?.capture?.values?.[0]?.label;
        case 'number':
          return '2';
        case 'digits':
          return request.input === 'speech' ? 'one two three four' : { dtmf: '1234' };
        case 'date':
        case 'datetime':
          return 'tomorrow at 3 pm';
        case 'time':
          return 'at 3 pm';
        default:
          return undefined;
      }
    },
  };
}
