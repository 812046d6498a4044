/**
 * Runs for which Ctrl-C is the normal way to end, not an interruption: `serve`, like ElectrumX
 * and Fulcrum, stops gracefully on SIGINT as on SIGTERM and exits 0. main.ts then waits for the
 * command's own end instead of exiting 130 at once. Keyed by the run's Io (one per main() call).
 */
const graceful = new WeakSet<object>();

/** Marks the run of `io` as one that Ctrl-C ends normally. */
export function stopsOnInterrupt(io: object): void {
  graceful.add(io);
}

/** True when Ctrl-C ends the run of `io` normally (see stopsOnInterrupt). */
export function interruptIsStop(io: object): boolean {
  return graceful.has(io);
}
