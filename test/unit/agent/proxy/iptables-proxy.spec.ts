import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { errorCode } from '../../../../agent/errors';
import { capturingLogger } from '../../../../agent/log';
import { enableHairpin } from '../../../../agent/proxy/hairpin';
import { IptablesProxy, type RunResult } from '../../../../agent/proxy/iptables-proxy';
import { RecordingProxy } from '../../../../agent/proxy/recording-proxy';
import type { ServiceRule } from '../../../../agent/proxy/service-rules';

interface Call {
  cmd: string;
  args: readonly string[];
  stdin: string;
}

/** A fake iptables: answers iptables-save with `saved`, records everything, can hold calls open. */
class FakeIptables {
  readonly calls: Call[] = [];
  saved = '';
  fail: Partial<Record<string, RunResult>> = {};
  private held: (() => void)[] = [];
  hold = false;

  readonly run = async (cmd: string, args: readonly string[], stdin: string): Promise<RunResult> => {
    this.calls.push({ cmd, args, stdin });
    if (this.hold) await new Promise<void>((r) => this.held.push(r));
    return this.fail[cmd] ?? { code: 0, stdout: cmd.endsWith('-save') ? this.saved : '', stderr: '' };
  };

  release(): void {
    this.hold = false;
    for (const r of this.held.splice(0)) r();
  }

  restores(): string[] {
    return this.calls.filter((c) => c.cmd.endsWith('-restore')).map((c) => c.stdin);
  }
}

const rule = (name: string, ips: string[]): ServiceRule => ({
  namespace: 'default',
  name,
  clusterIP: '10.96.0.20',
  port: 80,
  protocol: 'TCP',
  endpoints: ips.map((ip) => ({ ip, port: 8080 })),
});

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('agent/proxy/iptables-proxy', () => {
  let fake: FakeIptables;
  let logger: ReturnType<typeof capturingLogger>;
  let proxy: IptablesProxy;

  beforeEach(() => {
    fake = new FakeIptables();
    logger = capturingLogger();
    proxy = new IptablesProxy({ logger, serviceCidr: '10.96.0.0/12', run: fake.run, hairpin: false });
  });

  it('reads the state once, then writes our chains and the jumps in one restore without flushing', async () => {
    await proxy.sync([rule('web', ['10.244.0.2'])]);
    expect(fake.calls.map((c) => [c.cmd, ...c.args].join(' '))).to.deep.equal([
      'iptables-save',
      'iptables-restore -w --noflush',
    ]);
    const input = fake.restores()[0]!;
    expect(input).to.include('-j DNAT --to-destination 10.244.0.2:8080');
    expect(input).to.include(
      '-I FORWARD 1 -m comment --comment "minikubelet service range" -j MINIKUBELET-FORWARD',
    );
    expect(input).to.include(
      '-I PREROUTING 1 -m comment --comment "minikubelet service portals" -j MINIKUBELET-SERVICES',
    );
    expect(logger.records).to.deep.equal([
      {
        level: 'debug',
        message: 'service rules synced',
        fields: { services: 1, endpoints: 1, withoutEndpoints: 0, jumpChanges: 5, hairpinPorts: 0 },
      },
    ]);
  });

  it('does not insert jumps that are already in place, and deletes chains no longer wanted', async () => {
    fake.saved = [
      '*nat',
      ':MINIKUBELET-SERVICES - [0:0]',
      ':MINIKUBELET-SVC-GONEGONEGONE - [0:0]',
      '-A PREROUTING -m comment --comment "minikubelet service portals" -j MINIKUBELET-SERVICES',
      '-A OUTPUT -m comment --comment "minikubelet service portals" -j MINIKUBELET-SERVICES',
      '-A POSTROUTING -m comment --comment "minikubelet postrouting rules" -j MINIKUBELET-POSTROUTING',
      'COMMIT',
      '*filter',
      '-A FORWARD -m comment --comment "minikubelet service range" -j MINIKUBELET-FORWARD',
      '-A OUTPUT -m comment --comment "minikubelet service range" -j MINIKUBELET-OUTPUT',
      'COMMIT',
    ].join('\n');
    await proxy.sync([]);
    const input = fake.restores()[0]!;
    expect(input).not.to.match(/^-[ID] /m);
    expect(input).to.include('-X MINIKUBELET-SVC-GONEGONEGONE\nCOMMIT');
  });

  it('coalesces calls made while a sync runs into one more sync of the latest rules', async () => {
    fake.hold = true;
    const first = proxy.sync([rule('a', ['10.244.0.2'])]);
    await tick();
    const later = [
      proxy.sync([rule('b', ['10.244.0.3'])]),
      proxy.sync([rule('c', ['10.244.0.4'])]),
      proxy.sync([rule('d', ['10.244.0.5'])]),
    ];
    expect(later[1]).to.equal(later[0]);
    fake.release();
    await Promise.all([first, ...later]);
    const restores = fake.restores();
    expect(restores).to.have.length(2);
    expect(restores[0]).to.include('"default/a:80"');
    expect(restores[1]).to.include('"default/d:80"').and.not.include('"default/b:80"');
    // Strictly one after the other: save, restore, save, restore.
    expect(fake.calls.map((c) => c.cmd)).to.deep.equal([
      'iptables-save',
      'iptables-restore',
      'iptables-save',
      'iptables-restore',
    ]);
  });

  it('fails with RuntimeError carrying the stderr of iptables-restore, and the next sync still runs', async () => {
    fake.fail['iptables-restore'] = { code: 2, stdout: '', stderr: 'iptables-restore: line 7 failed\n' };
    const err = await proxy.sync([]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(errorCode(err)).to.equal('RuntimeError');
    expect((err as Error).message).to.equal(
      'iptables-restore failed (exit 2): iptables-restore: line 7 failed',
    );
    delete fake.fail['iptables-restore'];
    await proxy.sync([]);
    expect(fake.restores()).to.have.length(2);
  });

  it('fails with RuntimeError when iptables cannot be started', async () => {
    const missing = new IptablesProxy({
      logger,
      serviceCidr: '10.96.0.0/12',
      iptablesCmd: 'iptables-legacy',
      run: () =>
        Promise.reject(Object.assign(new Error('spawn iptables-legacy-save ENOENT'), { code: 'ENOENT' })),
    });
    const err = await missing.sync([]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(errorCode(err)).to.equal('RuntimeError');
    expect((err as Error).message).to.include('iptables-legacy-save');
  });

  it('fails with InternalError on a rule that cannot be rendered, before touching iptables-restore', async () => {
    const err = await proxy.sync([{ ...rule('web', []), clusterIP: 'None' }]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(errorCode(err)).to.equal('InternalError');
    expect(fake.restores()).to.have.length(0);
  });

  it('cleans up by removing the jumps and deleting every chain of ours, leaving Docker alone', async () => {
    fake.saved = [
      '*nat',
      ':DOCKER - [0:0]',
      ':MINIKUBELET-SERVICES - [0:0]',
      ':MINIKUBELET-SVC-AAAAAAAAAAAA - [0:0]',
      '-A PREROUTING -m comment --comment "minikubelet service portals" -j MINIKUBELET-SERVICES',
      '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
      '-A MINIKUBELET-SERVICES -d 10.96.0.20/32 -j MINIKUBELET-SVC-AAAAAAAAAAAA',
      'COMMIT',
      '*filter',
      ':DOCKER-USER - [0:0]',
      'COMMIT',
    ].join('\n');
    await proxy.cleanup();
    expect(fake.restores()).to.deep.equal([
      [
        '*nat',
        ':MINIKUBELET-SERVICES - [0:0]',
        ':MINIKUBELET-SVC-AAAAAAAAAAAA - [0:0]',
        '-D PREROUTING -m comment --comment "minikubelet service portals" -j MINIKUBELET-SERVICES',
        '-X MINIKUBELET-SERVICES',
        '-X MINIKUBELET-SVC-AAAAAAAAAAAA',
        'COMMIT',
        '',
      ].join('\n'),
    ]);
  });

  it('still installs the rules when hairpin mode cannot be set, warning once', async () => {
    const sysfs = mkdtempSync(join(tmpdir(), 'mk-sysfs-'));
    writeFileSync(join(sysfs, 'class'), 'not a directory'); // readdir fails with ENOTDIR
    const interfaces = () => ({
      'br-pods': [
        {
          address: '10.244.0.1',
          cidr: '10.244.0.1/16',
          family: 'IPv4' as const,
          netmask: '',
          mac: '',
          internal: false,
        },
      ],
    });
    const p = new IptablesProxy({
      logger,
      serviceCidr: '10.96.0.0/12',
      run: fake.run,
      hairpin: { sysfs, interfaces },
    });
    try {
      await p.sync([rule('web', ['10.244.0.2'])]);
      await p.sync([rule('web', ['10.244.0.2'])]);
    } finally {
      rmSync(sysfs, { recursive: true, force: true });
    }
    expect(fake.restores()).to.have.length(2);
    expect(logger.records.filter((r) => r.level === 'warn').map((r) => r.message)).to.deep.equal([
      'hairpin mode not set; a pod cannot reach itself through its Service',
    ]);
  });

  it('cleans up nothing when nothing of ours is installed', async () => {
    await proxy.cleanup();
    expect(fake.calls.map((c) => c.cmd)).to.deep.equal(['iptables-save']);
  });
});

describe('agent/proxy/hairpin', () => {
  let sysfs: string;
  const port = (bridge: string, name: string, mode: string): string => {
    const dir = join(sysfs, 'class/net', bridge, 'brif', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'hairpin_mode'), mode);
    return join(dir, 'hairpin_mode');
  };

  beforeEach(() => {
    sysfs = mkdtempSync(join(tmpdir(), 'mk-sysfs-'));
  });
  afterEach(() => rmSync(sysfs, { recursive: true, force: true }));

  it('turns hairpin on for the ports of the bridge whose subnet holds an endpoint, and no other', async () => {
    const a = port('br-pods', 'veth1', '0\n');
    const b = port('br-pods', 'veth2', '1\n');
    const other = port('br-other', 'veth3', '0\n');
    mkdirSync(join(sysfs, 'class/net/eth0'), { recursive: true }); // holds an endpoint, not a bridge
    const interfaces = () => ({
      'br-pods': [
        {
          address: '10.244.0.1',
          cidr: '10.244.0.1/16',
          family: 'IPv4' as const,
          netmask: '255.255.0.0',
          mac: '',
          internal: false,
        },
      ],
      'br-other': [
        {
          address: '10.245.0.1',
          cidr: '10.245.0.1/16',
          family: 'IPv4' as const,
          netmask: '255.255.0.0',
          mac: '',
          internal: false,
        },
      ],
      eth0: [
        {
          address: '192.0.2.2',
          cidr: '192.0.2.2/24',
          family: 'IPv4' as const,
          netmask: '255.255.255.0',
          mac: '',
          internal: false,
        },
      ],
    });
    expect(await enableHairpin(['10.244.0.7', '192.0.2.9'], { sysfs, interfaces })).to.equal(1);
    expect(readFileSync(a, 'utf8')).to.equal('1');
    expect(readFileSync(b, 'utf8')).to.equal('1\n');
    expect(readFileSync(other, 'utf8')).to.equal('0\n');
  });
});

describe('agent/proxy/recording-proxy', () => {
  it('keeps each table it is handed and what is installed now, and fails once when told', async () => {
    const p = new RecordingProxy();
    const rules = [rule('web', ['10.244.0.2'])];
    await p.sync(rules);
    rules[0]!.endpoints.push({ ip: '10.244.0.3', port: 8080 });
    expect(p.current).to.deep.equal([rule('web', ['10.244.0.2'])]);
    p.failNext(new Error('boom'));
    await p.cleanup().then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.equal('boom'),
    );
    await p.cleanup();
    expect(p.current).to.equal(undefined);
    expect(p.syncs).to.have.length(1);
    expect(p.cleanups).to.equal(1);
  });
});
