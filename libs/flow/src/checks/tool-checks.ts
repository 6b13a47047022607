import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { MAX_VALUE_DEPTH, parseTemplate } from '../expressions/index.js';
import { E164_PATTERN, type HttpTool } from '../schema/index.js';
import type { CheckContext } from './check-context.js';
import { diagnostic } from './diagnostics.js';
import { joinPath } from './paths.js';
import { describeNode } from './wording.js';

/** Tools exist; URLs and output paths are sound; no credential is inlined; transfer targets dial. */
export function checkTools(ctx: CheckContext): void {
  checkToolReferences(ctx);
  ctx.flow.tools.forEach((tool, i) => {
    if (tool.kind === 'http') checkHttpTool(ctx, tool, i);
  });
  checkToolNodeInputs(ctx);
  checkTransfers(ctx);
}

function checkToolReferences(ctx: CheckContext): void {
  ctx.flow.nodes.forEach((node, i) => {
    if (node.type === 'tool') {
      if (!ctx.toolExists(node.tool))
        ctx.report(
          diagnostic(
            'UNKNOWN_TOOL',
            `${describeNode(node)} calls the tool "${node.tool}", which is not declared in tools.`,
            {
              nodeId: node.id,
              path: ctx.path('nodes', i, 'tool'),
            },
          ),
        );
      for (const [name, path] of Object.entries(node.output ?? {})) {
        if (!OUTPUT_PATH.test(path))
          ctx.report(
            diagnostic(
              'INVALID_OUTPUT_PATH',
              `${describeNode(node)} reads "${name}" from "${path}", which is not a dot path into the result such as data.slot.id.`,
              { nodeId: node.id, path: ctx.path('nodes', i, 'output', name) },
            ),
          );
      }
    }
    if (node.type === 'llm')
      (node.tools ?? []).forEach((id, j) => {
        if (!ctx.toolExists(id))
          ctx.report(
            diagnostic(
              'UNKNOWN_TOOL',
              `${describeNode(node)} offers the tool "${id}", which is not declared in tools.`,
              {
                nodeId: node.id,
                path: ctx.path('nodes', i, 'tools', j),
              },
            ),
          );
      });
  });
}

/** `data.slot.id`, `items.0.name`, `items[0].name` */
const OUTPUT_PATH = /^[^.\s[\]]+(\[\d+\])*(\.[^.\s[\]]+(\[\d+\])*)*$/;

/** Header, query and body names that carry credentials. */
const CREDENTIAL_NAME =
  /authorization|api[-_]?key|access[-_]?key|secret|token|password|passwd|cookie|(^|[-_.])(auth|pwd|signature|sig)($|[-_.])/i;
/** `?key=` is how several APIs take their key */
const CREDENTIAL_QUERY_NAME = /^(key|sig|signature)$/i;

/** Well-known credential formats, wherever they appear. */
const CREDENTIAL_VALUE =
  /\b(sk-[A-Za-z0-9_-]{20,}|sk_(live|test)_[A-Za-z0-9]{16,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{20,}|AKIA[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})/;

const TEMPLATE_TAG = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;

type Origin = 'secret' | 'variable' | 'literal' | 'empty';

/** Where a (templated) value comes from. */
function originOf(value: string): Origin {
  const parsed = parseTemplate(value);
  const identifiers = parsed.ok ? parsed.identifiers : [];
  if (identifiers.includes('secrets')) return 'secret';
  if (identifiers.length) return 'variable';
  return value.replace(TEMPLATE_TAG, '').trim() === '' ? 'empty' : 'literal';
}

function checkHttpTool(ctx: CheckContext, tool: HttpTool, i: number): void {
  const label = `Tool "${tool.id}"`;
  const urlPath = ctx.path('tools', i, 'url');

  // the URL, with templates stood in for by a placeholder
  if (!/^\s*\{[{%]/.test(tool.url)) {
    const sample = tool.url.replace(TEMPLATE_TAG, 'x');
    let url: URL | undefined;
    try {
      url = new URL(sample);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
      ctx.report(
        diagnostic('INVALID_TOOL_URL', `${label}: "${tool.url}" is not a full web address starting with https://.`, {
          path: urlPath,
        }),
      );
    else {
      if (url.password || (url.username && !tool.url.includes('{{')))
        ctx.report(
          diagnostic(
            'INLINE_SECRET',
            `${label}: the URL contains a user name or password; put credentials in a header using {{ secrets.name }}.`,
            { path: urlPath },
          ),
        );
      checkQuery(ctx, tool, label, urlPath);
    }
  }

  for (const [name, value] of Object.entries(tool.headers ?? {})) {
    const path = ctx.path('tools', i, 'headers', name);
    if (CREDENTIAL_NAME.test(name)) credential(ctx, `${label}: the "${name}" header`, value, path);
    else literalCredential(ctx, `${label}: the "${name}" header`, value, path);
  }
  walkStrings(tool.body, ctx.path('tools', i, 'body'), (value, path, key) => {
    if (key !== undefined && CREDENTIAL_NAME.test(key) && originOf(value) === 'literal')
      inlineSecret(ctx, `${label}: the body field "${key}"`, path);
    else literalCredential(ctx, `${label}: the body`, value, path);
  });
}

function checkQuery(ctx: CheckContext, tool: HttpTool, label: string, path: string): void {
  const query = tool.url.split('#')[0]!.split('?').slice(1).join('?');
  if (!query) return;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const name = decodeSafely(eq === -1 ? pair : pair.slice(0, eq));
    const value = decodeSafely(eq === -1 ? '' : pair.slice(eq + 1));
    if (CREDENTIAL_NAME.test(name) || CREDENTIAL_QUERY_NAME.test(name))
      credential(ctx, `${label}: the URL parameter "${name}"`, value, path);
    else literalCredential(ctx, `${label}: the URL`, value, path);
  }
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** A credential slot: must be filled from `secrets`. */
function credential(ctx: CheckContext, what: string, value: string, path: string): void {
  const origin = originOf(value);
  if (origin === 'literal') inlineSecret(ctx, what, path);
  else if (origin === 'variable')
    ctx.report(
      diagnostic(
        'SECRET_IN_VARIABLE',
        `${what} takes a credential from a variable; use {{ secrets.name }} so that it is never stored with the call or logged.`,
        { path },
      ),
    );
}

/** Any other text: must not contain a well-known credential format. */
function literalCredential(ctx: CheckContext, what: string, value: string, path: string): void {
  if (CREDENTIAL_VALUE.test(value.replace(TEMPLATE_TAG, ' '))) inlineSecret(ctx, what, path);
}

function inlineSecret(ctx: CheckContext, what: string, path: string): void {
  ctx.report(
    diagnostic(
      'INLINE_SECRET',
      `${what} contains a credential written into the flow; store it as a secret and write {{ secrets.name }} instead.`,
      { path },
    ),
  );
}

function walkStrings(
  value: unknown,
  path: string,
  fn: (value: string, path: string, key?: string) => void,
  key?: string,
  depth = 0,
): void {
  if (typeof value === 'string') fn(value, path, key);
  else if (depth >= MAX_VALUE_DEPTH) return;
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, joinPath(path, i), fn, key, depth + 1));
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) walkStrings(v, joinPath(path, k), fn, k, depth + 1);
}

function checkToolNodeInputs(ctx: CheckContext): void {
  ctx.flow.nodes.forEach((node, i) => {
    if (node.type !== 'tool' || !node.input) return;
    walkStrings(node.input, ctx.path('nodes', i, 'input'), (value, path, key) => {
      const what = `${describeNode(node)}: the input "${key ?? ''}"`;
      if (key !== undefined && CREDENTIAL_NAME.test(key) && originOf(value) === 'literal')
        ctx.report(
          diagnostic(
            'INLINE_SECRET',
            `${what} contains a credential written into the flow; reference it as {{ secrets.name }} in the tool's headers instead.`,
            { nodeId: node.id, path },
          ),
        );
      else if (CREDENTIAL_VALUE.test(value.replace(TEMPLATE_TAG, ' ')))
        ctx.report(
          diagnostic('INLINE_SECRET', `${what} contains a credential written into the flow.`, {
            nodeId: node.id,
            path,
          }),
        );
    });
  });
}

const SIP_URI = /^sips?:[^\s@]+(@[^\s@]+)?$/i;

function checkTransfers(ctx: CheckContext): void {
  const region = regionOf(ctx.flow.meta.locale);
  ctx.flow.nodes.forEach((node, i) => {
    if (node.type !== 'transfer') return;
    const to = node.to.trim();
    if (to.includes('{{') || to.includes('{%')) return; // a template: checked as one
    if (E164_PATTERN.test(to) || SIP_URI.test(to)) return;
    const parsed = region ? parsePhoneNumberFromString(to, region) : parsePhoneNumberFromString(to);
    const hint = parsed?.isValid() ? ` Write it as ${parsed.number}.` : '';
    ctx.report(
      diagnostic(
        'INVALID_TRANSFER_TARGET',
        `${describeNode(node)} transfers to "${node.to}", which is neither a phone number in international form (such as +18005550100) nor a sip: address.${hint}`,
        { nodeId: node.id, path: ctx.path('nodes', i, 'to') },
      ),
    );
  });
}

function regionOf(locale: string): Parameters<typeof parsePhoneNumberFromString>[1] | undefined {
  const region = locale.split(/[-_]/)[1]?.toUpperCase();
  return region && isSupportedCountry(region) ? region : undefined;
}
