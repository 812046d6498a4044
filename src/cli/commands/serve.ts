/**
 * `serve --local`: the embedded Electrum server (docs/architecture.md §4, src/server/serve.ts). The
 * network comes from the global --network (flags > env > config); logs go to stderr. Stopped by
 * SIGINT or SIGTERM it shuts down gracefully and exits 0 (not 130: that is how a server ends).
 */
import type { Context } from '../context.js';
import type { ServeOptions } from '../../server/serve.js';
import { stopsOnInterrupt } from '../graceful.js';

export async function run(ctx: Context, opts: Record<string, unknown>): Promise<void> {
  const { serve } = await import('../../server/serve.js');
  const { io } = ctx;
  // A server's normal end: SIGINT, like SIGTERM, stops it gracefully and exits 0.
  stopsOnInterrupt(io);
  const quiet = ctx.opts.quiet === true;
  await serve({ ...(opts as ServeOptions), network: ctx.network }, {
    log: (line) => {
      if (!quiet) io.stderr.write(`${line}\n`);
    },
    write: (text) => {
      if (!quiet) io.stderr.write(text);
    },
    isTTY: io.isTTY.stderr,
    signal: io.signal,
    env: io.env,
    // main.ts turns SIGINT into io.signal; SIGTERM (service managers) is serve's own.
    handleSignals: true,
  });
}
