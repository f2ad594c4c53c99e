// Reports about a listing or an org from any signed-in user, and the operator's outcome the reporter sees.
import { and, asc, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { listings, organisations, reports } from '../../db/schema';
import { appendAudit } from '../lib/audit.server';
import { newId } from '../lib/ids';
import { notify } from '../notify/notify.server';
import { TrustError, decideListing, listingTitleOf } from './moderation.server';

export const reportSchema = z.object({
  subject: z.enum(['listing', 'org'], { errorMap: () => ({ message: 'errors.chooseOne' }) }),
  id: z.string().min(3).max(64),
  reason: z
    .string({ required_error: 'trust.errors.reportReason' })
    .trim()
    .min(1, 'trust.errors.reportReason')
    .max(2000, 'errors.tooLong'),
});

export const resolveSchema = z.object({
  reportId: z.string().min(3).max(64),
  status: z.enum(['upheld', 'dismissed'], { errorMap: () => ({ message: 'errors.chooseOne' }) }),
  outcome: z
    .string({ required_error: 'trust.errors.reasonRequired' })
    .trim()
    .min(1, 'trust.errors.reasonRequired')
    .max(1000, 'errors.tooLong'),
  removeListing: z.string().optional(),
});

/** What is being reported, as the reporter may see it: a public listing or an existing org. */
export async function reportSubject(tx: DbOrTx, subject: 'listing' | 'org', id: string) {
  if (subject === 'listing') {
    const [lot] = await tx
      .select({
        id: listings.id,
        titleZh: listings.titleZh,
        titleEn: listings.titleEn,
        orgId: listings.sellerOrgId,
        status: listings.status,
      })
      .from(listings)
      .where(eq(listings.id, id));
    if (!lot || !['live', 'sold_out', 'paused', 'pending_review'].includes(lot.status)) return null;
    return { subject, id: lot.id, orgId: lot.orgId, name: listingTitleOf(lot) };
  }
  const [org] = await tx
    .select({ id: organisations.id, name: organisations.name, kind: organisations.kind })
    .from(organisations)
    .where(eq(organisations.id, id));
  if (!org || org.kind === 'operator') return null;
  return { subject, id: org.id, orgId: org.id, name: org.name };
}

export async function fileReport(
  tx: DbOrTx,
  input: { reporterUserId: string; subject: 'listing' | 'org'; id: string; reason: string },
) {
  const target = await reportSubject(tx, input.subject, input.id);
  if (!target) throw new TrustError('errors.notFound', 404);
  const id = newId('rpt');
  await tx.insert(reports).values({
    id,
    reporterUserId: input.reporterUserId,
    subjectType: input.subject,
    listingId: input.subject === 'listing' ? target.id : null,
    orgId: target.orgId,
    reason: input.reason,
  });
  return id;
}

/** Upheld or dismissed with an outcome the reporter reads; a listing report may also remove the listing. Audited. */
export async function resolveReport(
  tx: DbOrTx,
  input: {
    reportId: string;
    operatorUserId: string;
    status: 'upheld' | 'dismissed';
    outcome: string;
    removeListing?: boolean;
  },
) {
  const [report] = await tx
    .update(reports)
    .set({
      status: input.status,
      outcome: input.outcome,
      resolvedBy: input.operatorUserId,
      resolvedAt: new Date(),
    })
    .where(and(eq(reports.id, input.reportId), eq(reports.status, 'open')))
    .returning();
  if (!report) throw new TrustError('trust.errors.alreadyDecided');
  if (input.removeListing && input.status === 'upheld' && report.listingId)
    await decideListing(tx, {
      listingId: report.listingId,
      operatorUserId: input.operatorUserId,
      decision: 'remove',
      reason: input.outcome,
    });
  await appendAudit(tx, {
    actorUserId: input.operatorUserId,
    orgId: report.orgId,
    action: `report.${input.status}`,
    subjectType: 'report',
    subjectId: report.id,
    detail: { outcome: input.outcome, removedListing: Boolean(input.removeListing && report.listingId) },
  });
  const target = await reportSubject(tx, report.subjectType, report.listingId ?? report.orgId);
  await notify(tx, {
    type: 'report-resolved',
    userIds: [report.reporterUserId],
    params: { subject: target?.name ?? report.listingId ?? report.orgId, outcome: input.outcome },
    link: '/reports',
    subject: { type: 'report', id: report.id },
  });
  return report;
}

export async function openReports(tx: DbOrTx) {
  return tx
    .select({
      id: reports.id,
      subjectType: reports.subjectType,
      listingId: reports.listingId,
      orgId: reports.orgId,
      orgName: organisations.name,
      listingTitleZh: listings.titleZh,
      listingTitleEn: listings.titleEn,
      reason: reports.reason,
      createdAt: reports.createdAt,
    })
    .from(reports)
    .innerJoin(organisations, eq(organisations.id, reports.orgId))
    .leftJoin(listings, eq(listings.id, reports.listingId))
    .where(eq(reports.status, 'open'))
    .orderBy(asc(reports.createdAt))
    .limit(100);
}

export async function reportsBy(tx: DbOrTx, userId: string) {
  return tx
    .select({
      id: reports.id,
      subjectType: reports.subjectType,
      listingId: reports.listingId,
      orgName: organisations.name,
      listingTitleZh: listings.titleZh,
      listingTitleEn: listings.titleEn,
      reason: reports.reason,
      status: reports.status,
      outcome: reports.outcome,
      createdAt: reports.createdAt,
      resolvedAt: reports.resolvedAt,
    })
    .from(reports)
    .innerJoin(organisations, eq(organisations.id, reports.orgId))
    .leftJoin(listings, eq(listings.id, reports.listingId))
    .where(eq(reports.reporterUserId, userId))
    .orderBy(desc(reports.createdAt))
    .limit(100);
}
