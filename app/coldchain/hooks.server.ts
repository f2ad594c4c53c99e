// How the cold chain and the trace follow listings and orders: trace steps, and a booking that moves with its order.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { bookings, excursions, orders, organisations, telemetryDevices } from '../../db/schema';
import type { ListingChange } from '../listings/hooks.server';
import type { OrderEventHook } from '../orders/hooks.server';
import { urn } from '../trace/epcis';
import { placeUri, recordHarvest, recordInspections, recordTraceStep } from '../trace/trace.server';
import type { TempClass } from './classes';
import { summarise } from './excursions';
import { shipmentReadings } from './telemetry.server';

/** A lot created is harvested (or caught); a certificate attached is an inspection. */
export async function coldChainAfterListingChange(tx: DbOrTx, change: ListingChange): Promise<void> {
  if (change.kind === 'created') await recordHarvest(tx, change.listingId);
  else if (change.kind === 'files') await recordInspections(tx, change.listingId);
}

/**
 * An order's step moves its booking and writes the lot's trace: paid is the sale; shipped is packing
 * and shipping (the booking is picked up); delivered is receiving, with the shipment's temperatures.
 */
export async function coldChainAfterOrderEvent(
  tx: DbOrTx,
  orderId: string,
  event: OrderEventHook,
): Promise<void> {
  if (!['record_payment', 'ship', 'confirm_delivery', 'deliver'].includes(event.kind)) return;
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId));
  if (!order) return;
  const [booking] = await tx.select().from(bookings).where(eq(bookings.orderId, orderId));
  const seller = urn.org(order.sellerOrgId);
  const buyer = urn.org(order.buyerOrgId);
  const common = { listingId: order.listingId, orderId, bookingId: booking?.id ?? null };

  if (event.kind === 'record_payment') {
    await recordTraceStep(tx, {
      ...common,
      bookingId: null,
      step: 'sale',
      dedupeKey: `sale:${orderId}`,
      quantity: order.quantity,
      source: { party: seller },
      destination: { party: buyer },
    });
    return;
  }

  if (event.kind === 'ship') {
    if (booking?.status === 'accepted')
      await tx
        .update(bookings)
        .set({ status: 'picked_up', pickedUpAt: new Date(), version: sql`${bookings.version} + 1` })
        .where(and(eq(bookings.id, booking.id), eq(bookings.status, 'accepted')));
    const from = booking?.pickupPlace;
    await recordTraceStep(tx, {
      ...common,
      step: 'packing',
      dedupeKey: `packing:${orderId}`,
      quantity: order.deliveredQuantity ?? order.quantity,
      place: from,
    });
    await recordTraceStep(tx, {
      ...common,
      step: 'shipping',
      dedupeKey: `shipping:${orderId}`,
      quantity: order.deliveredQuantity ?? order.quantity,
      place: from,
      source: { party: seller, location: from ? placeUri(from, order.listingId) : undefined },
      destination: {
        party: buyer,
        location: booking ? placeUri(booking.dropoffPlace, order.listingId) : undefined,
      },
    });
    return;
  }

  // confirm_delivery or the carrier's deliver: received where the booking drops off, else in the buyer's city.
  const [buyerOrg] = await tx
    .select({ city: organisations.city })
    .from(organisations)
    .where(eq(organisations.id, order.buyerOrgId));
  let delivered = booking;
  if (booking && booking.status === 'picked_up') {
    [delivered] = await tx
      .update(bookings)
      .set({ status: 'delivered', deliveredAt: new Date(), version: sql`${bookings.version} + 1` })
      .where(and(eq(bookings.id, booking.id), inArray(bookings.status, ['picked_up'])))
      .returning();
  }
  let sensor: Parameters<typeof recordTraceStep>[1]['sensor'];
  if (delivered?.vehicleId && delivered.pickedUpAt) {
    const readings = await shipmentReadings(tx, delivered);
    const tempClass = delivered.tempClass as TempClass;
    const summary = summarise(tempClass, readings);
    const [device] = await tx
      .select({ id: telemetryDevices.id })
      .from(telemetryDevices)
      .where(eq(telemetryDevices.vehicleId, delivered.vehicleId));
    if (summary && device) {
      sensor = {
        deviceId: device.id,
        startTime: new Date(readings[0].at),
        endTime: new Date(readings[readings.length - 1].at),
        minC: summary.minC,
        maxC: summary.maxC,
        meanC: readings.reduce((sum, r) => sum + r.tempC, 0) / readings.length,
        excursions: (
          await tx
            .select({ id: excursions.id })
            .from(excursions)
            .where(eq(excursions.bookingId, delivered.id))
        ).length,
      };
    }
  }
  await recordTraceStep(tx, {
    ...common,
    step: 'receiving',
    dedupeKey: `receiving:${orderId}`,
    quantity: order.deliveredQuantity ?? order.quantity,
    place: booking?.dropoffPlace ?? buyerOrg?.city ?? null,
    source: { party: seller },
    destination: { party: buyer },
    sensor,
  });
}
