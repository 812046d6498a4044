// Moved to test/support/serve-client.ts; this re-export keeps branches in flight compiling.
export * from '../support/serve-client.js';
