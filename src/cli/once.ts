/**
 * Notes worth reading once per terminal session, not on every call (issue 10 item 14: the
 * fallback notes of `relayfee` and `height`). The session is the POSIX session of the process
 * (the login shell or terminal that started it: /proc/self/stat), else the parent process;
 * what was said is kept in the cache directory (notes-seen.json), for the last 64 sessions.
 * Any failure to read or write the file just means the note is shown again.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'notes-seen.json';
const KEEP_SESSIONS = 64;

/** This process's session id (Linux), else its parent's pid. */
export function sessionId(): string {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const sid = fields[3];
    if (sid !== undefined && /^\d+$/.test(sid) && sid !== '0') return `sid:${sid}`;
  } catch {
    // not Linux
  }
  return `ppid:${process.ppid}`;
}

/**
 * True the first time `key` is asked about in this session (and records it); false after.
 * `dir` is the cache directory (cache-dir.ts cacheDir).
 */
export function firstTimeThisSession(dir: string, key: string, session = sessionId()): boolean {
  const path = join(dir, FILE);
  let seen: Record<string, string[]> = Object.create(null);
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [k, v] of Object.entries(parsed)) if (Array.isArray(v)) seen[k] = v.filter((x): x is string => typeof x === 'string');
    }
  } catch {
    // missing or unreadable: nothing seen yet
  }
  const notes = Object.hasOwn(seen, session) ? seen[session]! : [];
  if (notes.includes(key)) return false;
  const sessions = Object.keys(seen).filter((s) => s !== session).slice(-(KEEP_SESSIONS - 1));
  const next: Record<string, string[]> = Object.create(null);
  for (const s of sessions) next[s] = seen[s]!;
  next[session] = [...notes, key];
  seen = next;
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(seen)}\n`);
    renameSync(tmp, path);
  } catch {
    // a read-only cache: the note shows again next time
  }
  return true;
}
