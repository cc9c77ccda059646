// Socket reads into a few reused buffers, lent to the consumer until it gives them back, instead of a new
// 64 KiB Buffer per read. Why: at port-forward rates a fresh Buffer per read is a GiB of external memory per
// GiB forwarded, and V8 answers it with a mark-compact every ~64 MB (BENCHMARKS.md, streams). The buffers
// in flight are bounded: when all are lent, the socket pauses until one comes back.
import type { OnReadOpts, Socket } from 'node:net';

/** Bytes per read while a connection is quiet: what Node reads by default (an idle connection holds one). */
export const FIRST_READ_BYTES = 64 * 1024;
/**
 * Bytes per read once a read has filled its buffer (a bulk transfer): fewer, larger reads and frames cost the
 * agent and kubectl less per byte (kubectl 0.84 CPU-s per GiB with 512 KiB against 1.1 with 64 KiB).
 */
export const READ_BYTES = 512 * 1024;
/** Buffers lent at once before the socket pauses (with the next read's: 2.5 MiB held at most). */
export const MAX_LENT = 4;

/** A chunk read; `giveBack` once nothing refers to its bytes any more (they are overwritten after). */
export type LentChunk = (chunk: Buffer, giveBack: () => void) => void;

/**
 * The `onread` option for `net.connect` that lends each chunk read to `consume`. Node asks for the next
 * read's buffer right after each read, even a paused socket's, so one more than `maxLent` may exist.
 */
export function lentReads(
  socket: () => Socket | undefined,
  consume: LentChunk,
  maxLent = MAX_LENT,
  readBytes = READ_BYTES,
): OnReadOpts {
  const free: Buffer[] = [];
  let size = Math.min(FIRST_READ_BYTES, readBytes);
  let lent = 0;
  let paused = false;
  return {
    buffer: () => free.pop() ?? Buffer.allocUnsafeSlow(size),
    callback: (bytes, read) => {
      const buffer = read as Buffer;
      if (bytes === buffer.length) size = readBytes;
      lent++;
      let given = false;
      consume(buffer.subarray(0, bytes), () => {
        if (given) return;
        given = true;
        lent--;
        if (buffer.length === size) free.push(buffer); // a small one outgrown is left to the GC
        if (paused && lent < maxLent) {
          paused = false;
          socket()?.resume();
        }
      });
      if (lent < maxLent) return true;
      paused = true;
      return false;
    },
  };
}
