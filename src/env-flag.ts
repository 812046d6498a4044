/**
 * ELECTRUM_JSON=1, NODE_DISABLE_COMPILE_CACHE=1 and the like: 1, true, yes or on (any case).
 * A leaf module: the binary's loader (boot.ts) and main.ts's error path read flags before
 * anything else is loaded.
 */
export function envFlag(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}
