/**
 * The process seams the CLI touches: streams, terminal flags, environment, Ctrl-C. main.ts
 * builds the real one; tests pass a fake so commands run in-process without a terminal.
 */

/** A writable text sink (process.stdout, or a test buffer). */
export interface Sink {
  write(text: string): unknown;
}

export interface Io {
  stdout: Sink;
  stderr: Sink;
  /** Read by `broadcast -` and prompts. */
  stdin: NodeJS.ReadableStream;
  isTTY: { stdin: boolean; stdout: boolean; stderr: boolean };
  /** The environment as main.ts read it (library code never reads process.env). */
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves names of files given on the command line. */
  cwd: string;
  /** Aborted when the user presses Ctrl-C. */
  signal: AbortSignal;
}
