// planEviction (pure): what upstream's eviction subresource does with a pod and the budgets of its namespace.
// Baseline: a Running, ready pod; one budget with one disruption allowed.
import { expect } from 'chai';
import { isoTime } from '../../../../agent/clock';
import { MiniKubeletError } from '../../../../agent/errors';
import { planEviction } from '../../../../agent/disruption/plan-eviction';
import type { Pod } from '../../../../agent/model/pod';
import { NOW } from '../../../helpers/builders';
import { aPdb } from '../../../helpers/pdb-builders';
import { aWorkloadPod } from '../../../helpers/workload-builders';

const counts = { observedGeneration: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 };
const allowing = (n = 1, extra = {}) => aPdb(undefined, { ...counts, disruptionsAllowed: n }, extra);
const pod = aWorkloadPod('web-0');
const withPhase = (p: Pod, phase: Pod['status']['phase']): Pod => ({ ...p, status: { ...p.status, phase } });

function refusal(fn: () => unknown): MiniKubeletError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MiniKubeletError) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('planEviction (pure)', () => {
  it('baseline: allowed; the budget decremented, the pod noted in disruptedPods, the condition False at 0', () => {
    expect(planEviction(pod, [allowing()], NOW)).to.deep.equal({
      action: 'delete',
      budget: {
        name: 'web',
        status: {
          ...counts,
          disruptionsAllowed: 0,
          disruptedPods: { 'web-0': isoTime(NOW) },
          conditions: [
            {
              type: 'DisruptionAllowed',
              status: 'False',
              reason: 'InsufficientPods',
              message: '',
              lastTransitionTime: isoTime(NOW),
              observedGeneration: 1,
            },
          ],
        },
      },
    });
  });

  it('two allowed: one left, no condition written', () => {
    const plan = planEviction(pod, [allowing(2)], NOW);
    expect(plan).to.have.nested.property('budget.status.disruptionsAllowed', 1);
    expect(plan).to.not.have.nested.property('budget.status.conditions');
  });

  it('none allowed: 429 TooManyRequests with the DisruptionBudget cause, worded as upstream', () => {
    const err = refusal(() => planEviction(pod, [allowing(0)], NOW));
    expect(err.code).to.equal('TooManyRequests');
    expect(err.message).to.equal("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(err.details.causes).to.deep.equal([
      {
        reason: 'DisruptionBudget',
        message: 'The disruption budget web needs 2 healthy pods and has 3 currently',
        field: '',
      },
    ]);
  });

  it('a budget the controller has not seen at this generation: 429, still being processed', () => {
    const err = refusal(() => planEviction(pod, [allowing(1, { generation: 2 })], NOW));
    expect(err.code).to.equal('TooManyRequests');
    expect(err.details.causes?.[0]?.message).to.equal(
      'The disruption budget web is still being processed by the server.',
    );
    expect(err.details.retryAfterSeconds).to.equal(10);
  });

  it('no budget selects the pod: deleted without a check', () => {
    const other = aPdb(
      { minAvailable: 1, selector: { matchLabels: { app: 'other' } } },
      { disruptionsAllowed: 0 },
    );
    expect(planEviction(pod, [other], NOW)).to.deep.equal({ action: 'delete' });
  });

  it('an empty selector matches nothing here', () => {
    expect(planEviction(pod, [aPdb({ minAvailable: 1, selector: {} })], NOW)).to.deep.equal({
      action: 'delete',
    });
  });

  it('two budgets select the pod: multiple-budgets (a 500)', () => {
    expect(planEviction(pod, [allowing(), allowing(1, { name: 'other' })], NOW)).to.deep.equal({
      action: 'multiple-budgets',
    });
  });

  for (const phase of ['Pending', 'Succeeded', 'Failed'] as const)
    it(`a ${phase} pod is deleted without a check`, () => {
      expect(planEviction(withPhase(pod, phase), [allowing(0)], NOW)).to.deep.equal({ action: 'delete' });
    });

  it('a terminating pod is deleted without a check', () => {
    expect(planEviction(aWorkloadPod('web-0', { deleting: true }), [allowing(0)], NOW)).to.deep.equal({
      action: 'delete',
    });
  });

  it('an unready pod while the budget is met goes without a decrement (IfHealthyBudget)', () => {
    const unready = aWorkloadPod('web-0', { ready: false });
    expect(planEviction(unready, [allowing(0)], NOW)).to.deep.equal({ action: 'delete' });
  });

  it('an unready pod while the budget is not met is refused; AlwaysAllow lets it go', () => {
    const unready = aWorkloadPod('web-0', { ready: false });
    const short = aPdb(undefined, { ...counts, currentHealthy: 1, disruptionsAllowed: 0 });
    expect(refusal(() => planEviction(unready, [short], NOW)).code).to.equal('TooManyRequests');
    const always = { ...short, spec: { ...short.spec, unhealthyPodEvictionPolicy: 'AlwaysAllow' as const } };
    expect(planEviction(unready, [always], NOW)).to.deep.equal({ action: 'delete' });
  });
});
