import { describe, expect, it } from 'vitest';
import fixture from './fixtures/telemarketing.flow.json' with { type: 'json' };
import { DIAGNOSTIC_CODES, hasErrors, validateFlow, validateFlowText, type Diagnostic } from './index.js';
import { schemaDiagnostics } from './schema-issues.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- mutating fixtures by hand */
type Flow = any;

const seen = new Set<string>();

function base(): Flow {
  return structuredClone(fixture);
}

function validate(flow: unknown): Diagnostic[] {
  const { diagnostics } = validateFlow(flow);
  for (const d of diagnostics) seen.add(d.code);
  return diagnostics;
}

/** Validates `base()` changed by `change`; returns the diagnostics with `code`, expecting at least one. */
function expectCode(change: (flow: Flow) => void, code: string): Diagnostic[] {
  const flow = base();
  change(flow);
  const diagnostics = validate(flow);
  const found = diagnostics.filter((d) => d.code === code);
  expect(found, `expected ${code}, got ${JSON.stringify(diagnostics, null, 1)}`).not.toHaveLength(0);
  for (const d of found) expect(d.severity).toBe(DIAGNOSTIC_CODES[code as keyof typeof DIAGNOSTIC_CODES].severity);
  return found;
}

function node(flow: Flow, id: string): any {
  return flow.nodes.find((n: any) => n.id === id);
}
function edge(flow: Flow, id: string): any {
  return flow.edges.find((e: any) => e.id === id);
}
function removeEdge(flow: Flow, id: string): void {
  flow.edges = flow.edges.filter((e: any) => e.id !== id);
}

describe('a valid flow', () => {
  it('has no diagnostics at all', () => {
    const result = validateFlow(base());
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.flow?.settings.defaults.maxAttempts).toBe(2);
  });

  it('has none as text either', () => {
    expect(validateFlowText(JSON.stringify(fixture, null, 2)).diagnostics).toEqual([]);
  });
});

describe('schema', () => {
  it('SCHEMA_VERSION', () => {
    const [d] = expectCode((f) => (f.schema = 'switchboard.flow/v2'), 'SCHEMA_VERSION');
    expect(d?.path).toBe('schema');
  });

  it('SCHEMA_REQUIRED names the node', () => {
    const [d] = expectCode((f) => delete node(f, 'greet').text, 'SCHEMA_REQUIRED');
    expect(d).toMatchObject({ nodeId: 'greet', path: 'nodes[1].text' });
    expect(d?.message).toBe('Node "greet" (say): text is required');
  });

  it('SCHEMA_INVALID_TYPE', () => {
    const [d] = expectCode((f) => (node(f, 'confirm').maxAttempts = 'three'), 'SCHEMA_INVALID_TYPE');
    expect(d?.message).toContain('must be a number, not the text "three"');
    expect(d?.nodeId).toBe('confirm');
  });

  it('SCHEMA_UNKNOWN_FIELD suggests the field meant', () => {
    const [d] = expectCode((f) => (node(f, 'confirm').promt = 'Hello?'), 'SCHEMA_UNKNOWN_FIELD');
    expect(d).toMatchObject({ nodeId: 'confirm', path: 'nodes[2].promt' });
    expect(d?.message).toContain('did you mean "prompt"?');
    const [e] = expectCode((f) => (edge(f, 'e_person').hndle = 'x'), 'SCHEMA_UNKNOWN_FIELD');
    expect(e).toMatchObject({ edgeId: 'e_person' });
    const [m] = expectCode((f) => (f.meta.busines = 'x'), 'SCHEMA_UNKNOWN_FIELD');
    expect(m?.message).toContain('did you mean "business"?');
  });

  it('SCHEMA_UNKNOWN_NODE_TYPE', () => {
    const [d] = expectCode((f) => (node(f, 'greet').type = 'speak'), 'SCHEMA_UNKNOWN_NODE_TYPE');
    expect(d).toMatchObject({ nodeId: 'greet', path: 'nodes[1].type' });
    expect(d?.message).toContain('"speak"');
  });

  it('SCHEMA_INVALID_VALUE', () => {
    const [d] = expectCode((f) => (f.purpose = 'SALES'), 'SCHEMA_INVALID_VALUE');
    expect(d?.message).toContain('"INFORMATIONAL", "TELEMARKETING"');
    expectCode((f) => (edge(f, 'e_greet').kind = 'weird'), 'SCHEMA_INVALID_VALUE');
  });

  it('SCHEMA_INVALID_FORMAT', () => {
    const [d] = expectCode((f) => (f.meta.callbackNumber = '800-555-0100'), 'SCHEMA_INVALID_FORMAT');
    expect(d?.path).toBe('meta.callbackNumber');
  });

  it('SCHEMA_OUT_OF_RANGE', () => {
    expectCode((f) => (node(f, 'confirm').maxAttempts = 50), 'SCHEMA_OUT_OF_RANGE');
  });

  it('SCHEMA_EMPTY', () => {
    const [d] = expectCode((f) => (node(f, 'greet').text = ''), 'SCHEMA_EMPTY');
    expect(d?.message).toContain('must not be empty');
  });

  it('SCHEMA_INVALID for anything else zod reports', () => {
    const [d] = schemaDiagnostics({}, [{ code: 'custom', path: ['meta'], message: 'odd', input: {} }]);
    expect(d).toMatchObject({ code: 'SCHEMA_INVALID', path: 'meta' });
    seen.add('SCHEMA_INVALID');
  });

  it('an outcome edge missing its handle is reported on the outcome form', () => {
    const flow = base();
    delete edge(flow, 'e_greet').handle;
    const d = validate(flow).filter((x) => x.edgeId === 'e_greet');
    expect(d.map((x) => x.code)).toEqual(['SCHEMA_REQUIRED']);
  });

  it.each([null, undefined, 42, 'flow', [], [1, 2], { nodes: 'x' }, { nodes: [null, 3, 'x', { id: 5 }] }])(
    'does not crash on %j',
    (garbage) => {
      const result = validateFlow(garbage);
      expect(result.ok).toBe(false);
      expect(result.flow).toBeUndefined();
      expect(result.diagnostics.every((d) => d.code.startsWith('SCHEMA_'))).toBe(true);
    },
  );

  it('does not crash on deeply nested junk', () => {
    let junk: unknown = 'x';
    for (let i = 0; i < 5000; i++) junk = { a: [junk] };
    const flow = base();
    flow.tools[0].body = junk;
    flow.meta.extra = junk;
    expect(validate(flow).map((d) => d.code)).not.toContain('CHECK_FAILED');
    const parsed = base();
    parsed.tools[0].body = junk;
    parsed.nodes[4].input = junk;
    expect(validate(parsed)).toEqual([]);
    let text = '';
    for (let i = 0; i < 5000; i++) text += '[';
    expect(validateFlowText(text).diagnostics[0]?.code).toBe('SCHEMA_INVALID_JSON');
  });

  it('still runs the other checks on what the schema accepted', () => {
    const flow = base();
    node(flow, 'greet').text = ''; // refused: greet is left out
    edge(flow, 'e_vm').id = 'e_human'; // a duplicate edge id
    const diagnostics = validate(flow);
    const codes = diagnostics.map((d) => d.code);
    expect(codes).toContain('SCHEMA_EMPTY');
    expect(codes).toContain('DUPLICATE_EDGE_ID');
    // greet exists, even though the schema refused it
    expect(codes).not.toContain('EDGE_TARGET_NOT_FOUND');
    expect(codes).not.toContain('EDGE_SOURCE_NOT_FOUND');
    expect(codes).not.toContain('DEAD_END');
    expect(codes).not.toContain('UNREACHABLE_NODE');
  });
});

describe('validateFlowText', () => {
  it('SCHEMA_INVALID_JSON with line and column', () => {
    const result = validateFlowText('{\n  "schema": "switchboard.flow/v1",\n  "meta": { "name": "x", },\n}');
    expect(result.ok).toBe(false);
    const [d] = result.diagnostics;
    expect(d).toMatchObject({ code: 'SCHEMA_INVALID_JSON', line: 3, column: 26 });
    expect(d?.message).toContain('Trailing comma');
    seen.add('SCHEMA_INVALID_JSON');
    expect(validateFlowText('').diagnostics[0]?.message).toContain('end of the file');
    expect(validateFlowText("{ 'a': 1 }").diagnostics[0]?.message).toContain('double quotes');
    expect(validateFlowText('{ "a": 1 } // note').diagnostics[0]).toMatchObject({ line: 1, column: 12 });
  });

  it('SCHEMA_TOO_LARGE without parsing', () => {
    const result = validateFlowText('{"x": "' + 'é'.repeat(600) + '"}', { maxBytes: 1024 });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'SCHEMA_TOO_LARGE', message: expect.stringContaining('1 KB') }),
    ]);
    seen.add('SCHEMA_TOO_LARGE');
    expect(validateFlowText('{"x": "' + 'é'.repeat(400) + '"}', { maxBytes: 1024 }).diagnostics[0]?.code).not.toBe(
      'SCHEMA_TOO_LARGE',
    );
  });

  it('gives every diagnostic the line and column of its value', () => {
    const flow = base();
    node(flow, 'confirm').promt = 'x';
    edge(flow, 'e_greet').to = 'ghost';
    flow.tools[0].headers['x-api-key'] = 'abc123';
    const text = JSON.stringify(flow, null, 2);
    const lines = text.split('\n');
    const result = validateFlowText(text);
    const unknown = result.diagnostics.find((d) => d.code === 'SCHEMA_UNKNOWN_FIELD')!;
    expect(lines[unknown.line! - 1]?.slice(unknown.column! - 1)).toMatch(/^"promt"/);
    const target = result.diagnostics.find((d) => d.code === 'EDGE_TARGET_NOT_FOUND')!;
    expect(lines[target.line! - 1]?.slice(target.column! - 1)).toMatch(/^"to": "ghost"/);
    const secret = result.diagnostics.find((d) => d.code === 'INLINE_SECRET')!;
    expect(secret.path).toBe('tools[0].headers["x-api-key"]');
    expect(lines[secret.line! - 1]?.slice(secret.column! - 1)).toMatch(/^"x-api-key": "abc123"/);
  });
});

describe('ids', () => {
  it('DUPLICATE_NODE_ID', () => {
    const [d] = expectCode((f) => f.nodes.push({ id: 'fail', type: 'end', disposition: 'x' }), 'DUPLICATE_NODE_ID');
    expect(d).toMatchObject({ nodeId: 'fail', path: `nodes[14].id` });
  });
  it('DUPLICATE_EDGE_ID', () => {
    const [d] = expectCode((f) => (edge(f, 'e_vm').id = 'e_human'), 'DUPLICATE_EDGE_ID');
    expect(d).toMatchObject({ edgeId: 'e_human', path: 'edges[1].id' });
  });
  it('DUPLICATE_GLOBAL_ID', () => expectCode((f) => (f.globals[1].id = 'g_stop'), 'DUPLICATE_GLOBAL_ID'));
  it('DUPLICATE_TOOL_ID', () => expectCode((f) => (f.tools[1].id = 'book'), 'DUPLICATE_TOOL_ID'));
  it('DUPLICATE_VARIABLE', () =>
    expectCode((f) => f.variables.push({ name: 'reason', type: 'string', source: 'captured' }), 'DUPLICATE_VARIABLE'));
  it('DUPLICATE_CHOICE_VALUE', () =>
    expectCode((f) => (node(f, 'pick_plan').capture.values[1].id = 'basic'), 'DUPLICATE_CHOICE_VALUE'));
  it('DUPLICATE_CHOICE_KEY', () =>
    expectCode((f) => (node(f, 'pick_plan').capture.values[1].dtmf = '1'), 'DUPLICATE_CHOICE_KEY'));
  it('DUPLICATE_BRANCH_CASE', () =>
    expectCode((f) => node(f, 'check').cases.push({ id: 'high', when: 'true' }), 'DUPLICATE_BRANCH_CASE'));
  it('RESERVED_HANDLE_ID', () => {
    expectCode((f) => node(f, 'check').cases.push({ id: 'else', when: 'true' }), 'RESERVED_HANDLE_ID');
    expectCode((f) => (node(f, 'pick_plan').capture.values[1].id = 'no_match'), 'RESERVED_HANDLE_ID');
  });
});

describe('entry and edges', () => {
  it('ENTRY_NOT_FOUND', () => expectCode((f) => (f.entry = 'begin'), 'ENTRY_NOT_FOUND'));
  it('ENTRY_NOT_START', () => expectCode((f) => (f.entry = 'greet'), 'ENTRY_NOT_START'));
  it('NO_START_NODE', () =>
    expectCode((f) => {
      f.nodes = f.nodes.filter((n: any) => n.id !== 'start');
      f.edges = f.edges.filter((e: any) => e.from !== 'start');
      f.entry = 'greet';
    }, 'NO_START_NODE'));
  it('MULTIPLE_START_NODES', () => {
    const [d] = expectCode((f) => f.nodes.push({ id: 'start2', type: 'start' }), 'MULTIPLE_START_NODES');
    expect(d?.nodeId).toBe('start2');
  });
  it('EDGE_SOURCE_NOT_FOUND', () =>
    expectCode((f) => f.edges.push({ id: 'e_x', from: 'ghost', handle: 'next', to: 'fail' }), 'EDGE_SOURCE_NOT_FOUND'));
  it('EDGE_TARGET_NOT_FOUND', () => {
    const [d] = expectCode((f) => (edge(f, 'e_greet').to = 'ghost'), 'EDGE_TARGET_NOT_FOUND');
    expect(d).toMatchObject({ edgeId: 'e_greet', nodeId: 'greet', path: 'edges[5].to' });
  });
  it('EDGE_INTO_START', () => expectCode((f) => (edge(f, 'e_vm_next').to = 'start'), 'EDGE_INTO_START'));
  it('EDGE_FROM_TERMINAL', () =>
    expectCode((f) => f.edges.push({ id: 'e_x', from: 'bye', handle: 'next', to: 'fail' }), 'EDGE_FROM_TERMINAL'));
  it('INVALID_HANDLE', () => {
    const [d] = expectCode((f) => (edge(f, 'e_greet').handle = 'done'), 'INVALID_HANDLE');
    expect(d?.message).toContain('"next"');
    const [c] = expectCode((f) => (edge(f, 'e_t_busy').handle = 'connected'), 'INVALID_HANDLE');
    expect(c?.message).toContain('connected');
  });
  it('INTENT_EDGE_NOT_ALLOWED', () =>
    expectCode(
      (f) => f.edges.push({ id: 'e_x', kind: 'intent', from: 'confirm', to: 'fail', intent: 'repeat' }),
      'INTENT_EDGE_NOT_ALLOWED',
    ));
  it('allows intent edges from a question capturing text', () => {
    const flow = base();
    node(flow, 'confirm').capture = { var: 'reason', type: 'text' };
    for (const id of ['e_yes', 'e_no']) edge(flow, id).handle = id === 'e_yes' ? 'answered' : 'no_input';
    removeEdge(flow, 'e_c_silent');
    flow.edges.push({ id: 'e_x', kind: 'intent', from: 'confirm', to: 'fail', intent: 'wrong_person' });
    expect(validate(flow).map((d) => d.code)).not.toContain('INTENT_EDGE_NOT_ALLOWED');
  });
  it('INTENT_EDGE_EMPTY', () =>
    expectCode((f) => f.edges.push({ id: 'e_x', kind: 'intent', from: 'chat', to: 'fail' }), 'INTENT_EDGE_EMPTY'));
  it('DUPLICATE_INTENT_EDGE', () =>
    expectCode(
      (f) => f.edges.push({ id: 'e_x', kind: 'intent', from: 'chat', to: 'fail', intent: 'ask_human' }),
      'DUPLICATE_INTENT_EDGE',
    ));
  it('DUPLICATE_HANDLE_EDGE', () =>
    expectCode((f) => f.edges.push({ id: 'e_x', from: 'greet', handle: 'next', to: 'fail' }), 'DUPLICATE_HANDLE_EDGE'));
});

describe('wiring', () => {
  it.each([
    ['e_c_silent', 'confirm', 'no_input'],
    ['e_c_nomatch', 'confirm', 'no_match'],
    ['e_book_error', 'book', 'error'],
    ['e_book_timeout', 'book', 'timeout'],
    ['e_else', 'check', 'else'],
    ['e_t_failed', 'handoff', 'failed'],
    ['e_busy', 'start', 'busy'],
    ['e_vm', 'start', 'voicemail'],
  ])('REQUIRED_HANDLE_UNWIRED without %s', (edgeId, nodeId, handle) => {
    const found = expectCode((f) => removeEdge(f, edgeId), 'REQUIRED_HANDLE_UNWIRED');
    expect(found.some((d) => d.nodeId === nodeId && d.message.includes(`"${handle}"`))).toBe(true);
  });
  it('HANDLE_UNWIRED (warning) for other exits', () => {
    const [d] = expectCode((f) => removeEdge(f, 'e_premium'), 'HANDLE_UNWIRED');
    expect(d).toMatchObject({ nodeId: 'pick_plan', severity: 'warning' });
    expectCode((f) => removeEdge(f, 'e_t_busy'), 'HANDLE_UNWIRED');
    expectCode((f) => removeEdge(f, 'e_turns'), 'HANDLE_UNWIRED');
  });
  it('DEAD_END', () => {
    const [d] = expectCode((f) => removeEdge(f, 'e_greet'), 'DEAD_END');
    expect(d?.nodeId).toBe('greet');
    expectCode((f) => (f.edges = f.edges.filter((e: any) => e.from !== 'chat')), 'DEAD_END');
  });
  it('a say only reached by a returning global needs no next', () => {
    expect(validate(base()).filter((d) => d.nodeId === 'explain')).toEqual([]);
  });
  it('UNREACHABLE_NODE', () => {
    const [d] = expectCode((f) => {
      f.nodes.push({ id: 'orphan', type: 'say', text: 'Hello from an automated line.' });
      f.edges.push({ id: 'e_o', from: 'orphan', handle: 'next', to: 'fail' });
    }, 'UNREACHABLE_NODE');
    expect(d?.nodeId).toBe('orphan');
  });
  it('UNBOUNDED_CYCLE names the nodes of the loop', () => {
    const [d] = expectCode((f) => {
      f.nodes.push(
        { id: 'loop_say', type: 'say', text: 'Still there?' },
        { id: 'loop_set', type: 'set', assign: [{ var: 'score', value: 'score + 1' }] },
        { id: 'loop_branch', type: 'branch', cases: [{ id: 'big', when: 'score > 100' }] },
      );
      edge(f, 'e_vm_next').to = 'loop_say';
      f.edges.push(
        { id: 'l1', from: 'loop_say', handle: 'next', to: 'loop_set' },
        { id: 'l2', from: 'loop_set', handle: 'next', to: 'loop_branch' },
        { id: 'l3', from: 'loop_branch', handle: 'else', to: 'loop_say' },
        { id: 'l4', from: 'loop_branch', handle: 'big', to: 'fail' },
      );
    }, 'UNBOUNDED_CYCLE');
    expect(d?.message).toContain('"loop_say", "loop_set", "loop_branch"');
    expect(d?.nodeId).toBe('loop_say');
    const [self] = expectCode((f) => (edge(f, 'e_bump').to = 'bump'), 'UNBOUNDED_CYCLE');
    expect(self?.message).toContain('leads back to itself');
  });
  it('a loop through a question is fine', () => {
    const flow = base();
    edge(flow, 'e_c_nomatch').to = 'greet';
    expect(validate(flow).map((d) => d.code)).not.toContain('UNBOUNDED_CYCLE');
  });
});

describe('questions and variables', () => {
  it('CHOICE_WITHOUT_VALUES', () =>
    expectCode((f) => delete node(f, 'pick_plan').capture.values, 'CHOICE_WITHOUT_VALUES'));
  it('VALUES_ON_NON_CHOICE', () =>
    expectCode((f) => (node(f, 'confirm').capture.values = [{ id: 'y', label: 'Y' }]), 'VALUES_ON_NON_CHOICE'));
  it('ENUM_WITHOUT_VALUES', () => expectCode((f) => delete f.variables[4].values, 'ENUM_WITHOUT_VALUES'));
  it('VALUES_ON_NON_ENUM', () => expectCode((f) => (f.variables[5].values = ['x']), 'VALUES_ON_NON_ENUM'));
  it('BUILTIN_NAME_SHADOWED', () =>
    expectCode((f) => f.variables.push({ name: 'call', type: 'object', source: 'input' }), 'BUILTIN_NAME_SHADOWED'));
  it('VARIABLE_DEFAULT_TYPE', () => expectCode((f) => (f.variables[3].default = 'zero'), 'VARIABLE_DEFAULT_TYPE'));
  it('CAPTURE_TYPE_MISMATCH', () => {
    expectCode((f) => (f.variables[1].type = 'string'), 'CAPTURE_TYPE_MISMATCH');
    const [d] = expectCode((f) => (f.variables[4].values = ['basic', 'gold']), 'CAPTURE_TYPE_MISMATCH');
    expect(d?.message).toContain('"premium"');
  });
  it('UNDECLARED_TARGET', () => {
    const [d] = expectCode((f) => (node(f, 'bump').assign[0].var = 'total'), 'UNDECLARED_TARGET');
    expect(d).toMatchObject({ nodeId: 'bump', path: 'nodes[6].assign[0].var' });
    expectCode((f) => (node(f, 'confirm').capture.var = 'ok'), 'UNDECLARED_TARGET');
    expectCode((f) => (node(f, 'chat').extract[0].var = 'why'), 'UNDECLARED_TARGET');
    expectCode((f) => (node(f, 'book').output = { booked_slot: 'data.slot' }), 'UNDECLARED_TARGET');
  });
  it('UNDECLARED_VARIABLE', () => {
    const [d] = expectCode((f) => (node(f, 'greet').text += ' {{ last_name }}'), 'UNDECLARED_VARIABLE');
    expect(d).toMatchObject({ nodeId: 'greet', path: 'nodes[1].text' });
    expect(d?.message).toContain('"last_name"');
    expectCode((f) => (node(f, 'check').cases[0].when = 'vip == true'), 'UNDECLARED_VARIABLE');
    const [input] = expectCode((f) => (node(f, 'greet').text += ' {{ input.x }}'), 'UNDECLARED_VARIABLE');
    expect(input?.message).toContain('tool');
  });
  it('built-in names and loop variables need no declaration', () => {
    const flow = base();
    node(flow, 'greet').text +=
      ' {{ call.answeredBy }} {{ turn.count }} {% for p in meta.name %}{{ p }}{% endfor %}{% assign x = 1 %}{{ x }}';
    node(flow, 'check').cases[0].when = 'call.attempt < 3 && [1, 2].exists(n, n == score) && type(score) == double';
    expect(validate(flow)).toEqual([]);
  });
  it('UNSET_VARIABLE', () => {
    const [d] = expectCode((f) => (node(f, 'greet').text += ' Your slot is {{ slot }}.'), 'UNSET_VARIABLE');
    expect(d).toMatchObject({ nodeId: 'greet' });
    // a question sets its variable on its answers only
    expectCode((f) => (edge(f, 'e_c_silent').to = 'bump'), 'MAYBE_UNSET_VARIABLE');
  });
  it('MAYBE_UNSET_VARIABLE', () => {
    const [d] = expectCode((f) => (edge(f, 'e_t_no_answer').to = 'bye'), 'MAYBE_UNSET_VARIABLE');
    expect(d?.message).toContain('"slot"');
    // an llm extraction may or may not happen
    const [e] = expectCode((f) => (node(f, 'bye').text += ' {{ reason }}'), 'MAYBE_UNSET_VARIABLE');
    expect(e?.message).toContain('"reason"');
  });
  it('reads sequential assignments of a set node as set', () => {
    const flow = base();
    flow.variables.push({ name: 'total', type: 'number', source: 'captured' });
    node(flow, 'bump').assign.push({ var: 'total', value: 'score * 12' }, { var: 'score', value: 'total / 2' });
    expect(validate(flow)).toEqual([]);
  });
  it('checks a tool definition where the tool is called', () => {
    const [d] = expectCode((f) => (f.tools[0].body.extra = '{{ reason }}'), 'MAYBE_UNSET_VARIABLE');
    expect(d).toMatchObject({ nodeId: 'book', path: 'tools[0].body.extra' });
  });
  it('a returning global target is checked where it interrupts', () => {
    expectCode((f) => (node(f, 'explain').text += ' {{ slot }}'), 'UNSET_VARIABLE');
  });
  it('INVALID_TEMPLATE', () => {
    const [d] = expectCode(
      (f) => (node(f, 'greet').text = 'Hi {{ first_name, automated Bright Dental'),
      'INVALID_TEMPLATE',
    );
    expect(d).toMatchObject({ nodeId: 'greet', path: 'nodes[1].text' });
    expectCode((f) => (node(f, 'greet').text += ' {{ first_name | shout }}'), 'INVALID_TEMPLATE');
    expectCode((f) => (edge(f, 'e_person').say = '{% if %}'), 'INVALID_TEMPLATE');
  });
  it('INVALID_CONDITION', () => {
    const [d] = expectCode((f) => (node(f, 'check').cases[0].when = 'score >='), 'INVALID_CONDITION');
    expect(d).toMatchObject({ nodeId: 'check', path: 'nodes[5].cases[0].when' });
    expect(d?.message).toContain('at character');
    expectCode((f) => (node(f, 'bump').assign[0].value = 'score +* 1'), 'INVALID_CONDITION');
    const [type] = expectCode((f) => (node(f, 'check').cases[0].when = 'score + 1'), 'INVALID_CONDITION');
    expect(type?.message).toContain('never true or false');
  });
  it('SECRETS_OUTSIDE_TOOL', () =>
    expectCode((f) => (node(f, 'greet').text += ' {{ secrets.crm_token }}'), 'SECRETS_OUTSIDE_TOOL'));
  it('INVALID_TIMEZONE', () => expectCode((f) => (f.settings.timezone = 'Mars/Base'), 'INVALID_TIMEZONE'));
});

describe('tools and transfers', () => {
  it('UNKNOWN_TOOL', () => {
    const [d] = expectCode((f) => (node(f, 'book').tool = 'booking'), 'UNKNOWN_TOOL');
    expect(d).toMatchObject({ nodeId: 'book', path: 'nodes[4].tool' });
    expectCode((f) => node(f, 'chat').tools.push('nope'), 'UNKNOWN_TOOL');
  });
  it('INVALID_TOOL_URL', () => expectCode((f) => (f.tools[0].url = 'crm.example/book'), 'INVALID_TOOL_URL'));
  it('INVALID_OUTPUT_PATH', () =>
    expectCode((f) => (node(f, 'book').output.slot = 'data..slot'), 'INVALID_OUTPUT_PATH'));
  it('INLINE_SECRET', () => {
    const [d] = expectCode((f) => (f.tools[0].headers.authorization = 'Bearer abc123'), 'INLINE_SECRET');
    expect(d?.path).toBe('tools[0].headers.authorization');
    expectCode((f) => (f.tools[0].url += '&api_key=abc123'), 'INLINE_SECRET');
    expectCode((f) => (f.tools[0].url = 'https://user:pw@crm.example/book'), 'INLINE_SECRET');
    expectCode((f) => (f.tools[0].body.token = 'abc123'), 'INLINE_SECRET');
    expectCode((f) => (f.tools[0].body.note = 'sk-proj-abcdefghijklmnopqrstuvwx'), 'INLINE_SECRET');
    expectCode((f) => (f.tools[0].headers['x-api-key'] = 'AKIAABCDEFGHIJKLMNOP'), 'INLINE_SECRET');
  });
  it('a secret reference is fine', () => {
    const flow = base();
    flow.tools[0].url += '&key={{ secrets.maps_key }}';
    flow.tools[0].headers['x-api-key'] = '{{ secrets.api_key }}';
    expect(validate(flow)).toEqual([]);
  });
  it('SECRET_IN_VARIABLE', () =>
    expectCode((f) => (f.tools[0].headers.authorization = 'Bearer {{ first_name }}'), 'SECRET_IN_VARIABLE'));
  it('INVALID_TRANSFER_TARGET', () => {
    const [d] = expectCode((f) => (node(f, 'handoff').to = '(800) 555-0199'), 'INVALID_TRANSFER_TARGET');
    expect(d?.message).toContain('+18005550199');
    const flow = base();
    node(flow, 'handoff').to = 'sip:desk@pbx.example.com';
    expect(validate(flow)).toEqual([]);
    node(flow, 'handoff').to = '{{ first_name }}';
    expect(validate(flow)).toEqual([]);
  });
});

describe('globals', () => {
  it('GLOBAL_TARGET_NOT_FOUND', () => expectCode((f) => (f.globals[1].goto = 'ghost'), 'GLOBAL_TARGET_NOT_FOUND'));
  it('GLOBAL_TARGET_START', () => expectCode((f) => (f.globals[1].goto = 'start'), 'GLOBAL_TARGET_START'));
  it('GLOBAL_SCOPE_NOT_FOUND', () => expectCode((f) => (f.globals[2].scope = ['ghost']), 'GLOBAL_SCOPE_NOT_FOUND'));
  it('GLOBAL_SCOPE_NOT_LISTENING', () =>
    expectCode((f) => (f.globals[2].scope = ['greet']), 'GLOBAL_SCOPE_NOT_LISTENING'));
  it('GLOBAL_SCOPE_EMPTY', () => expectCode((f) => (f.globals[2].scope = []), 'GLOBAL_SCOPE_EMPTY'));
  it('GLOBAL_RETURN_NOT_SAY', () => expectCode((f) => (f.globals[2].goto = 'remove'), 'GLOBAL_RETURN_NOT_SAY'));
  it('GLOBAL_TRIGGER_EMPTY', () =>
    expectCode(
      (f) => f.globals.push({ id: 'g_x', trigger: { kind: 'intent', prompt: '  ' }, goto: 'fail' }),
      'GLOBAL_TRIGGER_EMPTY',
    ));
  it('DUPLICATE_GLOBAL_TRIGGER', () =>
    expectCode(
      (f) => f.globals.push({ id: 'g_x', trigger: { kind: 'dtmf', digits: '9' }, goto: 'fail' }),
      'DUPLICATE_GLOBAL_TRIGGER',
    ));
});

describe('compliance lints', () => {
  it('DISCLOSURE_MISSING', () => {
    const [d] = expectCode((f) => (node(f, 'greet').text = 'Hi {{ first_name }}!'), 'DISCLOSURE_MISSING');
    expect(d).toMatchObject({ nodeId: 'greet', path: 'nodes[1].text' });
    expect(d?.message).toContain('Bright Dental');
    expect(d?.message).toContain('automated');
    const [word] = expectCode((f) => (node(f, 'greet').text = 'Hi, this is Bright Dental.'), 'DISCLOSURE_MISSING');
    expect(word?.message).not.toContain('name the business');
    // "said" is not "AI"
    expectCode((f) => (node(f, 'greet').text = 'Bright Dental said hello.'), 'DISCLOSURE_MISSING');
  });
  it('accepts the business literally and any of the words, in any case', () => {
    for (const text of [
      'This is an AI assistant from bright dental.',
      'A VIRTUAL agent for Bright  Dental here.',
      'This recorded message is from {{ meta.business }}.',
      'Artificial voice, calling for {{meta.business}}.',
    ]) {
      const flow = base();
      node(flow, 'greet').text = text;
      expect(validate(flow), text).toEqual([]);
    }
  });
  it('follows set, branch and tool nodes to the first node that speaks on every path', () => {
    const flow = base();
    flow.nodes.push(
      { id: 'pre', type: 'set', assign: [{ var: 'score', value: '1' }] },
      { id: 'route', type: 'branch', cases: [{ id: 'vip', when: 'score > 5' }] },
      {
        id: 'vip_greet',
        type: 'question',
        prompt: 'Hello, is this {{ first_name }}?',
        capture: { var: 'confirmed', type: 'yes_no' },
      },
    );
    edge(flow, 'e_human').to = 'pre';
    flow.edges.push(
      { id: 'p1', from: 'pre', handle: 'next', to: 'route' },
      { id: 'p2', from: 'route', handle: 'vip', to: 'vip_greet' },
      { id: 'p3', from: 'route', handle: 'else', to: 'greet' },
      { id: 'p4', from: 'vip_greet', handle: 'yes', to: 'greet' },
      { id: 'p5', from: 'vip_greet', handle: 'no', to: 'greet' },
      { id: 'p6', from: 'vip_greet', handle: 'no_input', to: 'fail' },
      { id: 'p7', from: 'vip_greet', handle: 'no_match', to: 'fail' },
    );
    const found = validate(flow).filter((d) => d.code === 'DISCLOSURE_MISSING');
    expect(found.map((d) => d.nodeId)).toEqual(['vip_greet']);
    expect(found[0]?.path).toBe('nodes[16].prompt');
  });
  it('an llm node opening the call needs a checkable opening', () => {
    expectCode((f) => {
      edge(f, 'e_human').to = 'chat';
      delete node(f, 'chat').opening;
    }, 'DISCLOSURE_MISSING');
  });
  it('TELEMARKETING_BUSINESS_MISSING', () =>
    expectCode((f) => delete f.meta.business, 'TELEMARKETING_BUSINESS_MISSING'));
  it('TELEMARKETING_CALLBACK_MISSING', () =>
    expectCode((f) => delete f.meta.callbackNumber, 'TELEMARKETING_CALLBACK_MISSING'));
  it('OPT_OUT_BY_VOICE_MISSING', () => {
    const [d] = expectCode((f) => f.globals.splice(0, 1), 'OPT_OUT_BY_VOICE_MISSING');
    expect(d?.message).toBe(
      'A telemarketing flow must let the callee opt out by voice (a global with intent opt_out) at any moment, leading to an opt-out node.',
    );
    const [scoped] = expectCode((f) => (f.globals[0].scope = ['confirm']), 'OPT_OUT_BY_VOICE_MISSING');
    expect(scoped?.message).toContain('remove its scope');
  });
  it('OPT_OUT_BY_KEY_MISSING', () => {
    const [d] = expectCode((f) => (f.globals[1].goto = 'fail'), 'OPT_OUT_BY_KEY_MISSING');
    expect(d?.message).toContain('does not lead to an opt-out node');
  });
  it('an opt-out global may lead through say and set nodes', () => {
    const flow = base();
    flow.nodes.push({ id: 'sorry', type: 'say', text: 'Sorry to bother you.' });
    flow.edges.push({ id: 'e_sorry', from: 'sorry', handle: 'next', to: 'remove' });
    flow.globals[1].goto = 'sorry';
    expect(validate(flow)).toEqual([]);
  });
  it('VOICEMAIL_CALLBACK_MISSING', () => {
    const [d] = expectCode((f) => (node(f, 'vm').text = 'Please call us back.'), 'VOICEMAIL_CALLBACK_MISSING');
    expect(d).toMatchObject({ nodeId: 'vm', path: 'nodes[9].text' });
    expectCode((f) => (node(f, 'vm').text = 'Call 800-555-0199.'), 'VOICEMAIL_CALLBACK_MISSING');
  });
  it('accepts the call-back number in any formatting', () => {
    for (const text of [
      'Call us at {{ meta.callbackNumber }}.',
      'Call (800) 555 0100.',
      'Call 1.800.555.0100 today.',
      'Call +1 800 555 0100.',
    ]) {
      const flow = base();
      node(flow, 'vm').text = text;
      expect(validate(flow), text).toEqual([]);
    }
  });
  it('VOICEMAIL_CALLBACK_SUGGESTED (informational flows)', () => {
    const [d] = expectCode((f) => {
      f.purpose = 'INFORMATIONAL';
      node(f, 'vm').text = 'Please call us back.';
    }, 'VOICEMAIL_CALLBACK_SUGGESTED');
    expect(d?.severity).toBe('warning');
  });
  it('an informational flow needs no opt-out globals', () => {
    const flow = base();
    flow.purpose = 'INFORMATIONAL';
    flow.globals = [flow.globals[2]];
    expect(validate(flow).map((d) => d.code)).toEqual(['UNREACHABLE_NODE']); // the opt-out node
  });
});

describe('scenarios and layout', () => {
  it('SCENARIO_DUPLICATE_NAME', () =>
    expectCode((f) => f.tests.push(structuredClone(f.tests[0])), 'SCENARIO_DUPLICATE_NAME'));
  it('SCENARIO_UNKNOWN_NODE', () => {
    const [d] = expectCode((f) => f.tests[0].expect.path.push('ghost'), 'SCENARIO_UNKNOWN_NODE');
    expect(d?.path).toBe('tests[0].expect.path[8]');
  });
  it('SCENARIO_UNKNOWN_TOOL', () =>
    expectCode((f) => (f.tests[0].tools.crm = { timeout: true }), 'SCENARIO_UNKNOWN_TOOL'));
  it('SCENARIO_UNKNOWN_VARIABLE', () => {
    expectCode((f) => (f.tests[0].variables.last_name = 'Lee'), 'SCENARIO_UNKNOWN_VARIABLE');
    expectCode((f) => (f.tests[0].expect.variables.booked = true), 'SCENARIO_UNKNOWN_VARIABLE');
  });
  it('SCENARIO_MISSING_INPUT', () =>
    expectCode((f) => delete f.tests[0].variables.first_name, 'SCENARIO_MISSING_INPUT'));
  it('SCENARIO_NOT_INPUT', () => expectCode((f) => (f.tests[0].variables.score = 3), 'SCENARIO_NOT_INPUT'));
  it('SCENARIO_VALUE_TYPE', () => {
    expectCode((f) => (f.tests[0].variables.first_name = 42), 'SCENARIO_VALUE_TYPE');
    expectCode((f) => (f.tests[0].expect.variables.plan = 'gold'), 'SCENARIO_VALUE_TYPE');
  });
  it('LAYOUT_UNKNOWN_NODE', () => {
    const [d] = expectCode((f) => (f.layout.nodes.ghost = { x: 1, y: 2 }), 'LAYOUT_UNKNOWN_NODE');
    expect(d).toMatchObject({ nodeId: 'ghost', path: 'layout.nodes.ghost', severity: 'warning' });
  });
});

describe('robustness', () => {
  it('CHECK_FAILED instead of a crash when a check throws', () => {
    const flow = base();
    flow.tools[0].body = {
      get boom(): string {
        throw new Error('boom');
      },
    };
    Object.defineProperty(flow.tools[0].body, 'boom', { enumerable: true });
    const d = validate(flow);
    expect(d.some((x) => x.code === 'CHECK_FAILED' && x.message.includes('boom'))).toBe(true);
    expect(hasErrors(d)).toBe(true);
  });

  it('hasErrors ignores warnings', () => {
    expect(hasErrors([{ severity: 'warning', code: 'HANDLE_UNWIRED', message: '' }])).toBe(false);
    expect(hasErrors([])).toBe(false);
  });

  it('every code has a severity and a one-line summary', () => {
    for (const [code, entry] of Object.entries(DIAGNOSTIC_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(['error', 'warning']).toContain(entry.severity);
      expect(entry.summary).not.toContain('\n');
    }
  });
});

describe('performance', () => {
  it('validates a 2,000-node flow well under a second', () => {
    const flow = bigFlow(2000);
    validateFlow(bigFlow(50)); // warm up parsers
    const started = performance.now();
    const result = validateFlow(flow);
    const elapsed = performance.now() - started;
    expect(result.diagnostics).toEqual([]);
    expect(flow.nodes.length).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(1000); // typically ~0.4 s with cold parser caches
  });
});

/** A chain of blocks (question → branch → say) with every required exit wired. */
function bigFlow(nodes: number): Flow {
  const flow = base();
  flow.purpose = 'INFORMATIONAL';
  flow.globals = [];
  flow.tests = [];
  flow.layout = undefined;
  const blocks = Math.ceil(nodes / 3);
  flow.nodes = [
    { id: 'start', type: 'start' },
    { id: 'fail', type: 'end', disposition: 'failed' },
    { id: 'done', type: 'end', text: 'Bye {{ first_name }}.', disposition: 'done' },
  ];
  flow.edges = ['human', 'voicemail', 'no_answer', 'busy', 'failed'].map((h) => ({
    id: `s_${h}`,
    from: 'start',
    handle: h,
    to: h === 'human' ? 'q0' : 'fail',
  }));
  flow.variables = [{ name: 'first_name', type: 'string', source: 'input', required: true }];
  for (let i = 0; i < blocks; i++) {
    const next = i + 1 < blocks ? `q${i + 1}` : 'done';
    flow.variables.push({ name: `v${i}`, type: 'boolean', source: 'captured' });
    flow.nodes.push(
      {
        id: `q${i}`,
        type: 'question',
        prompt:
          i === 0
            ? 'Hi {{ first_name }}, an automated call from Bright Dental. Ready?'
            : `Question ${i}, {{ first_name }}?`,
        capture: { var: `v${i}`, type: 'yes_no' },
      },
      { id: `b${i}`, type: 'branch', cases: [{ id: 'yes', when: `v${i} == true && call.attempt < 3` }] },
      { id: `s${i}`, type: 'say', text: `Noted {{ first_name }}: {{ v${i} }}.` },
    );
    flow.edges.push(
      { id: `e${i}_y`, from: `q${i}`, handle: 'yes', to: `b${i}` },
      { id: `e${i}_n`, from: `q${i}`, handle: 'no', to: `b${i}` },
      { id: `e${i}_ni`, from: `q${i}`, handle: 'no_input', to: i > 0 ? `q${i - 1}` : 'fail' },
      { id: `e${i}_nm`, from: `q${i}`, handle: 'no_match', to: `q${i}` },
      { id: `e${i}_by`, from: `b${i}`, handle: 'yes', to: `s${i}` },
      { id: `e${i}_be`, from: `b${i}`, handle: 'else', to: `s${i}` },
      { id: `e${i}_s`, from: `s${i}`, handle: 'next', to: next },
    );
  }
  return flow;
}

// last, so that it sees every test above (skipped when tests are filtered)
it('has a failing example for every diagnostic code', () => {
  const missing = Object.keys(DIAGNOSTIC_CODES).filter((code) => !seen.has(code));
  expect(missing).toEqual([]);
});
