export * from './simulated-clock.js';
export * from './simulate.js';
export * from './tools.js';
