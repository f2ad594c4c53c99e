// The audit log is append-only in the database and hash-chained, so tampering is found.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { appendAudit, verifyAuditChain } from '../../app/lib/audit.server';

describe('audit log', () => {
  it('chains entries, refuses updates and deletes, and finds the first broken link', async () => {
    for (let i = 0; i < 3; i++) {
      await db.transaction((tx) =>
        appendAudit(tx, {
          actorUserId: 'usr_test',
          action: 'test.step',
          subjectType: 'thing',
          subjectId: `t${i}`,
          detail: { i },
        }),
      );
    }
    expect(await verifyAuditChain(db)).toBeNull();

    const refusal = (statement: ReturnType<typeof sql>) =>
      db.execute(statement).then(
        () => 'allowed',
        (error: { cause?: { message?: string } }) => error.cause?.message ?? String(error),
      );
    expect(await refusal(sql`update audit_log set action = 'tampered'`)).toMatch(
      /append-only \(UPDATE refused\)/,
    );
    expect(await refusal(sql`delete from audit_log`)).toMatch(/append-only \(DELETE refused\)/);
    expect(await refusal(sql`truncate audit_log`)).toMatch(/append-only \(TRUNCATE refused\)/);

    // Someone with the power to disable the trigger still leaves a trace the chain reveals.
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger audit_log_append_only`);
      await tx.execute(sql`update audit_log set detail = '{"i": 99}' where subject_id = 't1'`);
      await tx.execute(sql`alter table audit_log enable trigger audit_log_append_only`);
    });
    const [{ seq }] = (await db.execute(
      sql`select seq from audit_log where subject_id = 't1'`,
    )) as unknown as { seq: string }[];
    expect(await verifyAuditChain(db)).toBe(Number(seq));
  });

  it('keeps one chain when many steps append at once', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.transaction((tx) =>
          appendAudit(tx, {
            actorUserId: null,
            action: 'test.parallel',
            subjectType: 'thing',
            subjectId: `p${i}`,
          }),
        ),
      ),
    );
    const [{ n }] = (await db.execute(
      sql`select count(distinct prev_hash)::int as n from audit_log where action = 'test.parallel'`,
    )) as unknown as {
      n: number;
    }[];
    expect(n).toBe(20);
  });
});
