/**
 * Progress a person can read (issue 10 item 20): "verifying 412/800 (51%), about 6 s left".
 * Pure: the clock is passed in, so tests need no timers. The text goes to the spinner
 * (cli/progress.ts), hence only to a terminal's stderr.
 */

/** Seconds as "6 s", "2 min 05 s", "1 h 03 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Counts done items of a known total and estimates the time left from the rate so far. */
export class Eta {
  private readonly start: number;

  /**
   * `label`: what is being done ("verifying"); `total`: how many items; `atLeast`: the total
   * is a lower bound that may grow (a wallet scan's gap limit), shown as "≥N".
   */
  constructor(
    readonly label: string,
    public total: number,
    private readonly now: () => number = () => performance.now(),
    readonly atLeast = false,
  ) {
    this.start = now();
  }

  /** The line for `done` items: no estimate until one item and half a second have passed. */
  text(done: number, extra?: string): string {
    const total = Math.max(this.total, done);
    const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
    const elapsed = (this.now() - this.start) / 1000;
    let line = `${this.label} ${done}/${this.atLeast ? '≥' : ''}${total}${this.atLeast ? '' : ` (${pct}%)`}`;
    if (extra) line += `, ${extra}`;
    if (done > 0 && done < total && elapsed >= 0.5) line += `, about ${formatDuration(((total - done) * elapsed) / done)} left`;
    return line;
  }
}
