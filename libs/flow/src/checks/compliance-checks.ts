import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { FlowNode, Global } from '../schema/index.js';
import type { CheckContext } from './check-context.js';
import { diagnostic } from './diagnostics.js';
import { describeNode } from './wording.js';

/**
 * The compliance lints of FLOW-LANGUAGE.md: the disclosure at the start of every call a
 * person answers, and for telemarketing the business, a call-back number, opt-out by
 * voice and by key at any time, and the call-back number in every voicemail.
 */
export function checkCompliance(ctx: CheckContext): void {
  if (!ctx.complete || !ctx.headerValid) return;
  checkDisclosure(ctx);
  if (ctx.flow.purpose === 'TELEMARKETING') checkTelemarketing(ctx);
  checkVoicemails(ctx);
}

const TEMPLATE_TAG = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const BUSINESS_TAG = /\{\{-?\s*meta\s*(\.\s*business|\[\s*["']business["']\s*\])\s*(\|[^}]*)?-?\}\}/;
const CALLBACK_TAG = /\{\{-?\s*meta\s*(\.\s*callbackNumber|\[\s*["']callbackNumber["']\s*\])\s*(\|[^}]*)?-?\}\}/;
const AUTOMATION_WORD = /\b(automated|artificial|AI|virtual|recorded)\b/i;

const squash = (text: string): string => text.toLowerCase().replace(/\s+/g, ' ').trim();

function checkDisclosure(ctx: CheckContext): void {
  const { flow, graph } = ctx;
  const human = graph.edge(flow.entry, 'human');
  if (!human) return; // reported as an unwired start outcome
  const business = flow.meta.business?.trim();

  // follow silent nodes (set, branch, tool) to the first node that speaks on each path
  const seen = new Set<string>();
  const stack = [human.to];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = graph.node(id);
    if (!node) continue;
    if (node.type === 'set' || node.type === 'branch' || node.type === 'tool') {
      for (const next of graph.successors(id)) stack.push(next);
      continue;
    }
    const spoken = firstWords(node);
    if (spoken === undefined) continue;
    const where = { nodeId: node.id, path: spoken.path ? ctx.nodePath(node.id, spoken.path) : ctx.nodePath(node.id) };
    if (spoken.text === undefined) {
      ctx.report(
        diagnostic(
          'DISCLOSURE_MISSING',
          `The call opens with ${describeNode(node)}, whose words are generated, so the disclosure cannot be checked; give it an opening that names ${business ? `"${business}"` : 'the business'} and says the call is automated.`,
          where,
        ),
      );
      continue;
    }
    const literal = spoken.text.replace(TEMPLATE_TAG, ' ');
    const namesBusiness =
      BUSINESS_TAG.test(spoken.text) ||
      (business !== undefined && business !== '' && squash(literal).includes(squash(business)));
    const saysAutomated = AUTOMATION_WORD.test(literal);
    if (namesBusiness && saysAutomated) continue;
    const missing: string[] = [];
    if (!namesBusiness)
      missing.push(
        business
          ? `name the business ("${business}" or {{ meta.business }})`
          : 'name the business (set meta.business and say it, or write {{ meta.business }})',
      );
    if (!saysAutomated) missing.push('say that the call is automated (automated, artificial, AI, virtual or recorded)');
    ctx.report(
      diagnostic(
        'DISCLOSURE_MISSING',
        `The first thing a person hears (${describeNode(node)}) must ${missing.join(' and ')}.`,
        where,
      ),
    );
  }
}

/** What a node says first, if it speaks: `text` undefined means generated words. */
function firstWords(node: FlowNode): { text: string | undefined; path?: string } | undefined {
  switch (node.type) {
    case 'say':
      return { text: node.text, path: 'text' };
    case 'question':
      return { text: node.prompt, path: 'prompt' };
    case 'llm':
      return node.opening ? { text: node.opening, path: 'opening' } : { text: undefined };
    case 'voicemail':
      return { text: node.text, path: 'text' };
    case 'end':
    case 'opt_out':
      return node.text ? { text: node.text, path: 'text' } : undefined;
    default:
      return undefined;
  }
}

function checkTelemarketing(ctx: CheckContext): void {
  const { flow } = ctx;
  if (!flow.meta.business?.trim())
    ctx.report(
      diagnostic(
        'TELEMARKETING_BUSINESS_MISSING',
        'A telemarketing flow must name the business making the call: fill in meta.business.',
        { path: 'meta.business' },
      ),
    );
  if (!flow.meta.callbackNumber)
    ctx.report(
      diagnostic(
        'TELEMARKETING_CALLBACK_MISSING',
        'A telemarketing flow must give a number the callee can call back: fill in meta.callbackNumber.',
        { path: 'meta.callbackNumber' },
      ),
    );
  checkOptOut(ctx, 'voice');
  checkOptOut(ctx, 'key');
}

function checkOptOut(ctx: CheckContext, by: 'voice' | 'key'): void {
  const { flow } = ctx;
  const matches = (g: Global): boolean =>
    by === 'voice' ? g.trigger.kind === 'intent' && g.trigger.intent === 'opt_out' : g.trigger.kind === 'dtmf';
  const candidates = flow.globals.map((g, i) => ({ g, i })).filter(({ g }) => matches(g));
  const good = candidates.some(({ g }) => !g.scope && !g.return && leadsToOptOut(ctx, g.goto));
  if (good) return;
  const code = by === 'voice' ? 'OPT_OUT_BY_VOICE_MISSING' : 'OPT_OUT_BY_KEY_MISSING';
  const how = by === 'voice' ? 'by voice (a global with intent opt_out)' : 'by pressing a key (a key-press global)';
  const base = `A telemarketing flow must let the callee opt out ${how} at any moment, leading to an opt-out node`;
  const unscoped = candidates.find(({ g }) => !g.scope);
  const candidate = unscoped ?? candidates[0];
  if (!candidate) {
    ctx.report(diagnostic(code, `${base}.`, { path: 'globals' }));
    return;
  }
  const { g, i } = candidate;
  const why = g.scope
    ? `global "${g.id}" only applies to some nodes; remove its scope`
    : g.return
      ? `global "${g.id}" returns to the conversation instead of ending it`
      : `global "${g.id}" does not lead to an opt-out node`;
  ctx.report(diagnostic(code, `${base}: ${why}.`, { path: ctx.path('globals', i) }));
}

/** Whether `id` is an opt-out node, or leads to one through say and set nodes. */
function leadsToOptOut(ctx: CheckContext, id: string): boolean {
  const seen = new Set<string>();
  let current: string | undefined = id;
  while (current !== undefined && !seen.has(current)) {
    seen.add(current);
    const node = ctx.graph.node(current);
    if (!node) return false;
    if (node.type === 'opt_out') return true;
    if (node.type !== 'say' && node.type !== 'set') return false;
    current = ctx.graph.edge(current, 'next')?.to;
  }
  return false;
}

function checkVoicemails(ctx: CheckContext): void {
  const { flow } = ctx;
  const telemarketing = flow.purpose === 'TELEMARKETING';
  const callback = flow.meta.callbackNumber;
  if (!telemarketing && !callback) return;
  const digits = callbackDigits(callback);
  flow.nodes.forEach((node, i) => {
    if (node.type !== 'voicemail') return;
    if (CALLBACK_TAG.test(node.text) || statesNumber(node.text.replace(TEMPLATE_TAG, ' '), digits)) return;
    const number = callback ? ` (${callback}, or {{ meta.callbackNumber }})` : ' ({{ meta.callbackNumber }})';
    ctx.report(
      telemarketing
        ? diagnostic(
            'VOICEMAIL_CALLBACK_MISSING',
            `${describeNode(node)} must state the call-back number${number} in its message.`,
            { nodeId: node.id, path: ctx.path('nodes', i, 'text') },
          )
        : diagnostic(
            'VOICEMAIL_CALLBACK_SUGGESTED',
            `${describeNode(node)} does not state the call-back number${number}; the callee cannot call back.`,
            { nodeId: node.id, path: ctx.path('nodes', i, 'text') },
          ),
    );
  });
}

/** The digit strings that count as the number: the full international form and the national one. */
function callbackDigits(callback: string | undefined): string[] {
  if (!callback) return [];
  const full = callback.replace(/\D/g, '');
  const national = parsePhoneNumberFromString(callback)?.nationalNumber;
  return national && national !== full ? [full, national] : [full];
}

/** Whether a text states one of `digits`, whatever the formatting (spaces, dashes, dots, brackets). */
function statesNumber(text: string, digits: readonly string[]): boolean {
  for (const match of text.matchAll(/\+?\d[\d\s().-]*\d/g)) {
    const run = match[0].replace(/\D/g, '');
    if (digits.length === 0 ? run.length >= 10 : digits.some((d) => run.endsWith(d))) return true;
  }
  return false;
}
