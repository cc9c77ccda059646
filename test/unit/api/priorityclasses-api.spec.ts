// PriorityClasses through the API on the in-process agent (memory runtime, the real wiring): the system
// classes from the start and not deletable, validation and the one-default rule worded as upstream, the
// get columns, and new pods' priorities resolved by the Priority admission (403s worded as upstream).
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import type { Pod } from '../../../agent/model/pod';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const PCS = '/apis/scheduling.k8s.io/v1/priorityclasses';
const PODS = '/api/v1/namespaces/default/pods';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

const classBody = (name: string, value: number, extra: object = {}): object => ({
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  metadata: { name },
  value,
  ...extra,
});
const podBody = (name: string, spec: object = {}): object => ({
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1000'] }], ...spec },
});

describe('api: PriorityClasses and the Priority admission (memory runtime)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(systemClock), clock: systemClock }).start();
  });
  afterEach(async () => h.stop());

  const post = (url: string, payload: object) => h.api.inject({ method: 'POST', url, payload });
  const message = (r: { json: <T>() => T }) => r.json<{ message: string }>().message;

  it('serves the two system classes from the start; they cannot be deleted or changed', async () => {
    const t = (await h.api.inject({ url: PCS, headers: { accept: TABLE } })).json<{
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    }>();
    expect(t.columnDefinitions.map((c) => c.name)).to.deep.equal([
      'Name',
      'Value',
      'Global-Default',
      'Age',
      'PreemptionPolicy',
    ]);
    expect(t.rows.map((r) => [r.cells[0], r.cells[1], r.cells[2], r.cells[4]])).to.deep.equal([
      ['system-cluster-critical', 2000000000, false, 'PreemptLowerPriority'],
      ['system-node-critical', 2000001000, false, 'PreemptLowerPriority'],
    ]);
    const del = await h.api.inject({ method: 'DELETE', url: `${PCS}/system-node-critical` });
    expect(del.statusCode).to.equal(403);
    expect(message(del)).to.equal(
      'priorityclasses.scheduling.k8s.io "system-node-critical" is forbidden: this is a system priority class and cannot be deleted',
    );
    const patch = await h.api.inject({
      method: 'PATCH',
      url: `${PCS}/system-cluster-critical`,
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: { value: 5 },
    });
    expect(patch.statusCode).to.equal(422);
    expect(message(patch)).to.equal(
      `PriorityClass.scheduling.k8s.io "system-cluster-critical" is invalid: [metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-cluster-critical PriorityClass must be 2000000000, value: Forbidden: may not be changed in an update.]`,
    );
  });

  it('validation and the one default, worded as upstream', async () => {
    const big = await post(PCS, classBody('big', 1_000_000_001));
    expect(big.statusCode).to.equal(422);
    expect(message(big)).to.equal(
      'PriorityClass.scheduling.k8s.io "big" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000',
    );
    const sys = await post(PCS, classBody('system-mine', 5));
    expect(message(sys)).to.equal(
      `PriorityClass.scheduling.k8s.io "system-mine" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class`,
    );
    const policy = await post(PCS, classBody('p', 5, { preemptionPolicy: 'Sometimes' }));
    expect(message(policy)).to.equal(
      'PriorityClass.scheduling.k8s.io "p" is invalid: preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"',
    );
    const first = await post(PCS, classBody('first', 10, { globalDefault: true }));
    expect(first.statusCode).to.equal(201);
    expect(first.json()).to.include({
      value: 10,
      globalDefault: true,
      preemptionPolicy: 'PreemptLowerPriority',
    });
    const second = await post(PCS, classBody('second', 20, { globalDefault: true }));
    expect(second.statusCode).to.equal(403);
    expect(message(second)).to.equal(
      'priorityclasses.scheduling.k8s.io "second" is forbidden: PriorityClass first is already marked as default. Only one default can exist',
    );
    const never = await post(PCS, classBody('never', 10, { preemptionPolicy: 'Never' }));
    expect(never.statusCode).to.equal(201);
    const change = await h.api.inject({
      method: 'PATCH',
      url: `${PCS}/never`,
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: { preemptionPolicy: 'PreemptLowerPriority', description: 'x' },
    });
    expect(message(change)).to.equal(
      'PriorityClass.scheduling.k8s.io "never" is invalid: preemptionPolicy: Invalid value: "PreemptLowerPriority": field is immutable',
    );
    expect((await h.api.inject({ method: 'DELETE', url: `${PCS}/never` })).statusCode).to.equal(200);
  });

  it("new pods: the class's priority and policy, the global default, 403s for an unknown class or a priority of their own", async () => {
    expect((await post(PCS, classBody('high', 1000, { preemptionPolicy: 'Never' }))).statusCode).to.equal(
      201,
    );
    const plain = (await post(PODS, podBody('plain'))).json<Pod>();
    expect(plain.spec).to.include({ priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
    expect(plain.spec.priorityClassName).to.equal(undefined);
    const named = (await post(PODS, podBody('named', { priorityClassName: 'high' }))).json<Pod>();
    expect(named.spec).to.include({ priorityClassName: 'high', priority: 1000, preemptionPolicy: 'Never' });
    const critical = (
      await post(PODS, podBody('crit', { priorityClassName: 'system-node-critical' }))
    ).json<Pod>();
    expect(critical.spec.priority).to.equal(2000001000);

    const unknown = await post(PODS, podBody('x', { priorityClassName: 'nope' }));
    expect(unknown.statusCode).to.equal(403);
    expect(message(unknown)).to.equal('pods "x" is forbidden: no PriorityClass with name nope was found');
    const own = await post(PODS, podBody('y', { priorityClassName: 'high', priority: 5 }));
    expect(own.statusCode).to.equal(403);
    expect(message(own)).to.equal(
      'pods "y" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name',
    );

    expect((await post(PCS, classBody('low-default', -5, { globalDefault: true }))).statusCode).to.equal(201);
    const defaulted = (await post(PODS, podBody('defaulted'))).json<Pod>();
    expect(defaulted.spec).to.include({ priorityClassName: 'low-default', priority: -5 });
  });
});
