// Seller verification: the licence upload and details, and the operator's approval or rejection with a reason.
import { and, asc, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { organisations, verificationApplications } from '../../db/schema';
import { appendAudit } from '../lib/audit.server';
import { newId } from '../lib/ids';
import type { MultipartUpload } from '../lib/multipart.server';
import { storage } from '../lib/storage.server';
import { notify } from '../notify/notify.server';
import { TrustError } from './moderation.server';

const text = (max: number) =>
  z.string({ required_error: 'errors.required' }).trim().min(1, 'errors.required').max(max, 'errors.tooLong');

/** 统一社会信用代码: 18 characters of digits and capital letters (I, O, S, V, Z never appear). */
export const applicationSchema = z.object({
  legalName: text(120),
  licenceNumber: z
    .string({ required_error: 'errors.required' })
    .trim()
    .toUpperCase()
    .min(1, 'errors.required')
    .regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, 'trust.errors.licenceNumber'),
  address: text(200),
});

export type ApplicationInput = z.infer<typeof applicationSchema>;

const EXT: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

/** Stores the licence and the application; the org shows "verification pending" until an operator decides. */
export async function submitApplication(
  tx: DbOrTx,
  input: { orgId: string; userId: string; details: ApplicationInput; licence: MultipartUpload<string> },
) {
  const [org] = await tx
    .select({ verification: organisations.verification })
    .from(organisations)
    .where(eq(organisations.id, input.orgId))
    .for('update');
  if (!org) throw new TrustError('errors.notFound', 404);
  if (org.verification === 'verified') throw new TrustError('trust.errors.alreadyVerified');
  if (org.verification === 'pending') throw new TrustError('trust.errors.alreadyPending');
  const id = newId('vap');
  const key = `licences/${input.orgId}/${id}.${EXT[input.licence.type]}`;
  await tx.insert(verificationApplications).values({
    id,
    orgId: input.orgId,
    ...input.details,
    licenceKey: key,
    licenceType: input.licence.type,
    licenceBytes: input.licence.bytes.byteLength,
    submittedBy: input.userId,
  });
  await tx.update(organisations).set({ verification: 'pending' }).where(eq(organisations.id, input.orgId));
  await appendAudit(tx, {
    actorUserId: input.userId,
    orgId: input.orgId,
    action: 'verification.submitted',
    subjectType: 'verification',
    subjectId: id,
    detail: { licenceType: input.licence.type },
  });
  // Stored last, once every row of the application is written; a refused application stores nothing.
  await storage().put(key, input.licence.bytes, input.licence.type);
  return id;
}

/** Approve or reject a pending application (a conditional update: deciding twice changes nothing). */
export async function decideApplication(
  tx: DbOrTx,
  input: {
    applicationId: string;
    operatorUserId: string;
    decision: 'approve' | 'reject';
    reason?: string | null;
  },
) {
  const reason = input.reason?.trim() || null;
  if (input.decision === 'reject' && !reason)
    throw new TrustError('trust.errors.reasonRequired', 400, 'reason');
  const [app] = await tx
    .update(verificationApplications)
    .set({
      status: input.decision === 'approve' ? 'approved' : 'rejected',
      decidedBy: input.operatorUserId,
      decidedAt: new Date(),
      reason,
    })
    .where(
      and(
        eq(verificationApplications.id, input.applicationId),
        eq(verificationApplications.status, 'pending'),
      ),
    )
    .returning();
  if (!app) throw new TrustError('trust.errors.alreadyDecided');
  const [org] = await tx
    .update(organisations)
    .set({ verification: input.decision === 'approve' ? 'verified' : 'rejected' })
    .where(eq(organisations.id, app.orgId))
    .returning({ name: organisations.name });
  await appendAudit(tx, {
    actorUserId: input.operatorUserId,
    orgId: app.orgId,
    action: `verification.${input.decision}`,
    subjectType: 'verification',
    subjectId: app.id,
    detail: { reason },
  });
  await notify(tx, {
    type: input.decision === 'approve' ? 'verification-approved' : 'verification-rejected',
    orgId: app.orgId,
    minRole: 'admin',
    params: input.decision === 'approve' ? { org: org.name } : { org: org.name, reason: reason ?? '' },
    link: '/settings/verification',
    subject: { type: 'verification', id: app.id },
  });
  return app;
}

export async function pendingApplications(tx: DbOrTx) {
  return tx
    .select({
      id: verificationApplications.id,
      orgId: verificationApplications.orgId,
      orgName: organisations.name,
      legalName: verificationApplications.legalName,
      licenceNumber: verificationApplications.licenceNumber,
      address: verificationApplications.address,
      licenceType: verificationApplications.licenceType,
      createdAt: verificationApplications.createdAt,
    })
    .from(verificationApplications)
    .innerJoin(organisations, eq(organisations.id, verificationApplications.orgId))
    .where(eq(verificationApplications.status, 'pending'))
    .orderBy(asc(verificationApplications.createdAt));
}

export async function applicationsOf(tx: DbOrTx, orgId: string) {
  return tx
    .select()
    .from(verificationApplications)
    .where(eq(verificationApplications.orgId, orgId))
    .orderBy(desc(verificationApplications.createdAt))
    .limit(10);
}

export async function applicationById(tx: DbOrTx, id: string) {
  const [row] = await tx.select().from(verificationApplications).where(eq(verificationApplications.id, id));
  return row ?? null;
}
