// exec and attach for the in-memory runtime: a few tiny commands, enough for the API's stream tests without
// Docker. `cat` copies stdin to stdout, `echo` prints its arguments, `fail N` writes to stderr and exits N,
// `sleep` runs until aborted; anything else is "not found" (127). Open sessions are counted for leak tests.
import { PassThrough } from 'node:stream';
import type { StreamOptions, StreamSession } from './exec-stream';

export class MemoryExec {
  /** Sessions not yet ended or aborted. */
  open = 0;
  /** Every resize asked for, as `WxH`. */
  readonly resizes: string[] = [];

  start(command: string[], options: StreamOptions): StreamSession {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = options.tty ? undefined : new PassThrough();
    const errOut = stderr ?? stdout;
    let finish: (code: number | undefined) => void = () => undefined;
    const done = new Promise<number | undefined>((resolve) => (finish = resolve));
    let ended = false;
    this.open++;
    const end = (code: number | undefined): void => {
      if (ended) return;
      ended = true;
      this.open--;
      stdout.end();
      stderr?.end();
      finish(code);
    };
    const [cmd, ...args] = command;
    if (cmd === 'cat') {
      stdin.on('data', (d: Buffer) => stdout.write(d));
      stdin.on('end', () => end(0));
    } else if (cmd === 'echo') {
      stdout.write(`${args.join(' ')}\n`);
      setImmediate(() => end(0));
    } else if (cmd === 'fail') {
      errOut.write('failing\n');
      setImmediate(() => end(Number(args[0] ?? 1)));
    } else if (cmd !== 'sleep') {
      errOut.write(`exec: "${cmd ?? ''}": executable file not found\n`);
      setImmediate(() => end(127));
    }
    return {
      ...(options.stdin ? { stdin } : {}),
      ...(options.stdout ? { stdout } : {}),
      ...(stderr && options.stderr ? { stderr } : {}),
      resize: async (w, h) => {
        await Promise.resolve();
        this.resizes.push(`${w}x${h}`);
      },
      done,
      abort: async () => {
        await Promise.resolve();
        end(137);
      },
    };
  }
}
