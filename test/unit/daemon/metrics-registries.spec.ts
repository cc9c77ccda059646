// The process metrics must not keep an idle daemon's event loop busy: prom-client samples the loop's lag
// with a repeating timer, by default every 10 ms (about 200 wake-ups a second: 0.9 % of a core, idle).
import perfHooks from 'node:perf_hooks';
import { expect } from 'chai';
import type { ResourceUsage } from '../../../agent/ports/resource-usage';
import { createMetrics } from '../../../daemon/metrics/metrics-registries';

const noUsage = { snapshot: () => ({}) } as unknown as ResourceUsage;

describe('daemon/metrics/metrics-registries', () => {
  it('samples the event loop lag at most ten times a second', () => {
    const resolutions: number[] = [];
    const original = perfHooks.monitorEventLoopDelay;
    perfHooks.monitorEventLoopDelay = (options) => {
      resolutions.push(options?.resolution ?? 10);
      return original(options);
    };
    try {
      createMetrics({ nodeName: 'n', pods: () => [], usage: noUsage, nowSeconds: () => 0 });
    } finally {
      perfHooks.monitorEventLoopDelay = original;
    }
    expect(resolutions).to.have.length(1);
    expect(resolutions[0]).to.be.at.least(100);
  });
});
