// Appends to the hash-chained audit log: each entry's hash covers the previous hash and its own content.
import { createHash, randomBytes } from 'node:crypto';
import { asc, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { auditLog, auditPersonal } from '../../db/schema';

export type AuditInput = {
  actorUserId: string | null;
  orgId?: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  detail?: Record<string, unknown>;
  /**
   * Personal values (an e-mail, a name) the entry needs as evidence, and whose they are. Stored apart
   * (audit_personal) and hashed only as a salted digest, so erasure can delete them and the chain still
   * verifies (ADR 0043). `detail` must hold ids and codes only.
   */
  personal?: { userId: string | null; data: Record<string, string> };
};

type HashedEntry = Omit<AuditInput, 'personal'> & { personalDigest?: string | null };

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

function entryHash(prevHash: string, at: Date, input: HashedEntry): string {
  const fields: unknown[] = [
    prevHash,
    at.toISOString(),
    input.actorUserId,
    input.orgId ?? null,
    input.action,
    input.subjectType,
    input.subjectId,
    canonical(input.detail ?? {}),
  ];
  // Only entries with a personal part hash its digest: every entry written before it existed keeps its hash.
  if (input.personalDigest) fields.push(input.personalDigest);
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** The salt is random and erased with the data: a digest cannot be tested against guessed e-mails. */
function personalDigest(salt: string, data: Record<string, string>): string {
  return createHash('sha256')
    .update(`${salt}:${JSON.stringify(canonical(data))}`)
    .digest('hex');
}

export async function appendAudit(tx: DbOrTx, input: AuditInput): Promise<void> {
  // Serialize appenders so every entry links to exactly one predecessor; released at commit.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('wharf.audit_log'))`);
  const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
  const prevHash = last?.hash ?? GENESIS;
  const at = new Date();
  const { personal, ...entry } = input;
  const salt = personal ? randomBytes(16).toString('hex') : null;
  const digest = personal && salt ? personalDigest(salt, personal.data) : null;
  const [row] = await tx
    .insert(auditLog)
    .values({
      at,
      actorUserId: entry.actorUserId,
      orgId: entry.orgId ?? null,
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId,
      detail: entry.detail ?? {},
      personalDigest: digest,
      prevHash,
      hash: entryHash(prevHash, at, { ...entry, personalDigest: digest }),
    })
    .returning({ seq: auditLog.seq });
  if (personal && salt)
    await tx
      .insert(auditPersonal)
      .values({ seq: row.seq, userId: personal.userId, salt, data: personal.data });
}

/**
 * Walks the chain; returns the sequence number of the first entry that does not verify, or null. A personal
 * part still stored must match its entry's digest; an erased one (no row left) is not needed to verify.
 */
export async function verifyAuditChain(tx: DbOrTx): Promise<number | null> {
  const rows = await tx
    .select({ entry: auditLog, salt: auditPersonal.salt, data: auditPersonal.data })
    .from(auditLog)
    .leftJoin(auditPersonal, eq(auditPersonal.seq, auditLog.seq))
    .orderBy(asc(auditLog.seq));
  let prev = GENESIS;
  for (const { entry: row, salt, data } of rows) {
    const expected = entryHash(prev, row.at, {
      actorUserId: row.actorUserId,
      orgId: row.orgId,
      action: row.action,
      subjectType: row.subjectType,
      subjectId: row.subjectId,
      detail: row.detail as Record<string, unknown>,
      personalDigest: row.personalDigest,
    });
    if (row.prevHash !== prev || row.hash !== expected) return row.seq;
    if (salt !== null && data && personalDigest(salt, data) !== row.personalDigest) return row.seq;
    prev = row.hash;
  }
  return null;
}
