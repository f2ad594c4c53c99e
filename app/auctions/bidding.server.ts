// Bidding: English bids and proxies, sealed bids, Dutch presses and pre-sales, decided in per-auction batches.
//
// Every bid and press of an auction joins its lane in the sequencer (ADR 0032). A batch runs in one
// transaction that locks the auction row once (SELECT … FOR UPDATE), so batches of one auction are
// serialized by PostgreSQL even across web processes, and nothing is decided from a read made before
// the lock. Inside, English and sealed bids are decided in memory, in arrival order, with the pure
// rules (english.ts, deposit.ts) against the locked auction, the participants' holds and the bidders'
// available deposits (their ledger accounts locked too); the batch's bid rows, hold changes (one
// posting per direction), participants, auction row and notices are then written together. Bids are
// numbered (`seq`) in the order they were decided. A bidder short of deposit leaves a rejected bid on
// record and nothing else. Dutch presses, rare and each making an order, run one after the other in
// the batch's transaction, each in a savepoint of its own.
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { db, type Tx } from '../../db/client';
import {
  type Auction,
  auctionBids,
  auctionParticipants,
  auctions,
  ledgerAccounts,
  ledgerEntries,
  ledgerTransactions,
  listings,
} from '../../db/schema';
import { orgsBarredFromActing } from '../lib/auth.server';
import { env } from '../lib/env.server';
import { newId } from '../lib/ids';
import { type Currency, lineTotal } from '../lib/money';
import { hit } from '../lib/rate-limit.server';
import { type LedgerLine, accountId, checkPosting, ledgerTransactionId } from '../ledger/ledger.server';
import { notify, notifyMany } from '../notify/notify.server';
import { createOrderInTx } from '../orders/orders.server';
import {
  AuctionError,
  clockParams,
  englishRules,
  englishState,
  ensureParticipant,
  listingTitle,
  priceParam,
} from './auctions.server';
import { depositFor } from './deposit';
import { press } from './dutch';
import { applyBid, type EnglishState } from './english';
import { publishAuction } from './live.server';
import { coalesced, type Settled, sequencer } from './sequencer.server';

export type BidKindInput = 'manual' | 'proxy' | 'sealed';

export type BidRefusal = { ok: false; status: number; messageKey: string; minimumFen?: number };
export type BidAccepted = {
  ok: true;
  bidId: string;
  outcome: string;
  priceFen: number | null;
  leading: boolean;
  orderId?: string;
  filled?: number;
};
export type BidResult = BidAccepted | BidRefusal;

const REFUSALS: Record<string, { status: number; messageKey: string }> = {
  too_low: { status: 400, messageKey: 'auctions.errors.tooLow' },
  already_leading: { status: 409, messageKey: 'auctions.errors.alreadyLeading' },
  closed: { status: 409, messageKey: 'auctions.errors.closed' },
  not_started: { status: 409, messageKey: 'auctions.errors.notStarted' },
  no_deposit: { status: 402, messageKey: 'auctions.errors.noDeposit' },
  sold: { status: 409, messageKey: 'auctions.errors.sold' },
  clock_restarted: { status: 409, messageKey: 'auctions.errors.clockRestarted' },
  floor_passed: { status: 409, messageKey: 'auctions.errors.closed' },
  too_small: { status: 400, messageKey: 'auctions.errors.quantityTooSmall' },
  wrong_type: { status: 409, messageKey: 'auctions.errors.wrongType' },
  no_presale: { status: 409, messageKey: 'auctions.errors.noPresale' },
};

function refusal(reason: string, minimumFen?: number): BidRefusal {
  const known = REFUSALS[reason] ?? { status: 409, messageKey: 'errors.invalid' };
  return { ok: false, ...known, ...(minimumFen === undefined ? {} : { minimumFen }) };
}

/** Deadlocks and serialization failures are retried: the whole batch runs again from the lock. */
async function withRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code =
        (error as { code?: string; cause?: { code?: string } }).cause?.code ??
        (error as { code?: string }).code;
      if ((code === '40P01' || code === '40001') && attempt < 6) continue;
      throw error;
    }
  }
}

type Bidder = { auctionId: string; orgId: string; userId: string; now?: Date };
type BidInput = Bidder & { kind: BidKindInput; amountFen: number };
type PressInput = Bidder & { quantity: number; seenRound: number | null; presale?: boolean };
type Request = { type: 'bid'; input: BidInput } | { type: 'press'; input: PressInput };

type BidRow = typeof auctionBids.$inferInsert & { seq: number; id: string };

function bidRow(
  auction: Auction,
  seq: number,
  bid: {
    orgId: string;
    userId: string | null;
    kind: Auction['leaderKind'] & string;
    amountFen: number;
    status: 'accepted' | 'rejected';
    outcome: string;
    priceAfterFen?: number | null;
    quantityAsked?: number | null;
    quantityFilled?: number | null;
    orderId?: string | null;
    at: Date;
  },
): BidRow {
  return {
    id: newId('bid'),
    auctionId: auction.id,
    seq,
    orgId: bid.orgId,
    userId: bid.userId,
    kind: bid.kind,
    amountFen: Math.max(1, bid.amountFen),
    status: bid.status,
    outcome: bid.outcome,
    priceAfterFen: bid.priceAfterFen ?? null,
    quantityAsked: bid.quantityAsked ?? null,
    quantityFilled: bid.quantityFilled ?? null,
    orderId: bid.orderId ?? null,
    createdAt: bid.at,
  };
}

/** Writes a bid row with the next number (Dutch presses, decided one statement at a time); returns its id. */
async function recordBid(tx: Tx, auction: Auction, bid: Parameters<typeof bidRow>[2]): Promise<string> {
  auction.lastSeq += 1;
  const row = bidRow(auction, auction.lastSeq, bid);
  await tx.insert(auctionBids).values(row);
  return row.id;
}

function lotDeposit(auction: Auction, priceFen: number): number {
  return depositFor({
    priceFen,
    quantity: auction.quantity,
    perBase: auction.perBase,
    depositBps: auction.depositBps,
  });
}

function openRefusal(auction: Auction, now: Date): string | null {
  if (auction.status !== 'open') return 'closed';
  if (now < auction.startsAt) return 'not_started';
  if (auction.endsAt && now >= auction.endsAt) return 'closed';
  return null;
}

async function lotTitle(tx: Tx, auction: Auction): Promise<string> {
  const [lot] = await tx
    .select({ titleZh: listings.titleZh, titleEn: listings.titleEn })
    .from(listings)
    .where(eq(listings.id, auction.listingId));
  return lot ? listingTitle(lot) : '';
}

/** An auction's pages hear about a batch once, after its commit; callers are answered after that. */
const publishSoon = coalesced(publishAuction);

const submit = sequencer<Request, BidResult>(
  (auctionId, requests) => withRetry(() => db.transaction((tx) => decideBatch(tx, auctionId, requests))),
  {
    after: async (auctionId, outcomes) => {
      if (outcomes.some((outcome) => outcome.ok && outcome.value.ok)) await publishSoon(auctionId);
    },
  },
);

/**
 * Places an English bid (manual or proxy maximum) or a sealed bid. Returns the outcome, or a refusal
 * with the HTTP status and message the page shows; a bid on one's own lot throws a 403.
 */
export function placeBid(input: BidInput): Promise<BidResult> {
  return submit(input.auctionId, { type: 'bid', input });
}

/**
 * A Dutch press (or a pre-sale before the clock runs): buys up to `quantity` base units at the clock's
 * price at the moment its batch holds the lock, as an order awaiting payment. The clock restarts from the
 * start price for what remains; the last unit sold closes the auction.
 */
export function pressClock(input: PressInput): Promise<BidResult> {
  return submit(input.auctionId, { type: 'press', input });
}

/** One batch of one auction, in arrival order, under one lock of its row. */
async function decideBatch(tx: Tx, auctionId: string, requests: Request[]): Promise<Settled<BidResult>[]> {
  const orgIds = [...new Set(requests.map((r) => r.input.orgId))].sort();
  // One round trip: the statements are pipelined on the transaction's connection and run in this order,
  // the auction's lock first; the others read what the lock holder sees.
  const leaderOrg = sql`(select ${auctions.leaderOrgId} from ${auctions} where ${auctions.id} = ${auctionId})`;
  const locked = tx.select().from(auctions).where(eq(auctions.id, auctionId)).for('update').execute();
  const [[auction], barred, participantRows, accounts, [lot]] = await Promise.all([
    locked,
    orgsBarredFromActing(tx, orgIds),
    tx
      .select()
      .from(auctionParticipants)
      .where(
        and(
          eq(auctionParticipants.auctionId, auctionId),
          or(inArray(auctionParticipants.orgId, orgIds), sql`${auctionParticipants.orgId} = ${leaderOrg}`),
        ),
      ),
    // The bidders' and the leader's deposit accounts, locked until commit (in id order, as every posting
    // locks them): no other auction's batch can spend a deposit between this decision and its postings.
    tx
      .select({
        id: ledgerAccounts.id,
        orgId: ledgerAccounts.orgId,
        kind: ledgerAccounts.kind,
        balance: ledgerAccounts.balance,
      })
      .from(ledgerAccounts)
      .where(
        and(
          or(inArray(ledgerAccounts.orgId, orgIds), sql`${ledgerAccounts.orgId} = ${leaderOrg}`),
          inArray(ledgerAccounts.kind, ['available', 'held']),
          sql`${ledgerAccounts.currency} = (select ${auctions.currency} from ${auctions} where ${auctions.id} = ${auctionId})`,
        ),
      )
      .orderBy(ledgerAccounts.id)
      .for('update'),
    tx
      .select({ titleZh: listings.titleZh, titleEn: listings.titleEn })
      .from(listings)
      .where(
        sql`${listings.id} = (select ${auctions.listingId} from ${auctions} where ${auctions.id} = ${auctionId})`,
      ),
  ]);
  if (!auction) throw new AuctionError('errors.notFound', 404);
  // What every bid or press passes first, in this order: not the seller, not sanctioned, the right type.
  const screened = requests.map((request): Settled<BidResult> | null => {
    if (request.input.orgId === auction.sellerOrgId)
      return { ok: false, error: new AuctionError('auctions.errors.ownLot', 403) };
    if (barred.has(request.input.orgId)) return { ok: false, error: barred.get(request.input.orgId) };
    const wrongType =
      request.type === 'press'
        ? auction.type !== 'dutch'
        : (auction.type === 'sealed') !== (request.input.kind === 'sealed') || auction.type === 'dutch';
    return wrongType ? { ok: true, value: refusal('wrong_type') } : null;
  });
  if (auction.type === 'dutch') return dutchBatch(tx, auction, requests, screened);
  return biddingBatch(tx, auction, requests, screened, {
    participants: participantRows,
    accounts,
    title: lot ? listingTitle(lot) : '',
  });
}

type Participant = {
  orgId: string;
  bidderNumber: number;
  maxFen: number | null;
  maxSeq: number | null;
  sealedFen: number | null;
  sealedSeq: number | null;
  heldFen: number;
  holdVersion: number;
  isNew: boolean;
  changed: boolean;
};

type Loaded = {
  participants: (typeof auctionParticipants.$inferSelect)[];
  accounts: { id: string; orgId: string | null; kind: string; balance: number }[];
  title: string;
};

/** English and sealed bids of one batch: decided in memory, written in one pipelined round trip. */
async function biddingBatch(
  tx: Tx,
  auction: Auction,
  requests: Request[],
  screened: (Settled<BidResult> | null)[],
  loaded: Loaded,
): Promise<Settled<BidResult>[]> {
  const participants = new Map<string, Participant>();
  for (const row of loaded.participants)
    participants.set(row.orgId, { ...row, isNew: false, changed: false });
  const available = new Map<string, number>();
  const accountIds = new Map<string, string>();
  for (const account of loaded.accounts) {
    if (!account.orgId) continue;
    accountIds.set(`${account.orgId}:${account.kind}`, account.id);
    if (account.kind === 'available') available.set(account.orgId, account.balance);
  }
  const heldAtStart = new Map([...participants].map(([orgId, p]) => [orgId, p.heldFen]));

  const rows: BidRow[] = [];
  const startSeq = auction.lastSeq;
  let seq = auction.lastSeq;
  let bidderCount = auction.bidderCount;
  let state: EnglishState = englishState(auction);
  let leaderBidId = auction.leaderBidId;
  let endsAt = auction.endsAt;
  const rules = auction.type === 'english' ? englishRules(auction) : null;
  const outbid = new Map<string, number>();
  const sealedReplaced = new Set<string>();
  const sealedInBatch = new Map<string, BidRow>();

  const participant = (orgId: string): Participant => {
    let p = participants.get(orgId);
    if (!p) {
      bidderCount += 1;
      p = {
        orgId,
        bidderNumber: bidderCount,
        maxFen: null,
        maxSeq: null,
        sealedFen: null,
        sealedSeq: null,
        heldFen: 0,
        holdVersion: 0,
        isNew: true,
        changed: true,
      };
      participants.set(orgId, p);
    }
    return p;
  };
  const heldOf = (orgId: string) => participants.get(orgId)?.heldFen ?? heldAtStart.get(orgId) ?? 0;
  /** Moves every hold to its target, or none when an org cannot cover its increase. */
  const moveHolds = (changes: { orgId: string; targetFen: number }[]): boolean => {
    for (const change of changes) {
      const delta = change.targetFen - heldOf(change.orgId);
      if (delta > 0 && (available.get(change.orgId) ?? 0) < delta) return false;
    }
    for (const change of changes) {
      const p = participants.get(change.orgId);
      if (!p) throw new Error(`auction ${auction.id}: a hold for org ${change.orgId}, not a participant`);
      const delta = change.targetFen - p.heldFen;
      if (delta === 0) continue;
      available.set(change.orgId, (available.get(change.orgId) ?? 0) - delta);
      p.heldFen = change.targetFen;
      p.changed = true;
    }
    return true;
  };
  const push = (bid: Parameters<typeof bidRow>[2]): BidRow => {
    seq += 1;
    const row = bidRow(auction, seq, bid);
    rows.push(row);
    return row;
  };

  const batchNow = new Date();
  const outcomes = requests.map((request, i): Settled<BidResult> => {
    const done = screened[i];
    if (done) return done;
    if (request.type !== 'bid') return { ok: true, value: refusal('wrong_type') };
    const input = request.input;
    const now = input.now ?? batchNow;
    const p = participant(input.orgId);
    const englishKind = input.kind === 'manual' ? 'manual' : 'proxy';
    const base = {
      orgId: input.orgId,
      userId: input.userId,
      kind: auction.type === 'sealed' ? input.kind : englishKind,
      amountFen: input.amountFen,
      at: now,
    } as const;
    const reject = (reason: string, minimumFen?: number): Settled<BidResult> => {
      push({ ...base, status: 'rejected', outcome: reason });
      return { ok: true, value: refusal(reason, minimumFen) };
    };
    const closed = openRefusal({ ...auction, endsAt }, now);
    if (closed) return reject(closed);

    if (auction.type === 'sealed') {
      if (input.amountFen < auction.startPriceFen) return reject('too_low', auction.startPriceFen);
      // The live sealed bid holds its deposit share; a replacement moves the hold to the new amount.
      if (!moveHolds([{ orgId: input.orgId, targetFen: lotDeposit(auction, input.amountFen) }]))
        return reject('no_deposit');
      sealedReplaced.add(input.orgId);
      const earlier = sealedInBatch.get(input.orgId);
      if (earlier) earlier.outcome = 'replaced';
      const row = push({ ...base, kind: 'sealed', status: 'accepted', outcome: 'submitted' });
      sealedInBatch.set(input.orgId, row);
      p.sealedFen = input.amountFen;
      p.sealedSeq = row.seq;
      p.changed = true;
      return {
        ok: true,
        value: { ok: true, bidId: row.id, outcome: 'submitted', priceFen: null, leading: false },
      };
    }

    const applied = applyBid(state, rules as NonNullable<typeof rules>, {
      bidderId: input.orgId,
      kind: englishKind,
      amountFen: input.amountFen,
      seq: seq + 1,
    });
    if (!applied.accepted) return reject(applied.reason, applied.minimumFen);
    // The leader holds the deposit share of its maximum; the one it displaced gets its hold back.
    const changes: { orgId: string; targetFen: number }[] = [];
    if (applied.outcome === 'leading' || applied.outcome === 'raised')
      changes.push({ orgId: input.orgId, targetFen: lotDeposit(auction, input.amountFen) });
    if (applied.displaced) changes.push({ orgId: applied.displaced.bidderId, targetFen: 0 });
    let covered = moveHolds(changes);
    // A bid answered at once by a proxy holds nothing, but it still needs the deposit it would have tied up.
    if (covered && applied.outcome === 'outbid')
      covered = (available.get(input.orgId) ?? 0) >= lotDeposit(auction, input.amountFen);
    if (!covered) return reject('no_deposit');

    state = applied.state;
    const leading = applied.outcome !== 'outbid';
    const row = push({
      ...base,
      status: 'accepted',
      outcome: applied.outcome,
      priceAfterFen: state.priceFen,
    });
    if (leading && applied.outcome === 'leading') leaderBidId = row.id;
    if (applied.outcome === 'outbid' && state.leader) {
      // The system bids for the leader's proxy: a row of its own in the history.
      leaderBidId = push({
        orgId: state.leader.bidderId,
        userId: null,
        kind: 'auto',
        amountFen: state.priceFen ?? input.amountFen,
        status: 'accepted',
        outcome: 'leading',
        priceAfterFen: state.priceFen,
        at: now,
      }).id;
    }
    // Soft close: a bid in the last N seconds extends the end by N.
    const window = auction.softCloseSeconds * 1000;
    if (endsAt && window > 0 && endsAt.getTime() - now.getTime() < window)
      endsAt = new Date(endsAt.getTime() + window);
    if ((p.maxFen ?? 0) < input.amountFen) {
      p.maxFen = input.amountFen;
      p.maxSeq = seq;
      p.changed = true;
    }
    if (applied.displaced && state.priceFen !== null) outbid.set(applied.displaced.bidderId, state.priceFen);
    return {
      ok: true,
      value: { ok: true, bidId: row.id, outcome: applied.outcome, priceFen: state.priceFen, leading },
    };
  });

  if (rows.length === 0 && bidderCount === auction.bidderCount) return outcomes;

  // The net change of each org's hold on this auction: one posting per direction for the whole batch.
  const currency = auction.currency as Currency;
  const postings = { hold: [] as LedgerLine[], release: [] as LedgerLine[] };
  for (const p of participants.values()) {
    const delta = p.heldFen - (heldAtStart.get(p.orgId) ?? 0);
    if (delta === 0) continue;
    p.holdVersion += 1;
    p.changed = true;
    const amount = Math.abs(delta);
    if (delta > 0)
      postings.hold.push(
        { orgId: p.orgId, kind: 'available', amount: -amount, currency },
        { orgId: p.orgId, kind: 'held', amount, currency },
      );
    else
      postings.release.push(
        { orgId: p.orgId, kind: 'held', amount: -amount, currency },
        { orgId: p.orgId, kind: 'available', amount, currency },
      );
  }
  // An org's first hold ever opens its held account (locked by the insert); every other account is locked.
  for (const line of [...postings.hold, ...postings.release]) {
    const key = `${line.orgId}:${line.kind}`;
    if (!accountIds.has(key))
      accountIds.set(key, await accountId(tx, { orgId: line.orgId, kind: line.kind, currency }));
  }

  // Every write in one pipelined round trip, in this order; the first failure fails the batch.
  const writes: Promise<unknown>[] = [];
  if (sealedReplaced.size > 0)
    writes.push(
      tx
        .update(auctionBids)
        .set({ outcome: 'replaced' })
        .where(
          and(
            eq(auctionBids.auctionId, auction.id),
            inArray(auctionBids.orgId, [...sealedReplaced]),
            eq(auctionBids.kind, 'sealed'),
            eq(auctionBids.outcome, 'submitted'),
          ),
        ),
    );
  const fresh = [...participants.values()].filter((p) => p.isNew);
  if (fresh.length > 0)
    writes.push(
      tx.insert(auctionParticipants).values(
        fresh.map((p) => ({
          auctionId: auction.id,
          orgId: p.orgId,
          bidderNumber: p.bidderNumber,
          maxFen: p.maxFen,
          maxSeq: p.maxSeq,
          sealedFen: p.sealedFen,
          sealedSeq: p.sealedSeq,
          heldFen: p.heldFen,
          holdVersion: p.holdVersion,
        })),
      ),
    );
  const touched = [...participants.values()].filter((p) => !p.isNew && p.changed);
  if (touched.length > 0) {
    const values = JSON.stringify(
      touched.map((p) => ({
        org_id: p.orgId,
        max_fen: p.maxFen,
        max_seq: p.maxSeq,
        sealed_fen: p.sealedFen,
        sealed_seq: p.sealedSeq,
        held_fen: p.heldFen,
        hold_version: p.holdVersion,
      })),
    );
    writes.push(
      tx.execute(sql`
        update auction_participants p
           set max_fen = x.max_fen, max_seq = x.max_seq, sealed_fen = x.sealed_fen,
               sealed_seq = x.sealed_seq, held_fen = x.held_fen, hold_version = x.hold_version,
               updated_at = now()
          from jsonb_to_recordset(${values}::jsonb)
               as x(org_id text, max_fen bigint, max_seq int, sealed_fen bigint, sealed_seq int,
                    held_fen bigint, hold_version int)
         where p.auction_id = ${auction.id} and p.org_id = x.org_id`),
    );
  }
  for (let from = 0; from < rows.length; from += 1_000)
    writes.push(tx.insert(auctionBids).values(rows.slice(from, from + 1_000)));
  const ledger = (['hold', 'release'] as const)
    .filter((side) => postings[side].length > 0)
    .map((side) => {
      const input = {
        kind: side === 'hold' ? ('deposit_hold' as const) : ('deposit_release' as const),
        idempotencyKey: `auction:${auction.id}:deposits:${startSeq + 1}-${seq}:${side}`,
        lines: postings[side],
      };
      return { id: ledgerTransactionId(input.idempotencyKey), input, lines: checkPosting(input) };
    });
  if (ledger.length > 0) {
    // The keys name this batch's bid numbers, which no other batch can take: a clash is a bug and fails.
    writes.push(
      tx.insert(ledgerTransactions).values(
        ledger.map(({ id, input }) => ({
          id,
          kind: input.kind,
          idempotencyKey: input.idempotencyKey,
          memo: `auction ${auction.id}`,
        })),
      ),
      tx.insert(ledgerEntries).values(
        ledger.flatMap(({ id, lines }) =>
          lines.map((line) => ({
            transactionId: id,
            accountId: accountIds.get(`${line.orgId}:${line.kind}`) as string,
            amount: line.amount,
            currency: line.currency,
          })),
        ),
      ),
    );
  }
  writes.push(
    tx
      .update(auctions)
      .set({
        priceFen: state.priceFen,
        leaderOrgId: state.leader?.bidderId ?? null,
        leaderMaxFen: state.leader?.maxFen ?? null,
        leaderKind: state.leader?.kind ?? null,
        leaderBidId,
        secondMaxFen: state.secondMaxFen,
        lastSeq: seq,
        bidderCount,
        endsAt,
      })
      .where(eq(auctions.id, auction.id)),
  );
  // Each org that lost the lead in the batch and does not hold it at the end is told once, at the
  // price it was outbid at last: the batch's notices in two statements.
  const notices = [...outbid]
    .filter(([orgId]) => orgId !== state.leader?.bidderId)
    .map(([orgId, priceFen]) => ({
      type: 'outbid' as const,
      orgId,
      minRole: 'trader' as const,
      params: { listing: loaded.title, price: priceParam(auction, priceFen) },
      link: `/auctions/${auction.id}`,
      subject: { type: 'auction', id: auction.id },
    }));
  if (notices.length > 0) writes.push(notifyMany(tx, notices));
  const settled = await Promise.allSettled(writes);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return outcomes;
}

/** Dutch presses and pre-sales of one batch, one after the other, each in a savepoint of its own. */
async function dutchBatch(
  tx: Tx,
  auction: Auction,
  requests: Request[],
  screened: (Settled<BidResult> | null)[],
): Promise<Settled<BidResult>[]> {
  const outcomes: Settled<BidResult>[] = [];
  for (const [i, request] of requests.entries()) {
    const done = screened[i];
    if (done) {
      outcomes.push(done);
      continue;
    }
    if (request.type !== 'press') {
      outcomes.push({ ok: true, value: refusal('wrong_type') });
      continue;
    }
    const before = { ...auction };
    try {
      const value = await tx.transaction((savepoint) => pressOne(savepoint, auction, request.input));
      outcomes.push({ ok: true, value });
    } catch (error) {
      Object.assign(auction, before);
      outcomes.push({ ok: false, error });
    }
  }
  return outcomes;
}

async function pressOne(tx: Tx, auction: Auction, input: PressInput): Promise<BidResult> {
  const now = input.now ?? new Date();
  await ensureParticipant(tx, auction, input.orgId);
  const params = clockParams(auction);
  const base = {
    orgId: input.orgId,
    userId: input.userId,
    kind: input.presale ? 'presale' : 'press',
    amountFen: auction.startPriceFen,
    quantityAsked: input.quantity,
    at: now,
  } as const;
  const reject = async (reason: string) => {
    await recordBid(tx, auction, { ...base, status: 'rejected', outcome: reason });
    await tx.update(auctions).set({ lastSeq: auction.lastSeq }).where(eq(auctions.id, auction.id));
    return refusal(reason);
  };
  if (auction.status !== 'open') return reject(auction.remaining === 0 ? 'sold' : 'closed');
  let priceFen: number;
  let filled: number;
  if (input.presale) {
    if (auction.presalePriceFen === null) return refusal('no_presale');
    if (now >= params.clockStartsAt) return reject('closed');
    if (input.quantity < Math.min(auction.perBase, auction.remaining)) return refusal('too_small');
    priceFen = auction.presalePriceFen;
    filled = Math.min(input.quantity, auction.remaining);
  } else {
    const pressed = press(
      {
        ...params,
        remaining: auction.remaining,
        round: auction.clockRound,
        minimumBase: auction.perBase,
      },
      { askedBase: input.quantity, seenRound: input.seenRound, now },
    );
    if (!pressed.ok) {
      if (pressed.reason === 'too_small') return refusal('too_small');
      return reject(pressed.reason);
    }
    priceFen = pressed.priceFen;
    filled = pressed.filled;
  }
  // The quantity left the lot's stock when the auction was created, so the order reserves nothing more.
  const orderId = await createOrderInTx(tx, {
    listingId: auction.listingId,
    buyerOrgId: input.orgId,
    sellerOrgId: auction.sellerOrgId,
    source: 'auction',
    quantity: filled,
    unitPriceFen: priceFen,
    perBase: auction.perBase,
    subtotalFen: lineTotal(priceFen, filled, auction.perBase),
    currency: auction.currency,
    feeBps: auction.feeBps,
    createdBy: input.userId,
    origin: { auctionId: auction.id },
  });
  const remaining = auction.remaining - filled;
  const bidId = await recordBid(tx, auction, {
    ...base,
    amountFen: priceFen,
    status: 'accepted',
    outcome: 'bought',
    quantityFilled: filled,
    orderId,
  });
  const restart = !input.presale && remaining > 0;
  const changes = {
    remaining,
    lastSeq: auction.lastSeq,
    status: remaining === 0 ? ('sold' as const) : ('open' as const),
    closedAt: remaining === 0 ? now : null,
    clockStartsAt: restart ? now : auction.clockStartsAt,
    clockRound: restart ? auction.clockRound + 1 : auction.clockRound,
  };
  await tx.update(auctions).set(changes).where(eq(auctions.id, auction.id));
  Object.assign(auction, changes);
  await notify(tx, {
    type: 'auction-won',
    orgId: input.orgId,
    minRole: 'trader',
    params: {
      listing: await lotTitle(tx, auction),
      price: priceParam(auction, priceFen),
      order: orderId.slice(-8).toUpperCase(),
    },
    link: `/orders/${orderId}`,
    subject: { type: 'auction', id: auction.id },
  });
  return { ok: true, bidId, outcome: 'bought', priceFen, leading: false, orderId, filled };
}

/** A bid flood from one user is answered 429: fixed windows in Redis, shared by every web process. */
export async function bidRateLimited(userId: string): Promise<boolean> {
  const count = await hit('auction-bid', userId, 10);
  return count > env().AUCTION_BIDS_PER_10S;
}
