// The entry point of a command-line tool (soak, bench, fuzz): a failure is printed and exits non-zero, and so
// does a main that can never finish. When main awaits something that will never come (an event already
// emitted, a child already gone), the event loop empties and Node would exit 0 without a word.
import { errorMessage } from '../agent/errors';

/** The part of `process` this needs (a fake in the tests). */
export interface MainProcess {
  once(event: 'beforeExit', listener: () => void): unknown;
  exitCode?: number | string | undefined;
}

export function runMain(
  name: string,
  main: () => Promise<void>,
  proc: MainProcess = process,
  print: (line: string) => void = (line) => console.error(line),
): Promise<void> {
  let settled = false;
  proc.once('beforeExit', () => {
    if (settled) return;
    print(`${name} failed: it stopped while still waiting for something that can no longer happen (a bug)`);
    proc.exitCode = 1;
  });
  return main().then(
    () => {
      settled = true;
    },
    (err: unknown) => {
      settled = true;
      print(`${name} failed: ${errorMessage(err)}`);
      proc.exitCode = 1;
    },
  );
}
