// The data-export zip writer: what it writes, `unzip` lists and extracts byte for byte, and our reader reads back.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createZip, readZip } from '../../app/lib/zip.server';

/** unzip decodes UTF-8 names only under a UTF-8 locale. */
const utf8 = { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };

const entries = [
  { name: 'account.json', data: JSON.stringify({ name: '张三', email: 'zhang@example.test' }, null, 2) },
  // Repetitive text deflates; a short one is stored as it is.
  { name: 'tables/orders.csv', data: `id,total\n${'ord_1,100\n'.repeat(500)}` },
  { name: '说明.txt', data: '短' },
  { name: 'empty.csv', data: '' },
  { name: 'random.bin', data: Uint8Array.from({ length: 300 }, (_, i) => (i * 7919) % 251) },
];

describe('createZip', () => {
  it('reads back entry by entry, deflated and stored alike', () => {
    const zip = createZip(entries);
    const read = readZip(zip);
    expect([...read.keys()]).toEqual(entries.map((e) => e.name));
    for (const entry of entries) {
      const expected = typeof entry.data === 'string' ? Buffer.from(entry.data) : Buffer.from(entry.data);
      expect(read.get(entry.name)?.equals(expected)).toBe(true);
    }
    // The CSV compresses: the archive is far smaller than its content.
    expect(zip.length).toBeLessThan(2000);
  });

  it('is a zip that `unzip` tests and extracts', async () => {
    if (!existsSync('/usr/bin/unzip')) return expect.fail('unzip is not installed (apt-get install unzip)');
    const dir = await mkdtemp(path.join(tmpdir(), 'wharf-zip-'));
    const file = path.join(dir, 'export.zip');
    await writeFile(file, createZip(entries));
    const listing = execFileSync('unzip', ['-l', file], { encoding: 'utf8', env: utf8 });
    for (const entry of entries) expect(listing).toContain(entry.name);
    execFileSync('unzip', ['-t', '-q', file]);
    execFileSync('unzip', ['-q', file, '-d', path.join(dir, 'out')], { env: utf8 });
    expect(await readFile(path.join(dir, 'out', 'tables/orders.csv'), 'utf8')).toBe(entries[1].data);
    expect(await readFile(path.join(dir, 'out', '说明.txt'), 'utf8')).toBe('短');
  });

  it('notices a corrupted entry', () => {
    const zip = createZip([{ name: 'a.txt', data: 'hello hello hello hello hello hello' }]);
    zip[40] ^= 0xff;
    expect(() => readZip(zip)).toThrow();
  });
});
