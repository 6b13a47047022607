import { Liquid, type Template } from 'liquidjs';
import { BoundedCache } from './bounded-cache.js';
import { ExpressionError, type ParseOutcome } from './expression-error.js';
import { DEFAULT_DATE_FORMAT, strftime, toInstant, type Zone } from './liquid-date.js';
import { formatPhone, spellDigits } from './liquid-speech.js';

/**
 * Liquid for texts, prompts, tool URLs/headers/bodies and transfer targets.
 *
 * - Undefined variables render as nothing (a call must never fail over a missing name;
 *   the static checks catch undeclared ones); unknown filters are parse errors.
 * - No file system: `include`, `render` and `layout` are removed.
 * - The `date` filters format in the call's time zone (`options.timezone`, IANA, DST
 *   correct) and read ISO strings; a bare `YYYY-MM-DD`, `HH:mm` or offset-less datetime is
 *   a wall-clock value in that zone, so a captured date never shifts by a day.
 * - `phone` and `digits` shape numbers for speech (liquid-speech.ts):
 *   `{{ meta.callbackNumber | phone }}` → "1-800-555-0142", `{{ code | digits }}` → "0 1 4 2".
 */

export interface RenderOptions {
  /** IANA zone for the `date` filters (the flow's `settings.timezone`); default UTC */
  timezone?: string;
  /** the call's clock, for `"now" | date: …` under a simulated clock; default the real time */
  now?: Date | number | string;
}

const ENGINE_OPTIONS = {
  strictFilters: true,
  strictVariables: false,
  ownPropertyOnly: true,
  templates: {},
  locale: 'en-US',
  parseLimit: 1_000_000,
  renderLimit: 1_000,
  memoryLimit: 10_000_000,
} as const;

/** renders text */
const engine = createEngine(false);
/** renders a value that is exactly one `{{ … }}`, keeping its type (see `renderValue`) */
const typedEngine = createEngine(true);

type Parsed =
  { ok: true; templates: Template[]; identifiers: string[] } | { ok: false; message: string; position?: number };
const cache = new BoundedCache<Parsed>(20_000);

/** The render in progress: filters read it (rendering is synchronous, so this is safe). */
let current: RenderOptions = {};

function createEngine(keepOutputType: boolean): Liquid {
  const liquid = new Liquid({ ...ENGINE_OPTIONS, keepOutputType });
  for (const tag of ['include', 'render', 'layout', 'block']) delete (liquid.tags as Record<string, unknown>)[tag];
  liquid.registerFilter('date', (v: unknown, format?: unknown, zone?: unknown) => formatDate(v, format, zone));
  liquid.registerFilter('date_to_xmlschema', (v: unknown) => formatDate(v, '%Y-%m-%dT%H:%M:%S%:z'));
  liquid.registerFilter('date_to_rfc822', (v: unknown) => formatDate(v, '%a, %d %b %Y %H:%M:%S %z'));
  liquid.registerFilter('date_to_string', (v: unknown, type?: unknown, style?: unknown) =>
    formatDate(v, stringDateFormat('%b', type, style)),
  );
  liquid.registerFilter('date_to_long_string', (v: unknown, type?: unknown, style?: unknown) =>
    formatDate(v, stringDateFormat('%B', type, style)),
  );
  liquid.registerFilter('phone', (v: unknown, country?: unknown) => formatPhone(v, country));
  liquid.registerFilter('digits', (v: unknown) => spellDigits(v));
  return liquid;
}

function stringDateFormat(month: string, type: unknown, style: unknown): string {
  if (type !== 'ordinal') return `%d ${month} %Y`;
  return style === 'US' ? `${month} %-d%q, %Y` : `%-d%q ${month} %Y`;
}

/**
 * `{{ v | date: format, zone }}`: `zone` (an IANA name, or minutes west of UTC as in
 * liquidjs) overrides the render's time zone. A value that is not a date is returned as is.
 */
function formatDate(value: unknown, format?: unknown, zoneArg?: unknown): unknown {
  const zone: Zone =
    typeof zoneArg === 'string' && zoneArg !== ''
      ? { name: zoneArg }
      : typeof zoneArg === 'number'
        ? { offsetMinutes: -zoneArg }
        : { name: current.timezone ?? 'UTC' };
  const instant = toInstant(value, zone, currentTime);
  if (instant === undefined) return value;
  return strftime(instant, zone, format === undefined || format === null ? DEFAULT_DATE_FORMAT : String(format));
}

function currentTime(): number {
  if (current.now === undefined) return Date.now();
  const ms = current.now instanceof Date ? current.now.getTime() : new Date(current.now).getTime();
  return Number.isNaN(ms) ? Date.now() : ms;
}

const PLAIN: Parsed = { ok: true, templates: [], identifiers: [] };

function isPlain(tpl: string): boolean {
  return !tpl.includes('{{') && !tpl.includes('{%');
}

function parse(tpl: string): Parsed {
  if (isPlain(tpl)) return PLAIN;
  const cached = cache.get(tpl);
  if (cached) return cached;
  let parsed: Parsed;
  try {
    const templates = engine.parse(tpl);
    parsed = { ok: true, templates, identifiers: engine.globalVariablesSync(templates) };
  } catch (error) {
    const { message, position } = describeLiquidError(error);
    parsed = position === undefined ? { ok: false, message } : { ok: false, message, position };
  }
  return cache.set(tpl, parsed);
}

function describeLiquidError(error: unknown): { message: string; position?: number } {
  if (!(error instanceof Error)) return { message: String(error) };
  const message = error.message.replace(/, line:\d+, col:\d+$/, '');
  const token = (error as { token?: { begin?: unknown } }).token;
  return typeof token?.begin === 'number' ? { message, position: token.begin } : { message };
}

/** Parses a Liquid template and lists the root names it reads (loop and `assign` names excluded). */
export function parseTemplate(tpl: string): ParseOutcome {
  const parsed = parse(tpl);
  if (parsed.ok) return { ok: true, identifiers: [...parsed.identifiers] };
  return parsed.position === undefined
    ? { ok: false, message: parsed.message }
    : { ok: false, message: parsed.message, position: parsed.position };
}

/** Renders a Liquid template; undefined names render as nothing. */
export function renderTemplate(tpl: string, scope: Record<string, unknown>, options: RenderOptions = {}): string {
  return String(renderWith(engine, tpl, scope, options) ?? '');
}

function renderWith(liquid: Liquid, tpl: string, scope: Record<string, unknown>, options: RenderOptions): unknown {
  // plain text is the common case (most prompts): skip the engine
  if (isPlain(tpl)) return tpl;
  const parsed = parse(tpl);
  if (!parsed.ok) throw new ExpressionError(`Invalid template: ${parsed.message}`, tpl, parsed.position);
  const previous = current;
  current = options;
  try {
    return liquid.renderSync(parsed.templates, scope) as unknown;
  } catch (error) {
    const { message, position } = describeLiquidError(error);
    throw new ExpressionError(`Cannot render template: ${message}`, tpl, position, { cause: error });
  } finally {
    current = previous;
  }
}

const SINGLE_OUTPUT = /^\{\{-?[^{}]*-?\}\}$/;

/**
 * Renders every string inside `value` (tool inputs, bodies, headers), leaving keys and
 * non-string leaves alone. A string that is exactly one `{{ … }}` keeps the type of what it
 * yields — `"{{ slot }}"` gives the slot object, `"{{ count }}"` a number, an unset name
 * `null` — so JSON bodies carry real values; any other string renders to a string.
 */
export function renderValue(value: unknown, scope: Record<string, unknown>, options: RenderOptions = {}): unknown {
  return renderDeep(value, scope, options, 0);
}

/** How deep `renderValue` looks for templates; deeper values are returned as they are. */
export const MAX_VALUE_DEPTH = 64;

function renderDeep(value: unknown, scope: Record<string, unknown>, options: RenderOptions, depth: number): unknown {
  if (typeof value === 'string') {
    if (!SINGLE_OUTPUT.test(value)) return renderTemplate(value, scope, options);
    return renderWith(typedEngine, value, scope, options) ?? null;
  }
  if (depth >= MAX_VALUE_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, scope, options, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderDeep(v, scope, options, depth + 1);
    return out;
  }
  return value;
}
