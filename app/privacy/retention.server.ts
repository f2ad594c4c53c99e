// Retention (PIPL art. 19, 47): personal data past its period is deleted. Run daily by the privacy worker;
// the periods are operator settings (market_settings, the operator's settings page).
import { and, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import {
  auditLog,
  auditPersonal,
  devMailbox,
  invitations,
  sessions,
  telemetryReadings,
} from '../../db/schema';
import { purgeExpiredCertificates } from '../compliance/certificates.server';
import { purgeConsumerReservations } from '../farming/consumers.server';
import { purgeExpiredSellerFiles } from '../compliance/seller-files.server';
import { enqueue } from '../lib/outbox.server';
import { getMarketSetting } from '../market/settings.server';
import { logPrivacyRequest } from './requests.server';

const DAY_MS = 24 * 3600 * 1000;

export type RetentionCounts = {
  sessions: number;
  telemetryReadings: number;
  emails: number;
  invitations: number;
  auditPersonal: number;
  certificates: number;
  sellerFiles: number;
  consumerReservations: number;
};

/**
 * Deletes what outlived its period as of `now`: sessions ended (expired or revoked) more than
 * `sessionRetentionDays` ago; raw telemetry (temperatures and positions) older than `telemetryRawDays`; kept
 * e-mail bodies older than `emailBodyDays`; invitations that expired unaccepted longer than the session period
 * ago, with the invitee's address in their audit entries; compliance certificates and seller files past the six
 * months the law keeps them (ADR 0044, 0045); order-farming consumers' reservations 30 days after pickup (ADR 0050). Logs one 'retention' request with the counts. The scans no row
 * names any more are deleted by a 'remove-files' job sent through the outbox, so only once this commits.
 */
export async function runRetention(tx: DbOrTx, now: Date): Promise<RetentionCounts> {
  const [sessionDays, telemetryDays, emailDays] = await Promise.all([
    getMarketSetting(tx, 'sessionRetentionDays'),
    getMarketSetting(tx, 'telemetryRawDays'),
    getMarketSetting(tx, 'emailBodyDays'),
  ]);
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const sessionCut = before(sessionDays);
  const endedSessions = await tx
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, sessionCut), lt(sessions.revokedAt, sessionCut)))
    .returning({ id: sessions.id });
  const readings = await tx
    .delete(telemetryReadings)
    .where(lt(telemetryReadings.at, before(telemetryDays)))
    .returning({ id: telemetryReadings.id });
  const emails = await tx
    .delete(devMailbox)
    .where(lt(devMailbox.createdAt, before(emailDays)))
    .returning({ id: devMailbox.id });
  const lapsed = await tx
    .delete(invitations)
    .where(and(isNull(invitations.acceptedAt), lt(invitations.expiresAt, sessionCut)))
    .returning({ id: invitations.id });
  const lapsedIds = lapsed.map((i) => i.id);
  const personal = lapsedIds.length
    ? await tx
        .delete(auditPersonal)
        .where(
          inArray(
            auditPersonal.seq,
            tx
              .select({ seq: auditLog.seq })
              .from(auditLog)
              .where(
                and(sql`${auditLog.subjectType} = 'invitation'`, inArray(auditLog.subjectId, lapsedIds)),
              ),
          ),
        )
        .returning({ seq: auditPersonal.seq })
    : [];
  const { deleted: certificates, unreferencedFiles } = await purgeExpiredCertificates(tx, now);
  if (unreferencedFiles.length > 0) await enqueue(tx, 'privacy', 'remove-files', { keys: unreferencedFiles });
  const sellerFiles = await purgeExpiredSellerFiles(tx, now);
  const consumers = await purgeConsumerReservations(tx, now);
  const counts: RetentionCounts = {
    sessions: endedSessions.length,
    telemetryReadings: readings.length,
    emails: emails.length,
    invitations: lapsed.length,
    auditPersonal: personal.length,
    certificates,
    sellerFiles,
    consumerReservations: consumers,
  };
  await logPrivacyRequest(tx, {
    kind: 'retention',
    subjectUserId: null,
    requestedBy: null,
    status: 'done',
    detail: { ...counts, periods: { sessionDays, telemetryDays, emailDays } },
  });
  return counts;
}
