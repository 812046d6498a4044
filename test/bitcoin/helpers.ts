// Moved to test/support/random.ts; this re-export keeps branches in flight compiling.
export * from '../support/random.js';
