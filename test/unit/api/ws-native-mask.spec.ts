// ws unmasks every frame a client sends (kubectl's port-forward writes, exec stdin) through bufferutil when it
// loads from ws's own place, else in a JS byte loop 40x slower: this fails when the dependency is missing or its
// prebuilt binary does not load, which would otherwise only show as a slower upload.
import { expect } from 'chai';
import { createRequire } from 'node:module';

describe('bufferutil for ws (native WebSocket unmasking)', () => {
  it('loads where ws looks for it and unmasks in place', () => {
    const fromWs = createRequire(require.resolve('ws'));
    const { unmask } = fromWs('bufferutil') as { unmask: (data: Buffer, mask: Buffer) => void };
    const data = Buffer.from([0x01, 0x02, 0x03, 0x04, 0x05]);
    unmask(data, Buffer.from([0x01, 0x02, 0x03, 0x04]));
    expect([...data]).to.deep.equal([0, 0, 0, 0, 4]);
  });
});
