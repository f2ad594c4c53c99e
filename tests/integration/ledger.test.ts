// The escrow ledger against real PostgreSQL: the database refuses what must never happen, and concurrency can't break it.
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import fc from 'fast-check';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { type DbOrTx, db, schema } from '../../db/client';
import { ledgerAccounts, ledgerEntries, ledgerTransactions, organisations } from '../../db/schema';
import {
  type Balance,
  LedgerError,
  type LedgerErrorCode,
  accountId,
  balances,
  cachedBalancesAgree,
  escrowHeldForOrder,
  holdDeposit,
  ledgerTransactionId,
  marketShard,
  orgStatement,
  post,
  recordPaymentReceived,
  recordPayout,
  refundFromEscrow,
  releaseDeposit,
  releaseEscrow,
} from '../../app/ledger/ledger.server';
import type { Currency } from '../../app/lib/money';
import { checkLedgerInvariants } from '../support/ledger-invariants';

const RACERS = 50;

// The app's pool has 4 connections in tests; racers get a pool of their own, one connection each,
// so all of them really are inside their transactions at the same moment.
const racingSql = postgres(process.env.DATABASE_URL ?? '', { max: RACERS, onnotice: () => {} });
const racing = drizzle(racingSql, { schema });

afterAll(async () => {
  await racingSql.end({ timeout: 5 });
});

const tag = () => randomBytes(5).toString('hex');

async function newOrg(): Promise<string> {
  const id = `org_l${tag()}`;
  await db.insert(organisations).values({ id, name: `测试商户 ${id}`, kind: 'both' });
  return id;
}

/** A seller with `amount` in its available balance, got the way the market gets it there: a sale. */
async function sellerWith(amount: number, currency: Currency = 'CNY'): Promise<string> {
  const sellerOrgId = await newOrg();
  const orderId = `ord_${tag()}`;
  await db.transaction(async (tx) => {
    await recordPaymentReceived(tx, {
      orderId,
      amount,
      currency,
      idempotencyKey: `order:${orderId}:payment`,
    });
    await releaseEscrow(tx, {
      orderId,
      sellerOrgId,
      amount,
      feeBps: 0,
      currency,
      idempotencyKey: `order:${orderId}:release`,
    });
  });
  return sellerOrgId;
}

function amountOf(list: Balance[], kind: Balance['kind'], currency: Currency = 'CNY'): number {
  return list.find((b) => b.kind === kind && b.currency === currency)?.amount ?? 0;
}

/** The message PostgreSQL refused a statement or a commit with, or 'allowed'. */
function refusal(work: Promise<unknown>): Promise<string> {
  return work.then(
    () => 'allowed',
    (error: { cause?: { message?: string }; message?: string }) =>
      error.cause?.message ?? String(error.message),
  );
}

function ledgerCode(error: unknown): LedgerErrorCode | 'other' {
  return error instanceof LedgerError ? error.code : 'other';
}

async function transactionCount(idempotencyKey: string): Promise<number> {
  const rows = await db
    .select({ id: ledgerTransactions.id })
    .from(ledgerTransactions)
    .where(eq(ledgerTransactions.idempotencyKey, idempotencyKey));
  return rows.length;
}

/**
 * Every racer opens its transaction and waits at a barrier until all have; then all post at once.
 * Returns each racer's outcome in order.
 */
async function race<T>(count: number, work: (tx: DbOrTx, i: number) => Promise<T>) {
  let inside = 0;
  let open = () => {};
  const barrier = new Promise<void>((resolve) => {
    open = resolve;
  });
  const results = await Promise.allSettled(
    Array.from({ length: count }, (_, i) =>
      racing.transaction(async (tx) => {
        await tx.execute(sql`select 1`); // holds a connection of its own from here on
        inside += 1;
        if (inside === count) open();
        await barrier;
        return work(tx, i);
      }),
    ),
  );
  expect(inside).toBe(count);
  return results;
}

/** Two accounts opened for raw-SQL tests: the market's escrow and provider clearing in a currency. */
async function marketAccounts(currency: Currency = 'CNY') {
  return {
    escrow: await accountId(db, { orgId: null, kind: 'escrow', currency }),
    clearing: await accountId(db, { orgId: null, kind: 'provider_clearing', currency }),
  };
}

describe('posting', () => {
  it('moves derived balances, keeps cached ones equal to them, and lists an org statement newest first', async () => {
    const sellerOrgId = await newOrg();
    const orderId = `ord_${tag()}`;
    const before = await balances(db, null);

    await db.transaction(async (tx) => {
      await recordPaymentReceived(tx, {
        orderId,
        amount: 10_000,
        idempotencyKey: `order:${orderId}:payment`,
      });
      expect(await escrowHeldForOrder(tx, orderId)).toBe(10_000);
      await releaseEscrow(tx, {
        orderId,
        sellerOrgId,
        amount: 10_000,
        feeBps: 250,
        idempotencyKey: `order:${orderId}:release`,
        memo: '订单完成',
      });
    });
    expect(await balances(db, sellerOrgId)).toEqual([{ kind: 'available', currency: 'CNY', amount: 9_750 }]);
    const market = await balances(db, null);
    expect(amountOf(market, 'escrow') - amountOf(before, 'escrow')).toBe(0);
    expect(amountOf(market, 'platform_fees') - amountOf(before, 'platform_fees')).toBe(250);
    expect(amountOf(market, 'provider_clearing') - amountOf(before, 'provider_clearing')).toBe(-10_000);
    expect(await escrowHeldForOrder(db, orderId)).toBe(0);

    await db.transaction((tx) =>
      holdDeposit(tx, { orgId: sellerOrgId, amount: 3_000, idempotencyKey: `deposit:${orderId}:hold` }),
    );
    const payoutId = await db.transaction((tx) =>
      recordPayout(tx, { sellerOrgId, amount: 6_750, idempotencyKey: `payout:${orderId}`, orderId }),
    );
    expect(payoutId).toBe(ledgerTransactionId(`payout:${orderId}`));
    expect(await balances(db, sellerOrgId)).toEqual([
      { kind: 'available', currency: 'CNY', amount: 0 },
      { kind: 'held', currency: 'CNY', amount: 3_000 },
    ]);
    expect(await cachedBalancesAgree(db)).toBe(true);

    const first = await orgStatement(db, sellerOrgId, { pageSize: 2 });
    expect(first.hasMore).toBe(true);
    expect(first.entries[0]).toMatchObject({
      transactionId: payoutId,
      transactionKind: 'payout',
      account: 'available',
      amount: -6_750,
      balanceAfter: 0,
      orderId,
    });
    const all = await orgStatement(db, sellerOrgId);
    expect(all.hasMore).toBe(false);
    expect(all.entries.map((e) => [e.transactionKind, e.account, e.amount, e.balanceAfter])).toEqual([
      ['payout', 'available', -6_750, 0],
      ['deposit_hold', 'held', 3_000, 3_000],
      ['deposit_hold', 'available', -3_000, 6_750],
      ['escrow_released', 'available', 9_750, 9_750],
    ]);
    expect(all.entries[3]).toMatchObject({ memo: '订单完成', orderId });
    expect((await orgStatement(db, sellerOrgId, { page: 2, pageSize: 2 })).entries).toHaveLength(2);
  });

  it('rounds the platform fee half-up', async () => {
    const cases = [
      { amount: 1_020, feeBps: 250, fee: 26 }, // 25.5 fen rounds up
      { amount: 1_019, feeBps: 250, fee: 25 }, // 25.475 rounds down
      { amount: 1_000, feeBps: 0, fee: 0 },
      { amount: 777, feeBps: 10_000, fee: 777 },
    ];
    for (const { amount, feeBps, fee } of cases) {
      const sellerOrgId = await newOrg();
      const orderId = `ord_${tag()}`;
      const transactionId = await db.transaction(async (tx) => {
        await recordPaymentReceived(tx, { orderId, amount, idempotencyKey: `order:${orderId}:payment` });
        return releaseEscrow(tx, {
          orderId,
          sellerOrgId,
          amount,
          feeBps,
          idempotencyKey: `order:${orderId}:release`,
        });
      });
      const lines = await db
        .select({ kind: ledgerAccounts.kind, amount: ledgerEntries.amount })
        .from(ledgerEntries)
        .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
        .where(eq(ledgerEntries.transactionId, transactionId));
      const byKind = Object.fromEntries(lines.map((l) => [l.kind, l.amount]));
      expect(byKind.platform_fees ?? 0).toBe(fee);
      expect(byKind.available ?? 0).toBe(amount - fee);
      expect(byKind.escrow).toBe(-amount);
    }
  });

  it('keeps currencies apart: each balances on its own', async () => {
    const sellerOrgId = await sellerWith(5_000, 'USD');
    expect(await balances(db, sellerOrgId)).toEqual([{ kind: 'available', currency: 'USD', amount: 5_000 }]);
    // A transaction that sums to zero overall but not per currency is a bug, in code and in the database.
    const orgAvailable = { orgId: sellerOrgId, kind: 'available' as const };
    await expect(
      db.transaction((tx) =>
        post(tx, {
          kind: 'adjustment',
          idempotencyKey: `fx:${tag()}`,
          lines: [
            { ...orgAvailable, amount: -100, currency: 'USD' },
            { ...orgAvailable, amount: 100, currency: 'CNY' },
          ],
        }),
      ),
    ).rejects.toMatchObject({ code: 'unbalanced' });
  });
});

describe('the database refuses', () => {
  it('an unbalanced transaction, at COMMIT', async () => {
    const { escrow, clearing } = await marketAccounts();
    const id = `ltx_raw${tag()}`;
    let statementsRan = false;
    const message = await refusal(
      db.transaction(async (tx) => {
        await tx.execute(
          sql`insert into ledger_transactions (id, kind, idempotency_key) values (${id}, 'adjustment', ${id})`,
        );
        await tx.execute(sql`
          insert into ledger_entries (transaction_id, account_id, amount, currency)
          values (${id}, ${clearing}, -100, 'CNY'), (${id}, ${escrow}, 99, 'CNY')`);
        statementsRan = true; // every statement was accepted; the refusal comes with the commit
      }),
    );
    expect(statementsRan).toBe(true);
    expect(message).toMatch(/does not balance: its CNY entries sum to -1/);
    expect(await transactionCount(id)).toBe(0);
  });

  it('a transaction that balances overall but not per currency', async () => {
    const cny = await marketAccounts('CNY');
    const usd = await marketAccounts('USD');
    const id = `ltx_raw${tag()}`;
    const message = await refusal(
      db.transaction(async (tx) => {
        await tx.execute(
          sql`insert into ledger_transactions (id, kind, idempotency_key) values (${id}, 'adjustment', ${id})`,
        );
        await tx.execute(sql`
          insert into ledger_entries (transaction_id, account_id, amount, currency)
          values (${id}, ${cny.clearing}, -100, 'CNY'), (${id}, ${usd.escrow}, 100, 'USD')`);
      }),
    );
    expect(message).toMatch(/does not balance/);
  });

  it('a transaction with one entry, or none', async () => {
    const { escrow } = await marketAccounts();
    const one = `ltx_raw${tag()}`;
    expect(
      await refusal(
        db.transaction(async (tx) => {
          await tx.execute(
            sql`insert into ledger_transactions (id, kind, idempotency_key) values (${one}, 'adjustment', ${one})`,
          );
          await tx.execute(sql`
            insert into ledger_entries (transaction_id, account_id, amount, currency) values (${one}, ${escrow}, 100, 'CNY')`);
        }),
      ),
    ).toMatch(/has 1 entries; it needs at least two/);
    const none = `ltx_raw${tag()}`;
    expect(
      await refusal(
        db.execute(
          sql`insert into ledger_transactions (id, kind, idempotency_key) values (${none}, 'adjustment', ${none})`,
        ),
      ),
    ).toMatch(/has 0 entries; it needs at least two/);
    expect((await transactionCount(one)) + (await transactionCount(none))).toBe(0);
  });

  it('entries added to a transaction committed earlier, even balanced ones', async () => {
    const { escrow, clearing } = await marketAccounts();
    const orderId = `ord_${tag()}`;
    const id = await db.transaction((tx) =>
      recordPaymentReceived(tx, { orderId, amount: 500, idempotencyKey: `order:${orderId}:payment` }),
    );
    expect(
      await refusal(
        db.execute(sql`
          insert into ledger_entries (transaction_id, account_id, amount, currency)
          values (${id}, ${clearing}, -1, 'CNY'), (${id}, ${escrow}, 1, 'CNY')`),
      ),
    ).toMatch(/was not created in this database transaction/);
  });

  it('a zero amount, and an entry in a currency other than its account’s', async () => {
    const { escrow, clearing } = await marketAccounts();
    const id = `ltx_raw${tag()}`;
    const insertWith = (values: ReturnType<typeof sql>) =>
      refusal(
        db.transaction(async (tx) => {
          await tx.execute(
            sql`insert into ledger_transactions (id, kind, idempotency_key) values (${id}, 'adjustment', ${id})`,
          );
          await tx.execute(
            sql`insert into ledger_entries (transaction_id, account_id, amount, currency) values ${values}`,
          );
        }),
      );
    expect(await insertWith(sql`(${id}, ${clearing}, 0, 'CNY'), (${id}, ${escrow}, 0, 'CNY')`)).toMatch(
      /ledger_entries_amount_not_zero/,
    );
    expect(await insertWith(sql`(${id}, ${clearing}, -5, 'USD'), (${id}, ${escrow}, 5, 'USD')`)).toMatch(
      /ledger_entries_account_currency_fk/,
    );
  });

  it('UPDATE, DELETE and TRUNCATE of entries and transactions, and writes to a cached balance', async () => {
    const sellerOrgId = await sellerWith(1_000);
    const account = await accountId(db, { orgId: sellerOrgId, kind: 'available' });
    for (const table of ['ledger_entries', 'ledger_transactions']) {
      const name = sql.identifier(table);
      expect(await refusal(db.execute(sql`update ${name} set created_at = now()`))).toMatch(
        new RegExp(`${table} is append-only \\(UPDATE refused\\)`),
      );
      expect(await refusal(db.execute(sql`delete from ${name}`))).toMatch(
        new RegExp(`${table} is append-only \\(DELETE refused\\)`),
      );
      expect(await refusal(db.execute(sql`truncate ${name} cascade`))).toMatch(
        /append-only \(TRUNCATE refused\)/,
      );
    }
    expect(
      await refusal(
        db.execute(sql`update ledger_accounts set balance = balance + 1000000 where id = ${account}`),
      ),
    ).toMatch(/balance is kept by the entry trigger/);
    expect(
      await refusal(db.execute(sql`update ledger_accounts set kind = 'held' where id = ${account}`)),
    ).toMatch(/never change/);
    expect(
      await refusal(
        db
          .insert(ledgerAccounts)
          .values({ id: `acc_${tag()}`, orgId: await newOrg(), kind: 'available', balance: 5 }),
      ),
    ).toMatch(/opens with a zero balance/);
    expect(await refusal(db.delete(ledgerAccounts).where(eq(ledgerAccounts.id, account)))).toMatch(
      /foreign key/,
    );
    expect(await balances(db, sellerOrgId)).toEqual([{ kind: 'available', currency: 'CNY', amount: 1_000 }]);
  });

  it('a second market-wide account of the same kind and currency (NULL org ids are not distinct)', async () => {
    await marketAccounts();
    expect(
      await refusal(db.insert(ledgerAccounts).values({ id: `acc_${tag()}`, orgId: null, kind: 'escrow' })),
    ).toMatch(/ledger_accounts_owner_kind_currency_key/);
    expect(
      await refusal(db.insert(ledgerAccounts).values({ id: `acc_${tag()}`, orgId: null, kind: 'available' })),
    ).toMatch(/ledger_accounts_owner_matches_kind/);
  });

  it('a posting that would make a held balance negative, and it leaves nothing behind', async () => {
    const orgId = await sellerWith(500);
    await db.transaction((tx) =>
      holdDeposit(tx, { orgId, amount: 300, idempotencyKey: `deposit:${orgId}:1` }),
    );
    const key = `deposit:${orgId}:release-too-much`;
    const error = await db
      .transaction((tx) => releaseDeposit(tx, { orgId, amount: 400, idempotencyKey: key }))
      .catch((e: unknown) => e);
    expect(ledgerCode(error)).toBe('insufficient_funds');
    expect(await transactionCount(key)).toBe(0);
    expect(await balances(db, orgId)).toEqual([
      { kind: 'available', currency: 'CNY', amount: 200 },
      { kind: 'held', currency: 'CNY', amount: 300 },
    ]);

    // The CHECK, not the code, is what refuses: raw SQL meets it too.
    const held = await accountId(db, { orgId, kind: 'held' });
    const available = await accountId(db, { orgId, kind: 'available' });
    const id = `ltx_raw${tag()}`;
    expect(
      await refusal(
        db.transaction(async (tx) => {
          await tx.execute(
            sql`insert into ledger_transactions (id, kind, idempotency_key) values (${id}, 'adjustment', ${id})`,
          );
          await tx.execute(sql`
            insert into ledger_entries (transaction_id, account_id, amount, currency)
            values (${id}, ${held}, -301, 'CNY'), (${id}, ${available}, 301, 'CNY')`);
        }),
      ),
    ).toMatch(/ledger_accounts_balance_not_negative/);
    expect(await cachedBalancesAgree(db)).toBe(true);
  });
});

describe('savepoints', () => {
  it('let a step survive a refused posting and commit the rest', async () => {
    const sellerOrgId = await sellerWith(1_000);
    const orderId = `ord_${tag()}`;
    const outcome = await db.transaction(async (tx) => {
      const refused = await tx
        .transaction((inner) =>
          recordPayout(inner, { sellerOrgId, amount: 5_000, idempotencyKey: `payout:${tag()}` }),
        )
        .catch((e: unknown) => ledgerCode(e));
      await tx.transaction((inner) =>
        recordPaymentReceived(inner, { orderId, amount: 300, idempotencyKey: `order:${orderId}:payment` }),
      );
      await recordPayout(tx, { sellerOrgId, amount: 1_000, idempotencyKey: `payout:${tag()}` });
      return refused;
    });
    expect(outcome).toBe('insufficient_funds');
    expect(await escrowHeldForOrder(db, orderId)).toBe(300);
    expect(amountOf(await balances(db, sellerOrgId), 'available')).toBe(0);
  });
});

describe('checks in code, before the database', () => {
  it.each([
    [{ lines: [{ orgId: null, kind: 'escrow' as const, amount: 100 }] }, 'invalid_posting'],
    [
      {
        lines: [
          { orgId: null, kind: 'escrow' as const, amount: 0 },
          { orgId: null, kind: 'provider_clearing' as const, amount: 0 },
        ],
      },
      'invalid_posting',
    ],
    [
      {
        lines: [
          { orgId: null, kind: 'escrow' as const, amount: 100 },
          { orgId: null, kind: 'provider_clearing' as const, amount: -99 },
        ],
      },
      'unbalanced',
    ],
    [
      {
        lines: [
          { orgId: null, kind: 'available' as const, amount: 100 },
          { orgId: null, kind: 'provider_clearing' as const, amount: -100 },
        ],
      },
      'invalid_posting',
    ],
  ])('refuses a malformed posting (%#) without a query', async (input, code) => {
    const error = await post(db, { kind: 'adjustment', idempotencyKey: `bad:${tag()}`, ...input }).catch(
      (e: unknown) => e,
    );
    expect(ledgerCode(error)).toBe(code);
  });

  it('refuses to release or refund more than an order’s escrow holds', async () => {
    const sellerOrgId = await newOrg();
    const orderId = `ord_${tag()}`;
    await db.transaction((tx) =>
      recordPaymentReceived(tx, { orderId, amount: 1_000, idempotencyKey: `order:${orderId}:payment` }),
    );
    // Catch weight: part goes back to the buyer, the rest to the seller; nothing more.
    await db.transaction((tx) =>
      refundFromEscrow(tx, { orderId, amount: 120, idempotencyKey: `order:${orderId}:weight-refund` }),
    );
    const tooMuch = await db
      .transaction((tx) =>
        releaseEscrow(tx, {
          orderId,
          sellerOrgId,
          amount: 881,
          feeBps: 0,
          idempotencyKey: `order:${orderId}:release`,
        }),
      )
      .catch((e: unknown) => e);
    expect(ledgerCode(tooMuch)).toBe('insufficient_escrow');
    await db.transaction((tx) =>
      releaseEscrow(tx, {
        orderId,
        sellerOrgId,
        amount: 880,
        feeBps: 0,
        idempotencyKey: `order:${orderId}:release`,
      }),
    );
    expect(await escrowHeldForOrder(db, orderId)).toBe(0);
  });
});

describe('idempotency', () => {
  it('writes once for a key used twice, and refuses the key for a different posting', async () => {
    const orderId = `ord_${tag()}`;
    const key = `order:${orderId}:payment`;
    const first = await db.transaction((tx) =>
      recordPaymentReceived(tx, { orderId, amount: 700, idempotencyKey: key }),
    );
    const again = await db.transaction((tx) =>
      recordPaymentReceived(tx, { orderId, amount: 700, idempotencyKey: key, memo: 'retried job' }),
    );
    expect(again).toBe(first);
    expect(first).toBe(ledgerTransactionId(key));
    expect(await transactionCount(key)).toBe(1);
    expect(await escrowHeldForOrder(db, orderId)).toBe(700);

    const different = await db
      .transaction((tx) => recordPaymentReceived(tx, { orderId, amount: 701, idempotencyKey: key }))
      .catch((e: unknown) => e);
    expect(ledgerCode(different)).toBe('idempotency_conflict');

    // A replayed release returns its id even though the escrow it spent is gone.
    const sellerOrgId = await newOrg();
    const release = {
      orderId,
      sellerOrgId,
      amount: 700,
      feeBps: 100,
      idempotencyKey: `order:${orderId}:release`,
    };
    const released = await db.transaction((tx) => releaseEscrow(tx, release));
    expect(await db.transaction((tx) => releaseEscrow(tx, release))).toBe(released);
  });

  it('writes once when 20 posts with one key race', async () => {
    const orderId = `ord_${tag()}`;
    const key = `order:${orderId}:payment`;
    const results = await race(20, (tx) =>
      recordPaymentReceived(tx, { orderId, amount: 4_200, idempotencyKey: key }),
    );
    const ids = results.map((r) => (r.status === 'fulfilled' ? r.value : `rejected: ${String(r.reason)}`));
    expect(new Set(ids)).toEqual(new Set([ledgerTransactionId(key)]));
    expect(await transactionCount(key)).toBe(1);
    expect(await escrowHeldForOrder(db, orderId)).toBe(4_200);
  });

  it('opens one account when 20 first postings to it race', async () => {
    const orgId = await newOrg();
    const results = await race(20, (tx) => accountId(tx, { orgId, kind: 'held', currency: 'HKD' }));
    const ids = results.map((r) => (r.status === 'fulfilled' ? r.value : `rejected: ${String(r.reason)}`));
    expect(new Set(ids).size).toBe(1);
  });
});

describe('concurrent postings', () => {
  it(`never overdraw an available balance when ${RACERS} payouts race for it`, async () => {
    const START = 10_000;
    const sellerOrgId = await sellerWith(START);
    // A fixed seed, so a failure replays with the same sizes.
    let state = 20260502;
    const next = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const sizes = Array.from({ length: RACERS }, () => 100 + Math.floor(next() * 800));
    const results = await race(RACERS, (tx, i) =>
      recordPayout(tx, { sellerOrgId, amount: sizes[i], idempotencyKey: `payout:${sellerOrgId}:${i}` }),
    );
    const paid = results.flatMap((r, i) => (r.status === 'fulfilled' ? [sizes[i]] : []));
    const refused = results.flatMap((r, i) =>
      r.status === 'rejected' ? [{ size: sizes[i], reason: r.reason }] : [],
    );
    for (const { reason } of refused) expect(ledgerCode(reason)).toBe('insufficient_funds');
    expect(paid.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    const total = paid.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(START);
    const left = amountOf(await balances(db, sellerOrgId), 'available');
    expect(left).toBe(START - total);
    // Each refused payout asked for more than was left at its turn, so at least for more than is left now.
    for (const { size } of refused) expect(size).toBeGreaterThan(left);
  });

  it('release one order’s escrow once when two releases with different keys race', async () => {
    const sellerOrgId = await newOrg();
    const orderId = `ord_${tag()}`;
    await db.transaction((tx) =>
      recordPaymentReceived(tx, { orderId, amount: 2_000, idempotencyKey: `order:${orderId}:payment` }),
    );
    const results = await race(2, (tx, i) =>
      releaseEscrow(tx, {
        orderId,
        sellerOrgId,
        amount: 2_000,
        feeBps: 300,
        idempotencyKey: `order:${orderId}:r${i}`,
      }),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected');
    expect(ledgerCode(loser?.status === 'rejected' ? loser.reason : null)).toBe('insufficient_escrow');
    expect(await escrowHeldForOrder(db, orderId)).toBe(0);
  });
});

describe('market accounts in shards (ADR 0033)', () => {
  /** An order id whose market lines go to a shard other than those given. */
  function orderInAnotherShard(taken: number[]): string {
    for (;;) {
      const orderId = `ord_${tag()}`;
      if (!taken.includes(marketShard(orderId))) return orderId;
    }
  }

  async function shardsOf(transactionId: string) {
    return db
      .select({ kind: ledgerAccounts.kind, shard: ledgerAccounts.shard, orgId: ledgerAccounts.orgId })
      .from(ledgerEntries)
      .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
      .where(eq(ledgerEntries.transactionId, transactionId));
  }

  it('moves an order’s money through its own shard, and the market’s balances sum the shards', async () => {
    const sellerOrgId = await newOrg();
    const first = orderInAnotherShard([]);
    const second = orderInAnotherShard([marketShard(first)]);
    const before = await balances(db, null);
    for (const orderId of [first, second]) {
      const paid = await db.transaction((tx) =>
        recordPaymentReceived(tx, { orderId, amount: 10_000, idempotencyKey: `order:${orderId}:payment` }),
      );
      const released = await db.transaction((tx) =>
        releaseEscrow(tx, {
          orderId,
          sellerOrgId,
          amount: 10_000,
          feeBps: 250,
          idempotencyKey: `order:${orderId}:release`,
        }),
      );
      for (const line of [...(await shardsOf(paid)), ...(await shardsOf(released))])
        expect(line.shard).toBe(line.orgId === null ? marketShard(orderId) : 0);
    }
    const market = await balances(db, null);
    expect(amountOf(market, 'platform_fees') - amountOf(before, 'platform_fees')).toBe(500);
    expect(amountOf(market, 'provider_clearing') - amountOf(before, 'provider_clearing')).toBe(-20_000);
    expect(amountOf(market, 'escrow') - amountOf(before, 'escrow')).toBe(0);
    expect(await balances(db, sellerOrgId)).toEqual([{ kind: 'available', currency: 'CNY', amount: 19_500 }]);
    await checkLedgerInvariants(db);
  });

  it('refuses a shard on an org’s account, one out of range, and a change of shard', async () => {
    const orgId = await newOrg();
    expect(
      await refusal(
        db.insert(ledgerAccounts).values({ id: `acc_${tag()}`, orgId, kind: 'available', shard: 1 }),
      ),
    ).toMatch(/ledger_accounts_shard_range/);
    expect(
      await refusal(
        db.insert(ledgerAccounts).values({ id: `acc_${tag()}`, orgId: null, kind: 'escrow', shard: 256 }),
      ),
    ).toMatch(/ledger_accounts_shard_range/);
    const escrow = await accountId(db, { orgId: null, kind: 'escrow', shard: 3 });
    expect(await refusal(db.execute(sql`update ledger_accounts set shard = 4 where id = ${escrow}`))).toMatch(
      /never change/,
    );
  });

  it('lets a release commit while another order’s release still holds its locks', async () => {
    const [sellerA, sellerB] = [await newOrg(), await newOrg()];
    const orderA = orderInAnotherShard([]);
    const orderB = orderInAnotherShard([marketShard(orderA)]);
    for (const orderId of [orderA, orderB])
      await db.transaction((tx) =>
        recordPaymentReceived(tx, { orderId, amount: 5_000, idempotencyKey: `order:${orderId}:payment` }),
      );
    let finish = () => {};
    const held = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let posted = () => {};
    const first = new Promise<void>((resolve) => {
      posted = resolve;
    });
    // A holds the row locks of its shard's escrow and fee accounts (and its seller's) until it is told to commit.
    const a = racing.transaction(async (tx) => {
      await releaseEscrow(tx, {
        orderId: orderA,
        sellerOrgId: sellerA,
        amount: 5_000,
        feeBps: 100,
        idempotencyKey: `order:${orderA}:release`,
      });
      posted();
      await held;
    });
    await first;
    // With one market-wide escrow row, B would wait for A's commit and hit its lock timeout.
    await racing.transaction(async (tx) => {
      await tx.execute(sql`set local lock_timeout = '2s'`);
      await releaseEscrow(tx, {
        orderId: orderB,
        sellerOrgId: sellerB,
        amount: 5_000,
        feeBps: 100,
        idempotencyKey: `order:${orderB}:release`,
      });
    });
    finish();
    await a;
    expect(await escrowHeldForOrder(db, orderA)).toBe(0);
    expect(await escrowHeldForOrder(db, orderB)).toBe(0);
  });
});

describe('any sequence of the market’s postings', () => {
  // Spending postings ask for a share (per mille) of what the model says is there, up to 120 %, so
  // most succeed and some are refused; `pay` brings fresh money in.
  type Op =
    | { op: 'pay'; order: number; amount: number }
    | { op: 'release'; order: number; seller: number; share: number; feeBps: number }
    | { op: 'refund'; order: number; share: number }
    | { op: 'payout'; seller: number; share: number }
    | { op: 'hold'; seller: number; share: number }
    | { op: 'unhold'; seller: number; share: number };
  const ORDERS = 3;
  const SELLERS = 2;
  const order = fc.integer({ min: 0, max: ORDERS - 1 });
  const seller = fc.integer({ min: 0, max: SELLERS - 1 });
  const share = fc.integer({ min: 1, max: 1_200 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('pay' as const),
        order,
        amount: fc.integer({ min: 1, max: 50_000 }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('release' as const),
        order,
        seller,
        share,
        feeBps: fc.integer({ min: 0, max: 2_000 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('refund' as const), order, share }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('payout' as const), seller, share }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('hold' as const), seller, share }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('unhold' as const), seller, share }) },
  );
  const portion = (of: number, perMille: number) => Math.max(1, Math.ceil((of * perMille) / 1_000));
  /** Points a spending posting at an order or seller that has money there, when one has. */
  function aimed(o: Op, escrow: number[], available: number[], held: number[]): Op {
    const funded = (balances: number[], i: number) => {
      const some = balances.flatMap((b, j) => (b > 0 ? [j] : []));
      return some.length === 0 ? i : some[i % some.length];
    };
    if (o.op === 'release' || o.op === 'refund') return { ...o, order: funded(escrow, o.order) };
    if (o.op === 'payout' || o.op === 'hold') return { ...o, seller: funded(available, o.seller) };
    if (o.op === 'unhold') return { ...o, seller: funded(held, o.seller) };
    return o;
  }

  it('keeps every currency summing to zero, caches true, and balances what a simple model predicts', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Every order is paid for first, so the steps after have money to move.
        fc.array(fc.integer({ min: 1_000, max: 50_000 }), { minLength: ORDERS, maxLength: ORDERS }),
        fc.array(op, { minLength: 1, maxLength: 20 }),
        fc.constantFrom<Currency>('CNY', 'USD'),
        async (payments, steps, currency) => {
          const ops: Op[] = [
            ...payments.map((amount, order) => ({ op: 'pay' as const, order, amount })),
            ...steps,
          ];
          const run = tag();
          const sellers = [await newOrg(), await newOrg()];
          const orders = Array.from({ length: ORDERS }, (_, i) => `ord_${run}_${i}`);
          // The model: what each order's escrow and each seller's accounts should hold.
          const escrow = orders.map(() => 0);
          const available = sellers.map(() => 0);
          const held = sellers.map(() => 0);

          for (const [step, generated] of ops.entries()) {
            const idempotencyKey = `prop:${run}:${step}`;
            const o = aimed(generated, escrow, available, held);
            const amount =
              o.op === 'pay'
                ? o.amount
                : o.op === 'release' || o.op === 'refund'
                  ? portion(escrow[o.order], o.share)
                  : portion(o.op === 'unhold' ? held[o.seller] : available[o.seller], o.share);
            const attempt = db.transaction(async (tx): Promise<void> => {
              if (o.op === 'pay') {
                await recordPaymentReceived(tx, {
                  orderId: orders[o.order],
                  amount,
                  currency,
                  idempotencyKey,
                });
              } else if (o.op === 'release') {
                await releaseEscrow(tx, {
                  orderId: orders[o.order],
                  sellerOrgId: sellers[o.seller],
                  amount,
                  feeBps: o.feeBps,
                  currency,
                  idempotencyKey,
                });
              } else if (o.op === 'refund') {
                await refundFromEscrow(tx, { orderId: orders[o.order], amount, currency, idempotencyKey });
              } else if (o.op === 'payout') {
                await recordPayout(tx, { sellerOrgId: sellers[o.seller], amount, currency, idempotencyKey });
              } else if (o.op === 'hold') {
                await holdDeposit(tx, { orgId: sellers[o.seller], amount, currency, idempotencyKey });
              } else {
                await releaseDeposit(tx, { orgId: sellers[o.seller], amount, currency, idempotencyKey });
              }
            });
            const outcome = await attempt.then(
              () => 'ok' as const,
              (error: unknown) => ledgerCode(error),
            );
            // The model says which postings must succeed; a refusal must be the expected one.
            if (o.op === 'pay') {
              expect(outcome).toBe('ok');
              escrow[o.order] += amount;
            } else if (o.op === 'release' || o.op === 'refund') {
              const fits = escrow[o.order] >= amount;
              expect(outcome).toBe(fits ? 'ok' : 'insufficient_escrow');
              if (fits) {
                escrow[o.order] -= amount;
                if (o.op === 'release') {
                  // Half-up in integers, independent of percentOf: floor((2·a·bps + 10⁴) / (2·10⁴)).
                  const fee = Number((2n * BigInt(amount) * BigInt(o.feeBps) + 10_000n) / 20_000n);
                  available[o.seller] += amount - fee;
                }
              }
            } else {
              const from = o.op === 'unhold' ? held : available;
              const fits = from[o.seller] >= amount;
              expect(outcome).toBe(fits ? 'ok' : 'insufficient_funds');
              if (fits) {
                from[o.seller] -= amount;
                if (o.op === 'hold') held[o.seller] += amount;
                if (o.op === 'unhold') available[o.seller] += amount;
              }
            }
          }

          for (const [i, orgId] of sellers.entries()) {
            const list = await balances(db, orgId);
            expect(amountOf(list, 'available', currency)).toBe(available[i]);
            expect(amountOf(list, 'held', currency)).toBe(held[i]);
          }
          for (const [i, orderId] of orders.entries()) {
            expect(await escrowHeldForOrder(db, orderId, currency)).toBe(escrow[i]);
          }
          const totals = (await db.execute<{ currency: string; total: string }>(sql`
          select currency, sum(amount)::text as total from ledger_entries group by currency`)) as unknown as {
            currency: string;
            total: string;
          }[];
          for (const row of totals) expect(row).toEqual({ currency: row.currency, total: '0' });
          expect(await cachedBalancesAgree(db)).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('checkLedgerInvariants', () => {
  // Each broken state is made inside a transaction that is rolled back, so this file's own
  // after-each check still finds the ledger whole.
  async function brokenThenRolledBack(breakIt: (tx: DbOrTx) => Promise<unknown>): Promise<string> {
    let found = '';
    await db
      .transaction(async (tx) => {
        await breakIt(tx);
        found = await checkLedgerInvariants(tx).then(
          () => 'nothing',
          (error: Error) => error.message,
        );
        tx.rollback();
      })
      .catch(() => {});
    return found;
  }

  it('passes on a whole ledger and names what is broken otherwise', async () => {
    const orgId = await sellerWith(900);
    await checkLedgerInvariants(db);
    const { escrow, clearing } = await marketAccounts();
    const available = await accountId(db, { orgId, kind: 'available' });

    const id = `ltx_raw${tag()}`;
    expect(
      await brokenThenRolledBack(async (tx) => {
        await tx.execute(
          sql`insert into ledger_transactions (id, kind, idempotency_key) values (${id}, 'adjustment', ${id})`,
        );
        await tx.execute(sql`
          insert into ledger_entries (transaction_id, account_id, amount, currency)
          values (${id}, ${clearing}, -100, 'CNY'), (${id}, ${escrow}, 90, 'CNY')`);
      }),
    ).toMatch(new RegExp(`transaction does not sum to zero: ${id} CNY sums to -10`));

    expect(
      await brokenThenRolledBack(async (tx) => {
        await tx.execute(sql`alter table ledger_accounts disable trigger ledger_accounts_guard`);
        await tx.execute(sql`update ledger_accounts set balance = balance + 1 where id = ${available}`);
      }),
    ).toMatch(
      new RegExp(
        `cached balance differs from the sum of entries: ${available} caches 901, entries sum to 900`,
      ),
    );

    expect(
      await brokenThenRolledBack(async (tx) => {
        await tx.execute(
          sql`alter table ledger_accounts drop constraint ledger_accounts_balance_not_negative`,
        );
        await recordPayout(tx, { sellerOrgId: orgId, amount: 1_000, idempotencyKey: `payout:${tag()}` });
      }),
    ).toMatch(
      new RegExp(
        `available or held balance is negative: ${available} \\(available, org ${orgId}, CNY\\) sums to -100`,
      ),
    );
  });
});
