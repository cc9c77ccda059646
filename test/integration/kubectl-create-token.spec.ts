// `kubectl create token` with the real kubectl 1.35 (protobuf TokenRequest) and 1.29 (JSON) against an agent
// with --auth=token --tls (client-go sends bearer tokens over TLS only), memory runtime: the token it prints
// works as `kubectl --token`, its options reach the token, and a token of a deleted ServiceAccount is a 401.
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { systemClock } from '../../agent/clock';
import { MemoryRuntime } from '../../agent/runtime/memory-runtime';
import { apiUrl, writeKubeconfig } from '../../daemon/kubeconfig';
import { Harness } from '../helpers/harness';
import { kubectlOf } from '../helpers/kubectl';

const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

describe('kubectl create token (--auth=token --tls, memory runtime)', function () {
  this.timeout(120_000);
  const served = {} as { h: Harness; kubeconfig: string };
  before(async () => {
    served.h = await new Harness({
      runtime: new MemoryRuntime(systemClock),
      clock: systemClock,
      flags: ['--auth=token', '--tls'],
    }).start();
    await served.h.api.listen({ host: '127.0.0.1', port: 0 });
    const port = (served.h.api.server.address() as AddressInfo).port;
    served.kubeconfig = join(served.h.dataDir, 'kubeconfig');
    const { token, tls } = served.h.agent.access;
    writeKubeconfig(served.kubeconfig, apiUrl('127.0.0.1', port, true), {
      ...(token ? { token } : {}),
      ...(tls ? { ca: tls.ca } : {}),
    });
  });
  after(async () => served.h?.stop());

  for (const minor of ['35', '29']) {
    describe(`kubectl 1.${minor}`, () => {
      const { kubectl, ok } = kubectlOf(minor, () => served);

      it('create token default: a token that works with --token', async () => {
        const token = (await ok(['create', 'token', 'default'])).trim();
        expect(token).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
        expect(claimsOf(token)).to.include({ sub: 'system:serviceaccount:default:default' });
        const out = await ok(['--token', token, 'get', '--raw', '/api']);
        expect(JSON.parse(out)).to.include({ kind: 'APIVersions' });
        const bad = await kubectl(['--token', `${token}x`, 'get', '--raw', '/api']);
        expect(bad.code).to.not.equal(0);
        expect(bad.stderr).to.match(/Unauthorized/);
      });

      it('--duration, --audience and --bound-object-kind Pod reach the token; a short duration is refused', async () => {
        const sa = `sa${minor}`;
        await ok(['create', 'serviceaccount', sa]);
        await ok([
          'run',
          `p${minor}`,
          '--image',
          'busybox',
          '--overrides',
          `{"spec":{"serviceAccountName":"${sa}"}}`,
        ]);
        const token = (
          await ok([
            'create',
            'token',
            sa,
            '--duration',
            '20m',
            '--audience',
            'vault',
            '--bound-object-kind',
            'Pod',
            '--bound-object-name',
            `p${minor}`,
          ])
        ).trim();
        const c = claimsOf(token) as {
          aud: string[];
          exp: number;
          iat: number;
          'kubernetes.io': { pod: { name: string } };
        };
        expect(c.aud).to.deep.equal(['vault']);
        expect(c.exp - c.iat).to.equal(1200);
        expect(c['kubernetes.io'].pod.name).to.equal(`p${minor}`);
        const short = await kubectl(['create', 'token', sa, '--duration', '1m']);
        expect(short.code).to.not.equal(0);
        expect(short.stderr).to.contain('may not specify a duration less than 10 minutes');
        const missing = await kubectl(['create', 'token', 'nope']);
        expect(missing.stderr).to.contain('serviceaccounts "nope" not found');
      });

      it('a token of a deleted ServiceAccount gets 401', async () => {
        const sa = `gone${minor}`;
        await ok(['create', 'serviceaccount', sa]);
        const token = (await ok(['create', 'token', sa])).trim();
        await ok(['--token', token, 'get', '--raw', '/api']);
        await ok(['delete', 'serviceaccount', sa]);
        const r = await kubectl(['--token', token, 'get', '--raw', '/api']);
        expect(r.code).to.not.equal(0);
        expect(r.stderr).to.match(/Unauthorized/);
      });
    });
  }
});
