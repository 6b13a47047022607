export { evaluate, evaluateParsed, parseComplianceInput, type EvaluateOptions, type ParseResult } from './evaluate.js';
export { ComplianceInputError, type InputIssue } from './errors.js';
export * from './schema/compliance-input.schema.js';
export * from './schema/compliance-decision.schema.js';
export {
  buildRuleSet,
  defaultRuleSet,
  DEFAULT_RULE_SET_FILES,
  RULE_SET_VERSION,
  type AreaCode,
  type CapRule,
  type Clock,
  type DayWindow,
  type RuleSet,
  type WindowRule,
} from './rules/rule-set.js';
export type { RuleSetFiles } from './rules/rule-data.schema.js';
export { maskPhone, NANP_E164_PATTERN, parsePhone, type ParsedPhone } from './phone/phone.js';
export { CONSENT_ELEMENTS, type ConsentElement } from './checks/consent.js';
