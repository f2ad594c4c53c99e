// Server-side sessions: the cookie holds a random token, the database its SHA-256 (ADR 0004).
import { createHash } from 'node:crypto';
import { createCookie } from '@remix-run/node';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { db, type DbOrTx } from '../../db/client';
import { sessions } from '../../db/schema';
import { env, isProduction } from './env.server';
import { newToken } from './ids';

export const SESSION_COOKIE = 'wharf_session';

/** The secrets cookies are signed with: SESSION_SECRET (required in production), a fixed one elsewhere. */
export function cookieSecrets(): string[] {
  return [env().SESSION_SECRET ?? 'wharf-development-and-test-cookie-secret-not-for-production'];
}

// Signed with SESSION_SECRET: a cookie the server did not set (or one altered) is read as no cookie.
const sessionCookie = () =>
  createCookie(SESSION_COOKIE, {
    secrets: cookieSecrets(),
    httpOnly: true,
    sameSite: 'lax',
    secure: isProduction(),
    path: '/',
    maxAge: env().SESSION_DAYS * 24 * 3600,
  });

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function readSessionToken(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get('Cookie'));
  return typeof value === 'string' && value.length >= 32 ? value : null;
}

export type ActiveSession = { id: string; userId: string; activeOrgId: string | null };

export async function findSession(token: string): Promise<ActiveSession | null> {
  const [row] = await db
    .select({
      id: sessions.id,
      userId: sessions.userId,
      activeOrgId: sessions.activeOrgId,
      lastSeenAt: sessions.lastSeenAt,
    })
    .from(sessions)
    .where(
      and(eq(sessions.id, hashToken(token)), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)),
    )
    .limit(1);
  if (!row) return null;
  await touchSession(row.id, row.lastSeenAt);
  return { id: row.id, userId: row.userId, activeOrgId: row.activeOrgId };
}

/** Marks a session seen, at most once a minute: a page view should not write a row every time. */
export async function touchSession(sessionId: string, lastSeenAt: Date): Promise<void> {
  if (Date.now() - lastSeenAt.getTime() > 60_000) {
    await db.update(sessions).set({ lastSeenAt: new Date() }).where(eq(sessions.id, sessionId));
  }
}

export async function createSession(
  tx: DbOrTx,
  input: { userId: string; activeOrgId: string | null; userAgent?: string | null },
): Promise<string> {
  const token = newToken();
  await tx.insert(sessions).values({
    id: hashToken(token),
    userId: input.userId,
    activeOrgId: input.activeOrgId,
    expiresAt: new Date(Date.now() + env().SESSION_DAYS * 24 * 3600 * 1000),
    userAgent: input.userAgent?.slice(0, 200) ?? null,
  });
  return token;
}

export async function commitSessionCookie(token: string): Promise<string> {
  return sessionCookie().serialize(token);
}

export async function destroySessionCookie(): Promise<string> {
  return sessionCookie().serialize('', { maxAge: 0 });
}

export async function revokeSession(tx: DbOrTx, sessionId: string, userId: string): Promise<void> {
  await tx
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}
