// The pod a Job creates: upstream's names, labels, annotations, owner, tracking finalizer and, for Indexed
// Jobs, the completion index (annotation, label, JOB_COMPLETION_INDEX, hostname).
import { expect } from 'chai';
import { formatIndexes, parseIndexes } from '../../../../agent/jobs/indexes';
import { podFor } from '../../../../agent/jobs/job-pods';
import { aJob } from '../../../helpers/job-builders';

describe('agent/jobs/job-pods', () => {
  const owner = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    name: 'pi',
    uid: 'job-uid',
    controller: true,
    blockOwnerDeletion: true,
  };

  it('names a NonIndexed pod <job>-<random> and labels it as upstream does', () => {
    const job = aJob();
    job.spec.template.metadata = { labels: { app: 'pi' }, annotations: { note: 'x' } };
    expect(podFor(job, undefined)).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: 'pi-',
        namespace: 'default',
        labels: {
          app: 'pi',
          'batch.kubernetes.io/controller-uid': 'job-uid',
          'batch.kubernetes.io/job-name': 'pi',
          'controller-uid': 'job-uid',
          'job-name': 'pi',
        },
        annotations: { note: 'x' },
        ownerReferences: [owner],
        finalizers: ['batch.kubernetes.io/job-tracking'],
      },
      spec: job.spec.template.spec,
    });
  });

  it('gives an Indexed pod its index: name, annotation, label, JOB_COMPLETION_INDEX, hostname', () => {
    const pod = podFor(aJob({ completionMode: 'Indexed', completions: 3 }), 2) as {
      metadata: Record<string, unknown>;
      spec: { hostname: string; containers: { env: unknown[] }[] };
    };
    expect(pod.metadata['generateName']).to.equal('pi-2-');
    expect(pod.metadata['annotations']).to.deep.equal({ 'batch.kubernetes.io/job-completion-index': '2' });
    expect(pod.metadata['labels']).to.include({ 'batch.kubernetes.io/job-completion-index': '2' });
    expect(pod.spec.hostname).to.equal('pi-2');
    expect(pod.spec.containers[0]?.env).to.deep.equal([
      {
        name: 'JOB_COMPLETION_INDEX',
        valueFrom: {
          fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" },
        },
      },
    ]);
  });

  it('cuts a long generateName to 58 characters, as upstream', () => {
    const job = aJob();
    job.metadata.name = 'x'.repeat(63);
    expect(podFor(job, undefined)['metadata']).to.include({ generateName: 'x'.repeat(58) });
  });

  it('writes completedIndexes as upstream: ascending runs', () => {
    expect(formatIndexes([4, 0, 1, 2, 6, 7])).to.equal('0-2,4,6-7');
    expect(formatIndexes([])).to.equal('');
    expect([...parseIndexes('0-2,4,6-7')]).to.deep.equal([0, 1, 2, 4, 6, 7]);
  });
});
