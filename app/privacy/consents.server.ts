// Optional consents (PIPL art. 14): what each one allows, its default, and reading and changing a user's choices.
import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { userConsents } from '../../db/schema';
import { logPrivacyRequest } from './requests.server';

/**
 * Each optional consent and its default (a consent the user never touched). The market honours each one where
 * it applies; adding a key here shows it on /settings/privacy.
 * - name_to_counterparties: the other side of an order sees the person's name on the order timeline, not only
 *   the organisation's (app/orders/pages.server.ts).
 */
export const CONSENTS = { name_to_counterparties: { defaultGranted: true } } as const;

export type ConsentKey = keyof typeof CONSENTS;

export function isConsentKey(value: unknown): value is ConsentKey {
  return typeof value === 'string' && Object.hasOwn(CONSENTS, value);
}

/** The user's choice for every consent, defaults filled in. */
export async function consentsOf(
  tx: DbOrTx,
  userId: string,
): Promise<Record<ConsentKey, { granted: boolean; changedAt: Date | null }>> {
  const rows = await tx.select().from(userConsents).where(eq(userConsents.userId, userId));
  const out = {} as Record<ConsentKey, { granted: boolean; changedAt: Date | null }>;
  for (const key of Object.keys(CONSENTS) as ConsentKey[]) {
    const row = rows.find((r) => r.consentKey === key);
    out[key] = row
      ? { granted: row.granted, changedAt: row.changedAt }
      : { granted: CONSENTS[key].defaultGranted, changedAt: null };
  }
  return out;
}

/** Of `userIds`, those who withdrew `key` (for a consent granted by default, only a stored row withdraws it). */
export async function withdrawnAmong(tx: DbOrTx, key: ConsentKey, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await tx
    .select({ userId: userConsents.userId, granted: userConsents.granted })
    .from(userConsents)
    .where(and(eq(userConsents.consentKey, key), inArray(userConsents.userId, userIds)));
  const withdrawn = new Set(rows.filter((r) => !r.granted).map((r) => r.userId));
  if (!CONSENTS[key].defaultGranted) {
    const granted = new Set(rows.filter((r) => r.granted).map((r) => r.userId));
    for (const id of userIds) if (!granted.has(id)) withdrawn.add(id);
  }
  return withdrawn;
}

/** Grants or withdraws one consent, and logs the change (kind 'consent'). */
export async function setConsent(
  tx: DbOrTx,
  userId: string,
  key: ConsentKey,
  granted: boolean,
): Promise<void> {
  const changedAt = new Date();
  await tx
    .insert(userConsents)
    .values({ userId, consentKey: key, granted, changedAt })
    .onConflictDoUpdate({
      target: [userConsents.userId, userConsents.consentKey],
      set: { granted, changedAt },
    });
  await logPrivacyRequest(tx, {
    kind: 'consent',
    subjectUserId: userId,
    requestedBy: userId,
    status: 'done',
    detail: { consent: key, granted },
  });
}
