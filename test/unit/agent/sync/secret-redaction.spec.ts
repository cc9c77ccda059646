// No Secret value in logs, events or error messages: a Secret's value goes through every path that writes
// text (create, refused writes, pods that use it, pods that miss a key, deletion) at debug level, and then
// neither the value nor its base64 form is anywhere in the log records, the events or the API's errors.
import { expect } from 'chai';
import { systemClock } from '../../../../agent/clock';
import { capturingLogger } from '../../../../agent/log';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import { Harness } from '../../../helpers/harness';

const NS = '/api/v1/namespaces/default';
const VALUE = 'pa55-w0rd-never-to-be-seen-9931';
const B64 = Buffer.from(VALUE).toString('base64');

describe('Secret values are redacted from logs, events and errors', () => {
  it('never writes a value, in clear or base64, while Secrets are created, refused, used and missed', async () => {
    const logger = capturingLogger();
    const rt = new MemoryRuntime(systemClock);
    rt.behaviour = () => 'run';
    const h = await new Harness({ runtime: rt, logger, flags: ['--log-level=debug'] }).start();
    const errors: string[] = [];
    const call = async (
      method: 'POST' | 'PATCH' | 'DELETE',
      url: string,
      payload?: object,
      type?: string,
    ) => {
      const res = await h.api.inject({
        method,
        url,
        ...(payload ? { payload } : {}),
        headers: { 'content-type': type ?? 'application/json' },
      });
      if (res.statusCode >= 400) errors.push(res.body);
      return res;
    };
    try {
      await call('POST', `${NS}/secrets`, {
        kind: 'Secret',
        metadata: { name: 'creds' },
        stringData: { pw: VALUE },
        immutable: true,
      });
      // Refused writes: a value in a type's JSON key, an immutable change, a key with a bad name.
      await call('POST', `${NS}/secrets`, {
        kind: 'Secret',
        metadata: { name: 'dockercfg' },
        type: 'kubernetes.io/dockerconfigjson',
        stringData: { '.dockerconfigjson': `{"auths": ${VALUE}}` },
      });
      await call(
        'PATCH',
        `${NS}/secrets/creds`,
        { stringData: { pw: `${VALUE}-2` } },
        'application/merge-patch+json',
      );
      await call('POST', `${NS}/secrets`, {
        kind: 'Secret',
        metadata: { name: 'bad-key' },
        stringData: { 'a b': VALUE },
      });
      await call('POST', `${NS}/secrets`, {
        kind: 'Secret',
        metadata: { name: 'too-big' },
        stringData: { a: VALUE.repeat(40_000) },
      });
      expect(errors).to.have.length(4);
      const pod = (name: string, key: string) => ({
        metadata: { name },
        spec: {
          containers: [
            {
              name: 'c',
              image: 'busybox',
              env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key } } }],
              envFrom: [{ secretRef: { name: 'creds' } }],
            },
          ],
        },
      });
      await h.createPod(pod('uses', 'pw'));
      await h.createPod(pod('misses', 'nope'));
      await h.waitFor('running', () => h.pod('uses')?.status.containerStatuses?.[0]?.state.running);
      await h.waitFor(
        'config error',
        () =>
          h.pod('misses')?.status.containerStatuses?.[0]?.state.waiting?.reason ===
          'CreateContainerConfigError',
      );
      const created = [...rt.containers.values()].find((c) => c.podName === 'uses' && c.kind === 'app');
      expect(created?.spec?.env, 'the runtime does get the value').to.include(`PW=${VALUE}`);
      await call('DELETE', `${NS}/secrets/creds`);
      await call('DELETE', `${NS}/pods/uses`);
    } finally {
      await h.stop();
    }
    const logs = JSON.stringify(logger.records);
    const events = JSON.stringify(h.events.list({}));
    expect(logger.records.length).to.be.greaterThan(10);
    expect(events).to.include("couldn't find key nope in Secret default/creds");
    for (const [what, text] of [
      ['logs', logs],
      ['events', events],
      ['errors', errors.join('\n')],
    ] as const) {
      expect(text, what).to.not.include(VALUE);
      expect(text, what).to.not.include(B64.slice(0, 20));
    }
  });
});
