import { expect } from 'chai';
import { isForeign } from '../../../bench/guard';

describe('bench guard: what counts as a foreign agent or test run', () => {
  it('a test run, an agent and a compose run are foreign', () => {
    expect(
      isForeign('node /work/x/node_modules/.bin/mocha --config test/.mocharc.integration.json'),
    ).to.equal(true);
    expect(isForeign('node dist/daemon/main.js --data-dir /tmp/x')).to.equal(true);
    expect(isForeign('node /work/x/dist/test/integration/recovery.spec.js')).to.equal(true);
  });

  it('a flock still waiting for the Docker lock is not (it would wait for this run, and this run for it)', () => {
    expect(
      isForeign(
        'flock /tmp/minikubelet-docker.lock npx mocha --timeout 60000 dist/test/integration/x.spec.js',
      ),
    ).to.equal(false);
    expect(
      isForeign('timeout 840 flock /tmp/minikubelet-docker.lock npx mocha dist/test/integration/x.spec.js'),
    ).to.equal(false);
  });

  it('the bench itself is not', () => {
    expect(isForeign('node dist/bench/run.js workload-scale --reps 3')).to.equal(false);
  });
});
