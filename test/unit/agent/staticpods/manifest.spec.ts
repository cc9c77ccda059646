import { expect } from 'chai';
import { CONFIG_HASH, CONFIG_MIRROR, CONFIG_SOURCE } from '../../../../agent/model/static-pod';
import { type StaticManifest, parseManifest } from '../../../../agent/staticpods/manifest';

const ctx = {
  nodeName: 'node1',
  policy: { allowPrivileged: false, allowHostPaths: [], allowDockerSocket: false, dockerSockets: [] },
};
const YAML = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: c
    image: busybox
    command: [sleep, "3600"]
`;
const parse = (text: string, path = '/m/web.yaml'): StaticManifest => parseManifest({ path, text }, ctx);
const ok = (m: StaticManifest): Extract<StaticManifest, { hash: string }> => {
  if ('error' in m) throw new Error(m.error);
  return m;
};
const errorOf = (m: StaticManifest): string => ('error' in m ? m.error : 'no error');

describe('agent/staticpods/parseManifest', () => {
  it('names the pod <name>-<node> in namespace default, bound to the node, with the config annotations', () => {
    const { pod, hash } = ok(parse(YAML));
    expect(pod.metadata.name).to.equal('web-node1');
    expect(pod.metadata.namespace).to.equal('default');
    expect(pod.spec.nodeName).to.equal('node1');
    expect(hash).to.match(/^[0-9a-f]{32}$/);
    expect(pod.metadata.annotations).to.deep.equal({
      [CONFIG_SOURCE]: 'file',
      [CONFIG_HASH]: hash,
      [CONFIG_MIRROR]: hash,
    });
    expect(pod.metadata.labels).to.deep.equal({ app: 'web' });
  });

  it('keeps the namespace the manifest names', () => {
    expect(
      ok(parse(YAML.replace('  name: web\n', '  name: web\n  namespace: kube-system\n'))).pod.metadata
        .namespace,
    ).to.equal('kube-system');
  });

  it('an unchanged rewrite (JSON, other key order, other spacing) keeps the hash; a change does not', () => {
    const json = JSON.stringify({
      spec: { containers: [{ command: ['sleep', '3600'], image: 'busybox', name: 'c' }] },
      metadata: { labels: { app: 'web' }, name: 'web' },
      kind: 'Pod',
      apiVersion: 'v1',
    });
    const h = ok(parse(YAML)).hash;
    expect(ok(parse(json)).hash).to.equal(h);
    expect(ok(parse(YAML.replace('3600', '3601'))).hash).to.not.equal(h);
    expect(ok(parse(YAML, '/m/other.yaml')).hash, 'another file is another static pod').to.not.equal(h);
  });

  const bad: [string, string, RegExp][] = [
    ['invalid YAML', 'kind: Pod\nmetadata: [\n', /./],
    ['not a Pod', YAML.replace('kind: Pod', 'kind: Deployment'), /kind "Deployment" is not Pod/],
    ['a list', '- a\n- b\n', /not a Pod object/],
    ['no name', YAML.replace('  name: web\n', ''), /metadata.name: Required value/],
    ['two documents', `${YAML}---\n${YAML}`, /expected one Pod, found 2 documents/],
    [
      'a validation error',
      YAML.replace('    image: busybox\n', ''),
      /Pod "web-node1" is invalid: spec.containers\[0\].image: Required value/,
    ],
    [
      'a service account',
      YAML.replace('spec:\n', 'spec:\n  serviceAccountName: x\n'),
      /a mirror pod may not reference service accounts/,
    ],
    [
      'a ConfigMap volume',
      YAML + '  volumes:\n  - name: v\n    configMap: {name: cm}\n',
      /a mirror pod may not reference configmaps/,
    ],
    ['an empty file', '', /expected one Pod, found 0 documents/],
  ];
  for (const [what, text, message] of bad) {
    it(`refuses ${what} with a message`, () => {
      expect(errorOf(parse(text))).to.match(message);
    });
  }
});
