import type { FlowDocument, Variable, VariableType } from '../schema/index.js';

/** Reads a dot path (`data.slot.id`, `items.0.name`) from a JSON value. */
export function readPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (key === '' || key === '$') continue;
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Initial variables of a call: every declared variable, from the call's input when given
 * (strings coerced to the declared type, so CSV and CLI inputs work), else its default,
 * else null. Undeclared inputs are kept as given.
 */
export function initialVariables(flow: FlowDocument, input: Record<string, unknown>): Record<string, unknown> {
  const vars: Record<string, unknown> = { ...input };
  for (const variable of flow.variables) {
    const given = input[variable.name];
    vars[variable.name] =
      given !== undefined && given !== null ? coerce(variable, given) : structuredCloneSafe(variable.default ?? null);
  }
  return vars;
}

/** Required input variables that the call did not receive. */
export function missingInputVariables(flow: FlowDocument, input: Record<string, unknown>): string[] {
  return flow.variables
    .filter((v) => v.source === 'input' && v.required && v.default === undefined)
    .filter((v) => input[v.name] === undefined || input[v.name] === null || input[v.name] === '')
    .map((v) => v.name);
}

/**
 * A variable's value from text a person typed or a CSV cell held: numbers and booleans
 * (true/yes/y/1, false/no/n/0) typed, objects parsed as JSON; what cannot be read stays text, for
 * the variable checks to refuse by name. `undefined` for a blank text (no value).
 */
export function variableFromText(type: VariableType | undefined, text: string): unknown {
  const value = text.trim();
  if (value === '') return undefined;
  switch (type) {
    case 'number': {
      const n = Number(value);
      return Number.isFinite(n) ? n : value;
    }
    case 'boolean': {
      const lower = value.toLowerCase();
      if (['true', 'yes', 'y', '1'].includes(lower)) return true;
      if (['false', 'no', 'n', '0'].includes(lower)) return false;
      return value;
    }
    case 'object':
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
    default:
      return value;
  }
}

function coerce(variable: Variable, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  switch (variable.type) {
    case 'number': {
      const n = Number(text.replace(/[$,]/g, ''));
      return text !== '' && Number.isFinite(n) ? n : value;
    }
    case 'boolean':
      if (/^(true|yes|1)$/i.test(text)) return true;
      if (/^(false|no|0)$/i.test(text)) return false;
      return value;
    default:
      return value;
  }
}

function structuredCloneSafe<T>(value: T): T {
  return value !== null && typeof value === 'object' ? (JSON.parse(JSON.stringify(value)) as T) : value;
}
