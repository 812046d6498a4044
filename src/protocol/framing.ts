/**
 * Newline-delimited framing for TCP/TLS (docs/protocol.md §1.1): one JSON value per line.
 * Pure: bytes in, complete lines out. Accepts `\r\n` (Fulcrum ends lines with `\r`)
 * and skips blank lines; a line longer than `maxLine` bytes is an error, because a peer
 * that never sends a newline must not make us buffer without bound.
 */
import { ProtocolError } from '../errors.js';

/** Electrum accepts lines up to 8,100,000 bytes (a 4 MB raw transaction is 8 MB of hex). */
export const DEFAULT_MAX_LINE = 8_100_000;

export class LineTooLongError extends ProtocolError {
  constructor(readonly limit: number) {
    super(`reply line longer than ${limit} bytes`, {
      hint: 'raise the limit with --max-line BYTES if the server is trusted',
    });
  }
}

export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;

  /**
   * `invalidUtf8`: when set, a line that is not valid UTF-8 is returned as this string
   * instead of being decoded with replacement characters (the server answers it -32700).
   */
  constructor(readonly maxLine = DEFAULT_MAX_LINE, private readonly invalidUtf8?: string) {}

  /** Bytes held that do not yet end in a newline (a peer closing now closed mid-message). */
  get pending(): number {
    return this.size;
  }

  /** Feeds a chunk; returns the complete lines it finished, without their terminators. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      const piece = chunk.subarray(start, nl);
      if (this.size + piece.length > this.maxLine) throw new LineTooLongError(this.maxLine);
      let buf = piece;
      if (this.parts.length > 0) {
        this.parts.push(piece);
        buf = Buffer.concat(this.parts);
        this.parts = [];
        this.size = 0;
      }
      let end = buf.length;
      if (end > 0 && buf[end - 1] === 0x0d) end--;
      const line = this.invalidUtf8 === undefined ? buf.toString('utf8', 0, end) : strictUtf8(buf.subarray(0, end), this.invalidUtf8);
      if (line.trim() !== '') lines.push(line);
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (this.size + rest.length > this.maxLine) throw new LineTooLongError(this.maxLine);
      this.parts.push(Buffer.from(rest));
      this.size += rest.length;
    }
    return lines;
  }
}

/** Frames one serialized message for TCP/TLS. */
export function frame(json: string): string {
  return `${json}\n`;
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true });

/** `buf` as UTF-8 text, or `invalid` when it is not valid UTF-8. */
export function strictUtf8(buf: Uint8Array, invalid: string): string {
  try {
    return fatalDecoder.decode(buf);
  } catch {
    return invalid;
  }
}
