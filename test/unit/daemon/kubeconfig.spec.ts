import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { apiUrl, writeKubeconfig } from '../../../daemon/kubeconfig';

describe('daemon/kubeconfig', () => {
  it('writes a kubeconfig kubectl and client-node accept: the API URL, context minikubelet, namespace default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mk-kubeconfig-'));
    try {
      const path = join(dir, 'kubeconfig');
      writeKubeconfig(path, 'http://127.0.0.1:10250');
      expect(parse(readFileSync(path, 'utf8'))).to.deep.equal({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'minikubelet',
            cluster: { server: 'http://127.0.0.1:10250', 'insecure-skip-tls-verify': true },
          },
        ],
        users: [{ name: 'minikubelet', user: {} }],
        contexts: [
          {
            name: 'minikubelet',
            context: { cluster: 'minikubelet', user: 'minikubelet', namespace: 'default' },
          },
        ],
        'current-context': 'minikubelet',
        preferences: {},
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('points clients at loopback when the API listens on every address', () => {
    expect(apiUrl('0.0.0.0', 10250)).to.equal('http://127.0.0.1:10250');
    expect(apiUrl('::', 10250)).to.equal('http://[::1]:10250');
    expect(apiUrl('10.0.0.5', 80)).to.equal('http://10.0.0.5:80');
  });
});
