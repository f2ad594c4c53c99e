// Sanctions: a suspended or banned org cannot act, its lots are paused, its members logged out and kept out until it ends.
import { and, eq, isNull } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  auditLog,
  listings,
  notificationEvents,
  organisations,
  outbox,
  sanctions,
  sessions,
} from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { commitSessionCookie, createSession } from '../../app/lib/session.server';
import { action as loginAction } from '../../app/routes/login';
import { action as orgsAction, loader as orgsLoader } from '../../app/routes/operator.orgs';
import { action as sellAction, loader as sellLoader } from '../../app/routes/sell._index';
import { loader as newLotLoader } from '../../app/routes/sell.new';
import { processModerationJob } from '../../workers/moderation';
import { call, formRequest, getRequest, logInAs } from '../support/http';

const args = (request: Request) => ({ request, params: {}, context: {} });
type Body = {
  errors: Record<string, string>;
  values: Record<string, string>;
  params?: Record<string, string>;
};

let operator = '';
beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  operator = await logInAs('operator@wharf.test');
});

const post = (fields: Record<string, string>, cookie = operator) =>
  call(() => orgsAction(args(formRequest('/operator/orgs', fields, { cookie }))));

async function liveLotsOf(orgId: string) {
  return db
    .select({ id: listings.id })
    .from(listings)
    .where(and(eq(listings.sellerOrgId, orgId), eq(listings.status, 'live')));
}

async function cookieFor(userId: string, orgId: string) {
  return (await commitSessionCookie(await createSession(db, { userId, activeOrgId: orgId }))).split(';')[0];
}

describe('suspending an org', () => {
  it('refuses a suspension without a reason or with days out of range, with messages and a 400', async () => {
    const noReason = await post({ orgId: 'org_xuwen', kind: 'suspend', days: '7', reason: '' });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as Body).errors.reason).toBe('trust.errors.reasonRequired');
    const tooLong = await post({ orgId: 'org_xuwen', kind: 'suspend', days: '999', reason: '以次充好' });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as Body).errors.days).toBe('trust.errors.days');
    const [org] = await db.select().from(organisations).where(eq(organisations.id, 'org_xuwen'));
    expect(org.suspendedUntil).toBeNull();
    expect((await post({ orgId: 'org_operator', kind: 'ban', reason: 'x' })).status).toBe(400);
    expect(
      (await post({ orgId: 'org_xuwen', kind: 'ban', reason: 'x' }, await logInAs('restaurant@wharf.test')))
        .status,
    ).toBe(403);
  });

  it('pauses its live lots, revokes its members’ sessions, refuses their log-in with the end date, and blocks acting', async () => {
    const trader = await logInAs('oyster@wharf.test');
    const before = await liveLotsOf('org_maowei');
    expect(before.length).toBeGreaterThan(0);

    const done = await post({ orgId: 'org_maowei', kind: 'suspend', days: '3', reason: '多次规格标注不实' });
    expect(done.status).toBe(302);
    expect(await liveLotsOf('org_maowei')).toHaveLength(0);
    const paused = await db.select().from(listings).where(eq(listings.id, before[0].id));
    expect(paused[0]).toMatchObject({ status: 'paused', statusReason: 'org sanctioned' });
    const open = await db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, 'usr_maowei'), isNull(sessions.revokedAt)));
    expect(open).toHaveLength(0);

    // The old cookie is dead: the next page asks to log in.
    const afterwards = await call(() => sellLoader(args(getRequest('/sell', { cookie: trader }))));
    expect(afterwards.status).toBe(302);
    expect(afterwards.headers.get('Location')).toMatch(/^\/login/);

    // Logging in again is refused, saying until when.
    const login = await call(() =>
      loginAction(
        args(
          formRequest(
            '/login',
            { email: 'oyster@wharf.test', password: 'wharf-demo-2026' },
            { ip: '198.51.100.9' },
          ),
        ),
      ),
    );
    expect(login.status).toBe(403);
    const body = (await login.json()) as Body;
    expect(body.errors.form).toBe('trust.sanction.loginSuspended');
    expect(body.params?.until).toMatch(/\d{4}\/\d{2}\/\d{2}/);

    // A session that exists anyway (say, a member of two orgs) may read but not act for the suspended org.
    const cookie = await cookieFor('usr_maowei', 'org_maowei');
    expect((await call(() => sellLoader(args(getRequest('/sell', { cookie }))))).status).toBe(200);
    const refused = await call(() => newLotLoader(args(getRequest('/sell/new', { cookie }))));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ messageKey: 'trust.sanction.suspended' });
    const act = await call(() =>
      sellAction(args(formRequest('/sell', { intent: 'resume', listingId: before[0].id }, { cookie }))),
    );
    expect(act.status).toBe(403);

    const notices = await db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.orgId, 'org_maowei'));
    expect(notices.map((n) => n.type)).toContain('org-suspended');
    const [entry] = await db.select().from(auditLog).where(eq(auditLog.action, 'org.suspend'));
    expect(entry).toMatchObject({ subjectId: 'org_maowei' });
    const page = (await (
      await call(() => orgsLoader(args(getRequest('/operator/orgs?q=org_maowei', { cookie: operator }))))
    ).json()) as {
      orgs: { id: string; sanction: string | null }[];
    };
    expect(page.orgs.find((o) => o.id === 'org_maowei')?.sanction).toBe('suspended');

    // Lifting puts the paused lots back and lets the members in.
    expect((await post({ orgId: 'org_maowei', intent: 'lift' })).status).toBe(302);
    expect((await liveLotsOf('org_maowei')).length).toBe(before.length);
    await logInAs('oyster@wharf.test');
    const lifted = await db
      .select()
      .from(notificationEvents)
      .where(eq(notificationEvents.type, 'org-reinstated'));
    expect(lifted.length).toBe(1);
  });

  it('ends by itself: the delayed job resumes the lots once the time has passed, and a stale job does nothing', async () => {
    const before = await liveLotsOf('org_xuwen');
    expect(
      (await post({ orgId: 'org_xuwen', kind: 'suspend', days: '1', reason: '未按时发货' })).status,
    ).toBe(302);
    const [sanction] = await db
      .select()
      .from(sanctions)
      .where(and(eq(sanctions.orgId, 'org_xuwen'), isNull(sanctions.liftedAt)));
    const jobs = await db.select().from(outbox).where(eq(outbox.name, 'end-suspension'));
    const job = jobs.find((j) => (j.payload as { sanctionId: string }).sanctionId === sanction.id);
    if (!job) throw new Error('no end-suspension job');
    expect(job.runAt?.getTime()).toBe(sanction.endsAt?.getTime());
    // Time passes (the suspension's end moves into the past): log-in works again before the job even runs.
    await db
      .update(organisations)
      .set({ suspendedUntil: new Date(Date.now() - 1000) })
      .where(eq(organisations.id, 'org_xuwen'));
    await logInAs('pineapple@wharf.test');
    await processModerationJob({ name: 'end-suspension', data: { sanctionId: sanction.id } });
    expect((await liveLotsOf('org_xuwen')).length).toBe(before.length);
    const [org] = await db.select().from(organisations).where(eq(organisations.id, 'org_xuwen'));
    expect(org.suspendedUntil).toBeNull();
    // Run again: nothing more happens.
    expect(
      await processModerationJob({ name: 'end-suspension', data: { sanctionId: sanction.id } }),
    ).toMatchObject({ lifted: 0 });
  });

  it('bans with no end: log-in refused for good until an operator lifts it', async () => {
    expect((await post({ orgId: 'org_yuewei', kind: 'ban', reason: '恶意拒收并拒付' })).status).toBe(302);
    const login = await call(() =>
      loginAction(
        args(
          formRequest(
            '/login',
            { email: 'restaurant@wharf.test', password: 'wharf-demo-2026' },
            { ip: '198.51.100.10' },
          ),
        ),
      ),
    );
    expect(login.status).toBe(403);
    expect(((await login.json()) as Body).errors.form).toBe('trust.sanction.loginBanned');
    expect((await post({ orgId: 'org_yuewei', intent: 'lift', reason: '申诉成功' })).status).toBe(302);
    await logInAs('restaurant@wharf.test');
  });
});

describe('a suspension landing while a request is under way', () => {
  it('holds the write at the org row and refuses it once the suspension commits: no publish, no shipment', async () => {
    const { liveShrimpLot, shrimpLot, shrimpLotFields, buyerOrg } = await import('../support/listings');
    const { actOnOrder, placeBuyNow } = await import('../../app/orders/orders.server');
    const { action: editAction } = await import('../../app/routes/sell.$listingId.edit');
    const { action: orderAction } = await import('../../app/routes/orders.$orderId');
    const { memberships, orders, users } = await import('../../db/schema');
    const [S, A, userId] = ['org_racesusp', 'org_raceok', 'usr_racedual'];
    await db.insert(organisations).values([
      { id: S, name: '竞态测试停业水产', kind: 'both', verification: 'verified' },
      { id: A, name: '竞态测试正常水产', kind: 'both', verification: 'verified' },
    ]);
    await db
      .insert(users)
      .values({ id: userId, email: 'race-dual@example.test', name: '竞态', passwordHash: 'x' });
    await db.insert(memberships).values([
      { orgId: S, userId, role: 'trader' },
      { orgId: A, userId, role: 'trader' },
    ]);
    const seller = { orgId: S, userId };
    const draft = (await shrimpLot(db, seller, { titleZh: '竞态测试 对虾 草稿', submit: false })).id;
    const live = await liveShrimpLot(db, seller, '300', { titleZh: '竞态测试 对虾 在售' });
    const buyer = await buyerOrg();
    const placed = await placeBuyNow({
      buyerOrgId: buyer.orgId,
      actorUserId: buyer.userId,
      form: { listingId: live, quantity: '10', unit: 'kg', tolerancePercent: 3 },
    });
    if (!placed.ok) throw new Error('fixture order refused');
    await actOnOrder(placed.orderId, { userId: null, parties: ['system'] }, { action: 'record_payment' });
    const cookie = await cookieFor(userId, A);

    // The suspension's first step (as sanctionOrg takes it): the org row locked for update, the column set.
    let publish: Promise<Response> | undefined;
    let ship: Promise<Response> | undefined;
    await db.transaction(async (tx) => {
      await tx.select().from(organisations).where(eq(organisations.id, S)).for('update');
      await tx
        .update(organisations)
        .set({ suspendedUntil: new Date(Date.now() + 24 * 3600 * 1000) })
        .where(eq(organisations.id, S));
      // The requests start now: their guards read the org as still trading.
      publish = call(() =>
        editAction({
          request: formRequest(
            `/sell/${draft}/edit`,
            { ...shrimpLotFields(), intent: 'publish' },
            { cookie },
          ),
          params: { listingId: draft },
          context: {},
        }),
      );
      ship = call(() =>
        orderAction({
          request: formRequest(`/orders/${placed.orderId}`, { intent: 'ship' }, { cookie }),
          params: { orderId: placed.orderId },
          context: {},
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
    });
    const [published, shipped] = await Promise.all([publish, ship]);
    expect(published?.status).toBe(403);
    expect(await published?.json()).toMatchObject({ messageKey: 'trust.sanction.suspended' });
    expect(shipped?.status).toBe(403);
    const [lot] = await db.select().from(listings).where(eq(listings.id, draft));
    expect(lot.status).toBe('draft');
    const [order] = await db.select().from(orders).where(eq(orders.id, placed.orderId));
    expect(order.status).toBe('paid');
  });
});
