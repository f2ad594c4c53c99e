// Registration, login, sessions and role checks through the real route actions, against PostgreSQL and Redis.
import { count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { auditLog, memberships, organisations, outbox, sessions, users } from '../../db/schema';
import { requireOperator, requireOrgRole } from '../../app/lib/auth.server';
import { action as inviteAction, loader as membersLoader } from '../../app/routes/orgs.$orgId.members';
import { action as loginAction } from '../../app/routes/login';
import { action as logoutAction } from '../../app/routes/logout';
import { action as registerAction } from '../../app/routes/register';
import { action as settingsAction } from '../../app/routes/settings';
import { loader as dashboardLoader } from '../../app/routes/dashboard';
import { loader as sellLoader } from '../../app/routes/sell._index';
import { seedDemoMarket } from '../../db/seed';
import { call, formRequest, getRequest, sessionCookieFrom } from '../support/http';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

let n = 0;
function newAccount(overrides: Record<string, string> = {}) {
  n += 1;
  return {
    email: `trader${n}-${Date.now()}@example.test`,
    password: 'correct horse battery',
    name: '王小明',
    orgName: `湛江测试水产 ${n}`,
    orgKind: 'seller',
    city: '湛江',
    ...overrides,
  };
}

async function register(fields: Record<string, string>) {
  return call(() => registerAction(args(formRequest('/register', fields))));
}

async function counts() {
  const [[u], [o], [m], [x]] = await Promise.all([
    db.select({ n: count() }).from(users),
    db.select({ n: count() }).from(organisations),
    db.select({ n: count() }).from(memberships),
    db.select({ n: count() }).from(outbox),
  ]);
  return { users: u.n, orgs: o.n, memberships: m.n, outbox: x.n };
}

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
});

describe('register', () => {
  it('creates the user, its organisation as owner, a session, a welcome job and an audit entry in one step', async () => {
    const fields = newAccount();
    const response = await register(fields);
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('/dashboard');
    const cookie = response.headers.get('Set-Cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);

    const [user] = await db.select().from(users).where(eq(users.email, fields.email));
    expect(user.passwordHash).toMatch(/^\$argon2/);
    const [membership] = await db.select().from(memberships).where(eq(memberships.userId, user.id));
    expect(membership.role).toBe('owner');
    const [org] = await db.select().from(organisations).where(eq(organisations.id, membership.orgId));
    expect(org).toMatchObject({ name: fields.orgName, kind: 'seller', verification: 'unverified' });
    const jobs = await db.select().from(outbox).where(eq(outbox.name, 'welcome'));
    expect(jobs.filter((j) => (j.payload as { userId: string }).userId === user.id)).toHaveLength(1);
    const audits = await db.select().from(auditLog).where(eq(auditLog.subjectId, org.id));
    expect(audits.map((a) => a.action)).toEqual(['account.registered']);
    // The session row stores a hash of the token, never the token the cookie carries.
    const token = decodeURIComponent(sessionCookieFrom(response).split('=')[1]);
    const stored = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, user.id));
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token.replace(/^"|"$/g, '').slice(0, 20));
  });

  it.each([
    [
      'an e-mail already taken (any case)',
      { email: 'SHRIMP@wharf.test' },
      400,
      'email',
      'errors.emailUnavailable',
    ],
    ['a short password', { password: 'short' }, 400, 'password', 'errors.passwordTooShort'],
    ['an empty organisation name', { orgName: '   ' }, 400, 'orgName', 'errors.orgNameRequired'],
    ['a malformed e-mail', { email: 'not-an-email' }, 400, 'email', 'errors.emailInvalid'],
    ['an unknown organisation kind', { orgKind: 'operator' }, 400, 'orgKind', 'errors.chooseOne'],
  ])(
    'refuses %s with a message on that field and changes nothing',
    async (_label, override, status, field, message) => {
      const before = await counts();
      const response = await register(newAccount(override));
      expect(response.status).toBe(status);
      const body = (await response.json()) as {
        errors: Record<string, string>;
        values: Record<string, string>;
      };
      expect(body.errors[field]).toBe(message);
      expect(body.values.password).toBeUndefined();
      expect(await counts()).toEqual(before);
    },
  );
});

describe('login', () => {
  it('logs in with the right password and refuses a wrong one', async () => {
    const fields = newAccount();
    await register(fields);
    const ok = await call(() =>
      loginAction(args(formRequest('/login', { email: fields.email, password: fields.password }))),
    );
    expect(ok.status).toBe(302);
    expect(sessionCookieFrom(ok)).toMatch(/^wharf_session=/);
    const wrong = await call(() =>
      loginAction(args(formRequest('/login', { email: fields.email, password: 'wrong password' }))),
    );
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { errors: Record<string, string> }).errors.form).toBe(
      'errors.badCredentials',
    );
  });

  it('answers the sixth wrong attempt within a minute with 429, even when that one is right', async () => {
    const fields = newAccount();
    await register(fields);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await call(() =>
        loginAction(
          args(
            formRequest(
              '/login',
              { email: fields.email, password: `wrong-${attempt}` },
              { ip: '198.51.100.9' },
            ),
          ),
        ),
      );
      expect(response.status).toBe(400);
    }
    const sixth = await call(() =>
      loginAction(
        args(
          formRequest('/login', { email: fields.email, password: fields.password }, { ip: '198.51.100.9' }),
        ),
      ),
    );
    expect(sixth.status).toBe(429);
    expect(((await sixth.json()) as { errors: Record<string, string> }).errors.form).toBe(
      'errors.tooManyAttempts',
    );
  });
});

describe('sessions', () => {
  it('stops working once logged out, and other devices can be signed out from settings', async () => {
    const fields = newAccount();
    const first = sessionCookieFrom(await register(fields));
    const second = sessionCookieFrom(
      await call(() =>
        loginAction(args(formRequest('/login', { email: fields.email, password: fields.password }))),
      ),
    );
    expect(
      (await call(() => dashboardLoader(args(getRequest('/dashboard', { cookie: first }))))).status,
    ).toBe(200);
    expect(
      (await call(() => dashboardLoader(args(getRequest('/dashboard', { cookie: second }))))).status,
    ).toBe(200);

    const revoked = await call(() =>
      settingsAction(args(formRequest('/settings', { intent: 'revoke-others' }, { cookie: first }))),
    );
    expect(revoked.status).toBe(302);
    const afterRevoke = await call(() => dashboardLoader(args(getRequest('/dashboard', { cookie: second }))));
    expect(afterRevoke.status).toBe(302);
    expect(afterRevoke.headers.get('Location')).toMatch(/^\/login/);

    await call(() => logoutAction(args(formRequest('/logout', {}, { cookie: first }))));
    const afterLogout = await call(() => dashboardLoader(args(getRequest('/dashboard', { cookie: first }))));
    expect(afterLogout.status).toBe(302);
    expect(afterLogout.headers.get('Location')).toMatch(/^\/login/);
  });
});

describe('roles and organisations', () => {
  it("hides another organisation's pages (404) and keeps buyers out of selling (403)", async () => {
    const seller = sessionCookieFrom(await register(newAccount()));
    const buyer = sessionCookieFrom(await register(newAccount({ orgKind: 'buyer' })));
    const foreign = await call(() =>
      membersLoader(
        args(getRequest('/orgs/org_haixing/members', { cookie: seller }), { orgId: 'org_haixing' }),
      ),
    );
    expect(foreign.status).toBe(404);
    const foreignInvite = await call(() =>
      inviteAction(
        args(
          formRequest(
            '/orgs/org_haixing/members',
            { email: 'x@example.test', role: 'admin' },
            { cookie: seller },
          ),
          { orgId: 'org_haixing' },
        ),
      ),
    );
    expect(foreignInvite.status).toBe(404);
    expect((await call(() => sellLoader(args(getRequest('/sell', { cookie: buyer }))))).status).toBe(403);
    expect((await call(() => sellLoader(args(getRequest('/sell', { cookie: seller }))))).status).toBe(200);
  });

  it('lets owners invite, refuses viewers (403), and the invitee joins with the invited role on registering', async () => {
    const owner = newAccount();
    const ownerCookie = sessionCookieFrom(await register(owner));
    const [{ orgId }] = await db
      .select({ orgId: memberships.orgId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(users.email, owner.email));

    const inviteeEmail = `viewer-${Date.now()}@example.test`;
    const invited = await call(() =>
      inviteAction(
        args(
          formRequest(
            `/orgs/${orgId}/members`,
            { email: inviteeEmail, role: 'viewer' },
            { cookie: ownerCookie },
          ),
          { orgId },
        ),
      ),
    );
    expect(invited.status).toBe(200);
    const invitee = sessionCookieFrom(await register(newAccount({ email: inviteeEmail, orgKind: 'buyer' })));
    const joined = await db
      .select({ orgId: memberships.orgId, role: memberships.role })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(users.email, inviteeEmail));
    expect(joined).toContainEqual({ orgId, role: 'viewer' });
    const viewerRequest = getRequest(`/orgs/${orgId}/members`, { cookie: invitee });
    expect((await call(() => membersLoader(args(viewerRequest, { orgId })))).status).toBe(200);
    const viewerInvite = await call(() =>
      inviteAction(
        args(
          formRequest(
            `/orgs/${orgId}/members`,
            { email: 'y@example.test', role: 'trader' },
            { cookie: invitee },
          ),
          { orgId },
        ),
      ),
    );
    expect(viewerInvite.status).toBe(403);
    await expect(
      requireOrgRole(getRequest('/', { cookie: invitee }), orgId, 'trader'),
    ).rejects.toHaveProperty('status', 403);
  });

  it('refuses an invitation as owner and to someone already a member', async () => {
    const owner = newAccount();
    const ownerCookie = sessionCookieFrom(await register(owner));
    const [{ orgId }] = await db
      .select({ orgId: memberships.orgId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(users.email, owner.email));
    const asOwner = await call(() =>
      inviteAction(
        args(
          formRequest(
            `/orgs/${orgId}/members`,
            { email: 'z@example.test', role: 'owner' },
            { cookie: ownerCookie },
          ),
          { orgId },
        ),
      ),
    );
    expect(asOwner.status).toBe(400);
    const self = await call(() =>
      inviteAction(
        args(
          formRequest(
            `/orgs/${orgId}/members`,
            { email: owner.email, role: 'admin' },
            { cookie: ownerCookie },
          ),
          { orgId },
        ),
      ),
    );
    expect(self.status).toBe(409);
  });

  it('lets only operators into the operator console', async () => {
    const trader = sessionCookieFrom(await register(newAccount()));
    await expect(requireOperator(getRequest('/operator', { cookie: trader }))).rejects.toHaveProperty(
      'status',
      403,
    );
    const operator = sessionCookieFrom(
      await call(() =>
        loginAction(
          args(formRequest('/login', { email: 'operator@wharf.test', password: 'wharf-demo-2026' })),
        ),
      ),
    );
    const viewer = await requireOperator(getRequest('/operator', { cookie: operator }));
    expect(viewer.isOperator).toBe(true);
  });
});
