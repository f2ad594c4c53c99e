// The scaled-out topology on one machine, without Docker (issue #20): a Redis Cluster of three masters from
// Debian's redis-server, and a PostgreSQL primary with a streaming replica from the embedded binaries. Tests and the
// soak start them in a folder of their own; `stop()` ends every process and leaves the folder to the caller.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { postgresBinaries } from './services';

type Log = (message: string) => void;
const quiet: Log = () => {};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== null) return value;
    } catch (error) {
      last = error;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export async function terminate(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await Promise.race([
    exited,
    sleep(10_000).then(() => {
      child.kill('SIGKILL');
      return exited;
    }),
  ]);
}

// ---------------------------------------------------------------------------------------------------------------
// Redis Cluster

export type RedisClusterHandle = {
  /** host:port of every master, as REDIS_CLUSTER_NODES takes them. */
  nodes: string;
  ports: number[];
  /** Kills one node's process (a failure drill); the cluster without replicas loses that node's slots. */
  processes: ChildProcess[];
  stop: () => Promise<void>;
};

/** Three (or `masters`) redis-server processes with cluster mode on, joined into one cluster with no replicas. */
export async function startRedisCluster(
  dir: string,
  { masters = 3, log = quiet }: { masters?: number; log?: Log } = {},
): Promise<RedisClusterHandle> {
  const ports: number[] = [];
  while (ports.length < masters) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const processes = ports.map((port) => {
    const nodeDir = path.join(dir, `redis-${port}`);
    mkdirSync(nodeDir, { recursive: true });
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        '5000',
        '--appendonly',
        'no',
        '--save',
        '',
        '--dir',
        nodeDir,
      ],
      { stdio: 'ignore' },
    );
    child.once('error', (error) => log(`redis-server on ${port}: ${error.message}`));
    return child;
  });
  const stop = async () => {
    await Promise.all(processes.map((child) => terminate(child)));
  };
  try {
    for (const port of ports)
      await until(`redis-server on ${port}`, async () => {
        const res = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
        return res.stdout.trim() === 'PONG' ? true : null;
      });
    const create = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8' },
    );
    if (create.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    for (const port of ports)
      await until(`cluster state ok on ${port}`, async () => {
        const info = spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' });
        return info.stdout.includes('cluster_state:ok') ? true : null;
      });
    log(`Redis Cluster of ${masters} masters on ${ports.join(', ')}`);
    return { nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), ports, processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL primary and streaming replica

export type PostgresPairHandle = {
  /** Admin URLs (database `postgres`) of the two servers. */
  primaryUrl: string;
  replicaUrl: string;
  primary: ChildProcess;
  replica: ChildProcess;
  stop: () => Promise<void>;
};

/** Copies a running primary's data folder for a base backup: WAL, the pid file and slots stay behind. */
function copyDataDir(from: string, to: string, top = true): void {
  mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const name of readdirSync(from)) {
    if (top && ['postmaster.pid', 'postmaster.opts'].includes(name)) continue;
    const source = path.join(from, name);
    const target = path.join(to, name);
    let stat: ReturnType<typeof lstatSync>;
    try {
      stat = lstatSync(source);
    } catch {
      continue; // removed while we copied (a temporary file): the WAL replay covers it
    }
    if (stat.isDirectory()) {
      if (top && ['pg_wal', 'pg_replslot', 'pg_stat_tmp'].includes(name)) mkdirSync(target, { mode: 0o700 });
      else copyDataDir(source, target, false);
    } else if (stat.isFile()) {
      try {
        copyFileSync(source, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }
}

function chownTree(dir: string, ids: { uid: number; gid: number }): void {
  chownSync(dir, ids.uid, ids.gid);
  for (const name of readdirSync(dir)) {
    const entry = path.join(dir, name);
    if (lstatSync(entry).isDirectory()) chownTree(entry, ids);
    else chownSync(entry, ids.uid, ids.gid);
  }
}

/**
 * A primary and a hot-standby replica streaming from it through a physical slot, both on free ports under `dir`.
 * The replica's base backup is taken with the low-level API (pg_backup_start/stop and a file copy), so only the
 * `initdb` and `postgres` binaries are needed. `applyDelaySeconds` holds the replica that far behind the primary
 * (recovery_min_apply_delay): a lagging replica on demand, for tests of read-your-writes.
 */
export async function startPostgresPair(
  dir: string,
  { applyDelaySeconds = 0, log = quiet }: { applyDelaySeconds?: number; log?: Log } = {},
): Promise<PostgresPairHandle> {
  const { binDir, runAs } = await postgresBinaries(log);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const primaryDir = path.join(dir, 'primary');
  const replicaDir = path.join(dir, 'replica');
  const ids = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
  mkdirSync(primaryDir, { mode: 0o700 });
  if (runAs) chownSync(primaryDir, runAs.uid, runAs.gid);
  const initdb = spawnSync(
    path.join(binDir, 'initdb'),
    ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
    { ...ids, encoding: 'utf8', cwd: dir },
  );
  if (initdb.status !== 0) throw new Error(`initdb failed: ${initdb.stderr}`);
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const serverFlags = (port: number) => [
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'fsync=off',
    '-c',
    'max_connections=200',
  ];
  const output: string[] = [];
  const startServer = (dataDir: string, port: number, extra: string[] = []) => {
    const child = spawn(path.join(binDir, 'postgres'), ['-D', dataDir, ...serverFlags(port), ...extra], {
      ...ids,
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      if (output.length > 200) output.shift();
    });
    return child;
  };
  const primary = startServer(primaryDir, primaryPort, [
    '-c',
    'wal_level=replica',
    '-c',
    'max_wal_senders=8',
  ]);
  let replica: ChildProcess | undefined;
  const stop = async () => {
    if (replica) await terminate(replica, 'SIGINT');
    await terminate(primary, 'SIGINT');
  };
  const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
  const replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/postgres`;
  try {
    const admin = postgres(primaryUrl, { max: 1, onnotice: () => {} });
    try {
      await until('the primary', async () => ((await admin`select 1 as ok`)[0].ok === 1 ? true : null));
      const session = await admin.reserve();
      await session`select pg_create_physical_replication_slot('wharf_replica', true)`;
      await session`select pg_backup_start('wharf replica', true)`;
      copyDataDir(primaryDir, replicaDir);
      const [stopped] = await session`select labelfile, spcmapfile from pg_backup_stop(false)`;
      session.release();
      writeFileSync(path.join(replicaDir, 'backup_label'), stopped.labelfile as string);
      if (stopped.spcmapfile)
        writeFileSync(path.join(replicaDir, 'tablespace_map'), stopped.spcmapfile as string);
    } finally {
      await admin.end({ timeout: 5 });
    }
    writeFileSync(path.join(replicaDir, 'standby.signal'), '');
    writeFileSync(
      path.join(replicaDir, 'postgresql.auto.conf'),
      [
        `primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres application_name=wharf_replica'`,
        `primary_slot_name = 'wharf_replica'`,
        `recovery_min_apply_delay = '${applyDelaySeconds}s'`,
        'hot_standby = on',
        '',
      ].join('\n'),
    );
    chmodSync(replicaDir, 0o700);
    if (runAs) chownTree(replicaDir, runAs);
    replica = startServer(replicaDir, replicaPort);
    const client = postgres(replicaUrl, { max: 1, onnotice: () => {} });
    try {
      await until('the replica in recovery', async () => {
        const [row] = await client`select pg_is_in_recovery() as standby`;
        return row.standby ? true : null;
      });
    } finally {
      await client.end({ timeout: 5 });
    }
    log(`PostgreSQL primary on ${primaryPort}, streaming replica on ${replicaPort}`);
    return { primaryUrl, replicaUrl, primary, replica, stop };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output.join('').slice(-2000)}`);
  }
}
