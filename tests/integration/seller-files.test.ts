// Seller files (#16.3): operators alone keep them, bad input changes nothing, audit names fields not values,
// and a file outlives the seller's stop by six months: not deleted earlier by anyone, purged after.
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { auditLog, organisations, sellerFiles } from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { purgeExpiredSellerFiles, validIdCard } from '../../app/compliance/seller-files.server';
import { action as fileAction, loader as fileLoader } from '../../app/routes/operator.sellers_.$orgId';
import { loader as listLoader } from '../../app/routes/operator.sellers';
import { call, formRequest, getRequest, logInAs } from '../support/http';

let operator = '';
let trader = '';
const ORG = 'org_maowei';

const GOOD = {
  intent: 'save',
  legalName: '钦州茅尾海生蚝专业合作社',
  contactName: '李秀英',
  contactPhone: '139 7770 1234',
  idKind: 'id_card',
  idNumber: '11010519491231002x',
  address: '广西钦州市钦南区茅尾海大道 8 号',
  productTypes: '生蚝、青蟹',
  supplyChannel: 'own_production',
  origin: '广西钦州',
  certificates: '营业执照、水域滩涂养殖证',
  notes: '',
};

const post = (fields: Record<string, string>, cookie = operator, orgId = ORG) =>
  call(() =>
    fileAction({
      request: formRequest(`/operator/sellers/${orgId}`, fields, { cookie }),
      params: { orgId },
      context: {},
    }),
  );

const fileOf = async (orgId = ORG) =>
  (await db.select().from(sellerFiles).where(eq(sellerFiles.orgId, orgId)))[0];

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  operator = await logInAs('operator@wharf.test');
  trader = await logInAs('oyster@wharf.test');
});

describe('ID numbers', () => {
  it('checks the resident ID card check character (GB 11643)', () => {
    expect(validIdCard('11010519491231002X')).toBe(true);
    expect(validIdCard('110105194912310021')).toBe(false);
    expect(validIdCard('1101051949123100')).toBe(false);
  });
});

describe('the seller files console', () => {
  it('lists every seller, missing files first, and is refused to traders', async () => {
    const list = await call(() =>
      listLoader({ request: getRequest('/operator/sellers', { cookie: operator }), params: {}, context: {} }),
    );
    expect(list.status).toBe(200);
    const body = (await list.json()) as {
      rows: { orgId: string; state: string }[];
      total: number;
      missing: number;
    };
    const ids = body.rows.map((r) => r.orgId);
    expect(ids).toEqual(expect.arrayContaining(['org_haixing', 'org_maowei', 'org_xuwen']));
    expect(ids).not.toContain('org_yuewei'); // a buyer that never listed
    expect(body.missing).toBe(body.total);
    const denied = await call(() =>
      listLoader({ request: getRequest('/operator/sellers', { cookie: trader }), params: {}, context: {} }),
    );
    expect(denied.status).toBe(403);
    const deniedFile = await call(() =>
      fileLoader({
        request: getRequest(`/operator/sellers/${ORG}`, { cookie: trader }),
        params: { orgId: ORG },
        context: {},
      }),
    );
    expect(deniedFile.status).toBe(403);
  });

  it('refuses a bad ID number with its message, keeps what was typed, and stores nothing', async () => {
    const response = await post({ ...GOOD, idNumber: '110105194912310021' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      errors: Record<string, string>;
      values: Record<string, string>;
    };
    expect(body.errors.idNumber).toBe('errors.sellers.idCard');
    expect(body.values.contactName).toBe('李秀英');
    const phone = await post({ ...GOOD, contactPhone: '12345' });
    expect(((await phone.json()) as { errors: Record<string, string> }).errors.contactPhone).toBe(
      'errors.sellers.phone',
    );
    expect(await fileOf()).toBeUndefined();
  });

  it('refuses a trader posting the form, changing nothing', async () => {
    const response = await post(GOOD, trader);
    expect(response.status).toBe(403);
    expect(await fileOf()).toBeUndefined();
  });

  it('saves a file and audits the fields that changed, never their values', async () => {
    const created = await post(GOOD);
    expect(created.status).toBe(302);
    const file = await fileOf();
    expect(file?.contactPhone).toBe('13977701234');
    expect(file?.idNumber).toBe('11010519491231002X');
    const updated = await post({ ...GOOD, origin: '广西北海' });
    expect(updated.status).toBe(302);
    const entries = await db
      .select({ action: auditLog.action, detail: auditLog.detail })
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, 'seller_file'), eq(auditLog.subjectId, ORG)));
    expect(entries.map((e) => e.action)).toEqual(['seller_file.created', 'seller_file.updated']);
    expect(entries[1]?.detail).toEqual({ fields: ['origin'] });
    const written = JSON.stringify(entries);
    expect(written).not.toContain('13977701234');
    expect(written).not.toContain('1949123');
    const page = await call(() =>
      fileLoader({
        request: getRequest(`/operator/sellers/${ORG}`, { cookie: operator }),
        params: { orgId: ORG },
        context: {},
      }),
    );
    expect(((await page.json()) as { file: { origin: string } }).file.origin).toBe('广西北海');
  });

  it('answers 404 for an org that does not sell', async () => {
    const response = await post(GOOD, operator, 'org_yuewei');
    expect(response.status).toBe(404);
  });
});

describe('keeping the file six months after the seller stops', () => {
  it('refuses a stop date in the future', async () => {
    const response = await post({ intent: 'stop', stoppedOn: '2999-01-01' });
    expect(response.status).toBe(400);
    expect((await fileOf())?.stoppedAt).toBeNull();
  });

  it('no one can delete a file earlier; the retention purge takes it once the six months are up', async () => {
    await post(
      {
        ...GOOD,
        legalName: '湛江海兴南美白对虾养殖场',
        idKind: 'credit_code',
        idNumber: '91440800MA4UXXXX1L',
      },
      operator,
      'org_haixing',
    );
    expect(await fileOf('org_haixing')).toBeDefined();
    const stop = await post({ intent: 'stop', stoppedOn: '2026-01-05' });
    expect(stop.status).toBe(302);
    expect((await fileOf())?.stoppedAt).not.toBeNull();
    await expect(db.delete(sellerFiles).where(eq(sellerFiles.orgId, 'org_haixing'))).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/kept until six months/) },
    });
    // Stopped five months ago: still kept; seven months ago: due.
    await db.execute(
      sql`update seller_files set stopped_at = now() - interval '5 months' where org_id = ${ORG}`,
    );
    expect(await purgeExpiredSellerFiles(db, new Date())).toBe(0);
    await db.execute(
      sql`update seller_files set stopped_at = now() - interval '7 months' where org_id = ${ORG}`,
    );
    // A ban counts as the stop for an org whose file has no date of its own.
    await db
      .update(organisations)
      .set({ bannedAt: sql`now() - interval '8 months'` })
      .where(eq(organisations.id, 'org_haixing'));
    expect(await purgeExpiredSellerFiles(db, new Date())).toBe(2);
    expect(await fileOf()).toBeUndefined();
    expect(await fileOf('org_haixing')).toBeUndefined();
  });
});
