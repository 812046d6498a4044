/**
 * Choosing a server when none is configured: the first of the candidates that answers, in
 * list order. Candidates are tried staggered (the next starts when the previous fails or has
 * not answered within `staggerMs`), so one dead server does not cost a whole connect timeout,
 * and a faster server later in the list never wins over an earlier one that answers quickly.
 */
import { ConnectionError, CliError } from '../errors.js';

export interface Attempt<T> {
  candidate: string;
  ok?: T;
  error?: unknown;
}

/**
 * Opens candidates until one succeeds; returns the earliest-listed success among those that
 * settled. Losers that connect later are closed with `dispose`.
 */
export async function firstThatAnswers<T>(
  candidates: readonly string[],
  open: (candidate: string) => Promise<T>,
  dispose: (value: T) => void,
  staggerMs = 400,
): Promise<{ candidate: string; value: T; failures: Attempt<T>[] }> {
  if (candidates.length === 0) throw new ConnectionError('no servers to try');
  return new Promise((resolve, reject) => {
    const attempts: Attempt<T>[] = [];
    let started = 0;
    let done = false;
    let timer: NodeJS.Timeout | undefined;

    const settle = () => {
      if (done) return;
      // The earliest-listed attempt decides once every attempt before it has failed.
      for (const a of attempts) {
        if (a.ok !== undefined) {
          done = true;
          clearTimeout(timer);
          for (const b of attempts) if (b !== a && b.ok !== undefined) dispose(b.ok);
          resolve({ candidate: a.candidate, value: a.ok, failures: attempts.filter((x) => x.error !== undefined) });
          return;
        }
        if (a.error === undefined) return; // still pending: wait for it
      }
      if (started < candidates.length) return startNext();
      done = true;
      reject(allFailed(attempts));
    };

    const startNext = () => {
      clearTimeout(timer);
      if (done || started >= candidates.length) return;
      const a: Attempt<T> = { candidate: candidates[started++]! };
      attempts.push(a);
      open(a.candidate).then(
        (v) => {
          if (done) return dispose(v);
          a.ok = v;
          settle();
        },
        (err: unknown) => {
          a.error = err;
          if (done) return;
          // The newest attempt failed: do not wait for the stagger to try the next one.
          if (a === attempts[attempts.length - 1] && started < candidates.length) startNext();
          settle();
        },
      );
      if (started < candidates.length) timer = setTimeout(startNext, staggerMs);
    };
    startNext();
  });
}

function allFailed<T>(attempts: Attempt<T>[]): ConnectionError {
  const first = attempts[0]?.error;
  const why = first instanceof CliError ? first.message : String(first);
  return new ConnectionError(`none of the ${attempts.length} candidate servers answered (first: ${why})`, {
    hint: 'name a server with --server HOST:PORT:s (or ELECTRUM_SERVER, or `electrum-cli config set server ...`)',
  });
}
