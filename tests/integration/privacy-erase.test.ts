// Erasure (issue #16 part 1): a deleted account leaves no personal value in any column, Redis key or log line,
// while invoices, the ledger and the audit chain stay intact; refusals change nothing; orgs close; retention runs.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  auditLog,
  auditPersonal,
  devMailbox,
  invoices,
  marketSettings,
  memberships,
  notificationDeliveries,
  notificationEvents,
  notifications,
  orders,
  organisations,
  outbox,
  privacyExports,
  privacyRequests,
  sessions,
  telemetryDevices,
  telemetryReadings,
  users,
  vehicles,
} from '../../db/schema';
import { appendAudit, verifyAuditChain } from '../../app/lib/audit.server';
import { env } from '../../app/lib/env.server';
import { redis } from '../../app/lib/redis.server';
import { invite, login, register } from '../../app/identity/accounts.server';
import { placeBuyNow } from '../../app/orders/orders.server';
import { setMarketSetting } from '../../app/market/settings.server';
import { buildExport, requestExport } from '../../app/privacy/export.server';
import { runRetention } from '../../app/privacy/retention.server';
import { storage } from '../../app/lib/storage.server';
import { action as deleteAction } from '../../app/routes/settings_.privacy_.delete';
import { action as leaveAction } from '../../app/routes/orgs.$orgId.leave';
import { loader as pdfLoader } from '../../app/routes/orders_.$orderId.invoice[.]pdf';
import { action as settingsAction } from '../../app/routes/operator.settings';
import { processPrivacyJob } from '../../workers/privacy';
import { completedOrder } from '../support/completed-order';
import { sessionCookieOf } from '../support/session';
import { ORIGIN, call, formRequest } from '../support/http';
import { checkLedgerInvariants } from '../support/ledger-invariants';
import { buyerOrg, liveShrimpLot, verifiedSeller } from '../support/listings';

const PASSWORD = 'erase-me-please-2026';

async function pdfHash(orderId: string, cookie: string): Promise<string> {
  const request = new Request(`${ORIGIN}/orders/${orderId}/invoice.pdf`, {
    headers: { Cookie: cookie, 'Accept-Language': 'zh-CN' },
  });
  const response = await call(() => pdfLoader({ request, params: { orderId }, context: {} }));
  expect(response.status).toBe(200);
  return createHash('sha256')
    .update(Buffer.from(await response.arrayBuffer()))
    .digest('hex');
}

/** Every (table, column) of the public schema whose text, jsonb or array value contains one of `needles`. */
async function findEverywhere(needles: string[]): Promise<string[]> {
  const columns = (await db.execute(sql`
    select c.table_name as "table", c.column_name as "column"
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      and (c.data_type in ('text', 'character varying', 'jsonb', 'json') or c.udt_name in ('_text', '_varchar'))
  `)) as unknown as { table: string; column: string }[];
  expect(columns.length).toBeGreaterThan(50);
  const hits: string[] = [];
  for (const { table, column } of columns) {
    for (const needle of needles) {
      const [row] = (await db.execute(
        sql`select count(*)::int as n from ${sql.identifier(table)}
            where position(lower(${needle}) in lower(${sql.identifier(column)}::text)) > 0`,
      )) as unknown as { n: number }[];
      if (row.n > 0) hits.push(`${table}.${column} holds ${needle}`);
    }
  }
  return hits;
}

/** Every Redis key of this file (its own prefix and its queues'), with its content as text. */
async function redisDump(): Promise<string[]> {
  const client = redis();
  const prefix = env().QUEUE_PREFIX;
  const out: string[] = [];
  for (const pattern of [`${prefix}:*`, `{${prefix}.*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', '500');
      cursor = next;
      for (const key of keys) {
        const type = await client.type(key);
        const content =
          type === 'string'
            ? await client.get(key)
            : type === 'hash'
              ? JSON.stringify(await client.hgetall(key))
              : type === 'list'
                ? JSON.stringify(await client.lrange(key, 0, -1))
                : type === 'set'
                  ? JSON.stringify(await client.smembers(key))
                  : type === 'zset'
                    ? JSON.stringify(await client.zrange(key, '0', '-1'))
                    : type === 'stream'
                      ? JSON.stringify(await client.xrange(key, '-', '+'))
                      : '';
        out.push(`${key} ${content}`);
      }
    } while (cursor !== '0');
  }
  return out;
}

const tagOf = () => randomBytes(4).toString('hex');

describe('deleting an account', () => {
  it('leaves no personal value anywhere, keeps invoices, ledger and the audit chain', async () => {
    const tag = tagOf();
    const email = `qiu.xiaolan.${tag}@example.test`;
    const name = `邱晓岚${tag}`;
    const seller = await verifiedSeller(db);
    const otherBuyer = await buyerOrg(db);
    // Invited before registering: the invitation and its audit entry hold the e-mail.
    await invite(seller.userId, seller.orgId, { email, role: 'trader' });
    const registered = await register(
      {
        email,
        password: PASSWORD,
        name,
        orgName: `丰泰餐饮 ${tag}`,
        orgKind: 'buyer',
        city: '广州',
        locale: 'zh-CN',
      },
      { ip: '203.0.113.50' },
    );
    if (!registered.ok) throw new Error(JSON.stringify(registered.errors));
    const me = { userId: registered.value.userId, orgId: registered.value.orgId };
    expect(
      await db
        .select()
        .from(memberships)
        .where(and(eq(memberships.userId, me.userId), eq(memberships.orgId, seller.orgId))),
    ).toHaveLength(1);

    // Orders on both sides: bought for my org, and sold (shipped and weighed by me) for the seller org.
    const bought = await completedOrder(seller, me, { withdrawLot: true });
    const sold = await completedOrder(seller, otherBuyer, { sellerActor: me.userId, withdrawLot: true });
    const sellerCookie = await sessionCookieOf(seller);
    const before = { bought: await pdfHash(bought, sellerCookie), sold: await pdfHash(sold, sellerCookie) };
    const invoicesBefore = await db.select().from(invoices).orderBy(invoices.id);

    // An inbox notification and a kept e-mail addressed to me, a wrong login, Redis data naming me.
    await db.insert(notifications).values({
      id: `ntf_${tag}`,
      userId: me.userId,
      type: 'order.paid',
      params: { buyer: name, contact: email },
      dedupeKey: `erase-${tag}`,
    });
    await db.insert(devMailbox).values({
      id: `mail_${tag}`,
      sourceId: `src_${tag}`,
      userId: me.userId,
      toAddress: email,
      subject: `${name}，您好`,
      text: `${name}，您的订单已付款`,
      html: `<p>${name}</p>`,
      locale: 'zh-CN',
    });
    // An e-mail still waiting to be sent to me.
    await db
      .insert(notificationEvents)
      .values({ id: `nev_${tag}`, type: 'order.paid', userIds: [me.userId] });
    await db.insert(notificationDeliveries).values({
      id: `ndl_${tag}`,
      eventId: `nev_${tag}`,
      recipient: me.userId,
      channel: 'email',
      userId: me.userId,
    });
    // A note someone else wrote about me, in a table the erasure code does not know by name.
    await db.execute(
      sql`create table later_feature (id text primary key, note text, data jsonb, tags text[])`,
    );
    await db.execute(
      sql`insert into later_feature values ('x', ${`联系 ${name} <${email.toUpperCase()}>`}, ${JSON.stringify({ who: name })}::jsonb, array[${email}, 'keep'])`,
    );
    expect((await login({ email, password: 'not-it' }, { ip: '203.0.113.51' })).ok).toBe(false);
    const prefix = env().QUEUE_PREFIX;
    await redis().set(`${prefix}:cache:profile:${me.userId}`, JSON.stringify({ name, email }));
    await redis().xadd(`${prefix}:activity`, '*', 'who', email, 'what', 'login');
    await redis().xadd(`${prefix}:activity`, '*', 'who', 'usr_other', 'what', 'login');
    const loginTag = createHash('sha256').update(email).digest('hex').slice(0, 32);
    expect((await redisDump()).some((line) => line.includes(loginTag))).toBe(true);

    // A data export built for me: a zip in storage holding my e-mail and name.
    const requested = await db.transaction((tx) => requestExport(tx, me.userId));
    if (!requested.ok) throw new Error(requested.reason);
    expect(await buildExport(db, requested.exportId)).toBe('built');
    const [built] = await db.select().from(privacyExports).where(eq(privacyExports.id, requested.exportId));
    if (!built?.fileKey) throw new Error('export not stored');
    expect(await storage().get(built.fileKey)).not.toBeNull();

    const myCookie = await sessionCookieOf(me);
    const wrong = await call(() =>
      deleteAction({
        request: formRequest('/settings/privacy/delete', { password: 'nope' }, { cookie: myCookie }),
        params: {},
        context: {},
      }),
    );
    expect(wrong.status).toBe(400);
    expect((await db.select().from(users).where(eq(users.id, me.userId)))[0].erasedAt).toBeNull();

    const response = await call(() =>
      deleteAction({
        request: formRequest('/settings/privacy/delete', { password: PASSWORD }, { cookie: myCookie }),
        params: {},
        context: {},
      }),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('/account-deleted');
    expect(response.headers.get('Set-Cookie')).toMatch(
      /wharf_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/,
    );

    expect(await findEverywhere([email, name])).toEqual([]);
    // The export ended with the account; its zip goes by the sweep job the erasure sent through the outbox.
    expect(
      (await db.select().from(privacyExports).where(eq(privacyExports.userId, me.userId))).map(
        (e) => e.status,
      ),
    ).toEqual(['expired']);
    expect(
      await db
        .select()
        .from(outbox)
        .where(and(eq(outbox.queue, 'privacy'), eq(outbox.name, 'sweep-exports'))),
    ).toHaveLength(1);
    expect(await processPrivacyJob({ name: 'sweep-exports', data: {} })).toEqual({ expired: 1 });
    expect(await storage().get(built.fileKey)).toBeNull();
    expect(await buildExport(db, requested.exportId)).toBe('skipped');
    const [after] = await db.select().from(users).where(eq(users.id, me.userId));
    expect(after.erasedAt).not.toBeNull();
    expect(after.passwordHash).toBeNull();
    expect(after.name).toMatch(/^已注销用户 [0-9a-f]{6}$/);
    const [later] = (await db.execute(sql`select note, data, tags from later_feature`)) as unknown as {
      note: string;
      data: { who: string };
      tags: string[];
    }[];
    expect(later.note).toBe(`联系 ${after.name} <${after.name}>`);
    expect(later.data.who).toBe(after.name);
    expect(later.tags).toEqual([after.name, 'keep']);
    expect(await db.select().from(sessions).where(eq(sessions.userId, me.userId))).toEqual([]);
    const [waiting] = await db
      .select()
      .from(notificationDeliveries)
      .where(eq(notificationDeliveries.id, `ndl_${tag}`));
    expect(waiting).toMatchObject({ status: 'failed', lastError: 'recipient erased' });
    expect(await db.select().from(memberships).where(eq(memberships.userId, me.userId))).toEqual([]);
    // My sole-member org closed with me; the seller org, with others, stays open.
    const [myOrg] = await db.select().from(organisations).where(eq(organisations.id, me.orgId));
    expect(myOrg.closedAt).not.toBeNull();

    // Redis: nothing names me, hashes me, or is lost beside me.
    const dump = await redisDump();
    for (const needle of [email, name, loginTag]) expect(dump.filter((l) => l.includes(needle))).toEqual([]);
    expect(dump.some((line) => line.includes('usr_other'))).toBe(true);

    // Kept records: the same invoices, byte for byte; orders still name my id; ledger and chain hold.
    expect(await db.select().from(invoices).orderBy(invoices.id)).toEqual(invoicesBefore);
    expect(await pdfHash(bought, sellerCookie)).toBe(before.bought);
    expect(await pdfHash(sold, sellerCookie)).toBe(before.sold);
    expect((await db.select().from(orders).where(eq(orders.id, bought)))[0].createdBy).toBe(me.userId);
    await checkLedgerInvariants(db);
    expect(await verifyAuditChain(db)).toBeNull();
    const registeredEntry = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'account.registered'), eq(auditLog.actorUserId, me.userId)));
    expect(registeredEntry[0].personalDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(
      await db.select().from(auditPersonal).where(eq(auditPersonal.seq, registeredEntry[0].seq)),
    ).toEqual([]);

    const [logged] = await db
      .select()
      .from(privacyRequests)
      .where(and(eq(privacyRequests.subjectUserId, me.userId), eq(privacyRequests.kind, 'delete_account')));
    expect(logged).toMatchObject({ status: 'done', reason: null });
    expect(logged.detail).toMatchObject({ sessions: 2, closedOrgs: [me.orgId] });

    // Nobody can sign in as the erased account any more.
    const again = await login({ email, password: PASSWORD }, { ip: '203.0.113.52' });
    expect(again.ok).toBe(false);

    // The log file of this run (scripts/test.ts sets it) never saw the person either.
    const logFile = process.env.WHARF_LOG_FILE;
    if (logFile) {
      const text = await readFile(logFile, 'utf8').catch(() => '');
      expect(text.includes(email) || text.includes(name)).toBe(false);
    }
  });

  it('is refused with 409 and changes nothing while an order of mine is open, or I am the last admin', async () => {
    const tag = tagOf();
    const seller = await verifiedSeller(db);
    const registered = await register(
      {
        email: `open-${tag}@example.test`,
        password: PASSWORD,
        name: `陆明哲${tag}`,
        orgName: `海味轩 ${tag}`,
        orgKind: 'buyer',
        city: '',
        locale: 'zh-CN',
      },
      { ip: '203.0.113.60' },
    );
    if (!registered.ok) throw new Error(JSON.stringify(registered.errors));
    const me = { userId: registered.value.userId, orgId: registered.value.orgId };
    const lot = await liveShrimpLot(db, seller, '1000');
    const placed = await placeBuyNow({
      buyerOrgId: me.orgId,
      actorUserId: me.userId,
      form: { listingId: lot, quantity: '100', unit: 'kg', tolerancePercent: 0 },
    });
    expect(placed.ok).toBe(true);
    const cookie = await sessionCookieOf(me);
    const snapshot = async () => ({
      user: await db.select().from(users).where(eq(users.id, me.userId)),
      sessions: (await db.select().from(sessions).where(eq(sessions.userId, me.userId))).length,
      members: await db.select().from(memberships).where(eq(memberships.userId, me.userId)),
    });
    const was = await snapshot();
    const post = () =>
      call(() =>
        deleteAction({
          request: formRequest('/settings/privacy/delete', { password: PASSWORD }, { cookie }),
          params: {},
          context: {},
        }),
      );
    const refused = await post();
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { errors: { form: string } }).errors.form).toBe(
      'erasure.refused.openOrders',
    );
    expect(await snapshot()).toEqual(was);

    // The order cancelled, a colleague joins my org: as its only admin I must hand over first.
    if (placed.ok) await db.update(orders).set({ status: 'cancelled' }).where(eq(orders.id, placed.orderId));
    await db
      .insert(users)
      .values({ id: `usr_c${tag}`, email: `colleague-${tag}@example.test`, name: '同事', passwordHash: 'x' });
    await db.insert(memberships).values({ orgId: me.orgId, userId: `usr_c${tag}`, role: 'trader' });
    const soleAdmin = await post();
    expect(soleAdmin.status).toBe(409);
    expect(((await soleAdmin.json()) as { errors: { form: string } }).errors.form).toBe(
      'erasure.refused.soleAdmin',
    );
    expect(await snapshot()).toEqual(was);

    const reasons = await db
      .select({ status: privacyRequests.status, reason: privacyRequests.reason })
      .from(privacyRequests)
      .where(eq(privacyRequests.subjectUserId, me.userId))
      .orderBy(privacyRequests.requestedAt);
    expect(reasons).toEqual([
      { status: 'refused', reason: 'erasure.refused.openOrders' },
      { status: 'refused', reason: 'erasure.refused.soleAdmin' },
    ]);
  });
});

describe('an organisation leaving', () => {
  it('is refused while it has live lots, then closes: members removed, invoices kept', async () => {
    const seller = await verifiedSeller(db);
    const buyer = await buyerOrg(db);
    const order = await completedOrder(seller, buyer, { withdrawLot: true });
    const lot = await liveShrimpLot(db, seller, '300');
    const [org] = await db.select().from(organisations).where(eq(organisations.id, seller.orgId));
    const cookie = await sessionCookieOf(seller);
    const post = (name: string) =>
      call(() =>
        leaveAction({
          request: formRequest(`/orgs/${seller.orgId}/leave`, { name }, { cookie }),
          params: { orgId: seller.orgId },
          context: {},
        }),
      );
    expect((await post('另一家')).status).toBe(400);
    const refused = await post(org.name);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { errors: { form: string } }).errors.form).toBe(
      'erasure.refused.liveLots',
    );
    expect(await db.select().from(memberships).where(eq(memberships.orgId, seller.orgId))).toHaveLength(1);

    // A trader may not close it.
    const traderCookie = await sessionCookieOf(buyer);
    const asTrader = await call(() =>
      leaveAction({
        request: formRequest(`/orgs/${buyer.orgId}/leave`, { name: 'x' }, { cookie: traderCookie }),
        params: { orgId: buyer.orgId },
        context: {},
      }),
    );
    expect(asTrader.status).toBe(403);

    await db.execute(sql`update listings set status = 'withdrawn' where id = ${lot}`);
    const invoicesBefore = await db.select().from(invoices).where(eq(invoices.orderId, order));
    const closed = await post(org.name);
    expect(closed.status).toBe(302);
    const [after] = await db.select().from(organisations).where(eq(organisations.id, seller.orgId));
    expect(after.closedAt).not.toBeNull();
    expect(await db.select().from(memberships).where(eq(memberships.orgId, seller.orgId))).toEqual([]);
    expect(await db.select().from(invoices).where(eq(invoices.orderId, order))).toEqual(invoicesBefore);
    const logged = await db
      .select({ status: privacyRequests.status, reason: privacyRequests.reason })
      .from(privacyRequests)
      .where(and(eq(privacyRequests.orgId, seller.orgId), eq(privacyRequests.kind, 'delete_org')))
      .orderBy(privacyRequests.requestedAt);
    expect(logged).toEqual([
      { status: 'refused', reason: 'erasure.refused.liveLots' },
      { status: 'done', reason: null },
    ]);
    await checkLedgerInvariants(db);
  });
});

describe('the audit chain with personal parts', () => {
  it('verifies with the part, after it is erased, and finds a changed part', async () => {
    await db.transaction((tx) =>
      appendAudit(tx, {
        actorUserId: null,
        action: 'test.personal',
        subjectType: 'thing',
        subjectId: 'p1',
        detail: { n: 1 },
        personal: { userId: 'usr_p1', data: { email: 'p1@example.test' } },
      }),
    );
    const [entry] = await db.select().from(auditLog).where(eq(auditLog.subjectId, 'p1'));
    expect(entry.detail).toEqual({ n: 1 });
    expect(await verifyAuditChain(db)).toBeNull();
    await db
      .update(auditPersonal)
      .set({ data: { email: 'changed@example.test' } })
      .where(eq(auditPersonal.seq, entry.seq));
    expect(await verifyAuditChain(db)).toBe(entry.seq);
    await db.delete(auditPersonal).where(eq(auditPersonal.seq, entry.seq));
    expect(await verifyAuditChain(db)).toBeNull();
  });
});

describe('retention', () => {
  it('deletes what outlived the operator’s periods and logs the counts', async () => {
    const tag = tagOf();
    const now = new Date('2026-12-06T12:00:00Z');
    const days = (n: number) => new Date(now.getTime() - n * 24 * 3600 * 1000);
    const carrier = await buyerOrg(db);
    await setMarketSetting(db, 'sessionRetentionDays', 30, carrier.userId);
    await setMarketSetting(db, 'telemetryRawDays', 60, carrier.userId);
    await setMarketSetting(db, 'emailBodyDays', 10, carrier.userId);
    await db.insert(sessions).values([
      { id: `s_old_${tag}`, userId: carrier.userId, expiresAt: days(31) },
      { id: `s_revoked_${tag}`, userId: carrier.userId, expiresAt: days(-5), revokedAt: days(40) },
      { id: `s_recent_${tag}`, userId: carrier.userId, expiresAt: days(29) },
      { id: `s_live_${tag}`, userId: carrier.userId, expiresAt: days(-10) },
    ]);
    await db.insert(vehicles).values({
      id: `veh_${tag}`,
      carrierOrgId: carrier.orgId,
      plate: `粤A${tag}`,
      tempClass: 'chilled',
      capacityKg: 1000,
      capacityPallets: 4,
      homeBase: '广州',
    });
    await db.insert(telemetryDevices).values({ id: `dev_${tag}`, vehicleId: `veh_${tag}`, secret: 's' });
    await db.insert(telemetryReadings).values([
      { deviceId: `dev_${tag}`, vehicleId: `veh_${tag}`, at: days(61), tempC: 3, lat: 23.1, lng: 113.3 },
      { deviceId: `dev_${tag}`, vehicleId: `veh_${tag}`, at: days(59), tempC: 3, lat: 23.1, lng: 113.3 },
    ]);
    const mail = (id: string, createdAt: Date) => ({
      id: `${id}_${tag}`,
      sourceId: `${id}_${tag}`,
      userId: carrier.userId,
      toAddress: 'someone@example.test',
      subject: 's',
      text: 't',
      html: 'h',
      locale: 'zh-CN',
      createdAt,
    });
    await db.insert(devMailbox).values([mail('old', days(11)), mail('new', days(9))]);

    const counts = await runRetention(db, now);
    expect(counts).toMatchObject({ sessions: 2, telemetryReadings: 1, emails: 1 });
    const left = await db
      .select({ id: sessions.id })
      .from(sessions)
      .where(eq(sessions.userId, carrier.userId));
    expect(left.map((s) => s.id).sort()).toEqual([`s_live_${tag}`, `s_recent_${tag}`]);
    expect(
      await db
        .select()
        .from(telemetryReadings)
        .where(eq(telemetryReadings.deviceId, `dev_${tag}`)),
    ).toHaveLength(1);
    expect(
      (await db.select().from(devMailbox).where(eq(devMailbox.userId, carrier.userId))).map((m) => m.id),
    ).toEqual([`new_${tag}`]);
    const [logged] = await db.select().from(privacyRequests).where(eq(privacyRequests.kind, 'retention'));
    expect(logged).toMatchObject({ status: 'done', subjectUserId: null });
    expect(logged.detail).toMatchObject({ sessions: 2, telemetryReadings: 1, emails: 1 });
  });
});

describe('the retention periods on the operator’s settings page', () => {
  it('are saved when in range and refused with the range otherwise', async () => {
    const tag = tagOf();
    await db.insert(organisations).values({ id: `org_op${tag}`, name: `市场办 ${tag}`, kind: 'operator' });
    await db
      .insert(users)
      .values({ id: `usr_op${tag}`, email: `op-${tag}@example.test`, name: '市场办', passwordHash: 'x' });
    await db.insert(memberships).values({ orgId: `org_op${tag}`, userId: `usr_op${tag}`, role: 'owner' });
    const cookie = await sessionCookieOf({ userId: `usr_op${tag}`, orgId: `org_op${tag}` });
    const post = (fields: Record<string, string>) =>
      call(() =>
        settingsAction({
          request: formRequest('/operator/settings', { intent: 'market', ...fields }, { cookie }),
          params: {},
          context: {},
        }),
      );
    const refused = await post({ sessionRetentionDays: '0', telemetryRawDays: '3', emailBodyDays: '30' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: Record<string, string> }).errors).toEqual({
      sessionRetentionDays: 'console.settings.range.sessionRetentionDays',
      telemetryRawDays: 'console.settings.range.telemetryRawDays',
    });
    const stored = async () =>
      Object.fromEntries((await db.select().from(marketSettings)).map((row) => [row.key, row.value]));
    expect((await stored()).emailBodyDays).not.toBe(30);
    expect(
      (await post({ sessionRetentionDays: '14', telemetryRawDays: '365', emailBodyDays: '30' })).status,
    ).toBe(302);
    expect(await stored()).toMatchObject({
      sessionRetentionDays: 14,
      telemetryRawDays: 365,
      emailBodyDays: 30,
    });
  });
});
