/**
 * Nest (Express 5, path-to-regexp 8) route paths in OpenAPI terms: `/v1/flows/:id` is
 * `/v1/flows/{id}`; a wildcard `*rest` is one parameter too; an optional group `{/:n}` has no
 * OpenAPI equivalent, so the path is documented once without and once with it.
 */
export interface OpenApiPath {
  path: string;
  params: string[];
}

type Token = { kind: 'text'; value: string } | { kind: 'param'; name: string } | { kind: 'group'; tokens: Token[] };

const NAME_START = /[$A-Z_a-z]/;
const NAME_CHAR = /[$\w]/;

export function joinRoutePath(...parts: string[]): string {
  const joined = parts
    .map((part) => part.trim())
    .filter((part) => part !== '' && part !== '/')
    .join('/')
    .replace(/\/{2,}/g, '/')
    .replace(/^\/+|\/+$/g, '');
  return `/${joined}`;
}

export function toOpenApiPaths(routePath: string): OpenApiPath[] {
  const [tokens, end] = tokenize(routePath, 0, false);
  if (end !== routePath.length) throw new Error(`unbalanced "}" in route path ${routePath}`);
  return expand(tokens).map((variant) => {
    let path = '';
    const params: string[] = [];
    for (const token of variant) {
      if (token.kind === 'text') path += token.value;
      else {
        path += `{${token.name}}`;
        params.push(token.name);
      }
    }
    return { path: path.length > 1 ? path.replace(/\/+$/, '') : path, params };
  });
}

function tokenize(path: string, start: number, inGroup: boolean): [Token[], number] {
  const tokens: Token[] = [];
  let text = '';
  const flush = () => {
    if (text) tokens.push({ kind: 'text', value: text });
    text = '';
  };
  let i = start;
  while (i < path.length) {
    const char = path[i]!;
    if (char === '\\') {
      text += path[i + 1] ?? '';
      i += 2;
    } else if (char === ':' || char === '*') {
      flush();
      const [name, next] = readName(path, i + 1);
      tokens.push({ kind: 'param', name });
      i = next;
    } else if (char === '{') {
      flush();
      const [group, next] = tokenize(path, i + 1, true);
      if (path[next] !== '}') throw new Error(`unclosed "{" in route path ${path}`);
      tokens.push({ kind: 'group', tokens: group });
      i = next + 1;
    } else if (char === '}' && inGroup) {
      break;
    } else {
      text += char;
      i += 1;
    }
  }
  flush();
  return [tokens, i];
}

function readName(path: string, start: number): [string, number] {
  if (path[start] === '"') {
    const close = path.indexOf('"', start + 1);
    if (close === -1) throw new Error(`unclosed quoted parameter name in route path ${path}`);
    return [path.slice(start + 1, close), close + 1];
  }
  let end = start;
  if (end < path.length && NAME_START.test(path[end]!)) {
    end += 1;
    while (end < path.length && NAME_CHAR.test(path[end]!)) end += 1;
  }
  if (end === start) throw new Error(`parameter without a name in route path ${path}`);
  return [path.slice(start, end), end];
}

type Flat = Exclude<Token, { kind: 'group' }>;

/** Every combination of optional groups left out or kept, shortest first. */
function expand(tokens: Token[]): Flat[][] {
  let variants: Flat[][] = [[]];
  for (const token of tokens) {
    if (token.kind !== 'group') {
      variants = variants.map((variant) => [...variant, token]);
      continue;
    }
    const inner = expand(token.tokens);
    variants = variants.flatMap((variant) => [variant, ...inner.map((option) => [...variant, ...option])]);
  }
  return variants;
}
