// Jobs on the sync loop, written once for both runtimes: an Indexed Job whose index 1 fails on its first
// pod runs to completion, the failed index retried in a new pod after the back-off.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { COMPLETION_INDEX, type Job, trueCondition } from '../../agent/model/job';
import type { Pod } from '../../agent/model/pod';
import { container } from './helpers';
import { indexOneFailsOnce } from './programs';
import { scenarioGroup } from './suite';
import type { WorldFactory } from './world';

export function jobScenarios(factory: WorldFactory): void {
  scenarioGroup(factory, 'jobs', (scene, scenario) => {
    scenario('an Indexed Job completes, its failing index retried in a new pod', async () => {
      const h = scene.world.h;
      const markers = mkdtempSync(join(tmpdir(), 'mk-job-'));
      try {
        const res = await h.api.inject({
          method: 'POST',
          url: '/apis/batch/v1/namespaces/default/jobs',
          payload: {
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: { name: 'indexed' },
            spec: {
              completionMode: 'Indexed',
              completions: 3,
              parallelism: 3,
              backoffLimit: 2,
              template: {
                spec: {
                  restartPolicy: 'Never',
                  containers: [
                    container('work', indexOneFailsOnce, { volumeMounts: [{ name: 'x', mountPath: '/x' }] }),
                  ],
                  volumes: [{ name: 'x', hostPath: { path: markers } }],
                },
              },
            },
          },
        });
        expect(res.statusCode, res.body).to.equal(201);
        const job = await scene.waitFor(
          'the Job to complete',
          () => {
            const j = h.agent.batch.jobs.get('default', 'indexed');
            return j && trueCondition(j.status, 'Complete') ? j : undefined;
          },
          60_000,
        );
        expect(job.status).to.deep.include({ succeeded: 3, failed: 1, completedIndexes: '0-2' });
        expect(trueCondition(job.status, 'SuccessCriteriaMet')?.reason).to.equal('CompletionsReached');
        const pods = h.pods.list('default').filter((p) => p.metadata.labels?.['job-name'] === 'indexed');
        const phases = (index: string): string[] =>
          pods
            .filter((p: Pod) => p.metadata.annotations?.[COMPLETION_INDEX] === index)
            .map((p) => p.status.phase)
            .sort();
        expect([phases('0'), phases('1'), phases('2')]).to.deep.equal([
          ['Succeeded'],
          ['Failed', 'Succeeded'],
          ['Succeeded'],
        ]);
        const reasons = h.events.list({ uid: job.metadata.uid }).map((e) => `${e.reason}x${e.count}`);
        expect(reasons.filter((r) => r.startsWith('SuccessfulCreate'))).to.have.length(4);
        expect(reasons).to.include('Completedx1');
        const failed = pods.find((p) => p.status.phase === 'Failed');
        const log = await h.api.inject({
          method: 'GET',
          url: `/api/v1/namespaces/default/pods/${failed?.metadata.name ?? ''}/log`,
        });
        expect(log.body).to.equal('index 1\n');
        deleteJob(h.agent.batch.registries.jobs, job);
      } finally {
        rmSync(markers, { recursive: true, force: true });
      }
    });
  });
}

const deleteJob = (jobs: { delete(ns: string, name: string): unknown }, job: Job): void =>
  void jobs.delete(job.metadata.namespace, job.metadata.name);
