// Demand posts: create, edit, close and reopen, each enqueueing a recomputation of the demand's matches.
import { and, eq, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { type DemandStatus, demands } from '../../db/schema';
import { assertOrgMayAct } from '../lib/auth.server';
import { newId } from '../lib/ids';
import { enqueue } from '../lib/outbox.server';
import type { DemandDraft } from './form.server';

export class DemandError extends Error {
  constructor(
    /** An i18n key the UI shows. */
    public readonly messageKey: string,
    public readonly status = 409,
    public readonly field = 'form',
  ) {
    super(messageKey);
  }
}

/** Matching follows every change of a demand through the outbox (workers/matching.ts). */
async function afterDemandChange(tx: DbOrTx, demandId: string): Promise<void> {
  await enqueue(tx, 'matching', 'demand-changed', { demandId });
}

function columns(draft: DemandDraft) {
  return {
    categoryId: draft.categoryId,
    title: draft.title,
    spec: draft.spec,
    quantity: draft.quantity,
    displayUnit: draft.displayUnit,
    targetPriceFen: draft.targetPriceFen,
    priceUnit: draft.priceUnit,
    deliveryCityId: draft.deliveryCityId,
    deliverBy: draft.deliverBy,
    coldChain: draft.coldChain,
    notes: draft.notes,
    visibility: draft.visibility,
    expiresAt: draft.expiresAt,
  } as const;
}

export async function createDemand(
  tx: DbOrTx,
  input: { orgId: string; actorUserId: string; draft: DemandDraft },
): Promise<string> {
  await assertOrgMayAct(tx, input.orgId);
  const id = newId('dmd');
  await tx
    .insert(demands)
    .values({ id, buyerOrgId: input.orgId, createdBy: input.actorUserId, ...columns(input.draft) });
  await afterDemandChange(tx, id);
  return id;
}

/** Replaces an open or closed demand's details (a fulfilled one is history). Locks the row against a concurrent quote. */
export async function updateDemand(
  tx: DbOrTx,
  input: { demandId: string; orgId: string; draft: DemandDraft },
): Promise<void> {
  await assertOrgMayAct(tx, input.orgId);
  const [current] = await tx
    .select({ status: demands.status })
    .from(demands)
    .where(and(eq(demands.id, input.demandId), eq(demands.buyerOrgId, input.orgId)))
    .for('update');
  if (!current) throw new DemandError('errors.notFound', 404);
  if (current.status === 'fulfilled') throw new DemandError('demand.errors.fulfilled');
  await tx
    .update(demands)
    .set({ ...columns(input.draft), version: sql`${demands.version} + 1` })
    .where(eq(demands.id, input.demandId));
  await afterDemandChange(tx, input.demandId);
}

export type DemandAction = 'close' | 'reopen';

/** Close (open → closed) or reopen (closed → open, only before its expiry): one conditional update. */
export async function changeDemandStatus(
  tx: DbOrTx,
  input: { demandId: string; orgId: string; action: DemandAction; now?: Date },
): Promise<DemandStatus> {
  await assertOrgMayAct(tx, input.orgId);
  const from: DemandStatus = input.action === 'close' ? 'open' : 'closed';
  const to: DemandStatus = input.action === 'close' ? 'closed' : 'open';
  const [row] = await tx
    .update(demands)
    .set({ status: to, closedAt: to === 'closed' ? new Date() : null })
    .where(
      and(
        eq(demands.id, input.demandId),
        eq(demands.buyerOrgId, input.orgId),
        eq(demands.status, from),
        ...(to === 'open' ? [gt(demands.expiresAt, input.now ?? new Date())] : []),
      ),
    )
    .returning({ id: demands.id });
  if (!row) {
    const [current] = await tx
      .select({ status: demands.status, expiresAt: demands.expiresAt })
      .from(demands)
      .where(and(eq(demands.id, input.demandId), eq(demands.buyerOrgId, input.orgId)));
    if (!current) throw new DemandError('errors.notFound', 404);
    if (to === 'open' && current.status === 'closed') throw new DemandError('demand.errors.expiredEditFirst');
    throw new DemandError('demand.errors.notNow');
  }
  await afterDemandChange(tx, input.demandId);
  return to;
}

/** Whether quotes may be made on a demand now: open and not past its expiry. */
export function takesQuotes(demand: { status: DemandStatus; expiresAt: Date }, now = new Date()): boolean {
  return demand.status === 'open' && demand.expiresAt > now;
}
