// networking.k8s.io/v1 NetworkPolicies through the API on the in-process agent (memory runtime): stored with
// upstream's defaults (policyTypes from the rules, protocol TCP, an empty podSelector), validated with
// upstream's wording, printed as kubectl shows them (NAME POD-SELECTOR AGE), listed in discovery, removed
// with their namespace. Not enforced: nothing here reaches a container.
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import type { NetworkPolicy } from '../../../agent/model/network-policy';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const NET = '/apis/networking.k8s.io/v1';
const NS = `${NET}/namespaces/default`;
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

const policy = (name: string, spec: object = {}) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name },
  spec,
});

describe('api: NetworkPolicies (memory runtime)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(systemClock) }).start();
  });
  afterEach(async () => h.stop());

  const req = (...args: Parameters<Harness['request']>) => h.request(...args);
  const causes = (res: { json: <T>() => T }) =>
    res.json<{ details: { causes: { field: string; message: string }[] } }>().details.causes;

  it('creates with upstream defaults, gets, lists across namespaces, updates (generation) and deletes', async () => {
    const created = await req(
      'POST',
      `${NS}/networkpolicies`,
      policy('web', {
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 80 }] }],
      }),
    );
    expect(created.statusCode, created.body).to.equal(201);
    const np = created.json<NetworkPolicy>();
    expect(np.metadata.generation).to.equal(1);
    expect(np.spec.policyTypes).to.deep.equal(['Ingress']);
    expect(np.spec.ingress?.[0]?.ports).to.deep.equal([{ protocol: 'TCP', port: 80 }]);
    const deny = await req('POST', `${NS}/networkpolicies`, policy('deny-egress', { egress: [{}] }));
    expect(deny.json<NetworkPolicy>().spec).to.deep.include({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
    expect((await req('GET', `${NET}/networkpolicies`)).json<{ items: unknown[] }>().items).to.have.length(2);
    const updated = await req('PUT', `${NS}/networkpolicies/web`, {
      ...np,
      spec: { ...np.spec, policyTypes: ['Ingress', 'Egress'] },
    });
    expect(updated.statusCode, updated.body).to.equal(200);
    expect(updated.json<NetworkPolicy>().metadata.generation).to.equal(2);
    expect((await req('DELETE', `${NS}/networkpolicies/web`)).statusCode).to.equal(200);
    expect((await req('GET', `${NS}/networkpolicies/web`)).statusCode).to.equal(404);
  });

  it('prints NAME POD-SELECTOR AGE, <none> for the empty selector', async () => {
    await req('POST', `${NS}/networkpolicies`, policy('all', {}));
    await req(
      'POST',
      `${NS}/networkpolicies`,
      policy('web', { podSelector: { matchLabels: { app: 'web', tier: 'fe' } } }),
    );
    const table = await req('GET', `${NS}/networkpolicies`, undefined, TABLE);
    const t = table.json<{ columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] }>();
    expect(t.columnDefinitions.map((c) => c.name)).to.deep.equal(['Name', 'Pod-Selector', 'Age']);
    expect(t.rows.map((r) => r.cells.slice(0, 2))).to.deep.equal([
      ['all', '<none>'],
      ['web', 'app=web,tier=fe'],
    ]);
  });

  it("refuses invalid policies with upstream's wording", async () => {
    const res = await req(
      'POST',
      `${NS}/networkpolicies`,
      policy('bad', {
        policyTypes: ['Ingress', 'Sideways'],
        ingress: [
          {
            ports: [
              { protocol: 'ICMP', port: 70000 },
              { endPort: 90 },
              { port: 'http', endPort: 90 },
              { port: 90, endPort: 80 },
            ],
            from: [
              {},
              { ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} },
              { ipBlock: { cidr: 'nope', except: [] } },
            ],
          },
        ],
        egress: [
          {
            to: [
              { ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24', '10.1.0.0/24', '10.0.0.0/8', 'x'] } },
            ],
          },
        ],
      }),
    );
    expect(res.statusCode).to.equal(422);
    expect(res.json<{ message: string }>().message).to.match(
      /^NetworkPolicy\.networking\.k8s\.io "bad" is invalid: /,
    );
    expect(causes(res).map((c) => `${c.field}: ${c.message}`)).to.deep.equal([
      'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
      'spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is not specified',
      'spec.ingress[0].ports[2].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
      'spec.ingress[0].ports[3].endPort: Invalid value: 90: must be greater than or equal to `port`',
      'spec.ingress[0].from[0]: Required value: must specify a peer',
      'spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer',
      'spec.ingress[0].from[2].ipBlock.cidr: Invalid value: "nope": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      'spec.egress[0].to[0].ipBlock.except[1]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`',
      'spec.egress[0].to[0].ipBlock.except[2]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
      'spec.egress[0].to[0].ipBlock.except[3]: Invalid value: "x": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      'spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
    ]);
    const three = await req(
      'POST',
      `${NS}/networkpolicies`,
      policy('three', { policyTypes: ['Ingress', 'Egress', 'Ingress'] }),
    );
    expect(causes(three).map((c) => c.message)).to.deep.equal([
      'Invalid value: &[]networking.PolicyType{"Ingress", "Egress", "Ingress"}: may not specify more than two policyTypes',
    ]);
    const v6 = await req(
      'POST',
      `${NS}/networkpolicies`,
      policy('v6', { egress: [{ to: [{ ipBlock: { cidr: '2001:db8::/64', except: ['2001:db8::/80'] } }] }] }),
    );
    expect(v6.statusCode, v6.body).to.equal(201);
  });

  it('discovery lists networkpolicies (netpol) with deletecollection; a namespace takes its policies along', async () => {
    const group = (await req('GET', NET)).json<{
      resources: { name: string; shortNames?: string[]; verbs: string[] }[];
    }>();
    const np = group.resources.find((r) => r.name === 'networkpolicies');
    expect(np?.shortNames).to.deep.equal(['netpol']);
    expect(np?.verbs).to.include('deletecollection');
    await req('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team' },
    });
    await req('POST', `${NET}/namespaces/team/networkpolicies`, policy('p', {}));
    expect((await req('DELETE', '/api/v1/namespaces/team')).statusCode).to.equal(200);
    await h.waitFor('the namespace gone', () => !h.agent.namespaces.get('', 'team'));
    expect(h.agent.networking.networkPolicies.list('team')).to.deep.equal([]);
  });
});
