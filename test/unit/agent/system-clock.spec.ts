import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';

describe('systemClock timers', () => {
  it('a timer further away than setTimeout can hold (about 24.8 days) waits, not 1 ms', async () => {
    // A yearly CronJob asks for its next run in months: setTimeout would fire it at once, over and over.
    let fired = 0;
    const cancel = systemClock.setTimer(() => fired++, 2 ** 31 + 60_000);
    await new Promise((r) => setTimeout(r, 30));
    cancel();
    expect(fired).to.equal(0);
  });

  it('cancel stops a timer', async () => {
    let fired = 0;
    const cancel = systemClock.setTimer(() => fired++, 10);
    cancel();
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).to.equal(0);
  });
});
