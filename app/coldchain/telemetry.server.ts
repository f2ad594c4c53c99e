// Telemetry: signed batches of a logger's readings, stored per vehicle, and the excursions of the shipments on board.
import { and, asc, eq, gte, lte, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db, type DbOrTx } from '../../db/client';
import {
  type Booking,
  bookings,
  categories,
  excursions,
  listings,
  orders,
  telemetryDevices,
  telemetryReadings,
} from '../../db/schema';
import { env } from '../lib/env.server';
import { newId } from '../lib/ids';
import { notify } from '../notify/notify.server';
import { BANDS, type TempClass } from './classes';
import { type Reading, excursionsOf, summarise, worstC } from './excursions';
import { shortId } from './matcher.server';
import { checkTelemetrySignature } from './signature';

export const batchSchema = z.object({
  readings: z
    .array(
      z.object({
        at: z.string().datetime({ offset: true }),
        tempC: z.number().min(-60).max(80),
        lat: z.number().min(-90).max(90).optional(),
        lng: z.number().min(-180).max(180).optional(),
      }),
    )
    .min(1)
    .max(2000),
});

export type IngestResult =
  | { status: 202; stored: number; excursions: number }
  | { status: 400 | 401; error: string };

/**
 * One signed batch from a logger: headers X-Device-Id, X-Timestamp (unix seconds) and X-Signature
 * (hex HMAC-SHA256 of "<timestamp>.<body>" under the device's secret). An unknown device, a bad
 * signature or a timestamp more than five minutes off is refused with 401 and stores nothing.
 */
export async function ingestBatch(input: {
  deviceId: string | null;
  timestamp: string | null;
  signature: string | null;
  body: string;
  now?: number;
}): Promise<IngestResult> {
  const now = input.now ?? Date.now();
  if (!input.deviceId) return { status: 401, error: 'unknown device' };
  const [device] = await db.select().from(telemetryDevices).where(eq(telemetryDevices.id, input.deviceId));
  // The same answer for an unknown device as for a bad signature: nothing to learn by probing ids.
  if (!device) return { status: 401, error: 'bad signature' };
  const check = checkTelemetrySignature({
    secret: device.secret,
    timestamp: input.timestamp,
    signature: input.signature,
    body: input.body,
    nowMs: now,
    maxSkewSeconds: env().TELEMETRY_MAX_SKEW_SECONDS,
  });
  if (check === 'bad-signature') return { status: 401, error: 'bad signature' };
  if (check === 'stale') return { status: 401, error: 'stale timestamp' };
  let parsed: z.infer<typeof batchSchema>;
  try {
    parsed = batchSchema.parse(JSON.parse(input.body));
  } catch {
    return { status: 400, error: 'invalid batch' };
  }
  const rows = parsed.readings.map((r) => ({
    deviceId: device.id,
    vehicleId: device.vehicleId,
    at: new Date(r.at),
    tempC: r.tempC,
    lat: r.lat ?? null,
    lng: r.lng ?? null,
  }));
  const refused = outOfWindow(rows, now);
  if (refused) return { status: 400, error: refused };
  const first = new Date(Math.min(...rows.map((r) => r.at.getTime())));
  return db.transaction(async (tx) => {
    const stored = await tx
      .insert(telemetryReadings)
      .values(rows)
      .onConflictDoNothing({ target: [telemetryReadings.deviceId, telemetryReadings.at] })
      .returning({ id: telemetryReadings.id });
    await tx
      .update(telemetryDevices)
      .set({ lastSeenAt: new Date(now) })
      .where(eq(telemetryDevices.id, device.id));
    // The shipments this batch may concern: on the vehicle now, or delivered after its first reading.
    const aboard = await tx
      .select({ id: bookings.id })
      .from(bookings)
      .where(
        and(
          eq(bookings.vehicleId, device.vehicleId),
          or(
            eq(bookings.status, 'picked_up'),
            and(eq(bookings.status, 'delivered'), gte(bookings.deliveredAt, first)),
          ),
        ),
      );
    let raised = 0;
    for (const { id } of aboard) raised += await checkExcursions(tx, id);
    return { status: 202 as const, stored: stored.length, excursions: raised };
  });
}

/**
 * The first reading outside what a logger can honestly send, named by its place in the batch and its time:
 * a clock may run a little ahead (TELEMETRY_MAX_SKEW_SECONDS), and an offline logger uploads its buffer
 * later, but not from further back than TELEMETRY_MAX_AGE_HOURS. Null when every reading fits.
 */
export function outOfWindow(readings: readonly { at: Date }[], now: number): string | null {
  const latest = now + env().TELEMETRY_MAX_SKEW_SECONDS * 1000;
  const earliest = now - env().TELEMETRY_MAX_AGE_HOURS * 3_600_000;
  for (const [i, r] of readings.entries()) {
    const at = r.at.getTime();
    if (at > latest) return `reading ${i} at ${r.at.toISOString()} is in the future`;
    if (at < earliest)
      return `reading ${i} at ${r.at.toISOString()} is older than ${env().TELEMETRY_MAX_AGE_HOURS} hours`;
  }
  return null;
}

/** The shipment's readings: its vehicle's between pickup and delivery (or now). */
export async function shipmentReadings(tx: DbOrTx, booking: Booking): Promise<Reading[]> {
  if (!booking.vehicleId || !booking.pickedUpAt) return [];
  const rows = await tx
    .select({ at: telemetryReadings.at, tempC: telemetryReadings.tempC })
    .from(telemetryReadings)
    .where(
      and(
        eq(telemetryReadings.vehicleId, booking.vehicleId),
        gte(telemetryReadings.at, booking.pickedUpAt),
        booking.deliveredAt ? lte(telemetryReadings.at, booking.deliveredAt) : undefined,
      ),
    )
    .orderBy(asc(telemetryReadings.at))
    .limit(20_000);
  return rows.map((r) => ({ at: r.at.getTime(), tempC: r.tempC }));
}

/**
 * Finds the shipment's excursions and records each run once (its start identifies it). A run that
 * grows across batches updates its row; only a new run notifies the buyer, the seller and the
 * carrier. The booking row's lock serialises two batches arriving together.
 */
export async function checkExcursions(tx: DbOrTx, bookingId: string): Promise<number> {
  const [booking] = await tx.select().from(bookings).where(eq(bookings.id, bookingId)).for('update');
  if (!booking) return 0;
  const [order] = await tx
    .select({
      id: orders.id,
      buyerOrgId: orders.buyerOrgId,
      sellerOrgId: orders.sellerOrgId,
      minutes: categories.excursionMinutes,
    })
    .from(orders)
    .innerJoin(listings, eq(listings.id, orders.listingId))
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .where(eq(orders.id, booking.orderId));
  if (!order) return 0;
  const tempClass = booking.tempClass as TempClass;
  const runs = excursionsOf(tempClass, await shipmentReadings(tx, booking), order.minutes);
  let raised = 0;
  for (const run of runs) {
    const [row] = await tx
      .insert(excursions)
      .values({
        id: newId('exc'),
        bookingId: booking.id,
        orderId: order.id,
        tempClass,
        startedAt: new Date(run.startedAt),
        endedAt: new Date(run.endedAt),
        minutes: run.minutes,
        minC: run.minC,
        maxC: run.maxC,
      })
      .onConflictDoUpdate({
        target: [excursions.bookingId, excursions.startedAt],
        set: { endedAt: new Date(run.endedAt), minutes: run.minutes, minC: run.minC, maxC: run.maxC },
      })
      .returning({ id: excursions.id, inserted: sql<boolean>`(xmax = 0)` });
    if (!row?.inserted) continue;
    raised++;
    const recipients = [order.buyerOrgId, order.sellerOrgId, booking.carrierOrgId].filter(
      (orgId): orgId is string => Boolean(orgId),
    );
    for (const orgId of recipients) {
      await notify(tx, {
        type: 'temperature-excursion',
        orgId,
        params: {
          order: shortId(order.id),
          minutes: run.minutes,
          // A number: the templates write the unit ("up to {maxC} °C").
          maxC: Number(worstC(tempClass, run).toFixed(1)),
        },
        link: orgId === booking.carrierOrgId ? '/logistics' : `/orders/${order.id}`,
        subject: { type: 'order', id: order.id },
        dedupeKey: `excursion:${row.id}:${orgId}`,
      });
    }
  }
  return raised;
}

/** The order's excursions, for the shipment section and the dispute form. */
export async function orderExcursions(tx: DbOrTx, orderId: string) {
  return tx
    .select()
    .from(excursions)
    .where(eq(excursions.orderId, orderId))
    .orderBy(asc(excursions.startedAt));
}

/** At most `max` points for a chart: every n-th reading, always keeping the out-of-band ones. */
export function chartPoints(tempClass: TempClass, readings: Reading[], max = 240): Reading[] {
  if (readings.length <= max) return readings;
  const band = BANDS[tempClass];
  const step = Math.ceil(readings.length / max);
  return readings.filter((r, i) => i % step === 0 || r.tempC < band.minC || r.tempC > band.maxC);
}

export { summarise };
