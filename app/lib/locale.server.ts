// The request's language: the user's setting, then the language cookie, then Accept-Language, then Chinese.
import { createCookie } from '@remix-run/node';
import { DEFAULT_LOCALE, type Locale, isLocale, localeFromAcceptLanguage } from './i18n';
import { getViewer } from './auth.server';

export const localeCookie = createCookie('wharf_lng', {
  path: '/',
  sameSite: 'lax',
  maxAge: 365 * 24 * 3600,
});

export async function resolveLocale(request: Request): Promise<Locale> {
  const viewer = await getViewer(request);
  if (viewer?.user.locale) return viewer.user.locale;
  const cookie = await localeCookie.parse(request.headers.get('Cookie'));
  if (isLocale(cookie)) return cookie;
  return localeFromAcceptLanguage(request.headers.get('Accept-Language')) ?? DEFAULT_LOCALE;
}
