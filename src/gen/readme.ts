/**
 * The README's command table, from the registry (the same source as the commander tree,
 * completions and man page). scripts/gen.ts splices it between the README's
 * `<!-- commands:begin -->` and `<!-- commands:end -->` markers; a test keeps it current.
 */
import { COMMANDS } from '../methods/registry.js';
import type { MethodSpec } from '../methods/spec.js';

const BEGIN = '<!-- commands:begin -->';
const END = '<!-- commands:end -->';

function versions(m: MethodSpec): string {
  if (m.until === undefined) return `${m.since}+`;
  return m.since === m.until ? m.since : `${m.since}–${m.until}`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** A markdown table: command usage, wire methods with their versions, `--json` shape. */
export function commandsTable(): string {
  const rows = [...COMMANDS.values()].map((c) => {
    const s = c.spec;
    const args = s.args.map((a) => (a.optional ? `[${a.name}]` : `${a.name}${a.variadic ? '...' : ''}`));
    const opts = (s.options ?? []).map((o) => `[${o.flags}]`);
    const usage = [s.name, ...args, ...opts].join(' ');
    const alias = s.aliases?.length ? ` (alias ${s.aliases.map((a) => `\`${a}\``).join(', ')})` : '';
    const methods = c.methods.map((m) => `\`${m.name}\` (${versions(m)})`).join(', ') + (s.fallback ? `; else ${s.fallback.method}` : '');
    return `| \`${cell(usage)}\`${alias} | ${methods} | ${cell(s.json)} |`;
  });
  return ['| command | wire methods (protocol versions) | `--json` output |', '|---|---|---|', ...rows].join('\n');
}

/** `readme` with its command table replaced by the current one. */
export function spliceCommandsTable(readme: string): string {
  const i = readme.indexOf(BEGIN);
  const j = readme.indexOf(END);
  if (i < 0 || j < i) throw new Error(`README.md has no ${BEGIN} ... ${END} section`);
  return `${readme.slice(0, i + BEGIN.length)}\n${commandsTable()}\n${readme.slice(j)}`;
}
