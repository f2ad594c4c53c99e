// What /settings/privacy shows a user about themself (PIPL art. 44), and the corrections they may make (art. 46).
import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import {
  listingFiles,
  listings,
  notificationDeliveries,
  notifications,
  privacyRequests,
  sessions,
  users,
  verificationApplications,
} from '../../db/schema';
import { registerSchema } from '../identity/accounts.server';
import type { FieldErrors } from '../lib/forms.server';
import { logPrivacyRequest } from './requests.server';

export async function privacyOverview(tx: DbOrTx, user: { id: string; email: string }) {
  const [account] = await tx
    .select({ name: users.name, email: users.email, locale: users.locale, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.id, user.id));
  const [activeSessions, uploads, requests, messages] = await Promise.all([
    tx
      .select({
        userAgent: sessions.userAgent,
        createdAt: sessions.createdAt,
        lastSeenAt: sessions.lastSeenAt,
      })
      .from(sessions)
      .where(
        and(eq(sessions.userId, user.id), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)),
      )
      .orderBy(desc(sessions.lastSeenAt)),
    Promise.all([
      tx
        .select({ n: sql<number>`count(*)::int` })
        .from(listingFiles)
        .innerJoin(listings, eq(listings.id, listingFiles.listingId))
        .where(eq(listings.createdBy, user.id)),
      tx
        .select({ n: sql<number>`count(*)::int` })
        .from(verificationApplications)
        .where(eq(verificationApplications.submittedBy, user.id)),
    ]).then(([[files], [licences]]) => ({ listingFiles: files.n, licences: licences.n })),
    tx
      .select({
        id: privacyRequests.id,
        kind: privacyRequests.kind,
        status: privacyRequests.status,
        reason: privacyRequests.reason,
        requestedAt: privacyRequests.requestedAt,
      })
      .from(privacyRequests)
      .where(eq(privacyRequests.subjectUserId, user.id))
      .orderBy(desc(privacyRequests.requestedAt))
      .limit(50),
    // Both counts are by indexed user id; the full per-table counts come with an export (they read every table).
    Promise.all([
      tx.$count(notifications, eq(notifications.userId, user.id)),
      tx
        .select({ channel: notificationDeliveries.channel, n: sql<number>`count(*)::int` })
        .from(notificationDeliveries)
        .where(eq(notificationDeliveries.userId, user.id))
        .groupBy(notificationDeliveries.channel),
    ]).then(([inbox, deliveries]) => ({
      inbox,
      emails: deliveries.find((d) => d.channel === 'email')?.n ?? 0,
      deliveries: deliveries.reduce((sum, d) => sum + d.n, 0),
    })),
  ]);
  return { account, sessions: activeSessions, uploads, requests, messages };
}

/** Logs a look at the page at most once a day (the page is read often; the log should say that it was, not how often). */
export async function logView(tx: DbOrTx, userId: string): Promise<void> {
  const [recent] = await tx
    .select({ id: privacyRequests.id })
    .from(privacyRequests)
    .where(
      and(
        eq(privacyRequests.subjectUserId, userId),
        eq(privacyRequests.kind, 'view'),
        gt(privacyRequests.requestedAt, sql`now() - interval '1 day'`),
      ),
    )
    .limit(1);
  if (!recent)
    await logPrivacyRequest(tx, { kind: 'view', subjectUserId: userId, requestedBy: userId, status: 'done' });
}

/** The correction form: the same rules as registration. */
export const correctionSchema = z.object({
  name: registerSchema.shape.name,
  email: registerSchema.shape.email,
});

/**
 * Applies a correction of the user's name and e-mail and logs which fields changed (never their values).
 * An address another account uses is refused as unavailable, saying no more (ADR 0025).
 */
export async function correctAccount(
  tx: DbOrTx,
  userId: string,
  input: z.infer<typeof correctionSchema>,
): Promise<{ ok: true; changed: string[] } | { ok: false; errors: FieldErrors }> {
  const [current] = await tx
    .select({ name: users.name, email: users.email })
    .from(users)
    .where(eq(users.id, userId))
    .for('update');
  const changed: string[] = [];
  if (current.name !== input.name) changed.push('name');
  if (current.email.toLowerCase() !== input.email) {
    const [taken] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(sql`lower(${users.email}) = ${input.email}`, ne(users.id, userId)));
    if (taken) return { ok: false, errors: { email: 'privacy.errors.emailUnavailable' } };
    changed.push('email');
  }
  if (changed.length === 0) return { ok: true, changed };
  await tx.update(users).set({ name: input.name, email: input.email }).where(eq(users.id, userId));
  await logPrivacyRequest(tx, {
    kind: 'correct',
    subjectUserId: userId,
    requestedBy: userId,
    status: 'done',
    detail: { fields: changed },
  });
  return { ok: true, changed };
}
