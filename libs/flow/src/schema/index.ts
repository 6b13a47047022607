export * from './flow.schema.js';
