// The built Remix app that HTTP tests and benchmarks serve: built once when a run finds none.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../scripts/services';

/** The path of build/index.js, running `remix build` first when it is missing. */
export function ensureAppBuild(): string {
  const entry = path.join(repoRoot, 'build/index.js');
  if (existsSync(entry)) return entry;
  const build = spawnSync(path.join(repoRoot, 'node_modules/.bin/remix'), ['build'], {
    cwd: repoRoot,
    stdio: 'ignore',
    // A production build: under NODE_ENV=test esbuild emits jsxDEV calls, which a process started in
    // production mode (tests/integration/db-outage.test.ts) cannot run.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (build.status !== 0) throw new Error('remix build failed');
  return entry;
}
