import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluateCondition, evaluateExpression, parseCondition } from './index.js';

describe('parseCondition', () => {
  it('lists the root names an expression reads', () => {
    expect(parseCondition('call.answeredBy == "human" && attempts < 3')).toEqual({
      ok: true,
      identifiers: ['call', 'attempts'],
    });
    expect(parseCondition('meta["business"] != "" && turn.count > 1')).toEqual({
      ok: true,
      identifiers: ['meta', 'turn'],
    });
  });

  it('leaves out macro and cel.bind variables but keeps what they range over', () => {
    const parsed = parseCondition('items.all(i, i > min) && has(m.y) && cel.bind(t, a.b, t + k) > 2');
    expect(parsed).toEqual({ ok: true, identifiers: ['items', 'min', 'm', 'a', 'k'] });
    expect(parseCondition('xs.exists(x, x == y) || xs.map(x, x * 2).size() > n')).toEqual({
      ok: true,
      identifiers: ['xs', 'y', 'n'],
    });
  });

  it('reports syntax errors with their position', () => {
    expect(parseCondition('score >= ')).toMatchObject({ ok: false, position: 9 });
    expect(parseCondition('a && (b')).toMatchObject({ ok: false });
    expect(parseCondition('')).toMatchObject({ ok: false });
  });

  it('reports unknown functions and impossible operators', () => {
    expect(parseCondition('frobnicate(x)')).toMatchObject({
      ok: false,
      message: expect.stringContaining('frobnicate'),
    });
    expect(parseCondition('"a" + 1')).toMatchObject({ ok: false });
  });
});

describe('evaluateExpression', () => {
  it('mixes integers and decimals freely', () => {
    expect(evaluateExpression('bill * 12', { bill: 10.5 })).toBe(126);
    expect(evaluateExpression('bill * 12', { bill: 10 })).toBe(120);
    expect(evaluateExpression('12 * bill', { bill: 0.5 })).toBe(6);
    expect(evaluateExpression('a + 0.5', { a: 1 })).toBe(1.5);
    expect(evaluateExpression('x / 2', { x: 7 })).toBe(3.5);
    expect(evaluateExpression('7 / 2', {})).toBe(3.5);
    expect(evaluateExpression('x % 2', { x: 7 })).toBe(1);
    expect(evaluateExpression('size(l) / 2', { l: [1, 2, 3] })).toBe(1.5);
    expect(evaluateExpression('int(x) * 1.5', { x: 2 })).toBe(3);
    expect(evaluateExpression('-1 + x', { x: 0.5 })).toBe(-0.5);
    expect(evaluateCondition('score >= 9', { score: 9 })).toBe(true);
    expect(evaluateCondition('score >= 9', { score: 8.5 })).toBe(false);
    expect(evaluateCondition('score == 9', { score: 9 })).toBe(true);
    expect(evaluateCondition('1 == 1.0', {})).toBe(true);
    expect(evaluateCondition('score in [1, 9]', { score: 9 })).toBe(true);
  });

  it('keeps integer literals where CEL needs them', () => {
    expect(evaluateExpression('l[1]', { l: ['a', 'b'] })).toBe('b');
    expect(evaluateExpression('"abcd".substring(1, 3)', {})).toBe('bc');
  });

  it('returns plain JS values (no bigint)', () => {
    expect(evaluateExpression('1 + 2', {})).toBe(3);
    expect(evaluateExpression('size("hello")', {})).toBe(5);
    expect(evaluateExpression('{"a": 1, "b": [1, 2.5, "x"]}', {})).toEqual({ a: 1, b: [1, 2.5, 'x'] });
    expect(evaluateExpression('first + " " + last', { first: 'Ana', last: 'Lee' })).toBe('Ana Lee');
  });

  it('treats undefined and null variables as CEL null', () => {
    expect(evaluateCondition('x == null', { x: undefined })).toBe(true);
    expect(evaluateCondition('x == null', { x: null })).toBe(true);
    expect(evaluateCondition('call.answeredBy == "human"', { call: { answeredBy: undefined } })).toBe(false);
    expect(evaluateCondition('has(call.answeredBy)', { call: {} })).toBe(false);
  });

  it('compares dates as ISO strings', () => {
    expect(evaluateCondition('appointment_at < "2026-03-11"', { appointment_at: '2026-03-10T15:00:00Z' })).toBe(true);
    expect(evaluateCondition('d == "2026-03-10"', { d: new Date('2026-03-10T00:00:00Z') })).toBe(false);
    expect(evaluateExpression('d', { d: new Date('2026-03-10T00:00:00Z') })).toBe('2026-03-10T00:00:00.000Z');
  });

  it('reports an unknown name as an ExpressionError', () => {
    expect(() => evaluateExpression('nope > 1', {})).toThrowError(ExpressionError);
    const error = catchError(() => evaluateExpression('a > 1 && nope', { a: 2 }));
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error.message).toContain('nope');
    expect(error.expression).toBe('a > 1 && nope');
    expect(error.position).toBe(9);
  });

  it('reports a parse error as an ExpressionError', () => {
    expect(() => evaluateExpression('1 +', {})).toThrowError(/Invalid expression/);
  });

  it('gives the same answers when one program sees different value types', () => {
    expect(evaluateExpression('x + 1', { x: 1.5 })).toBe(2.5);
    expect(() => evaluateExpression('x + 1', { x: 'a' })).toThrowError(ExpressionError);
    expect(evaluateExpression('x + 1', { x: 2 })).toBe(3);
  });
});

describe('evaluateCondition', () => {
  it('refuses a non-boolean result', () => {
    expect(() => evaluateCondition('x + 1', { x: 1 })).toThrowError(/must be true or false/);
    expect(() => evaluateCondition('name', { name: 'Ana' })).toThrowError(ExpressionError);
  });

  it('is fast once parsed', () => {
    const scope = { score: 7, call: { answeredBy: 'human', attempt: 1 }, turn: { count: 3 } };
    const started = performance.now();
    for (let i = 0; i < 20_000; i++)
      evaluateCondition('score >= 5 && call.answeredBy == "human" && turn.count < 10', scope);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

function catchError(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (error) {
    return error as ExpressionError;
  }
  throw new Error('expected an error');
}
