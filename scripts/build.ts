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

/**
 * How node runs each bundle. The web process's old generation is capped (`WEB_MAX_OLD_SPACE_MB`, 192): left alone,
 * V8 let the heap grow to 270 MB committed under 50 concurrent page views with 75–150 MB of it live, and the process
 * sat at 360 MB resident; capped, it collects sooner and stays near 190 MB at the same throughput (issue #22,
 * `rss-web`; docs/benchmarks.md P7). The worker's is capped too (`WORKER_MAX_OLD_SPACE_MB`, 128): uncapped, one
 * worker of the 10-minute soak reached 224 MB resident (issue #20's goal is < 200 MB).
 */
export function nodeArgs(name: keyof typeof processBundles): string[] {
  const mb = Number(
    name === 'worker'
      ? (process.env.WORKER_MAX_OLD_SPACE_MB ?? 128)
      : (process.env.WEB_MAX_OLD_SPACE_MB ?? 192),
  );
  return [...(Number.isInteger(mb) && mb >= 64 ? [`--max-old-space-size=${mb}`] : []), processBundles[name]];
}

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
