// Erasure (PIPL art. 47): deleting an account and closing an organisation, in one transaction each (ADR 0043).
// What the law requires to keep (invoices, ledger, orders, the audit chain) stays, with the person replaced by a
// pseudonym; everything else personal is deleted, then a sweep of every text column catches what is left.
import { createHash } from 'node:crypto';
import { verify } from '@node-rs/argon2';
import { and, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type DbOrTx, db } from '../../db/client';
import {
  auditPersonal,
  devMailbox,
  invitations,
  memberships,
  notificationDeliveries,
  notificationDigests,
  notificationPreferences,
  notifications,
  orgWebhooks,
  organisations,
  privacyExports,
  sessions,
  userConsents,
  users,
} from '../../db/schema';
import { env } from '../lib/env.server';
import { log } from '../lib/log.server';
import { enqueue } from '../lib/outbox.server';
import { attempt } from '../lib/rate-limit.server';
import { redis } from '../lib/redis.server';
import { hashToken } from '../lib/session.server';
import { finishPrivacyRequest, logPrivacyRequest } from './requests.server';

/** Orders that still move goods or money: a party may not leave while one is open. */
const OPEN_ORDER = `('awaiting_approval', 'pending_payment', 'paid', 'shipping', 'delivered', 'disputed')`;
/** Lots buyers can still see or buy. */
const LIVE_LOT = `('pending_review', 'live', 'paused')`;

/**
 * Tables whose rows the law requires to keep unchanged (append-only or frozen by a trigger): they hold ids and
 * organisation names, never a person's e-mail or name, so the sweep does not touch them. `users` is rewritten
 * by id (another person may share the name), and the personal part of audit entries is deleted, not edited.
 */
const SWEEP_SKIPS = new Set([
  'audit_log',
  'audit_personal',
  'ledger_transactions',
  'ledger_entries',
  'invoices',
  'users',
  // Kept as printed for at least six months by law (ADR 0044) and purged by the retention job after; the trigger
  // refuses edits. The issuing user's link is cleared; the 承诺主体 and contact printed on the paper stay.
  'compliance_certificates',
  // The operator's file on a seller, kept six months after the seller stops (ADR 0045): a legal record about the
  // selling org, not the account's, purged by the retention job.
  'seller_files',
]);

export type ErasureResult = { ok: true; pseudonym: string } | { ok: false; reason: string };

/** A stable pseudonym: the same account always gets the same one, and it names nobody. */
export function pseudonymFor(userId: string): string {
  return `已注销用户 ${createHash('sha256').update(userId).digest('hex').slice(0, 6)}`;
}

/** Why the organisation cannot close now, as an i18n key, or null. */
async function orgBlocker(tx: DbOrTx, orgId: string): Promise<string | null> {
  const [row] = (await tx.execute(sql`
    select
      exists (select 1 from orders where (buyer_org_id = ${orgId} or seller_org_id = ${orgId})
        and status in ${sql.raw(OPEN_ORDER)}) as "openOrders",
      exists (select 1 from ledger_accounts where org_id = ${orgId} and kind = 'held' and balance <> 0) as "escrow",
      exists (select 1 from listings where seller_org_id = ${orgId} and status in ${sql.raw(LIVE_LOT)})
        or exists (select 1 from auctions a join listings l on l.id = a.listing_id
          where l.seller_org_id = ${orgId} and a.status = 'open') as "liveLots"
  `)) as unknown as { openOrders: boolean; escrow: boolean; liveLots: boolean }[];
  if (row.openOrders) return 'erasure.refused.openOrders';
  if (row.escrow) return 'erasure.refused.escrow';
  if (row.liveLots) return 'erasure.refused.liveLots';
  return null;
}

type OrgTie = { orgId: string; role: string; members: number; admins: number };

async function orgTies(tx: DbOrTx, userId: string): Promise<OrgTie[]> {
  return (await tx.execute(sql`
    select m.org_id as "orgId", m.role,
      (select count(*)::int from memberships o where o.org_id = m.org_id) as members,
      (select count(*)::int from memberships o where o.org_id = m.org_id and o.role in ('owner', 'admin')) as admins
    from memberships m where m.user_id = ${userId}
  `)) as unknown as OrgTie[];
}

/** Why this account cannot be erased now, as an i18n key, or null. */
async function accountBlocker(tx: DbOrTx, userId: string, ties: OrgTie[]): Promise<string | null> {
  const [mine] = (await tx.execute(
    sql`select exists (select 1 from orders where created_by = ${userId} and status in ${sql.raw(OPEN_ORDER)}) as open`,
  )) as unknown as { open: boolean }[];
  if (mine.open) return 'erasure.refused.openOrders';
  for (const tie of ties) {
    // The last admin of an org others still work in hands it over first; a sole member closes it with the account.
    if (tie.members > 1 && tie.admins === 1 && (tie.role === 'owner' || tie.role === 'admin'))
      return 'erasure.refused.soleAdmin';
    if (tie.members === 1) {
      const blocker = await orgBlocker(tx, tie.orgId);
      if (blocker) return blocker;
    }
  }
  return null;
}

/** Ends the org: memberships, pending invitations, its webhook (a gateway address), sessions acting for it. */
async function closeOrgRows(tx: DbOrTx, orgId: string): Promise<Record<string, number>> {
  const members = await tx.delete(memberships).where(eq(memberships.orgId, orgId)).returning();
  const invited = await tx.delete(invitations).where(eq(invitations.orgId, orgId)).returning();
  const hooks = await tx.delete(orgWebhooks).where(eq(orgWebhooks.orgId, orgId)).returning();
  await tx.update(sessions).set({ activeOrgId: null }).where(eq(sessions.activeOrgId, orgId));
  await tx.update(organisations).set({ closedAt: new Date() }).where(eq(organisations.id, orgId));
  return { memberships: members.length, invitations: invited.length, webhooks: hooks.length };
}

/** Regular-expression escape for PostgreSQL's advanced regexps. */
const escapeRegex = (value: string) => value.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/**
 * Replaces every remaining occurrence of `values` (case-insensitive) in every text, varchar, text[] and jsonb
 * column of every table of the public schema, but the kept records (SWEEP_SKIPS). Found through the catalogue,
 * so a table added later is covered without a change here. Returns how many rows changed.
 */
export async function sweepPersonalValues(
  tx: DbOrTx,
  values: string[],
  replacement: string,
): Promise<number> {
  if (values.length === 0) return 0;
  const plain = values.map(escapeRegex).join('|');
  // Inside jsonb's text a value appears JSON-escaped (quotes, backslashes, control characters).
  const json = values.map((v) => escapeRegex(JSON.stringify(v).slice(1, -1))).join('|');
  const jsonReplacement = JSON.stringify(replacement).slice(1, -1);
  const columns = (await tx.execute(sql`
    select c.table_name as "table", c.column_name as "column", c.data_type as "type"
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      and (c.data_type in ('text', 'character varying', 'jsonb', 'json') or c.udt_name in ('_text', '_varchar'))
    order by c.table_name, c.ordinal_position
  `)) as unknown as { table: string; column: string; type: string }[];
  let changed = 0;
  for (const { table, column, type } of columns) {
    if (SWEEP_SKIPS.has(table)) continue;
    const t = sql.identifier(table);
    const c = sql.identifier(column);
    const statement =
      type === 'jsonb' || type === 'json'
        ? sql`update ${t} set ${c} = regexp_replace(${c}::text, ${json}, ${jsonReplacement}, 'gi')::${sql.raw(type)}
            where ${c}::text ~* ${json}`
        : type === 'ARRAY'
          ? sql`update ${t} set ${c} = array(select regexp_replace(x, ${plain}, ${replacement}, 'gi')
              from unnest(${c}) with ordinality u(x, n) order by n)
              where array_to_string(${c}, ' ') ~* ${plain}`
          : sql`update ${t} set ${c} = regexp_replace(${c}, ${plain}, ${replacement}, 'gi') where ${c} ~* ${plain}`;
    const result = (await tx.execute(statement)) as unknown as { count: number };
    changed += result.count ?? 0;
  }
  return changed;
}

/** The values the sweeps look for: e-mail and name (too short a name would match unrelated text). */
function personalValues(user: { email: string; name: string }): string[] {
  return [user.email, user.name].map((v) => v.trim()).filter((v) => v.length >= 2);
}

/** The hash tag the login limiter files an e-mail's counters under (app/identity/accounts.server.ts). */
const loginTag = (email: string) => hashToken(email.toLowerCase()).slice(0, 32);

/**
 * Removes from Redis every key whose name holds one of `needles`, and every member, field or stream entry whose
 * content does (case-insensitive): this deployment's keys and its queues'. Job payloads are ids only, so in
 * practice this finds the login limiter's counters; it is a sweep so that a cache added later is covered too.
 */
export async function scrubRedis(needles: string[]): Promise<number> {
  const lowered = needles.map((n) => n.toLowerCase()).filter(Boolean);
  const holds = (text: string) => lowered.some((n) => text.toLowerCase().includes(n));
  const client = redis();
  const prefix = env().QUEUE_PREFIX;
  let removed = 0;
  for (const pattern of [`${prefix}:*`, `{${prefix}.*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', '500');
      cursor = next;
      for (const key of keys) {
        if (holds(key)) {
          removed += await client.del(key);
          continue;
        }
        const type = await client.type(key);
        if (type === 'string') {
          const value = await client.get(key);
          if (value && holds(value)) removed += await client.del(key);
        } else if (type === 'hash') {
          const entries = Object.entries(await client.hgetall(key)).filter(([f, v]) => holds(f) || holds(v));
          if (entries.length) removed += await client.hdel(key, ...entries.map(([f]) => f));
        } else if (type === 'list') {
          for (const item of new Set((await client.lrange(key, 0, -1)).filter(holds)))
            removed += await client.lrem(key, 0, item);
        } else if (type === 'set') {
          const members = (await client.smembers(key)).filter(holds);
          if (members.length) removed += await client.srem(key, ...members);
        } else if (type === 'zset') {
          const members = (await client.zrange(key, '0', '-1')).filter(holds);
          if (members.length) removed += await client.zrem(key, ...members);
        } else if (type === 'stream') {
          const ids = (await client.xrange(key, '-', '+'))
            .filter(([, fields]) => fields.some(holds))
            .map(([id]) => id);
          if (ids.length) removed += await client.xdel(key, ...ids);
        }
      }
    } while (cursor !== '0');
  }
  return removed;
}

/**
 * Erases an account at its owner's request. Refused (nothing changed, the refusal logged) while the person has
 * open orders, is the last admin of an org others work in, or is the sole member of an org that cannot close.
 */
export async function eraseAccount(userId: string): Promise<ErasureResult> {
  const outcome = await db.transaction(async (tx) => {
    const [user] = await tx
      .select({ email: users.email, name: users.name, erasedAt: users.erasedAt })
      .from(users)
      .where(eq(users.id, userId))
      .for('update');
    if (!user || user.erasedAt) return { ok: false as const, reason: 'erasure.refused.gone' };
    const requestId = await logPrivacyRequest(tx, {
      kind: 'delete_account',
      subjectUserId: userId,
      requestedBy: userId,
    });
    const ties = await orgTies(tx, userId);
    const reason = await accountBlocker(tx, userId, ties);
    if (reason) {
      await finishPrivacyRequest(tx, requestId, { status: 'refused', reason });
      return { ok: false as const, reason };
    }
    const pseudonym = pseudonymFor(userId);
    const values = personalValues(user);
    const email = user.email.toLowerCase();
    const closedOrgs: string[] = [];
    for (const tie of ties.filter((t) => t.members === 1)) {
      await closeOrgRows(tx, tie.orgId);
      closedOrgs.push(tie.orgId);
    }
    // Their data exports end now: a queued one is never built, and the zips go by the sweep job sent through the
    // outbox with this commit (a crash after the commit still leaves the job, and the rows that name the files).
    const endedExports = await tx
      .update(privacyExports)
      .set({ status: 'expired', expiresAt: sql`now()` })
      .where(and(eq(privacyExports.userId, userId), sql`${privacyExports.status} <> 'expired'`))
      .returning({ fileKey: privacyExports.fileKey });
    if (endedExports.some((e) => e.fileKey)) await enqueue(tx, 'privacy', 'sweep-exports', {});
    const removed = {
      auditPersonal: (
        await tx
          .delete(auditPersonal)
          .where(
            or(
              eq(auditPersonal.userId, userId),
              // Another org's invitation to this address names it too (its part has no user id).
              sql`position(${JSON.stringify(email).slice(1, -1)} in lower(${auditPersonal.data}::text)) > 0`,
            ),
          )
          .returning({ seq: auditPersonal.seq })
      ).length,
      sessions: (await tx.delete(sessions).where(eq(sessions.userId, userId)).returning()).length,
      memberships: (await tx.delete(memberships).where(eq(memberships.userId, userId)).returning()).length,
      notifications: (await tx.delete(notifications).where(eq(notifications.userId, userId)).returning())
        .length,
      preferences: (
        await tx.delete(notificationPreferences).where(eq(notificationPreferences.userId, userId)).returning()
      ).length,
      exports: endedExports.length,
      consents: (await tx.delete(userConsents).where(eq(userConsents.userId, userId)).returning()).length,
      emails: (
        await tx
          .delete(devMailbox)
          .where(or(eq(devMailbox.userId, userId), sql`lower(${devMailbox.toAddress}) = ${email}`))
          .returning({ id: devMailbox.id })
      ).length,
    };
    // Nothing still queued reaches the account: its pending deliveries and digests end as failed.
    await tx
      .update(notificationDeliveries)
      .set({ status: 'failed', lastError: 'recipient erased', leaseUntil: null })
      .where(and(eq(notificationDeliveries.userId, userId), eq(notificationDeliveries.status, 'pending')));
    await tx
      .update(notificationDigests)
      .set({ status: 'failed', lastError: 'recipient erased' })
      .where(and(eq(notificationDigests.userId, userId), eq(notificationDigests.status, 'pending')));
    // Invitations are the inviting org's record: kept, addressed to nobody.
    await tx
      .update(invitations)
      .set({ email: `${userId}@erased.invalid` })
      .where(sql`lower(${invitations.email}) = ${email}`);
    await tx
      .update(users)
      .set({
        name: pseudonym,
        email: `${userId}@erased.invalid`,
        passwordHash: null,
        locale: null,
        erasedAt: new Date(),
      })
      .where(eq(users.id, userId));
    const swept = await sweepPersonalValues(tx, values, pseudonym);
    await finishPrivacyRequest(tx, requestId, { status: 'done', detail: { ...removed, closedOrgs, swept } });
    return { ok: true as const, pseudonym, needles: [...values, loginTag(email)] };
  });
  if (!outcome.ok) return outcome;
  // After the commit: Redis is not part of the transaction, and a scrub that fails is logged, not undone.
  await scrubRedis(outcome.needles).catch((error: unknown) =>
    log.error({ err: error, userId }, 'erasure: redis scrub failed'),
  );
  return { ok: true, pseudonym: outcome.pseudonym };
}

/**
 * Closes an organisation at an admin's request: refused while it has open orders, money in escrow or live
 * lots; otherwise every membership ends and the org is marked closed. Invoices and the ledger stay.
 */
export async function closeOrganisation(
  orgId: string,
  adminUserId: string,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  return db.transaction(async (tx) => {
    const [org] = await tx
      .select({ closedAt: organisations.closedAt })
      .from(organisations)
      .where(eq(organisations.id, orgId))
      .for('update');
    if (!org || org.closedAt) return { ok: false as const, reason: 'erasure.refused.gone' };
    const requestId = await logPrivacyRequest(tx, {
      kind: 'delete_org',
      subjectUserId: null,
      orgId,
      requestedBy: adminUserId,
    });
    const reason = await orgBlocker(tx, orgId);
    if (reason) {
      await finishPrivacyRequest(tx, requestId, { status: 'refused', reason });
      return { ok: false as const, reason };
    }
    // Sessions acting for it fall back to the member's first other org (app/lib/auth.server.ts).
    const detail = await closeOrgRows(tx, orgId);
    await finishPrivacyRequest(tx, requestId, { status: 'done', detail });
    return { ok: true as const };
  });
}

/** The delete-account form: the password, to confirm it is the person. */
export const deleteAccountSchema = z.object({
  password: z
    .string({ required_error: 'errors.required' })
    .min(1, 'errors.required')
    .max(200, 'errors.tooLong'),
});

/**
 * Checks the signed-in person's password before an erasure, at most five tries in ten minutes per account:
 * a borrowed session cannot guess its way to deleting someone. Throws RateLimitUnavailable without Redis.
 */
export async function confirmPassword(userId: string, password: string): Promise<'ok' | 'wrong' | 'limited'> {
  if (await attempt([{ bucket: 'erase-password', key: userId, limit: 5, windowSeconds: 600 }]))
    return 'limited';
  const [user] = await db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, userId));
  if (!user?.passwordHash) return 'wrong';
  return (await verify(user.passwordHash, password).catch(() => false)) ? 'ok' : 'wrong';
}
