// SESSION_SECRET signs the session cookie: a cookie carrying a real session token that the server did not
// sign (or whose signature was altered) is read as no session.
import { createCookie } from '@remix-run/node';
import { describe, expect, it } from 'vitest';

const { db } = await import('../../db/client');
const { commitSessionCookie, createSession, findSession, readSessionToken, SESSION_COOKIE } = await import(
  '../../app/lib/session.server'
);
const { buyerOrg } = await import('../support/listings');

const requestWith = (cookie: string) => new Request('http://wharf.test/', { headers: { Cookie: cookie } });

describe('session cookie signed with SESSION_SECRET', () => {
  it('reads the cookie it set, and not an unsigned or re-signed one with the same token', async () => {
    const { orgId, userId } = await buyerOrg();
    const token = await createSession(db, { userId, activeOrgId: orgId });
    const signed = (await commitSessionCookie(token)).split(';')[0] ?? '';
    expect(await readSessionToken(requestWith(signed))).toBe(token);
    expect(await findSession(token)).not.toBeNull();

    const unsigned = (await createCookie(SESSION_COOKIE).serialize(token)).split(';')[0] ?? '';
    expect(await readSessionToken(requestWith(unsigned))).toBeNull();
    const otherSecret = createCookie(SESSION_COOKIE, { secrets: ['some-other-secret-of-32-characters!!'] });
    const forged = (await otherSecret.serialize(token)).split(';')[0] ?? '';
    expect(await readSessionToken(requestWith(forged))).toBeNull();
  });
});
