// One locale's strings for the browser: /locales/<locale>.<hash>.json caches forever (the hash is of the
// text), /locales/<locale>.json is the unversioned fallback the error page uses. See ADR 0021.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { isLocale } from '~/lib/i18n';
import { localeResourcesBody, localeResourcesHash } from '~/lib/i18n/resources.server';

export async function loader({ params }: LoaderFunctionArgs) {
  const match = /^([\w-]+?)(?:\.([0-9a-f]{12}))?\.json$/.exec(params.file ?? '');
  const locale = match?.[1];
  if (!match || !isLocale(locale)) {
    return new Response('Unknown language file', { status: 404, headers: { 'Content-Type': 'text/plain' } });
  }
  const current = match[2] === localeResourcesHash(locale);
  return new Response(localeResourcesBody(locale), {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      // An old hash (a page from before a deploy) gets today's text, but must not be cached under that name.
      'Cache-Control': current ? 'public, max-age=31536000, immutable' : 'no-cache',
      ETag: `"${localeResourcesHash(locale)}"`,
    },
  });
}
