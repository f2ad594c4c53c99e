// The authorization matrix: every loader and action of every route, called as each kind of caller, answers as declared.
// A route file without a row here fails the test, so a new page cannot ship without saying who may use it.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { memberships, organisations, users, verificationApplications } from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { commitSessionCookie, createSession } from '../../app/lib/session.server';
import { storage } from '../../app/lib/storage.server';
import { placeBuyNow } from '../../app/orders/orders.server';
import { repoRoot } from '../../scripts/services';
import { ORIGIN, call } from '../support/http';
import { buyerOrg, liveShrimpLot } from '../support/listings';

/** Who calls: nobody, a viewer and a trader of the org that owns the thing, a trader of another org, a suspended org's trader, an operator. */
const PERSONAS = ['anon', 'viewer', 'trader', 'other', 'suspended', 'operator'] as const;
type Persona = (typeof PERSONAS)[number];

/** The things the rows point at, created once. */
type Fixture = {
  orgId: string;
  otherOrgId: string;
  listingId: string;
  orderId: string;
  applicationId: string;
};

/**
 * Expected statuses in persona order (anon viewer trader other suspended operator), e.g. '302 200 200 200 200 200'.
 * An action is posted an empty form (or `fields`): the allowed answer is then usually 400 (nothing valid to do).
 */
type Expect = string;
type Row = {
  path: (f: Fixture) => string;
  params?: (f: Fixture) => Record<string, string>;
  loader?: Expect;
  action?: Expect | { fields: Record<string, string>; expect: Expect };
};

// Shorthands for the common rules.
const PUBLIC = '200 200 200 200 200 200';
const SIGNED_IN = '302 200 200 200 200 200';
const OPERATOR = '302 403 403 403 403 200';
/** An operator action with an empty form: refused as invalid for operators only. */
const OPERATOR_ACT = '302 403 403 403 403 400';

const ROUTES: Record<string, Row> = {
  '_index.tsx': { path: () => '/', loader: PUBLIC },
  'login.tsx': { path: () => '/login', loader: '200 302 302 302 302 302', action: '400 400 400 400 400 400' },
  'register.tsx': {
    path: () => '/register',
    loader: '200 302 302 302 302 302',
    action: '400 302 302 302 302 302',
  },
  'logout.tsx': {
    path: () => '/logout',
    loader: '302 302 302 302 302 302',
    action: '302 302 302 302 302 302',
  },
  'language.tsx': {
    path: () => '/language',
    loader: '302 302 302 302 302 302',
    action: '400 400 400 400 400 400',
  },
  'dashboard.tsx': { path: () => '/dashboard', loader: SIGNED_IN },
  'inbox.tsx': { path: () => '/inbox', loader: SIGNED_IN, action: '302 400 400 400 400 400' },
  'invitations.tsx': { path: () => '/invitations', loader: SIGNED_IN, action: '302 400 400 400 400 400' },
  'settings.tsx': { path: () => '/settings', loader: SIGNED_IN, action: '302 400 400 400 400 400' },
  'org.switch.tsx': {
    path: () => '/org/switch',
    loader: '302 302 302 302 302 302',
    action: '302 404 404 404 404 404',
  },
  'orgs.$orgId.members.tsx': {
    path: (f) => `/orgs/${f.orgId}/members`,
    params: (f) => ({ orgId: f.orgId }),
    loader: '302 200 200 404 404 200',
    action: '302 403 403 404 404 404',
  },
  'market._index.tsx': { path: () => '/market', loader: PUBLIC },
  'market.$listingId.tsx': {
    path: (f) => `/market/${f.listingId}`,
    params: (f) => ({ listingId: f.listingId }),
    loader: PUBLIC,
  },
  'files.$.tsx': {
    path: () => '/files/nothing/here.jpg',
    params: () => ({ '*': 'nothing/here.jpg' }),
    loader: '404 404 404 404 404 404',
  },
  'sell._index.tsx': {
    path: () => '/sell',
    loader: '302 200 200 200 200 403',
    action: '302 403 400 400 403 403',
  },
  'sell.new.tsx': {
    path: () => '/sell/new',
    loader: '302 403 200 200 403 403',
    action: '302 403 400 400 403 403',
  },
  'sell.$listingId.edit.tsx': {
    path: (f) => `/sell/${f.listingId}/edit`,
    params: (f) => ({ listingId: f.listingId }),
    loader: '302 200 200 404 404 404',
    action: '302 403 400 404 404 404',
  },
  'orders._index.tsx': { path: () => '/orders', loader: '302 200 200 200 200 403' },
  'orders.new.tsx': {
    path: (f) => `/orders/new?listingId=${f.listingId}`,
    loader: '302 200 200 200 200 200',
    action: '302 403 400 400 403 403',
  },
  'orders.$orderId.tsx': {
    path: (f) => `/orders/${f.orderId}`,
    params: (f) => ({ orderId: f.orderId }),
    loader: '302 200 200 404 404 200',
    action: '302 400 400 404 404 400',
  },
  'orders_.$orderId.invoice.tsx': {
    path: (f) => `/orders/${f.orderId}/invoice`,
    params: (f) => ({ orderId: f.orderId }),
    loader: '302 404 404 404 404 404',
  },
  'orders_.$orderId.invoice[.]pdf.tsx': {
    path: (f) => `/orders/${f.orderId}/invoice.pdf`,
    params: (f) => ({ orderId: f.orderId }),
    loader: '302 404 404 404 404 404',
  },
  'disputes.$disputeId.files.$fileId.tsx': {
    path: () => '/disputes/dsp_none/files/dfl_none',
    params: () => ({ disputeId: 'dsp_none', fileId: 'dfl_none' }),
    loader: '302 404 404 404 404 404',
  },
  'balance.tsx': { path: () => '/balance', loader: '302 200 200 200 200 200' },
  'balance_.payouts.tsx': {
    path: () => '/balance/payouts',
    loader: '302 403 403 403 403 403',
    action: '302 403 403 403 403 403',
  },
  'buy.tsx': { path: () => '/buy', loader: '302 200 200 200 200 403' },
  'logistics.tsx': {
    path: () => '/logistics',
    loader: '302 200 200 200 200 403',
    action: '302 403 403 403 403 403',
  },
  // Without Stripe keys the webhook is switched off for everyone; with them, only a valid signature passes.
  'webhooks.stripe.tsx': { path: () => '/webhooks/stripe', action: '503 503 503 503 503 503' },
  // Routes of the other areas, drawn up from their guards; ids that do not exist answer 404 to everyone signed in.
  '01.$gtin.10.$lot.tsx': {
    path: () => '/01/0000/10/x',
    params: () => ({ gtin: '0000', lot: 'x' }),
    loader: '404 404 404 404 404 404',
  },
  'api.telemetry.$deviceId.tsx': {
    path: () => '/api/telemetry/dev_none',
    params: () => ({ deviceId: 'dev_none' }),
    loader: '405 405 405 405 405 405',
    action: '401 401 401 401 401 401',
  },
  'auctions._index.tsx': { path: () => '/auctions', loader: PUBLIC },
  'auctions.$auctionId.tsx': {
    path: () => '/auctions/auc_none',
    params: () => ({ auctionId: 'auc_none' }),
    loader: '404 404 404 404 404 404',
    action: '302 403 400 400 403 403',
  },
  'demands._index.tsx': { path: () => '/demands', loader: SIGNED_IN },
  'demands.new.tsx': {
    path: () => '/demands/new',
    loader: '302 403 200 200 403 403',
    action: '302 403 400 400 403 403',
  },
  'demands.$demandId.tsx': {
    path: () => '/demands/dem_none',
    params: () => ({ demandId: 'dem_none' }),
    loader: '302 404 404 404 404 404',
    action: '302 403 400 400 403 400',
  },
  'demands.$demandId_.edit.tsx': {
    path: () => '/demands/dem_none/edit',
    params: () => ({ demandId: 'dem_none' }),
    loader: '302 403 404 404 403 404',
    action: '302 403 404 404 403 404',
  },
  'demands.$demandId_.quotes.$quoteId.tsx': {
    path: () => '/demands/dem_none/quotes/quo_none',
    params: () => ({ demandId: 'dem_none', quoteId: 'quo_none' }),
    loader: '302 404 404 404 404 404',
    action: '302 403 404 404 403 404',
  },
  'logistics_.handovers.$handoverId.$n.tsx': {
    path: () => '/logistics/handovers/hov_none/0',
    params: () => ({ handoverId: 'hov_none', n: '0' }),
    loader: '302 404 404 404 404 404',
  },
  'mailbox.tsx': { path: () => '/mailbox', loader: SIGNED_IN },
  'orders_.$orderId.booking.tsx': {
    path: (f) => `/orders/${f.orderId}/booking`,
    params: (f) => ({ orderId: f.orderId }),
    loader: '302 200 200 404 404 200',
    action: '302 404 400 404 404 404',
  },
  'orgs.$orgId.webhooks.tsx': {
    path: (f) => `/orgs/${f.orgId}/webhooks`,
    params: (f) => ({ orgId: f.orgId }),
    loader: '302 403 403 404 404 404',
    action: '302 403 403 404 404 404',
  },
  'sell.$listingId.auction.tsx': {
    path: (f) => `/sell/${f.listingId}/auction`,
    params: (f) => ({ listingId: f.listingId }),
    loader: '302 403 200 404 404 404',
    action: '302 403 400 404 404 404',
  },
  'sell.$listingId.label.tsx': {
    path: (f) => `/sell/${f.listingId}/label`,
    params: (f) => ({ listingId: f.listingId }),
    loader: '302 200 200 404 404 404',
  },
  'settings_.notifications.tsx': {
    path: () => '/settings/notifications',
    loader: SIGNED_IN,
    action: '302 400 400 400 400 400',
  },
  'trace.export.tsx': { path: () => '/trace/export', loader: SIGNED_IN },
  // Operator console.
  'operator._index.tsx': { path: () => '/operator', loader: OPERATOR },
  'operator.audit.tsx': { path: () => '/operator/audit', loader: OPERATOR },
  'operator.categories.tsx': { path: () => '/operator/categories', loader: OPERATOR, action: OPERATOR_ACT },
  'operator.payments.tsx': { path: () => '/operator/payments', loader: OPERATOR, action: OPERATOR_ACT },
  'operator.reviews.tsx': { path: () => '/operator/reviews', loader: OPERATOR, action: OPERATOR_ACT },
  'operator.verifications.tsx': {
    path: () => '/operator/verifications',
    loader: OPERATOR,
    action: OPERATOR_ACT,
  },
  'operator.verifications_.$applicationId.licence.tsx': {
    path: (f) => `/operator/verifications/${f.applicationId}/licence`,
    params: (f) => ({ applicationId: f.applicationId }),
    loader: OPERATOR,
  },
  'operator.reports.tsx': { path: () => '/operator/reports', loader: OPERATOR, action: OPERATOR_ACT },
  'operator.orgs.tsx': { path: () => '/operator/orgs', loader: OPERATOR, action: OPERATOR_ACT },
  'operator.words.tsx': { path: () => '/operator/words', loader: OPERATOR, action: OPERATOR_ACT },
  'operator.settings.tsx': { path: () => '/operator/settings', loader: OPERATOR, action: OPERATOR_ACT },
  // Trust pages for traders.
  'settings_.verification.tsx': {
    path: () => '/settings/verification',
    loader: '302 200 200 200 200 403',
    action: '302 403 403 403 403 403',
  },
  'reports.new.tsx': {
    path: (f) => `/reports/new?subject=listing&id=${f.listingId}`,
    loader: SIGNED_IN,
    action: '302 400 400 400 400 400',
  },
  'reports._index.tsx': { path: () => '/reports', loader: SIGNED_IN },
};

/**
 * Route files other areas were still writing when this matrix was drawn up; each needs a row (the lead adds them).
 * Listed here so the gap is visible (as todo tests) instead of silently uncovered.
 */
const NOT_YET_COVERED = new Set<string>(process.env.AUTHZ_NOT_YET_COVERED?.split(',') ?? []);

const routeFiles = readdirSync(path.join(repoRoot, 'app/routes'))
  .filter((file) => /\.(tsx|ts)$/.test(file) && !/\.(test|spec)\./.test(file))
  .sort();

const cookies = {} as Record<Persona, string>;
let fixture: Fixture;

async function member(orgId: string, role: 'viewer' | 'trader', tag: string) {
  const userId = `usr_az${tag}`;
  await db
    .insert(users)
    .values({ id: userId, email: `authz-${tag}@example.test`, name: '权限测试', passwordHash: 'x' });
  await db.insert(memberships).values({ orgId, userId, role });
  return userId;
}

async function sessionCookie(userId: string, orgId: string) {
  return (await commitSessionCookie(await createSession(db, { userId, activeOrgId: orgId }))).split(';')[0];
}

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  // The owning org and another one both buy and sell, so every trading page applies to them.
  for (const [id, name] of [
    ['org_azown', '权限测试本方水产'],
    ['org_azother', '权限测试他方水产'],
    ['org_azsusp', '权限测试停业水产'],
  ] as const)
    await db.insert(organisations).values({ id, name, kind: 'both', verification: 'verified' });
  const viewer = await member('org_azown', 'viewer', 'viewer');
  const trader = await member('org_azown', 'trader', 'trader');
  const other = await member('org_azother', 'trader', 'other');
  const suspended = await member('org_azsusp', 'trader', 'susp');
  const listingId = await liveShrimpLot(db, { orgId: 'org_azown', userId: trader });
  const buyer = await buyerOrg();
  const placed = await placeBuyNow({
    buyerOrgId: buyer.orgId,
    actorUserId: buyer.userId,
    form: { listingId, quantity: '10', unit: 'kg', tolerancePercent: 3 },
  });
  if (!placed.ok) throw new Error('fixture order refused');
  await storage().put(
    'licences/org_azown/vap_azmatrix.pdf',
    Buffer.from('%PDF-1.4\n%%EOF\n'),
    'application/pdf',
  );
  await db.insert(verificationApplications).values({
    id: 'vap_azmatrix',
    orgId: 'org_azown',
    legalName: '权限测试本方水产有限公司',
    licenceNumber: '91450500MA5N123456',
    address: '北海',
    licenceKey: 'licences/org_azown/vap_azmatrix.pdf',
    licenceType: 'application/pdf',
    licenceBytes: 15,
    submittedBy: trader,
  });
  // Suspended after its member signed in: the session outlives the sanction here only to test the guards.
  await db
    .update(organisations)
    .set({ suspendedUntil: new Date(Date.now() + 3 * 24 * 3600 * 1000) })
    .where(eq(organisations.id, 'org_azsusp'));
  fixture = {
    orgId: 'org_azown',
    otherOrgId: 'org_azother',
    listingId,
    orderId: placed.orderId,
    applicationId: 'vap_azmatrix',
  };
  cookies.anon = '';
  cookies.viewer = await sessionCookie(viewer, 'org_azown');
  cookies.trader = await sessionCookie(trader, 'org_azown');
  cookies.other = await sessionCookie(other, 'org_azother');
  cookies.suspended = await sessionCookie(suspended, 'org_azsusp');
  const [op] = await db.select({ id: users.id }).from(users).where(eq(users.email, 'operator@wharf.test'));
  cookies.operator = await sessionCookie(op.id, 'org_operator');
});

function request(url: string, persona: Persona, method: 'GET' | 'POST', fields: Record<string, string> = {}) {
  const headers = new Headers({ 'x-wharf-client-ip': `203.0.113.${PERSONAS.indexOf(persona) + 20}` });
  if (cookies[persona]) headers.set('Cookie', cookies[persona]);
  if (method === 'GET') return new Request(`${ORIGIN}${url}`, { headers });
  headers.set('Content-Type', 'application/x-www-form-urlencoded');
  return new Request(`${ORIGIN}${url}`, { method, headers, body: new URLSearchParams(fields).toString() });
}

type RouteModule = {
  loader?: (a: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;
  action?: (a: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;
};

/** What each persona gets, in persona order. Log-out runs with fresh sessions so the others stay signed in. */
async function statuses(file: string, kind: 'loader' | 'action', row: Row): Promise<string> {
  const mod = (await import(`../../app/routes/${file}`)) as RouteModule;
  const fn = mod[kind];
  if (!fn) return 'none';
  const action = typeof row.action === 'object' ? row.action : null;
  const out: number[] = [];
  for (const persona of PERSONAS) {
    const saved = cookies[persona];
    if (file === 'logout.tsx' && kind === 'action' && persona !== 'anon') {
      const viewer = await import('../../app/lib/auth.server').then((m) =>
        m.getViewer(request('/', persona, 'GET')),
      );
      cookies[persona] = viewer ? await sessionCookie(viewer.user.id, viewer.activeOrg?.orgId ?? '') : '';
    }
    const req = request(row.path(fixture), persona, kind === 'loader' ? 'GET' : 'POST', action?.fields ?? {});
    const response = await call(() => fn({ request: req, params: row.params?.(fixture) ?? {}, context: {} }));
    out.push(response.status);
    cookies[persona] = saved;
  }
  return out.join(' ');
}

describe('the authorization matrix', () => {
  it('has a row for every route file', () => {
    const missing = routeFiles.filter((file) => !ROUTES[file] && !NOT_YET_COVERED.has(file));
    expect(missing, `route files without a row in the authorization matrix: ${missing.join(', ')}`).toEqual(
      [],
    );
  });

  for (const file of routeFiles.filter((f) => ROUTES[f])) {
    const row = ROUTES[file];
    for (const kind of ['loader', 'action'] as const) {
      const declared =
        kind === 'loader' ? row.loader : typeof row.action === 'object' ? row.action.expect : row.action;
      it(`${file} ${kind}: ${declared ?? 'none'}  (${PERSONAS.join(' ')})`, async () => {
        expect(await statuses(file, kind, row)).toBe(declared ?? 'none');
      });
    }
  }

  for (const file of NOT_YET_COVERED) it.todo(`${file}: needs a row`);
});
