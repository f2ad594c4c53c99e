// Files are recognised by their bytes, and the local store refuses keys that would escape its folder.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localStorage, sniffFileType } from '../../app/lib/storage.server';

describe('sniffFileType', () => {
  it('knows JPEG, PNG, WebP and PDF by their signatures', () => {
    expect(sniffFileType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(sniffFileType(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe(
      'image/png',
    );
    expect(sniffFileType(new TextEncoder().encode('RIFF\x10\x00\x00\x00WEBPVP8 '))).toBe('image/webp');
    expect(sniffFileType(new TextEncoder().encode('%PDF-1.7\n'))).toBe('application/pdf');
  });

  it('refuses an executable whatever it is called', () => {
    expect(sniffFileType(new TextEncoder().encode('MZ\x90\x00\x03\x00'))).toBeNull();
    expect(sniffFileType(new TextEncoder().encode('\x7fELF\x02\x01'))).toBeNull();
    expect(sniffFileType(new TextEncoder().encode('RIFF\x10\x00\x00\x00WAVEfmt '))).toBeNull();
    expect(sniffFileType(new Uint8Array())).toBeNull();
  });
});

describe('localStorage', () => {
  it('stores and reads back, and refuses path tricks', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'wharf-store-'));
    const store = localStorage(root);
    await store.put('listings/lst_1/a.jpg', Uint8Array.from([1, 2, 3]), 'image/jpeg');
    expect([...(await readFile(path.join(root, 'listings/lst_1/a.jpg')))]).toEqual([1, 2, 3]);
    expect((await store.get('listings/lst_1/a.jpg'))?.bytes).toBe(3);
    expect(await store.get('listings/lst_1/missing.jpg')).toBeNull();
    await expect(store.put('../escape', Uint8Array.from([1]), 'x')).rejects.toThrow(/unsafe/);
    await expect(store.put('listings/../../escape', Uint8Array.from([1]), 'x')).rejects.toThrow(/unsafe/);
  });
});
