// `npm run audit:verify`: walks the hash-chained audit log of DATABASE_URL and names the first broken link (exit 1).
import { pathToFileURL } from 'node:url';
import { eq } from 'drizzle-orm';
import { verifyAuditChain } from '../app/lib/audit.server';
import { closeDb, type DbOrTx, db } from '../db/client';
import { auditLog } from '../db/schema';

export type AuditVerdict =
  | { ok: true; entries: number }
  | { ok: false; seq: number; action: string; subject: string };

export async function verifyAudit(database: DbOrTx): Promise<AuditVerdict> {
  const broken = await verifyAuditChain(database);
  if (broken === null) {
    const rows = await database.select({ seq: auditLog.seq }).from(auditLog);
    return { ok: true, entries: rows.length };
  }
  const [row] = await database.select().from(auditLog).where(eq(auditLog.seq, broken));
  return {
    ok: false,
    seq: broken,
    action: row?.action ?? '?',
    subject: `${row?.subjectType}:${row?.subjectId}`,
  };
}

export function describeVerdict(verdict: AuditVerdict): string {
  return verdict.ok
    ? `audit log intact: ${verdict.entries} entries, every hash links to the one before`
    : `audit log broken at seq ${verdict.seq} (${verdict.action} ${verdict.subject}): this entry or its link to the one before was changed`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!process.env.DATABASE_URL) {
    console.error('DATABASE_URL is not set (npm run dev prints the one it uses).');
    process.exit(2);
  }
  const verdict = await verifyAudit(db);
  console.log(describeVerdict(verdict));
  await closeDb();
  process.exit(verdict.ok ? 0 : 1);
}
