export * from './errors.js';
export * from './common.js';
export * from './auth.js';
export * from './flows.js';
export * from './simulations.js';
export * from './health.js';
export * from './compliance.js';
export * from './compliance-review.js';
