// Log out: revokes this session on the server, not only the cookie.
import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { getViewer } from '~/lib/auth.server';
import { destroySessionCookie, revokeSession } from '~/lib/session.server';

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await getViewer(request);
  if (viewer) await revokeSession(db, viewer.sessionId, viewer.user.id);
  return redirect('/', { headers: { 'Set-Cookie': await destroySessionCookie() } });
}

export async function loader() {
  return redirect('/');
}
