// Static pods (--pod-manifest-path), written once for both runtimes: a manifest file in the directory runs
// as the mirror pod <name>-<node>; deleting the mirror through the API brings it back with the same
// containers; an edit of the file replaces the pod; removing the file deletes it and its containers.
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Pod } from '../../agent/model/pod';
import { CONFIG_MIRROR, CONFIG_SOURCE } from '../../agent/model/static-pod';
import { ownerReferencesOf } from '../../agent/model/workload';
import type { ObservedContainer } from '../../agent/runtime/runtime';
import type { Scene } from './helpers';
import { runUntilTerm } from './programs';
import { scenarioGroup } from './suite';
import type { WorldFactory } from './world';

const NODE = 'test-node'; // the harness's node name

/** A Pod manifest as a file holds it; `env` changes the spec (an edit). */
const manifest = (name: string, env?: string): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'c',
          image: 'busybox',
          command: runUntilTerm.command,
          ...(env ? { env: [{ name: 'X', value: env }] } : {}),
        },
      ],
    },
  });

const hashOf = (p: Pod): string => p.metadata.annotations?.[CONFIG_MIRROR] ?? '';

/** The engine's containers of a static pod (they carry its hash, not the mirror's uid), app only. */
async function apps(s: Scene, hash: string): Promise<Pick<ObservedContainer, 'id' | 'startedAt'>[]> {
  const all = await s.world.runtime.listContainers(hash);
  return all.filter((c) => c.kind === 'app').map(({ id, startedAt }) => ({ id, startedAt }));
}

export function staticPodScenarios(world: WorldFactory): void {
  let dir = '';
  scenarioGroup(
    world,
    'static pods',
    (s, scenario) => {
      after(() => rmSync(dir, { recursive: true, force: true }));
      const mirror = (name: string): Pod | undefined => s.world.h.pod(`${name}-${NODE}`);
      const running = (name: string, notHash?: string): Promise<Pod> =>
        s.waitFor(`${name}-${NODE} Running`, () => {
          const p = mirror(name);
          const fresh = p && !p.metadata.deletionTimestamp && hashOf(p) !== notHash;
          return fresh && s.status(`${name}-${NODE}`) === 'Running' ? p : undefined;
        });
      const gone = async (name: string, hash: string): Promise<void> => {
        await s.waitFor(`${name}-${NODE} gone`, () => !mirror(name));
        await s.until(`the containers of ${name} gone`, async () => (await apps(s, hash)).length === 0);
      };

      scenario(
        'a manifest file runs as the mirror pod; deleting the mirror recreates it, same containers',
        async () => {
          writeFileSync(join(dir, 'web.json'), manifest('web'));
          const first = await running('web');
          const hash = hashOf(first);
          expect(hash).to.not.equal('');
          expect(first.metadata.annotations?.[CONFIG_SOURCE]).to.equal('file');
          expect(first.spec.nodeName).to.equal(NODE);
          expect(ownerReferencesOf(first.metadata).map((o) => `${o.kind}/${o.name}`)).to.deep.equal([
            `Node/${NODE}`,
          ]);
          const before = await apps(s, hash);
          expect(before).to.have.length(1);
          const callsBefore = s.calls(`web-${NODE}`, 'create', 'start', 'stop', 'remove');

          const del = await s.world.h.api.inject({
            method: 'DELETE',
            url: `/api/v1/namespaces/default/pods/web-${NODE}`,
          });
          expect(del.statusCode, del.body).to.equal(200);
          const back = await s.waitFor('the mirror recreated', () => {
            const p = mirror('web');
            return p && p.metadata.uid !== first.metadata.uid ? p : undefined;
          });
          expect(hashOf(back)).to.equal(hash);
          expect(back.spec.containers).to.deep.equal(first.spec.containers);
          await running('web');
          expect(await apps(s, hash), 'the same container, not restarted').to.deep.equal(before);
          expect(s.calls(`web-${NODE}`, 'create', 'start', 'stop', 'remove')).to.deep.equal(callsBefore);

          unlinkSync(join(dir, 'web.json'));
          await gone('web', hash);
        },
      );

      scenario('an edit of the file replaces the pod; removing the file deletes it', async () => {
        writeFileSync(join(dir, 'edited.json'), manifest('edited'));
        const first = await running('edited');
        const [old] = await apps(s, hashOf(first));

        writeFileSync(join(dir, 'edited.json'), manifest('edited', '1'));
        const replaced = await running('edited', hashOf(first));
        expect(replaced.spec.containers[0]?.env).to.deep.equal([{ name: 'X', value: '1' }]);
        await s.until('the old containers gone', async () => (await apps(s, hashOf(first))).length === 0);
        const [now] = await apps(s, hashOf(replaced));
        expect(now?.id).to.be.a('string').and.not.equal(old?.id);

        unlinkSync(join(dir, 'edited.json'));
        await gone('edited', hashOf(replaced));
      });
    },
    () => {
      dir = mkdtempSync(join(tmpdir(), 'mk-manifests-'));
      return { flags: ['--pod-manifest-path', dir] };
    },
  );
}
