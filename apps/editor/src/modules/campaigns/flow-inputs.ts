import type { FlowVersion } from '@switchboard/contracts';
import { variableFromText, type VariableType } from '@switchboard/flow';

/** An input variable of a campaign's pinned flow version: what a CSV column or a default fills. */
export interface InputVariable {
  name: string;
  required: boolean;
  /** the declared type (`string` when the document does not say) */
  type: string;
  /** an enum's values */
  values?: string[];
}

/** The input variables a flow version declares, in its order (captured and tool ones are not inputs). */
export function inputVariablesOf(version: Pick<FlowVersion, 'document'>): InputVariable[] {
  const declared = (version.document as { variables?: unknown }).variables;
  if (!Array.isArray(declared)) return [];
  return (declared as unknown[])
    .filter(
      (v): v is { name: string; type?: string; source?: string; required?: boolean; values?: unknown } =>
        typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string',
    )
    .filter((v) => (v.source ?? 'input') === 'input')
    .map((v) => ({
      name: v.name,
      required: v.required === true,
      type: typeof v.type === 'string' ? v.type : 'string',
      ...(Array.isArray(v.values) ? { values: v.values.filter((x): x is string => typeof x === 'string') } : {}),
    }));
}

/** An example of a value of the type, for an empty input's placeholder. */
export const PLACEHOLDERS: Record<string, string> = {
  number: '42',
  date: 'YYYY-MM-DD',
  time: 'HH:MM',
  datetime: '2026-03-10T14:00:00Z',
  object: '{"key": "value"}',
};

/** A default as typed → its value, as the API reads a CSV cell; `undefined` when blank. */
export const variableValue = (variable: Pick<InputVariable, 'type'>, text: string): unknown =>
  variableFromText(variable.type as VariableType, text);
