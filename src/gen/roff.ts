/**
 * Escaping for roff (man(7)) source, so the page renders under `groff -man -ww` without
 * warnings: backslashes, hyphens as \-, control characters at line starts, non-ASCII as
 * \[uXXXX], and no blank lines (roff reads them as breaks and -ww warns).
 */

/** Escapes running text (not a macro line). */
export function text(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\e';
    else if (ch === '-') out += '\\-';
    else if (c === 0x2013) out += '\\(en';
    else if (c === 0x2014) out += '\\(em';
    else if (c === 0x2026) out += '...';
    else if (c === 0x2192) out += '\\(->';
    else if (c === 0xa7) out += '\\(sc';
    else if (c > 0x7e) out += `\\[u${c.toString(16).toUpperCase().padStart(4, '0')}]`;
    else if (c < 0x20) out += ch === '\n' ? ch : ' ';
    else out += ch;
  }
  return out
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n');
}

/** Escapes a macro argument and wraps it in double quotes. */
export function arg(s: string): string {
  return `"${text(s).replace(/"/g, '\\(dq')}"`;
}

/** Bold text inline. */
export function bold(s: string): string {
  return `\\fB${text(s)}\\fR`;
}

/** Italic text inline. */
export function italic(s: string): string {
  return `\\fI${text(s)}\\fR`;
}

/** A paragraph of prose: one source line per sentence-ish chunk, never blank. */
export function para(s: string): string {
  return ['.PP', text(s.trim())].join('\n');
}

/** Literal lines (commands, JSON) in a no-fill block, indented. */
export function literal(lines: readonly string[]): string {
  return ['.RS 4', '.nf', ...lines.map((l) => text(l)), '.fi', '.RE'].join('\n');
}

/** A tagged paragraph: TAG (already formatted) then its body text. */
export function tagged(tag: string, body: string): string {
  return ['.TP', tag, text(body.trim())].join('\n');
}

/** Removes blank lines (a roff break with a -ww warning) from assembled source. */
export function noBlankLines(src: string): string {
  return src
    .split('\n')
    .filter((l) => l.trim() !== '')
    .join('\n');
}
