// The escrow ledger: balanced, idempotent postings; balances and statements; the postings the market makes.
//
// PostgreSQL enforces the rules (db/migrations/0004_ledger_rules.sql); the checks here come first only
// to fail with a clear message before a round trip. Every function takes the caller's transaction, so
// a posting commits or rolls back with the business step it belongs to. Run it at READ COMMITTED (the
// default): the idempotency and account races are settled by unique keys, which at a stricter
// isolation level turn into serialization failures instead.
import { createHash } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { type LedgerAccountKind, ledgerAccounts, ledgerEntries, ledgerTransactions } from '../../db/schema';
import { newId } from '../lib/ids';
import { type Currency, DEFAULT_CURRENCY, percentOf } from '../lib/money';

export type LedgerTransactionKind =
  | 'payment_received'
  | 'escrow_funded'
  | 'escrow_released'
  | 'fee'
  | 'payout'
  | 'refund'
  | 'deposit_hold'
  | 'deposit_release'
  | 'adjustment'
  | 'terms_drawn'
  | 'terms_payment';

/** Accounts that belong to the market rather than an org (their org id is null). */
export const MARKET_ACCOUNT_KINDS: readonly LedgerAccountKind[] = [
  'escrow',
  'platform_fees',
  'provider_clearing',
];

/**
 * How many rows each market account is split into (ADR 0033). A posting's market lines go to the shard its order
 * (else its idempotency key) hashes to, so one order's money enters and leaves escrow through one shard, and
 * postings for different orders rarely wait for each other's row locks. The database allows up to 256.
 */
export const MARKET_SHARDS = 16;

/** The shard of the market accounts that a posting for this order (or key) uses. */
export function marketShard(key: string): number {
  return createHash('sha256').update(key).digest().readUInt16BE(0) % MARKET_SHARDS;
}

/** One side of a posting: `amount` (minor units, signed, never zero) is added to the account's balance. */
export type LedgerLine = {
  orgId: string | null;
  kind: LedgerAccountKind;
  amount: number;
  currency?: Currency;
};

export type PostInput = {
  kind: LedgerTransactionKind;
  /** Derived from the business key by the caller, e.g. `order:<id>:release`. */
  idempotencyKey: string;
  orderId?: string | null;
  memo?: string | null;
  createdBy?: string | null;
  lines: readonly LedgerLine[];
};

export type LedgerErrorCode =
  /** A malformed posting: a bug in the caller. */
  | 'invalid_posting'
  /** The lines do not sum to zero in some currency: a bug in the caller. */
  | 'unbalanced'
  /** The idempotency key was used before for a different posting: a bug in how keys are derived. */
  | 'idempotency_conflict'
  /** An available or held balance would go negative: an expected refusal. */
  | 'insufficient_funds'
  /** The order's escrow holds less than the release or refund asks for. */
  | 'insufficient_escrow';

export class LedgerError extends Error {
  constructor(
    public readonly code: LedgerErrorCode,
    message: string,
    /** For an escrow refusal: the order whose escrow is short. */
    public readonly orderId: string | null = null,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

type AccountKey = { orgId: string | null; kind: LedgerAccountKind; currency: Currency };
type CheckedLine = AccountKey & { amount: number };

/**
 * The ledger transaction's id, derived from its idempotency key: a retried step gets the same id
 * whether or not its first attempt committed, so the id can be the payment provider's idempotency key.
 */
export function ledgerTransactionId(idempotencyKey: string): string {
  return `ltx_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}`;
}

/** Validates a posting and fills in currencies; throws LedgerError for anything the database would refuse. */
export function checkPosting(input: Pick<PostInput, 'kind' | 'idempotencyKey' | 'lines'>): CheckedLine[] {
  if (input.idempotencyKey.trim().length === 0) {
    throw new LedgerError('invalid_posting', 'a ledger posting needs an idempotency key');
  }
  if (!/^[a-z][a-z_]*$/.test(input.kind)) {
    throw new LedgerError('invalid_posting', `'${input.kind}' is not a ledger transaction kind`);
  }
  if (input.lines.length < 2) {
    throw new LedgerError(
      'invalid_posting',
      `a ledger posting needs at least two lines, got ${input.lines.length}`,
    );
  }
  const sums = new Map<Currency, bigint>();
  const lines = input.lines.map((line): CheckedLine => {
    const currency = line.currency ?? DEFAULT_CURRENCY;
    if (!Number.isSafeInteger(line.amount) || line.amount === 0) {
      throw new LedgerError(
        'invalid_posting',
        `a ledger line's amount must be a non-zero safe integer of minor units, got ${String(line.amount)} (${line.kind})`,
      );
    }
    const marketWide = MARKET_ACCOUNT_KINDS.includes(line.kind);
    if (marketWide !== (line.orgId === null)) {
      throw new LedgerError(
        'invalid_posting',
        marketWide
          ? `a ${line.kind} account belongs to the market, not to org ${line.orgId}`
          : `a ${line.kind} account belongs to an org; the line has none`,
      );
    }
    // BigInt: the sum of safe integers need not be one.
    sums.set(currency, (sums.get(currency) ?? 0n) + BigInt(line.amount));
    return { orgId: line.orgId, kind: line.kind, currency, amount: line.amount };
  });
  for (const [currency, sum] of sums) {
    if (sum !== 0n) {
      throw new LedgerError(
        'unbalanced',
        `a ledger posting must sum to zero per currency; ${currency} sums to ${sum}`,
      );
    }
  }
  return lines;
}

/** Splits an escrow release into the platform's fee (basis points, half-up) and the seller's share. */
export function escrowReleaseSplit(amount: number, feeBps: number): { fee: number; toSeller: number } {
  positiveAmount(amount);
  if (!Number.isSafeInteger(feeBps) || feeBps < 0 || feeBps > 10_000) {
    throw new LedgerError('invalid_posting', `a fee is 0 to 10000 basis points, got ${String(feeBps)}`);
  }
  const fee = percentOf(amount, feeBps);
  return { fee, toSeller: amount - fee };
}

function positiveAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new LedgerError(
      'invalid_posting',
      `an amount must be a positive safe integer, got ${String(amount)}`,
    );
  }
}

function accountWhere(key: AccountKey, shard: number) {
  return and(
    key.orgId === null ? isNull(ledgerAccounts.orgId) : eq(ledgerAccounts.orgId, key.orgId),
    eq(ledgerAccounts.kind, key.kind),
    eq(ledgerAccounts.currency, key.currency),
    eq(ledgerAccounts.shard, shard),
  );
}

/**
 * The id of an org's (or a shard of the market's) account of a kind and currency, opening it on first use.
 * Postings do this inside ledger_post (db/migrations/0021_ledger_market_shards.sql); this is for reports and tests.
 */
export async function accountId(
  tx: DbOrTx,
  key: { orgId: string | null; kind: LedgerAccountKind; currency?: Currency; shard?: number },
): Promise<string> {
  const full: AccountKey = { orgId: key.orgId, kind: key.kind, currency: key.currency ?? DEFAULT_CURRENCY };
  const shard = key.orgId === null ? (key.shard ?? 0) : 0;
  const [found] = await tx
    .select({ id: ledgerAccounts.id })
    .from(ledgerAccounts)
    .where(accountWhere(full, shard));
  if (found) return found.id;
  // Two first postings may race to open the account: the unique key lets one insert, the other waits
  // for it and then reads its row.
  await tx
    .insert(ledgerAccounts)
    .values({ id: newId('acc'), orgId: full.orgId, kind: full.kind, currency: full.currency, shard })
    .onConflictDoNothing();
  const [opened] = await tx
    .select({ id: ledgerAccounts.id })
    .from(ledgerAccounts)
    .where(accountWhere(full, shard));
  if (!opened) throw new Error(`ledger account ${JSON.stringify({ ...full, shard })} could not be opened`);
  return opened.id;
}

type Posted = { id: string; kind: string; orderId: string | null; lines: CheckedLine[] };

async function findPosted(tx: DbOrTx, idempotencyKey: string): Promise<Posted | null> {
  const [transaction] = await tx
    .select({ id: ledgerTransactions.id, kind: ledgerTransactions.kind, orderId: ledgerTransactions.orderId })
    .from(ledgerTransactions)
    .where(eq(ledgerTransactions.idempotencyKey, idempotencyKey));
  if (!transaction) return null;
  const lines = await tx
    .select({
      orgId: ledgerAccounts.orgId,
      kind: ledgerAccounts.kind,
      currency: ledgerAccounts.currency,
      amount: ledgerEntries.amount,
    })
    .from(ledgerEntries)
    .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
    .where(eq(ledgerEntries.transactionId, transaction.id));
  return { ...transaction, lines: lines.map((line) => ({ ...line, currency: line.currency as Currency })) };
}

function lineSignature(lines: readonly CheckedLine[]): string {
  return JSON.stringify(lines.map((l) => JSON.stringify([l.orgId, l.kind, l.currency, l.amount])).sort());
}

/** A replay returns the first posting's id; a replay that asks for something else is a bug and says so. */
function replayed(posted: Posted, input: PostInput, lines: readonly CheckedLine[]): string {
  const same =
    posted.kind === input.kind &&
    posted.orderId === (input.orderId ?? null) &&
    lineSignature(posted.lines) === lineSignature(lines);
  if (!same) {
    throw new LedgerError(
      'idempotency_conflict',
      `idempotency key '${input.idempotencyKey}' was used by ledger transaction ${posted.id} for a different posting`,
    );
  }
  return posted.id;
}

function isBalanceCheckViolation(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; constraint_name?: string } })?.cause;
  return cause?.code === '23514' && cause.constraint_name === 'ledger_accounts_balance_not_negative';
}

/**
 * Posts a balanced transaction and returns its id. Idempotent: a second post with the same key
 * writes nothing and returns the same id (and throws if its lines differ). An overdraft of an
 * available or held account throws LedgerError 'insufficient_funds'; the database transaction is
 * then aborted, so the caller rolls back (or posted inside a savepoint of its own).
 */
export async function post(tx: DbOrTx, input: PostInput): Promise<string> {
  return postPrepared(tx, prepare(input, null));
}

/** What a release or refund takes out of one order's escrow: checked, under the order's lock, before posting. */
type EscrowSpend = { orderId: string; amount: number; currency: Currency };

/** A posting ready for ledger_post: its lines checked, its id derived from its key, its accounts described. */
type Prepared = {
  id: string;
  input: PostInput;
  lines: CheckedLine[];
  escrow: EscrowSpend | null;
  accounts: {
    org: string | null;
    kind: LedgerAccountKind;
    currency: string;
    shard: number;
    amount: number;
    open: string;
  }[];
};

function prepare(input: PostInput, escrow: EscrowSpend | null): Prepared {
  const lines = checkPosting(input);
  const shard = marketShard(input.orderId ?? input.idempotencyKey);
  const accounts = lines.map((line) => ({
    org: line.orgId,
    kind: line.kind,
    currency: line.currency,
    shard: line.orgId === null ? shard : 0,
    amount: line.amount,
    open: newId('acc'),
  }));
  return { id: ledgerTransactionId(input.idempotencyKey), input, lines, escrow, accounts };
}

function postCall(posting: Prepared) {
  const { id, input, escrow } = posting;
  return sql`ledger_post(
    ${id}::text, ${input.kind}::text, ${input.orderId ?? null}::text, ${input.idempotencyKey}::text,
    ${input.memo ?? null}::text, ${input.createdBy ?? null}::text, ${JSON.stringify(posting.accounts)}::jsonb,
    ${escrow?.orderId ?? null}::text, ${escrow?.amount ?? null}::bigint, ${escrow?.currency ?? null}::text
  )`;
}

function overdraftError(error: unknown, posting: Prepared): unknown {
  if (!isBalanceCheckViolation(error)) return error;
  return new LedgerError(
    'insufficient_funds',
    `ledger transaction ${posting.id} (${posting.input.kind}) would overdraw an available or held balance`,
  );
}

/** What ledger_post answered, as the caller's result: the transaction's id, or the refusal as a LedgerError. */
async function outcomeOf(tx: DbOrTx, posting: Prepared, outcome: string): Promise<string> {
  const { id, input, lines, escrow } = posting;
  if (outcome === 'posted') return id;
  if (outcome === 'replay') {
    // Posted earlier, or by a concurrent post with this key that committed while this one waited on the key.
    const earlier = await findPosted(tx, input.idempotencyKey);
    if (!earlier) throw new Error(`ledger transaction ${id} conflicts but cannot be read`);
    return replayed(earlier, input, lines);
  }
  if (escrow && outcome.startsWith('short:')) {
    throw new LedgerError(
      'insufficient_escrow',
      `order ${escrow.orderId}'s escrow holds ${outcome.slice('short:'.length)} ${escrow.currency}; ${escrow.amount} cannot leave it`,
      escrow.orderId,
    );
  }
  throw new Error(`ledger_post answered '${outcome}' for ledger transaction ${id}`);
}

/**
 * One round trip (ledger_post, db/migrations/0021_ledger_market_shards.sql): the replay check, the order's escrow
 * check, the transaction, the accounts (opened on first use), their row locks and the entries. The row locks of
 * the accounts are held until the caller's commit, so callers post last in their transaction (ADR 0033).
 */
async function postPrepared(tx: DbOrTx, posting: Prepared): Promise<string> {
  let outcome: string;
  try {
    const [row] = await tx.execute<{ outcome: string }>(sql`select ${postCall(posting)} as outcome`);
    outcome = row?.outcome ?? '';
  } catch (error) {
    throw overdraftError(error, posting);
  }
  return outcomeOf(tx, posting, outcome);
}

/**
 * Many postings in one round trip (ledger_post_many, db/migrations/0035_ledger_post_many.sql; settlement in batches,
 * ADR 0048): each posting checked as ledger_post checks it, then the transactions, the accounts' locks (all at once,
 * in id order, as a single posting takes its own) and the entries written as one statement each.
 */
async function postMany(tx: DbOrTx, postings: Prepared[]): Promise<string[]> {
  if (postings.length === 0) return [];
  const batch = postings.map((posting) => ({
    id: posting.id,
    kind: posting.input.kind,
    order_id: posting.input.orderId ?? null,
    key: posting.input.idempotencyKey,
    memo: posting.input.memo ?? null,
    created_by: posting.input.createdBy ?? null,
    lines: posting.accounts,
    escrow_order: posting.escrow?.orderId ?? null,
    escrow_amount: posting.escrow?.amount ?? null,
    escrow_currency: posting.escrow?.currency ?? null,
  }));
  let rows: { n: number; outcome: string }[];
  try {
    rows = await tx.execute<{ n: number; outcome: string }>(
      sql`select n, outcome from ledger_post_many(${JSON.stringify(batch)}::jsonb)`,
    );
  } catch (error) {
    // Which posting overdrew is not known here; the caller falls back to posting one order at a time.
    throw overdraftError(error, postings[0]);
  }
  const ids: string[] = [];
  for (const row of rows) ids.push(await outcomeOf(tx, postings[Number(row.n)], row.outcome));
  return ids;
}

export type Balance = { kind: LedgerAccountKind; currency: Currency; amount: number };

/** An org's balances per account kind and currency (null: the market's own), summed from the entries. */
export async function balances(tx: DbOrTx, orgId: string | null): Promise<Balance[]> {
  const rows = await tx
    .select({
      kind: ledgerAccounts.kind,
      currency: ledgerAccounts.currency,
      amount: sql<number>`coalesce(sum(${ledgerEntries.amount}), 0)`.mapWith(Number),
    })
    .from(ledgerAccounts)
    .leftJoin(ledgerEntries, eq(ledgerEntries.accountId, ledgerAccounts.id))
    .where(orgId === null ? isNull(ledgerAccounts.orgId) : eq(ledgerAccounts.orgId, orgId))
    .groupBy(ledgerAccounts.kind, ledgerAccounts.currency)
    .orderBy(ledgerAccounts.kind, ledgerAccounts.currency);
  return rows.map((row) => ({ ...row, currency: row.currency as Currency }));
}

/** Whether every account's cached balance equals the sum of its entries (the trigger's contract). */
export async function cachedBalancesAgree(tx: DbOrTx): Promise<boolean> {
  const [row] = await tx.execute<{ disagreeing: number }>(sql`
    select count(*)::int as disagreeing
    from ledger_accounts account
    left join (select account_id, sum(amount) as total from ledger_entries group by account_id) entries
      on entries.account_id = account.id
    where account.balance <> coalesce(entries.total, 0)
  `);
  return row?.disagreeing === 0;
}

/** What an order's escrow holds in a currency: paid in minus released and refunded, from the entries. */
export async function escrowHeldForOrder(
  tx: DbOrTx,
  orderId: string,
  currency: Currency = DEFAULT_CURRENCY,
): Promise<number> {
  const [row] = await tx
    .select({ held: sql<number>`coalesce(sum(${ledgerEntries.amount}), 0)`.mapWith(Number) })
    .from(ledgerEntries)
    .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
    .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
    .where(
      and(
        eq(ledgerTransactions.orderId, orderId),
        eq(ledgerAccounts.kind, 'escrow'),
        eq(ledgerEntries.currency, currency),
      ),
    );
  return row?.held ?? 0;
}

/** One order whose money sits in escrow, as one of its two sides sees it. */
export type EscrowedOrder = {
  orderId: string;
  side: 'buyer' | 'seller';
  status: string;
  currency: Currency;
  titleZh: string | null;
  titleEn: string | null;
  /** What the escrow holds for the order now (the buyer's money, paid in minus released and refunded). */
  heldFen: number;
  /** What the seller stands to receive when it releases: the weighed total (capped at the escrow), less the fee. */
  toSellerFen: number;
};

/**
 * The orders an org buys or sells whose escrow holds money, from the ledger's escrow entries grouped by order:
 * the buyer's money held for each, and what the seller will receive from it.
 */
export async function escrowByOrder(tx: DbOrTx, orgId: string): Promise<EscrowedOrder[]> {
  const rows = await tx.execute<{
    order_id: string;
    buyer_org_id: string;
    status: string;
    currency: string;
    title_zh: string | null;
    title_en: string | null;
    held: string;
    final_total_fen: string | null;
    fee_bps: number;
  }>(sql`
    select o.id as order_id, o.buyer_org_id, o.status, e.currency, l.title_zh, l.title_en,
           sum(e.amount) as held, o.final_total_fen, o.fee_bps
    from ledger_entries e
    join ledger_accounts a on a.id = e.account_id and a.kind = 'escrow'
    join ledger_transactions t on t.id = e.transaction_id
    join orders o on o.id = t.order_id
    join listings l on l.id = o.listing_id
    where o.buyer_org_id = ${orgId} or o.seller_org_id = ${orgId}
    group by o.id, e.currency, l.title_zh, l.title_en
    having sum(e.amount) > 0
    order by min(e.id) desc
    limit 200
  `);
  return rows.map((row) => {
    const heldFen = Number(row.held);
    const due = Math.min(heldFen, row.final_total_fen === null ? heldFen : Number(row.final_total_fen));
    return {
      orderId: row.order_id,
      side: row.buyer_org_id === orgId ? 'buyer' : 'seller',
      status: row.status,
      currency: row.currency as Currency,
      titleZh: row.title_zh,
      titleEn: row.title_en,
      heldFen,
      toSellerFen: due > 0 ? escrowReleaseSplit(due, row.fee_bps).toSeller : 0,
    };
  });
}

export type StatementEntry = {
  entryId: number;
  at: Date;
  account: LedgerAccountKind;
  currency: Currency;
  amount: number;
  /** The account's balance right after this entry. */
  balanceAfter: number;
  transactionId: string;
  transactionKind: string;
  memo: string | null;
  orderId: string | null;
};

/** An org's entries, newest first, a page at a time (pages count from 1), for its balance page. */
export async function orgStatement(
  tx: DbOrTx,
  orgId: string,
  { page = 1, pageSize = 50 }: { page?: number; pageSize?: number } = {},
): Promise<{ entries: StatementEntry[]; page: number; hasMore: boolean }> {
  const safePage = Number.isSafeInteger(page) && page >= 1 ? page : 1;
  const size = Math.min(Math.max(Math.trunc(pageSize) || 50, 1), 500);
  const rows = await tx
    .select({
      entryId: ledgerEntries.id,
      at: ledgerEntries.createdAt,
      account: ledgerAccounts.kind,
      currency: ledgerEntries.currency,
      amount: ledgerEntries.amount,
      balanceAfter:
        sql<number>`sum(${ledgerEntries.amount}) over (partition by ${ledgerEntries.accountId} order by ${ledgerEntries.id})`.mapWith(
          Number,
        ),
      transactionId: ledgerTransactions.id,
      transactionKind: ledgerTransactions.kind,
      memo: ledgerTransactions.memo,
      orderId: ledgerTransactions.orderId,
    })
    .from(ledgerEntries)
    .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
    .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
    .where(eq(ledgerAccounts.orgId, orgId))
    .orderBy(desc(ledgerEntries.id))
    .limit(size + 1)
    .offset((safePage - 1) * size);
  return {
    entries: rows.slice(0, size).map((row) => ({ ...row, currency: row.currency as Currency })),
    page: safePage,
    hasMore: rows.length > size,
  };
}

// The postings the market makes. Each is balanced by construction and idempotent by its key.

type Posting = {
  idempotencyKey: string;
  amount: number;
  currency?: Currency;
  memo?: string | null;
  createdBy?: string | null;
};

/** The buyer's payment for an order arrived at the provider: it is now held in escrow. */
export async function recordPaymentReceived(
  tx: DbOrTx,
  input: Posting & { orderId: string },
): Promise<string> {
  positiveAmount(input.amount);
  const currency = input.currency ?? DEFAULT_CURRENCY;
  return post(tx, {
    ...input,
    kind: 'payment_received',
    lines: [
      { orgId: null, kind: 'provider_clearing', amount: -input.amount, currency },
      { orgId: null, kind: 'escrow', amount: input.amount, currency },
    ],
  });
}

/**
 * A fee the market charges an org outside any order (a fair's booth fee): taken from the org's available
 * balance into the platform's fees; refused with insufficient_funds when the balance does not cover it.
 */
export async function chargeOrgFee(tx: DbOrTx, input: Posting & { orgId: string }): Promise<string> {
  positiveAmount(input.amount);
  const currency = input.currency ?? DEFAULT_CURRENCY;
  return post(tx, {
    ...input,
    kind: 'fee',
    lines: [
      { orgId: input.orgId, kind: 'available', amount: -input.amount, currency },
      { orgId: null, kind: 'platform_fees', amount: input.amount, currency },
    ],
  });
}

/** `onTerms`: the seller's share waits in its `uncollected` account until the buyer pays (ADR 0056). */
type ReleaseInput = Posting & { orderId: string; sellerOrgId: string; feeBps: number; onTerms?: boolean };
/** `termsBuyerOrgId`: an order on terms, whose refund lowers that buyer's receivable (ADR 0056). */
type RefundInput = Posting & { orderId: string; termsBuyerOrgId?: string | null };

function releasePosting(input: ReleaseInput): Prepared {
  const { fee, toSeller } = escrowReleaseSplit(input.amount, input.feeBps);
  const currency = input.currency ?? DEFAULT_CURRENCY;
  const lines: LedgerLine[] = [{ orgId: null, kind: 'escrow', amount: -input.amount, currency }];
  // Zero-amount entries are refused, so a 0% or 100% fee leaves its line out.
  if (toSeller > 0)
    lines.push({
      orgId: input.sellerOrgId,
      kind: input.onTerms ? 'uncollected' : 'available',
      amount: toSeller,
      currency,
    });
  if (fee > 0) lines.push({ orgId: null, kind: 'platform_fees', amount: fee, currency });
  // The order's advisory lock (in ledger_post) serializes its releases and refunds, so two of them can't both
  // spend the same escrow: a lock of its own rather than an escrow account's row, which many orders share.
  return prepare(
    { ...input, kind: 'escrow_released', lines },
    { orderId: input.orderId, amount: input.amount, currency },
  );
}

function refundPosting(input: RefundInput): Prepared {
  positiveAmount(input.amount);
  const currency = input.currency ?? DEFAULT_CURRENCY;
  // On terms (ADR 0056) nothing was paid in: what leaves the escrow lowers what the buyer owes instead.
  const back: LedgerLine = input.termsBuyerOrgId
    ? { orgId: input.termsBuyerOrgId, kind: 'receivable', amount: input.amount, currency }
    : { orgId: null, kind: 'provider_clearing', amount: input.amount, currency };
  return prepare(
    {
      ...input,
      kind: 'refund',
      lines: [{ orgId: null, kind: 'escrow', amount: -input.amount, currency }, back],
    },
    { orderId: input.orderId, amount: input.amount, currency },
  );
}

/** The order's escrow goes to the seller's available balance, less the platform's fee (half-up). */
export function releaseEscrow(tx: DbOrTx, input: ReleaseInput): Promise<string> {
  return postPrepared(tx, releasePosting(input));
}

/** The order's escrow (all or part of it) goes back through the provider to the buyer. */
export function refundFromEscrow(tx: DbOrTx, input: RefundInput): Promise<string> {
  return postPrepared(tx, refundPosting(input));
}

/** What leaves orders' escrow when they settle, in the order given: refunds to buyers and releases to sellers. */
export type EscrowMovement =
  | { kind: 'refund'; input: RefundInput }
  | { kind: 'release'; input: ReleaseInput };

/**
 * Settles many orders' escrow in one round trip (ADR 0048), with the same checks and postings as
 * releaseEscrow and refundFromEscrow one by one.
 */
export function postEscrowMovements(tx: DbOrTx, movements: EscrowMovement[]): Promise<string[]> {
  return postMany(
    tx,
    movements.map((movement) =>
      movement.kind === 'refund' ? refundPosting(movement.input) : releasePosting(movement.input),
    ),
  );
}

/** A seller is paid out: money leaves its available balance through the provider (refused if short). */
export async function recordPayout(
  tx: DbOrTx,
  input: Posting & { sellerOrgId: string; orderId?: string | null },
): Promise<string> {
  positiveAmount(input.amount);
  const currency = input.currency ?? DEFAULT_CURRENCY;
  return post(tx, {
    ...input,
    kind: 'payout',
    lines: [
      { orgId: input.sellerOrgId, kind: 'available', amount: -input.amount, currency },
      { orgId: null, kind: 'provider_clearing', amount: input.amount, currency },
    ],
  });
}

/** An org's deposit (for an auction) moves from available to held (refused if available is short). */
export async function holdDeposit(tx: DbOrTx, input: Posting & { orgId: string }): Promise<string> {
  positiveAmount(input.amount);
  const currency = input.currency ?? DEFAULT_CURRENCY;
  return post(tx, {
    ...input,
    kind: 'deposit_hold',
    lines: [
      { orgId: input.orgId, kind: 'available', amount: -input.amount, currency },
      { orgId: input.orgId, kind: 'held', amount: input.amount, currency },
    ],
  });
}

/** A held deposit goes back to the org's available balance (refused if more than is held). */
export async function releaseDeposit(tx: DbOrTx, input: Posting & { orgId: string }): Promise<string> {
  positiveAmount(input.amount);
  const currency = input.currency ?? DEFAULT_CURRENCY;
  return post(tx, {
    ...input,
    kind: 'deposit_release',
    lines: [
      { orgId: input.orgId, kind: 'held', amount: -input.amount, currency },
      { orgId: input.orgId, kind: 'available', amount: input.amount, currency },
    ],
  });
}

/**
 * An order on credit terms is confirmed without a payment (ADR 0056): its escrow is funded by what the buyer org now
 * owes (its `receivable` account goes down by the amount), so every later step — weighing, refunds, disputes, the
 * release — moves the escrow exactly as for a paid order.
 */
export async function drawOnTerms(
  tx: DbOrTx,
  input: Posting & { orderId: string; buyerOrgId: string },
): Promise<string> {
  positiveAmount(input.amount);
  const currency = input.currency ?? DEFAULT_CURRENCY;
  return post(tx, {
    ...input,
    kind: 'terms_drawn',
    lines: [
      { orgId: input.buyerOrgId, kind: 'receivable', amount: -input.amount, currency },
      { orgId: null, kind: 'escrow', amount: input.amount, currency },
    ],
  });
}

/**
 * The buyer pays (part of) an order on terms: the money arrives at the market (provider clearing), the buyer's
 * debt goes down by it, and the seller's share of it (`sellerShareFen`, computed by the caller so that the shares
 * of all payments add up to the seller's whole share) moves from `uncollected` to `available`.
 */
export async function recordTermsPayment(
  tx: DbOrTx,
  input: Posting & { orderId: string; buyerOrgId: string; sellerOrgId: string; sellerShareFen: number },
): Promise<string> {
  positiveAmount(input.amount);
  const currency = input.currency ?? DEFAULT_CURRENCY;
  const lines: LedgerLine[] = [
    { orgId: null, kind: 'provider_clearing', amount: -input.amount, currency },
    { orgId: input.buyerOrgId, kind: 'receivable', amount: input.amount, currency },
  ];
  if (input.sellerShareFen > 0)
    lines.push(
      { orgId: input.sellerOrgId, kind: 'uncollected', amount: -input.sellerShareFen, currency },
      { orgId: input.sellerOrgId, kind: 'available', amount: input.sellerShareFen, currency },
    );
  return post(tx, { ...input, kind: 'terms_payment', lines });
}

/** What an order's buyer still owes on terms, and what of the order's seller share is still uncollected. */
export async function termsPositionOfOrder(
  tx: DbOrTx,
  orderId: string,
  currency: Currency = DEFAULT_CURRENCY,
): Promise<{ owedFen: number; uncollectedFen: number; paidFen: number }> {
  const [row] = await tx
    .select({
      receivable:
        sql<number>`coalesce(sum(${ledgerEntries.amount}) filter (where ${ledgerAccounts.kind} = 'receivable'), 0)`.mapWith(
          Number,
        ),
      uncollected:
        sql<number>`coalesce(sum(${ledgerEntries.amount}) filter (where ${ledgerAccounts.kind} = 'uncollected'), 0)`.mapWith(
          Number,
        ),
      paid: sql<number>`coalesce(sum(${ledgerEntries.amount}) filter (where ${ledgerAccounts.kind} = 'receivable' and ${ledgerTransactions.kind} = 'terms_payment'), 0)`.mapWith(
        Number,
      ),
    })
    .from(ledgerEntries)
    .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
    .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
    .where(and(eq(ledgerTransactions.orderId, orderId), eq(ledgerEntries.currency, currency)));
  return {
    owedFen: -(row?.receivable ?? 0) || 0,
    uncollectedFen: row?.uncollected ?? 0,
    paidFen: row?.paid ?? 0,
  };
}
