import type { FlowDocument, Variable } from '@switchboard/flow';
import { missingInputVariables } from '@switchboard/flow';
import type { ErrorDetail } from '../common/errors/api-error.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function validDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** What is wrong with `value` for a variable of this type, or null when it fits. */
function typeProblem(variable: Variable, value: unknown): string | null {
  switch (variable.type) {
    case 'string':
      return typeof value === 'string' ? null : 'must be a string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be a boolean';
    case 'date':
      return typeof value === 'string' && validDate(value) ? null : 'must be a date (YYYY-MM-DD)';
    case 'time':
      return typeof value === 'string' && TIME.test(value) ? null : 'must be a time (HH:MM or HH:MM:SS)';
    case 'datetime':
      return typeof value === 'string' && DATETIME.test(value) && !Number.isNaN(Date.parse(value))
        ? null
        : 'must be an ISO 8601 date-time with an offset, e.g. 2026-03-10T14:00:00Z';
    case 'enum':
      return typeof value === 'string' && (variable.values ?? []).includes(value)
        ? null
        : `must be one of ${(variable.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? null : 'must be an object';
  }
}

/**
 * Checks a call's variables against the flow's input variables: required ones present
 * (`missingInputVariables` of @switchboard/flow), each value of its declared type, no name the
 * flow does not take as input. One detail per problem, named `body.variables.<name>`.
 */
export function variableProblems(flow: FlowDocument, variables: Record<string, unknown>): ErrorDetail[] {
  const problems: ErrorDetail[] = missingInputVariables(flow, variables).map((name) => ({
    path: `body.variables.${name}`,
    message: 'required by the flow',
  }));
  const missing = new Set(problems.map((p) => p.path));
  const inputs = new Map(flow.variables.filter((v) => v.source === 'input').map((v) => [v.name, v]));
  for (const [name, value] of Object.entries(variables)) {
    const path = `body.variables.${name}`;
    if (missing.has(path)) continue;
    const variable = inputs.get(name);
    if (!variable) {
      problems.push({ path, message: 'the flow has no input variable of this name' });
      continue;
    }
    if (value === null) continue;
    const problem = typeProblem(variable, value);
    if (problem) problems.push({ path, message: `${problem} (the flow declares it ${variable.type})` });
  }
  return problems;
}
