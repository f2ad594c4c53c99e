// The cold chain through its pages: booking a paid order, the carrier's accept, decline, pickup and delivery, refusals, and the trace they write.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { beforeAll, describe, expect, it, vi } from 'vitest';

// Before any app module reads the environment: this file's hand-over photos go to their own folder.
const storageDir = vi.hoisted(() => {
  const dir = `${process.env.TMPDIR ?? '/tmp'}/wharf-coldchain-test-${process.pid}-${Date.now()}`;
  process.env.STORAGE_DIR = dir;
  return dir;
});

import { db } from '../../db/client';
import {
  bookings,
  handovers,
  memberships,
  orders,
  organisations,
  notificationEvents,
  outbox,
  traceEvents,
  trips,
  users,
  vehicles,
} from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { action as bookingAction, loader as bookingLoader } from '../../app/routes/orders_.$orderId.booking';
import { action as logisticsAction, loader as logisticsLoader } from '../../app/routes/logistics';
import { action as paymentsAction } from '../../app/routes/operator.payments';
import { action as orderAction, loader as orderLoader } from '../../app/routes/orders.$orderId';
import { action as buyAction } from '../../app/routes/orders.new';
import { loader as traceLoader } from '../../app/routes/01.$gtin.10.$lot';
import { loader as exportLoader } from '../../app/routes/trace.export';
import { loader as photoLoader } from '../../app/routes/logistics_.handovers.$handoverId.$n';
import { epcisValidator } from '../support/epcis-validator';
import { categoryGtin, lotCodeOf } from '../../app/trace/epcis';
import { retryUnmatchedBookings } from '../../app/coldchain/matcher.server';
import { processColdChainJob } from '../../workers/coldchain';
import { ORIGIN, call, formRequest, getRequest, logInAs } from '../support/http';
import { demoShrimpLotId } from '../support/listings';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
type Refused = { ok: false; errors: Record<string, string>; values: Record<string, string> };

const cookies = { buyer: '', seller: '', carrier: '', otherCarrier: '', operator: '' };
let lotId: string;
let jpeg: Buffer;

/** A market time "YYYY-MM-DDTHH:mm" `hours` from now (the booking form's datetime-local value). */
function marketTime(hours: number): string {
  const at = new Date(Date.now() + hours * 3_600_000 + 8 * 3_600_000);
  return at.toISOString().slice(0, 16);
}

const bookingForm = (over: Record<string, string> = {}) => ({
  tempClass: 'live',
  weightKg: '100',
  pallets: '1',
  pickupPlace: '湛江东海岛海兴养殖场塘头',
  pickupFrom: marketTime(2),
  pickupUntil: marketTime(6),
  dropoffPlace: '广州黄沙水产市场',
  deliverBy: marketTime(24),
  ...over,
});

async function placeOrder(): Promise<string> {
  const bought = await call(() =>
    buyAction(
      args(
        formRequest(
          `/orders/new?listingId=${lotId}`,
          { listingId: lotId, unit: 'kg', tolerancePercent: '3', quantity: '100' },
          { cookie: cookies.buyer },
        ),
      ),
    ),
  );
  expect(bought.status).toBe(302);
  return (bought.headers.get('Location') ?? '').slice('/orders/'.length);
}

async function paidOrder(): Promise<string> {
  const orderId = await placeOrder();
  const paid = await call(() =>
    paymentsAction(
      args(
        formRequest(
          '/operator/payments',
          { intent: 'record_payment', orderId, reference: 'ICBC 0001' },
          { cookie: cookies.operator },
        ),
      ),
    ),
  );
  expect(paid.status).toBe(302);
  return orderId;
}

const requestBooking = (orderId: string, fields: Record<string, string>, cookie = cookies.seller) =>
  call(() => bookingAction(args(formRequest(`/orders/${orderId}/booking`, fields, { cookie }), { orderId })));

const desk = (fields: Record<string, string>, cookie = cookies.carrier) =>
  call(() => logisticsAction(args(formRequest('/logistics', fields, { cookie }))));

function handover(intent: 'pickup' | 'deliver', bookingId: string, weightKg: string, photos: File[]) {
  const form = new FormData();
  form.append('intent', intent);
  form.append('bookingId', bookingId);
  form.append('weightKg', weightKg);
  for (const photo of photos) form.append('photos', photo);
  const request = new Request(`${ORIGIN}/logistics`, {
    method: 'POST',
    body: form,
    headers: { Cookie: cookies.carrier, 'x-wharf-client-ip': '203.0.113.7' },
  });
  return call(() => logisticsAction(args(request)));
}

async function bookingOf(orderId: string) {
  const [row] = await db.select().from(bookings).where(eq(bookings.orderId, orderId));
  return row;
}

async function statusOf(orderId: string) {
  const [row] = await db.select({ status: orders.status }).from(orders).where(eq(orders.id, orderId));
  return row.status;
}

type OrderPage = {
  shipment: { booking: { status: string; plate: string | null } | null };
  canBook: boolean;
  timeline: { kind: string; actorName: string | null; actorOrgName: string | null }[];
  canCancelBooking: boolean;
};
const orderPage = async (orderId: string, cookie = cookies.buyer) =>
  (await (
    await call(() => orderLoader(args(getRequest(`/orders/${orderId}`, { cookie }), { orderId })))
  ).json()) as OrderPage;

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  lotId = await demoShrimpLotId();
  cookies.buyer = await logInAs('restaurant@wharf.test');
  cookies.seller = await logInAs('shrimp@wharf.test');
  cookies.carrier = await logInAs('carrier@wharf.test');
  cookies.operator = await logInAs('operator@wharf.test');
  // A second carrier, with a login of its own.
  await db.insert(organisations).values({ id: 'org_other_carrier', name: '北部湾冷链', kind: 'carrier' });
  await db.insert(users).values({
    id: 'usr_other_carrier',
    email: 'other-carrier@example.test',
    name: '梁师傅',
    passwordHash: await hash('other-carrier-pass'),
  });
  await db
    .insert(memberships)
    .values({ orgId: 'org_other_carrier', userId: 'usr_other_carrier', role: 'owner' });
  cookies.otherCarrier = await logInAs('other-carrier@example.test', 'other-carrier-pass');
  jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#1e7' } })
    .jpeg()
    .toBuffer();
});

describe('refusals with a message and a 4xx', () => {
  it('a booking for an unpaid order', async () => {
    const orderId = await placeOrder();
    const response = await requestBooking(orderId, bookingForm());
    expect(response.status).toBe(409);
    expect(((await response.json()) as Refused).errors.form).toBe('coldchain.errors.orderNotPaid');
    expect(await bookingOf(orderId)).toBeUndefined();
  });

  it('a pickup window that ends before it starts', async () => {
    const orderId = await paidOrder();
    const response = await requestBooking(
      orderId,
      bookingForm({ pickupFrom: marketTime(6), pickupUntil: marketTime(2) }),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as Refused;
    expect(body.errors.pickupUntil).toBe('coldchain.errors.windowOrder');
    expect(body.values.pickupPlace).toBe('湛江东海岛海兴养殖场塘头');
    expect(await bookingOf(orderId)).toBeUndefined();
  });

  it('a vehicle with capacity 0 (kg or pallets), and a plate that is not one', async () => {
    const before = (await db.select().from(vehicles)).length;
    const response = await desk({
      intent: 'add_vehicle',
      plate: '粤G99999',
      tempClass: 'chilled',
      capacityKg: '0',
      capacityPallets: '0',
      homeBase: '湛江',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Refused;
    expect(body.errors.capacityKg).toBe('coldchain.errors.capacityPositive');
    expect(body.errors.capacityPallets).toBe('coldchain.errors.capacityPositive');
    const badPlate = await desk({
      intent: 'add_vehicle',
      plate: 'ABC',
      tempClass: 'chilled',
      capacityKg: '100',
      capacityPallets: '2',
      homeBase: '湛江',
    });
    expect(((await badPlate.json()) as Refused).errors.plate).toBe('coldchain.errors.plate');
    expect((await db.select().from(vehicles)).length).toBe(before);
  });

  it('a place no one can find, and a vehicle registered twice', async () => {
    const orderId = await paidOrder();
    const response = await requestBooking(orderId, bookingForm({ dropoffPlace: '某个地方' }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as Refused).errors.dropoffPlace).toBe('coldchain.errors.unknownPlace');
    const fields = {
      intent: 'add_vehicle',
      plate: '粤G88888',
      tempClass: 'chilled',
      capacityKg: '3000',
      capacityPallets: '6',
      homeBase: '茂名',
    };
    expect((await desk(fields)).status).toBe(302);
    const twice = await desk(fields);
    expect(twice.status).toBe(409);
    expect(((await twice.json()) as Refused).errors.plate).toBe('coldchain.errors.plateTaken');
  });

  it('a seller may not act as a carrier (403), and a carrier acting on another carrier’s booking gets 404', async () => {
    const orderId = await paidOrder();
    expect((await requestBooking(orderId, bookingForm())).status).toBe(302);
    const booking = await bookingOf(orderId);
    await processColdChainJob({ name: 'match-booking', data: { bookingId: booking.id } });
    expect((await bookingOf(orderId)).carrierOrgId).toBe('org_nanyue');
    expect((await desk({ intent: 'accept', bookingId: booking.id }, cookies.seller)).status).toBe(403);
    for (const intent of ['accept', 'decline']) {
      expect((await desk({ intent, bookingId: booking.id }, cookies.otherCarrier)).status).toBe(404);
    }
    expect((await bookingOf(orderId)).status).toBe('offered');
    // And booking twice for one order is refused.
    const again = await requestBooking(orderId, bookingForm());
    expect(again.status).toBe(409);
    expect(((await again.json()) as Refused).errors.form).toBe('coldchain.errors.alreadyBooked');
  });
});

describe('a booking from request to delivery', () => {
  it('is matched, accepted, picked up with photos and weight, delivered; the order follows and the lot’s trace grows', async () => {
    const orderId = await paidOrder();
    expect((await orderPage(orderId)).canBook).toBe(true);
    const form = await call(() =>
      bookingLoader(args(getRequest(`/orders/${orderId}/booking`, { cookie: cookies.seller }), { orderId })),
    );
    const defaults = ((await form.json()) as { defaults: Record<string, string> }).defaults;
    expect(defaults).toMatchObject({ tempClass: 'live', weightKg: '100', dropoffPlace: '广州' });

    expect((await requestBooking(orderId, bookingForm())).status).toBe(302);
    let booking = await bookingOf(orderId);
    expect(booking.status).toBe('requested');
    expect(await processColdChainJob({ name: 'match-booking', data: { bookingId: booking.id } })).toEqual({
      outcome: 'placed',
    });
    // Idempotent: the job run again changes nothing.
    expect(await processColdChainJob({ name: 'match-booking', data: { bookingId: booking.id } })).toEqual({
      outcome: 'noop',
    });
    booking = await bookingOf(orderId);
    const [vehicle] = await db
      .select()
      .from(vehicles)
      .where(eq(vehicles.id, booking.vehicleId ?? ''));
    // The live-water tanker based on 东海岛 is the one nearest the pond.
    expect(vehicle).toMatchObject({ plate: '粤GL7736', tempClass: 'live' });
    expect(booking.status).toBe('offered');

    const carrierDesk = (await (
      await call(() => logisticsLoader(args(getRequest('/logistics', { cookie: cookies.carrier }))))
    ).json()) as {
      offered: { id: string }[];
    };
    expect(carrierDesk.offered.map((c) => c.id)).toContain(booking.id);

    expect((await desk({ intent: 'accept', bookingId: booking.id })).status).toBe(302);
    expect((await orderPage(orderId)).shipment.booking).toMatchObject({
      status: 'accepted',
      plate: '粤GL7736',
    });

    const badWeight = await handover('pickup', booking.id, 'lots', []);
    expect(badWeight.status).toBe(400);
    expect(((await badWeight.json()) as Refused).errors.weightKg).toBe('coldchain.errors.weight');

    const photo = new File([new Uint8Array(jpeg)], 'pickup.jpg', { type: 'image/jpeg' });
    expect((await handover('pickup', booking.id, '99.5', [photo])).status).toBe(302);
    expect(await statusOf(orderId)).toBe('shipping');
    const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
    expect(order.deliveredQuantity).toBe(99_500);
    expect((await orderPage(orderId)).shipment.booking?.status).toBe('picked_up');
    const [pickup] = await db
      .select()
      .from(handovers)
      .where(and(eq(handovers.bookingId, booking.id), eq(handovers.kind, 'pickup')));
    expect(pickup.weightGrams).toBe(99_500);
    expect(pickup.photos).toHaveLength(1);
    const onDisk = await readdir(path.join(storageDir, 'handovers', booking.id));
    expect(onDisk).toHaveLength(1);
    // The photo is the order's two sides' and the carrier's to see; another carrier gets 404.
    const photoOf = (cookie: string, n = '0') =>
      call(() =>
        photoLoader(
          args(getRequest(`/logistics/handovers/${pickup.id}/${n}`, { cookie }), {
            handoverId: pickup.id,
            n,
          }),
        ),
      );
    for (const cookie of [cookies.buyer, cookies.seller, cookies.carrier]) {
      const served = await photoOf(cookie);
      expect(served.status).toBe(200);
      expect(served.headers.get('Content-Type')).toBe('image/jpeg');
    }
    expect((await photoOf(cookies.otherCarrier)).status).toBe(404);
    expect((await photoOf(cookies.buyer, '1')).status).toBe(404);
    // Recording the pickup twice is refused.
    expect((await handover('pickup', booking.id, '99.5', [])).status).toBe(409);

    expect((await handover('deliver', booking.id, '99.2', [])).status).toBe(302);
    expect(await statusOf(orderId)).toBe('delivered');
    expect((await bookingOf(orderId)).status).toBe('delivered');
    expect((await orderPage(orderId)).shipment.booking?.status).toBe('delivered');
    // The buyer's timeline names the carrier's person and org for the steps its hand-overs took.
    const carrierSteps = (await orderPage(orderId)).timeline.filter((e) =>
      ['record_weight', 'ship', 'deliver', 'confirm_delivery'].includes(e.kind),
    );
    // 送达 (deliver), not the buyer's 确认收货: the delivery's weighing replaced the pickup's.
    expect(carrierSteps.map((e) => e.kind)).toEqual(['record_weight', 'ship', 'record_weight', 'deliver']);
    expect((await db.select().from(orders).where(eq(orders.id, orderId)))[0].deliveredQuantity).toBe(99_200);
    for (const step of carrierSteps)
      expect(step).toMatchObject({ actorName: '周建国', actorOrgName: '南粤冷链物流' });

    const steps = (
      await db.select({ step: traceEvents.step }).from(traceEvents).where(eq(traceEvents.orderId, orderId))
    ).map((s) => s.step);
    expect(steps.sort()).toEqual(['packing', 'receiving', 'sale', 'shipping', 'weighing', 'weighing']);

    // The lot's EPCIS export (its seller's) validates against GS1's schema.
    const exported = await call(() =>
      exportLoader(args(getRequest(`/trace/export?format=jsonld&lot=${lotId}`, { cookie: cookies.seller }))),
    );
    expect(exported.status).toBe(200);
    const doc = await exported.json();
    const validate = epcisValidator(path.resolve('tests/fixtures/epcis/EPCIS-JSON-Schema.json'));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    // Not the buyer's to export.
    expect(
      (
        await call(() =>
          exportLoader(args(getRequest(`/trace/export?lot=${lotId}`, { cookie: cookies.buyer }))),
        )
      ).status,
    ).toBe(404);

    // The public page shows the chain, anonymously, without prices or order ids.
    const page = await call(() =>
      traceLoader(
        args(getRequest(`/01/${categoryGtin('whiteleg-shrimp')}/10/${lotCodeOf(lotId)}`), {
          gtin: categoryGtin('whiteleg-shrimp'),
          lot: lotCodeOf(lotId),
        }),
      ),
    );
    expect(page.status).toBe(200);
    const text = await page.text();
    const shown = (JSON.parse(text) as { steps: { step: string }[] }).steps.map((s) => s.step);
    for (const step of ['harvest', 'inspection', 'shipping', 'receiving']) expect(shown).toContain(step);
    expect(shown.indexOf('harvest')).toBeLessThan(shown.indexOf('shipping'));
    expect(shown.indexOf('shipping')).toBeLessThan(shown.lastIndexOf('receiving'));
    expect(text).not.toContain(orderId);
    expect(text).not.toMatch(/Fen|price|周建国|黄海兴|@wharf/i);
  });

  it('a declined booking goes to the next vehicle, never back to the one that declined', async () => {
    const orderId = await paidOrder();
    expect((await requestBooking(orderId, bookingForm())).status).toBe(302);
    const { id } = await bookingOf(orderId);
    await processColdChainJob({ name: 'match-booking', data: { bookingId: id } });
    const first = (await bookingOf(orderId)).vehicleId;
    expect((await desk({ intent: 'decline', bookingId: id })).status).toBe(302);
    let booking = await bookingOf(orderId);
    expect(booking).toMatchObject({ status: 'requested', tripId: null, declinedVehicleIds: [first] });
    await processColdChainJob({ name: 'match-booking', data: { bookingId: id } });
    booking = await bookingOf(orderId);
    expect(booking.status).toBe('offered');
    expect(booking.vehicleId).not.toBe(first);
    expect(booking.tempClass).toBe('live');
  });

  it('the public trace answers 404 for a GTIN that is not the lot’s, or an unknown lot', async () => {
    const lot = lotCodeOf(lotId);
    const wrong = await call(() =>
      traceLoader(args(getRequest(`/01/00000000000000/10/${lot}`), { gtin: '00000000000000', lot })),
    );
    expect(wrong.status).toBe(404);
    const gtin = categoryGtin('whiteleg-shrimp');
    const unknown = await call(() =>
      traceLoader(args(getRequest(`/01/${gtin}/10/zzz`), { gtin, lot: 'zzz' })),
    );
    expect(unknown.status).toBe(404);
  });
});

describe('calling a booking off, and the scheduled second look at unmatched ones', () => {
  const cancel = (orderId: string, cookie: string) =>
    call(() =>
      orderAction(
        args(formRequest(`/orders/${orderId}`, { intent: 'cancel_booking' }, { cookie }), { orderId }),
      ),
    );
  const usedKg = async (tripId: string) =>
    (await db.select({ usedKg: trips.usedKg }).from(trips).where(eq(trips.id, tripId)))[0].usedKg;
  const sweepsQueued = async () =>
    (
      await db
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.queue, 'coldchain'), eq(outbox.name, 'retry-unmatched')))
    ).length;
  const eventsAbout = (bookingId: string, type: string) =>
    db
      .select()
      .from(notificationEvents)
      .where(and(eq(notificationEvents.subjectId, bookingId), eq(notificationEvents.type, type)));

  it('the requester calls an offered booking off: the room comes back and the carrier hears; others may not', async () => {
    const orderId = await paidOrder();
    expect((await requestBooking(orderId, bookingForm())).status).toBe(302);
    const { id } = await bookingOf(orderId);
    await processColdChainJob({ name: 'match-booking', data: { bookingId: id } });
    const offered = await bookingOf(orderId);
    expect(offered.status).toBe('offered');
    const tripId = offered.tripId ?? '';
    const loaded = await usedKg(tripId);

    // The seller asked for it: the buyer may not call it off, another carrier does not see the order.
    expect((await cancel(orderId, cookies.buyer)).status).toBe(403);
    expect((await cancel(orderId, cookies.otherCarrier)).status).toBe(404);
    expect((await bookingOf(orderId)).status).toBe('offered');
    expect((await orderPage(orderId, cookies.seller)).canCancelBooking).toBe(true);
    expect((await orderPage(orderId, cookies.buyer)).canCancelBooking).toBe(false);

    const sweepsBefore = await sweepsQueued();
    expect((await cancel(orderId, cookies.seller)).status).toBe(302);
    expect(await bookingOf(orderId)).toMatchObject({ status: 'cancelled', tripId: null, vehicleId: null });
    expect(await usedKg(tripId)).toBe(loaded - 100);
    const told = await eventsAbout(id, 'booking-cancelled');
    expect(told.map((e) => e.orgId)).toEqual([offered.carrierOrgId]);
    // The room it freed is offered at once to bookings that found none, not only at the next sweep.
    expect(await sweepsQueued()).toBe(sweepsBefore + 1);
    // Twice is refused, and the order may ask for transport again.
    expect((await cancel(orderId, cookies.seller)).status).toBe(409);
    expect((await requestBooking(orderId, bookingForm())).status).toBe(302);
    expect((await bookingOf(orderId)).status).toBe('requested');
  });

  it('a picked-up booking can no longer be called off', async () => {
    const orderId = await paidOrder();
    expect((await requestBooking(orderId, bookingForm())).status).toBe(302);
    const { id } = await bookingOf(orderId);
    await processColdChainJob({ name: 'match-booking', data: { bookingId: id } });
    expect((await desk({ intent: 'accept', bookingId: id })).status).toBe(302);
    expect((await handover('pickup', id, '100', [])).status).toBe(302);
    const refused = await cancel(orderId, cookies.seller);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as Refused).errors.booking).toBe('coldchain.errors.wrongState');
    expect((await bookingOf(orderId)).status).toBe('picked_up');
  });

  it('retries an unmatched booking some vehicle can now take, and leaves one that fits nowhere without a second notice', async () => {
    const fits = await paidOrder();
    expect((await requestBooking(fits, bookingForm())).status).toBe(302);
    const tooHeavy = await paidOrder();
    expect((await requestBooking(tooHeavy, bookingForm({ weightKg: '60000' }))).status).toBe(302);
    const heavy = await bookingOf(tooHeavy);
    expect(await processColdChainJob({ name: 'match-booking', data: { bookingId: heavy.id } })).toEqual({
      outcome: 'unmatched',
    });
    expect(await eventsAbout(heavy.id, 'booking-unmatched')).toHaveLength(1);
    // As if the first look had found every vehicle full: the booking waits, unmatched.
    const waiting = await bookingOf(fits);
    await db.update(bookings).set({ status: 'unmatched' }).where(eq(bookings.id, waiting.id));

    expect(await retryUnmatchedBookings()).toBeGreaterThanOrEqual(1);
    expect((await bookingOf(fits)).status).toBe('requested');
    expect((await bookingOf(tooHeavy)).status).toBe('unmatched');
    expect(await processColdChainJob({ name: 'match-booking', data: { bookingId: waiting.id } })).toEqual({
      outcome: 'placed',
    });
    // Run again: nothing new for either, and the heavy one's requester was told once.
    await retryUnmatchedBookings();
    expect((await bookingOf(fits)).status).toBe('offered');
    expect((await bookingOf(tooHeavy)).status).toBe('unmatched');
    expect(await eventsAbout(heavy.id, 'booking-unmatched')).toHaveLength(1);
  });
});
