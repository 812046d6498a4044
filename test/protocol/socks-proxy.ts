// Moved to test/support/socks-proxy.ts; this re-export keeps branches in flight compiling.
export * from '../support/socks-proxy.js';
