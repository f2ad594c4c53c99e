// A real web process (the bundled server.ts over the built app) with this test file's environment, its output kept.
import { type ChildProcess, spawn } from 'node:child_process';
import { repoRoot } from '../../scripts/services';
import { nodeArgs } from '../../scripts/build';
import { ensureAppBuild } from './app-build';
import { freePort } from '../../scripts/cluster';

export { freePort };

export type WebProcess = {
  base: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
};

/** Starts the web process (build/web.js, as the market runs it) on a free port and waits until /healthz answers; `output()` is its stdout and stderr. */
export async function startWeb(extraEnv: Record<string, string> = {}): Promise<WebProcess> {
  ensureAppBuild();
  const port = await freePort();
  const chunks: Buffer[] = [];
  const child = spawn(process.execPath, nodeArgs('web'), {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), WHARF_SERVICE: 'web', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
  const base = `http://127.0.0.1:${port}`;
  const output = () => Buffer.concat(chunks).toString('utf8');
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`web process exited: ${output().slice(-2000)}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`web process did not start: ${output().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 12_000);
    await exited;
    clearTimeout(force);
  };
  return { base, child, output, stop };
}
