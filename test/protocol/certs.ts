// Moved to test/support/certs.ts; this re-export keeps branches in flight compiling.
export * from '../support/certs.js';
