// The ServiceAccount token volume, written once for every runtime: a pod gets upstream's kube-api-access-xxxxx
// projected volume (token, ca.crt, namespace) whose token authenticates as its ServiceAccount, bound to the
// pod; automountServiceAccountToken: false gives none. Files are read from the volume's directory on the
// node (<data-dir>/pods/<uid>/volumes/kubernetes.io~projected/<name>), where the kubelet writes them.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from '../../agent/model/pod';
import { container as c } from './helpers';
import { sleepForever } from './programs';
import { scenarioGroup } from './suite';
import type { WorldFactory } from './world';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

export function serviceAccountTokenScenarios(world: WorldFactory): void {
  scenarioGroup(
    world,
    'ServiceAccount token volume scenarios',
    (s, scenario) => {
      const tokenVolume = (pod: Pod) => pod.spec.volumes?.find((v) => v.name.startsWith('kube-api-access-'));
      const read = (pod: Pod, file: string): string =>
        readFileSync(
          join(
            s.world.h.dataDir,
            'pods',
            pod.metadata.uid,
            'volumes',
            'kubernetes.io~projected',
            tokenVolume(pod)?.name ?? '?',
            file,
          ),
          'utf8',
        );

      scenario(
        'a pod gets kube-api-access-xxxxx: token, ca.crt, namespace; the token is its ServiceAccount, bound to it',
        async () => {
          await s.create('with-token', { containers: [c('app', sleepForever)] });
          await s.waitFor('Running', () => s.status('with-token') === 'Running');
          const pod = s.pod('with-token');
          expect(tokenVolume(pod)?.name).to.match(/^kube-api-access-[a-z0-9]{5}$/);
          expect(pod.spec.containers[0]?.volumeMounts).to.deep.include({
            name: tokenVolume(pod)?.name,
            mountPath: MOUNT,
            readOnly: true,
          });
          expect(read(pod, 'namespace')).to.equal('default');
          const ca = s.world.h.agent.configMaps.get('default', 'kube-root-ca.crt')?.data?.['ca.crt'];
          expect(ca).to.contain('BEGIN CERTIFICATE');
          expect(read(pod, 'ca.crt')).to.equal(ca);
          const token = read(pod, 'token');
          const review = await s.world.h.api.inject({
            method: 'POST',
            url: '/apis/authentication.k8s.io/v1/tokenreviews',
            payload: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
          });
          expect(review.statusCode, review.body).to.equal(201);
          const status = review.json<Json>()['status'] as Json;
          expect(status['authenticated']).to.equal(true);
          expect(status['user']['username']).to.equal('system:serviceaccount:default:default');
          expect(status['user']['extra']['authentication.kubernetes.io/pod-name']).to.deep.equal([
            'with-token',
          ]);
          expect(status['user']['extra']['authentication.kubernetes.io/pod-uid']).to.deep.equal([
            pod.metadata.uid,
          ]);
          // and it is a bearer token of the API, as that ServiceAccount
          const who = await s.world.h.api.inject({
            method: 'POST',
            url: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
            headers: { authorization: `Bearer ${token}` },
            payload: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
          });
          expect(who.statusCode, who.body).to.equal(201);
          expect(who.json<Json>()['status']['userInfo']['username']).to.equal(
            'system:serviceaccount:default:default',
          );
        },
      );

      scenario('automountServiceAccountToken: false: no token volume, no mount', async () => {
        await s.create('no-token', {
          automountServiceAccountToken: false,
          containers: [c('app', sleepForever)],
        });
        await s.waitFor('Running', () => s.status('no-token') === 'Running');
        const pod = s.pod('no-token');
        expect(pod.spec.volumes ?? []).to.deep.equal([]);
        expect(pod.spec.containers[0]?.volumeMounts ?? []).to.deep.equal([]);
      });
    },
    // --tls: a CA on every world (the memory one starts no API for pods), so pods get the volume
    () => ({ tokenIssuer: 'daemon', flags: ['--tls'] }),
  );
}
