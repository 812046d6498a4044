// Moved to test/support/fake-server.ts; this re-export keeps branches in flight compiling.
export * from '../support/fake-server.js';
