// Builds what the market runs: the Remix app (`remix build` → build/index.js, public/build), then the web and worker
// processes bundled by esbuild into build/web.js and build/worker.js, which plain `node` runs (ADR 0047: the tsx
// loader cost a production web process about 200 MB of resident memory).
//   npm run build
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { repoRoot } from './services';

/** The bundles the launcher, the Dockerfile and the tests start. */
export const processBundles = {
  web: path.join(repoRoot, 'build/web.js'),
  worker: path.join(repoRoot, 'build/worker.js'),
};

/** Bundles server.ts and workers/index.ts with the app's own modules inlined and every package left to node. */
export async function buildProcesses(): Promise<void> {
  await build({
    absWorkingDir: repoRoot,
    entryPoints: { web: 'server.ts', worker: 'workers/index.ts' },
    outdir: 'build',
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

/** `remix build`, then the process bundles. Not spawnSync: the caller may own an embedded PostgreSQL whose output
 * must keep being read. */
export async function buildApp(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const status = await new Promise<number | null>((resolve) =>
    spawn(path.join(repoRoot, 'node_modules/.bin/remix'), ['build'], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
      env,
    }).on('exit', resolve),
  );
  if (status !== 0) throw new Error('remix build failed');
  await buildProcesses();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await buildApp({ ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production' });
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
