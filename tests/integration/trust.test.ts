// Trust through the real loaders and actions: seller verification, reports with outcomes, ratings and credit, settings, the audit command.
import { spawnSync } from 'node:child_process';
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  auditLog,
  categories,
  creditHistory,
  marketSettings,
  notificationEvents,
  orders,
  organisations,
  outbox,
  ratings,
  reports,
  verificationApplications,
} from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { actOnOrder, placeBuyNow } from '../../app/orders/orders.server';
import { action as orderAction, loader as orderLoader } from '../../app/routes/orders.$orderId';
import { action as reviewsAction } from '../../app/routes/operator.reviews';
import {
  action as reportsAdminAction,
  loader as reportsAdminLoader,
} from '../../app/routes/operator.reports';
import { action as settingsAction } from '../../app/routes/operator.settings';
import { action as verificationsAction } from '../../app/routes/operator.verifications';
import { loader as licenceLoader } from '../../app/routes/operator.verifications_.$applicationId.licence';
import { loader as myReportsLoader } from '../../app/routes/reports._index';
import { action as reportAction, loader as reportLoader } from '../../app/routes/reports.new';
import { action as verifyAction, loader as verifyLoader } from '../../app/routes/settings_.verification';
import { loader as exchangeLoader } from '../../app/routes/exchange.$code';
import { recomputeCredit } from '../../app/trust/credit.server';
import { processModerationJob } from '../../workers/moderation';
import { repoRoot } from '../../scripts/services';
import { ORIGIN, call, formRequest, getRequest, logInAs } from '../support/http';
import { type Seller, buyerOrg, liveShrimpLot, verifiedSeller } from '../support/listings';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
type Body = { errors: Record<string, string>; values: Record<string, string> };

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

function multipart(
  path: string,
  cookie: string,
  fields: Record<string, string>,
  file?: { name: string; bytes: Buffer },
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set('licence', new Blob([new Uint8Array(file.bytes)]), file.name);
  return new Request(`${ORIGIN}${path}`, { method: 'POST', headers: { Cookie: cookie }, body: form });
}

let operator = '';
let restaurant = '';
let pineapple = '';

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  operator = await logInAs('operator@wharf.test');
  restaurant = await logInAs('restaurant@wharf.test');
  pineapple = await logInAs('pineapple@wharf.test');
});

/** A new unverified seller (or buyer) org, owned by a demo user's twin, with a session. */
async function unverifiedSellerSession(
  orgKind: 'seller' | 'buyer' = 'seller',
): Promise<{ cookie: string; orgId: string }> {
  const { action: registerAction } = await import('../../app/routes/register');
  const email = `v-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.test`;
  const response = await call(() =>
    registerAction(
      args(
        formRequest('/register', {
          email,
          password: 'correct horse battery',
          name: '认证测试',
          orgName: `北海认证测试水产 ${email.slice(2, 18)}`,
          orgKind,
          city: '北海',
        }),
      ),
    ),
  );
  const cookie = /wharf_session=[^;]+/.exec(response.headers.get('Set-Cookie') ?? '')?.[0] ?? '';
  const rows = (await db.execute(
    sql`select m.org_id from memberships m join users u on u.id = m.user_id where u.email = ${email}`,
  )) as unknown as { org_id: string }[];
  return { cookie, orgId: rows[0].org_id };
}

/** The operator's decision on an application, posted on the verification queue. */
function operatorDecides(fields: Record<string, string>) {
  return call(() =>
    verificationsAction(args(formRequest('/operator/verifications', fields, { cookie: operator }))),
  );
}

const details = {
  legalName: '北海认证测试水产有限公司',
  licenceNumber: '91450500MA5N123456',
  address: '北海市海城区侨港镇',
};

describe('seller verification', () => {
  it('refuses a licence that is not an image or PDF by its bytes, whatever its name, and stores nothing', async () => {
    const seller = await unverifiedSellerSession();
    const fake = Buffer.from('MZ\x90\x00 this is an executable pretending to be a scan');
    const response = await call(() =>
      verifyAction(
        args(
          multipart('/settings/verification', seller.cookie, details, { name: 'licence.pdf', bytes: fake }),
        ),
      ),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as Body).errors.licence).toBe('trust.errors.licenceFile');
    const stored = await db
      .select()
      .from(verificationApplications)
      .where(eq(verificationApplications.orgId, seller.orgId));
    expect(stored).toHaveLength(0);
  });

  it('refuses a malformed credit code and a missing licence with messages', async () => {
    const seller = await unverifiedSellerSession();
    const response = await call(() =>
      verifyAction(
        args(multipart('/settings/verification', seller.cookie, { ...details, licenceNumber: '123' })),
      ),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as Body;
    expect(body.errors).toMatchObject({
      licenceNumber: 'trust.errors.licenceNumber',
      licence: 'trust.errors.licenceRequired',
    });
  });

  it('takes a PDF, waits for the operator, refuses a rejection without a reason, and verifies on approval', async () => {
    const seller = await unverifiedSellerSession();
    const sent = await call(() =>
      verifyAction(
        args(multipart('/settings/verification', seller.cookie, details, { name: 'scan.bin', bytes: PDF })),
      ),
    );
    expect(sent.status).toBe(302);
    const [app] = await db
      .select()
      .from(verificationApplications)
      .where(eq(verificationApplications.orgId, seller.orgId));
    expect(app).toMatchObject({
      status: 'pending',
      licenceType: 'application/pdf',
      licenceNumber: details.licenceNumber,
    });
    const [org] = await db.select().from(organisations).where(eq(organisations.id, seller.orgId));
    expect(org.verification).toBe('pending');

    // The licence is the org's private document: operators see it, the seller's page does not link it, others get 403.
    const licence = await call(() =>
      licenceLoader(
        args(getRequest(`/operator/verifications/${app.id}/licence`, { cookie: operator }), {
          applicationId: app.id,
        }),
      ),
    );
    expect(licence.status).toBe(200);
    expect(licence.headers.get('Content-Type')).toBe('application/pdf');
    const peek = await call(() =>
      licenceLoader(args(getRequest('/x', { cookie: restaurant }), { applicationId: app.id })),
    );
    expect(peek.status).toBe(403);

    const noReason = await operatorDecides({ applicationId: app.id, intent: 'reject', reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as Body).errors.reason).toBe('trust.errors.reasonRequired');

    const approved = await operatorDecides({ applicationId: app.id, intent: 'approve' });
    expect(approved.status).toBe(302);
    const [after] = await db.select().from(organisations).where(eq(organisations.id, seller.orgId));
    expect(after.verification).toBe('verified');
    const events = await db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.orgId, seller.orgId));
    expect(events.map((e) => e.type)).toContain('verification-approved');
    const audit = await db.select().from(auditLog).where(eq(auditLog.subjectId, app.id));
    expect(audit.map((a) => a.action).sort()).toEqual(['verification.approve', 'verification.submitted']);

    const page = await call(() =>
      verifyLoader(args(getRequest('/settings/verification', { cookie: seller.cookie }))),
    );
    expect(((await page.json()) as { org: { verification: string } }).org.verification).toBe('verified');
  });

  it('records a rejection with its reason, which the seller reads, and lets the seller apply again', async () => {
    const seller = await unverifiedSellerSession();
    await call(() =>
      verifyAction(
        args(multipart('/settings/verification', seller.cookie, details, { name: 'a.pdf', bytes: PDF })),
      ),
    );
    const [app] = await db
      .select()
      .from(verificationApplications)
      .where(eq(verificationApplications.orgId, seller.orgId));
    const rejected = await operatorDecides({
      applicationId: app.id,
      intent: 'reject',
      reason: '执照照片模糊，看不清公章',
    });
    expect(rejected.status).toBe(302);
    const page = (await (
      await call(() => verifyLoader(args(getRequest('/settings/verification', { cookie: seller.cookie }))))
    ).json()) as {
      org: { verification: string };
      applications: { reason: string | null }[];
    };
    expect(page.org.verification).toBe('rejected');
    expect(page.applications[0].reason).toBe('执照照片模糊，看不清公章');
    const again = await call(() =>
      verifyAction(
        args(multipart('/settings/verification', seller.cookie, details, { name: 'b.pdf', bytes: PDF })),
      ),
    );
    expect(again.status).toBe(302);
  });

  it('verifies a buyer organisation too, which may then trade on the exchange (ADR 0057)', async () => {
    const buyer = await unverifiedSellerSession('buyer');
    const exchange = async () =>
      (await (
        await call(() =>
          exchangeLoader(
            args(getRequest('/exchange/SHRIMP-4050-LIVE', { cookie: buyer.cookie }), {
              code: 'SHRIMP-4050-LIVE',
            }),
          ),
        )
      ).json()) as { mayTrade: boolean; mayApply: boolean; canBuy: boolean };
    // Before: the ticket is closed and says where to apply.
    expect(await exchange()).toMatchObject({ mayTrade: false, mayApply: true, canBuy: false });
    const page = await call(() =>
      verifyLoader(args(getRequest('/settings/verification', { cookie: buyer.cookie }))),
    );
    expect(page.status).toBe(200);
    const sent = await call(() =>
      verifyAction(
        args(multipart('/settings/verification', buyer.cookie, details, { name: 'licence.pdf', bytes: PDF })),
      ),
    );
    expect(sent.status).toBe(302);
    const [app] = await db
      .select()
      .from(verificationApplications)
      .where(eq(verificationApplications.orgId, buyer.orgId));
    const approved = await operatorDecides({ applicationId: app.id, intent: 'approve' });
    expect(approved.status).toBe(302);
    expect(await exchange()).toMatchObject({ mayTrade: true, mayApply: false, canBuy: true });
  });

  it('is not open to the market operator’s own organisation', async () => {
    const response = await call(() =>
      verifyLoader(args(getRequest('/settings/verification', { cookie: operator }))),
    );
    expect(response.status).toBe(403);
  });
});

describe('reports', () => {
  async function demoLot(title: string) {
    const rows = (await db.execute(
      sql`select id, seller_org_id from listings where title_zh = ${title}`,
    )) as unknown as {
      id: string;
      seller_org_id: string;
    }[];
    return rows[0];
  }

  it('refuses a report with an empty reason, with a message and a 400', async () => {
    const lot = await demoLot('徐闻菠萝 巴厘 特级大果 产地直发');
    const response = await call(() =>
      reportAction(
        args(
          formRequest(
            '/reports/new',
            { subject: 'listing', id: lot.id, reason: '   ' },
            { cookie: restaurant },
          ),
        ),
      ),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as Body).errors.reason).toBe('trust.errors.reportReason');
    expect(await db.select().from(reports).where(eq(reports.listingId, lot.id))).toHaveLength(0);
  });

  it('needs a signed-in user and a subject that exists', async () => {
    const lot = await demoLot('徐闻菠萝 巴厘 特级大果 产地直发');
    const anonymous = await call(() =>
      reportLoader(args(getRequest(`/reports/new?subject=listing&id=${lot.id}`))),
    );
    expect(anonymous.status).toBe(302);
    const missing = await call(() =>
      reportLoader(args(getRequest('/reports/new?subject=listing&id=lst_nope', { cookie: restaurant }))),
    );
    expect(missing.status).toBe(404);
  });

  it('takes a report about a listing and one about an org; the reporter sees the outcome and is notified', async () => {
    const lot = await demoLot('徐闻菠萝 巴厘 特级大果 产地直发');
    const filed = await call(() =>
      reportAction(
        args(
          formRequest(
            '/reports/new',
            { subject: 'listing', id: lot.id, reason: '图片是别家的，糖度也对不上' },
            { cookie: restaurant },
          ),
        ),
      ),
    );
    expect(filed.status).toBe(302);
    const aboutOrg = await call(() =>
      reportAction(
        args(
          formRequest(
            '/reports/new',
            { subject: 'org', id: 'org_maowei', reason: '多次短斤少两' },
            { cookie: restaurant },
          ),
        ),
      ),
    );
    expect(aboutOrg.status).toBe(302);

    const open = (await (
      await call(() => reportsAdminLoader(args(getRequest('/operator/reports', { cookie: operator }))))
    ).json()) as {
      reports: { id: string; reason: string }[];
    };
    const mine = open.reports.find((r) => r.reason === '图片是别家的，糖度也对不上');
    expect(mine).toBeDefined();
    const noOutcome = await call(() =>
      reportsAdminAction(
        args(
          formRequest(
            '/operator/reports',
            { reportId: mine?.id ?? '', status: 'upheld', outcome: '' },
            { cookie: operator },
          ),
        ),
      ),
    );
    expect(noOutcome.status).toBe(400);
    const resolved = await call(() =>
      reportsAdminAction(
        args(
          formRequest(
            '/operator/reports',
            {
              reportId: mine?.id ?? '',
              status: 'upheld',
              outcome: '已核实，要求卖家更换实拍图',
              removeListing: 'on',
            },
            { cookie: operator },
          ),
        ),
      ),
    );
    expect(resolved.status).toBe(302);
    const listingRows = (await db.execute(
      sql`select status from listings where id = ${lot.id}`,
    )) as unknown as { status: string }[];
    expect(listingRows[0].status).toBe('removed');

    const page = (await (
      await call(() => myReportsLoader(args(getRequest('/reports', { cookie: restaurant }))))
    ).json()) as {
      reports: { id: string; status: string; outcome: string | null }[];
    };
    expect(page.reports.find((r) => r.id === mine?.id)).toMatchObject({
      status: 'upheld',
      outcome: '已核实，要求卖家更换实拍图',
    });
    const [notice] = await db
      .select()
      .from(notificationEvents)
      .where(
        and(eq(notificationEvents.type, 'report-resolved'), eq(notificationEvents.subjectId, mine?.id ?? '')),
      );
    expect(notice.userIds).toEqual(['usr_yuewei']);
    expect(notice.params).toMatchObject({ outcome: '已核实，要求卖家更换实拍图' });
    // Someone else's reports are not on my page.
    const others = (await (
      await call(() => myReportsLoader(args(getRequest('/reports', { cookie: pineapple }))))
    ).json()) as { reports: unknown[] };
    expect(others.reports).toHaveLength(0);
  });
});

describe('ratings and credit', () => {
  let seller: Seller;
  beforeAll(async () => {
    seller = await verifiedSeller(db);
  });

  async function deliveredOrder(b: Seller, lot: string) {
    const placed = await placeBuyNow({
      buyerOrgId: b.orgId,
      actorUserId: b.userId,
      form: { listingId: lot, quantity: '10', unit: 'kg', tolerancePercent: 3 },
    });
    if (!placed.ok) throw new Error('order refused');
    const id = placed.orderId;
    await actOnOrder(id, { userId: null, parties: ['operator'] }, { action: 'record_payment' });
    await actOnOrder(id, { userId: seller.userId, parties: ['seller'] }, { action: 'ship' });
    await actOnOrder(id, { userId: b.userId, parties: ['buyer'] }, { action: 'confirm_delivery' });
    return id;
  }

  /** Ends the inspection window now and completes the order, as the escrow-release job does. */
  async function complete(id: string) {
    await db
      .update(orders)
      .set({ inspectionEndsAt: sql`now() - interval '1 second'` })
      .where(eq(orders.id, id));
    await actOnOrder(id, { userId: null, parties: ['system'] }, { action: 'complete' });
  }

  it('enqueues a credit recomputation for both parties on delivery and on completion', async () => {
    const lot = await liveShrimpLot(db, seller, '500');
    const b = await buyerOrg();
    const id = await deliveredOrder(b, lot);
    const jobs = await db.select().from(outbox).where(eq(outbox.name, 'recompute-credit'));
    const orgs = jobs.map((j) => (j.payload as { orgId: string }).orgId);
    expect(orgs).toContain(seller.orgId);
    expect(orgs).toContain(b.orgId);
    await complete(id);
  });

  it('lets the buyer rate a completed order once, 1–5, and raises the seller’s score with good ratings', async () => {
    const lot = await liveShrimpLot(db, seller, '500');
    const b = await buyerOrg();
    const id = await deliveredOrder(b, lot);
    // Before completion the order cannot be rated.
    const { createSession, commitSessionCookie } = await import('../../app/lib/session.server');
    const token = await createSession(db, { userId: b.userId, activeOrgId: b.orgId });
    const cookie = (await commitSessionCookie(token)).split(';')[0];
    const early = await call(() =>
      orderAction(
        args(formRequest(`/orders/${id}`, { intent: 'rate', stars: '5' }, { cookie }), { orderId: id }),
      ),
    );
    expect(early.status).toBe(409);
    await complete(id);
    const page = (await (
      await call(() => orderLoader(args(getRequest(`/orders/${id}`, { cookie }), { orderId: id })))
    ).json()) as { canRate: boolean };
    expect(page.canRate).toBe(true);
    const bad = await call(() =>
      orderAction(
        args(formRequest(`/orders/${id}`, { intent: 'rate', stars: '9' }, { cookie }), { orderId: id }),
      ),
    );
    expect(bad.status).toBe(400);
    const ok = await call(() =>
      orderAction(
        args(formRequest(`/orders/${id}`, { intent: 'rate', stars: '5', comment: '虾很活' }, { cookie }), {
          orderId: id,
        }),
      ),
    );
    expect(ok.status).toBe(302);
    const twice = await call(() =>
      orderAction(
        args(formRequest(`/orders/${id}`, { intent: 'rate', stars: '1' }, { cookie }), { orderId: id }),
      ),
    );
    expect(twice.status).toBe(409);
    const [rating] = await db.select().from(ratings).where(eq(ratings.orderId, id));
    expect(rating).toMatchObject({ stars: 5, sellerOrgId: seller.orgId });
    // The seller may not rate its own sale.
    const { createSession: cs } = await import('../../app/lib/session.server');
    const sellerCookie = (
      await commitSessionCookie(await cs(db, { userId: seller.userId, activeOrgId: seller.orgId }))
    ).split(';')[0];
    const bySeller = await call(() =>
      orderAction(
        args(formRequest(`/orders/${id}`, { intent: 'rate', stars: '5' }, { cookie: sellerCookie }), {
          orderId: id,
        }),
      ),
    );
    expect(bySeller.status).toBe(404);

    await processModerationJob({ name: 'recompute-credit', data: { orgId: seller.orgId, trigger: 'test' } });
    const [org] = await db.select().from(organisations).where(eq(organisations.id, seller.orgId));
    expect(org.creditScore).toBeGreaterThan(70);
    const history = await db.select().from(creditHistory).where(eq(creditHistory.orgId, seller.orgId));
    expect(history.length).toBeGreaterThan(0);
  });

  it('drops the quality class to C after a justified complaint on few deliveries, and recomputes nightly', async () => {
    const other = await verifiedSeller(db);
    const lot = await liveShrimpLot(db, other, '500');
    const b = await buyerOrg();
    const placed = await placeBuyNow({
      buyerOrgId: b.orgId,
      actorUserId: b.userId,
      form: { listingId: lot, quantity: '10', unit: 'kg', tolerancePercent: 3 },
    });
    if (!placed.ok) throw new Error('refused');
    const id = placed.orderId;
    await actOnOrder(id, { userId: null, parties: ['operator'] }, { action: 'record_payment' });
    await actOnOrder(id, { userId: other.userId, parties: ['seller'] }, { action: 'ship' });
    await actOnOrder(id, { userId: b.userId, parties: ['buyer'] }, { action: 'confirm_delivery' });
    await actOnOrder(
      id,
      { userId: b.userId, parties: ['buyer'] },
      { action: 'open_dispute', reason: '一半是死虾' },
    );
    await actOnOrder(
      id,
      { userId: null, parties: ['operator'] },
      { action: 'resolve_dispute', outcome: 'refund_full', resolution: '属实，全额退款' },
    );
    const result = await db.transaction((tx) => recomputeCredit(tx, other.orgId, 'test'));
    expect(result?.qualityClass).toBe('C');
    expect(result?.record.disputesLost).toBe(1);
    expect(result?.score).toBeLessThan(70);
    // A re-run changes nothing (idempotent); the nightly sweep visits every org.
    const before = await db.select().from(creditHistory).where(eq(creditHistory.orgId, other.orgId));
    const nightly = (await processModerationJob({ name: 'recompute-all-credit', data: {} })) as {
      orgs: number;
    };
    expect(nightly.orgs).toBeGreaterThan(5);
    const after = await db.select().from(creditHistory).where(eq(creditHistory.orgId, other.orgId));
    expect(after).toHaveLength(before.length);
    const [org] = await db.select().from(organisations).where(eq(organisations.id, other.orgId));
    expect(org.qualityClass).toBe('C');
  });
});

describe('market settings', () => {
  const form = {
    intent: 'category',
    categoryId: 'whiteleg-shrimp',
    feeBps: '200',
    inspectionHours: '6',
    bidIncrements: '0 0.10\n10.00 0.50\n100.00 1.00',
    softCloseSeconds: '90',
    clockStepYuan: '0.20',
    clockTickMs: '800',
    depositBps: '1500',
    excursionMinutes: '15',
  };

  it.each([
    ['feeBps', '9000', 'console.settings.range.feeBps'],
    ['clockTickMs', '5', 'console.settings.range.clockTickMs'],
    ['depositBps', '-1', 'console.settings.range.depositBps'],
    ['softCloseSeconds', 'abc', 'console.settings.range.softCloseSeconds'],
    ['bidIncrements', '5.00 0.10', 'market.errors.firstBandFromZero'],
    ['bidIncrements', '0 0.10\nten', 'console.settings.errors.bands'],
  ])('refuses %s = %s with a message and a 400, changing nothing', async (field, value, message) => {
    const [before] = await db.select().from(categories).where(eq(categories.id, 'whiteleg-shrimp'));
    const response = await call(() =>
      settingsAction(
        args(formRequest('/operator/settings', { ...form, [field]: value }, { cookie: operator })),
      ),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as Body).errors[field]).toBe(message);
    const [after] = await db.select().from(categories).where(eq(categories.id, 'whiteleg-shrimp'));
    expect(after.feeBps).toBe(before.feeBps);
  });

  it('saves a category’s rules and the market-wide keys, each change in the audit log', async () => {
    const saved = await call(() =>
      settingsAction(args(formRequest('/operator/settings', form, { cookie: operator }))),
    );
    expect(saved.status).toBe(302);
    const [row] = await db.select().from(categories).where(eq(categories.id, 'whiteleg-shrimp'));
    expect(row).toMatchObject({
      feeBps: 200,
      inspectionHours: 6,
      softCloseSeconds: 90,
      clockStepFen: 20,
      clockTickMs: 800,
      depositBps: 1500,
    });
    expect(row.bidIncrements).toEqual([
      { fromFen: 0, stepFen: 10 },
      { fromFen: 1000, stepFen: 50 },
      { fromFen: 10000, stepFen: 100 },
    ]);
    const outOfRange = await call(() =>
      settingsAction(
        args(
          formRequest(
            '/operator/settings',
            { intent: 'market', matchNotifyThreshold: '75', priceOutlierMads: '0.5', priceWindowDays: '30' },
            { cookie: operator },
          ),
        ),
      ),
    );
    expect(outOfRange.status).toBe(400);
    expect(((await outOfRange.json()) as Body).errors.priceOutlierMads).toBe(
      'console.settings.range.priceOutlierMads',
    );
    const market = await call(() =>
      settingsAction(
        args(
          formRequest(
            '/operator/settings',
            { intent: 'market', matchNotifyThreshold: '75', priceOutlierMads: '4', priceWindowDays: '14' },
            { cookie: operator },
          ),
        ),
      ),
    );
    expect(market.status).toBe(302);
    const stored = await db.select().from(marketSettings);
    expect(Object.fromEntries(stored.map((s) => [s.key, s.value]))).toMatchObject({
      priceOutlierMads: 4,
      priceWindowDays: 14,
    });
    const audit = await db.select().from(auditLog).where(sql`${auditLog.action} like 'settings.%'`);
    expect(audit.map((a) => a.subjectId).sort()).toEqual([
      'priceOutlierMads',
      'priceWindowDays',
      'whiteleg-shrimp',
    ]);
  });

  it('is for operators only', async () => {
    const response = await call(() =>
      settingsAction(args(formRequest('/operator/settings', form, { cookie: restaurant }))),
    );
    expect(response.status).toBe(403);
  });
});

describe('the audit verification command', () => {
  it('reports an intact chain, and names the row someone tampered with', async () => {
    // Operator actions so far (verification, reports, settings) are all in the chain.
    const run = () =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify-audit.ts'], {
        cwd: repoRoot,
        env: { ...process.env, LOG_LEVEL: 'silent' },
        encoding: 'utf8',
      });
    const intact = run();
    expect(intact.status, intact.stderr).toBe(0);
    expect(intact.stdout).toMatch(/audit log intact: \d+ entries/);

    const [victim] = await db.select().from(auditLog).where(eq(auditLog.action, 'settings.category'));
    // Only someone able to disable the append-only trigger (a superuser) can change a row at all.
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
      await tx.execute(
        sql`update audit_log set detail = '{"after": {"feeBps": 0}}' where seq = ${victim.seq}`,
      );
      await tx.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
    });
    const broken = run();
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain(
      `audit log broken at seq ${victim.seq} (settings.category category:whiteleg-shrimp)`,
    );
  });
});

void reviewsAction;
