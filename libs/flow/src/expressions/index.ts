/**
 * Expressions of the flow language: CEL for branch conditions and `set` values, Liquid for
 * every text, prompt, tool URL/header/body and transfer target. Parsed once per source
 * text and cached; safe to call on every call turn.
 */
export { ExpressionError, type ParseOutcome } from './expression-error.js';
export { parseCondition, evaluateExpression, evaluateCondition } from './cel.js';
export { MAX_VALUE_DEPTH, parseTemplate, renderTemplate, renderValue, type RenderOptions } from './liquid.js';
