// The operator console's figures: what waits for a decision, and how the queues are doing.
import { count, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { auditLog, disputes, listings, reports, verificationApplications } from '../../db/schema';
import { queue, queueNames } from '../lib/queues.server';

export async function consoleCounts(tx: DbOrTx) {
  const [[reviews], [verifications], [openReports], [openDisputes], [sanctioned]] = await Promise.all([
    tx.select({ n: count() }).from(listings).where(eq(listings.status, 'pending_review')),
    tx
      .select({ n: count() })
      .from(verificationApplications)
      .where(eq(verificationApplications.status, 'pending')),
    tx.select({ n: count() }).from(reports).where(eq(reports.status, 'open')),
    tx.select({ n: count() }).from(disputes).where(eq(disputes.status, 'open')),
    tx.execute(
      sql`select count(*)::int as n from organisations where banned_at is not null or suspended_until > now()`,
    ) as unknown as Promise<{ n: number }[]>,
  ]);
  return {
    reviews: reviews.n,
    verifications: verifications.n,
    reports: openReports.n,
    disputes: openDisputes.n,
    sanctioned: Number(sanctioned.n),
  };
}

/** Job counts per queue from BullMQ; null when Redis does not answer (the page says so instead of failing). */
export async function queueCounts() {
  try {
    return await Promise.all(
      queueNames.map(async (name) => ({
        name,
        counts: await queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'),
      })),
    );
  } catch {
    return null;
  }
}

export async function recentAudit(tx: DbOrTx, limit = 50) {
  return tx.select().from(auditLog).orderBy(sql`${auditLog.seq} desc`).limit(limit);
}
