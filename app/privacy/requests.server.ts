// The log of personal-data requests (PIPL arts. 44–50): each one is written when made and closed with its outcome.
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { type PrivacyRequestKind, type PrivacyRequestStatus, privacyRequests } from '../../db/schema';
import { newId } from '../lib/ids';

export type PrivacyRequestInput = {
  kind: PrivacyRequestKind;
  subjectUserId: string | null;
  orgId?: string | null;
  requestedBy: string | null;
  status?: PrivacyRequestStatus;
  /** An i18n key: why it was refused or failed. */
  reason?: string | null;
  /** Ids and counts only, never a personal value. */
  detail?: Record<string, unknown>;
};

/** Records a request; one that ends at once (done or refused) is closed in the same row. */
export async function logPrivacyRequest(tx: DbOrTx, input: PrivacyRequestInput): Promise<string> {
  const id = newId('prq');
  const status = input.status ?? 'pending';
  await tx.insert(privacyRequests).values({
    id,
    kind: input.kind,
    subjectUserId: input.subjectUserId,
    orgId: input.orgId ?? null,
    requestedBy: input.requestedBy,
    status,
    reason: input.reason ?? null,
    detail: input.detail ?? {},
    finishedAt: status === 'pending' ? null : new Date(),
  });
  return id;
}

/** Closes a pending request with its outcome. */
export async function finishPrivacyRequest(
  tx: DbOrTx,
  id: string,
  outcome: {
    status: Exclude<PrivacyRequestStatus, 'pending'>;
    reason?: string | null;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  await tx
    .update(privacyRequests)
    .set({
      status: outcome.status,
      reason: outcome.reason ?? null,
      ...(outcome.detail ? { detail: outcome.detail } : {}),
      finishedAt: new Date(),
    })
    .where(eq(privacyRequests.id, id));
}
