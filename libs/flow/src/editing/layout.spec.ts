import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonicalJson, flowLogic, FlowDocumentSchema, type FlowDocument } from '../index.js';
import fixture from './fixtures/every-node.flow.json' with { type: 'json' };
import { autoLayout, DEFAULT_NODE_SIZE, setViewport, type Size } from './index.js';

const flowsDir = fileURLToPath(new URL('../../../../flows/', import.meta.url));
const examples = readdirSync(flowsDir).filter((f) => f.endsWith('.flow.json'));
const loadExample = (file: string): FlowDocument =>
  FlowDocumentSchema.parse(JSON.parse(readFileSync(flowsDir + file, 'utf8')));
const logic = (flow: FlowDocument) => canonicalJson(flowLogic(flow));

/** Pairs of node ids whose boxes overlap. */
function overlaps(flow: FlowDocument, size: (id: string) => Size): string[] {
  const boxes = Object.entries(flow.layout!.nodes).map(([id, p]) => ({ id, ...p, ...size(id) }));
  const found: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
        found.push(`${a.id}/${b.id}`);
    }
  return found;
}

describe('autoLayout', () => {
  describe.each(examples)('%s', (file) => {
    const flow = loadExample(file);

    it.each(['TB', 'LR'] as const)('%s: positions every node, none overlapping, logic untouched', (direction) => {
      const next = autoLayout(flow, { direction });
      expect(Object.keys(next.layout!.nodes).sort()).toEqual(flow.nodes.map((n) => n.id).sort());
      expect(overlaps(next, () => DEFAULT_NODE_SIZE)).toEqual([]);
      expect(logic(next)).toBe(logic(flow));
      for (const p of Object.values(next.layout!.nodes))
        expect(Number.isInteger(p.x) && Number.isInteger(p.y)).toBe(true);
    });
  });

  it('flows downwards (TB) or rightwards (LR) from the entry', () => {
    const flow = FlowDocumentSchema.parse(structuredClone(fixture));
    const tb = autoLayout(flow).layout!.nodes;
    expect(tb.greet!.y).toBeGreaterThan(tb.start!.y);
    expect(tb.confirm!.y).toBeGreaterThan(tb.greet!.y);
    const lr = autoLayout(flow, { direction: 'LR' }).layout!.nodes;
    expect(lr.greet!.x).toBeGreaterThan(lr.start!.x);
    expect(lr.confirm!.x).toBeGreaterThan(lr.greet!.x);
  });

  it('uses measured sizes, keeps the viewport, drops stale entries and is deterministic', () => {
    const flow = setViewport(FlowDocumentSchema.parse(structuredClone(fixture)), { x: 1, y: 2, zoom: 0.5 });
    const stale: FlowDocument = {
      ...flow,
      layout: { ...flow.layout!, nodes: { ...flow.layout!.nodes, ghost: { x: 0, y: 0 } } },
    };
    const sizes: Record<string, Size> = { chat: { width: 600, height: 300 }, greet: { width: 400, height: 180 } };
    const next = autoLayout(stale, { sizes });
    expect(next.layout!.viewport).toEqual({ x: 1, y: 2, zoom: 0.5 });
    expect(next.layout!.nodes).not.toHaveProperty('ghost');
    expect(overlaps(next, (id) => sizes[id] ?? DEFAULT_NODE_SIZE)).toEqual([]);
    expect(autoLayout(stale, { sizes })).toEqual(next);
  });
});
