// A process that is one instrument's exchange writer and nothing else, for crash tests and the book-durable
// benchmark: `node --import tsx tests/support/exchange-writer-process.ts`, configured by the environment.
import { Redis } from 'ioredis';
import { startExchangeWriter } from '../../app/exchange/writer.server';
import type { Phase } from '../../app/exchange/types';

const need = (name: string) => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
};

const redis = new Redis(need('REDIS_URL'), { maxRetriesPerRequest: null });
const writer = startExchangeWriter({
  instrumentId: need('EXCHANGE_INSTRUMENT_ID'),
  tick: Number(need('EXCHANGE_TICK')),
  phase: (process.env.EXCHANGE_PHASE ?? 'continuous') as Phase,
  databaseUrl: need('DATABASE_URL'),
  redis,
  snapshotEvery: Number(process.env.EXCHANGE_SNAPSHOT_EVERY ?? 5_000),
  maxBatch: Number(process.env.EXCHANGE_MAX_BATCH ?? 512),
  lockRetryMs: 100,
});

// The parent learns from stdout when this process has become the writer.
const watch = setInterval(() => {
  if (writer.state === 'serving') {
    process.stdout.write('serving\n');
    clearInterval(watch);
  }
}, 10);

const shutdown = async () => {
  clearInterval(watch);
  await writer.stop();
  await redis.quit();
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
