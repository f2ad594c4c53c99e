// Auction deposits (保证金) on the ledger: what each bidder has held per auction, moved only with a posting.
//
// An org pays a deposit into its `available` balance; while it leads an English auction or has a live
// sealed bid, the category's share of that bid is moved to `held`. The ledger's CHECK (available ≥ 0)
// is what refuses a hold beyond the deposit, inside the bid's own transaction: an org's open exposure
// across all auctions can never exceed what it paid in, however many bids race.
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { auctionParticipants } from '../../db/schema';
import { type Currency, DEFAULT_CURRENCY } from '../lib/money';
import {
  type LedgerLine,
  LedgerError,
  escrowReleaseSplit,
  holdDeposit,
  post,
  releaseDeposit,
} from '../ledger/ledger.server';

export class DepositShortError extends Error {
  constructor(public readonly orgId: string) {
    super(`org ${orgId} has too little deposit available`);
  }
}

export type HoldChange = { orgId: string; targetFen: number };

/**
 * Brings each org's hold on an auction to its target, posting the difference. Orgs are taken in id
 * order so two bids on different auctions lock the same ledger accounts in the same order. An org
 * short of deposit throws DepositShortError; the caller runs this in a savepoint and rolls it back.
 */
export async function setHolds(
  tx: DbOrTx,
  auction: { id: string; currency: string },
  changes: readonly HoldChange[],
): Promise<void> {
  const sorted = [...changes].sort((a, b) => (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0));
  for (const change of sorted) {
    const [before] = await tx
      .select({ heldFen: auctionParticipants.heldFen })
      .from(auctionParticipants)
      .where(and(eq(auctionParticipants.auctionId, auction.id), eq(auctionParticipants.orgId, change.orgId)));
    const held = before?.heldFen ?? 0;
    const delta = change.targetFen - held;
    if (delta === 0) continue;
    const [row] = await tx
      .update(auctionParticipants)
      .set({ heldFen: change.targetFen, holdVersion: sql`${auctionParticipants.holdVersion} + 1` })
      .where(and(eq(auctionParticipants.auctionId, auction.id), eq(auctionParticipants.orgId, change.orgId)))
      .returning({ version: auctionParticipants.holdVersion });
    const posting = {
      orgId: change.orgId,
      amount: Math.abs(delta),
      currency: auction.currency as Currency,
      idempotencyKey: `auction:${auction.id}:${change.orgId}:deposit:${row.version}`,
      memo: `auction ${auction.id}`,
    };
    try {
      if (delta > 0) await holdDeposit(tx, posting);
      else await releaseDeposit(tx, posting);
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'insufficient_funds')
        throw new DepositShortError(change.orgId);
      throw error;
    }
  }
}

/**
 * A winner that did not pay loses its held deposit: the seller gets it less the market's fee, as if it
 * were a sale of that amount. Returns what was forfeited (0 when nothing was held).
 */
export async function forfeitHold(
  tx: DbOrTx,
  input: {
    auctionId: string;
    orgId: string;
    sellerOrgId: string;
    feeBps: number;
    currency: string;
    orderId: string;
  },
): Promise<number> {
  const [row] = await tx
    .select({ heldFen: auctionParticipants.heldFen })
    .from(auctionParticipants)
    .where(
      and(eq(auctionParticipants.auctionId, input.auctionId), eq(auctionParticipants.orgId, input.orgId)),
    )
    .for('update');
  const amount = row?.heldFen ?? 0;
  if (amount <= 0) return 0;
  await tx
    .update(auctionParticipants)
    .set({ heldFen: 0, holdVersion: sql`${auctionParticipants.holdVersion} + 1` })
    .where(
      and(eq(auctionParticipants.auctionId, input.auctionId), eq(auctionParticipants.orgId, input.orgId)),
    );
  const currency = input.currency as Currency;
  const { fee, toSeller } = escrowReleaseSplit(amount, input.feeBps);
  const lines: LedgerLine[] = [{ orgId: input.orgId, kind: 'held', amount: -amount, currency }];
  if (toSeller > 0) lines.push({ orgId: input.sellerOrgId, kind: 'available', amount: toSeller, currency });
  if (fee > 0) lines.push({ orgId: null, kind: 'platform_fees', amount: fee, currency });
  await post(tx, {
    kind: 'adjustment',
    idempotencyKey: `auction:${input.auctionId}:forfeit:${input.orderId}`,
    orderId: input.orderId,
    memo: `deposit forfeited: auction ${input.auctionId} unpaid`,
    lines,
  });
  return amount;
}

/** An org pays a deposit in (a bank transfer the market received): provider clearing → its available balance. */
export async function payInDeposit(
  tx: DbOrTx,
  input: {
    orgId: string;
    amountFen: number;
    reference: string;
    createdBy?: string | null;
    currency?: Currency;
  },
): Promise<string> {
  const currency = input.currency ?? DEFAULT_CURRENCY;
  return post(tx, {
    kind: 'adjustment',
    idempotencyKey: `deposit:${input.orgId}:${input.reference}`,
    memo: 'auction deposit paid in',
    createdBy: input.createdBy ?? null,
    lines: [
      { orgId: null, kind: 'provider_clearing', amount: -input.amountFen, currency },
      { orgId: input.orgId, kind: 'available', amount: input.amountFen, currency },
    ],
  });
}
