import { expect } from 'chai';
import { SampledTimer } from '../../../dns/sampled-timer';

describe('dns/sampled-timer', () => {
  it('reads the clock for one piece of work in `every`, and gives the others that measurement', () => {
    let now = 0;
    let reads = 0;
    const timer = new SampledTimer(4, () => {
      reads++;
      return now;
    });
    const took: number[] = [];
    for (let i = 0; i < 8; i++) {
      const started = timer.start();
      now += i === 0 ? 2 : i === 4 ? 6 : 1; // ms
      took.push(timer.seconds(started));
    }
    expect(took).to.deep.equal([0.002, 0.002, 0.002, 0.002, 0.006, 0.006, 0.006, 0.006]);
    expect(reads).to.equal(4); // two per measurement, two measurements
  });

  it('keeps a measurement due across work that ends without seconds() (a miss)', () => {
    let now = 0;
    const timer = new SampledTimer(16, () => now);
    expect(timer.start()).to.equal(0); // due, then a miss
    now = 10;
    const started = timer.start();
    expect(started).to.equal(10);
    now = 13;
    expect(timer.seconds(started)).to.equal(0.003);
    expect(timer.start()).to.equal(-1);
  });
});
