import type { CheckContext } from './check-context.js';
import { diagnostic } from './diagnostics.js';
import { fitsType } from './structure-checks.js';

/** The flow's own tests name nodes, tools and variables that exist, and supply the required inputs. */
export function checkScenarios(ctx: CheckContext): void {
  const { flow, graph } = ctx;
  const names = new Set<string>();
  const requiredInputs = flow.variables.filter((v) => v.source === 'input' && v.required && v.default === undefined);

  flow.tests.forEach((test, i) => {
    const label = `Scenario "${test.name}"`;
    if (names.has(test.name))
      ctx.report(
        diagnostic('SCENARIO_DUPLICATE_NAME', `Two scenarios are called "${test.name}"; give each its own name.`, {
          path: ctx.path('tests', i, 'name'),
        }),
      );
    names.add(test.name);

    (test.expect.path ?? []).forEach((id, j) => {
      if (!ctx.nodeExists(id))
        ctx.report(
          diagnostic(
            'SCENARIO_UNKNOWN_NODE',
            `${label} expects the call to pass through "${id}", but there is no node with that id.`,
            {
              path: ctx.path('tests', i, 'expect', 'path', j),
            },
          ),
        );
    });

    for (const id of Object.keys(test.tools ?? {}))
      if (!ctx.toolExists(id))
        ctx.report(
          diagnostic('SCENARIO_UNKNOWN_TOOL', `${label} mocks the tool "${id}", which is not declared in tools.`, {
            path: ctx.path('tests', i, 'tools', id),
          }),
        );

    for (const [name, value] of Object.entries(test.variables ?? {})) {
      const path = ctx.path('tests', i, 'variables', name);
      const variable = graph.variables.get(name);
      if (!ctx.variableExists(name)) {
        ctx.report(
          diagnostic('SCENARIO_UNKNOWN_VARIABLE', `${label} sets "${name}", which is not a declared variable.`, {
            path,
          }),
        );
        continue;
      }
      if (!variable) continue;
      if (variable.source !== 'input')
        ctx.report(
          diagnostic(
            'SCENARIO_NOT_INPUT',
            `${label} presets "${name}", which the call itself sets (it is not an input); the preset value is what the call starts with.`,
            { path },
          ),
        );
      if (value !== null && !fitsType(value, variable))
        ctx.report(
          diagnostic('SCENARIO_VALUE_TYPE', `${label} gives "${name}" a value that is not a valid ${variable.type}.`, {
            path,
          }),
        );
    }

    for (const [name, value] of Object.entries(test.expect.variables ?? {})) {
      const path = ctx.path('tests', i, 'expect', 'variables', name);
      const variable = graph.variables.get(name);
      if (!ctx.variableExists(name))
        ctx.report(
          diagnostic(
            'SCENARIO_UNKNOWN_VARIABLE',
            `${label} expects a value for "${name}", which is not a declared variable.`,
            {
              path,
            },
          ),
        );
      else if (variable && value !== null && !fitsType(value, variable))
        ctx.report(
          diagnostic(
            'SCENARIO_VALUE_TYPE',
            `${label} expects "${name}" to be a value that is not a valid ${variable.type}.`,
            {
              path,
            },
          ),
        );
    }

    for (const v of requiredInputs)
      if (test.variables?.[v.name] === undefined)
        ctx.report(
          diagnostic('SCENARIO_MISSING_INPUT', `${label} does not give the required input "${v.name}".`, {
            path: ctx.path('tests', i, 'variables'),
          }),
        );
  });
}
