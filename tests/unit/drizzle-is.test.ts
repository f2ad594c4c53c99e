// drizzle's `is` runs with the patch in patches/ (ADR 0061): its answer is kept per prototype and type. These check
// that the patch is in place in both module builds, and that the patched `is` answers exactly as the published one
// (reproduced below) for every pair of a corpus of drizzle values and drizzle classes, asked repeatedly and in
// varying order, so a kept answer is compared as well as a fresh one.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Column, Placeholder, SQL, Subquery, Table, View, entityKind, eq, is, sql } from 'drizzle-orm';
import { PgColumn, PgTable, alias } from 'drizzle-orm/pg-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { categories, listings, organisations } from '../../db/schema';

const require = createRequire(import.meta.url);

/** drizzle-orm 0.45.4's `is`, as published (entity.js). */
function publishedIs(value: unknown, type: abstract new (...args: never[]) => unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  if (value instanceof type) return true;
  if (!Object.hasOwn(type, entityKind))
    throw new Error(`Class "${type.name}" doesn't look like a Drizzle entity.`);
  const kind = (type as unknown as Record<symbol, unknown>)[entityKind];
  let cls = Object.getPrototypeOf(value).constructor;
  while (cls) {
    if (entityKind in cls && cls[entityKind] === kind) return true;
    cls = Object.getPrototypeOf(cls);
  }
  return false;
}

const answer = (f: () => boolean) => {
  try {
    return f();
  } catch (error) {
    return error instanceof TypeError ? 'TypeError' : 'Error';
  }
};

class NotAnEntity {}
const aliased = alias(listings, 'l2');
const query: SQL = sql`select ${listings.id} from ${listings} where ${eq(listings.id, 'x')}`;
const values: unknown[] = [
  listings,
  categories,
  organisations,
  aliased,
  listings.id,
  listings.quantityAvailable,
  aliased.id,
  categories.nameZh,
  query,
  query.as('q'),
  sql.placeholder('id'),
  sql.raw('now()'),
  eq(listings.id, 'x'),
  ...query.queryChunks,
  { id: 'plain' },
  ['an', 'array'],
  new Date(0),
  new NotAnEntity(),
  Object.create(null),
  'a string',
  42,
  null,
  undefined,
];
const types = [Column, PgColumn, Table, PgTable, SQL, SQL.Aliased, Placeholder, Subquery, View, NotAnEntity];

describe("drizzle's is (patched)", () => {
  it('is the patched files that the app loads (npm ci runs patch-package)', () => {
    const dir = path.dirname(require.resolve('drizzle-orm'));
    for (const file of ['entity.js', 'entity.cjs'])
      expect(readFileSync(path.join(dir, file), 'utf8')).toContain('isByPrototype');
  });

  it('answers as the published one for every value and type, asked in any order, again and again', () => {
    const pairs = values.flatMap((value) => types.map((type) => ({ value, type })));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: pairs.length - 1 }), { maxLength: 200 }), (order) => {
        for (const index of order) {
          const { value, type } = pairs[index] as (typeof pairs)[number];
          expect(answer(() => is(value, type as never))).toEqual(answer(() => publishedIs(value, type)));
        }
      }),
      { numRuns: 50 },
    );
    // And every pair at least once, twice.
    for (const { value, type } of [...pairs, ...pairs])
      expect(answer(() => is(value, type as never))).toEqual(answer(() => publishedIs(value, type)));
  });

  it('tells a column from a table through an alias (a Proxy) and a subclass', () => {
    expect(is(aliased.id, Column)).toBe(true);
    expect(is(aliased, Table)).toBe(true);
    expect(is(listings.id, Table)).toBe(false);
    expect(is(listings.id, PgColumn)).toBe(true);
  });
});
