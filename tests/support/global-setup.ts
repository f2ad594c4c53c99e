// Once per integration run: find or start PostgreSQL and Redis, build the app, and migrate a template database.
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../../db/migrate';
import { databaseUrl, dropDatabase, ensureDatabase } from '../../scripts/databases';
import { ensurePostgres, ensureRedis } from '../../scripts/services';
import { ensureAppBuild } from './app-build';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    templateDatabase: string;
    redisUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const quiet = () => {};
  const pg = process.env.WHARF_TEST_PG_ADMIN_URL
    ? { url: process.env.WHARF_TEST_PG_ADMIN_URL, stop: async () => {} }
    : await ensurePostgres(quiet);
  const redis = await ensureRedis(quiet);

  // The HTTP tests serve the real build; make one if this run has none.
  ensureAppBuild();

  const template = `wharf_tpl_${process.pid}`;
  await ensureDatabase(pg.url, template, { fresh: true });
  await migrateDatabase(databaseUrl(pg.url, template));

  project.provide('pgAdminUrl', pg.url);
  project.provide('templateDatabase', template);
  project.provide('redisUrl', redis.url);

  return async () => {
    await dropDatabase(pg.url, template);
    await redis.stop();
    await pg.stop();
  };
}
