// Vehicle capacity under a race: 40 bookings placed at once onto 10 vehicles never overload one, and all that fit are placed.
import { randomBytes } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { bookings, memberships, organisations, trips, users, vehicles } from '../../db/schema';
import { addVehicle, requestBooking } from '../../app/coldchain/coldchain.server';
import type { BookingInput } from '../../app/coldchain/forms.server';
import { matchBooking } from '../../app/coldchain/matcher.server';
import type { Viewer } from '../../app/lib/auth.server';
import { actOnOrder, placeBuyNow } from '../../app/orders/orders.server';
import { type Seller, buyerOrg, liveShrimpLot, verifiedSeller } from '../support/listings';

// A larger pool (read lazily on first use), so the 40 matchers really run at once.
process.env.DATABASE_POOL_MAX = '40';

const H = 3_600_000;

function viewerOf(party: Seller, kind: 'buyer' | 'seller'): Viewer {
  const membership = {
    orgId: party.orgId,
    orgName: 'x',
    kind,
    verification: 'verified' as const,
    role: 'owner' as const,
    suspendedUntil: null,
    bannedAt: null,
  };
  return {
    sessionId: 'test',
    user: { id: party.userId, email: 'x@example.test', name: 'x', locale: null },
    memberships: [membership],
    activeOrg: membership,
    isOperator: false,
  };
}

async function carrier(): Promise<string> {
  const tag = randomBytes(4).toString('hex');
  const orgId = `org_c${tag}`;
  await db.insert(organisations).values({ id: orgId, name: `冷链 ${tag}`, kind: 'carrier' });
  await db
    .insert(users)
    .values({ id: `usr_c${tag}`, email: `c-${tag}@example.test`, name: '司机', passwordHash: 'x' });
  await db.insert(memberships).values({ orgId, userId: `usr_c${tag}`, role: 'owner' });
  return orgId;
}

let plateSeq = 0;
const plate = () => `粤Z${String(10000 + plateSeq++).slice(-5)}`;

/** `n` paid orders of one buyer, each ready for a booking. */
async function paidOrders(n: number): Promise<{ buyer: Seller; orderIds: string[] }> {
  const seller = await verifiedSeller(db);
  const lot = await liveShrimpLot(db, seller, String(n * 10));
  const buyer = await buyerOrg();
  const orderIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const placed = await placeBuyNow({
      buyerOrgId: buyer.orgId,
      actorUserId: buyer.userId,
      form: { listingId: lot, quantity: '10', unit: 'kg', tolerancePercent: 0 },
    });
    if (!placed.ok) throw new Error(JSON.stringify(placed.errors));
    await actOnOrder(placed.orderId, { userId: null, parties: ['operator'] }, { action: 'record_payment' });
    orderIds.push(placed.orderId);
  }
  return { buyer, orderIds };
}

function booking(weightKg: number, pallets: number, start: number): BookingInput {
  return {
    tempClass: 'frozen',
    weightKg,
    pallets,
    pickupPlace: '湛江霞山水产品批发市场',
    pickupFrom: new Date(start),
    pickupUntil: new Date(start + 12 * H),
    dropoffPlace: '广州黄沙水产市场',
    deliverBy: new Date(start + 40 * H),
    note: null,
  };
}

/** Every trip's used figures equal the sum of its bookings and stay within the vehicle's capacity. */
async function expectNoOverload(vehicleIds: string[]) {
  const dayTrips = await db.select().from(trips).where(inArray(trips.vehicleId, vehicleIds));
  for (const trip of dayTrips) {
    const aboard = await db.select().from(bookings).where(eq(bookings.tripId, trip.id));
    const kg = aboard.reduce((sum, b) => sum + b.weightKg, 0);
    const pallets = aboard.reduce((sum, b) => sum + b.pallets, 0);
    expect(kg).toBe(trip.usedKg);
    expect(pallets).toBe(trip.usedPallets);
    expect(kg).toBeLessThanOrEqual(trip.capacityKg);
    expect(pallets).toBeLessThanOrEqual(trip.capacityPallets);
  }
  return dayTrips;
}

let start: number;
beforeAll(() => {
  // Two days ahead at 08:00 market time, so every pickup window is in the future.
  start = Date.now() + 48 * H;
});

describe('40 bookings racing for 10 vehicles', () => {
  it('fills the fleet exactly: every booking placed, no vehicle over kg or pallets', async () => {
    const carrierOrg = await carrier();
    const fleet: string[] = [];
    for (let i = 0; i < 10; i++)
      fleet.push(
        (
          await addVehicle(carrierOrg, {
            plate: plate(),
            tempClass: 'frozen',
            capacityKg: 1000,
            capacityPallets: 4,
            homeBase: i % 2 ? '湛江' : '茂名',
            availableFrom: null,
            availableUntil: null,
          })
        ).vehicleId,
      );
    const { buyer, orderIds } = await paidOrders(40);
    const ids = [];
    for (const orderId of orderIds)
      ids.push(await requestBooking(viewerOf(buyer, 'buyer'), orderId, booking(250, 1, start)));
    const outcomes = await Promise.all(ids.map((id) => matchBooking(id)));
    expect(outcomes.filter((o) => o === 'placed')).toHaveLength(40);
    const placed = await db.select().from(bookings).where(inArray(bookings.id, ids));
    expect(placed.every((b) => b.status === 'offered' && fleet.includes(b.vehicleId ?? ''))).toBe(true);
    const dayTrips = await expectNoOverload(fleet);
    expect(dayTrips.filter((t) => t.usedKg > 0)).toHaveLength(10);
  });

  it('with more cargo than room: none overloaded, and a booking left over fits no vehicle', async () => {
    const carrierOrg = await carrier();
    const fleet: string[] = [];
    for (let i = 0; i < 10; i++)
      fleet.push(
        (
          await addVehicle(carrierOrg, {
            plate: plate(),
            tempClass: 'frozen',
            capacityKg: 1200 + i * 100,
            capacityPallets: 3 + (i % 3),
            homeBase: '湛江',
            availableFrom: null,
            availableUntil: null,
          })
        ).vehicleId,
      );
    const { buyer, orderIds } = await paidOrders(40);
    // A later day than the first race, so these trips start empty.
    const day2 = start + 24 * H;
    const sizes = orderIds.map((_, i) => ({ kg: 150 + ((i * 137) % 500), pallets: 1 + (i % 2) }));
    const ids: string[] = [];
    for (const [i, orderId] of orderIds.entries())
      ids.push(
        await requestBooking(viewerOf(buyer, 'buyer'), orderId, booking(sizes[i].kg, sizes[i].pallets, day2)),
      );
    await Promise.all(ids.map((id) => matchBooking(id)));
    const dayTrips = await expectNoOverload(fleet);
    const rows = await db.select().from(bookings).where(inArray(bookings.id, ids));
    const left = rows.filter((b) => b.status === 'unmatched');
    expect(rows.filter((b) => b.status === 'offered').length).toBeGreaterThan(20);
    expect(rows.every((b) => b.status === 'offered' || b.status === 'unmatched')).toBe(true);
    for (const b of left) {
      for (const v of await db.select().from(vehicles).where(inArray(vehicles.id, fleet))) {
        const trip = dayTrips.find((t) => t.vehicleId === v.id);
        const freeKg = v.capacityKg - (trip?.usedKg ?? 0);
        const freePallets = v.capacityPallets - (trip?.usedPallets ?? 0);
        expect(freeKg >= b.weightKg && freePallets >= b.pallets, `${b.id} would fit ${v.plate}`).toBe(false);
      }
    }
  });

  it('the database refuses an overload whatever the application does', async () => {
    const [trip] = await db.select().from(trips).limit(1);
    await expect(
      db
        .update(trips)
        .set({ usedKg: sql`${trips.capacityKg} + 1` })
        .where(eq(trips.id, trip.id)),
    ).rejects.toThrow();
  });
});

describe('a booking no vehicle fits', () => {
  it('is unmatched, and placed once a carrier registers a vehicle that fits', async () => {
    const { buyer, orderIds } = await paidOrders(1);
    const id = await requestBooking(viewerOf(buyer, 'buyer'), orderIds[0], {
      ...booking(900, 2, start),
      tempClass: 'live',
      pickupPlace: '海口',
      dropoffPlace: '海口',
    });
    expect(await matchBooking(id)).toBe('unmatched');
    const carrierOrg = await carrier();
    await addVehicle(carrierOrg, {
      plate: plate(),
      tempClass: 'live',
      capacityKg: 1000,
      capacityPallets: 2,
      homeBase: '海口',
      availableFrom: null,
      availableUntil: null,
    });
    const [again] = await db.select().from(bookings).where(eq(bookings.id, id));
    expect(again.status).toBe('requested');
    expect(await matchBooking(id)).toBe('placed');
  });
});
