// Docker multiplexes stdout and stderr of a non-TTY container into 8-byte-headed frames.
import { PassThrough, type Readable } from 'node:stream';

/** Concatenates the payloads of all complete frames in a buffer (the non-follow logs answer). */
export function demuxFrames(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  let off = 0;
  while (off + 8 <= buf.length) {
    const size = buf.readUInt32BE(off + 4);
    parts.push(buf.subarray(off + 8, Math.min(buf.length, off + 8 + size)));
    off += 8 + size;
  }
  return Buffer.concat(parts);
}

/** A stream of frame payloads from a stream of frames (the follow answer), however chunks are cut. */
export function demuxStream(source: Readable): Readable {
  const out = new PassThrough();
  let pending: Buffer = Buffer.alloc(0);
  source.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      out.write(pending.subarray(8, 8 + size));
      pending = pending.subarray(8 + size);
    }
  });
  source.on('end', () => out.end());
  source.on('error', (err) => out.destroy(err));
  out.on('close', () => source.destroy());
  return out;
}
