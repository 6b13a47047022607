export * from './flow-diff.js';
