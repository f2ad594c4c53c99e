// Dispute photos through the order page's real action and the photo route: stored with the dispute, refused whole, private.
import { readdir } from 'node:fs/promises';
import { count, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { beforeAll, describe, expect, it, vi } from 'vitest';

// Before any app module reads the environment (env() caches it): this file's uploads go to their own folder.
const storageDir = vi.hoisted(() => {
  const dir = `${process.env.TMPDIR ?? '/tmp'}/wharf-dispute-test-${process.pid}-${Date.now()}`;
  process.env.STORAGE_DIR = dir;
  return dir;
});

import { db } from '../../db/client';
import { disputeFiles, disputes, orders } from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { loader as photoLoader } from '../../app/routes/disputes.$disputeId.files.$fileId';
import { action as paymentsAction } from '../../app/routes/operator.payments';
import { action as orderAction, loader as orderLoader } from '../../app/routes/orders.$orderId';
import { action as buyAction } from '../../app/routes/orders.new';
import { call, formRequest, getRequest, logInAs, ORIGIN } from '../support/http';
import { demoShrimpLotId } from '../support/listings';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
type Refused = { ok: false; errors: Record<string, string>; values: Record<string, string> };
type Photo = { id: string; contentType: string; bytes: number };
type OrderPage = { dispute: { id: string; photos: Photo[] } | null };

const cookies = { buyer: '', seller: '', operator: '', outsider: '' };
let lotId: string;
let jpeg: Buffer;
let png: Buffer;

const act = (cookie: string, orderId: string, fields: Record<string, string>) =>
  call(() => orderAction(args(formRequest(`/orders/${orderId}`, fields, { cookie }), { orderId })));

/** The dispute form as a browser posts it: multipart, with the photos under `photos`. */
function disputeRequest(orderId: string, reason: string, photos: File[], cookie: string): Request {
  const form = new FormData();
  form.append('intent', 'open_dispute');
  form.append('reason', reason);
  for (const photo of photos) form.append('photos', photo);
  return new Request(`${ORIGIN}/orders/${orderId}`, {
    method: 'POST',
    body: form,
    headers: { Cookie: cookie, 'x-wharf-client-ip': '203.0.113.7' },
  });
}

const openDispute = (orderId: string, photos: File[], reason = '死虾比例超过两成，短重 30 斤') =>
  call(() => orderAction(args(disputeRequest(orderId, reason, photos, cookies.buyer), { orderId })));

const file = (name: string, bytes: Buffer, type = 'image/jpeg') =>
  new File([new Uint8Array(bytes)], name, { type });

/** An order of the demo shrimp, paid, shipped and received: its dispute window is open. */
async function deliveredOrder(): Promise<string> {
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
  const orderId = (bought.headers.get('Location') ?? '').slice('/orders/'.length);
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
  expect((await act(cookies.seller, orderId, { intent: 'ship' })).status).toBe(302);
  expect((await act(cookies.buyer, orderId, { intent: 'confirm_delivery' })).status).toBe(302);
  return orderId;
}

async function disputeOf(orderId: string) {
  const [row] = await db.select().from(disputes).where(eq(disputes.orderId, orderId));
  return row ?? null;
}

async function filesOnDisk(): Promise<string[]> {
  const entries = await readdir(`${storageDir}/disputes`, { recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.includes('.'));
}

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  lotId = await demoShrimpLotId();
  cookies.buyer = await logInAs('restaurant@wharf.test');
  cookies.seller = await logInAs('shrimp@wharf.test');
  cookies.operator = await logInAs('operator@wharf.test');
  cookies.outsider = await logInAs('supermarket@wharf.test');
  jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#1e7' } })
    .jpeg()
    .toBuffer();
  png = await sharp({ create: { width: 48, height: 64, channels: 3, background: '#e71' } })
    .png()
    .toBuffer();
});

describe('dispute photos', () => {
  it('stores two photos with the dispute and lists them to the buyer, the seller and the operator', async () => {
    const orderId = await deliveredOrder();
    const response = await openDispute(orderId, [
      file('dead.jpg', jpeg),
      file('scale.png', png, 'image/png'),
    ]);
    expect(response.status).toBe(302);
    const dispute = await disputeOf(orderId);
    expect(dispute).not.toBeNull();
    const rows = await db
      .select()
      .from(disputeFiles)
      .where(eq(disputeFiles.disputeId, dispute?.id ?? ''));
    expect(rows.map((row) => row.contentType).sort()).toEqual(['image/jpeg', 'image/png']);
    for (const row of rows) expect(row.storageKey).toMatch(new RegExp(`^disputes/${dispute?.id}/fil_`));

    for (const cookie of [cookies.buyer, cookies.seller, cookies.operator]) {
      const page = await call(() =>
        orderLoader(args(getRequest(`/orders/${orderId}`, { cookie }), { orderId })),
      );
      const data = (await page.json()) as OrderPage;
      expect(data.dispute?.photos).toHaveLength(2);
      const [first] = data.dispute?.photos ?? [];
      const params = { disputeId: data.dispute?.id ?? '', fileId: first.id };
      const served = await call(() =>
        photoLoader(
          args(getRequest(`/disputes/${params.disputeId}/files/${params.fileId}`, { cookie }), params),
        ),
      );
      expect(served.status).toBe(200);
      expect(served.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(served.headers.get('Content-Type')).toBe(first.contentType);
      expect((await served.arrayBuffer()).byteLength).toBe(first.bytes);
    }
  });

  it('refuses a program renamed .jpg with the message, and stores no dispute and no file', async () => {
    const orderId = await deliveredOrder();
    const before = await filesOnDisk();
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(512)]);
    const response = await openDispute(orderId, [file('dead.jpg', jpeg), file('photo.jpg', exe)]);
    expect(response.status).toBe(400);
    const body = (await response.json()) as Refused;
    expect(body.errors.photos).toBe('orders.errors.disputePhotoType');
    expect(body.values.reason).toContain('死虾');
    expect(await disputeOf(orderId)).toBeNull();
    const [order] = await db.select({ status: orders.status }).from(orders).where(eq(orders.id, orderId));
    expect(order.status).toBe('delivered');
    expect(await filesOnDisk()).toEqual(before);
  });

  it('refuses a fifth photo', async () => {
    const orderId = await deliveredOrder();
    const [{ n: filesBefore }] = await db.select({ n: count() }).from(disputeFiles);
    const response = await openDispute(
      orderId,
      Array.from({ length: 5 }, (_, i) => file(`p${i}.jpg`, jpeg)),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as Refused).errors.photos).toBe('orders.errors.tooManyDisputePhotos');
    expect(await disputeOf(orderId)).toBeNull();
    const [{ n: filesAfter }] = await db.select({ n: count() }).from(disputeFiles);
    expect(filesAfter).toBe(filesBefore);
  });

  it('leaves no file behind when the domain refuses the step (too short a reason)', async () => {
    const orderId = await deliveredOrder();
    const before = await filesOnDisk();
    const response = await openDispute(orderId, [file('dead.jpg', jpeg)], '坏');
    expect(response.status).toBe(400);
    expect(((await response.json()) as Refused).errors.reason).toBe('orders.errors.reasonRequired');
    expect(await disputeOf(orderId)).toBeNull();
    expect(await filesOnDisk()).toEqual(before);
  });

  it('answers 404 to an outsider asking for a photo', async () => {
    const orderId = await deliveredOrder();
    expect((await openDispute(orderId, [file('dead.jpg', jpeg)])).status).toBe(302);
    const dispute = await disputeOf(orderId);
    const [photo] = await db
      .select()
      .from(disputeFiles)
      .where(eq(disputeFiles.disputeId, dispute?.id ?? ''));
    const params = { disputeId: dispute?.id ?? '', fileId: photo.id };
    const path = `/disputes/${params.disputeId}/files/${params.fileId}`;
    const outsider = await call(() =>
      photoLoader(args(getRequest(path, { cookie: cookies.outsider }), params)),
    );
    expect(outsider.status).toBe(404);
    // A real file id under another dispute's id is not found either.
    const crossed = await call(() =>
      photoLoader(
        args(getRequest(path, { cookie: cookies.buyer }), { disputeId: 'dsp_nope', fileId: photo.id }),
      ),
    );
    expect(crossed.status).toBe(404);
  });
});
