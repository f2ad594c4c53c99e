// One-shot messages shown after a redirect ("invitation sent"), carried in a short-lived cookie.
import { createCookie, redirect } from '@remix-run/node';
import type { MessageKey } from './i18n';
import { cookieSecrets } from './session.server';

// Signed like the session cookie, so a page never shows a message the server did not set.
const cookie = () =>
  createCookie('wharf_toast', {
    path: '/',
    sameSite: 'lax',
    httpOnly: true,
    maxAge: 60,
    secrets: cookieSecrets(),
  });

export async function redirectWithToast(url: string, message: MessageKey, init: ResponseInit = {}) {
  const headers = new Headers(init.headers);
  headers.append('Set-Cookie', await cookie().serialize(message));
  return redirect(url, { ...init, headers });
}

/** Reads the pending message and the header that clears it. */
export async function takeToast(request: Request): Promise<{ toast: string | null; headers: HeadersInit }> {
  const value = await cookie().parse(request.headers.get('Cookie'));
  if (typeof value !== 'string') return { toast: null, headers: {} };
  return { toast: value, headers: { 'Set-Cookie': await cookie().serialize('', { maxAge: 0 }) } };
}
