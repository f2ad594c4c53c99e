// Sanctions: suspend an org until a time or ban it, pause its live lots, revoke its members' sessions, and lift.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { listingEvents, listings, memberships, organisations, sanctions, sessions } from '../../db/schema';
import { appendAudit } from '../lib/audit.server';
import { newId } from '../lib/ids';
import { enqueue } from '../lib/outbox.server';
import { afterListingChange } from '../listings/hooks.server';
import { notify } from '../notify/notify.server';
import { TrustError } from './moderation.server';
import { marketTime } from './sanction-state.server';

/** The status reason of lots paused by a sanction, so lifting resumes exactly those. */
export const SANCTION_PAUSE_REASON = 'org sanctioned';

export const sanctionSchema = z.object({
  orgId: z.string().min(3).max(64),
  kind: z.enum(['suspend', 'ban'], { errorMap: () => ({ message: 'errors.chooseOne' }) }),
  days: z.coerce
    .number({ invalid_type_error: 'trust.errors.days' })
    .int('trust.errors.days')
    .min(1, 'trust.errors.days')
    .max(365, 'trust.errors.days')
    .optional(),
  reason: z
    .string({ required_error: 'trust.errors.reasonRequired' })
    .trim()
    .min(1, 'trust.errors.reasonRequired')
    .max(1000, 'errors.tooLong'),
});

async function pauseLiveListings(tx: DbOrTx, orgId: string, actorUserId: string) {
  const live = await tx
    .select({ id: listings.id })
    .from(listings)
    .where(and(eq(listings.sellerOrgId, orgId), eq(listings.status, 'live')))
    .for('update');
  if (!live.length) return 0;
  const ids = live.map((l) => l.id);
  await tx
    .update(listings)
    .set({ status: 'paused', statusReason: SANCTION_PAUSE_REASON })
    .where(inArray(listings.id, ids));
  await tx.insert(listingEvents).values(
    ids.map((listingId) => ({
      id: newId('lev'),
      listingId,
      actorUserId,
      fromStatus: 'live' as const,
      toStatus: 'paused' as const,
      reason: SANCTION_PAUSE_REASON,
    })),
  );
  for (const listingId of ids)
    await afterListingChange(tx, { listingId, kind: 'status', actorUserId, from: 'live', to: 'paused' });
  return ids.length;
}

/** Puts back on sale the lots a sanction paused, unless they have expired meanwhile. */
async function resumeSanctionedListings(tx: DbOrTx, orgId: string, actorUserId: string | null) {
  const paused = await tx
    .select({ id: listings.id })
    .from(listings)
    .where(
      and(
        eq(listings.sellerOrgId, orgId),
        eq(listings.status, 'paused'),
        eq(listings.statusReason, SANCTION_PAUSE_REASON),
        sql`${listings.expiresAt} > now()`,
        sql`${listings.quantityAvailable} >= ${listings.minOrderQuantity}`,
      ),
    )
    .for('update');
  if (!paused.length) return 0;
  const ids = paused.map((l) => l.id);
  await tx.update(listings).set({ status: 'live', statusReason: null }).where(inArray(listings.id, ids));
  await tx.insert(listingEvents).values(
    ids.map((listingId) => ({
      id: newId('lev'),
      listingId,
      actorUserId,
      fromStatus: 'paused' as const,
      toStatus: 'live' as const,
      reason: 'sanction lifted',
    })),
  );
  for (const listingId of ids)
    await afterListingChange(tx, { listingId, kind: 'status', actorUserId, from: 'paused', to: 'live' });
  return ids.length;
}

/** Ends every open session of the org's members: they are logged out on their next request. */
async function revokeMemberSessions(tx: DbOrTx, orgId: string) {
  const members = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(eq(memberships.orgId, orgId));
  if (!members.length) return 0;
  const revoked = await tx
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(
      and(
        inArray(
          sessions.userId,
          members.map((m) => m.userId),
        ),
        isNull(sessions.revokedAt),
      ),
    )
    .returning({ id: sessions.id });
  return revoked.length;
}

export async function sanctionOrg(
  tx: DbOrTx,
  input: { orgId: string; operatorUserId: string; kind: 'suspend' | 'ban'; days?: number; reason: string },
) {
  const [org] = await tx.select().from(organisations).where(eq(organisations.id, input.orgId)).for('update');
  if (!org) throw new TrustError('errors.notFound', 404);
  if (org.kind === 'operator') throw new TrustError('trust.errors.operatorOrg', 400);
  if (input.kind === 'suspend' && !input.days) throw new TrustError('trust.errors.days', 400, 'days');
  const now = new Date();
  const endsAt =
    input.kind === 'suspend' ? new Date(now.getTime() + (input.days ?? 0) * 24 * 3600 * 1000) : null;
  const id = newId('snc');
  await tx.insert(sanctions).values({
    id,
    orgId: org.id,
    kind: input.kind,
    reason: input.reason,
    startsAt: now,
    endsAt,
    createdBy: input.operatorUserId,
  });
  await tx
    .update(organisations)
    .set(input.kind === 'ban' ? { bannedAt: now } : { suspendedUntil: endsAt })
    .where(eq(organisations.id, org.id));
  const paused = await pauseLiveListings(tx, org.id, input.operatorUserId);
  const revoked = await revokeMemberSessions(tx, org.id);
  if (endsAt) await enqueue(tx, 'moderation', 'end-suspension', { sanctionId: id }, { runAt: endsAt });
  await appendAudit(tx, {
    actorUserId: input.operatorUserId,
    orgId: org.id,
    action: `org.${input.kind}`,
    subjectType: 'organisation',
    subjectId: org.id,
    detail: { sanctionId: id, reason: input.reason, endsAt: endsAt?.toISOString() ?? null, paused, revoked },
  });
  await notify(tx, {
    type: 'org-suspended',
    orgId: org.id,
    params: { org: org.name, until: endsAt ? marketTime(endsAt) : '—', reason: input.reason },
    subject: { type: 'sanction', id },
  });
  return { id, endsAt, paused, revoked };
}

/**
 * Ends the org's sanctions now (an operator's lift) or at a suspension's end (the delayed job, actor null).
 * A job for a sanction already lifted, or superseded by a later one, changes nothing.
 */
export async function liftSanctions(
  tx: DbOrTx,
  input: { orgId: string; operatorUserId: string | null; reason?: string | null; sanctionId?: string },
) {
  const [org] = await tx.select().from(organisations).where(eq(organisations.id, input.orgId)).for('update');
  if (!org) throw new TrustError('errors.notFound', 404);
  const open = await tx
    .select()
    .from(sanctions)
    .where(and(eq(sanctions.orgId, org.id), isNull(sanctions.liftedAt)));
  if (input.sanctionId) {
    // The end of one suspension: only if it is still the one in force, and nothing stronger (a ban) is open.
    const mine = open.find((s) => s.id === input.sanctionId);
    if (!mine || org.bannedAt || open.some((s) => s.id !== mine.id)) {
      if (mine) await tx.update(sanctions).set({ liftedAt: new Date() }).where(eq(sanctions.id, mine.id));
      return { lifted: 0, resumed: 0 };
    }
  }
  if (!open.length && !org.bannedAt && !org.suspendedUntil) return { lifted: 0, resumed: 0 };
  await tx
    .update(sanctions)
    .set({ liftedAt: new Date(), liftedBy: input.operatorUserId })
    .where(and(eq(sanctions.orgId, org.id), isNull(sanctions.liftedAt)));
  await tx
    .update(organisations)
    .set({ suspendedUntil: null, bannedAt: null })
    .where(eq(organisations.id, org.id));
  const resumed = await resumeSanctionedListings(tx, org.id, input.operatorUserId);
  await appendAudit(tx, {
    actorUserId: input.operatorUserId,
    orgId: org.id,
    action: input.operatorUserId ? 'org.reinstated' : 'org.suspension-ended',
    subjectType: 'organisation',
    subjectId: org.id,
    detail: { reason: input.reason ?? null, lifted: open.map((s) => s.id), resumed },
  });
  await notify(tx, {
    type: 'org-reinstated',
    orgId: org.id,
    params: { org: org.name },
    subject: { type: 'organisation', id: org.id },
  });
  return { lifted: open.length, resumed };
}

/** Orgs for the console's list, sanctioned first. */
export async function orgsForConsole(tx: DbOrTx, q: string | null) {
  const filter = q ? sql`(${organisations.name} ilike ${`%${q}%`} or ${organisations.id} = ${q})` : sql`true`;
  return tx
    .select({
      id: organisations.id,
      name: organisations.name,
      kind: organisations.kind,
      verification: organisations.verification,
      creditScore: organisations.creditScore,
      qualityClass: organisations.qualityClass,
      suspendedUntil: organisations.suspendedUntil,
      bannedAt: organisations.bannedAt,
    })
    .from(organisations)
    .where(and(filter, sql`${organisations.kind} <> 'operator'`))
    .orderBy(
      sql`(${organisations.bannedAt} is not null or ${organisations.suspendedUntil} > now()) desc`,
      organisations.name,
    )
    .limit(100);
}
