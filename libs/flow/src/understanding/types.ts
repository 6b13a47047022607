import type { BuiltinIntent, CaptureType, ChoiceValue } from '../schema/index.js';

/**
 * The language-understanding port. The runtime asks it to place one callee turn
 * against what the current node listens for. The local adapter (LocalUnderstanding)
 * answers deterministically with no model; a model-backed adapter may answer the same
 * request through an LLM.
 */

/** Something the callee may be asking for: a global's trigger or an intent edge. */
export interface IntentCandidate {
  /** global id or edge id; echoed back in the result */
  id: string;
  /** a built-in intent this candidate stands for */
  intent?: BuiltinIntent;
  /** natural-language description ("The caller asks to speak with a human") */
  prompt?: string;
  /** example phrasings */
  examples?: string[];
  /** short human label ("Wants a person") */
  label?: string;
}

export interface CaptureSpec {
  type: CaptureType;
  /** choice values (`choice` only) */
  values?: ChoiceValue[];
}

export interface ExtractSpec {
  var: string;
  type: CaptureType;
  description?: string;
}

export interface UnderstandRequest {
  /** what the callee said (speech-to-text) */
  text: string;
  /** candidates in priority order (globals first, then intent edges); ties go to the earlier one */
  candidates: IntentCandidate[];
  /** a question's capture, if the node captures a value */
  capture?: CaptureSpec;
  /** llm-node extraction targets */
  extract?: ExtractSpec[];
  /** the call's clock, for relative dates ("tomorrow at 3") */
  now: Date;
  /** IANA zone of the flow (settings.timezone) */
  timezone: string;
  /** BCP 47 locale of the flow (meta.locale) */
  locale: string;
}

export interface UnderstandResult {
  /** the candidate the turn is about, when one matched well enough */
  intent?: { id: string; confidence: number };
  /** the captured value when `capture` was given and the text holds one (see FLOW-LANGUAGE.md "Captured values") */
  capture?: { value: unknown; confidence: number };
  /** extracted values by variable name (llm nodes) */
  extracted: Record<string, unknown>;
}

export interface LanguageUnderstanding {
  understand(request: UnderstandRequest): UnderstandResult | Promise<UnderstandResult>;
}

export type { BuiltinIntent };
