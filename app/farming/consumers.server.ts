// B2B2C: a retailer opens its pre-ordered share to its own customers, who reserve at a pickup store. Their data
// (name, phone, store) is the least the retailer needs, only it sees it, and it is deleted N days after pickup.
import { and, asc, eq, inArray, isNotNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { categories, consumerReservations, harvestPlans, organisations, preOrders } from '../../db/schema';
import { assertOrgMayAct } from '../lib/auth.server';
import type { FieldErrors } from '../lib/forms.server';
import { newId } from '../lib/ids';
import { type QuantityUnit, fromBase } from '../lib/units';
import { FarmingError, planUnits, quantityIn } from './plans.server';

/** A consumer's name, phone and store are deleted this many days after pickup (and after a share ends unfilled). */
export const CONSUMER_DATA_DAYS = 30;
export const MAX_STORES = 20;

/** The retailer names its pickup stores (one per line) and opens its share; an empty list closes it again. */
export async function openToConsumers(
  tx: DbOrTx,
  input: { preOrderId: string; buyerOrgId: string; stores: string },
): Promise<void> {
  await assertOrgMayAct(tx, input.buyerOrgId);
  const stores = [
    ...new Set(
      input.stores
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (stores.length > MAX_STORES || stores.some((s) => s.length > 80))
    throw new FarmingError('farming.errors.stores', 400, 'stores');
  const [pre] = await tx
    .select()
    .from(preOrders)
    .where(and(eq(preOrders.id, input.preOrderId), eq(preOrders.buyerOrgId, input.buyerOrgId)))
    .for('update');
  if (!pre) throw new FarmingError('errors.notFound', 404);
  if (!['pending', 'confirmed', 'filled'].includes(pre.status))
    throw new FarmingError('farming.errors.notLive');
  await tx
    .update(preOrders)
    .set({ consumerOpen: stores.length > 0, consumerStores: stores })
    .where(eq(preOrders.id, pre.id));
}

/** What the public reservation page shows of a retailer's share: no consumer's data, only what is left. */
export async function consumerShare(tx: DbOrTx, planId: string, preOrderId: string) {
  const [row] = await tx
    .select({
      pre: {
        id: preOrders.id,
        status: preOrders.status,
        quantity: preOrders.quantity,
        reserved: preOrders.reserved,
        allocated: preOrders.allocated,
        consumerOpen: preOrders.consumerOpen,
        consumerStores: preOrders.consumerStores,
        buyerOrgId: preOrders.buyerOrgId,
      },
      baseUnit: categories.baseUnit,
      displayUnit: harvestPlans.displayUnit,
      title: harvestPlans.title,
      harvestFrom: harvestPlans.harvestFrom,
      harvestTo: harvestPlans.harvestTo,
      originName: harvestPlans.originName,
      retailer: organisations.name,
    })
    .from(preOrders)
    .innerJoin(organisations, eq(organisations.id, preOrders.buyerOrgId))
    .innerJoin(harvestPlans, eq(harvestPlans.id, preOrders.planId))
    .innerJoin(categories, eq(categories.id, harvestPlans.categoryId))
    .where(and(eq(preOrders.id, preOrderId), eq(preOrders.planId, planId)));
  if (!row || !row.pre.consumerOpen || !['pending', 'confirmed', 'filled'].includes(row.pre.status))
    return null;
  return row;
}

function validPhone(phone: string): boolean {
  return /^\+?[0-9][0-9 -]{5,18}[0-9]$/.test(phone);
}

/**
 * A consumer reserves part of a retailer's share. Under the pre-order's row lock the reservations never pass the
 * retailer's quantity (a CHECK on `reserved` is the last guard).
 */
export async function reserveAsConsumer(
  tx: DbOrTx,
  input: { planId: string; preOrderId: string; form: Record<string, string> },
): Promise<{ ok: true; id: string } | { ok: false; errors: FieldErrors; status: number }> {
  const share = await consumerShare(tx, input.planId, input.preOrderId);
  if (!share) return { ok: false, errors: { form: 'farming.errors.notOpen' }, status: 404 };
  const errors: FieldErrors = {};
  const name = input.form.name?.trim() ?? '';
  if (!name) errors.name = 'errors.required';
  else if (name.length > 40) errors.name = 'errors.tooLong';
  const phone = input.form.phone?.trim() ?? '';
  if (!phone) errors.phone = 'errors.required';
  else if (!validPhone(phone)) errors.phone = 'farming.errors.phone';
  const store = input.form.store?.trim() ?? '';
  if (!share.pre.consumerStores.includes(store)) errors.store = 'errors.chooseOne';
  const unit = (input.form.unit || (share.baseUnit === 'piece' ? 'piece' : 'kg')) as QuantityUnit;
  if (!planUnits(share.baseUnit).includes(unit)) errors.unit = 'errors.wrongUnit';
  const quantity = errors.unit
    ? 0
    : quantityIn(input.form.quantity, unit, share.baseUnit, 'quantity', errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors, status: 400 };
  const [pre] = await tx.select().from(preOrders).where(eq(preOrders.id, share.pre.id)).for('update');
  if (!pre.consumerOpen) return { ok: false, errors: { form: 'farming.errors.notOpen' }, status: 409 };
  if (pre.reserved + quantity > (pre.allocated ?? pre.quantity))
    return { ok: false, errors: { quantity: 'farming.errors.shareFull' }, status: 409 };
  const id = newId('crv');
  await tx.insert(consumerReservations).values({
    id,
    preOrderId: pre.id,
    name,
    phone,
    pickupStore: store,
    quantity,
  });
  await tx
    .update(preOrders)
    .set({ reserved: sql`${preOrders.reserved} + ${quantity}` })
    .where(eq(preOrders.id, pre.id));
  return { ok: true, id };
}

/** The retailer's list of its customers' reservations (only the pre-order's own org may call this). */
export async function reservationsOf(tx: DbOrTx, preOrderId: string, buyerOrgId: string) {
  const [pre] = await tx
    .select({ id: preOrders.id })
    .from(preOrders)
    .where(and(eq(preOrders.id, preOrderId), eq(preOrders.buyerOrgId, buyerOrgId)));
  if (!pre) return null;
  return tx
    .select()
    .from(consumerReservations)
    .where(eq(consumerReservations.preOrderId, preOrderId))
    .orderBy(asc(consumerReservations.pickupStore), asc(consumerReservations.createdAt));
}

/** The retailer marks a reservation picked up: from then its data is kept CONSUMER_DATA_DAYS more. */
export async function markPickedUp(
  tx: DbOrTx,
  input: { reservationId: string; preOrderId: string; buyerOrgId: string },
  now = new Date(),
): Promise<void> {
  await assertOrgMayAct(tx, input.buyerOrgId);
  const rows = await tx
    .update(consumerReservations)
    .set({ pickedUpAt: now })
    .where(
      and(
        eq(consumerReservations.id, input.reservationId),
        eq(consumerReservations.preOrderId, input.preOrderId),
        sql`${consumerReservations.pickedUpAt} is null`,
        sql`exists (select 1 from pre_orders p where p.id = ${input.preOrderId} and p.buyer_org_id = ${input.buyerOrgId})`,
      ),
    )
    .returning({ id: consumerReservations.id });
  if (rows.length === 0) throw new FarmingError('errors.notFound', 404);
}

/** The list as a spreadsheet (CSV, UTF-8 with BOM so Excel reads the Chinese), cells guarded against formulas. */
export function reservationsCsv(
  rows: {
    name: string;
    phone: string;
    pickupStore: string;
    quantity: number;
    createdAt: Date;
    pickedUpAt: Date | null;
  }[],
  unit: QuantityUnit,
  headings: string[],
): string {
  const cell = (value: string) => {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  const lines = [headings.map(cell).join(',')];
  for (const row of rows)
    lines.push(
      [
        row.name,
        row.phone,
        row.pickupStore,
        fromBase(row.quantity, unit),
        row.createdAt.toISOString(),
        row.pickedUpAt?.toISOString() ?? '',
      ]
        .map(cell)
        .join(','),
    );
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/**
 * Retention: consumers' reservations picked up more than `days` ago, and those of a share that ended without
 * delivery (released, withdrawn, declined, cancelled) more than `days` ago, are deleted.
 */
export async function purgeConsumerReservations(
  tx: DbOrTx,
  now: Date,
  days = CONSUMER_DATA_DAYS,
): Promise<number> {
  const cut = new Date(now.getTime() - days * 24 * 3600 * 1000);
  const ended = tx
    .select({ id: preOrders.id })
    .from(preOrders)
    .where(
      and(
        inArray(preOrders.status, ['released', 'withdrawn', 'declined', 'cancelled', 'forfeited']),
        lt(preOrders.updatedAt, cut),
      ),
    );
  const deleted = await tx
    .delete(consumerReservations)
    .where(
      or(
        and(isNotNull(consumerReservations.pickedUpAt), lt(consumerReservations.pickedUpAt, cut)),
        inArray(consumerReservations.preOrderId, ended),
      ),
    )
    .returning({ id: consumerReservations.id });
  return deleted.length;
}
