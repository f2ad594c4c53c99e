// The stream React's server renderer writes the document into, with the padding bytes of a React 18 bug removed.
import { Transform, type TransformCallback } from 'node:stream';

/**
 * React 18.3's Node renderer (react-dom-server.node, `writeStringChunk`) encodes text into 2048-byte views. When
 * a multi-byte character (every Chinese character is 3 bytes in UTF-8) does not fit in what is left of a view, it
 * writes the whole view, unused tail included: one or two NUL bytes land inside the document, e.g. in the middle
 * of a form value the page sends back ("北\0海"), and the browser shows them as "�" and reports a hydration
 * mismatch. Those are the only NULs a rendered page can hold: PostgreSQL stores no NUL in text, forms with a
 * control character are refused (readFormData), and JSON in the page escapes it. So dropping every NUL byte
 * restores exactly what React meant to write.
 */
export class DropNulBytes extends Transform {
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    if (chunk.indexOf(0) === -1) {
      callback(null, chunk);
      return;
    }
    const kept = Buffer.allocUnsafe(chunk.byteLength);
    let length = 0;
    for (let i = 0; i < chunk.byteLength; i++) if (chunk[i] !== 0) kept[length++] = chunk[i];
    callback(null, kept.subarray(0, length));
  }
}
