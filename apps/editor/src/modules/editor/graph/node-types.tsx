import type { FlowNode, NodeType } from '@switchboard/flow';
import { Handle, Position, type NodeProps, type NodeTypes } from '@xyflow/react';
import { memo, type ComponentType } from 'react';
import type { ViewNode } from './view-model.js';

export const NODE_TITLES: Record<NodeType, string> = {
  start: 'Start',
  say: 'Say',
  question: 'Question',
  llm: 'Conversation (LLM)',
  tool: 'Tool',
  branch: 'Branch',
  set: 'Set variables',
  transfer: 'Transfer',
  voicemail: 'Voicemail',
  opt_out: 'Opt-out',
  end: 'End',
};

function clip(text: string | undefined, max = 90): string {
  if (!text) return '';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The one line a node shows under its title, per type. */
function summary(node: FlowNode): string {
  switch (node.type) {
    case 'start':
      return `${node.firstSpeaker === 'callee' ? 'Callee' : 'Agent'} speaks first${node.amd?.enabled ? ' · detects machines' : ''}`;
    case 'say':
    case 'voicemail':
      return clip(node.text);
    case 'question':
      return `${clip(node.prompt, 70)} → ${node.capture.var} (${node.capture.type})`;
    case 'llm':
      return clip(node.opening ?? node.task);
    case 'tool':
      return `calls ${node.tool}`;
    case 'branch':
      return node.cases.map((c) => c.when).join(' · ');
    case 'set':
      return node.assign.map((a) => `${a.var} = ${a.value}`).join(', ');
    case 'transfer':
      return `${node.mode} transfer to ${node.to}`;
    case 'opt_out':
      return clip(node.text ?? 'Records the do-not-call request and hangs up');
    case 'end':
      return `${clip(node.text, 60)} [${node.disposition}]`;
  }
}

function FlowNodeBody({ data, selected }: NodeProps<ViewNode>) {
  const { node, handles, errors, warnings, isEntry, problems, wired } = data;
  const title = node.label?.trim() || NODE_TITLES[node.type];
  const describe = problems.map((p) => p.message).join('\n');
  return (
    <div
      className={`flow-node type-${node.type}${selected ? ' is-selected' : ''}${errors ? ' has-errors' : warnings ? ' has-warnings' : ''}`}
      data-testid={`node-${node.id}`}
      aria-label={`${NODE_TITLES[node.type]} node ${node.id}${errors ? `, ${errors} errors` : ''}`}
    >
      {node.type !== 'start' && <Handle type="target" position={Position.Top} className="target-handle" />}
      <header className="flow-node-header">
        <strong>{title}</strong>
        <code className="flow-node-id">{node.id}</code>
        {isEntry && <span className="pill">entry</span>}
        {(errors > 0 || warnings > 0) && (
          <span
            className={`badge ${errors ? 'badge-error' : 'badge-warning'}`}
            title={describe}
            data-testid={`badge-${node.id}`}
          >
            {errors ? `${errors} ⚠` : `${warnings} !`}
          </span>
        )}
      </header>
      <p className="flow-node-summary">{summary(node)}</p>
      {handles.length > 0 && (
        <div className="flow-node-handles">
          {handles.map((h) => (
            <div
              key={h.id}
              className={`handle-slot kind-${h.kind}${h.required && !wired.includes(h.id) ? ' missing' : ''}`}
              title={h.required && !wired.includes(h.id) ? `${h.label}: must be connected` : h.label}
            >
              <span>{h.label}</span>
              {h.kind !== 'terminal' && (
                <Handle type="source" position={Position.Bottom} id={h.id} className="source-handle" />
              )}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

function nodeComponent(type: NodeType): ComponentType<NodeProps<ViewNode>> {
  const component = memo(FlowNodeBody);
  component.displayName = `${NODE_TITLES[type].replace(/\W/g, '')}Node`;
  return component;
}

/** The registry React Flow draws with: defined once, outside any component. */
export const nodeTypes = {
  start: nodeComponent('start'),
  say: nodeComponent('say'),
  question: nodeComponent('question'),
  llm: nodeComponent('llm'),
  tool: nodeComponent('tool'),
  branch: nodeComponent('branch'),
  set: nodeComponent('set'),
  transfer: nodeComponent('transfer'),
  voicemail: nodeComponent('voicemail'),
  opt_out: nodeComponent('opt_out'),
  end: nodeComponent('end'),
} satisfies Record<NodeType, ComponentType<NodeProps<ViewNode>>> as NodeTypes;
