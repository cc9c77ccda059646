import { expect } from 'chai';
import { loadConfig, usage } from '../../../daemon/config';
import { errorCode } from '../../../agent/errors';

describe('daemon/config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig([], {}, false);
    expect(c.listen).to.deep.equal({ host: '127.0.0.1', port: 10250 });
    expect(c.dataDir).to.equal('/var/lib/minikubelet');
    expect(c.dnsListen).to.deep.equal({ host: '127.0.0.1', port: 10053 });
    expect(c.logFormat).to.equal('json');
  });

  it('reads environment variables, and flags win over them', () => {
    const env = {
      MINIKUBELET_LISTEN: '0.0.0.0:1',
      MINIKUBELET_DATA_DIR: '/d',
      MINIKUBELET_DNS_LISTEN: '127.0.0.2:53',
    };
    const c = loadConfig(['--listen', '127.0.0.1:2', '--data-dir=/e'], env, false);
    expect(c.listen.port).to.equal(2);
    expect(c.dataDir).to.equal('/e');
    expect(c.dnsListen).to.deep.equal({ host: '127.0.0.2', port: 53 });
  });

  it('keeps pods on exit unless --delete-pods-on-exit (or its variable) says otherwise', () => {
    expect(loadConfig([], {}, false).deletePodsOnExit).to.equal(false);
    expect(loadConfig(['--delete-pods-on-exit'], {}, false).deletePodsOnExit).to.equal(true);
    expect(loadConfig([], { MINIKUBELET_DELETE_PODS_ON_EXIT: 'true' }, false).deletePodsOnExit).to.equal(
      true,
    );
    expect(() => loadConfig(['--delete-pods-on-exit=yes'], {}, false)).to.throw('--delete-pods-on-exit');
  });

  it('is pretty on a terminal unless told otherwise', () => {
    expect(loadConfig([], {}, true).logFormat).to.equal('pretty');
    expect(loadConfig(['--log-format', 'json'], {}, true).logFormat).to.equal('json');
  });

  it('has auto as the --log-format default, a value like any other; its help sentence is no value', () => {
    expect(loadConfig(['--log-format', 'auto'], {}, true).logFormat).to.equal('pretty');
    expect(loadConfig([], { MINIKUBELET_LOG_FORMAT: 'auto' }, false).logFormat).to.equal('json');
    expect(() => loadConfig(['--log-format', 'pretty on a TTY, else json'], {}, true)).to.throw(
      '--log-format must be json, pretty or auto',
    );
    expect(usage()).to.match(
      /--log-format=VALUE +json, pretty or auto \(env MINIKUBELET_LOG_FORMAT, default auto: pretty on a TTY, else json\)/,
    );
  });

  it('rejects unknown flags, missing values and bad addresses with BadRequest', () => {
    for (const argv of [
      ['--nope'],
      ['--listen'],
      ['--listen', 'localhost'],
      ['--dns-listen', 'h:99999'],
      ['--resync-seconds', '0'],
      ['--stats-interval-seconds', '-1'],
      ['--stats-interval-seconds', 'often'],
    ]) {
      expect(() => loadConfig(argv, {}, false), argv.join(' '))
        .to.throw()
        .that.satisfies((e: unknown) => errorCode(e) === 'BadRequest');
    }
  });

  it('samples stats every 10 s unless --stats-interval-seconds says otherwise (0: off)', () => {
    expect(loadConfig([], {}, false).statsIntervalSeconds).to.equal(10);
    expect(loadConfig(['--stats-interval-seconds', '0'], {}, false).statsIntervalSeconds).to.equal(0);
  });

  it("keeps events an hour after they were last seen unless --event-ttl says otherwise (Go's durations)", () => {
    expect(loadConfig([], {}, false).eventTtlMs).to.equal(3_600_000);
    expect(loadConfig(['--event-ttl', '1h30m'], {}, false).eventTtlMs).to.equal(5_400_000);
    expect(loadConfig(['--event-ttl=90s'], {}, false).eventTtlMs).to.equal(90_000);
    expect(loadConfig([], { MINIKUBELET_EVENT_TTL: '10m' }, false).eventTtlMs).to.equal(600_000);
    for (const bad of ['0', '-1h', '60', 'soon'])
      expect(() => loadConfig(['--event-ttl', bad], {}, false), bad)
        .to.throw('--event-ttl')
        .that.satisfies((e: unknown) => errorCode(e) === 'BadRequest');
  });

  it('serves DNS on one socket unless --dns-workers asks for more (1 to 64)', () => {
    expect(loadConfig([], {}, false).dnsWorkers).to.equal(1);
    expect(loadConfig(['--dns-workers', '4'], {}, false).dnsWorkers).to.equal(4);
    expect(loadConfig([], { MINIKUBELET_DNS_WORKERS: '2' }, false).dnsWorkers).to.equal(2);
    for (const bad of ['0', '1.5', 'two', '65'])
      expect(() => loadConfig(['--dns-workers', bad], {}, false), bad).to.throw('--dns-workers');
  });

  it('--service-account-max-token-expiration: none by default, a Go duration from 1 hour to 2^32 seconds', () => {
    expect(loadConfig([], {}, false).serviceAccountMaxTokenExpirationSeconds).to.equal(0);
    expect(loadConfig([], {}, false).serviceAccountExtendTokenExpiration).to.equal(true);
    const max = (v: string): number =>
      loadConfig(['--service-account-max-token-expiration', v], {}, false)
        .serviceAccountMaxTokenExpirationSeconds;
    expect(max('24h')).to.equal(86_400);
    expect(max('1h')).to.equal(3600);
    for (const bad of ['59m', '-2h', 'soon', `${2 ** 32 + 1}s`])
      expect(() => max(bad), bad).to.throw('must be between 1 hour and 2^32 seconds');
    expect(
      loadConfig(['--service-account-extend-token-expiration=false'], {}, false)
        .serviceAccountExtendTokenExpiration,
    ).to.equal(false);
  });

  it('sees --help and documents every flag', () => {
    expect(loadConfig(['--help'], {}, false).help).to.equal(true);
    expect(usage()).to.contain('--dns-listen').and.contain('MINIKUBELET_DATA_DIR');
  });
});
