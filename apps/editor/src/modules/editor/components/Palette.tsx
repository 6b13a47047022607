import type { NodeType } from '@switchboard/flow';
import { useReactFlow } from '@xyflow/react';
import type { DragEvent } from 'react';
import { NODE_TITLES } from '../graph/node-types.js';
import { addNodeAndSelect, NODE_DRAG_TYPE } from './FlowCanvas.js';

const PALETTE: NodeType[] = [
  'say',
  'question',
  'llm',
  'tool',
  'branch',
  'set',
  'transfer',
  'voicemail',
  'opt_out',
  'end',
];

/** Drag a node type onto the canvas, or click (Enter) to add it in the middle of the view. */
export function Palette() {
  const { screenToFlowPosition } = useReactFlow();
  const addAtCentre = (type: NodeType) => {
    const el = document.querySelector('.canvas');
    const rect = el?.getBoundingClientRect();
    const p = rect
      ? screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 3 })
      : { x: 0, y: 0 };
    addNodeAndSelect(type, { x: Math.round(p.x), y: Math.round(p.y) });
  };
  return (
    <nav className="palette" aria-label="Add a node">
      <h2>Add</h2>
      {PALETTE.map((type) => (
        <button
          key={type}
          type="button"
          draggable
          data-testid={`palette-${type}`}
          onDragStart={(e: DragEvent) => {
            e.dataTransfer.setData(NODE_DRAG_TYPE, type);
            e.dataTransfer.effectAllowed = 'copy';
          }}
          onClick={() => addAtCentre(type)}
          title={`Add a ${NODE_TITLES[type]} node (drag it, or click)`}
        >
          {NODE_TITLES[type]}
        </button>
      ))}
    </nav>
  );
}
