// Appends to the hash-chained audit log: each entry's hash covers the previous hash and its own content.
import { createHash } from 'node:crypto';
import { asc, desc, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { auditLog } from '../../db/schema';

export type AuditInput = {
  actorUserId: string | null;
  orgId?: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  detail?: Record<string, unknown>;
};

const GENESIS = '0'.repeat(64);

/**
 * JSON with object keys sorted at every depth: the detail comes back from jsonb with its keys reordered,
 * so hashing the text as written would break the chain of any entry with two or more keys. (For one key
 * or none the text is the same as JSON.stringify's, so entries hashed before this stay valid.)
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object' && !(value instanceof Date))
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  return value;
}

function entryHash(prevHash: string, at: Date, input: AuditInput): string {
  const body = JSON.stringify([
    prevHash,
    at.toISOString(),
    input.actorUserId,
    input.orgId ?? null,
    input.action,
    input.subjectType,
    input.subjectId,
    canonical(input.detail ?? {}),
  ]);
  return createHash('sha256').update(body).digest('hex');
}

export async function appendAudit(tx: DbOrTx, input: AuditInput): Promise<void> {
  // Serialize appenders so every entry links to exactly one predecessor; released at commit.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('wharf.audit_log'))`);
  const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
  const prevHash = last?.hash ?? GENESIS;
  const at = new Date();
  await tx.insert(auditLog).values({
    at,
    actorUserId: input.actorUserId,
    orgId: input.orgId ?? null,
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    detail: input.detail ?? {},
    prevHash,
    hash: entryHash(prevHash, at, input),
  });
}

/** Walks the chain; returns the sequence number of the first entry that does not verify, or null. */
export async function verifyAuditChain(tx: DbOrTx): Promise<number | null> {
  const rows = await tx.select().from(auditLog).orderBy(asc(auditLog.seq));
  let prev = GENESIS;
  for (const row of rows) {
    const expected = entryHash(prev, row.at, {
      actorUserId: row.actorUserId,
      orgId: row.orgId,
      action: row.action,
      subjectType: row.subjectType,
      subjectId: row.subjectId,
      detail: row.detail as Record<string, unknown>,
    });
    if (row.prevHash !== prev || row.hash !== expected) return row.seq;
    prev = row.hash;
  }
  return null;
}
