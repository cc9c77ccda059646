import { expect } from 'chai';
import { memoryChart, parseSamples } from '../../../soak/plot';

describe('soak/plot', () => {
  const log = [
    'soak: pod subnet ...',
    '  sample cycle 0: heap after GC 22.44 MB, RSS 81.3 MB, - ms/cycle',
    '  sample cycle 100: heap after GC 29.31 MB, RSS 216.6 MB, 1376 ms/cycle',
  ].join('\n');

  it('reads the sample lines of the soak and nothing else', () => {
    expect(parseSamples(log)).to.deep.equal([
      { cycle: 0, heapMb: 22.44, rssMb: 81.3 },
      { cycle: 100, heapMb: 29.31, rssMb: 216.6 },
    ]);
  });

  it('draws both series with a point per sample', () => {
    const svg = memoryChart(parseSamples(log), 't');
    expect(svg.match(/<polyline/g)).to.have.length(2);
    expect(svg.match(/<circle/g)).to.have.length(4);
  });

  it('a log without samples fails instead of drawing an empty chart', () => {
    expect(() => memoryChart(parseSamples('nothing'), 't')).to.throw('no `sample cycle` lines');
  });
});
