// The real kubectl 1.35 (protobuf bodies) and 1.29 (JSON) on the memory runtime (no container starts), over
// plain HTTP without a token (client-go sends a bearer token over TLS only; the token's user is unit-tested): `auth can-i`, `auth can-i --list`, `auth whoami`, `--as` a ServiceAccount under RBAC, `create token`,
// `get crd` (none) and applying a kind nothing serves (upstream's "ensure CRDs are installed first").
import { expect } from 'chai';
import { kubectlOf, memoryAgentForKubectl } from '../helpers/kubectl';

describe('kubectl: auth can-i, auth whoami, create token, CRDs (memory runtime)', function () {
  this.timeout(120_000);
  const agent = memoryAgentForKubectl();

  for (const minor of ['35', '29']) {
    describe(`kubectl 1.${minor}`, () => {
      const { kubectl, ok } = kubectlOf(minor, () => agent);

      it('auth can-i create pods: yes', async () => {
        expect(await ok(['auth', 'can-i', 'create', 'pods'])).to.equal('yes\n');
        expect(await ok(['auth', 'can-i', 'delete', 'nodes', '-A'])).to.equal('yes\n');
      });

      it('auth can-i --list: every verb on every resource and URL', async () => {
        const out = await ok(['auth', 'can-i', '--list']);
        expect(out).to.match(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
        expect(out).to.match(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
        expect(out).to.match(/^\s+\[\*\]\s+\[\]\s+\[\*\]$/m);
      });

      it('auth whoami: anonymous without a token', async () => {
        const out = await ok(['auth', 'whoami']);
        expect(out).to.match(/^Username\s+system:anonymous$/m);
        expect(out).to.match(/^Groups\s+\[system:unauthenticated\]$/m);
      });

      it('--as a ServiceAccount: what RBAC grants it, Forbidden worded as upstream, whoami the impersonated', async () => {
        const sa = `as-${minor}`;
        const as = `--as=system:serviceaccount:default:${sa}`;
        await ok(['create', 'serviceaccount', sa]);
        expect((await kubectl(['auth', 'can-i', 'list', 'pods', as])).stdout).to.equal('no\n');
        const get = await kubectl(['get', 'pods', as]);
        expect(get.code).to.not.equal(0);
        expect(get.stderr).to.contain(
          `pods is forbidden: User "system:serviceaccount:default:${sa}" cannot list resource "pods" in API group "" in the namespace "default"`,
        );
        await ok([
          'create',
          'rolebinding',
          `${sa}-view`,
          '--clusterrole=view',
          `--serviceaccount=default:${sa}`,
        ]);
        expect(await ok(['auth', 'can-i', 'list', 'pods', as])).to.equal('yes\n');
        expect((await kubectl(['auth', 'can-i', 'create', 'pods', as])).stdout).to.equal('no\n');
        expect(await ok(['auth', 'whoami', as])).to.match(
          new RegExp(`^Username\\s+system:serviceaccount:default:${sa}$`, 'm'),
        );
        await ok(['delete', 'rolebinding', `${sa}-view`]);
        await ok(['delete', 'serviceaccount', sa]);
      });

      it('create token: a ServiceAccount token is printed (kubectl-create-token.spec.ts uses it)', async () => {
        const out = await ok(['create', 'token', 'default']);
        expect(out.trim()).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      });

      it('get crd: none; one without versions is refused as upstream refuses it', async () => {
        const r = await kubectl(['get', 'crd']);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stderr).to.contain('No resources found');
        const crd = await kubectl(
          ['apply', '-f', '-'],
          'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\n' +
            'spec: {group: example.com, names: {kind: Widget, plural: widgets}, scope: Namespaced, versions: []}\n',
        );
        expect(crd.code).to.not.equal(0);
        expect(crd.stderr).to.contain('is invalid');
        expect(crd.stderr).to.contain('must have exactly one version marked as storage version');
      });

      it('apply of a kind nothing serves: no matches for kind, ensure CRDs are installed first', async () => {
        const r = await kubectl(
          ['apply', '-f', '-'],
          'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n',
        );
        expect(r.code).to.not.equal(0);
        expect(r.stderr).to.contain('no matches for kind "Widget" in version "example.com/v1"');
        expect(r.stderr).to.contain('ensure CRDs are installed first');
        expect(r.stderr).to.not.contain('failed to list CRDs');
      });
    });
  }
});
