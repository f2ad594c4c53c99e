// The stream React's server renderer writes the document into: the padding bytes of a React 18 bug removed, and
// the renderer's many small writes joined into one chunk per turn of the event loop.
import { Transform, type TransformCallback } from 'node:stream';

/**
 * React 18.3's Node renderer (react-dom-server.node, `writeStringChunk`) encodes text into 2048-byte views. When
 * a multi-byte character (every Chinese character is 3 bytes in UTF-8) does not fit in what is left of a view, it
 * writes the whole view, unused tail included: one or two NUL bytes land inside the document, e.g. in the middle
 * of a form value the page sends back ("北\0海"), and the browser shows them as "�" and reports a hydration
 * mismatch. Those are the only NULs a rendered page can hold: PostgreSQL stores no NUL in text, forms with a
 * control character are refused (readFormData), and JSON in the page escapes it. So dropping every NUL byte
 * restores exactly what React meant to write.
 *
 * The same 2048-byte views made a 90 kB market page about 45 chunks, each passed through the web stream Remix
 * wraps it in and written to the socket on its own (issue #22, `ssr-market`). What React writes within one turn
 * of the event loop (a shell, a resolved boundary) leaves as one chunk at the next `setImmediate`; later turns
 * still stream as they come.
 */
export class DropNulBytes extends Transform {
  private pending: Buffer[] = [];
  private scheduled = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.pending.push(withoutNul(chunk));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.release());
    }
    callback();
  }

  override _flush(callback: TransformCallback) {
    this.release();
    callback();
  }

  private release() {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const joined = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    this.push(joined);
  }
}

function withoutNul(chunk: Buffer): Buffer {
  if (chunk.indexOf(0) === -1) return chunk;
  const kept = Buffer.allocUnsafe(chunk.byteLength);
  let length = 0;
  for (let i = 0; i < chunk.byteLength; i++) if (chunk[i] !== 0) kept[length++] = chunk[i];
  return kept.subarray(0, length);
}
