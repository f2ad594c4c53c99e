// The document: language, the shell around every page, the error page.
import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import type { ClientLoaderFunctionArgs } from '@remix-run/react';
import { json } from '@remix-run/node';
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react';
import type { ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { Shell, type ShellViewer } from './components/shell';
import { Notice } from './components/ui';
import { db } from './lib/db.server';
import { getViewer } from './lib/auth.server';
import {
  DEFAULT_LOCALE,
  type Locale,
  LocaleContext,
  hasLocaleResources,
  i18n,
  loadLocaleResources,
  storedKey,
  translator,
} from './lib/i18n';
import { localeResourcesHref } from './lib/i18n/resources.server';
import { resolveLocale } from './lib/locale.server';
import { useNonce } from './lib/nonce';
import { takeToast } from './lib/toast.server';
import { unreadCount } from './notify/inbox.server';
import styles from './tailwind.css';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const [viewer, locale, { toast, headers }] = await Promise.all([
    getViewer(request),
    resolveLocale(request),
    takeToast(request),
  ]);
  const shellViewer: ShellViewer | null = viewer
    ? {
        name: viewer.user.name,
        isOperator: viewer.isOperator,
        activeOrg: viewer.activeOrg
          ? {
              id: viewer.activeOrg.orgId,
              name: viewer.activeOrg.orgName,
              kind: viewer.activeOrg.kind,
              role: viewer.activeOrg.role,
            }
          : null,
        orgs: viewer.memberships.map((m) => ({ id: m.orgId, name: m.orgName })),
        unread: await unreadCount(db, viewer.user.id),
      }
    : null;
  return json({ locale, localeHref: localeResourcesHref(locale), viewer: shellViewer, toast }, { headers });
}

/**
 * In the browser, the first page's strings are loaded before hydration (app/entry.client.tsx); when a later
 * navigation changes the language (POST /language, the settings page), the new locale's strings are loaded
 * here before the page renders in it.
 */
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  const data = await serverLoader<typeof loader>();
  if (!hasLocaleResources(data.locale)) await loadLocaleResources(data.locale, data.localeHref);
  return data;
}

function Document({
  locale,
  localeHref,
  children,
}: {
  locale: Locale;
  localeHref: string;
  children: ReactNode;
}) {
  const nonce = useNonce();
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
        {/* This page's strings, one locale only: entry.client.tsx loads them before hydrating (ADR 0021). */}
        <link
          rel="preload"
          as="fetch"
          href={localeHref}
          crossOrigin="anonymous"
          data-locale-resources={locale}
        />
      </head>
      <body>
        <I18nextProvider i18n={i18n}>
          <LocaleContext.Provider value={locale}>{children}</LocaleContext.Provider>
        </I18nextProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { locale, localeHref, viewer, toast } = useLoaderData<typeof loader>();
  const t = translator(locale);
  return (
    <Document locale={locale} localeHref={localeHref}>
      <Shell viewer={viewer} locale={locale}>
        {toast ? <Notice>{t(storedKey(toast))}</Notice> : null}
        <Outlet />
      </Shell>
    </Document>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>('root');
  const locale = data?.locale ?? DEFAULT_LOCALE;
  // Without the root's data (its loader failed) the unversioned file of the default language serves.
  const localeHref = data?.localeHref ?? `/locales/${locale}.json`;
  const t = translator(locale);
  const status = isRouteErrorResponse(error) ? error.status : 500;
  // A 403 may say why (a sanctioned org: app/lib/auth.server.ts) with a message key and its params.
  const said = isRouteErrorResponse(error)
    ? (error.data as { messageKey?: unknown; params?: unknown })
    : null;
  const message =
    typeof said?.messageKey === 'string'
      ? t(storedKey(said.messageKey), (said.params ?? {}) as Record<string, string>)
      : status === 404
        ? t('errors.notFound')
        : status === 403
          ? t('errors.forbidden')
          : t('errors.server');
  return (
    <Document locale={locale} localeHref={localeHref}>
      <main className="mx-auto max-w-xl px-4 py-16 text-center">
        <p className="text-5xl font-bold text-sea-700">{status}</p>
        <h1 className="mt-4 text-xl font-semibold">{t('errors.title')}</h1>
        <p className="mt-2 text-slate-600">{message}</p>
        <a href="/" className="mt-6 inline-block rounded-md bg-sea-700 px-4 py-2 text-white">
          {t('errors.goHome')}
        </a>
      </main>
    </Document>
  );
}
