// DaemonSet ControllerRevisions through the real kubectl 1.35 and 1.29 on the memory runtime (no container
// starts): `kubectl get controllerrevisions` columns, `kubectl rollout history ds` (and `--revision=N`),
// `kubectl rollout undo ds` (and `--to-revision`), the renumbering of a revision brought back, and the
// revisions collected with their DaemonSet.
import { expect } from 'chai';
import { kubectlOf, memoryAgentForKubectl, workloadManifest } from '../helpers/kubectl';

const daemonSet = (name: string): string => workloadManifest('DaemonSet', name);

describe('kubectl: DaemonSet ControllerRevisions, rollout history and undo (memory runtime)', function () {
  this.timeout(120_000);
  const agent = memoryAgentForKubectl();

  /** name -> revision of the DaemonSet's revisions. */
  const revisions = (ds: string): Record<string, number> =>
    Object.fromEntries(
      agent.h.agent.controllerRevisions
        .list('default')
        .filter((r) => r.metadata.labels?.['app'] === ds)
        .map((r) => [r.metadata.name, r.revision]),
    );
  const until = async (ds: string, count: number): Promise<Record<string, number>> =>
    agent.h.waitFor(
      `${count} revisions of ${ds}`,
      () => Object.keys(revisions(ds)).length === count && revisions(ds),
    );
  const imageOf = (ds: string): string | undefined =>
    agent.h.agent.daemonSets.get('default', ds)?.spec.template.spec.containers[0]?.image;

  for (const minor of ['35', '29']) {
    describe(`kubectl 1.${minor}`, () => {
      const { ok } = kubectlOf(minor, () => agent);

      it('keeps one revision per template; history, undo and --to-revision as upstream', async () => {
        const ds = `cr-${minor}`;
        await ok(['apply', '-f', '-'], daemonSet(ds));
        const [first] = Object.keys(await until(ds, 1));
        const table = await ok(['get', 'controllerrevisions', '-l', `app=${ds}`]);
        expect(table).to.match(/^NAME\s+CONTROLLER\s+REVISION\s+AGE\n/);
        expect(table).to.match(new RegExp(`^${first}\\s+daemonset\\.apps/${ds}\\s+1\\s+\\d+s$`, 'm'));

        await ok(['set', 'image', `ds/${ds}`, 'main=busybox:1.1']);
        const two = await until(ds, 2);
        const second = Object.keys(two).find((n) => n !== first)!;
        expect(two).to.deep.equal({ [first!]: 1, [second]: 2 });
        await agent.h.waitFor('the pod of revision 2', () =>
          agent.h.pods
            .list('default')
            .some((p) => `${ds}-${p.metadata.labels?.['controller-revision-hash']}` === second),
        );

        const history = await ok(['rollout', 'history', `ds/${ds}`]);
        expect(history).to.match(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
        expect(await ok(['rollout', 'history', `ds/${ds}`, '--revision=1'])).to.contain('busybox:1.0');

        expect(await ok(['rollout', 'undo', `ds/${ds}`])).to.equal(`daemonset.apps/${ds} rolled back\n`);
        expect(imageOf(ds)).to.equal('busybox:1.0');
        await agent.h.waitFor('revision 1 renumbered 3', () => revisions(ds)[first!] === 3);
        expect(revisions(ds)).to.deep.equal({ [first!]: 3, [second]: 2 });

        expect(await ok(['rollout', 'undo', `ds/${ds}`, '--to-revision=2'])).to.equal(
          `daemonset.apps/${ds} rolled back\n`,
        );
        expect(imageOf(ds)).to.equal('busybox:1.1');
        await agent.h.waitFor('revision 2 renumbered 4', () => revisions(ds)[second] === 4);

        await ok(['delete', 'ds', ds]);
        await until(ds, 0);
      });
    });
  }
});
