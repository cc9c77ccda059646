import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { exitOf, outputTail, stopChild } from '../../../tools/child';
import { runMain } from '../../../tools/run-main';

describe('tools/child', () => {
  it('stopChild settles for a child that has already exited (its exit event does not come again)', async () => {
    const child = spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: 'ignore' });
    await new Promise((r) => child.once('exit', r));
    const settled = await Promise.race([
      stopChild(child).then(() => 'settled'),
      new Promise((r) => setTimeout(() => r('still waiting after 2 s'), 2_000)),
    ]);
    expect(settled).to.equal('settled');
  });

  it('stopChild ends a running child and tells how', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    expect(await stopChild(child)).to.deep.equal({ code: null, signal: 'SIGTERM' });
    expect(await exitOf(child)).to.deep.equal({ code: null, signal: 'SIGTERM' });
  });

  it('outputTail keeps the last lines of both streams', async () => {
    const script = 'for (let i = 1; i <= 5; i++) console.log("line " + i); console.error("oops")';
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = outputTail(child, 3);
    await new Promise((r) => child.once('close', r)); // after both streams ended
    expect(tail().split('\n')).to.have.length(3).and.include('oops').and.include('line 5');
  });
});

describe('tools/run-main', () => {
  const fakeProcess = () => {
    const p = {
      exitCode: undefined as number | string | undefined,
      beforeExit: undefined as (() => void) | undefined,
      once(_e: 'beforeExit', l: () => void) {
        p.beforeExit = l;
      },
    };
    return p;
  };

  it('a main that can never finish fails loudly when the event loop empties', () => {
    const proc = fakeProcess();
    const lines: string[] = [];
    void runMain(
      'soak',
      () => new Promise<void>(() => undefined),
      proc,
      (l) => lines.push(l),
    );
    proc.beforeExit?.();
    expect(proc.exitCode).to.equal(1);
    expect(lines.join()).to.match(/^soak failed: it stopped while still waiting/);
  });

  it('a failing main prints its error and exits 1; a finished one is left alone', async () => {
    const proc = fakeProcess();
    const lines: string[] = [];
    await runMain(
      'soak',
      () => Promise.reject(new Error('daemon exited')),
      proc,
      (l) => lines.push(l),
    );
    expect([proc.exitCode, lines]).to.deep.equal([1, ['soak failed: daemon exited']]);
    const ok = fakeProcess();
    await runMain(
      'soak',
      () => Promise.resolve(),
      ok,
      (l) => lines.push(l),
    );
    ok.beforeExit?.();
    expect(ok.exitCode).to.equal(undefined);
  });
});
