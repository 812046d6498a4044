/**
 * What main.ts hands the commander tree (program.ts) and every command's `register`: the
 * process seams and the factory of the run's context. Its own file, so that the commands
 * depend on it and not on the tree that registers them.
 */
import type { Context, GlobalOptions } from './context.js';
import type { Io } from './io.js';

/** What actions share with main.ts: the process seams and the contexts to close at exit. */
export interface Runtime {
  io: Io;
  version: string;
  /** Creates the run's context from the parsed global options (main.ts closes it). */
  context(opts: GlobalOptions): Promise<Context>;
}
