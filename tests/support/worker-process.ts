// Real worker processes for crash tests, started and killed like a machine would, and a poll-until helper.
import { type ChildProcess, spawn } from 'node:child_process';
import { nodeArgs } from '../../scripts/build';
import { repoRoot } from '../../scripts/services';
import { ensureAppBuild } from './app-build';

const running = new Set<ChildProcess>();

/** Starts the worker process with this test file's environment (its database, Redis prefix, …) plus `extraEnv`. */
export function startWorker(extraEnv: Record<string, string> = {}) {
  // The bundle the market runs (build/worker.js), by node itself, so the signal a test sends reaches the worker.
  ensureAppBuild();
  const child = spawn(process.execPath, nodeArgs('worker'), {
    cwd: repoRoot,
    env: { ...process.env, WORKER_LOCK_MS: '1500', LOG_LEVEL: 'error', WHARF_SERVICE: 'worker', ...extraEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  running.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, exited };
}

/** Stops a worker gracefully (SIGTERM) and waits for it to exit. */
export async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await done;
}

/** For afterEach: no worker outlives its test. */
export async function stopAllWorkers(): Promise<void> {
  await Promise.all([...running].map(stopWorker));
}

/** Polls `probe` until it returns something truthy; fails with `what` after the timeout. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  { timeoutMs = 45_000, everyMs = 50 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
