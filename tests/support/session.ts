// A signed-in member without the login form: a session row and the cookie's `name=value`, for calling routes.
import { db } from '../../db/client';
import { commitSessionCookie, createSession } from '../../app/lib/session.server';

export async function sessionCookieOf(who: { userId: string; orgId: string | null }): Promise<string> {
  const token = await createSession(db, { userId: who.userId, activeOrgId: who.orgId });
  return (await commitSessionCookie(token)).split(';')[0];
}
