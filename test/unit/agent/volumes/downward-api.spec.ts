// downwardAPI volume files as the kubelet writes them.
import { expect } from 'chai';
import type { Pod } from '../../../../agent/model/pod';
import { downwardApiFiles, formatMap } from '../../../../agent/volumes/downward-api';

const pod = {
  metadata: {
    name: 'web',
    namespace: 'ns',
    uid: 'u-1',
    labels: { tier: 'front', app: 'web' },
    annotations: { note: 'say "hi"' },
  },
  spec: {
    containers: [
      {
        name: 'c',
        image: 'busybox',
        resources: { limits: { cpu: '250m', memory: '64Mi' }, requests: { cpu: '100m' } },
      },
      { name: 'bare', image: 'busybox' },
    ],
  },
} as unknown as Pod;
const node = { cpuCores: 2, memoryBytes: 4 * 2 ** 30 };
const text = (items: object[]): Record<string, string> =>
  Object.fromEntries(
    [...downwardApiFiles(pod, items as never, 0o644, node)].map(([k, v]) => [k, v.data.toString()]),
  );

describe('volumes/downward-api', () => {
  it('formats maps as sorted key="value" lines (fieldpath.FormatMap)', () => {
    expect(formatMap({ b: '2', a: 'x"y' })).to.equal('a="x\\"y"\nb="2"');
    expect(formatMap(undefined)).to.equal('');
  });

  it('writes metadata fields, whole maps and single entries', () => {
    expect(
      text([
        { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
        { path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } },
        { path: 'uid', fieldRef: { fieldPath: 'metadata.uid' } },
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'tier', fieldRef: { fieldPath: "metadata.labels['tier']" } },
        { path: 'meta/annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
      ]),
    ).to.deep.equal({
      name: 'web',
      ns: 'ns',
      uid: 'u-1',
      labels: 'app="web"\ntier="front"',
      tier: 'front',
      'meta/annotations': 'note="say \\"hi\\""',
    });
  });

  it('divides resources by the divisor, rounding up; unset limits are the node allocatable', () => {
    const r = (resource: string, containerName = 'c', divisor?: string) => ({
      path: `${containerName}.${resource}.${divisor ?? '1'}`,
      resourceFieldRef: { containerName, resource, ...(divisor ? { divisor } : {}) },
    });
    expect(
      text([
        r('limits.cpu'),
        r('limits.cpu', 'c', '1m'),
        r('requests.cpu', 'c', '1m'),
        r('limits.memory'),
        r('limits.memory', 'c', '1Mi'),
        r('limits.cpu', 'bare'),
        r('limits.memory', 'bare', '1Gi'),
        r('requests.memory', 'bare'),
      ]),
    ).to.deep.equal({
      'c.limits.cpu.1': '1',
      'c.limits.cpu.1m': '250',
      'c.requests.cpu.1m': '100',
      'c.limits.memory.1': String(64 * 2 ** 20),
      'c.limits.memory.1Mi': '64',
      'bare.limits.cpu.1': '2',
      'bare.limits.memory.1Gi': '4',
      'bare.requests.memory.1': '0',
    });
  });
});
