/**
 * "A test fails if the client dials anything but loopback": patches net.Socket#connect (which
 * net.connect, tls.connect, ws and socks all end up in) to throw for any other host.
 */
import { fileURLToPath } from 'node:url';
import { blockedDials, clearBlockedDials, installLoopbackGuard, isLoopbackHost, uninstallLoopbackGuard } from './loopback-core.mjs';

export { blockedDials, clearBlockedDials, installLoopbackGuard, isLoopbackHost, uninstallLoopbackGuard };

/** Absolute path of the preload module for `node --import`. */
export const LOOPBACK_PRELOAD = fileURLToPath(new URL('./loopback-preload.mjs', import.meta.url));

/**
 * Environment for a spawned binary with the guard preloaded: appends
 * `--import=<loopback-preload.mjs>` to NODE_OPTIONS.
 */
export function loopbackEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  // NODE_OPTIONS splits on spaces unless the value is double-quoted.
  const opt = LOOPBACK_PRELOAD.includes(' ') ? `--import="${LOOPBACK_PRELOAD}"` : `--import=${LOOPBACK_PRELOAD}`;
  const cur = env.NODE_OPTIONS ?? '';
  return { ...env, NODE_OPTIONS: cur.includes(opt) ? cur : `${cur} ${opt}`.trim() };
}

/** Installs the guard for the whole test file (call at top level). */
export function assertLoopbackOnly(): void {
  installLoopbackGuard();
}
