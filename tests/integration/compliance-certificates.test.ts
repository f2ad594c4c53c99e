// 承诺达标合格证 through the real routes and the database's guard: issuing, refusals, who may, go-live where a category
// requires one, the certificate a split lot inherits, retention, and what the public trace page shows.
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';

// Before any app module reads the environment (env() caches it): this file's uploads go to their own folder.
vi.hoisted(() => {
  process.env.STORAGE_DIR = `${process.env.TMPDIR ?? '/tmp'}/wharf-certificates-test-${process.pid}-${Date.now()}`;
});

import { db } from '../../db/client';
import { categories, complianceCertificates, listings, outbox, users } from '../../db/schema';
import {
  certifySplitLot,
  currentCertificate,
  purgeExpiredCertificates,
} from '../../app/compliance/certificates.server';
import { ListingError, changeListingStatus } from '../../app/listings/listings.server';
import { loader as traceLoader } from '../../app/routes/01.$gtin.10.$lot';
import { loader as certificateLoader } from '../../app/routes/certificates.$certificateId';
import { loader as fileLoader } from '../../app/routes/certificates.$certificateId_.file';
import { action as categoriesAction } from '../../app/routes/operator.categories';
import { action as certificatesAction } from '../../app/routes/sell.$listingId.certificates';
import { categoryGtin, lotCodeOf } from '../../app/trace/epcis';
import { seedDemoMarket } from '../../db/seed';
import { storage } from '../../app/lib/storage.server';
import { processPrivacyJob } from '../../workers/privacy';
import { ISSUE_FORM } from '../support/certificates';
import { sessionCookieOf } from '../support/session';
import { ORIGIN, call, formRequest, getRequest } from '../support/http';
import { type Seller, liveShrimpLot, shrimpLot, verifiedSeller } from '../support/listings';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

const ISSUE: Record<string, string> = { ...ISSUE_FORM };

let seller: Seller;
let other: Seller;
let sellerCookie: string;
let otherCookie: string;
let lotId: string;

const issue = (listingId: string, fields: Record<string, string>, cookie = sellerCookie) =>
  call(() =>
    certificatesAction(
      args(formRequest(`/sell/${listingId}/certificates`, fields, { cookie }), { listingId }),
    ),
  );

beforeAll(async () => {
  // The demo market first: it seeds only an empty database, and its operator sets categories below.
  await db.transaction((tx) => seedDemoMarket(tx));
  seller = await verifiedSeller(db);
  other = await verifiedSeller(db);
  sellerCookie = await sessionCookieOf(seller);
  otherCookie = await sessionCookieOf(other);
  lotId = await liveShrimpLot(db, seller, '1000', { titleZh: '合格证测试 南美白对虾' });
});

describe('issuing a certificate', () => {
  it('issues one with a yearly number and shows it on the public trace page', async () => {
    const response = await issue(lotId, ISSUE);
    expect(response.status).toBe(302);
    const cert = await currentCertificate(db, lotId);
    expect(cert).toMatchObject({
      source: 'issued',
      promisingParty: '湛江海兴水产养殖场',
      orgId: seller.orgId,
      commitments: ['no_banned_substances', 'residues_within_limits', 'truthful'],
      basis: ['self_test'],
    });
    expect(cert?.number).toMatch(/^HG-\d{4}-\d{6}$/);

    const [lot] = await db.select().from(listings).where(eq(listings.id, lotId));
    const gtin = categoryGtin(lot.categoryId);
    const trace = await call(() =>
      traceLoader(args(getRequest(`/01/${gtin}/10/x`), { gtin, lot: lotCodeOf(lotId) })),
    );
    expect(trace.status).toBe(200);
    const body = (await trace.json()) as { certificate: { number: string; promisingParty: string } | null };
    expect(body.certificate).toMatchObject({ number: cert?.number, promisingParty: '湛江海兴水产养殖场' });

    const page = await call(() =>
      certificateLoader(args(getRequest(`/certificates/${cert?.id}`), { certificateId: cert?.id ?? '' })),
    );
    expect(page.status).toBe(200);
    const shown = (await page.json()) as { qrSvg: string; tracePath: string };
    expect(shown.qrSvg).toContain('<svg');
    expect(shown.tracePath).toBe(`/01/${gtin}/10/${lotCodeOf(lotId)}`);
  });

  it('numbers certificates one after another', async () => {
    const before = await currentCertificate(db, lotId);
    expect((await issue(lotId, ISSUE)).status).toBe(302);
    const after = await currentCertificate(db, lotId);
    const n = (number?: string) => Number(number?.split('-')[2]);
    expect(n(after?.number)).toBe(n(before?.number) + 1);
  });

  it('refuses a form with missing promises, a bad phone and a future date with 400, keeping the input', async () => {
    const [{ n: before }] = await db.select({ n: sql<number>`count(*)::int` }).from(complianceCertificates);
    const response = await issue(lotId, {
      ...ISSUE,
      'commit.truthful': '',
      'basis.self_test': '',
      contactPhone: '12345',
      productionDate: '2999-01-01',
      promisingParty: '',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      errors: Record<string, string>;
      values: Record<string, string>;
    };
    expect(body.errors).toMatchObject({
      commitments: 'compliance.errors.commitAll',
      basis: 'compliance.errors.basis',
      contactPhone: 'compliance.errors.phone',
      productionDate: 'compliance.errors.futureDate',
      promisingParty: 'errors.required',
    });
    expect(body.values.origin).toBe('广东湛江东海岛');
    const [{ n: after }] = await db.select({ n: sql<number>`count(*)::int` }).from(complianceCertificates);
    expect(after).toBe(before);
  });

  it('refuses a day that does not exist', async () => {
    const response = await issue(lotId, { ...ISSUE, productionDate: '2026-02-31' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: Record<string, string> }).errors.productionDate).toBe(
      'errors.dateInvalid',
    );
  });

  it('refuses an upload without its scan', async () => {
    const response = await issue(lotId, { intent: 'upload', promisingParty: '湛江海兴水产养殖场' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: Record<string, string> }).errors.file).toBe(
      'compliance.errors.fileRequired',
    );
  });

  it('records an uploaded scan and serves it', async () => {
    // The smallest PDF the sniffer recognises by its signature.
    const pdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const form = new FormData();
    form.append('intent', 'upload');
    form.append('promisingParty', '湛江海兴水产养殖场');
    form.append('file', new File([pdf], 'hgz.pdf', { type: 'application/pdf' }));
    const request = new Request(`${ORIGIN}/sell/${lotId}/certificates`, {
      method: 'POST',
      body: form,
      headers: { Cookie: sellerCookie, 'x-wharf-client-ip': '203.0.113.7' },
    });
    const response = await call(() => certificatesAction(args(request, { listingId: lotId })));
    expect(response.status).toBe(302);
    const cert = await currentCertificate(db, lotId);
    expect(cert).toMatchObject({ source: 'uploaded', fileType: 'application/pdf' });
    const file = await call(() =>
      fileLoader(args(getRequest(`/certificates/${cert?.id}/file`), { certificateId: cert?.id ?? '' })),
    );
    expect(file.status).toBe(200);
    expect(file.headers.get('Content-Type')).toBe('application/pdf');
  });

  it('another organisation cannot issue for the lot (404, as if it did not exist)', async () => {
    const response = await issue(lotId, ISSUE, otherCookie);
    expect(response.status).toBe(404);
    const mine = await db
      .select()
      .from(complianceCertificates)
      .where(eq(complianceCertificates.orgId, other.orgId));
    expect(mine).toHaveLength(0);
  });
});

describe('a category that requires a certificate', () => {
  it('is set and cleared by the operator on the categories page', async () => {
    const [user] = await db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, 'operator@wharf.test'));
    const operator = await sessionCookieOf({ userId: user.id, orgId: 'org_operator' });
    const form = {
      id: 'sea-cucumber-cert',
      group: 'seafood',
      nameZh: '海参',
      nameEn: 'Sea cucumber',
      keywords: '',
      baseUnit: 'g',
      defaultColdChain: 'chilled',
      inspectionHours: '24',
      feeBps: '150',
      active: 'on',
      attributes: '[]',
    };
    const save = async (fields: Record<string, string>) => {
      const response = await call(() =>
        categoriesAction(args(formRequest('/operator/categories', fields, { cookie: operator }))),
      );
      expect(response.status).toBe(302);
      const [row] = await db.select().from(categories).where(eq(categories.id, form.id));
      return row.certificateRequired;
    };
    expect(await save({ ...form, certificateRequired: 'on' })).toBe(true);
    expect(await save(form)).toBe(false);
  });

  it('refuses to make a lot live without one (409), and lets it once one is issued', async () => {
    await db
      .update(categories)
      .set({ certificateRequired: true })
      .where(eq(categories.id, 'whiteleg-shrimp'));
    try {
      // A verified seller's new lot would go live at once: refused, so it is saved as a draft first.
      await expect(
        shrimpLot(db, seller, { titleZh: '须合格证 南美白对虾', submit: true }),
      ).rejects.toMatchObject({
        messageKey: 'compliance.errors.requiredToGoLive',
        status: 409,
      });
      const { id } = await shrimpLot(db, seller, { titleZh: '须合格证 南美白对虾', submit: false });
      const submit = () =>
        db.transaction((tx) =>
          changeListingStatus(tx, {
            listingId: id,
            orgId: seller.orgId,
            actorUserId: seller.userId,
            action: 'submit',
          }),
        );
      const refused = await submit().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ListingError);
      expect(refused).toMatchObject({ messageKey: 'compliance.errors.requiredToGoLive', status: 409 });

      expect((await issue(id, ISSUE)).status).toBe(302);
      expect(await submit()).toBe('live');
    } finally {
      await db
        .update(categories)
        .set({ certificateRequired: false })
        .where(eq(categories.id, 'whiteleg-shrimp'));
    }
  });
});

describe('a split lot', () => {
  it('gets a certificate of its own whose parent is the source’s, for its own quantity', async () => {
    const childLot = await liveShrimpLot(db, seller, '250', { titleZh: '分装 南美白对虾 250 公斤' });
    const parent = await currentCertificate(db, lotId);
    const child = await db.transaction((tx) =>
      certifySplitLot(tx, { sourceListingId: lotId, newListingId: childLot, actorUserId: seller.userId }),
    );
    expect(child).toMatchObject({
      listingId: childLot,
      parentId: parent?.id,
      promisingParty: parent?.promisingParty,
      unit: 'kg',
    });
    expect(Number(child?.quantity)).toBe(250);
    expect(child?.number).not.toBe(parent?.number);
  });

  it('gets none when the source has none', async () => {
    const bare = await liveShrimpLot(db, seller, '100', { titleZh: '无合格证 南美白对虾' });
    const childLot = await liveShrimpLot(db, seller, '50', { titleZh: '无合格证 分装' });
    const child = await db.transaction((tx) =>
      certifySplitLot(tx, { sourceListingId: bare, newListingId: childLot, actorUserId: null }),
    );
    expect(child).toBeNull();
  });
});

/** The database's own message for a refused statement (drizzle wraps it as the cause). */
async function refusal(statement: PromiseLike<unknown>): Promise<string> {
  try {
    await statement;
  } catch (error) {
    return String((error as { cause?: { message?: string } }).cause?.message ?? error);
  }
  return 'not refused';
}

describe('retention', () => {
  it('the database refuses to delete a certificate younger than six months, or to change what it says', async () => {
    const cert = await currentCertificate(db, lotId);
    expect(
      await refusal(db.delete(complianceCertificates).where(eq(complianceCertificates.id, cert?.id ?? ''))),
    ).toMatch(/kept for six months/);
    expect(
      await refusal(
        db
          .update(complianceCertificates)
          .set({ promisingParty: '别人' })
          .where(eq(complianceCertificates.id, cert?.id ?? '')),
      ),
    ).toMatch(/only its revocation/);
    // Revoking is the one change allowed, and only once.
    await db
      .update(complianceCertificates)
      .set({ revokedAt: new Date() })
      .where(eq(complianceCertificates.id, cert?.id ?? ''));
    expect(
      await refusal(
        db
          .update(complianceCertificates)
          .set({ revokedAt: null })
          .where(eq(complianceCertificates.id, cert?.id ?? '')),
      ),
    ).toMatch(/only its revocation/);
  });

  it('purges only certificates past retention, and deletes a scan only after the purge has committed', async () => {
    const oldLot = await liveShrimpLot(db, seller, '10', { titleZh: '旧批次 南美白对虾' });
    const issuedAt = new Date(Date.now() - 400 * 24 * 3600 * 1000);
    await db
      .update(listings)
      .set({ expiresAt: new Date(issuedAt.getTime() + 86_400_000) })
      .where(eq(listings.id, oldLot));
    const [old] = await db
      .insert(complianceCertificates)
      .values({
        id: `crt_old${Date.now()}`,
        number: `HG-2025-9${String(Date.now()).slice(-5)}`,
        listingId: oldLot,
        orgId: seller.orgId,
        productName: '南美白对虾',
        quantity: '10',
        unit: 'kg',
        origin: '广东湛江',
        productionDate: '2025-10-01',
        promisingParty: '湛江海兴水产养殖场',
        contactPhone: '13800138000',
        commitments: ['no_banned_substances', 'residues_within_limits', 'truthful'],
        basis: ['self_test'],
        source: 'issued',
        issuedAt,
        fileKey: `certificates/old-${Date.now()}.pdf`,
      })
      .returning();
    const fileKey = old.fileKey ?? '';
    await storage().put(fileKey, Buffer.from('%PDF-1.4 old scan'), 'application/pdf');
    const young = await currentCertificate(db, lotId);

    // A purge whose transaction rolls back leaves the row and its scan.
    const rolledBack = new Error('rolled back');
    await expect(
      db.transaction(async (tx) => {
        const purged = await purgeExpiredCertificates(tx);
        expect(purged.deleted).toBeGreaterThanOrEqual(1);
        expect(purged.unreferencedFiles).toContain(fileKey);
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    expect(await storage().get(fileKey)).not.toBeNull();
    expect(await currentCertificate(db, oldLot)).not.toBeNull();

    // The nightly retention job: rows in its transaction, the scan by a job it sends through the outbox.
    await processPrivacyJob({ name: 'retention', data: {} });
    const left = await db.select({ id: complianceCertificates.id }).from(complianceCertificates);
    expect(left.map((row) => row.id)).not.toContain(old.id);
    expect(left.map((row) => row.id)).toContain(young?.id ?? 'none');
    expect(await storage().get(fileKey)).not.toBeNull();
    const sent = await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.queue, 'privacy'), eq(outbox.name, 'remove-files')));
    const removal = sent.find((row) => (row.payload as { keys: string[] }).keys.includes(fileKey));
    expect(removal).toBeDefined();
    await processPrivacyJob({ name: 'remove-files', data: removal?.payload });
    expect(await storage().get(fileKey)).toBeNull();
  });
});
