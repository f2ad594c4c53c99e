// Per integration test file: its own database cloned from the migrated template, and its own Redis prefix.
import { randomBytes } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { databaseUrl, dropDatabase, ensureDatabase } from '../../scripts/databases';

const suffix = randomBytes(5).toString('hex');
const name = `wharf_t_${suffix}`;
const adminUrl = inject('pgAdminUrl');
await ensureDatabase(adminUrl, name, { template: inject('templateDatabase') });

Object.assign(process.env, {
  NODE_ENV: 'test',
  DATABASE_URL: databaseUrl(adminUrl, name),
  DATABASE_POOL_MAX: '4',
  REDIS_URL: inject('redisUrl'),
  QUEUE_PREFIX: `t-${suffix}`,
  LOG_LEVEL: process.env.WHARF_TEST_LOG_LEVEL ?? 'silent',
});

afterAll(async () => {
  const { closeAppResources } = await import('./resources');
  await closeAppResources();
  await dropDatabase(adminUrl, name);
});
