// Carriers' vehicles and cold rooms, booking requests for paid orders, and the carrier's steps: accept, decline, pick up, deliver.
import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { db, type DbOrTx, type Tx } from '../../db/client';
import {
  type Booking,
  bookings,
  categories,
  coldRooms,
  handovers,
  listings,
  orders,
  organisations,
  telemetryDevices,
  trips,
  vehicles,
} from '../../db/schema';
import { type Viewer, assertOrgMayAct } from '../lib/auth.server';
import { newId, newToken } from '../lib/ids';
import type { MultipartUpload } from '../lib/multipart.server';
import { enqueue } from '../lib/outbox.server';
import { type SniffedType, storage } from '../lib/storage.server';
import { notify } from '../notify/notify.server';
import { OrderError, actOnOrderInTx } from '../orders/orders.server';
import { recordTraceStep } from '../trace/trace.server';
import type { BookingInput, ColdRoomInput, VehicleInput } from './forms.server';
import { shortId, tellCarrier } from './matcher.server';

export class ColdChainError extends Error {
  constructor(
    /** An i18n key the UI shows. */
    public readonly messageKey: string,
    public readonly status = 409,
    public readonly field = 'form',
  ) {
    super(messageKey);
  }
}

const notFound = () => new ColdChainError('errors.notFound', 404);

// ---- Vehicles and cold rooms ---------------------------------------------------------------------

/** Registers a vehicle and its temperature logger (a device id and an HMAC secret shown to the carrier). */
export async function addVehicle(carrierOrgId: string, input: VehicleInput): Promise<{ vehicleId: string }> {
  try {
    return await db.transaction(async (tx) => {
      const vehicleId = newId('veh');
      await tx.insert(vehicles).values({ id: vehicleId, carrierOrgId, ...input });
      await tx.insert(telemetryDevices).values({ id: newId('dev'), vehicleId, secret: newToken() });
      // Bookings of its class that found no vehicle, still collectable, get another try with the new one.
      const waiting = await tx
        .update(bookings)
        .set({ status: 'requested', version: sql`${bookings.version} + 1` })
        .where(
          and(
            eq(bookings.status, 'unmatched'),
            eq(bookings.tempClass, input.tempClass),
            sql`${bookings.pickupUntil} > now()`,
          ),
        )
        .returning({ id: bookings.id });
      for (const { id } of waiting) await enqueue(tx, 'coldchain', 'match-booking', { bookingId: id });
      return { vehicleId };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'vehicles_plate_key'))
      throw new ColdChainError('coldchain.errors.plateTaken', 409, 'plate');
    throw error;
  }
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const cause = (error as { cause?: unknown })?.cause ?? error;
  const e = cause as { code?: string; constraint_name?: string };
  return e?.code === '23505' && e.constraint_name === constraint;
}

/** Takes a vehicle off the road or back on: new bookings only go to active vehicles. */
export async function setVehicleActive(
  carrierOrgId: string,
  vehicleId: string,
  active: boolean,
): Promise<void> {
  const changed = await db
    .update(vehicles)
    .set({ active })
    .where(and(eq(vehicles.id, vehicleId), eq(vehicles.carrierOrgId, carrierOrgId)))
    .returning({ id: vehicles.id });
  if (changed.length === 0) throw notFound();
}

export async function addColdRoom(carrierOrgId: string, input: ColdRoomInput): Promise<string> {
  const id = newId('crm');
  await db.insert(coldRooms).values({ id, carrierOrgId, ...input });
  return id;
}

// ---- Booking requests ------------------------------------------------------------------------------

/** Who may request transport for an order: a trading member of its buyer or its seller. */
function requesterOrg(viewer: Viewer, order: { buyerOrgId: string; sellerOrgId: string }): string | null {
  const acting = (orgId: string) => viewer.memberships.some((m) => m.orgId === orgId && m.role !== 'viewer');
  if (viewer.activeOrg && acting(viewer.activeOrg.orgId)) {
    if (viewer.activeOrg.orgId === order.sellerOrgId || viewer.activeOrg.orgId === order.buyerOrgId)
      return viewer.activeOrg.orgId;
  }
  if (acting(order.sellerOrgId)) return order.sellerOrgId;
  if (acting(order.buyerOrgId)) return order.buyerOrgId;
  return null;
}

/** What a booking form starts with: the lot's pickup place and class, the buyer's city, the order's weight. */
export async function bookingDefaults(tx: DbOrTx, orderId: string) {
  const [row] = await tx
    .select({
      quantity: orders.quantity,
      pickupPlace: listings.pickupPlace,
      coldChain: listings.coldChain,
      baseUnit: categories.baseUnit,
      caseNetGrams: listings.caseNetGrams,
      buyerCity: organisations.city,
    })
    .from(orders)
    .innerJoin(listings, eq(listings.id, orders.listingId))
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .innerJoin(organisations, eq(organisations.id, orders.buyerOrgId))
    .where(eq(orders.id, orderId));
  if (!row) return null;
  // Goods sold by the piece (oysters) weigh about 150 g each in their shells.
  const kg = Math.max(1, Math.ceil(row.baseUnit === 'g' ? row.quantity / 1000 : (row.quantity * 150) / 1000));
  const now = Date.now();
  const hour = 3_600_000;
  const start = Math.ceil((now + 2 * hour) / hour) * hour;
  return {
    tempClass: row.coldChain,
    weightKg: kg,
    // A pallet carries about 600 kg of boxed seafood or fruit.
    pallets: Math.max(1, Math.ceil(kg / 600)),
    pickupPlace: row.pickupPlace,
    dropoffPlace: row.buyerCity ?? '',
    pickupFrom: new Date(start),
    pickupUntil: new Date(start + 4 * hour),
    deliverBy: new Date(start + 24 * hour),
  };
}

/**
 * A buyer or seller asks for transport of a paid order. Refused for an unpaid (or finished) order and
 * when the order already has a booking under way; a booking that found no vehicle, or was cancelled,
 * may be asked for again. The coldchain worker places it after commit.
 */
export async function requestBooking(viewer: Viewer, orderId: string, input: BookingInput): Promise<string> {
  return db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
    if (!order) throw notFound();
    const mayView =
      viewer.isOperator ||
      viewer.memberships.some((m) => m.orgId === order.buyerOrgId || m.orgId === order.sellerOrgId);
    if (!mayView) throw notFound();
    const orgId = requesterOrg(viewer, order);
    if (!orgId) throw new ColdChainError('errors.forbidden', 403);
    await assertOrgMayAct(tx, orgId);
    if (order.status !== 'paid') throw new ColdChainError('coldchain.errors.orderNotPaid', 409);
    const [existing] = await tx.select().from(bookings).where(eq(bookings.orderId, orderId)).for('update');
    if (existing && !['unmatched', 'cancelled'].includes(existing.status))
      throw new ColdChainError('coldchain.errors.alreadyBooked', 409);
    const values = {
      requestedByOrgId: orgId,
      requestedBy: viewer.user.id,
      ...input,
      status: 'requested' as const,
      tripId: null,
      vehicleId: null,
      carrierOrgId: null,
      extraKm: null,
      declinedVehicleIds: [],
    };
    let id = existing?.id;
    if (existing) {
      await tx
        .update(bookings)
        .set({ ...values, version: sql`${bookings.version} + 1` })
        .where(eq(bookings.id, existing.id));
    } else {
      id = newId('bkg');
      await tx.insert(bookings).values({ id, orderId, ...values });
    }
    await enqueue(tx, 'coldchain', 'match-booking', { bookingId: id as string });
    return id as string;
  });
}

/** The booking of a carrier's own (any other carrier's answers 404), locked for the step. */
async function carrierBooking(tx: DbOrTx, carrierOrgId: string, bookingId: string): Promise<Booking> {
  await assertOrgMayAct(tx, carrierOrgId);
  const [booking] = await tx
    .select()
    .from(bookings)
    .where(and(eq(bookings.id, bookingId), eq(bookings.carrierOrgId, carrierOrgId)))
    .for('update');
  if (!booking) throw notFound();
  return booking;
}

async function partiesOfOrder(tx: DbOrTx, orderId: string) {
  const [order] = await tx
    .select({ buyerOrgId: orders.buyerOrgId, sellerOrgId: orders.sellerOrgId, listingId: orders.listingId })
    .from(orders)
    .where(eq(orders.id, orderId));
  return order;
}

/** The carrier takes an offered booking; both parties of the order hear which vehicle comes. */
export async function acceptBooking(carrierOrgId: string, bookingId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const booking = await carrierBooking(tx, carrierOrgId, bookingId);
    if (booking.status !== 'offered') throw new ColdChainError('coldchain.errors.wrongState', 409);
    await tx
      .update(bookings)
      .set({ status: 'accepted', version: sql`${bookings.version} + 1` })
      .where(eq(bookings.id, booking.id));
    const [vehicle] = await tx
      .select({ plate: vehicles.plate })
      .from(vehicles)
      .where(eq(vehicles.id, booking.vehicleId ?? ''));
    const order = await partiesOfOrder(tx, booking.orderId);
    for (const orgId of [order.sellerOrgId, order.buyerOrgId]) {
      await notify(tx, {
        type: 'booking-confirmed',
        orgId,
        params: { order: shortId(booking.orderId), vehicle: vehicle?.plate ?? '' },
        link: `/orders/${booking.orderId}`,
        subject: { type: 'booking', id: booking.id },
        dedupeKey: `booking-confirmed:${booking.id}:${booking.version}:${orgId}`,
      });
    }
  });
}

/**
 * The carrier turns a booking down (before pickup): the room on its trip is given back by the same
 * guarded update, the vehicle is remembered as declined, and the worker looks for the next vehicle.
 */
export async function declineBooking(carrierOrgId: string, bookingId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const booking = await carrierBooking(tx, carrierOrgId, bookingId);
    if (booking.status !== 'offered' && booking.status !== 'accepted')
      throw new ColdChainError('coldchain.errors.wrongState', 409);
    await takeOffTrip(tx, booking, {
      status: 'requested',
      declinedVehicleIds: sql`array_append(${bookings.declinedVehicleIds}, ${booking.vehicleId})`,
    });
    await enqueue(tx, 'coldchain', 'match-booking', { bookingId: booking.id });
  });
}

/**
 * Gives a booking's room on its trip back (the same guarded row the matcher raised) and unlinks it from the trip;
 * the room freed is offered at once to bookings that found none (the scheduled sweep, run now).
 */
async function takeOffTrip(
  tx: DbOrTx,
  booking: Booking,
  set: { status: 'requested' | 'cancelled' } & Partial<Record<'declinedVehicleIds', ReturnType<typeof sql>>>,
) {
  if (booking.tripId) {
    await tx
      .update(trips)
      .set({
        usedKg: sql`${trips.usedKg} - ${booking.weightKg}`,
        usedPallets: sql`${trips.usedPallets} - ${booking.pallets}`,
      })
      .where(eq(trips.id, booking.tripId));
    await enqueue(tx, 'coldchain', 'retry-unmatched', {});
  }
  await tx
    .update(bookings)
    .set({
      ...set,
      tripId: null,
      vehicleId: null,
      carrierOrgId: null,
      extraKm: null,
      version: sql`${bookings.version} + 1`,
    })
    .where(eq(bookings.id, booking.id));
}

/** Bookings the requester may still call off: nothing has been picked up. */
export const CANCELLABLE_BOOKING = ['requested', 'unmatched', 'offered', 'accepted'] as const;

/** A trader (or more) of the org that asked for the transport. */
function actsForRequester(viewer: Viewer, booking: { requestedByOrgId: string }): boolean {
  return viewer.memberships.some((m) => m.orgId === booking.requestedByOrgId && m.role !== 'viewer');
}

/** Whether the viewer may call the booking off now: it acts for the requester, and nothing is picked up yet. */
export function mayCancelBooking(
  viewer: Viewer,
  booking: { status: string; requestedByOrgId: string },
): boolean {
  return (
    (CANCELLABLE_BOOKING as readonly string[]).includes(booking.status) && actsForRequester(viewer, booking)
  );
}

/**
 * The org that asked for transport calls it off before pickup: its room on the trip is given back, a carrier that
 * had been offered or had accepted it is told, and the order may ask for transport again. Only traders of the
 * requesting org may do it (403 for the order's other side, 404 for everyone else).
 */
export async function cancelBooking(viewer: Viewer, orderId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [booking] = await tx.select().from(bookings).where(eq(bookings.orderId, orderId)).for('update');
    const order = booking ? await partiesOfOrder(tx, orderId) : undefined;
    const mayView =
      order &&
      (viewer.isOperator ||
        viewer.memberships.some((m) => m.orgId === order.buyerOrgId || m.orgId === order.sellerOrgId));
    if (!booking || !mayView) throw notFound();
    if (!actsForRequester(viewer, booking)) throw new ColdChainError('errors.forbidden', 403);
    await assertOrgMayAct(tx, booking.requestedByOrgId);
    if (!mayCancelBooking(viewer, booking)) throw new ColdChainError('coldchain.errors.wrongState', 409);
    await takeOffTrip(tx, booking, { status: 'cancelled' });
    if (booking.carrierOrgId) await tellCarrier(tx, 'booking-cancelled', booking.carrierOrgId, booking);
  });
}

// ---- Hand-overs ------------------------------------------------------------------------------------

export type HandoverPhoto = MultipartUpload<'photos'>;

const EXTENSION: Record<SniffedType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

async function storePhotos(bookingId: string, photos: HandoverPhoto[]) {
  const stored: { key: string; contentType: string; bytes: number }[] = [];
  for (const photo of photos) {
    const key = `handovers/${bookingId}/${newId('fil')}.${EXTENSION[photo.type]}`;
    await storage().put(key, photo.bytes, photo.type);
    stored.push({ key, contentType: photo.type, bytes: photo.bytes.byteLength });
  }
  return stored;
}

type HandoverInput = {
  carrierOrgId: string;
  userId: string;
  bookingId: string;
  weightGrams: number | null;
  photos: HandoverPhoto[];
  note: string | null;
};

const HANDOVER_FROM = { pickup: ['accepted', 'picked_up'], delivery: ['picked_up', 'delivered'] } as const;

/** A quick refusal before any photo is stored (the locked check inside the hand-over's transaction decides). */
async function handoverBooking(input: HandoverInput, kind: 'pickup' | 'delivery') {
  const [booking] = await db
    .select()
    .from(bookings)
    .where(and(eq(bookings.id, input.bookingId), eq(bookings.carrierOrgId, input.carrierOrgId)));
  if (!booking) throw notFound();
  if (!(HANDOVER_FROM[kind] as readonly string[]).includes(booking.status))
    throw new ColdChainError('coldchain.errors.wrongState', 409);
  const [done] = await db
    .select({ id: handovers.id })
    .from(handovers)
    .where(and(eq(handovers.bookingId, booking.id), eq(handovers.kind, kind)));
  if (done) throw new ColdChainError('coldchain.errors.alreadyRecorded', 409);
  return booking;
}

/**
 * Runs an order step for the carrier inside the hand-over's transaction; a step the order has already passed is
 * fine (the seller marked it shipped, the buyer confirmed arrival). The refusal comes before the step writes
 * anything, so the transaction goes on. The timeline names the carrier's person and org.
 */
async function orderStep(
  tx: Tx,
  orderId: string,
  input: Parameters<typeof actOnOrderInTx>[3],
  carrier: { userId: string; carrierOrgId: string },
): Promise<boolean> {
  try {
    await actOnOrderInTx(
      tx,
      orderId,
      { userId: carrier.userId, orgId: carrier.carrierOrgId, parties: ['carrier'] },
      input,
    );
    return true;
  } catch (error) {
    if (error instanceof OrderError && error.messageKey === 'orders.errors.wrongState') return false;
    throw error;
  }
}

/**
 * Records a hand-over and the order's steps in one transaction (ADR 0028). The order's row, then the booking's,
 * are locked (the order steps' own lock order), and the hand-over's unique key admits one record per booking and
 * kind: of concurrent submissions one writes the hand-over, weighs the order and moves it, and the others get 409
 * and change nothing. The weight the hand-over keeps is the weight the order is charged for.
 */
async function recordHandover(input: HandoverInput, kind: 'pickup' | 'delivery'): Promise<void> {
  const booking = await handoverBooking(input, kind);
  const photos = await storePhotos(booking.id, input.photos);
  try {
    await db.transaction(async (tx) => {
      await tx.select({ id: orders.id }).from(orders).where(eq(orders.id, booking.orderId)).for('update');
      const [locked] = await tx
        .select()
        .from(bookings)
        .where(and(eq(bookings.id, booking.id), eq(bookings.carrierOrgId, input.carrierOrgId)))
        .for('update');
      if (!locked) throw notFound();
      if (!(HANDOVER_FROM[kind] as readonly string[]).includes(locked.status))
        throw new ColdChainError('coldchain.errors.wrongState', 409);
      const inserted = await tx
        .insert(handovers)
        .values({
          id: newId('hov'),
          bookingId: locked.id,
          kind,
          recordedBy: input.userId,
          weightGrams: input.weightGrams,
          photos,
          note: input.note,
        })
        .onConflictDoNothing({ target: [handovers.bookingId, handovers.kind] })
        .returning({ id: handovers.id });
      if (inserted.length === 0) throw new ColdChainError('coldchain.errors.alreadyRecorded', 409);

      const [lot] = await tx
        .select({ baseUnit: categories.baseUnit, listingId: orders.listingId })
        .from(orders)
        .innerJoin(listings, eq(listings.id, orders.listingId))
        .innerJoin(categories, eq(categories.id, listings.categoryId))
        .where(eq(orders.id, locked.orderId));
      // The last weighing in the chain settles: the pickup's, then the delivery's over it (catch weight, ADR 0007).
      if (input.weightGrams !== null && lot?.baseUnit === 'g')
        await orderStep(
          tx,
          locked.orderId,
          { action: 'record_weight', quantity: String(input.weightGrams / 1000), unit: 'kg', handover: kind },
          input,
        );
      await orderStep(tx, locked.orderId, { action: kind === 'pickup' ? 'ship' : 'deliver' }, input);

      // The order's step normally moved the booking already (app/coldchain/hooks.server.ts); make sure.
      const from = kind === 'pickup' ? (['accepted'] as const) : (['picked_up'] as const);
      await tx
        .update(bookings)
        .set(
          kind === 'pickup'
            ? { status: 'picked_up', pickedUpAt: new Date(), version: sql`${bookings.version} + 1` }
            : { status: 'delivered', deliveredAt: new Date(), version: sql`${bookings.version} + 1` },
        )
        .where(and(eq(bookings.id, locked.id), inArray(bookings.status, [...from])));
      if (input.weightGrams !== null && lot) {
        await recordTraceStep(tx, {
          step: 'weighing',
          listingId: lot.listingId,
          dedupeKey: `weighing:${locked.id}:${kind}`,
          quantity: input.weightGrams,
          place: kind === 'pickup' ? locked.pickupPlace : locked.dropoffPlace,
          orderId: locked.orderId,
          bookingId: locked.id,
        });
      }
    });
  } catch (error) {
    await Promise.all(
      photos.map((p) =>
        storage()
          .delete(p.key)
          .catch(() => undefined),
      ),
    );
    throw error;
  }
}

/**
 * The carrier collects the goods: the weighed quantity goes to the order (catch weight, while it may
 * still be weighed), the order moves to shipping, and the hand-over is kept with its photos.
 */
export async function recordPickup(input: HandoverInput): Promise<void> {
  await recordHandover(input, 'pickup');
}

/**
 * The carrier hands the goods to the buyer (送达): a weight taken here replaces the pickup's on the order, and
 * the order is delivered (its inspection window opens).
 */
export async function recordDelivery(input: HandoverInput): Promise<void> {
  await recordHandover(input, 'delivery');
}

// ---- Reading ---------------------------------------------------------------------------------------

/** A carrier's desk: its vehicles (with their loggers), cold rooms, and bookings by state. */
export async function carrierDesk(tx: DbOrTx, carrierOrgId: string) {
  const fleet = await tx
    .select({ vehicle: vehicles, deviceId: telemetryDevices.id })
    .from(vehicles)
    .leftJoin(telemetryDevices, eq(telemetryDevices.vehicleId, vehicles.id))
    .where(eq(vehicles.carrierOrgId, carrierOrgId))
    .orderBy(asc(vehicles.plate));
  const rooms = await tx
    .select()
    .from(coldRooms)
    .where(eq(coldRooms.carrierOrgId, carrierOrgId))
    .orderBy(asc(coldRooms.name));
  const jobs = await bookingRows(tx, eq(bookings.carrierOrgId, carrierOrgId));
  return { fleet, rooms, jobs };
}

/** Bookings of orders an org buys or sells. */
export async function traderBookings(tx: DbOrTx, orgId: string) {
  return bookingRows(tx, or(eq(orders.buyerOrgId, orgId), eq(orders.sellerOrgId, orgId)));
}

async function bookingRows(tx: DbOrTx, where: ReturnType<typeof eq> | ReturnType<typeof or>) {
  return tx
    .select({
      booking: bookings,
      plate: vehicles.plate,
      serviceDate: trips.serviceDate,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      orderStatus: orders.status,
    })
    .from(bookings)
    .innerJoin(orders, eq(orders.id, bookings.orderId))
    .innerJoin(listings, eq(listings.id, orders.listingId))
    .leftJoin(vehicles, eq(vehicles.id, bookings.vehicleId))
    .leftJoin(trips, eq(trips.id, bookings.tripId))
    .where(where)
    .orderBy(desc(bookings.pickupFrom))
    .limit(200);
}

/** The secret of a carrier's own logger (shown once asked, for setting up the device). */
export async function deviceSecret(
  tx: DbOrTx,
  carrierOrgId: string,
  deviceId: string,
): Promise<string | null> {
  const [row] = await tx
    .select({ secret: telemetryDevices.secret })
    .from(telemetryDevices)
    .innerJoin(vehicles, eq(vehicles.id, telemetryDevices.vehicleId))
    .where(and(eq(telemetryDevices.id, deviceId), eq(vehicles.carrierOrgId, carrierOrgId)));
  return row?.secret ?? null;
}

/** The market's zone (app/lib/market-time.ts), for the cold chain's pages. */
export { marketTimeZone } from '../lib/market-time';
