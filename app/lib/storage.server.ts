// Where uploaded files live: a folder by default, behind an interface a cloud bucket could implement.
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { env } from './env.server';
import { remember } from './remember.server';

export type FileStorage = {
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** A stream of the file, or null when there is none. */
  get(key: string): Promise<{ stream: Readable; bytes: number } | null>;
  delete(key: string): Promise<void>;
};

const SAFE_KEY = /^[a-z0-9][a-z0-9/_.-]{0,200}$/;

export function localStorage(root: string): FileStorage {
  const resolve = (key: string) => {
    if (!SAFE_KEY.test(key) || key.includes('..')) throw new Error(`unsafe storage key: ${key}`);
    return path.join(root, key);
  };
  return {
    async put(key, bytes) {
      const file = resolve(key);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, bytes);
    },
    async get(key) {
      const file = resolve(key);
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) return null;
      return { stream: createReadStream(file), bytes: info.size };
    },
    async delete(key) {
      await rm(resolve(key), { force: true });
    },
  };
}

export function storage(): FileStorage {
  return remember(`storage:${env().STORAGE_DIR}`, () => localStorage(path.resolve(env().STORAGE_DIR)));
}

/** Removes files a transaction wrote but did not commit; a missing file is fine. */
export async function removeStoredFiles(keys: string[]): Promise<void> {
  await Promise.all(
    keys.map((key) =>
      storage()
        .delete(key)
        .catch(() => undefined),
    ),
  );
}

export type SniffedType = 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf';

/** The file's type from its first bytes, whatever its name says. */
export function sniffFileType(bytes: Uint8Array): SniffedType | null {
  const starts = (sig: number[], offset = 0) => sig.every((b, i) => bytes[offset + i] === b);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return null;
}
