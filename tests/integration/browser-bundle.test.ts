// The browser bundle holds no server code: no table or column names, no drizzle, no zod (issue 13, ADR 0023).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema';
import { repoRoot } from '../../scripts/services';
import { ensureAppBuild } from '../support/app-build';

/** Every .js file under public/build, with its text. */
function browserFiles(): { file: string; text: string }[] {
  const root = path.join(repoRoot, 'public/build');
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.js'))
        out.push({ file: path.relative(root, full), text: readFileSync(full, 'utf8') });
    }
  };
  walk(root);
  return out;
}

const tables = Object.values(schema as Record<string, unknown>).filter((value): value is PgTable =>
  is(value, PgTable),
);
// Quoted as a string literal: how a table or column name sits in a bundled drizzle schema.
const quoted = (name: string) => new RegExp(`["'\`]${name}["'\`]`);

let files: { file: string; text: string }[] = [];
beforeAll(() => {
  ensureAppBuild();
  files = browserFiles();
});

describe('browser bundle', () => {
  it('finds the built chunks and the schema to check them against', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(tables.length).toBeGreaterThan(30);
  });

  it('names no table, nor a snake_case column of one', () => {
    // A bundled drizzle table reads pgTable("orders",{…}): a quoted table name followed by its columns.
    // Plain words ('orders', 'vehicles') are also route ids and loader keys, so they count only so;
    // a snake_case table or column name counts anywhere.
    const patterns: { name: string; pattern: RegExp }[] = [];
    for (const table of tables) {
      const name = getTableName(table);
      patterns.push({
        name,
        pattern: name.includes('_') ? quoted(name) : new RegExp(`["'\`]${name}["'\`]\\s*,\\s*\\{`),
      });
      for (const column of Object.values(getTableColumns(table))) {
        if (column.name.includes('_')) patterns.push({ name: column.name, pattern: quoted(column.name) });
      }
    }
    const found = files.flatMap(({ file, text }) =>
      patterns.filter(({ pattern }) => pattern.test(text)).map(({ name }) => `${file}: ${name}`),
    );
    expect(patterns.length).toBeGreaterThan(200);
    expect([...new Set(found)]).toEqual([]);
  });

  it('holds no drizzle, zod, postgres.js or ioredis code', () => {
    const markers = [
      'drizzle:entityKind',
      "doesn't look like a Drizzle entity",
      'ZodError',
      'invalid_type',
      'invalid_union_discriminator',
      'postgres.js',
      'ioredis',
      // The price charts are drawn on the server (ADR 0037): no chart library in the browser.
      'zrender',
      'echarts',
    ];
    const found = files.flatMap(({ file, text }) =>
      markers.filter((marker) => text.includes(marker)).map((marker) => `${file}: ${marker}`),
    );
    expect(found).toEqual([]);
  });
});
