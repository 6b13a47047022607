import type { Style } from './io.js';

/** The shape the CLI reads from `validateFlowText` diagnostics (see FLOW-LANGUAGE.md "Static checks"). */
export interface DiagnosticView {
  severity: string;
  code: string;
  message: string;
  nodeId?: string | undefined;
  edgeId?: string | undefined;
  path?: string | readonly (string | number)[] | undefined;
  line?: number | undefined;
  column?: number | undefined;
}

/**
 * `file:line:col: error CODE message (node xyz, edge e1, path nodes[2].prompt)` — the
 * compiler-style prefix makes the location clickable in editors and terminals.
 */
export function formatDiagnostic(file: string, diagnostic: DiagnosticView, style: Style): string {
  const location =
    diagnostic.line === undefined
      ? file
      : diagnostic.column === undefined
        ? `${file}:${diagnostic.line}`
        : `${file}:${diagnostic.line}:${diagnostic.column}`;
  const severity =
    diagnostic.severity === 'error'
      ? style.red(style.bold('error'))
      : diagnostic.severity === 'warning'
        ? style.yellow(style.bold('warning'))
        : style.cyan(diagnostic.severity);
  const where: string[] = [];
  if (diagnostic.nodeId !== undefined) where.push(`node ${diagnostic.nodeId}`);
  if (diagnostic.edgeId !== undefined) where.push(`edge ${diagnostic.edgeId}`);
  const path = formatPath(diagnostic.path);
  if (path !== '') where.push(`path ${path}`);
  const suffix = where.length > 0 ? ` ${style.dim(`(${where.join(', ')})`)}` : '';
  return `${location}: ${severity} ${style.dim(diagnostic.code)} ${diagnostic.message}${suffix}`;
}

/** `["nodes", 2, "prompt"]` → `nodes[2].prompt`; a string path is shown as given. */
export function formatPath(path: DiagnosticView['path']): string {
  if (path === undefined) return '';
  if (typeof path === 'string') return path;
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A value on one line, as JSON (strings quoted, so `"5"` and `5` stay distinct). */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return '[unprintable value]';
  }
}
