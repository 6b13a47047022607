import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ScenarioResult, canonicalJson, flowLogic, validateFlow } from '@switchboard/flow';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../common/errors/api-error.js';
import {
  type JsonObject,
  analyseDraft,
  assertFlowDocument,
  capDetails,
  decodeVersionCursor,
  encodeVersionCursor,
  escapeLike,
  expectedRevision,
  exportFileName,
  joinDocument,
  logicChecksum,
  publishBlockers,
  sha256,
  splitDocument,
  withName,
} from './flow-document.js';
import { defaultTemplatesDir } from './flow-templates.js';
import { FlowError } from './flows.errors.js';

const TEMPLATES = defaultTemplatesDir();
function template(id: string): JsonObject {
  return JSON.parse(readFileSync(join(TEMPLATES, `${id}.flow.json`), 'utf8')) as JsonObject;
}

function caught(work: () => unknown): ApiError<string> {
  try {
    work();
  } catch (error) {
    if (error instanceof ApiError) return error as ApiError<string>;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('assertFlowDocument', () => {
  it('accepts a switchboard.flow/v1 document, errors and all', () => {
    expect(() => assertFlowDocument({ schema: 'switchboard.flow/v1' }, 'body')).not.toThrow();
  });

  it('refuses another JSON file, naming the schema field', () => {
    const error = caught(() => assertFlowDocument({ name: 'not a flow' }, 'body'));
    expect(error).toBeInstanceOf(FlowError);
    expect(error.status).toBe(422);
    expect(error.code).toBe('FLOW_NOT_A_FLOW');
    expect(error.details).toEqual([{ path: 'body.schema', message: expect.stringContaining('required') }]);
  });

  it('refuses an unknown schema, naming it', () => {
    const error = caught(() => assertFlowDocument({ schema: 'twilio-studio/v2' }, 'body.document'));
    expect(error.details).toEqual([
      { path: 'body.document.schema', message: expect.stringContaining('"twilio-studio/v2"') },
    ]);
  });

  it('refuses what is not an object', () => {
    expect(caught(() => assertFlowDocument([1, 2], 'body')).details).toEqual([
      { path: 'body', message: 'must be a JSON object' },
    ]);
  });
});

describe('splitDocument and the checksum', () => {
  const document = template('appointment-reminder');

  it('keeps the layout apart from the logic', () => {
    const { logic, layout } = splitDocument(document, 'body');
    expect(logic).not.toHaveProperty('layout');
    expect(layout?.nodes).toEqual((document.layout as { nodes: unknown }).nodes);
    expect(joinDocument(logic, layout ?? null)).toEqual(document);
  });

  it('gives a layout-only change the same checksum', () => {
    const moved = structuredClone(document);
    (moved.layout as { nodes: Record<string, { x: number; y: number }> }).nodes.start = { x: 999, y: -5 };
    const a = splitDocument(document, 'body');
    const b = splitDocument(moved, 'body');
    expect(analyseDraft(a.logic, a.layout ?? null).checksum).toBe(analyseDraft(b.logic, b.layout ?? null).checksum);
  });

  it('gives a logic change another checksum', () => {
    const changed = structuredClone(document);
    (changed.meta as JsonObject).description = 'changed';
    const a = splitDocument(document, 'body');
    const b = splitDocument(changed, 'body');
    expect(analyseDraft(a.logic, null).checksum).not.toBe(analyseDraft(b.logic, null).checksum);
  });

  it('is the SHA-256 of the canonical logic, whatever the key order or spelt-out defaults', () => {
    const parsed = validateFlow(document).flow!;
    expect(logicChecksum(parsed)).toBe(sha256(canonicalJson(flowLogic(parsed))));
    const reordered = Object.fromEntries(Object.entries(document).reverse());
    expect(analyseDraft(splitDocument(reordered, 'b').logic, null).checksum).toBe(logicChecksum(parsed));
    // the parsed flow spells out every default; stored as a document, it is the same logic
    expect(analyseDraft(flowLogic(parsed) as JsonObject, null).checksum).toBe(logicChecksum(parsed));
  });

  it('refuses a broken layout with a 400 naming the field', () => {
    const error = caught(() =>
      splitDocument({ schema: 'switchboard.flow/v1', layout: { nodes: { a: { x: 'left' } } } }, 'body'),
    );
    expect(error.status).toBe(400);
    expect(error.details?.map((d) => d.path)).toEqual(['body.layout.nodes.a.x', 'body.layout.nodes.a.y']);
  });
});

describe('analyseDraft', () => {
  it('names, classifies and counts the diagnostics of a draft that does not parse', () => {
    const draft = analyseDraft(
      { schema: 'switchboard.flow/v1', meta: { name: '  Half done ' }, purpose: 'SALES' },
      null,
    );
    expect(draft.flow).toBeUndefined();
    expect(draft.name).toBe('Half done');
    expect(draft.purpose).toBeNull();
    expect(draft.summary.errors).toBeGreaterThan(0);
    expect(draft.summary.errors + draft.summary.warnings).toBe(draft.diagnostics.length);
    expect(draft.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('finds no errors in an example flow', () => {
    const { logic, layout } = splitDocument(template('payment-reminder'), 'body');
    const draft = analyseDraft(logic, layout ?? null);
    expect(draft.summary.errors).toBe(0);
    expect(draft.flow?.meta.name).toBe(draft.name);
    expect(draft.purpose).toBe('INFORMATIONAL');
  });

  it('falls back to a placeholder name', () => {
    expect(analyseDraft({ schema: 'switchboard.flow/v1' }, null).name).toBe('Untitled flow');
  });
});

describe('withName', () => {
  it('replaces meta.name, keeping the rest of meta', () => {
    expect(withName({ meta: { name: 'A', locale: 'en-US' } }, 'B')).toEqual({ meta: { name: 'B', locale: 'en-US' } });
    expect(withName({}, 'B')).toEqual({ meta: { name: 'B' } });
  });
});

describe('expectedRevision', () => {
  it('reads If-Match in its usual spellings', () => {
    expect(expectedRevision('"3"', undefined)).toBe(3);
    expect(expectedRevision('W/"3"', undefined)).toBe(3);
    expect(expectedRevision('3', undefined)).toBe(3);
    expect(expectedRevision('*', undefined)).toBe('*');
  });

  it('takes the body revision, or nothing', () => {
    expect(expectedRevision(undefined, 4)).toBe(4);
    expect(expectedRevision('"4"', 4)).toBe(4);
    expect(expectedRevision(undefined, undefined)).toBeUndefined();
    expect(expectedRevision('', undefined)).toBeUndefined();
  });

  it('refuses a malformed header or a disagreement with a 400', () => {
    expect(caught(() => expectedRevision('"abc"', undefined)).details).toEqual([
      { path: 'headers.if-match', message: expect.any(String) },
    ]);
    const disagreement = caught(() => expectedRevision('"3"', 4));
    expect(disagreement.status).toBe(400);
    expect(disagreement.details?.map((d) => d.path)).toEqual(['headers.if-match', 'body.revision']);
  });
});

describe('publishBlockers', () => {
  const failed = (name: string, failures: string[]): ScenarioResult =>
    ({ name, passed: failures.length === 0, failures, record: {} }) as unknown as ScenarioResult;

  it('is empty for a clean flow whose scenarios pass', () => {
    expect(publishBlockers([{ severity: 'warning', code: 'HANDLE_UNWIRED', message: 'm' }], [failed('a', [])])).toEqual(
      [],
    );
  });

  it('names each error and each unmet expectation', () => {
    const blockers = publishBlockers(
      [
        { severity: 'error', code: 'DEAD_END', message: 'no way out', nodeId: 'greet' },
        { severity: 'error', code: 'SCHEMA_REQUIRED', message: 'missing', path: 'nodes[2].text' },
        { severity: 'error', code: 'NO_START_NODE', message: 'none' },
      ],
      [failed('ok', []), failed('confirms', ['disposition: expected "a", got "b"', 'said: …'])],
    );
    expect(blockers).toEqual([
      { path: 'draft.nodes.greet', message: 'DEAD_END: no way out' },
      { path: 'draft.nodes[2].text', message: 'SCHEMA_REQUIRED: missing' },
      { path: 'draft', message: 'NO_START_NODE: none' },
      { path: 'draft.tests[1]', message: 'scenario "confirms": disposition: expected "a", got "b"' },
      { path: 'draft.tests[1]', message: 'scenario "confirms": said: …' },
    ]);
  });

  it('are capped, saying how many were left out', () => {
    const details = Array.from({ length: 5 }, (_, i) => ({ path: `p${i}`, message: 'm' }));
    expect(capDetails(details, 3)).toEqual([
      ...details.slice(0, 3),
      { path: 'p3', message: '… and 2 more problem(s)' },
    ]);
    expect(capDetails(details, 5)).toBe(details);
  });
});

describe('small helpers', () => {
  it('makes a safe export file name', () => {
    expect(exportFileName('Appointment reminder', null)).toBe('appointment-reminder.flow.json');
    expect(exportFileName('Café "Ünïcode" / 24h', 3)).toBe('cafe-unicode-24h-v3.flow.json');
    expect(exportFileName('***', null)).toBe('flow.flow.json');
  });

  it('escapes LIKE wildcards', () => {
    expect(escapeLike('100%_off\\')).toBe('100\\%\\_off\\\\');
  });

  it('round-trips version cursors and refuses foreign ones', () => {
    expect(decodeVersionCursor(encodeVersionCursor(7))).toBe(7);
    expect(decodeVersionCursor(undefined)).toBeNull();
    expect(caught(() => decodeVersionCursor('bm9wZQ')).details).toEqual([
      { path: 'query.cursor', message: 'not a cursor returned by this list' },
    ]);
  });
});
