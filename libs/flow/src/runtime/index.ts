export * from './types.js';
export * from './call-context.js';
export { compileFlow, initialContext, ENDED, type CompiledFlow, type CallMachine } from './compiler.js';
export { CallSession, transcriptOf, type CallSessionOptions, type PersistedCall } from './session.js';
export { bindPorts, type CallPorts, type CallEventBody } from './ports.js';
export { initialVariables, missingInputVariables, readPath, variableFromText } from './values.js';
