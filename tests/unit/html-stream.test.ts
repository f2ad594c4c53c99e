// The document stream drops the NUL bytes React 18's Node renderer pads into its 2048-byte views (DropNulBytes).
import { PassThrough, type Transform } from 'node:stream';
import { createElement } from 'react';
import { renderToPipeableStream } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DropNulBytes } from '~/lib/html-stream.server';

/** A page of Chinese form values, shifted by `shift` ASCII bytes so that some character meets a view's end. */
function page(shift: number) {
  const values = Array.from({ length: 300 }, (_, i) => `北海测试水产${i}`);
  return createElement(
    'main',
    null,
    createElement('p', null, 'a'.repeat(shift)),
    ...values.map((value) => createElement('input', { key: value, name: 'orgName', defaultValue: value })),
  );
}

function render(shift: number, into: Transform): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    into.on('data', (chunk: Buffer) => chunks.push(chunk));
    into.on('end', () => resolve(Buffer.concat(chunks)));
    into.on('error', reject);
    const { pipe } = renderToPipeableStream(page(shift), {
      onAllReady: () => pipe(into),
      onShellError: reject,
    });
  });
}

const shifts = [0, 1, 2, 3, 4, 5];

describe('the rendered document', () => {
  it('holds NUL bytes straight from React 18 (remove DropNulBytes when React no longer pads)', async () => {
    const raw = await Promise.all(shifts.map((shift) => render(shift, new PassThrough())));
    expect(raw.some((html) => html.includes(0))).toBe(true);
  });

  it('has no NUL byte and every value whole once it passes DropNulBytes', async () => {
    for (const shift of shifts) {
      const html = (await render(shift, new DropNulBytes())).toString('utf8');
      expect(html).not.toContain('\u0000');
      expect(html).not.toContain('\ufffd');
      for (let i = 0; i < 300; i++) expect(html).toContain(`value="北海测试水产${i}"`);
    }
  });
});

describe('the chunks the socket gets', () => {
  it('are one per turn of the event loop, not one per 2048-byte view, and still stream across turns', async () => {
    const rawChunks: Buffer[] = [];
    const raw = new PassThrough();
    raw.on('data', (chunk: Buffer) => rawChunks.push(chunk));
    const html = await render(3, raw);
    expect(rawChunks.length).toBeGreaterThan(5);

    const joined: Buffer[] = [];
    const body = new DropNulBytes();
    body.on('data', (chunk: Buffer) => joined.push(chunk));
    const done = new Promise((resolve) => body.on('end', resolve));
    for (const chunk of rawChunks) body.write(chunk);
    await new Promise((resolve) => setImmediate(resolve));
    body.write(Buffer.from('<p>later</p>'));
    body.end();
    await done;
    expect(joined).toHaveLength(2);
    expect(Buffer.concat(joined).toString('utf8')).toBe(
      `${html.toString('utf8').replaceAll('\u0000', '')}<p>later</p>`,
    );
  });
});
