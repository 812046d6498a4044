/**
 * The user's cache directory: `$XDG_CACHE_HOME/electrum-cli` when that is an absolute path,
 * else `~/.cache/electrum-cli`. It holds verified headers and the servers a probe found
 * (diag/cache.ts), the once-per-session notes (cli/once.ts) and the V8 code cache (boot.ts).
 * A leaf module: boot.ts runs before anything else is loaded.
 */
import { join } from 'node:path';

export function cacheDir(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && xdg.startsWith('/') ? xdg : join(env.HOME || env.USERPROFILE || '.', '.cache');
  return join(base, 'electrum-cli');
}
