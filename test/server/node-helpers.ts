// Moved to test/support/test-node.ts; this re-export keeps branches in flight compiling.
export * from '../support/test-node.js';
