// Telemetry through its endpoint: signed batches only, fresh only; a 25-minute warm run is one excursion that notifies and reaches the dispute form.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server';
import { repoRoot } from '../../scripts/services';
import { db } from '../../db/client';
import {
  bookings,
  excursions,
  notificationEvents,
  telemetryDevices,
  telemetryReadings,
} from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { signTelemetry } from '../../app/coldchain/signature';
import { action as telemetryAction } from '../../app/routes/api.telemetry.$deviceId';
import { action as bookingAction } from '../../app/routes/orders_.$orderId.booking';
import { action as logisticsAction } from '../../app/routes/logistics';
import { action as paymentsAction } from '../../app/routes/operator.payments';
import { loader as orderLoader } from '../../app/routes/orders.$orderId';
import { action as buyAction } from '../../app/routes/orders.new';
import { processColdChainJob } from '../../workers/coldchain';
import { ORIGIN, call, formRequest, getRequest, logInAs } from '../support/http';
import { demoShrimpLotId } from '../support/listings';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
const cookies = { buyer: '', seller: '', carrier: '', operator: '' };
const MINUTE = 60_000;

let orderId: string;
let bookingId: string;
let device: { id: string; secret: string };
let pickedUpAt: number;

function marketTime(hours: number): string {
  return new Date(Date.now() + (hours + 8) * 3_600_000).toISOString().slice(0, 16);
}

type Reading = { at: string; tempC: number; lat?: number; lng?: number };

/** Posts a batch the way a logger does; `sign` lets a test break the signature or the timestamp. */
async function post(
  readings: Reading[],
  sign: { secret?: string; timestamp?: number; deviceId?: string } = {},
) {
  const body = JSON.stringify({ readings });
  const timestamp = String(sign.timestamp ?? Math.floor(Date.now() / 1000));
  const deviceId = sign.deviceId ?? device.id;
  const request = new Request(`${ORIGIN}/api/telemetry/${deviceId}`, {
    method: 'POST',
    body,
    headers: {
      'Content-Type': 'application/json',
      'X-Timestamp': timestamp,
      'X-Signature': signTelemetry(sign.secret ?? device.secret, timestamp, body),
    },
  });
  return call(() => telemetryAction(args(request, { deviceId })));
}

/** One reading a minute from `fromMin` minutes after pickup, at `tempC`. */
function run(fromMin: number, minutes: number, tempC: number): Reading[] {
  return Array.from({ length: minutes }, (_, i) => ({
    at: new Date(pickedUpAt + (fromMin + i) * MINUTE).toISOString(),
    tempC,
    lat: 21.2,
    lng: 110.4,
  }));
}

const excursionRows = () => db.select().from(excursions).where(eq(excursions.orderId, orderId));

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  const lotId = await demoShrimpLotId();
  cookies.buyer = await logInAs('restaurant@wharf.test');
  cookies.seller = await logInAs('shrimp@wharf.test');
  cookies.carrier = await logInAs('carrier@wharf.test');
  cookies.operator = await logInAs('operator@wharf.test');
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
  orderId = (bought.headers.get('Location') ?? '').slice('/orders/'.length);
  await call(() =>
    paymentsAction(
      args(
        formRequest(
          '/operator/payments',
          { intent: 'record_payment', orderId, reference: 'ICBC 0002' },
          { cookie: cookies.operator },
        ),
      ),
    ),
  );
  // Iced shrimp this time: a chilled shipment.
  const booked = await call(() =>
    bookingAction(
      args(
        formRequest(
          `/orders/${orderId}/booking`,
          {
            tempClass: 'chilled',
            weightKg: '100',
            pallets: '1',
            pickupPlace: '湛江霞山水产品批发市场',
            pickupFrom: marketTime(1),
            pickupUntil: marketTime(5),
            dropoffPlace: '广州',
            deliverBy: marketTime(24),
          },
          { cookie: cookies.seller },
        ),
        { orderId },
      ),
    ),
  );
  expect(booked.status).toBe(302);
  [{ id: bookingId }] = await db
    .select({ id: bookings.id })
    .from(bookings)
    .where(eq(bookings.orderId, orderId));
  await processColdChainJob({ name: 'match-booking', data: { bookingId } });
  const desk = (fields: Record<string, string>) =>
    call(() => logisticsAction(args(formRequest('/logistics', fields, { cookie: cookies.carrier }))));
  expect((await desk({ intent: 'accept', bookingId })).status).toBe(302);
  const form = new FormData();
  form.append('intent', 'pickup');
  form.append('bookingId', bookingId);
  const picked = await call(() =>
    logisticsAction(
      args(
        new Request(`${ORIGIN}/logistics`, {
          method: 'POST',
          body: form,
          headers: { Cookie: cookies.carrier },
        }),
      ),
    ),
  );
  expect(picked.status).toBe(302);
  // The goods left 40 minutes ago, so the readings of the run below lie in the past.
  pickedUpAt = Date.now() - 40 * MINUTE;
  await db
    .update(bookings)
    .set({ pickedUpAt: new Date(pickedUpAt) })
    .where(eq(bookings.id, bookingId));
  const [booking] = await db.select().from(bookings).where(eq(bookings.id, bookingId));
  [device] = await db
    .select({ id: telemetryDevices.id, secret: telemetryDevices.secret })
    .from(telemetryDevices)
    .where(eq(telemetryDevices.vehicleId, booking.vehicleId ?? ''));
});

describe('the telemetry endpoint', () => {
  it('refuses a bad signature, a wrong secret, an unknown device and a stale timestamp with 401, storing nothing', async () => {
    const batch = run(0, 3, 3);
    expect((await post(batch, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await post(batch, { deviceId: 'dev_nobody' })).status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const stale = await post(batch, { timestamp: sixMinutesAgo });
    expect(stale.status).toBe(401);
    expect(await stale.json()).toEqual({ error: 'stale timestamp' });
    const tampered = new Request(`${ORIGIN}/api/telemetry/${device.id}`, {
      method: 'POST',
      body: JSON.stringify({ readings: run(0, 3, 2) }),
      headers: {
        'X-Timestamp': String(Math.floor(Date.now() / 1000)),
        'X-Signature': signTelemetry(
          device.secret,
          String(Math.floor(Date.now() / 1000)),
          JSON.stringify({ readings: batch }),
        ),
      },
    });
    expect((await call(() => telemetryAction(args(tampered, { deviceId: device.id })))).status).toBe(401);
    const stored = await db.select().from(telemetryReadings).where(eq(telemetryReadings.deviceId, device.id));
    expect(stored).toHaveLength(0);
  });

  it('refuses a signed batch holding a reading from years back or from the future with a 400 naming it, storing nothing', async () => {
    const fresh = run(0, 2, 3);
    const yearsBack = await post([...fresh, { at: '2019-03-01T08:00:00+08:00', tempC: 3 }]);
    expect(yearsBack.status).toBe(400);
    expect(await yearsBack.json()).toEqual({
      error: 'reading 2 at 2019-03-01T00:00:00.000Z is older than 72 hours',
    });
    const ahead = new Date(Date.now() + 10 * MINUTE);
    const future = await post([{ at: ahead.toISOString(), tempC: 3 }, ...fresh]);
    expect(future.status).toBe(400);
    expect(await future.json()).toEqual({ error: `reading 0 at ${ahead.toISOString()} is in the future` });
    const stored = await db.select().from(telemetryReadings).where(eq(telemetryReadings.deviceId, device.id));
    expect(stored).toHaveLength(0);
  });

  it('stores a fresh signed batch once, however often it is posted', async () => {
    const batch = run(0, 5, 2.5);
    const first = await post(batch);
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ stored: 5, excursions: 0 });
    expect(await (await post(batch)).json()).toEqual({ stored: 0, excursions: 0 });
    expect((await post([{ at: 'yesterday', tempC: 3 }])).status).toBe(400);
  });

  it('a 25-minute run at +9 °C on a chilled shipment raises exactly one excursion, notifies all three, and reaches the dispute form', async () => {
    // The run arrives in two batches (as a logger uploads), then returns to the band.
    expect(await (await post(run(5, 12, 9))).json()).toEqual({ stored: 12, excursions: 0 });
    expect(await (await post(run(17, 14, 9))).json()).toEqual({ stored: 14, excursions: 1 });
    expect(await (await post(run(31, 3, 3))).json()).toEqual({ stored: 3, excursions: 0 });
    const rows = await excursionRows();
    expect(rows).toHaveLength(1);
    expect(rows[0].minutes).toBeGreaterThanOrEqual(25);
    expect(rows[0].maxC).toBe(9);

    const raised = await db
      .select({ orgId: notificationEvents.orgId, params: notificationEvents.params })
      .from(notificationEvents)
      .where(
        and(eq(notificationEvents.type, 'temperature-excursion'), eq(notificationEvents.subjectId, orderId)),
      );
    expect(raised.map((n) => n.orgId).sort()).toEqual(['org_haixing', 'org_nanyue', 'org_yuewei']);
    // Stored raw and formatted in each reader's language when shown (ADR 0021).
    expect(raised[0].params).toMatchObject({ maxC: 9 });

    // Delivered: the buyer's order page offers the dispute form with the excursion as evidence.
    const form = new FormData();
    form.append('intent', 'deliver');
    form.append('bookingId', bookingId);
    await call(() =>
      logisticsAction(
        args(
          new Request(`${ORIGIN}/logistics`, {
            method: 'POST',
            body: form,
            headers: { Cookie: cookies.carrier },
          }),
        ),
      ),
    );
    // A late batch of the same run changes nothing: still one excursion, nobody told twice.
    await post(run(20, 2, 9));
    expect(await excursionRows()).toHaveLength(1);
    const page = (await (
      await call(() =>
        orderLoader(args(getRequest(`/orders/${orderId}`, { cookie: cookies.buyer }), { orderId })),
      )
    ).json()) as {
      actions: string[];
      shipment: {
        excursions: { minutes: number; worstC: number }[];
        booking: { points: unknown[]; band: { maxC: number } };
      };
    };
    expect(page.actions).toContain('open_dispute');
    expect(page.shipment.excursions).toHaveLength(1);
    expect(page.shipment.excursions[0].worstC).toBe(9);
    expect(page.shipment.booking.points.length).toBeGreaterThan(30);
    expect(page.shipment.booking.band.maxC).toBe(4);
    const [{ n }] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(notificationEvents)
      .where(eq(notificationEvents.type, 'temperature-excursion'));
    expect(n).toBe(3);
  });

  it('the buyer’s dispute form, as the browser gets it, shows the excursion as evidence', async () => {
    // The built app (run `npx remix build` first), as http.test.ts serves it.
    const build = (await import(pathToFileURL(path.join(repoRoot, 'build/index.js')).href)) as ServerBuild;
    const { app } = await createApp(build);
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const html = await (
        await fetch(`${base}/orders/${orderId}`, { headers: { Cookie: cookies.buyer } })
      ).text();
      const form = html.slice(html.indexOf('data-testid="action-open_dispute"'));
      expect(form).toContain('data-testid="dispute-excursions"');
      expect(form).toContain('9.0 °C');
      expect(html).toContain('data-testid="temperature-chart"');
      expect(html).toContain('data-testid="temperature-band"');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
