// Volumes on the real engine: subPath and subPathExpr on every volume type, escapes refused when the
// container starts; downwardAPI, configMap, secret and projected volumes written by the atomic writer,
// updated in running pods, Secret volumes on a tmpfs; a missing source holds the pod with FailedMount.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nopLogger } from '../../agent/log';
import type { Pod } from '../../agent/model/pod';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { parse as parseYaml } from 'yaml';
import { Harness } from '../helpers/harness';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('volumes (real engine)', function () {
  this.timeout(60_000);
  let h: Harness;
  let hostDir: string;
  before(async () => {
    hostDir = mkdtempSync(join(tmpdir(), 'mk-vol-host-'));
    h = await new Harness({
      runtime: new DockerRuntime({ logger: nopLogger }),
      backoffInitialMs: 500,
      flags: [`--allow-host-path=${hostDir}`],
    }).start();
  });
  after(async () => {
    await h.stop();
    rmSync(hostDir, { recursive: true, force: true });
  });

  /** Creates or replaces a ConfigMap or Secret through the API (Secret `data` in base64). */
  const config = {
    async put(kind: 'ConfigMap' | 'Secret', name: string, body: object): Promise<void> {
      const url = `/api/v1/namespaces/default/${kind.toLowerCase()}s`;
      const payload = { apiVersion: 'v1', kind, metadata: { name }, ...body };
      let res = await h.api.inject({ method: 'POST', url, payload });
      if (res.statusCode === 409) res = await h.api.inject({ method: 'PUT', url: `${url}/${name}`, payload });
      if (res.statusCode >= 300) throw new Error(`${kind} ${name}: ${res.statusCode} ${res.body}`);
    },
  };
  const pod = (name: string): Pod => h.pod(name)!;
  const idOf = (name: string, i = 0): string =>
    pod(name).status.containerStatuses![i]!.containerID!.slice('docker://'.length);
  const running = (name: string) =>
    h.waitFor(`${name} running`, () => pod(name)?.status.containerStatuses?.[0]?.state.running);
  const sh = async (name: string, script: string): Promise<string> => {
    const r = await h.runtime.exec(idOf(name), ['sh', '-c', script], 10_000);
    return r.output;
  };
  const sleeper = (name: string, volumeMounts: object[], extra: object = {}): object => ({
    name,
    image: 'busybox',
    command: ['sleep', '3600'],
    volumeMounts,
    ...extra,
  });
  const create = (name: string, spec: object, labels?: Record<string, string>) =>
    h.createPod({
      metadata: { name, ...(labels ? { labels } : {}) },
      spec: { terminationGracePeriodSeconds: 0, ...spec },
    });
  const waitingOf = (name: string) =>
    h.waitFor(
      `${name} waiting`,
      () =>
        pod(name)?.status.containerStatuses?.[0]?.state.waiting?.reason !== undefined &&
        pod(name).status.containerStatuses![0]!.state.waiting!.reason !== 'PodInitializing' &&
        pod(name).status.containerStatuses![0]!.state.waiting!.reason !== 'ContainerCreating' &&
        pod(name).status.containerStatuses![0]!.state.waiting,
    );

  it('subPath and subPathExpr mount a directory of an emptyDir (created when missing) and of a hostPath', async () => {
    await create('sub', {
      volumes: [
        { name: 'e', emptyDir: {} },
        { name: 'h', hostPath: { path: hostDir } },
      ],
      initContainers: [
        {
          name: 'init',
          image: 'busybox',
          command: ['sh', '-c', 'mkdir -p /e/conf && echo from-init > /e/conf/x && echo top > /e/top'],
          volumeMounts: [{ name: 'e', mountPath: '/e' }],
        },
      ],
      containers: [
        sleeper(
          'app',
          [
            { name: 'e', mountPath: '/x', subPath: 'conf' },
            { name: 'e', mountPath: '/made', subPath: 'new/dir' },
            { name: 'e', mountPath: '/mine', subPathExpr: 'per-pod/$(POD)' },
            { name: 'h', mountPath: '/host', subPath: 'sub' },
          ],
          { env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] },
        ),
      ],
    });
    await running('sub');
    expect(await sh('sub', 'cat /x/x; ls /x; ls -d /made; echo hi > /mine/f; echo h > /host/f')).to.equal(
      'from-init\nx\n/made\n',
    );
    // The whole emptyDir is not at /x; subPathExpr expanded; the hostPath's subPath was created on the host.
    const volume = await h.runtime.volumePath((await h.runtime.listVolumes(pod('sub').metadata.uid))[0]!);
    expect(readFileSync(join(volume, 'per-pod/sub/f'), 'utf8')).to.equal('hi\n');
    expect(readFileSync(join(hostDir, 'sub/f'), 'utf8')).to.equal('h\n');
  });

  for (const [what, plant] of [
    ['an absolute symlink to /etc', 'ln -s /etc /e/evil'],
    ['a relative symlink climbing out', 'ln -s ../../../../../../../../etc /e/evil'],
    ['a symlink to a host file', 'ln -s /etc/passwd /e/evil'],
    ['a symlink in a parent component', 'mkdir /e/d && ln -s /etc /e/d/x && ln -s d/x /e/evil'],
  ] as const) {
    it(`a subPath through ${what} planted by an init container fails the app: CreateContainerConfigError`, async () => {
      const name = `escape-${what.split(' ').length}-${plant.length}`;
      await create(name, {
        volumes: [{ name: 'e', emptyDir: {} }],
        initContainers: [
          {
            name: 'init',
            image: 'busybox',
            command: ['sh', '-c', plant],
            volumeMounts: [{ name: 'e', mountPath: '/e' }],
          },
        ],
        containers: [sleeper('app', [{ name: 'e', mountPath: '/x', subPath: 'evil' }])],
      });
      const waiting = await waitingOf(name);
      expect(waiting).to.deep.equal({
        reason: 'CreateContainerConfigError',
        message: 'failed to prepare subPath for volumeMount "e" of container "app"',
      });
      const events = h.events.list({ uid: pod(name).metadata.uid });
      expect(events.map((e) => `${e.reason} ${e.message}`)).to.include(
        'Failed Error: failed to prepare subPath for volumeMount "e" of container "app"',
      );
      expect(pod(name).status.containerStatuses?.[0]?.containerID).to.equal(undefined); // never created
    });
  }

  it('a subPathExpr that expands to .. or a missing variable fails the container as the kubelet', async () => {
    await create('expr', {
      volumes: [{ name: 'e', emptyDir: {} }],
      containers: [
        sleeper('app', [{ name: 'e', mountPath: '/x', subPathExpr: '$(UP)/etc' }], {
          env: [{ name: 'UP', value: '..' }],
        }),
      ],
    });
    expect(await waitingOf('expr')).to.deep.equal({
      reason: 'CreateContainerConfigError',
      message: "unable to provision SubPath `../etc`: must not contain '..'",
    });
    await create('expr2', {
      volumes: [{ name: 'e', emptyDir: {} }],
      containers: [sleeper('app', [{ name: 'e', mountPath: '/x', subPathExpr: '$(NOPE)' }])],
    });
    expect(await waitingOf('expr2')).to.deep.equal({
      reason: 'CreateContainerConfigError',
      message: 'missing value for NOPE',
    });
  });

  it('a downwardAPI volume holds labels, annotations, names and resources; label changes reach it within a second', async () => {
    await create(
      'down',
      {
        volumes: [
          {
            name: 'info',
            downwardAPI: {
              items: [
                { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
                { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
                {
                  path: 'mem',
                  resourceFieldRef: { containerName: 'app', resource: 'limits.memory', divisor: '1Mi' },
                },
              ],
            },
          },
        ],
        containers: [
          sleeper('app', [{ name: 'info', mountPath: '/info' }], {
            resources: { limits: { memory: '32Mi' } },
          }),
        ],
      },
      { a: '1' },
    );
    await running('down');
    expect(
      await sh(
        'down',
        'cat /info/labels; echo; cat /info/name; echo; cat /info/mem; echo; ls -a /info | grep -c "^\\.\\.2"',
      ),
    ).to.equal('a="1"\ndown\n32\n1\n');
    const res = await h.api.inject({
      method: 'PATCH',
      url: '/api/v1/namespaces/default/pods/down',
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: { metadata: { labels: { b: '2' } } },
    });
    expect(res.statusCode).to.equal(200);
    const t0 = Date.now();
    let text = '';
    while (Date.now() - t0 < 1000 && text !== 'a="1"\nb="2"') text = await sh('down', 'cat /info/labels');
    expect(text).to.equal('a="1"\nb="2"');
    expect(await sh('down', 'touch /info/x 2>&1 || echo ro')).to.contain('ro'); // read-only, as the kubelet
  });

  it('configMap, secret and projected volumes: items, modes, a tmpfs for secrets, updates within a second', async () => {
    await config.put('ConfigMap', 'cm', {
      data: { 'app.conf': 'v=1', other: 'o' },
      binaryData: { bin: b64('\x00\x01') },
    });
    await config.put('Secret', 'sec', { data: { password: b64('hunter2') } });
    await create('cfg', {
      volumes: [
        {
          name: 'cm',
          configMap: { name: 'cm', items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o600 }] },
        },
        { name: 'all', configMap: { name: 'cm' } },
        { name: 'sec', secret: { secretName: 'sec' } },
        { name: 'mode', secret: { secretName: 'sec', defaultMode: 0o400 } },
        { name: 'opt', configMap: { name: 'absent', optional: true } },
        {
          name: 'proj',
          projected: {
            sources: [
              { configMap: { name: 'cm', items: [{ key: 'other', path: 'o' }] } },
              { secret: { name: 'sec' } },
              { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
            ],
          },
        },
      ],
      containers: [
        sleeper('app', [
          { name: 'cm', mountPath: '/cm' },
          { name: 'all', mountPath: '/all' },
          { name: 'all', mountPath: '/one.conf', subPath: 'app.conf' },
          { name: 'sec', mountPath: '/sec' },
          { name: 'mode', mountPath: '/mode' },
          { name: 'opt', mountPath: '/opt' },
          { name: 'proj', mountPath: '/proj' },
        ]),
      ],
    });
    await running('cfg');
    const script = [
      'cat /cm/conf/app.conf; echo',
      'stat -L -c %a /cm/conf/app.conf /all/other /sec/password /mode/password',
      'od -An -tx1 /all/bin',
      'cat /sec/password; echo',
      'ls /opt | wc -l',
      'cat /proj/o /proj/password /proj/ns; echo',
      'grep " /sec " /proc/mounts | cut -d" " -f3',
    ].join('; ');
    expect(await sh('cfg', script)).to.equal(
      'v=1\n600\n644\n644\n400\n 00 01\nhunter2\n0\nohunter2default\ntmpfs\n',
    );
    // The Secret's files are on a tmpfs on the host (never on its disk).
    const dir = join(h.dataDir, 'pods', pod('cfg').metadata.uid, 'volumes/kubernetes.io~secret/sec');
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).to.match(new RegExp(` ${dir} [^\\n]* - tmpfs `));
    await config.put('ConfigMap', 'cm', { data: { 'app.conf': 'v=2', other: 'o' } });
    const t0 = Date.now();
    let text = '';
    while (Date.now() - t0 < 1000 && text !== 'v=2') text = await sh('cfg', 'cat /cm/conf/app.conf');
    expect(text).to.equal('v=2');
    expect(await sh('cfg', 'ls /all; cat /one.conf')).to.equal('app.conf\nother\nv=1'); // subPath files stay
  });

  it('the seed example: the init container renders a Secret into a file; the app reads only that file', async () => {
    await config.put('Secret', 'db-credentials', { data: { password: b64('s3cr3t') } });
    const manifest = parseYaml(
      readFileSync(join(__dirname, '../../../docs/examples/secret-render.yaml'), 'utf8'),
    );
    await h.createPod(manifest);
    await running('render-config');
    let out = '';
    for (let i = 0; i < 40 && !out.includes('No such file'); i++) {
      out = (await h.api.inject({ url: '/pods/render-config/log' })).body;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(out).to.equal('host=db\nuser=app\npassword=s3cr3t\nls: /secrets: No such file or directory\n');
    expect(pod('render-config').spec.containers[0]!.volumeMounts!.map((m) => m.name)).to.deep.equal([
      'rendered',
    ]);
  });

  it('an immutable ConfigMap is never read again', async () => {
    await config.put('ConfigMap', 'frozen', { data: { k: 'one' }, immutable: true });
    await create('imm', {
      volumes: [{ name: 'f', configMap: { name: 'frozen' } }],
      containers: [sleeper('app', [{ name: 'f', mountPath: '/f' }])],
    });
    await running('imm');
    // The API refuses the change (immutable); a write past it, straight to the store, is never read.
    const stored = h.agent.configMaps.get('default', 'frozen')!;
    h.agent.configMaps.update({ ...stored, data: { k: 'two' } }, { specChanged: true });
    await new Promise((r) => setTimeout(r, 500));
    expect(await sh('imm', 'cat /f/k')).to.equal('one');
  });

  it('a missing ConfigMap holds the pod in ContainerCreating with FailedMount; it starts once the ConfigMap exists', async () => {
    await create('late', {
      volumes: [{ name: 'x', configMap: { name: 'later' } }],
      containers: [sleeper('app', [{ name: 'x', mountPath: '/x' }])],
    });
    await h.waitFor('FailedMount', () =>
      h.events.list({ uid: pod('late').metadata.uid }).find((e) => e.reason === 'FailedMount'),
    );
    const ev = h.events.list({ uid: pod('late').metadata.uid }).find((e) => e.reason === 'FailedMount')!;
    expect(ev.type).to.equal('Warning');
    expect(ev.message).to.equal('MountVolume.SetUp failed for volume "x" : configmap "later" not found');
    await h.waitFor(
      'ContainerCreating',
      () => pod('late').status.containerStatuses?.[0]?.state.waiting?.reason === 'ContainerCreating',
    );
    expect(pod('late').status.phase).to.equal('Pending');
    await config.put('ConfigMap', 'later', { data: { k: 'here' } });
    const t0 = Date.now();
    await running('late');
    expect(Date.now() - t0).to.be.below(5_000);
    expect(await sh('late', 'cat /x/k')).to.equal('here');
  });
});
