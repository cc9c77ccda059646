import { expect } from 'chai';
import { overlaps, pickFreeSubnet } from '../../../tools/free-subnet';

describe('tools/free-subnet', () => {
  const candidates = ['10.249.0.0/16', '10.250.0.0/16'];

  it('takes the first candidate no network overlaps', () => {
    expect(
      pickFreeSubnet([{ name: 'bridge', subnets: ['172.17.0.0/16'] }], 'mk-soak', candidates),
    ).to.deep.equal({ subnet: '10.249.0.0/16', skipped: [] });
  });

  it('skips a taken candidate and says which network took it', () => {
    const picked = pickFreeSubnet([{ name: 'other', subnets: ['10.249.3.0/24'] }], 'mk-soak', candidates);
    expect(picked).to.deep.equal({
      subnet: '10.250.0.0/16',
      skipped: ['10.249.0.0/16 (taken by network other)'],
    });
  });

  it('reuses the subnet of its own network when it exists already', () => {
    const nets = [{ name: 'mk-soak', subnets: ['10.249.0.0/16'] }];
    expect(pickFreeSubnet(nets, 'mk-soak', candidates).subnet).to.equal('10.249.0.0/16');
  });

  it('names every taken candidate and its network when none is free', () => {
    const nets = [
      { name: 'a', subnets: ['10.0.0.0/8'] },
      { name: 'b', subnets: ['fd00::/64', '10.250.0.0/16'] },
    ];
    expect(() => pickFreeSubnet(nets, 'mk-soak', candidates)).to.throw(
      'no free pod subnet for network mk-soak: 10.249.0.0/16 (taken by network a); 10.250.0.0/16 (taken by network a, b)',
    );
  });

  it('compares ranges, not strings', () => {
    expect(overlaps('10.249.0.0/16', '10.249.255.0/24')).to.equal(true);
    expect(overlaps('10.249.0.0/16', '10.250.0.0/24')).to.equal(false);
    expect(overlaps('10.0.0.0/8', '10.249.0.0/16')).to.equal(true);
    expect(overlaps('fd00::/64', '10.249.0.0/16')).to.equal(false);
  });
});
