export * from './schema/index.js';
export * from './graph/index.js';
export * from './expressions/index.js';
export * from './checks/index.js';
export * from './understanding/index.js';
export * from './runtime/index.js';
export * from './simulator/index.js';
export * from './scenarios/index.js';
