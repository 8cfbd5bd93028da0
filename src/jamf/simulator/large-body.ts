import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

const PAD_CHUNK = Buffer.alloc(64 * 1024, 'x');

function write(res: ServerResponse, chunk: Buffer): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/**
 * A body of `prefix`, then `padBytes` bytes of `x`, then `suffix`, written in 64 KiB chunks with
 * back-pressure: a 100 MB body costs one shared chunk of memory, not 100 MB.
 */
export class LargeBody {
  readonly byteLength: number;

  constructor(private readonly prefix: Buffer, private readonly padBytes: number, private readonly suffix: Buffer) {
    this.byteLength = prefix.length + padBytes + suffix.length;
  }

  /**
   * Renders `render(value)` with `marker` where the padding goes, and splits around it.
   * The marker is plain ASCII, so it comes out unescaped in both XML and JSON.
   */
  static around(totalBytes: number, render: (marker: string) => string): LargeBody {
    const marker = `LARGE_FIELD_${randomBytes(8).toString('hex')}`;
    const rendered = render(marker);
    const at = rendered.indexOf(marker);
    if (at < 0) throw new Error('the rendered body does not contain the large field');
    const prefix = Buffer.from(rendered.slice(0, at));
    const suffix = Buffer.from(rendered.slice(at + marker.length));
    return new LargeBody(prefix, Math.max(0, totalBytes - prefix.length - suffix.length), suffix);
  }

  /** Writes the body and ends the response; stops early if the connection closes. */
  async writeTo(res: ServerResponse): Promise<void> {
    if (!(await write(res, this.prefix))) return;
    let left = this.padBytes;
    while (left > 0) {
      const chunk = left >= PAD_CHUNK.length ? PAD_CHUNK : PAD_CHUNK.subarray(0, left);
      if (!(await write(res, chunk))) return;
      left -= chunk.length;
    }
    res.end(this.suffix);
  }
}
