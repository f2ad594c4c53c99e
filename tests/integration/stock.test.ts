// Stock under contention: concurrent reservations racing for the last kilos never oversell, and the CHECK backs them up.
import { and, eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, schema } from '../../db/client';
import { listingEvents, listings } from '../../db/schema';
import { ListingError, releaseStock, reserveStock } from '../../app/listings/listings.server';
import { type Seller, liveShrimpLot, verifiedSeller } from '../support/listings';

const RACERS = 50;
const LAST_GRAMS = 10_000;

// The app's pool is 4 connections in tests (per-file-setup), which would run the racers four at a
// time. This file opens a pool of its own with one connection per racer so all of them really are
// inside their transactions at the same moment.
const racingSql = postgres(process.env.DATABASE_URL ?? '', { max: RACERS, onnotice: () => {} });
const racing = drizzle(racingSql, { schema });

let seller: Seller;

beforeAll(async () => {
  seller = await verifiedSeller(db);
});

afterAll(async () => {
  await racingSql.end({ timeout: 5 });
});

/** A live 1,000 kg lot reserved down to its last 10 kg. */
async function lotWithLastTenKilos(): Promise<string> {
  const id = await liveShrimpLot(db, seller, '1000');
  await db.transaction((tx) => reserveStock(tx, id, 1_000_000 - LAST_GRAMS));
  const [row] = await db.select().from(listings).where(eq(listings.id, id));
  expect(row).toMatchObject({ quantityAvailable: LAST_GRAMS, status: 'live' });
  return id;
}

/**
 * Every racer opens its transaction and waits at a barrier until all have; then all reserve at once.
 * Returns each racer's size with what it got: the stock left after it, or the error.
 */
async function race(listingId: string, sizes: number[]) {
  let inside = 0;
  let openBarrier = () => {};
  const barrier = new Promise<void>((resolve) => {
    openBarrier = resolve;
  });
  const results = await Promise.allSettled(
    sizes.map((grams) =>
      racing.transaction(async (tx) => {
        await tx.execute(sql`select 1`); // holds a connection of its own from here on
        inside += 1;
        if (inside === sizes.length) openBarrier();
        await barrier;
        return reserveStock(tx, listingId, grams);
      }),
    ),
  );
  expect(inside).toBe(sizes.length);
  return results.map((result, i) => ({ grams: sizes[i], result }));
}

async function listing(id: string) {
  const [row] = await db.select().from(listings).where(eq(listings.id, id));
  return row;
}

const soldOutEvents = (id: string) =>
  db
    .select()
    .from(listingEvents)
    .where(and(eq(listingEvents.listingId, id), eq(listingEvents.toStatus, 'sold_out')));

/** What must hold after any race, whatever order the racers won in. */
async function expectNoOversell(id: string, outcome: Awaited<ReturnType<typeof race>>) {
  const won = outcome.flatMap(({ grams, result }) =>
    result.status === 'fulfilled' ? [{ grams, remaining: result.value.remaining }] : [],
  );
  const lost = outcome.flatMap(({ grams, result }) =>
    result.status === 'rejected' ? [{ grams, result }] : [],
  );

  for (const { result } of lost) {
    expect(result.reason).toBeInstanceOf(ListingError);
    expect((result.reason as ListingError).messageKey).toBe('listing.errors.insufficientStock');
  }
  const sold = won.reduce((sum, w) => sum + w.grams, 0);
  expect(sold).toBeLessThanOrEqual(LAST_GRAMS);

  // The winners form one chain from 10,000 g down: each saw the stock the previous one left, so no
  // two took the same grams and the stock never went below zero on the way.
  let left = LAST_GRAMS;
  for (const w of [...won].sort((a, b) => b.remaining - a.remaining)) {
    left -= w.grams;
    expect(w.remaining).toBe(left);
    expect(w.remaining).toBeGreaterThanOrEqual(0);
  }

  const row = await listing(id);
  expect(row.quantityAvailable).toBe(LAST_GRAMS - sold);
  // Nothing refused could have fitted in what is left: every loser asked for more than remains.
  for (const { grams } of lost) expect(grams).toBeGreaterThan(row.quantityAvailable);
  expect(row.status).toBe(row.quantityAvailable === 0 ? 'sold_out' : 'live');
  expect(await soldOutEvents(id)).toHaveLength(row.quantityAvailable === 0 ? 1 : 0);
  return { sold, won: won.length, lost: lost.length, row };
}

describe('reserving the last stock of a lot concurrently', () => {
  it(`sells exactly the last 10 kg to ${LAST_GRAMS / 1000} of ${RACERS} racers asking 1 kg each`, async () => {
    const id = await lotWithLastTenKilos();
    const outcome = await race(
      id,
      Array.from({ length: RACERS }, () => 1000),
    );
    const { sold, won, lost, row } = await expectNoOversell(id, outcome);
    expect({ sold, won, lost }).toEqual({ sold: LAST_GRAMS, won: 10, lost: RACERS - 10 });
    expect(row.status).toBe('sold_out');
  });

  it('never oversells to racers asking 300–2,500 g, and leaves nothing a refused racer could have taken', async () => {
    const id = await lotWithLastTenKilos();
    // A fixed seed, so a failure replays with the same sizes.
    let state = 20260501;
    const next = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const sizes = Array.from({ length: RACERS }, () => 300 + Math.floor(next() * 2201));
    const { sold, won, lost } = await expectNoOversell(id, await race(id, sizes));
    expect(won).toBeGreaterThan(0);
    expect(lost).toBeGreaterThan(0);
    expect(sold).toBeGreaterThan(LAST_GRAMS - Math.max(...sizes));
  });

  it('puts a sold-out lot back on sale when stock is released', async () => {
    const id = await lotWithLastTenKilos();
    await db.transaction((tx) => reserveStock(tx, id, LAST_GRAMS));
    expect(await listing(id)).toMatchObject({ quantityAvailable: 0, status: 'sold_out' });
    await expect(db.transaction((tx) => reserveStock(tx, id, 1))).rejects.toMatchObject({
      messageKey: 'listing.errors.insufficientStock',
    });

    await db.transaction((tx) => releaseStock(tx, id, 2_500));
    expect(await listing(id)).toMatchObject({ quantityAvailable: 2_500, status: 'live' });
    const { remaining } = await db.transaction((tx) => reserveStock(tx, id, 2_500));
    expect(remaining).toBe(0);
    expect(await soldOutEvents(id)).toHaveLength(2);
  });
});

describe('the database as the last guard', () => {
  it('refuses a negative quantity_available written straight to the table', async () => {
    const id = await lotWithLastTenKilos();
    await expect(db.$sql`update listings set quantity_available = -1 where id = ${id}`).rejects.toMatchObject(
      { code: '23514', constraint_name: 'listings_available_not_negative' },
    );
    expect((await listing(id)).quantityAvailable).toBe(LAST_GRAMS);
  });

  it('refuses more available than the lot holds', async () => {
    const id = await lotWithLastTenKilos();
    await expect(
      db.$sql`update listings set quantity_available = quantity_total + 1 where id = ${id}`,
    ).rejects.toMatchObject({ code: '23514', constraint_name: 'listings_available_within_total' });
  });
});
