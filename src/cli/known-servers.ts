/**
 * Servers the user has met: the ones named in the config file, then the ones that answered
 * the last `peers --probe` (<XDG_CACHE_HOME or ~/.cache>/electrum-cli/servers.txt, one server
 * per line, first field; '#' starts a comment). The completion scripts read the same files
 * with grep/sed at Tab time; this is the same list for code. (The TLS certificate pins are
 * another store: protocol/cert-pins.ts.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigFile } from './config.js';
import { cacheDir } from '../cache-dir.js';

/** The probe cache file. */
export function serversCachePath(env: Readonly<Record<string, string | undefined>>): string {
  return join(cacheDir(env), 'servers.txt');
}

/** Parses servers.txt text (pure). */
export function parseServersTxt(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim().split(/\s+/)[0] ?? '')
    .filter((s) => s !== '');
}

/** Config servers first (server, then servers.<network> in file order), then the probe cache; no duplicates. */
export function knownServers(config: ConfigFile, cacheText: string | undefined): string[] {
  const out: string[] = [];
  const add = (s: unknown) => {
    if (typeof s === 'string' && s.trim() !== '' && !out.includes(s.trim())) out.push(s.trim());
  };
  add(config.server);
  for (const s of Object.values(config.servers ?? {})) add(s);
  for (const s of parseServersTxt(cacheText ?? '')) add(s);
  return out;
}

/** Reads the probe cache; undefined when there is none. */
export function readServersCache(env: Readonly<Record<string, string | undefined>>): string | undefined {
  try {
    return readFileSync(serversCachePath(env), 'utf8');
  } catch {
    return undefined;
  }
}
