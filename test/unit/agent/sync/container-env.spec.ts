// A container's env with the Service variables as the kubelet's makeEnvironmentVariables orders them: envFrom,
// then env (a literal value's `$(VAR)` expanded from what came before, then from the Service variables), then
// the Service variables the container does not define; command and args expanded from the result
// (ExpandContainerCommandAndArgs); the `$(VAR)` syntax itself as upstream's expansion package reads it.
import { expect } from 'chai';
import type { ConfigMap } from '../../../../agent/model/config-objects';
import { expand, mappingFor } from '../../../../agent/model/env-expansion';
import type { Container } from '../../../../agent/model/pod';
import { containerSpec } from '../../../../agent/sync/container-config';
import { type ConfigLookup, resolveEnv } from '../../../../agent/sync/container-env';
import { aContainer, aPod } from '../../../helpers/builders';

const SERVICES = new Map([
  ['REDIS_SERVICE_HOST', '10.96.0.10'],
  ['REDIS_SERVICE_PORT', '6379'],
  ['REDIS_PORT', 'tcp://10.96.0.10:6379'],
]);
const cm: ConfigMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cm', namespace: 'default', uid: 'u', resourceVersion: '1', creationTimestamp: '' },
  data: { REDIS_SERVICE_PORT: '7000', FROM_CM: 'cm-value' },
};
const raw: ConfigMap = { ...cm, metadata: { ...cm.metadata, name: 'raw' }, data: { RAW: '$(REDIS_PORT)' } };
const sources: ConfigLookup = {
  configMap: (_ns, name) => [cm, raw].find((m) => m.metadata.name === name),
  secret: () => undefined,
};
const resolve = (c: Partial<Container>, services = SERVICES): [string, string][] => [
  ...resolveEnv(
    aContainer('c', c),
    { pod: aPod(), podIP: '10.245.0.9', hostIP: '192.0.2.1', services },
    sources,
  ).vars,
];

describe('sync/container-env with Service variables', () => {
  const cases: { name: string; container: Partial<Container>; want: [string, string][] }[] = [
    {
      name: 'no env of its own: the Service variables only',
      container: {},
      want: [...SERVICES],
    },
    {
      name: "the container's env comes first and wins over a Service variable of the same name",
      container: {
        env: [
          { name: 'REDIS_SERVICE_HOST', value: 'my-redis' },
          { name: 'A', value: 'a' },
        ],
      },
      want: [
        ['REDIS_SERVICE_HOST', 'my-redis'],
        ['A', 'a'],
        ['REDIS_SERVICE_PORT', '6379'],
        ['REDIS_PORT', 'tcp://10.96.0.10:6379'],
      ],
    },
    {
      name: 'envFrom wins over a Service variable too',
      container: { envFrom: [{ configMapRef: { name: 'cm' } }] },
      want: [
        ['REDIS_SERVICE_PORT', '7000'],
        ['FROM_CM', 'cm-value'],
        ['REDIS_SERVICE_HOST', '10.96.0.10'],
        ['REDIS_PORT', 'tcp://10.96.0.10:6379'],
      ],
    },
    {
      name: 'a value refers to Service variables, earlier env and envFrom; its own definitions come first',
      container: {
        envFrom: [{ configMapRef: { name: 'cm' } }],
        env: [
          { name: 'URL', value: 'redis://$(REDIS_SERVICE_HOST):$(REDIS_SERVICE_PORT)/$(FROM_CM)' },
          { name: 'SELF', value: '$(URL)|$(LATER)|$$(URL)|$(NONE)' },
          { name: 'LATER', value: 'x' },
        ],
      },
      want: [
        ['REDIS_SERVICE_PORT', '7000'],
        ['FROM_CM', 'cm-value'],
        ['URL', 'redis://10.96.0.10:7000/cm-value'],
        ['SELF', 'redis://10.96.0.10:7000/cm-value|$(LATER)|$(URL)|$(NONE)'],
        ['LATER', 'x'],
        ['REDIS_SERVICE_HOST', '10.96.0.10'],
        ['REDIS_PORT', 'tcp://10.96.0.10:6379'],
      ],
    },
    {
      name: 'values from a source are never expanded',
      container: {
        envFrom: [{ configMapRef: { name: 'raw' } }],
        env: [{ name: 'KEY', valueFrom: { configMapKeyRef: { name: 'raw', key: 'RAW' } } }],
      },
      want: [['RAW', '$(REDIS_PORT)'], ['KEY', '$(REDIS_PORT)'], ...SERVICES],
    },
  ];
  for (const c of cases) it(c.name, () => expect(resolve(c.container)).to.deep.equal(c.want));

  it('expands command and args from the resolved env, Service variables included', () => {
    const c = aContainer('c', {
      command: ['sh', '-c', 'echo $(REDIS_SERVICE_HOST) $(MINE)'],
      args: ['$(REDIS_PORT)', '$$(REDIS_PORT)', '$HOME', '$(UNKNOWN)'],
      env: [{ name: 'MINE', value: 'mine' }],
    });
    const env = new Map(resolve(c));
    const spec = containerSpec(c, {
      pod: aPod(),
      kind: 'app',
      restartCount: 0,
      sandboxId: 's',
      podIP: '10.245.0.9',
      hostIP: '192.0.2.1',
      files: { resolvConf: '/r', hosts: '/h' },
      env,
      volumeMounts: [],
    });
    expect(spec.command).to.deep.equal(['sh', '-c', 'echo 10.96.0.10 mine']);
    expect(spec.args).to.deep.equal(['tcp://10.96.0.10:6379', '$(REDIS_PORT)', '$HOME', '$(UNKNOWN)']);
    expect(spec.env).to.deep.equal([
      'MINE=mine',
      'REDIS_SERVICE_HOST=10.96.0.10',
      'REDIS_SERVICE_PORT=6379',
      'REDIS_PORT=tcp://10.96.0.10:6379',
    ]);
  });

  describe('expand', () => {
    const refs = mappingFor(
      new Map([['A', 'x']]),
      new Map([
        ['A', 'shadowed'],
        ['B', 'y'],
      ]),
    );
    const table: [string, string][] = [
      ['$(A)-$(B)', 'x-y'],
      ['$$(A)', '$(A)'],
      ['$$$(A)', '$x'],
      ['$(C)', '$(C)'],
      ['$(A', '$(A'],
      ['a$', 'a$'],
      ['$A $1', '$A $1'],
      ['$()', '$()'],
    ];
    for (const [input, want] of table)
      it(`${input} -> ${want}`, () => expect(expand(input, refs)).to.equal(want));
  });
});
