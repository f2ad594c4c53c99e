// Accounts: registration with its organisation, login with rate limiting, invitations and org switching.
import { hash, verify } from '@node-rs/argon2';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../../db/client';
import { invitations, memberships, organisations, sessions, users } from '../../db/schema';
import type { MemberRole } from '../../db/schema';
import { appendAudit } from '../lib/audit.server';
import { env } from '../lib/env.server';
import type { FieldErrors } from '../lib/forms.server';
import { newId } from '../lib/ids';
import { assertOrgMayAct } from '../lib/auth.server';
import { enqueue } from '../lib/outbox.server';
import { attempt, clear, isMarked, mark, refund } from '../lib/rate-limit.server';
import { createSession, hashToken } from '../lib/session.server';
import { marketTime, sanctionState } from '../trust/sanction-state.server';
import { PASSWORD_MIN } from './rules';

const email = z
  .string({ required_error: 'errors.required' })
  .trim()
  .toLowerCase()
  .min(1, 'errors.required')
  .max(254, 'errors.tooLong')
  .email('errors.emailInvalid');

export const registerSchema = z.object({
  email,
  password: z
    .string({ required_error: 'errors.required' })
    .min(PASSWORD_MIN, 'errors.passwordTooShort')
    .max(200, 'errors.tooLong'),
  name: z
    .string({ required_error: 'errors.required' })
    .trim()
    .min(1, 'errors.required')
    .max(80, 'errors.tooLong'),
  orgName: z
    .string({ required_error: 'errors.required' })
    .trim()
    .min(1, 'errors.orgNameRequired')
    .max(120, 'errors.tooLong'),
  orgKind: z.enum(['seller', 'buyer', 'both', 'carrier'], {
    errorMap: () => ({ message: 'errors.chooseOne' }),
  }),
  city: z.string().trim().max(60, 'errors.tooLong').optional().default(''),
  locale: z.enum(['zh-CN', 'en']).optional(),
});
export type RegisterInput = z.infer<typeof registerSchema>;

export const loginSchema = z.object({
  email,
  password: z
    .string({ required_error: 'errors.required' })
    .min(1, 'errors.required')
    .max(200, 'errors.tooLong'),
});

export const inviteSchema = z.object({
  email,
  role: z.enum(['admin', 'trader', 'viewer'], { errorMap: () => ({ message: 'errors.chooseOne' }) }),
});

type Result<T> =
  | { ok: true; value: T }
  | { ok: false; errors: FieldErrors; status?: number; params?: Record<string, string> };

const UNIQUE_VIOLATION = '23505';
function isUniqueViolation(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } })?.cause;
  return (error as { code?: string })?.code === UNIQUE_VIOLATION || cause?.code === UNIQUE_VIOLATION;
}

/** What a refused registration of an e-mail that has an account says: no more than any other refusal (ADR 0025). */
const EMAIL_UNAVAILABLE = { ok: false, errors: { email: 'errors.emailUnavailable' }, status: 400 } as const;

export async function register(
  input: RegisterInput,
  meta: { userAgent?: string | null; ip?: string } = {},
): Promise<Result<{ userId: string; orgId: string; token: string }>> {
  // Every valid POST costs an argon2 hash: counted per address before it is paid (throws when Redis is down).
  const full = await attempt([
    {
      bucket: 'register-ip',
      key: meta.ip ?? 'unknown',
      limit: env().REGISTRATIONS_PER_IP_PER_HOUR,
      windowSeconds: 3600,
    },
  ]);
  if (full) return { ok: false, errors: { form: 'errors.tooManyRegistrations' }, status: 429 };
  const passwordHash = await hash(input.password);
  try {
    return await db.transaction(async (tx) => {
      const [taken] = await tx
        .select({ id: users.id })
        .from(users)
        .where(sql`lower(${users.email}) = ${input.email}`);
      if (taken) return EMAIL_UNAVAILABLE;

      const userId = newId('usr');
      const orgId = newId('org');
      await tx.insert(users).values({
        id: userId,
        email: input.email,
        name: input.name,
        passwordHash,
        locale: input.locale ?? null,
      });
      await tx
        .insert(organisations)
        .values({ id: orgId, name: input.orgName, kind: input.orgKind, city: input.city || null });
      await tx.insert(memberships).values({ orgId, userId, role: 'owner' });
      await acceptPendingInvitations(tx, userId, input.email);
      const token = await createSession(tx, { userId, activeOrgId: orgId, userAgent: meta.userAgent });
      await enqueue(tx, 'notifications', 'welcome', { userId });
      await appendAudit(tx, {
        actorUserId: userId,
        orgId,
        action: 'account.registered',
        subjectType: 'organisation',
        subjectId: orgId,
        detail: { kind: input.orgKind },
        personal: { userId, data: { email: input.email, name: input.name } },
      });
      return { ok: true, value: { userId, orgId, token } } as const;
    });
  } catch (error) {
    // Two registrations racing for one e-mail: the unique index decides, the loser gets the same message.
    if (isUniqueViolation(error)) return EMAIL_UNAVAILABLE;
    throw error;
  }
}

async function acceptPendingInvitations(
  tx: Parameters<Parameters<typeof db.transaction>[0]>[0],
  userId: string,
  userEmail: string,
) {
  const pending = await tx
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.email, userEmail),
        isNull(invitations.acceptedAt),
        gt(invitations.expiresAt, sql`now()`),
      ),
    );
  for (const invitation of pending) {
    await tx
      .insert(memberships)
      .values({ orgId: invitation.orgId, userId, role: invitation.role })
      .onConflictDoNothing();
    await tx
      .update(invitations)
      .set({ acceptedAt: new Date(), acceptedBy: userId })
      .where(eq(invitations.id, invitation.id));
  }
}

// A fixed hash to verify against when the e-mail is unknown, so both cases take the same time.
let dummyHash: Promise<string> | undefined;

/** Passwords verified by this process: the concurrency tests' evidence that a limit held. */
let passwordChecks = 0;
export const passwordChecksSoFar = () => passwordChecks;

const KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600;

/**
 * Counts a login attempt before its password is checked, atomically (ADR 0025): per (e-mail, address)
 * pair a minute, per address across e-mails a minute, and per e-mail an hour — the last one skipped for
 * an address this e-mail signed in from before, so a stranger cannot lock its owner out. A right
 * password gives the attempt back.
 */
async function countLoginAttempt(
  loginEmail: string,
  ip: string,
): Promise<{ ok: false } | { ok: true; succeeded: () => Promise<void> }> {
  const perPair = env().LOGIN_ATTEMPTS_PER_MINUTE;
  // One hash tag per e-mail keeps its counters in one Redis Cluster slot, for the one script.
  const tag = `{${hashToken(loginEmail).slice(0, 32)}}`;
  const pair = `${tag}:${ip}`;
  const known = await isMarked('login-known', pair);
  // Per address, across e-mails: wide enough for a market floor behind one NAT.
  if (await attempt([{ bucket: 'login-ip', key: ip, limit: perPair * 10, windowSeconds: 60 }]))
    return { ok: false };
  const full = await attempt([
    { bucket: 'login-pair', key: pair, limit: perPair, windowSeconds: 60 },
    {
      bucket: 'login-email',
      key: tag,
      limit: known ? 0 : env().LOGIN_ATTEMPTS_PER_EMAIL_PER_HOUR,
      windowSeconds: 3600,
    },
  ]);
  if (full) {
    await refund('login-ip', ip);
    return { ok: false };
  }
  return {
    ok: true,
    succeeded: async () => {
      await clear('login-pair', pair);
      await refund('login-email', tag);
      await refund('login-ip', ip);
      await mark('login-known', pair, KNOWN_ADDRESS_SECONDS);
    },
  };
}

export async function login(
  input: z.infer<typeof loginSchema>,
  meta: { ip: string; userAgent?: string | null },
): Promise<Result<{ userId: string; token: string }>> {
  const gate = await countLoginAttempt(input.email, meta.ip);
  if (!gate.ok) return { ok: false, errors: { form: 'errors.tooManyAttempts' }, status: 429 };
  const [user] = await db
    .select({ id: users.id, passwordHash: users.passwordHash })
    .from(users)
    .where(sql`lower(${users.email}) = ${input.email}`);
  dummyHash ??= hash('not-a-real-password-0000');
  const valid = await verify(user?.passwordHash ?? (await dummyHash), input.password).catch(() => false);
  passwordChecks += 1;
  if (!user || !valid) return { ok: false, errors: { form: 'errors.badCredentials' }, status: 400 };
  await gate.succeeded();
  const orgs = await db
    .select({
      orgId: memberships.orgId,
      suspendedUntil: organisations.suspendedUntil,
      bannedAt: organisations.bannedAt,
    })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.orgId))
    .where(eq(memberships.userId, user.id))
    .orderBy(memberships.createdAt);
  // Sanctions: a user whose every org is suspended or banned may not sign in; one with another org acts for that.
  const usable = orgs.filter((org) => !sanctionState(org).blocked);
  if (orgs.length > 0 && usable.length === 0) {
    const until = orgs
      .map((org) => sanctionState(org))
      .reduce<Date | null | 'ban'>((latest, state) => {
        if (!state.blocked || latest === 'ban') return latest;
        if (state.banned || !state.until) return 'ban';
        return !latest || state.until > latest ? state.until : latest;
      }, null);
    return until === 'ban' || !until
      ? { ok: false, errors: { form: 'trust.sanction.loginBanned' }, status: 403 }
      : {
          ok: false,
          errors: { form: 'trust.sanction.loginSuspended' },
          status: 403,
          params: { until: marketTime(until) },
        };
  }
  const first = usable[0];
  const token = await createSession(db, {
    userId: user.id,
    activeOrgId: first?.orgId ?? null,
    userAgent: meta.userAgent,
  });
  return { ok: true, value: { userId: user.id, token } };
}

export async function switchOrg(sessionId: string, userId: string, orgId: string): Promise<boolean> {
  const [membership] = await db
    .select({ orgId: memberships.orgId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.orgId, orgId)));
  if (!membership) return false;
  await db.update(sessions).set({ activeOrgId: orgId }).where(eq(sessions.id, sessionId));
  return true;
}

export const INVITATION_DAYS = 7;

export async function invite(
  actorUserId: string,
  orgId: string,
  input: { email: string; role: Exclude<MemberRole, 'owner'> },
): Promise<Result<{ invitationId: string }>> {
  return db.transaction(async (tx) => {
    await assertOrgMayAct(tx, orgId);
    const [member] = await tx
      .select({ userId: users.id })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, orgId), sql`lower(${users.email}) = ${input.email}`));
    if (member) return { ok: false, errors: { email: 'errors.alreadyMember' }, status: 409 } as const;
    const invitationId = newId('inv');
    await tx.insert(invitations).values({
      id: invitationId,
      orgId,
      email: input.email,
      role: input.role,
      invitedBy: actorUserId,
      expiresAt: new Date(Date.now() + INVITATION_DAYS * 24 * 3600 * 1000),
    });
    await enqueue(tx, 'notifications', 'member-invited', { invitationId });
    await appendAudit(tx, {
      actorUserId,
      orgId,
      action: 'member.invited',
      subjectType: 'invitation',
      subjectId: invitationId,
      detail: { role: input.role },
      personal: { userId: null, data: { email: input.email } },
    });
    return { ok: true, value: { invitationId } } as const;
  });
}

/** Accepts an invitation addressed to this user's e-mail; returns the org joined, or null. */
export async function acceptInvitation(userId: string, invitationId: string): Promise<string | null> {
  return db.transaction(async (tx) => {
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId));
    if (!user) return null;
    const [invitation] = await tx
      .update(invitations)
      .set({ acceptedAt: new Date(), acceptedBy: userId })
      .where(
        and(
          eq(invitations.id, invitationId),
          eq(invitations.email, user.email.toLowerCase()),
          isNull(invitations.acceptedAt),
          gt(invitations.expiresAt, sql`now()`),
        ),
      )
      .returning();
    if (!invitation) return null;
    await tx
      .insert(memberships)
      .values({ orgId: invitation.orgId, userId, role: invitation.role })
      .onConflictDoNothing();
    await appendAudit(tx, {
      actorUserId: userId,
      orgId: invitation.orgId,
      action: 'member.joined',
      subjectType: 'invitation',
      subjectId: invitation.id,
      detail: { role: invitation.role },
    });
    return invitation.orgId;
  });
}

export async function pendingInvitationsFor(userEmail: string) {
  return db
    .select({
      id: invitations.id,
      orgName: organisations.name,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
    })
    .from(invitations)
    .innerJoin(organisations, eq(organisations.id, invitations.orgId))
    .where(
      and(
        eq(invitations.email, userEmail.toLowerCase()),
        isNull(invitations.acceptedAt),
        gt(invitations.expiresAt, sql`now()`),
      ),
    );
}

export async function orgMembers(orgId: string) {
  return db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      since: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .orderBy(memberships.createdAt);
}

export async function orgInvitations(orgId: string) {
  return db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
    })
    .from(invitations)
    .where(
      and(
        eq(invitations.orgId, orgId),
        isNull(invitations.acceptedAt),
        gt(invitations.expiresAt, sql`now()`),
      ),
    )
    .orderBy(invitations.createdAt);
}
