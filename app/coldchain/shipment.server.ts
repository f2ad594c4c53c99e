// What an order's page shows of its shipment: the booking, vehicle, hand-overs, temperature chart data and excursions.
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { bookings, handovers, orders, trips, vehicles } from '../../db/schema';
import { BANDS, type TempClass } from './classes';
import { routeLabel } from './matcher.server';
import { chartPoints, orderExcursions, shipmentReadings, summarise } from './telemetry.server';

export async function shipmentForOrder(tx: DbOrTx, orderId: string) {
  const [row] = await tx
    .select({ booking: bookings, plate: vehicles.plate, serviceDate: trips.serviceDate })
    .from(bookings)
    .leftJoin(vehicles, eq(vehicles.id, bookings.vehicleId))
    .leftJoin(trips, eq(trips.id, bookings.tripId))
    .where(eq(bookings.orderId, orderId));
  const excursionRows = await orderExcursions(tx, orderId);
  const excursions = excursionRows.map((e) => ({
    id: e.id,
    startedAt: e.startedAt.toISOString(),
    endedAt: e.endedAt.toISOString(),
    minutes: e.minutes,
    minC: e.minC,
    maxC: e.maxC,
    worstC: e.maxC > BANDS[e.tempClass as TempClass].maxC ? e.maxC : e.minC,
  }));
  if (!row) return { booking: null, excursions };
  const b = row.booking;
  const tempClass = b.tempClass as TempClass;
  const readings = await shipmentReadings(tx, b);
  const hand = await tx.select().from(handovers).where(eq(handovers.bookingId, b.id));
  const handover = (kind: 'pickup' | 'delivery') => {
    const h = hand.find((x) => x.kind === kind);
    return h
      ? { id: h.id, at: h.at.toISOString(), weightGrams: h.weightGrams, photos: h.photos.length }
      : null;
  };
  return {
    booking: {
      id: b.id,
      status: b.status,
      requestedByOrgId: b.requestedByOrgId,
      tempClass,
      route: routeLabel(b.pickupPlace, b.dropoffPlace),
      pickupPlace: b.pickupPlace,
      dropoffPlace: b.dropoffPlace,
      pickupFrom: b.pickupFrom.toISOString(),
      pickupUntil: b.pickupUntil.toISOString(),
      deliverBy: b.deliverBy.toISOString(),
      weightKg: b.weightKg,
      pallets: b.pallets,
      plate: row.plate,
      serviceDate: row.serviceDate,
      pickedUpAt: b.pickedUpAt?.toISOString() ?? null,
      deliveredAt: b.deliveredAt?.toISOString() ?? null,
      pickup: handover('pickup'),
      delivery: handover('delivery'),
      band: BANDS[tempClass],
      points: chartPoints(tempClass, readings),
      summary: summarise(tempClass, readings),
    },
    excursions,
  };
}

/** One photo of a hand-over, with the organisations that may see it (the order's two sides and the carrier). */
export async function handoverPhoto(tx: DbOrTx, handoverId: string, n: number) {
  const [row] = await tx
    .select({
      photos: handovers.photos,
      buyerOrgId: orders.buyerOrgId,
      sellerOrgId: orders.sellerOrgId,
      carrierOrgId: bookings.carrierOrgId,
    })
    .from(handovers)
    .innerJoin(bookings, eq(bookings.id, handovers.bookingId))
    .innerJoin(orders, eq(orders.id, bookings.orderId))
    .where(eq(handovers.id, handoverId));
  const photo = Number.isInteger(n) ? row?.photos[n] : undefined;
  if (!row || !photo) return null;
  return { photo, orgIds: [row.buyerOrgId, row.sellerOrgId, row.carrierOrgId] };
}
