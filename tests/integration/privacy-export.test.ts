// Personal data (#16.1): the data map covers every person-like column of the live schema; an export holds every row
// naming the user; downloads are the owner's only and end at expiry; corrections and consents are logged and honoured.
import { and, desc, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { notifications, orders, privacyExports, privacyRequests, users } from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { dictionaries } from '../../app/lib/i18n/resources.server';
import { newId } from '../../app/lib/ids';
import { storage } from '../../app/lib/storage.server';
import { readZip } from '../../app/lib/zip.server';
import { timelineOf } from '../../app/orders/pages.server';
import { DATA_MAP, NOT_A_PERSON, looksPersonal } from '../../app/privacy/data-map.server';
import { action as buyAction } from '../../app/routes/orders.new';
import { action as privacyAction, loader as privacyLoader } from '../../app/routes/settings_.privacy';
import { loader as downloadLoader } from '../../app/routes/settings_.privacy.exports.$exportId';
import { processPrivacyJob } from '../../workers/privacy';
import { call, formRequest, getRequest, logInAs } from '../support/http';
import { demoShrimpLotId } from '../support/listings';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

const BUYER = 'restaurant@wharf.test';
const cookies = { buyer: '', seller: '' };
let buyer: { id: string; email: string };
let orderId: string;

type Column = { table: string; column: string; dataType: string; toUsers: boolean };

/** Every column of the live schema, with whether a foreign key points it at users. */
async function liveColumns(): Promise<Column[]> {
  const rows = await db.execute<{
    table_name: string;
    column_name: string;
    data_type: string;
    to_users: boolean;
  }>(sql`
    select c.table_name, c.column_name, c.data_type,
      exists (
        select 1 from information_schema.key_column_usage k
        join information_schema.referential_constraints r
          on r.constraint_name = k.constraint_name and r.constraint_schema = k.constraint_schema
        join information_schema.constraint_column_usage u
          on u.constraint_name = r.unique_constraint_name and u.constraint_schema = r.unique_constraint_schema
        where k.table_schema = 'public' and k.table_name = c.table_name and k.column_name = c.column_name
          and u.table_name = 'users'
      ) as to_users
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      and c.table_name not like '\\_\\_%'
  `);
  return [...rows].map((r) => ({
    table: r.table_name,
    column: r.column_name,
    dataType: r.data_type,
    toUsers: r.to_users,
  }));
}

/** Person-like columns (by name or by a foreign key to users) that the data map neither covers nor excuses. */
function uncovered(columns: Column[]): string[] {
  return columns
    .filter((c) => c.toUsers || looksPersonal(c.column))
    .filter((c) => {
      const entry = DATA_MAP[c.table];
      const covered =
        entry &&
        (c.column in entry.match || entry.holds?.includes(c.column) || c.column in (entry.omit ?? {}));
      return !covered && !NOT_A_PERSON[`${c.table}.${c.column}`];
    })
    .map((c) => `${c.table}.${c.column}`)
    .sort();
}

/**
 * Every row naming the user, found without the data map: each text or array column that is person-like or points
 * at users, searched for the user's id and e-mail.
 */
async function rowsNamingUser(): Promise<Record<string, Record<string, unknown>[]>> {
  const columns = (await liveColumns()).filter(
    (c) => (c.toUsers || looksPersonal(c.column)) && !NOT_A_PERSON[`${c.table}.${c.column}`],
  );
  const byTable = new Map<string, Column[]>();
  for (const c of columns) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
  const found: Record<string, Record<string, unknown>[]> = {};
  for (const [table, cols] of byTable) {
    const conditions = cols
      .filter((c) => c.dataType === 'text' || c.dataType === 'ARRAY')
      .map((c) =>
        c.dataType === 'ARRAY'
          ? sql`${buyer.id} = any(${sql.identifier(c.column)})`
          : sql`${sql.identifier(c.column)} in (${buyer.id}, ${buyer.email})`,
      );
    if (conditions.length === 0) continue;
    found[table] = [
      ...(await db.execute<Record<string, unknown>>(
        sql`select * from ${sql.identifier(table)} where ${sql.join(conditions, sql` or `)}`,
      )),
    ];
  }
  return found;
}

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  cookies.buyer = await logInAs(BUYER);
  cookies.seller = await logInAs('shrimp@wharf.test');
  const [row] = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(eq(users.email, BUYER));
  buyer = row;
  // Activity across tables: an order (and its events), a notification, a consent and a correction below.
  const lotId = await demoShrimpLotId();
  const bought = await call(() =>
    buyAction(
      args(
        formRequest(
          `/orders/new?listingId=${lotId}`,
          { listingId: lotId, unit: 'kg', tolerancePercent: '3', quantity: '600' },
          { cookie: cookies.buyer },
        ),
      ),
    ),
  );
  expect(bought.status).toBe(302);
  orderId = (bought.headers.get('Location') ?? '').slice('/orders/'.length);
  await db.insert(notifications).values({
    id: newId('ntf'),
    userId: buyer.id,
    type: 'welcome',
    params: { org: '粤味' },
    dedupeKey: `test:${newId('x')}`,
  });
});

describe('the data map', () => {
  it('covers every person-like column of the live schema', async () => {
    expect(uncovered(await liveColumns())).toEqual([]);
  });

  it('names only tables and columns that exist', async () => {
    const columns = await liveColumns();
    const known = new Set(columns.map((c) => `${c.table}.${c.column}`));
    const stale = Object.entries(DATA_MAP).flatMap(([table, entry]) =>
      [...Object.keys(entry.match), ...(entry.holds ?? []), ...Object.keys(entry.omit ?? {})]
        .map((column) => `${table}.${column}`)
        .filter((name) => !known.has(name)),
    );
    const staleExcuses = Object.keys(NOT_A_PERSON).filter((name) => !known.has(name));
    expect([...stale, ...staleExcuses]).toEqual([]);
  });

  it('names every table it maps for the privacy page, in both languages', () => {
    const missing = Object.keys(DATA_MAP).filter(
      (table) =>
        !dictionaries['zh-CN'][`privacy.table.${table}`] || !dictionaries.en[`privacy.table.${table}`],
    );
    expect(missing).toEqual([]);
  });

  it('fails for a new table whose person-like column it does not cover', async () => {
    await db.execute(
      sql`create table privacy_probe (id text primary key, contact_phone text, owner text references users(id))`,
    );
    try {
      expect(uncovered(await liveColumns())).toEqual(['privacy_probe.contact_phone', 'privacy_probe.owner']);
    } finally {
      await db.execute(sql`drop table privacy_probe`);
    }
  });
});

describe('corrections and consents', () => {
  it('refuses a bad e-mail with 400, keeps what was typed and changes nothing', async () => {
    const response = await call(() =>
      privacyAction(
        args(
          formRequest(
            '/settings/privacy',
            { intent: 'correct', name: '新名字', email: 'not-an-address' },
            { cookie: cookies.buyer },
          ),
        ),
      ),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      errors: Record<string, string>;
      values: Record<string, string>;
    };
    expect(body.errors.email).toBe('errors.emailInvalid');
    expect(body.values).toMatchObject({ name: '新名字', email: 'not-an-address' });
    const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, buyer.id));
    expect(row.name).not.toBe('新名字');
  });

  it('refuses an address another account uses', async () => {
    const response = await call(() =>
      privacyAction(
        args(
          formRequest(
            '/settings/privacy',
            { intent: 'correct', name: '王经理', email: 'shrimp@wharf.test' },
            { cookie: cookies.buyer },
          ),
        ),
      ),
    );
    expect(response.status).toBe(400);
    const [row] = await db.select({ email: users.email }).from(users).where(eq(users.id, buyer.id));
    expect(row.email).toBe(BUYER);
  });

  it('corrects the name and logs which field changed, not its value', async () => {
    const response = await call(() =>
      privacyAction(
        args(
          formRequest(
            '/settings/privacy',
            { intent: 'correct', name: '粤味 王经理', email: BUYER },
            { cookie: cookies.buyer },
          ),
        ),
      ),
    );
    expect(response.status).toBe(302);
    const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, buyer.id));
    expect(row.name).toBe('粤味 王经理');
    const [logged] = await db
      .select()
      .from(privacyRequests)
      .where(and(eq(privacyRequests.subjectUserId, buyer.id), eq(privacyRequests.kind, 'correct')));
    expect(logged).toMatchObject({ status: 'done', detail: { fields: ['name'] } });
    expect(JSON.stringify(logged.detail)).not.toContain('王经理');
  });

  it('hides the name from the other side of an order once withdrawn, and logs the change', async () => {
    const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
    const sellerView = { isOperator: false, orgIds: [order.sellerOrgId] };
    const before = await timelineOf(db, order, sellerView);
    expect(before.some((e) => e.actorName === '粤味 王经理')).toBe(true);

    const response = await call(() =>
      privacyAction(
        args(
          formRequest(
            '/settings/privacy',
            { intent: 'consents', shown: 'name_to_counterparties' },
            { cookie: cookies.buyer },
          ),
        ),
      ),
    );
    expect(response.status).toBe(302);
    const after = await timelineOf(db, order, sellerView);
    const placed = after.find((e) => e.kind === 'created');
    expect(placed).toMatchObject({ actorName: null, nameWithheld: true });
    expect(placed?.actorOrgName).toBeTruthy();
    expect(after.some((e) => e.actorName === '粤味 王经理')).toBe(false);
    // The buyer's own organisation and the operators still see who it was.
    const own = await timelineOf(db, order, { isOperator: false, orgIds: [order.buyerOrgId] });
    expect(own.some((e) => e.actorName === '粤味 王经理')).toBe(true);
    const operator = await timelineOf(db, order, { isOperator: true, orgIds: [] });
    expect(operator.some((e) => e.actorName === '粤味 王经理')).toBe(true);
    const [logged] = await db
      .select()
      .from(privacyRequests)
      .where(and(eq(privacyRequests.subjectUserId, buyer.id), eq(privacyRequests.kind, 'consent')));
    expect(logged.detail).toEqual({ consent: 'name_to_counterparties', granted: false });
  });

  it('refuses an unknown consent', async () => {
    const response = await call(() =>
      privacyAction(
        args(
          formRequest(
            '/settings/privacy',
            { intent: 'consents', shown: 'sell_my_soul' },
            { cookie: cookies.buyer },
          ),
        ),
      ),
    );
    expect(response.status).toBe(400);
  });
});

describe('exports', () => {
  let exportId: string;
  /** What the database held about the user when the export was built. */
  let oracle: Record<string, Record<string, unknown>[]>;

  it('queues an export, refuses a second while it is queued, and builds it in the worker', async () => {
    const ask = () =>
      call(() =>
        privacyAction(
          args(formRequest('/settings/privacy', { intent: 'export' }, { cookie: cookies.buyer })),
        ),
      );
    expect((await ask()).status).toBe(302);
    const [row] = await db
      .select()
      .from(privacyExports)
      .where(eq(privacyExports.userId, buyer.id))
      .orderBy(desc(privacyExports.createdAt));
    expect(row.status).toBe('queued');
    exportId = row.id;
    expect((await ask()).status).toBe(409);

    oracle = await rowsNamingUser();
    expect(await processPrivacyJob({ name: 'build-export', data: { exportId } })).toEqual({
      export: 'built',
    });
    // A re-run of the same job does nothing.
    expect(await processPrivacyJob({ name: 'build-export', data: { exportId } })).toEqual({
      export: 'skipped',
    });
    const [ready] = await db.select().from(privacyExports).where(eq(privacyExports.id, exportId));
    expect(ready.status).toBe('ready');
    expect(ready.expiresAt?.getTime()).toBeGreaterThan(Date.now());
    const [request] = await db
      .select()
      .from(privacyRequests)
      .where(eq(privacyRequests.id, ready.requestId ?? ''));
    expect(request.status).toBe('done');

    const page = await call(() =>
      privacyLoader(args(getRequest('/settings/privacy', { cookie: cookies.buyer }))),
    );
    const data = (await page.json()) as {
      exports: { id: string; status: string }[];
      requests: { kind: string }[];
      counted: { counts: Record<string, number> } | null;
      messages: { inbox: number };
    };
    // The page lists the rows per table the export holds, and counts the inbox itself.
    expect(data.counted?.counts.orders).toBeGreaterThan(0);
    expect(data.counted?.counts.users).toBe(1);
    expect(data.messages.inbox).toBeGreaterThan(0);
    expect(data.exports[0]).toMatchObject({ id: exportId, status: 'ready' });
    expect(data.requests.map((r) => r.kind)).toEqual(
      expect.arrayContaining(['export', 'correct', 'consent', 'view']),
    );
  });

  it('holds every row of the live schema that names the user, as JSON and one CSV per table', async () => {
    const response = await call(() =>
      downloadLoader(
        args(getRequest(`/settings/privacy/exports/${exportId}`, { cookie: cookies.buyer }), { exportId }),
      ),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/zip');
    const files = readZip(new Uint8Array(await response.arrayBuffer()));
    const json = JSON.parse(files.get('data.json')?.toString('utf8') ?? '{}') as {
      tables: Record<string, Record<string, unknown>[]>;
    };
    for (const table of Object.keys(DATA_MAP)) expect(files.has(`tables/${table}.csv`)).toBe(true);

    for (const [table, rows] of Object.entries(oracle)) {
      if (rows.length === 0) continue;
      const exported = json.tables[table] ?? [];
      expect(exported.length, table).toBeGreaterThanOrEqual(rows.length);
      if ('id' in rows[0] && table !== 'sessions') {
        const ids = new Set(exported.map((r) => r.id));
        for (const row of rows) expect(ids.has(row.id), `${table} ${row.id}`).toBe(true);
      }
    }
    const seen = Object.fromEntries(Object.entries(oracle).map(([table, rows]) => [table, rows.length]));
    // The activity this file made is there: the order, its events, the notification, sessions, consent, requests.
    for (const table of [
      'users',
      'orders',
      'order_events',
      'notifications',
      'sessions',
      'memberships',
      'user_consents',
      'privacy_requests',
    ])
      expect(seen[table], table).toBeGreaterThan(0);
    expect(json.tables.orders.map((o) => o.id)).toContain(orderId);
    // Secrets stay out.
    expect(json.tables.users[0]).not.toHaveProperty('password_hash');
    expect(files.get('tables/users.csv')?.toString('utf8')).not.toContain('password_hash');
    expect(files.get('tables/orders.csv')?.toString('utf8')).toContain(orderId);
  });

  it('lets only the owner download', async () => {
    const other = await call(() =>
      downloadLoader(
        args(getRequest(`/settings/privacy/exports/${exportId}`, { cookie: cookies.seller }), { exportId }),
      ),
    );
    expect(other.status).toBe(404);
    const anon = await call(() =>
      downloadLoader(args(getRequest(`/settings/privacy/exports/${exportId}`), { exportId })),
    );
    expect(anon.status).toBe(302);
  });

  it('sweeps the file once expired, and the download then answers 410', async () => {
    await db
      .update(privacyExports)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(privacyExports.id, exportId));
    const expiredDownload = await call(() =>
      downloadLoader(
        args(getRequest(`/settings/privacy/exports/${exportId}`, { cookie: cookies.buyer }), { exportId }),
      ),
    );
    expect(expiredDownload.status).toBe(410);
    const [before] = await db.select().from(privacyExports).where(eq(privacyExports.id, exportId));
    expect(await storage().get(before.fileKey ?? '')).not.toBeNull();
    expect(await processPrivacyJob({ name: 'sweep-exports', data: {} })).toEqual({ expired: 1 });
    const [after] = await db.select().from(privacyExports).where(eq(privacyExports.id, exportId));
    expect(after).toMatchObject({ status: 'expired', fileKey: null });
    expect(await storage().get(before.fileKey ?? '')).toBeNull();
    const gone = await call(() =>
      downloadLoader(
        args(getRequest(`/settings/privacy/exports/${exportId}`, { cookie: cookies.buyer }), { exportId }),
      ),
    );
    expect(gone.status).toBe(410);
  });

  it('refuses a fourth export within a day, and logs the refusal with its reason', async () => {
    const ask = () =>
      call(() =>
        privacyAction(
          args(formRequest('/settings/privacy', { intent: 'export' }, { cookie: cookies.buyer })),
        ),
      );
    // One built above; two more may be asked for today (each built before the next, one at a time).
    for (let i = 0; i < 2; i++) {
      expect((await ask()).status).toBe(302);
      const [queued] = await db
        .select({ id: privacyExports.id })
        .from(privacyExports)
        .where(and(eq(privacyExports.userId, buyer.id), eq(privacyExports.status, 'queued')));
      await processPrivacyJob({ name: 'build-export', data: { exportId: queued.id } });
    }
    const refused = await ask();
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ errors: { export: 'privacy.refused.exportTooOften' } });
    const [logged] = await db
      .select()
      .from(privacyRequests)
      .where(and(eq(privacyRequests.subjectUserId, buyer.id), eq(privacyRequests.kind, 'export')))
      .orderBy(desc(privacyRequests.requestedAt))
      .limit(1);
    expect(logged).toMatchObject({ status: 'refused', reason: 'privacy.refused.exportTooOften' });
  });

  it('refuses an unknown job name', async () => {
    await expect(processPrivacyJob({ name: 'forget-everything', data: {} })).rejects.toThrow(
      /unknown privacy job/,
    );
  });

  it('runs the retention job through the same processor and logs its counts', async () => {
    const result = (await processPrivacyJob({ name: 'retention', data: {} })) as {
      deleted: Record<string, number>;
    };
    expect(Object.keys(result.deleted).sort()).toEqual(
      [
        'auditPersonal',
        'certificates',
        'consumerReservations',
        'emails',
        'invitations',
        'sellerFiles',
        'sessions',
        'telemetryReadings',
      ].sort(),
    );
    const logged = await db
      .select({ detail: privacyRequests.detail })
      .from(privacyRequests)
      .where(eq(privacyRequests.kind, 'retention'))
      .orderBy(desc(privacyRequests.requestedAt))
      .limit(1);
    expect(logged[0]?.detail).toMatchObject(result.deleted);
  });
});
