// Per integration test file: its own database cloned from the migrated template, its own Redis prefix and storage folder.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, inject } from 'vitest';
import { databaseUrl, dropDatabase, ensureDatabase } from '../../scripts/databases';

const suffix = randomBytes(5).toString('hex');
const name = `wharf_t_${suffix}`;
const adminUrl = inject('pgAdminUrl');
// Uploaded and seeded photos go to a folder of this file's own, not the developer's .wharf/storage.
const storageDir = path.join(tmpdir(), name);
await ensureDatabase(adminUrl, name, { template: inject('templateDatabase') });

Object.assign(process.env, {
  NODE_ENV: 'test',
  DATABASE_URL: databaseUrl(adminUrl, name),
  DATABASE_POOL_MAX: '4',
  REDIS_URL: inject('redisUrl'),
  QUEUE_PREFIX: `t-${suffix}`,
  LOG_LEVEL: process.env.WHARF_TEST_LOG_LEVEL ?? 'silent',
  STORAGE_DIR: storageDir,
  // Test files register dozens of accounts from one address; tests/integration/guards.test.ts lowers it.
  REGISTRATIONS_PER_IP_PER_HOUR: process.env.REGISTRATIONS_PER_IP_PER_HOUR ?? '10000',
});

// Every test leaves the ledger balanced, with no overdrawn account: a test that breaks it fails.
afterEach(async () => {
  const [{ db }, { checkLedgerInvariants }] = await Promise.all([
    import('../../db/client'),
    import('./ledger-invariants'),
  ]);
  await checkLedgerInvariants(db);
});

afterAll(async () => {
  const { closeAppResources } = await import('./resources');
  await closeAppResources();
  await dropDatabase(adminUrl, name);
  await rm(storageDir, { recursive: true, force: true });
});
