// Who is calling: the signed-in user, its organisations, and guards that throw a Response when it may not.
import { json, redirect } from '@remix-run/node';
import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { type DbOrTx, db, preparedPerPool } from '../../db/client';
import {
  type Locale,
  type MemberRole,
  type OrgKind,
  memberships,
  organisations,
  sessions,
  users,
} from '../../db/schema';
import { marketTime, sanctionState } from '../trust/sanction-state.server';
import { hashToken, readSessionToken, touchSession } from './session.server';
import { forbidden, notFound } from './http.server';

export type OrgMembership = {
  orgId: string;
  orgName: string;
  kind: OrgKind;
  verification: 'unverified' | 'pending' | 'verified' | 'rejected';
  role: MemberRole;
  /** Sanctions (operator console): while suspended or banned the org may read but not act. */
  suspendedUntil?: Date | null;
  bannedAt?: Date | null;
};

export type Viewer = {
  sessionId: string;
  user: { id: string; email: string; name: string; locale: Locale | null };
  memberships: OrgMembership[];
  /** The organisation the user acts for now (switchable); null for a user without any. */
  activeOrg: OrgMembership | null;
  isOperator: boolean;
};

const ROLE_RANK: Record<MemberRole, number> = { viewer: 0, trader: 1, admin: 2, owner: 3 };

export function roleAtLeast(role: MemberRole, needed: MemberRole): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[needed];
}

const cache = new WeakMap<Request, Promise<Viewer | null>>();

export function getViewer(request: Request): Promise<Viewer | null> {
  let pending = cache.get(request);
  if (!pending) {
    pending = loadViewer(request);
    cache.set(request, pending);
  }
  return pending;
}

/**
 * The session, its user and the user's organisations in one prepared statement (ADR 0059, the part kept): every
 * signed-in page and action starts here, and three statements one after another, each built and planned afresh,
 * cost more than the rest of a small action.
 */
const viewerRows = preparedPerPool('viewer', (pool) =>
  pool
    .select({
      sessionId: sessions.id,
      activeOrgId: sessions.activeOrgId,
      lastSeenAt: sessions.lastSeenAt,
      userId: users.id,
      email: users.email,
      name: users.name,
      locale: users.locale,
      orgId: organisations.id,
      orgName: organisations.name,
      kind: organisations.kind,
      verification: organisations.verification,
      role: memberships.role,
      suspendedUntil: organisations.suspendedUntil,
      bannedAt: organisations.bannedAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .leftJoin(organisations, eq(organisations.id, memberships.orgId))
    .where(
      and(
        eq(sessions.id, sql.placeholder('sessionId')),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
      ),
    )
    .orderBy(memberships.createdAt, memberships.orgId),
);

async function loadViewer(request: Request): Promise<Viewer | null> {
  const token = await readSessionToken(request);
  if (!token) return null;
  const found = await viewerRows(db).execute({ sessionId: hashToken(token) });
  const first = found[0];
  if (!first) return null;
  await touchSession(first.sessionId, first.lastSeenAt);
  const rows: OrgMembership[] = [];
  for (const row of found) {
    if (row.orgId === null || row.orgName === null || row.kind === null || row.verification === null)
      continue;
    if (row.role === null) continue;
    rows.push({
      orgId: row.orgId,
      orgName: row.orgName,
      kind: row.kind,
      verification: row.verification,
      role: row.role,
      suspendedUntil: row.suspendedUntil,
      bannedAt: row.bannedAt,
    });
  }
  const activeOrg = rows.find((row) => row.orgId === first.activeOrgId) ?? rows[0] ?? null;
  return {
    sessionId: first.sessionId,
    user: { id: first.userId, email: first.email, name: first.name, locale: first.locale },
    memberships: rows,
    activeOrg,
    isOperator: rows.some((row) => row.kind === 'operator'),
  };
}

function loginRedirect(request: Request): Response {
  const url = new URL(request.url);
  const next = `${url.pathname}${url.search}`;
  return redirect(`/login?next=${encodeURIComponent(next)}`);
}

export async function requireUser(request: Request): Promise<Viewer> {
  const viewer = await getViewer(request);
  if (!viewer) throw loginRedirect(request);
  return viewer;
}

export async function requireAnonymous(request: Request): Promise<void> {
  if (await getViewer(request)) throw redirect('/dashboard');
}

/**
 * A suspended or banned org may still read, but not act: anything needing 'trader' or more is refused
 * with a 403 whose body names why and until when (the error page shows it).
 */
function refuseSanctioned(membership: OrgMembership, role: MemberRole): void {
  if (!roleAtLeast(role, 'trader')) return;
  refuseIfSanctioned({
    suspendedUntil: membership.suspendedUntil ?? null,
    bannedAt: membership.bannedAt ?? null,
  });
}

/** Throws the sanctioned org's 403 (messageKey and until when, for the error page) if the sanction bars it now. */
function refuseIfSanctioned(org: { suspendedUntil: Date | null; bannedAt: Date | null }): void {
  const state = sanctionState(org);
  if (!state.blocked) return;
  throw json(
    state.until
      ? { messageKey: 'trust.sanction.suspended', params: { until: marketTime(state.until) } }
      : { messageKey: 'trust.sanction.banned', params: {} },
    { status: 403 },
  );
}

/**
 * The one check every write made for an org passes, inside the write's own transaction (ADR 0026): the
 * org's sanction as the database holds it now, not as the request's viewer read it. The row is
 * share-locked until commit, so a suspension (whose first step locks this row for update) either landed
 * before and the write is refused, or waits for the write to commit and then pauses what it made.
 * Callers take it before locking the org's other rows (lots), in the same order as the suspension.
 * Throws the same 403 Response as the guards, so no caller needs to catch it.
 */
export async function assertOrgMayAct(tx: DbOrTx, orgId: string): Promise<void> {
  const org = await lockedSanction(tx, orgId);
  if (!org) throw notFound();
  refuseIfSanctioned(org);
}

/**
 * assertOrgMayAct for many orgs in one statement (share-locked in id order, like one call per org): what
 * each org that may not act would have thrown. Used by the auction sequencer, which decides a batch of
 * bids from many orgs under one lock (ADR 0032).
 */
export async function orgsBarredFromActing(
  tx: DbOrTx,
  orgIds: readonly string[],
): Promise<Map<string, unknown>> {
  const barred = new Map<string, unknown>();
  if (orgIds.length === 0) return barred;
  const rows = await tx
    .select({
      id: organisations.id,
      suspendedUntil: organisations.suspendedUntil,
      bannedAt: organisations.bannedAt,
    })
    .from(organisations)
    .where(inArray(organisations.id, [...orgIds]))
    .orderBy(organisations.id)
    .for('share');
  const found = new Map(rows.map((row) => [row.id, row]));
  for (const orgId of orgIds) {
    const org = found.get(orgId);
    try {
      if (!org) throw notFound();
      refuseIfSanctioned(org);
    } catch (refusal) {
      barred.set(orgId, refusal);
    }
  }
  return barred;
}

/** Whether the other side of a trade (a lot's seller) may trade now; share-locked like assertOrgMayAct. */
export async function orgMayTrade(tx: DbOrTx, orgId: string): Promise<boolean> {
  const org = await lockedSanction(tx, orgId);
  return Boolean(org) && !sanctionState(org as NonNullable<typeof org>).blocked;
}

async function lockedSanction(tx: DbOrTx, orgId: string) {
  const [org] = await tx
    .select({ suspendedUntil: organisations.suspendedUntil, bannedAt: organisations.bannedAt })
    .from(organisations)
    .where(eq(organisations.id, orgId))
    .for('share');
  return org;
}

/**
 * The caller acts for `orgId` (which need not be its active org: an order's seller, a lot's owner): it must
 * belong to it with at least `role`, and the org must not be sanctioned. The same answers as requireOrgRole,
 * without the operator's read-only pass.
 */
export async function requireActingOrg(request: Request, orgId: string, role: MemberRole = 'trader') {
  const viewer = await requireUser(request);
  const membership = viewer.memberships.find((m) => m.orgId === orgId);
  if (!membership) throw notFound();
  if (!roleAtLeast(membership.role, role)) throw forbidden();
  refuseSanctioned(membership, role);
  return { ...viewer, membership };
}

/**
 * The caller must belong to `orgId` with at least `role`. A non-member gets 404 (the org's pages
 * are not revealed to exist); a member with too small a role gets 403. Operators may view any org.
 */
export async function requireOrgRole(
  request: Request,
  orgId: string,
  role: MemberRole,
): Promise<Viewer & { membership: OrgMembership | null }> {
  const viewer = await requireUser(request);
  const membership = viewer.memberships.find((m) => m.orgId === orgId) ?? null;
  if (!membership) {
    if (viewer.isOperator && role === 'viewer') return { ...viewer, membership: null };
    throw notFound();
  }
  if (!roleAtLeast(membership.role, role)) throw forbidden();
  refuseSanctioned(membership, role);
  return { ...viewer, membership };
}

/** The active organisation, which must have at least `role`; redirects to the dashboard if there is none. */
export async function requireActiveOrg(request: Request, role: MemberRole = 'viewer') {
  const viewer = await requireUser(request);
  if (!viewer.activeOrg) throw redirect('/dashboard');
  if (!roleAtLeast(viewer.activeOrg.role, role)) throw forbidden();
  refuseSanctioned(viewer.activeOrg, role);
  return { ...viewer, activeOrg: viewer.activeOrg };
}

export async function requireOperator(request: Request): Promise<Viewer> {
  const viewer = await requireUser(request);
  if (!viewer.isOperator) throw forbidden();
  return viewer;
}

/** The active organisation must be of one of `kinds` (sellers for Sell, carriers for Logistics…). */
export async function requireOrgKind(request: Request, kinds: OrgKind[], role: MemberRole = 'viewer') {
  const viewer = await requireActiveOrg(request, role);
  if (!kinds.includes(viewer.activeOrg.kind)) throw forbidden();
  return viewer;
}

/** The client address as Express saw it (the server sets it on the load context's request header). */
export function clientIp(request: Request): string {
  return request.headers.get('x-wharf-client-ip') ?? 'unknown';
}

/** Redirect targets from input: see app/lib/redirect.server.ts. */
export { safeRedirect } from './redirect.server';
