import { expect } from 'chai';
import {
  type HostReader,
  parseMemoryLimit,
  readCpus,
  readHost,
  readMemory,
  readOsImage,
  readPids,
} from '../../../../agent/node/host-readings';

const MEMINFO = `MemTotal:        8000000 kB
MemFree:         1000000 kB
MemAvailable:    5000000 kB
Inactive(file):  2000000 kB
`;

const reader = (files: Record<string, string>, cpus = 4): HostReader => ({
  file: (p) => files[p],
  statfs: (p) =>
    p === '/data' ? { capacityBytes: 100, availableBytes: 40, inodes: 10, inodesFree: 5 } : undefined,
  cpuCount: () => cpus,
});

describe('agent/node/host-readings', () => {
  it('reads the working set as usage minus inactive file', () => {
    expect(readMemory(reader({ '/proc/meminfo': MEMINFO }))).to.deep.equal({
      capacityBytes: 8000000 * 1024,
      workingSetBytes: (8000000 - 1000000 - 2000000) * 1024,
      availableBytes: 3000000 * 1024,
    });
  });

  it('caps the capacity at the root cgroup limit (v2 and v1), and reads "no limit" as none', () => {
    const v2 = readMemory(reader({ '/proc/meminfo': MEMINFO, '/sys/fs/cgroup/memory.max': '4096000000\n' }));
    expect(v2?.capacityBytes).to.equal(4096000000);
    const v1 = readMemory(
      reader({
        '/proc/meminfo': MEMINFO,
        '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712',
      }),
    );
    expect(v1?.capacityBytes).to.equal(8000000 * 1024);
    expect(parseMemoryLimit('max')).to.equal(undefined);
  });

  it('counts CPUs under a cgroup quota (rounded up) or the host count', () => {
    expect(readCpus(reader({}, 8))).to.equal(8);
    expect(readCpus(reader({ '/sys/fs/cgroup/cpu.max': '150000 100000' }, 8))).to.equal(2);
    expect(readCpus(reader({ '/sys/fs/cgroup/cpu.max': 'max 100000' }, 8))).to.equal(8);
    expect(
      readCpus(
        reader(
          {
            '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '300000',
            '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000',
          },
          8,
        ),
      ),
    ).to.equal(3);
  });

  it('reads pid_max and the process count of /proc/loadavg', () => {
    const r = reader({
      '/proc/sys/kernel/pid_max': '32768\n',
      '/proc/loadavg': '1.33 1.15 1.49 10/200 4560\n',
    });
    expect(readPids(r)).to.deep.equal({ max: 32768, running: 200 });
    expect(readPids(reader({}))).to.equal(undefined);
  });

  it('reads the OS image from os-release', () => {
    const r = reader({ '/etc/os-release': 'NAME="Debian"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' });
    expect(readOsImage(r)).to.equal('Debian GNU/Linux 12 (bookworm)');
    expect(readOsImage(reader({}))).to.equal('Unknown');
  });

  it('leaves out what it cannot read', () => {
    expect(readHost(reader({}), { nodefs: '/data', imagefs: '/nowhere' })).to.deep.equal({
      nodefs: { capacityBytes: 100, availableBytes: 40, inodes: 10, inodesFree: 5 },
    });
  });
});
