/**
 * The narrow faces of the run that the CLI's helpers take instead of its classes: the spinner
 * (progress.ts) gets a `ProgressOutput`, not an `Output` (output.ts); the interactive flows
 * (prompts/) get a `PromptContext`, not a `Context` (context.ts). Types only and importing
 * no module of the CLI, so the classes can use the helpers without import cycles, and tests
 * can drive the helpers with plain objects.
 */
import type { NetworkName } from '../bitcoin/networks.js';
import type { Io } from './io.js';

/** A running progress indicator; every method is safe to call after stop(). */
export interface Progress {
  update(text: string): void;
  /** Stops and leaves a final line (✔ text) on the terminal. */
  succeed(text: string): void;
  stop(): void;
}

/** What a spinner needs of the run's output: where stderr goes and whether it may draw. */
export interface ProgressOutput {
  readonly io: Pick<Io, 'stderr'>;
  /** Stderr is a terminal and neither --json nor --quiet is in force. */
  readonly interactive: boolean;
  /** Whether stderr may carry colour. */
  readonly stderrColor: boolean;
  readonly opts: { readonly debug: boolean };
}

/** The flags that decide whether prompting is allowed. */
export interface PromptFlags {
  json?: boolean;
  yes?: boolean;
  quiet?: boolean;
}

/** What the interactive flows need of the run's context. */
export interface PromptContext {
  readonly io: Io;
  readonly opts: PromptFlags;
  readonly out: ProgressOutput & { notice(message: string): void };
  readonly network: NetworkName;
  /** The config file the `config init` wizard writes. */
  readonly configPath: string;
}
