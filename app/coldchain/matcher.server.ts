// The booking matcher: places one booking request on the vehicle that adds the least distance, with capacity guarded by the trip row.
import { and, eq, gt, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { type DbOrTx, db } from '../../db/client';
import { type Booking, bookings, orders, trips, vehicles } from '../../db/schema';
import { cityOf } from '../geo/cities';
import { newId } from '../lib/ids';
import { enqueue } from '../lib/outbox.server';
import { notify } from '../notify/notify.server';
import type { TempClass } from './classes';
import { type Cargo, type VehicleSlot, fitOnto, rankVehicles } from './matching';
import { marketDate } from './time';

/** Bookings that hold room on their trip. */
export const PLACED = ['offered', 'accepted', 'picked_up', 'delivered'] as const;

export function shortId(id: string): string {
  return id.slice(-8).toUpperCase();
}

export function routeLabel(from: string, to: string): string {
  return `${cityOf(from)?.nameZh ?? from} → ${cityOf(to)?.nameZh ?? to}`;
}

export function cargoOf(booking: Booking): Cargo | null {
  const pickup = cityOf(booking.pickupPlace);
  const dropoff = cityOf(booking.dropoffPlace);
  if (!pickup || !dropoff) return null;
  return {
    id: booking.id,
    tempClass: booking.tempClass as TempClass,
    weightKg: booking.weightKg,
    pallets: booking.pallets,
    pickup,
    dropoff,
    pickupFrom: booking.pickupFrom.getTime(),
    pickupUntil: booking.pickupUntil.getTime(),
    deliverBy: booking.deliverBy.getTime(),
  };
}

async function tripCargo(tripIds: string[]): Promise<Map<string, Cargo[]>> {
  const byTrip = new Map<string, Cargo[]>();
  if (tripIds.length === 0) return byTrip;
  const rows = await db
    .select()
    .from(bookings)
    .where(and(inArray(bookings.tripId, tripIds), inArray(bookings.status, [...PLACED])));
  for (const row of rows) {
    const cargo = cargoOf(row);
    if (!cargo || !row.tripId) continue;
    byTrip.set(row.tripId, [...(byTrip.get(row.tripId) ?? []), cargo]);
  }
  return byTrip;
}

/** Every vehicle of the class free to work on the day, with what its trip that day already carries. */
async function slotsFor(booking: Booking, serviceDate: string): Promise<VehicleSlot[]> {
  const candidates = await db
    .select()
    .from(vehicles)
    .where(
      and(
        eq(vehicles.tempClass, booking.tempClass),
        eq(vehicles.active, true),
        or(isNull(vehicles.availableFrom), lte(vehicles.availableFrom, serviceDate)),
        or(isNull(vehicles.availableUntil), gte(vehicles.availableUntil, serviceDate)),
      ),
    );
  const usable = candidates.filter((v) => !booking.declinedVehicleIds.includes(v.id));
  if (usable.length === 0) return [];
  const dayTrips = await db
    .select()
    .from(trips)
    .where(
      and(
        eq(trips.serviceDate, serviceDate),
        inArray(
          trips.vehicleId,
          usable.map((v) => v.id),
        ),
      ),
    );
  const cargo = await tripCargo(dayTrips.map((t) => t.id));
  const tripOf = new Map(dayTrips.map((t) => [t.vehicleId, t]));
  return usable.flatMap((vehicle) => {
    const home = cityOf(vehicle.homeBase);
    if (!home) return [];
    const trip = tripOf.get(vehicle.id);
    return [
      {
        vehicleId: vehicle.id,
        tempClass: vehicle.tempClass as TempClass,
        home,
        capacityKg: trip?.capacityKg ?? vehicle.capacityKg,
        capacityPallets: trip?.capacityPallets ?? vehicle.capacityPallets,
        cargo: trip ? (cargo.get(trip.id) ?? []) : [],
      },
    ];
  });
}

type Attempt = 'placed' | 'no-room' | 'gone';

/**
 * Tries to put the booking on one vehicle's trip for the day, in one transaction: the trip row is
 * created if missing and locked, the cargo on it re-read under the lock and the fit re-checked, and
 * the used capacity raised by a conditional update (the CHECKs on the row are the last guard).
 */
async function tryVehicle(bookingId: string, vehicleId: string, serviceDate: string): Promise<Attempt> {
  return db.transaction(async (tx) => {
    const [vehicle] = await tx.select().from(vehicles).where(eq(vehicles.id, vehicleId));
    if (!vehicle?.active) return 'no-room';
    await tx
      .insert(trips)
      .values({
        id: newId('trp'),
        vehicleId,
        carrierOrgId: vehicle.carrierOrgId,
        serviceDate,
        capacityKg: vehicle.capacityKg,
        capacityPallets: vehicle.capacityPallets,
      })
      .onConflictDoNothing({ target: [trips.vehicleId, trips.serviceDate] });
    const [trip] = await tx
      .select()
      .from(trips)
      .where(and(eq(trips.vehicleId, vehicleId), eq(trips.serviceDate, serviceDate)))
      .for('update');
    const [booking] = await tx.select().from(bookings).where(eq(bookings.id, bookingId)).for('update');
    if (!booking || booking.status !== 'requested') return 'gone';
    const cargo = cargoOf(booking);
    const home = cityOf(vehicle.homeBase);
    if (!cargo || !home) return 'no-room';
    const aboard = await tx
      .select()
      .from(bookings)
      .where(and(eq(bookings.tripId, trip.id), inArray(bookings.status, [...PLACED])));
    const fit = fitOnto(
      {
        vehicleId,
        tempClass: vehicle.tempClass as TempClass,
        home,
        capacityKg: trip.capacityKg,
        capacityPallets: trip.capacityPallets,
        cargo: aboard.map(cargoOf).filter((c): c is Cargo => c !== null),
      },
      cargo,
    );
    if (!fit) return 'no-room';
    const raised = await tx
      .update(trips)
      .set({
        usedKg: sql`${trips.usedKg} + ${booking.weightKg}`,
        usedPallets: sql`${trips.usedPallets} + ${booking.pallets}`,
      })
      .where(
        and(
          eq(trips.id, trip.id),
          sql`${trips.usedKg} + ${booking.weightKg} <= ${trips.capacityKg}`,
          sql`${trips.usedPallets} + ${booking.pallets} <= ${trips.capacityPallets}`,
        ),
      )
      .returning({ id: trips.id });
    if (raised.length === 0) return 'no-room';
    await tx
      .update(bookings)
      .set({
        status: 'offered',
        tripId: trip.id,
        vehicleId,
        carrierOrgId: vehicle.carrierOrgId,
        extraKm: Math.round(fit.extraKm * 10) / 10,
        version: sql`${bookings.version} + 1`,
      })
      .where(and(eq(bookings.id, booking.id), eq(bookings.status, 'requested')));
    await tellCarrier(tx, 'booking-requested', vehicle.carrierOrgId, booking);
    return 'placed';
  });
}

export type MatchOutcome = 'placed' | 'unmatched' | 'noop';

/**
 * Places a requested booking: ranks every vehicle it fits (class, room, windows) by the distance it
 * adds, and takes the first whose trip still has room under its lock. Rivals placing bookings at
 * the same time may take the room a ranking saw; then it ranks again with what is left. A booking
 * that fits nowhere is marked unmatched and its requester told. Idempotent: a booking already
 * placed (or gone) is left as it is.
 */
export async function matchBooking(bookingId: string): Promise<MatchOutcome> {
  for (let round = 0; round < 8; round++) {
    const [booking] = await db.select().from(bookings).where(eq(bookings.id, bookingId));
    if (!booking || booking.status !== 'requested') return 'noop';
    const cargo = cargoOf(booking);
    const serviceDate = marketDate(booking.pickupFrom);
    const ranked = cargo ? rankVehicles(await slotsFor(booking, serviceDate), cargo) : [];
    if (ranked.length === 0) return markUnmatched(booking);
    for (const fit of ranked) {
      const attempt = await tryVehicle(bookingId, fit.vehicleId, serviceDate);
      if (attempt === 'placed') return 'placed';
      if (attempt === 'gone') return 'noop';
    }
  }
  const [booking] = await db.select().from(bookings).where(eq(bookings.id, bookingId));
  return booking?.status === 'requested' ? markUnmatched(booking) : 'noop';
}

/** Tells a carrier's traders of a booking offered to it or called off, once per version of the booking. */
export async function tellCarrier(
  tx: DbOrTx,
  type: 'booking-requested' | 'booking-cancelled',
  carrierOrgId: string,
  booking: Booking,
) {
  await notify(tx, {
    type,
    orgId: carrierOrgId,
    minRole: 'trader',
    params: { order: shortId(booking.orderId), route: routeLabel(booking.pickupPlace, booking.dropoffPlace) },
    link: '/logistics',
    subject: { type: 'booking', id: booking.id },
    // 'booking-offered:…' is the key offers were stored under before this helper; kept so none is sent twice.
    dedupeKey: `${type === 'booking-requested' ? 'booking-offered' : type}:${booking.id}:${booking.version}`,
  });
}

async function markUnmatched(booking: Booking): Promise<MatchOutcome> {
  return db.transaction(async (tx) => {
    const changed = await tx
      .update(bookings)
      .set({ status: 'unmatched', version: sql`${bookings.version} + 1` })
      .where(and(eq(bookings.id, booking.id), eq(bookings.status, 'requested')))
      .returning({ id: bookings.id });
    if (changed.length === 0) return 'noop';
    const [order] = await tx.select({ id: orders.id }).from(orders).where(eq(orders.id, booking.orderId));
    await notify(tx, {
      type: 'booking-unmatched',
      orgId: booking.requestedByOrgId,
      params: { order: shortId(order?.id ?? booking.orderId) },
      link: `/orders/${booking.orderId}`,
      subject: { type: 'booking', id: booking.id },
      dedupeKey: `booking-unmatched:${booking.id}:${booking.version}`,
    });
    return 'unmatched';
  });
}

/** Whether some vehicle could take the booking now (class, availability, room, windows), without placing it. */
async function couldPlace(booking: Booking): Promise<boolean> {
  const cargo = cargoOf(booking);
  if (!cargo) return false;
  const serviceDate = marketDate(booking.pickupFrom);
  return rankVehicles(await slotsFor(booking, serviceDate), cargo).length > 0;
}

/**
 * The scheduled second look at bookings that found no vehicle while their pickup window is open: room freed by a
 * cancellation or a decline, or a vehicle back on the road. Only a booking some vehicle could take now goes back
 * to the worker, so a booking that still fits nowhere stays as it is and its requester is not told again.
 */
export async function retryUnmatchedBookings(now = new Date()): Promise<number> {
  const waiting = await db
    .select()
    .from(bookings)
    .where(and(eq(bookings.status, 'unmatched'), gt(bookings.pickupUntil, now)))
    .orderBy(bookings.pickupFrom)
    .limit(500);
  let retried = 0;
  for (const booking of waiting) {
    if (!(await couldPlace(booking))) continue;
    retried += await db.transaction(async (tx) => {
      const changed = await tx
        .update(bookings)
        .set({ status: 'requested', version: sql`${bookings.version} + 1` })
        .where(and(eq(bookings.id, booking.id), eq(bookings.status, 'unmatched')))
        .returning({ id: bookings.id });
      if (changed.length === 0) return 0;
      await enqueue(tx, 'coldchain', 'match-booking', { bookingId: booking.id });
      return 1;
    });
  }
  return retried;
}
