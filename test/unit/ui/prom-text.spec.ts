import { expect } from 'chai';
import { parsePromText, sumOf } from '../../../ui/prom-text';

describe('ui/prom-text', () => {
  const text = [
    '# HELP kubelet_running_pods Number of pods that have a running pod sandbox',
    '# TYPE kubelet_running_pods gauge',
    'kubelet_running_pods 3',
    'kubelet_running_containers{container_state="running"} 5',
    'kubelet_running_containers{container_state="exited"} 2',
    'kubelet_pod_start_duration_seconds_bucket{le="+Inf"} 4',
    'kubelet_pod_start_duration_seconds_sum 1.5e0',
    'node_cpu_usage_seconds_total 12.25 1700000000000',
    'odd{msg="a \\"quoted\\", comma\\nand newline",b="x"} NaN',
    'not a sample line at all',
    'broken{label=unquoted} 1',
    '',
  ].join('\n');
  const samples = parsePromText(text);

  it('reads names, labels, values and skips comments, timestamps and broken lines', () => {
    expect(samples.map((s) => s.name)).to.deep.equal([
      'kubelet_running_pods',
      'kubelet_running_containers',
      'kubelet_running_containers',
      'kubelet_pod_start_duration_seconds_bucket',
      'kubelet_pod_start_duration_seconds_sum',
      'node_cpu_usage_seconds_total',
      'odd',
    ]);
    expect(samples[3]).to.deep.equal({
      name: 'kubelet_pod_start_duration_seconds_bucket',
      labels: { le: '+Inf' },
      value: 4,
    });
    expect(samples[5]?.value).to.equal(12.25);
    expect(samples[6]?.labels).to.deep.equal({ msg: 'a "quoted", comma\nand newline', b: 'x' });
    expect(samples[6]?.value).to.be.NaN;
  });

  it('sums a metric over the samples whose labels match', () => {
    expect(sumOf(samples, 'kubelet_running_containers')).to.equal(7);
    expect(sumOf(samples, 'kubelet_running_containers', { container_state: 'running' })).to.equal(5);
    expect(sumOf(samples, 'kubelet_pod_start_duration_seconds_sum')).to.equal(1.5);
    expect(sumOf(samples, 'absent')).to.equal(undefined);
  });
});
