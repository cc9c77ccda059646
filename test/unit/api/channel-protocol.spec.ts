import { expect } from 'chai';
import { exitStatus, frame, parseInbound, pickProtocol } from '../../../api/streams/channel-protocol';

describe('api/streams/channel-protocol (the channel.k8s.io framing)', () => {
  it('picks v5, else v4, else nothing', () => {
    expect(pickProtocol(['v4.channel.k8s.io', 'v5.channel.k8s.io'])).to.equal('v5.channel.k8s.io');
    expect(pickProtocol([' v4.channel.k8s.io', 'channel.k8s.io'])).to.equal('v4.channel.k8s.io');
    expect(pickProtocol(['channel.k8s.io', 'base64.channel.k8s.io', ''])).to.equal(undefined);
  });

  it('prefixes the channel byte', () => {
    expect([...frame(1, 'hi')]).to.deep.equal([1, 104, 105]);
    expect([...frame(3, Buffer.alloc(0))]).to.deep.equal([3]);
  });

  it('reads stdin, resize and the v5 close message', () => {
    expect(parseInbound(Buffer.from([0, 65]), 'v5.channel.k8s.io')).to.deep.equal({
      kind: 'stdin',
      data: Buffer.from('A'),
    });
    const resize = Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":80,"Height":24}')]);
    expect(parseInbound(resize, 'v4.channel.k8s.io')).to.deep.equal({
      kind: 'resize',
      width: 80,
      height: 24,
    });
    expect(parseInbound(Buffer.from([255, 0]), 'v5.channel.k8s.io')).to.deep.equal({
      kind: 'close',
      channel: 0,
    });
  });

  it('ignores, with a reason, whatever the protocol does not define', () => {
    const bad: Array<[number[] | string, string]> = [
      [[], 'empty message'],
      [[9, 1, 2], 'unknown channel 9'],
      [[1, 1], 'unknown channel 1'],
      [[255, 0, 0], 'bad close'],
      [[255], 'bad close'],
      ['\u0004{"Width":', 'resize is not JSON'],
      ['\u0004null', 'resize without positive integer Width and Height'],
      ['\u0004{"Width":-1,"Height":2}', 'resize without positive integer Width and Height'],
      ['\u0004{"Width":1.5,"Height":2}', 'resize without positive integer Width and Height'],
      ['\u0004{"Width":70000,"Height":2}', 'resize without positive integer Width and Height'],
    ];
    for (const [msg, why] of bad) {
      const buf = typeof msg === 'string' ? Buffer.from(msg, 'latin1') : Buffer.from(msg);
      expect(parseInbound(buf, 'v5.channel.k8s.io'), JSON.stringify(msg)).to.deep.equal({
        kind: 'ignored',
        why,
      });
    }
    expect(parseInbound(Buffer.from([255, 0]), 'v4.channel.k8s.io').kind).to.equal('ignored');
  });

  it('reports the exit code as upstream does: NonZeroExitCode with an ExitCode cause', () => {
    expect(exitStatus(0)).to.deep.equal({ metadata: {}, status: 'Success' });
    expect(exitStatus(undefined)).to.deep.equal({ metadata: {}, status: 'Success' });
    expect(exitStatus(42)).to.deep.include({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '42' }] },
    });
  });
});
