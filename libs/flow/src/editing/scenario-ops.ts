import type { z } from 'zod';
import { FlowDocumentSchema, ScenarioSchema, type FlowDocument, type Scenario } from '../schema/index.js';
import { EditError } from './edit-error.js';
import { merge, parseOrThrow, sameJson } from './internal.js';

// ---------------------------------------------------------------- scenarios

/** A scenario as written: defaults (`answeredBy`, `callee`) may be left out. */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** Scenario fields to change; a field set to `undefined` is removed. */
export type ScenarioPatch = { [K in keyof Scenario]?: Scenario[K] | undefined };

/** Appends a scenario (`tests`); its name must be new. */
export function addScenario(flow: FlowDocument, input: ScenarioInput): FlowDocument {
  const scenario = parseOrThrow(ScenarioSchema, input, `Scenario "${String(input.name)}"`);
  checkFreeName(flow, scenario.name);
  return { ...flow, tests: [...flow.tests, scenario] };
}

/** Changes a scenario (its name too, if the new one is free). */
export function updateScenario(flow: FlowDocument, name: string, patch: ScenarioPatch): FlowDocument {
  const before = findScenario(flow, name);
  const after = parseOrThrow(ScenarioSchema, merge(before, patch), `Scenario "${name}"`);
  if (sameJson(before, after)) return flow;
  if (after.name !== name) checkFreeName(flow, after.name);
  return { ...flow, tests: flow.tests.map((t) => (t === before ? after : t)) };
}

/** Renames a scenario; `to` must be free. */
export function renameScenario(flow: FlowDocument, from: string, to: string): FlowDocument {
  return updateScenario(flow, from, { name: to });
}

export function removeScenario(flow: FlowDocument, name: string): FlowDocument {
  const scenario = findScenario(flow, name);
  return { ...flow, tests: flow.tests.filter((t) => t !== scenario) };
}

function findScenario(flow: FlowDocument, name: string): Scenario {
  const scenario = flow.tests.find((t) => t.name === name);
  if (!scenario) throw new EditError('SCENARIO_NOT_FOUND', `There is no scenario "${name}".`);
  return scenario;
}

function checkFreeName(flow: FlowDocument, name: string): void {
  if (flow.tests.some((t) => t.name === name))
    throw new EditError('ID_TAKEN', `A scenario "${name}" already exists; give each its own name.`);
}

// ---------------------------------------------------------------- whole document

/**
 * Replaces the whole document ("restore a version"): `next` is parsed with the flow
 * schema (defaults applied) and kept as it is, layout included — the incoming document's
 * positions and viewport, not the current ones. A document equal to the current one
 * changes nothing (so the history records nothing).
 */
export function replaceDocument(flow: FlowDocument, next: unknown): FlowDocument {
  const result = FlowDocumentSchema.safeParse(next);
  if (!result.success)
    throw new EditError(
      'INVALID_DOCUMENT',
      `The document is not a valid flow: ${result.error.issues
        .slice(0, 5)
        .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
        .join('; ')}.`,
    );
  return sameJson(flow, result.data) ? flow : result.data;
}
