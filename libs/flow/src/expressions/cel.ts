import { Environment, type ASTNode, type ParseResult } from '@marcbachmann/cel-js';
import { BoundedCache } from './bounded-cache.js';
import { ExpressionError, type ParseOutcome } from './expression-error.js';

/**
 * CEL for branch conditions and `set` values (FLOW-LANGUAGE.md, "Expressions").
 *
 * Numbers: a flow's variables are JS numbers, which this CEL library sees as `double`,
 * while literals such as `9` are `int` — and strict CEL refuses `double * int`. So that
 * `score >= 9`, `bill * 12` and `a + 0.5` all work, integer literals that are operands of
 * arithmetic or comparison operators are turned into doubles once, at parse time, and
 * the mixed `int`/`double` operators CEL leaves undefined are registered with JS
 * semantics (for `int(x) * 1.5`, `size(list) / 2`, …). Literals elsewhere stay integers,
 * so `list[0]` and `"abc".substring(1)` keep working. Results come back as JS values:
 * integers as numbers, never bigint.
 */

type CelNode = ASTNode;
type Compiled =
  | { ok: true; program: ParseResult; identifiers: string[]; type: string }
  | { ok: false; message: string; position?: number };

const env = createEnvironment();
const cache = new BoundedCache<Compiled>(20_000);

function createEnvironment(): Environment {
  const celEnv = new Environment({
    unlistedVariablesAreDyn: true,
    homogeneousAggregateLiterals: false,
    limits: { maxAstNodes: 5_000, maxDepth: 100, maxListElements: 1_000, maxMapEntries: 1_000, maxCallArguments: 32 },
  });
  const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));
  const arithmetic: Record<string, (a: number, b: number) => number> = {
    '+': (a, b) => a + b,
    '-': (a, b) => a - b,
    '*': (a, b) => a * b,
    '/': (a, b) => a / b,
    '%': (a, b) => a % b,
  };
  for (const [op, fn] of Object.entries(arithmetic)) {
    celEnv.registerOperator(`double ${op} int: double`, (a: unknown, b: unknown) => fn(num(a), num(b)));
    celEnv.registerOperator(`int ${op} double: double`, (a: unknown, b: unknown) => fn(num(a), num(b)));
  }
  celEnv.registerOperator('double % double: double', (a: number, b: number) => a % b);
  // registering `==` also registers `!=` and the mirrored `int == double`
  celEnv.registerOperator('double == int', (a: unknown, b: unknown) => num(a) === num(b));
  return celEnv;
}

const NUMERIC_OPERATORS = new Set(['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=']);
/** receiver macros whose first argument names a loop variable */
const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

function compile(expr: string): Compiled {
  const cached = cache.get(expr);
  if (cached) return cached;
  let compiled: Compiled;
  try {
    const program = env.parse(expr);
    normaliseLiterals(program.ast);
    const checked = program.check();
    if (!checked.valid) compiled = failure(checked.error);
    else compiled = { ok: true, program, identifiers: rootIdentifiers(program.ast), type: checked.type ?? 'dyn' };
  } catch (error) {
    compiled = failure(error);
  }
  return cache.set(expr, compiled);
}

function failure(error: unknown): Compiled {
  const { message, position } = describeCelError(error);
  return position === undefined ? { ok: false, message } : { ok: false, message, position };
}

function describeCelError(error: unknown): { message: string; position?: number } {
  if (error instanceof Error) {
    const celError = error as Error & { summary?: string; range?: { start: number } };
    const message = celError.summary ?? error.message.split('\n')[0] ?? 'invalid expression';
    return celError.range ? { message, position: celError.range.start } : { message };
  }
  return { message: String(error) };
}

/** Integer literals next to a number operator become doubles (see the header comment). */
function normaliseLiterals(node: CelNode): void {
  visit(node, (n) => {
    if (!NUMERIC_OPERATORS.has(n.op)) return;
    for (const operand of n.args as CelNode[]) {
      const literal = operand.op === '-_' ? (operand.args as CelNode) : operand;
      if (literal.op === 'value' && typeof literal.args === 'bigint') {
        (literal as { args: unknown }).args = Number(literal.args);
      }
    }
  });
}

function visit(node: CelNode, fn: (node: CelNode) => void): void {
  fn(node);
  for (const child of children(node)) visit(child, fn);
}

function children(node: CelNode): CelNode[] {
  const out: CelNode[] = [];
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) for (const v of value) collect(v);
    else if (isNode(value)) out.push(value);
  };
  if (node.op !== 'value' && node.op !== 'id') collect(node.args);
  return out;
}

function isNode(value: unknown): value is CelNode {
  return typeof value === 'object' && value !== null && 'op' in value && 'args' in value;
}

/** The root names an expression reads (`call.answeredBy` → `call`), loop variables excluded. */
function rootIdentifiers(ast: CelNode): string[] {
  const found = new Set<string>();
  const walk = (node: CelNode, bound: ReadonlySet<string>): void => {
    if (node.op === 'id') {
      if (!bound.has(node.args)) found.add(node.args);
      return;
    }
    if (node.op === 'rcall') {
      const [name, receiver, args] = node.args;
      const first = args[0];
      const isMacro = MACROS.has(name) && first?.op === 'id';
      const isBind = name === 'bind' && receiver.op === 'id' && receiver.args === 'cel' && first?.op === 'id';
      if ((isMacro || isBind) && first?.op === 'id') {
        const inner = new Set(bound).add(first.args);
        if (!isBind) walk(receiver, bound);
        args.forEach((arg, i) => {
          if (i === 0) return;
          // cel.bind(name, init, body): `init` is evaluated outside the binding
          walk(arg, isBind && i === 1 ? bound : inner);
        });
        return;
      }
    }
    for (const child of children(node)) walk(child, bound);
  };
  walk(ast, new Set());
  return [...found];
}

/** Parses (and type-checks, with every variable dynamic) a CEL expression. */
export function parseCondition(expr: string): ParseOutcome {
  const compiled = compile(expr);
  if (compiled.ok) return { ok: true, identifiers: [...compiled.identifiers] };
  return compiled.position === undefined
    ? { ok: false, message: compiled.message }
    : { ok: false, message: compiled.message, position: compiled.position };
}

/**
 * The CEL type an expression yields with every variable dynamic — `bool`, `int`, `double`,
 * `string`, …, or `dyn` when only the values can tell — or undefined if it does not parse.
 * The static checks use it to refuse a branch condition that can never be true or false.
 */
export function conditionResultType(expr: string): string | undefined {
  const compiled = compile(expr);
  return compiled.ok ? compiled.type : undefined;
}

/**
 * Evaluates a CEL expression over `scope` (variables plus the built-in roots). A name
 * absent from `scope` is an error; a name present with `undefined` or `null` is CEL `null`.
 */
export function evaluateExpression(expr: string, scope: Record<string, unknown>): unknown {
  const compiled = compile(expr);
  if (!compiled.ok)
    throw new ExpressionError(`Invalid expression "${expr}": ${compiled.message}`, expr, compiled.position);
  let result: unknown;
  try {
    result = compiled.program(toCel(scope, 0) as Record<string, unknown>);
  } catch (error) {
    const { message, position } = describeCelError(error);
    throw new ExpressionError(`Cannot evaluate "${expr}": ${message}`, expr, position, { cause: error });
  }
  return fromCel(result, 0);
}

/** Evaluates a condition; anything but `true`/`false` is an error. */
export function evaluateCondition(expr: string, scope: Record<string, unknown>): boolean {
  const result = evaluateExpression(expr, scope);
  if (typeof result !== 'boolean') {
    throw new ExpressionError(
      `Condition "${expr}" must be true or false, but gave ${describeValue(result)}`,
      expr,
      undefined,
    );
  }
  return result;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${String(value)}`;
}

const MAX_DEPTH = 64;

/** `undefined` → null, Date → ISO string; copies only what changes. */
function toCel(value: unknown, depth: number): unknown {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const converted = toCel(v, depth + 1);
      if (converted !== v) (copy ??= [...value])[i] = converted;
    }
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    const converted = toCel(v, depth + 1);
    if (converted !== v) (copy ??= { ...(value as Record<string, unknown>) })[key] = converted;
  }
  return copy ?? value;
}

/** bigint → number, Date → ISO string, Map → object, recursively. */
function fromCel(value: unknown, depth: number): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => fromCel(v, depth + 1));
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = fromCel(v, depth + 1);
    return out;
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = fromCel(v, depth + 1);
  return out;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
