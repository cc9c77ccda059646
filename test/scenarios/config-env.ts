// Env from ConfigMaps and Secrets, on every runtime: env.valueFrom (configMapKeyRef, secretKeyRef, optional)
// and envFrom (prefix, skipped names) in init, sidecar and app containers; a missing object or key keeps
// the container waiting in CreateContainerConfigError (counted Warning) until it is created, and then the
// pod starts at once (woken by the store, not a poll). A ConfigMap changed while an init container runs is
// seen by the containers after it: nothing of a container is prepared before its turn.
import { expect } from 'chai';
import { container as c } from './helpers';
import { printEnv, sleepThenExit } from './programs';
import { scenarioGroup } from './suite';
import type { WorldFactory } from './world';

const NS = '/api/v1/namespaces/default';
const NAMES = ['MODE', 'PASSWORD', 'OPT', 'CFG_mode', 'mode', 'password'];
const EXPECTED = [
  'MODE=fast',
  'PASSWORD=s3cr3t-v4lue',
  'OPT=<unset>',
  'CFG_mode=fast',
  'mode=fast',
  'password=s3cr3t-v4lue',
];

const env = [
  { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'mode' } } },
  { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'app-secret', key: 'password' } } },
  { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'nope', optional: true } } },
  { name: 'GONE', valueFrom: { secretKeyRef: { name: 'no-such-secret', key: 'k', optional: true } } },
];
const envFrom = [
  { configMapRef: { name: 'app-config' } },
  { prefix: 'CFG_', configMapRef: { name: 'app-config' } },
  { secretRef: { name: 'app-secret' } },
  { configMapRef: { name: 'optional-missing', optional: true } },
];

export function configEnvScenarios(world: WorldFactory): void {
  scenarioGroup(world, 'env from ConfigMaps and Secrets', (s, scenario) => {
    const post = async (kind: string, body: object): Promise<void> => {
      const res = await s.world.h.api.inject({ method: 'POST', url: `${NS}/${kind}`, payload: body });
      expect(res.statusCode, res.body).to.equal(201);
    };
    const patchData = async (configMap: string, data: Record<string, string>): Promise<void> => {
      const res = await s.world.h.api.inject({
        method: 'PATCH',
        url: `${NS}/configmaps/${configMap}`,
        headers: { 'content-type': 'application/merge-patch+json' },
        payload: { data },
      });
      expect(res.statusCode, res.body).to.equal(200);
    };
    const logs = async (pod: string, container: string): Promise<string[]> => {
      const res = await s.world.h.api.inject({ url: `${NS}/pods/${pod}/log?container=${container}` });
      return res.body.split('\n').filter((l) => l);
    };
    const waiting = (pod: string, init = false) => (init ? s.init(pod, 0) : s.app(pod))?.state.waiting;

    scenario(
      'init, sidecar and app containers get env and envFrom values; bad names are skipped with an event',
      async () => {
        await post('configmaps', {
          kind: 'ConfigMap',
          metadata: { name: 'app-config' },
          data: { mode: 'fast', '1bad': 'x' },
        });
        await post('secrets', {
          kind: 'Secret',
          metadata: { name: 'app-secret' },
          stringData: { password: 's3cr3t-v4lue' },
        });
        await s.create('env-pod', {
          initContainers: [
            c('init', printEnv(NAMES, 'exit'), { env, envFrom }),
            c('side', printEnv(NAMES, 'run'), { env, envFrom, restartPolicy: 'Always' }),
          ],
          containers: [c('app', printEnv(NAMES, 'run'), { env, envFrom })],
        });
        await s.waitFor('Running', () => s.pod('env-pod').status.containerStatuses?.[0]?.state.running);
        for (const name of ['init', 'side', 'app']) {
          await s.until(`${name} printed`, async () => (await logs('env-pod', name)).length >= NAMES.length);
          expect(await logs('env-pod', name), name).to.deep.equal(EXPECTED);
        }
        const skipped = s.world.h.events
          .list({ uid: s.pod('env-pod').metadata.uid })
          .find((e) => e.reason === 'InvalidEnvironmentVariableNames');
        expect(skipped?.type).to.equal('Warning');
        expect(skipped?.message).to.equal(
          'Keys [1bad] from the EnvFrom configMap default/app-config were skipped since they are considered invalid environment variable names.',
        );
        expect(skipped?.count).to.equal(3); // once per container start
      },
    );

    scenario(
      'a ConfigMap changed while an init container runs is what the next containers get (env resolved at each start)',
      async () => {
        await post('configmaps', { kind: 'ConfigMap', metadata: { name: 'stage' }, data: { mode: 'v1' } });
        const mode = [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'stage', key: 'mode' } } }];
        await s.create('cm-change', {
          initContainers: [
            c('init1', printEnv(['MODE'], 'exit'), { env: mode }),
            c('init2', sleepThenExit(4)),
            c('init3', printEnv(['MODE'], 'exit'), { env: mode }),
          ],
          containers: [c('app', printEnv(['MODE'], 'run'), { env: mode })],
        });
        await s.waitFor('init2 running', () => s.init('cm-change', 1)?.state.running);
        // the change the init container stands for (a Job it runs, a controller it waits on), through the API
        await patchData('stage', { mode: 'v2' });
        expect(s.init('cm-change', 1)?.state.running, 'changed while init2 ran').to.not.equal(undefined);
        await s.waitFor('Running', () => s.app('cm-change')?.state.running, 20_000);
        expect(await logs('cm-change', 'init1')).to.deep.equal(['MODE=v1']);
        expect(await logs('cm-change', 'init3')).to.deep.equal(['MODE=v2']);
        await s.until('app printed', async () => (await logs('cm-change', 'app')).length >= 1);
        expect(await logs('cm-change', 'app')).to.deep.equal(['MODE=v2']);
      },
    );

    scenario(
      'a missing ConfigMap, then a missing key: CreateContainerConfigError; created, the pod starts within a second',
      async () => {
        await s.create('late-pod', {
          containers: [
            c('app', printEnv(['K'], 'run'), {
              env: [{ name: 'K', valueFrom: { configMapKeyRef: { name: 'late', key: 'k' } } }],
            }),
          ],
        });
        await s.waitFor(
          'CreateContainerConfigError',
          () => waiting('late-pod')?.reason === 'CreateContainerConfigError',
        );
        expect(waiting('late-pod')?.message).to.equal('configmap "late" not found');
        expect(s.status('late-pod')).to.equal('CreateContainerConfigError');
        const failed = () =>
          s.world.h.events.list({ uid: s.pod('late-pod').metadata.uid }).find((e) => e.reason === 'Failed');
        expect(failed()?.type).to.equal('Warning');
        expect(failed()?.message).to.equal('Error: configmap "late" not found');
        // retried while it is missing, and each retry counted on the one event (before the ConfigMap
        // exists: once it does, the message changes and a new event begins)
        await s.waitFor('retried', () => (failed()?.count ?? 0) >= 2, 5_000);
        await post('configmaps', { kind: 'ConfigMap', metadata: { name: 'late' }, data: { other: 'x' } });
        await s.waitFor(
          'key missing',
          () => waiting('late-pod')?.message === "couldn't find key k in ConfigMap default/late",
        );
        await patchData('late', { k: 'v' });
        const written = Date.now();
        await s.waitFor('app created', () => s.calls('late-pod', 'create').includes('create app'), 5_000);
        expect(Date.now() - written, 'created within a second of the write').to.be.below(1_000);
        await s.waitFor('Running', () => s.app('late-pod')?.state.running);
      },
    );

    scenario(
      'an init container waits for its Secret (Init:CreateContainerConfigError), then the pod runs',
      async () => {
        await s.create('init-secret', {
          initContainers: [
            c('init', printEnv(['T'], 'exit'), {
              env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'token', key: 't' } } }],
            }),
          ],
          containers: [c('app', printEnv(['T'], 'run'))],
        });
        await s.waitFor(
          'init waiting',
          () => waiting('init-secret', true)?.reason === 'CreateContainerConfigError',
        );
        expect(waiting('init-secret', true)?.message).to.equal('secret "token" not found');
        expect(s.status('init-secret')).to.equal('Init:CreateContainerConfigError');
        await s.waitFor(
          'retries held off',
          () =>
            s.world.h.events
              .list({ uid: s.pod('init-secret').metadata.uid })
              .some((e) => e.reason === 'Failed' && e.count >= 2),
          5_000,
        );
        await post('secrets', { kind: 'Secret', metadata: { name: 'token' }, stringData: { t: 'tok' } });
        const written = Date.now();
        await s.waitFor(
          'init created',
          () => s.calls('init-secret', 'create').includes('create init'),
          5_000,
        );
        expect(Date.now() - written, 'created within a second of the write').to.be.below(1_000);
        await s.waitFor('Running', () => s.app('init-secret')?.state.running);
        expect(await logs('init-secret', 'init')).to.deep.equal(['T=tok']);
      },
    );
  });
}
