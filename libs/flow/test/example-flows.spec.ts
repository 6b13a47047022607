import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getShortestPaths, getSimplePaths } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import { flowStructureMachine, runScenarios, validateFlowText } from '@switchboard/flow';

const flowsDir = fileURLToPath(new URL('../../../flows/', import.meta.url));
const files = readdirSync(flowsDir).filter((f) => f.endsWith('.flow.json'));

describe('example flows', () => {
  it('there are at least five', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  describe.each(files)('%s', (file) => {
    const result = validateFlowText(readFileSync(flowsDir + file, 'utf8'));

    it('passes every static check, compliance lints included', () => {
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(result.flow).toBeDefined();
    });

    it('passes its own scenarios', async () => {
      const results = await runScenarios(result.flow!);
      expect(results.length).toBeGreaterThan(0);
      expect(results.filter((r) => !r.passed).map((r) => ({ name: r.name, failures: r.failures }))).toEqual([]);
    });

    it('reaches a terminal on every path (enumerated with @xstate/graph)', () => {
      const { machine, events } = flowStructureMachine(result.flow!);
      const paths = getSimplePaths(machine, { events });
      expect(paths.length).toBeGreaterThan(0);
      const trapped = paths.filter((path) => {
        if (path.state.status === 'done') return false;
        const out = getShortestPaths(machine, {
          events,
          fromState: path.state,
          toState: (state) => state.status === 'done',
        });
        return out.length === 0;
      });
      expect(trapped.map((p) => p.steps.map((s) => JSON.stringify(s.state.value)).join(' → '))).toEqual([]);
      expect(paths.some((p) => p.state.status === 'done')).toBe(true);
    });
  });
});
