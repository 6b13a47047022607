export * from './flow-graph.js';
