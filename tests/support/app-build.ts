// The built market that HTTP tests and benchmarks serve: the Remix app and the web and worker bundles
// (scripts/build.ts), built when a run finds them missing or older than the code they come from.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { processBundles } from '../../scripts/build';
import { repoRoot } from '../../scripts/services';

/** The newest modification time among the sources the build reads. */
function newestSource(): number {
  let newest = statSync(path.join(repoRoot, 'server.ts')).mtimeMs;
  for (const dir of ['app', 'db', 'workers']) {
    for (const name of readdirSync(path.join(repoRoot, dir), { recursive: true }) as string[]) {
      if (!/\.(ts|tsx|css|sql|json)$/.test(name)) continue;
      newest = Math.max(newest, statSync(path.join(repoRoot, dir, name)).mtimeMs);
    }
  }
  return newest;
}

/** The path of build/index.js, running `npm run build` first when any output is missing or stale. */
export function ensureAppBuild(): string {
  const entry = path.join(repoRoot, 'build/index.js');
  const outputs = [entry, processBundles.web, processBundles.worker];
  if (outputs.every((file) => existsSync(file))) {
    const oldest = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
    if (oldest >= newestSource()) return entry;
  }
  const build = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), ['scripts/build.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    // A production build: under NODE_ENV=test esbuild emits jsxDEV calls, which a process started in
    // production mode (tests/integration/db-outage.test.ts) cannot run.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (build.status !== 0) throw new Error('the build (scripts/build.ts) failed');
  return entry;
}
