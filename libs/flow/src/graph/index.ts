export * from './flow-graph.js';
export * from './structure-machine.js';
