import { expect } from 'chai';
import { hasUdpReusePort, planDnsWorkers } from '../../../dns/worker-plan';

describe('dns/worker-plan: --dns-workers against what this Node can do', () => {
  const linux = (version: string) => ({ version, platform: 'linux' });

  it('keeps one in-process socket for 1 worker, on any Node, without a word', () => {
    expect(planDnsWorkers(1, linux('20.20.2'))).to.deep.equal({ workers: 0 });
    expect(planDnsWorkers(1, linux('24.22.3'))).to.deep.equal({ workers: 0 });
  });

  it('gives N workers from Node 22.12 on Linux', () => {
    expect(planDnsWorkers(2, linux('22.12.0'))).to.deep.equal({ workers: 2 });
    expect(planDnsWorkers(4, linux('23.0.0'))).to.deep.equal({ workers: 4 });
    expect(planDnsWorkers(2, linux('24.22.3'))).to.deep.equal({ workers: 2 });
  });

  it('falls back to one socket, saying why, on Node 20, 22.11 or another platform', () => {
    for (const rt of [linux('20.20.2'), linux('22.11.0'), { version: '24.22.3', platform: 'darwin' }]) {
      const plan = planDnsWorkers(2, rt);
      expect(plan.workers, rt.version).to.equal(0);
      expect(plan.fallback).to.include('--dns-workers 2').and.include('SO_REUSEPORT').and.include(rt.version);
    }
  });

  it('reads versions numerically (22.9 is older than 22.12)', () => {
    expect(hasUdpReusePort(linux('22.9.0'))).to.equal(false);
    expect(hasUdpReusePort(linux('22.12.1'))).to.equal(true);
    expect(hasUdpReusePort(linux('100.0.0'))).to.equal(true);
  });
});
