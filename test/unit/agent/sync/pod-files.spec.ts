import { expect } from 'chai';
import type { Pod } from '../../../../agent/model/pod';
import { hostsFile, podHostname, resolvConf } from '../../../../agent/sync/pod-files';

const pod = (spec: Partial<Pod['spec']> = {}, name = 'web'): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', uid: 'u', creationTimestamp: '', resourceVersion: '' },
  spec: {
    containers: [],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    ...spec,
  },
  status: { phase: 'Pending' },
});

const host = 'nameserver 10.0.0.2\nnameserver 10.0.0.3\nsearch corp.example\noptions edns0 timeout:2\n';
const dns = { nameserver: '10.244.0.1', domain: 'cluster.local', hostResolvConf: () => host };

describe('agent/sync/pod-files', () => {
  it('ClusterFirst: the agent DNS, the cluster search list then the host one, ndots:5', () => {
    expect(resolvConf(pod(), dns)).to.equal(
      'nameserver 10.244.0.1\nsearch shop.svc.cluster.local svc.cluster.local cluster.local corp.example\noptions ndots:5\n',
    );
  });

  it('Default: the host resolv.conf as it is', () => {
    expect(resolvConf(pod({ dnsPolicy: 'Default' }), dns)).to.equal(
      'nameserver 10.0.0.2\nnameserver 10.0.0.3\nsearch corp.example\noptions edns0 timeout:2\n',
    );
  });

  it('None: only dnsConfig', () => {
    const spec = {
      dnsPolicy: 'None' as const,
      dnsConfig: { nameservers: ['1.2.3.4'], searches: ['a.b'], options: [{ name: 'ndots', value: '2' }] },
    };
    expect(resolvConf(pod(spec), dns)).to.equal('nameserver 1.2.3.4\nsearch a.b\noptions ndots:2\n');
  });

  it('merges dnsConfig into ClusterFirst: servers and searches appended, options overridden by name, 3 servers at most', () => {
    const spec = {
      dnsConfig: {
        nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3'],
        searches: ['extra.local'],
        options: [{ name: 'ndots', value: '1' }, { name: 'edns0' }],
      },
    };
    expect(resolvConf(pod(spec), dns)).to.equal(
      'nameserver 10.244.0.1\nnameserver 1.1.1.1\nnameserver 2.2.2.2\nsearch shop.svc.cluster.local svc.cluster.local cluster.local corp.example extra.local\noptions ndots:1 edns0\n',
    );
  });

  it('writes the Kubernetes-managed hosts file, with the subdomain FQDN when set', () => {
    expect(hostsFile(pod(), '10.244.0.7', 'cluster.local'))
      .to.contain('10.244.0.7\tweb\n')
      .and.match(/^# Kubernetes-managed hosts file\.\n127\.0\.0\.1\tlocalhost\n/);
    expect(hostsFile(pod({ hostname: 'h', subdomain: 's' }), '10.244.0.7', 'cluster.local')).to.contain(
      '10.244.0.7\th.s.shop.svc.cluster.local\th\n',
    );
  });

  it('cuts the hostname to 63 characters without a trailing dash', () => {
    expect(podHostname(pod({}, `${'a'.repeat(62)}-b`))).to.equal('a'.repeat(62));
  });
});
