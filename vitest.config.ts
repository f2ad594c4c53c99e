import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const resolve = { alias: { '~': `${root}app` } };

export default defineConfig({
  resolve,
  esbuild: { jsx: 'automatic' },
  test: {
    pool: 'forks',
    projects: [
      {
        resolve,
        esbuild: { jsx: 'automatic' },
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] },
      },
      {
        resolve,
        esbuild: { jsx: 'automatic' },
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          // Timed recovery under load: run on its own after the rest (scripts/test.ts), not beside 70 other files.
          exclude: ['tests/integration/db-outage.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          setupFiles: ['tests/support/per-file-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve,
        esbuild: { jsx: 'automatic' },
        test: {
          name: 'outage',
          include: ['tests/integration/db-outage.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          setupFiles: ['tests/support/per-file-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
