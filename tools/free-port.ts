import { createServer } from 'node:net';

/** A TCP port that was free a moment ago on 127.0.0.1 (the kernel's pick, so no fixed port collides). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}
