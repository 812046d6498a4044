/**
 * Loads the sessions recorded from real servers (test/fixtures/transcripts, a copy of the
 * project's shared fixtures kept in the repository so a clean checkout has them): each line is
 * {"dir": "send"|"recv", "line": RAW}. Pairs every request with its reply by id.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const TRANSCRIPT_DIR = fileURLToPath(new URL('../fixtures/transcripts/', import.meta.url));

export interface TranscriptLine {
  dir: 'send' | 'recv';
  line: string;
}

export interface Transcript {
  name: string; // e.g. electrumx-1.6
  server: string; // electrumx | fulcrum
  version: string; // negotiated protocol version
  lines: TranscriptLine[];
}

export interface Exchange {
  id: number | string;
  method: string;
  params: unknown[];
  /** The raw reply line (exact bytes as recorded). */
  replyLine: string;
  reply: { result?: unknown; error?: { code: number; message: string } };
}

export function listTranscripts(): Transcript[] {
  return readdirSync(TRANSCRIPT_DIR)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => loadTranscript(join(TRANSCRIPT_DIR, f)));
}

export function loadTranscript(file: string): Transcript {
  const name = file.split('/').pop()!.replace(/\.jsonl$/, '');
  const [server, version] = name.split('-') as [string, string];
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TranscriptLine);
  return { name, server, version, lines };
}

/** Every request (batch items included) paired with its reply. */
export function exchanges(t: Transcript): Exchange[] {
  const sent = new Map<string, { method: string; params: unknown[] }>();
  const out: Exchange[] = [];
  for (const { dir, line } of t.lines) {
    const v = JSON.parse(line) as unknown;
    const items = (Array.isArray(v) ? v : [v]) as Record<string, unknown>[];
    for (const m of items) {
      if (dir === 'send') sent.set(String(m.id), { method: m.method as string, params: (m.params as unknown[]) ?? [] });
      else if (m.id !== undefined && m.id !== null) {
        const req = sent.get(String(m.id));
        if (!req) throw new Error(`${t.name}: reply to unknown id ${String(m.id)}`);
        out.push({ id: m.id as number, ...req, replyLine: line, reply: m as Exchange['reply'] });
      }
    }
  }
  return out;
}

/** Notifications received (method + params), in order. */
export function notifications(t: Transcript): { method: string; params: unknown[] }[] {
  return t.lines
    .filter((l) => l.dir === 'recv')
    .map((l) => JSON.parse(l.line) as Record<string, unknown>)
    .filter((m) => !Array.isArray(m) && typeof m.method === 'string' && m.id === undefined)
    .map((m) => ({ method: m.method as string, params: m.params as unknown[] }));
}
