// Moved to test/support/session-harness.ts; this re-export keeps branches in flight compiling.
export * from '../support/session-harness.js';
