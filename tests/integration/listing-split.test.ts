// Splitting and repacking a lot (#16.2): the part becomes a draft lot with its own 合格证 whose parent is the
// source's, the source keeps the rest under its row lock, bad input changes nothing, and screening does not take
// the two for duplicates.
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { complianceCertificates, listingFiles, listings, priceTiers } from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { currentCertificate } from '../../app/compliance/certificates.server';
import { storage } from '../../app/lib/storage.server';
import { removeFile } from '../../app/listings/files.server';
import { action as certificatesAction } from '../../app/routes/sell.$listingId.certificates';
import { action as splitAction, loader as splitLoader } from '../../app/routes/sell.$listingId.split';
import { screeningFindings } from '../../app/trust/moderation.server';
import { ISSUE_FORM } from '../support/certificates';
import { sessionCookieOf } from '../support/session';
import { call, formRequest, getRequest } from '../support/http';
import { type Seller, liveShrimpLot, verifiedSeller } from '../support/listings';

const args = (request: Request, params: Record<string, string>) => ({ request, params, context: {} });

let seller: Seller;
let other: Seller;
let sellerCookie: string;
let otherCookie: string;

const split = (listingId: string, fields: Record<string, string>, cookie = sellerCookie) =>
  call(() => splitAction(args(formRequest(`/sell/${listingId}/split`, fields, { cookie }), { listingId })));

const lotOf = async (id: string) => (await db.select().from(listings).where(eq(listings.id, id)))[0];

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  seller = await verifiedSeller(db);
  other = await verifiedSeller(db);
  sellerCookie = await sessionCookieOf(seller);
  otherCookie = await sessionCookieOf(other);
});

describe('splitting a lot', () => {
  it('takes the part into a draft lot with a certificate issued from the source’s', async () => {
    const source = await liveShrimpLot(db, seller, '1000', { titleZh: '拆分测试 南美白对虾 A' });
    const issued = await call(() =>
      certificatesAction(
        args(formRequest(`/sell/${source}/certificates`, { ...ISSUE_FORM }, { cookie: sellerCookie }), {
          listingId: source,
        }),
      ),
    );
    expect(issued.status).toBe(302);
    const parent = await currentCertificate(db, source);
    if (!parent) throw new Error('no certificate on the source');

    const response = await split(source, { quantity: '300', unit: 'kg', packing: 'same', caseKg: '' });
    expect(response.status).toBe(302);
    const childId = /\/sell\/(lst_[a-z0-9]+)\/edit/.exec(response.headers.get('Location') ?? '')?.[1];
    if (!childId) throw new Error(`no new lot in ${response.headers.get('Location')}`);
    const [before, child] = [await lotOf(source), await lotOf(childId)];
    expect(before).toMatchObject({ quantityTotal: 700_000, quantityAvailable: 700_000, status: 'live' });
    expect(child).toMatchObject({
      quantityTotal: 300_000,
      quantityAvailable: 300_000,
      status: 'draft',
      splitFrom: source,
      sellerOrgId: seller.orgId,
      titleZh: '拆分测试 南美白对虾 A',
      displayUnit: 'kg',
    });
    expect(await db.select().from(priceTiers).where(eq(priceTiers.listingId, childId))).toHaveLength(1);
    const certificate = await currentCertificate(db, childId);
    expect(certificate).toMatchObject({
      parentId: parent.id,
      promisingParty: '湛江海兴水产养殖场',
      unit: 'kg',
    });
    expect(Number(certificate?.quantity)).toBe(300);
    expect(certificate?.number).not.toBe(parent.number);
    // Screening sees the source and the part as one batch, not as a duplicate listing.
    const findings = await db.transaction((tx) => screeningFindings(tx, childId));
    expect(findings.map((f) => f.kind)).not.toContain('duplicate');
  });

  it('repacks the part in cases of a net weight', async () => {
    const source = await liveShrimpLot(db, seller, '500', { titleZh: '拆分测试 南美白对虾 B' });
    const response = await split(source, { quantity: '200', unit: 'kg', packing: 'case', caseKg: '10' });
    expect(response.status).toBe(302);
    const childId = /\/sell\/(lst_[a-z0-9]+)\/edit/.exec(response.headers.get('Location') ?? '')?.[1] ?? '';
    expect(await lotOf(childId)).toMatchObject({
      displayUnit: 'case',
      caseNetGrams: 10_000,
      quantityTotal: 200_000,
    });
    // No certificate on the source, none on the part.
    expect(await currentCertificate(db, childId)).toBeNull();
  });

  it('gives the part copies of the source’s photos, in order, that either lot can drop alone', async () => {
    const source = await liveShrimpLot(db, seller, '400', { titleZh: '拆分测试 南美白对虾 照片' });
    const photos = [
      { id: `fil_a${source}`, bytes: 'first photo', position: 0 },
      { id: `fil_b${source}`, bytes: 'second photo', position: 1 },
    ];
    for (const photo of photos) {
      const key = `listings/${source}/${photo.id}.jpg`;
      await storage().put(key, Buffer.from(photo.bytes), 'image/jpeg');
      await storage().put(
        `listings/${source}/${photo.id}.thumb.webp`,
        Buffer.from(`thumb ${photo.bytes}`),
        'image/webp',
      );
      await db.insert(listingFiles).values({
        id: photo.id,
        listingId: source,
        kind: 'photo',
        storageKey: key,
        thumbKey: `listings/${source}/${photo.id}.thumb.webp`,
        contentType: 'image/jpeg',
        bytes: photo.bytes.length,
        position: photo.position,
      });
    }
    const response = await split(source, { quantity: '100', unit: 'kg', packing: 'same', caseKg: '' });
    expect(response.status).toBe(302);
    const childId = /\/sell\/(lst_[a-z0-9]+)\/edit/.exec(response.headers.get('Location') ?? '')?.[1] ?? '';
    const copies = await db
      .select()
      .from(listingFiles)
      .where(eq(listingFiles.listingId, childId))
      .orderBy(listingFiles.position);
    expect(copies).toHaveLength(2);
    const read = async (key: string | null) => {
      const file = await storage().get(key ?? '');
      if (!file) return null;
      const chunks: Buffer[] = [];
      for await (const chunk of file.stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    };
    for (const [i, copy] of copies.entries()) {
      expect(copy.storageKey.startsWith(`listings/${childId}/`)).toBe(true);
      expect(copy.position).toBe(i);
      expect(await read(copy.storageKey)).toBe(photos[i].bytes);
      expect(await read(copy.thumbKey)).toBe(`thumb ${photos[i].bytes}`);
    }
    // The part drops its first photo; the source still has both of its own.
    expect(await db.transaction((tx) => removeFile(tx, childId, copies[0].id))).toBe(true);
    expect(await read(`listings/${source}/${photos[0].id}.jpg`)).toBe('first photo');
    expect(await db.select().from(listingFiles).where(eq(listingFiles.listingId, source))).toHaveLength(2);
  });

  it('refuses what would leave the source below its minimum order, or bad input, changing nothing', async () => {
    const source = await liveShrimpLot(db, seller, '100', { titleZh: '拆分测试 南美白对虾 C' });
    const count = async () => (await db.execute(sql`select count(*)::int as n from listings`))[0].n;
    const lots = await count();
    const cases: [Record<string, string>, string, string][] = [
      [{ quantity: '100', unit: 'kg' }, 'quantity', 'sell.split.errors.tooMuch'],
      [{ quantity: '0.1', unit: 'kg' }, 'quantity', 'sell.split.errors.belowMoq'],
      [{ quantity: 'abc', unit: 'kg' }, 'quantity', 'errors.notANumber'],
      [{ quantity: '10', unit: 'piece' }, 'unit', 'errors.wrongUnit'],
      [{ quantity: '10', unit: 'kg', packing: 'case', caseKg: '' }, 'caseKg', 'errors.required'],
    ];
    for (const [fields, field, message] of cases) {
      const response = await split(source, fields);
      expect(response.status, JSON.stringify(fields)).toBe(400);
      const body = (await response.json()) as {
        errors: Record<string, string>;
        values: Record<string, string>;
      };
      expect(body.errors[field]).toBe(message);
      expect(body.values.quantity).toBe(fields.quantity);
    }
    expect(await count()).toBe(lots);
    expect(await lotOf(source)).toMatchObject({ quantityTotal: 100_000, quantityAvailable: 100_000 });
  });

  it('answers 404 to another org, and shows a sold-out lot cannot be split', async () => {
    const source = await liveShrimpLot(db, seller, '100', { titleZh: '拆分测试 南美白对虾 D' });
    const response = await split(source, { quantity: '10', unit: 'kg' }, otherCookie);
    expect(response.status).toBe(404);
    await db
      .update(listings)
      .set({ status: 'sold_out', quantityAvailable: 0 })
      .where(eq(listings.id, source));
    const refused = await split(source, { quantity: '10', unit: 'kg' });
    expect(refused.status).toBe(409);
    const page = await call(() =>
      splitLoader(args(getRequest(`/sell/${source}/split`, { cookie: sellerCookie }), { listingId: source })),
    );
    expect(((await page.json()) as { splittable: boolean }).splittable).toBe(false);
    expect(
      await db.select().from(complianceCertificates).where(eq(complianceCertificates.listingId, source)),
    ).toEqual([]);
  });
});
