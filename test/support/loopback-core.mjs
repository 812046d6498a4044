// The loopback guard's implementation, in plain JavaScript so that spawned binaries can
// preload it (loopback-preload.mjs) without a TypeScript loader. Tests must never dial
// anything but this machine: the guard makes any other connect attempt throw.
import net from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

/** True for the loopback names and addresses the guard lets through. */
export function isLoopbackHost(host) {
  if (host === undefined || host === null || host === '') return true; // Node's default is localhost
  const h = String(host).toLowerCase().replace(/^\[|\]$/g, '');
  return LOOPBACK.has(h) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Finds the destination host in the many call shapes of net.Socket#connect. */
function targetOf(args) {
  let a = args[0];
  if (Array.isArray(a)) a = a[0]; // internal normalized form [options, cb]
  if (a !== null && typeof a === 'object') {
    if (typeof a.path === 'string') return { path: a.path };
    return { host: a.host, port: a.port };
  }
  if (typeof a === 'string' && !/^\d+$/.test(a)) return { path: a }; // IPC path
  return { host: typeof args[1] === 'string' ? args[1] : undefined, port: a };
}

let original;
const blocked = [];

/** Installs the guard (idempotent). Returns a function that removes it. */
export function installLoopbackGuard() {
  if (original) return uninstallLoopbackGuard;
  original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    const t = targetOf(args);
    if (t.path === undefined && !isLoopbackHost(t.host)) {
      const where = `${t.host}:${t.port}`;
      blocked.push(where);
      const err = new Error(`loopback guard: refused to dial ${where} (tests may only connect to 127.0.0.1, ::1 or localhost)`);
      err.code = 'ELOOPBACKGUARD';
      if (process.env.ELECTRUM_CLI_LOOPBACK_GUARD_LOG !== '0') process.stderr.write(`${err.message}\n`);
      throw err;
    }
    return original.apply(this, args);
  };
  return uninstallLoopbackGuard;
}

/** Removes the guard. */
export function uninstallLoopbackGuard() {
  if (!original) return;
  net.Socket.prototype.connect = original;
  original = undefined;
}

/** Destinations the guard refused so far (a test can assert it stayed empty). */
export function blockedDials() {
  return [...blocked];
}

/** Forgets the refused destinations (for the guard's own test). */
export function clearBlockedDials() {
  blocked.length = 0;
}
