// The document: language, the shell around every page, the error page.
import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import type { ClientLoaderFunctionArgs, ShouldRevalidateFunction } from '@remix-run/react';
import { json } from '@remix-run/node';
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react';
import { type ReactNode, useEffect, useState } from 'react';
import { I18nextProvider } from 'react-i18next';
import { Shell, type ShellViewer } from './components/shell';
import { ErrorPage } from './components/error-page';
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

/**
 * A live page refreshing itself (useRevalidator: a bid, a book update, an export finishing) does not re-run the
 * shell's loader. It used to take the one-time toast that an action's redirect had just set, racing the navigation
 * that should show it, and the toast was lost (seen on the exchange page under load). The shell's unread count has
 * a live stream of its own; whatever else changes the shell comes by a form or a navigation, which still re-run it.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({
  currentUrl,
  nextUrl,
  formMethod,
  defaultShouldRevalidate,
}) => (!formMethod && currentUrl.href === nextUrl.href ? false : defaultShouldRevalidate);

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

/**
 * The one-time message of the last redirect (a flash cookie the root loader takes), kept on screen until the next
 * navigation: a revalidation of the same page (a live book's update right after the order it confirms) reads the
 * cookie already cleared and would otherwise take the message away before anyone could read it.
 */
function useStickyToast(toast: string | null): string | null {
  const { key } = useLocation();
  const [kept, setKept] = useState(toast ? { toast, key } : null);
  useEffect(() => {
    if (toast) setKept({ toast, key });
  }, [toast, key]);
  return toast ?? (kept && kept.key === key ? kept.toast : null);
}

export default function App() {
  const { locale, localeHref, viewer, toast: fresh } = useLoaderData<typeof loader>();
  const toast = useStickyToast(fresh);
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

/**
 * Every error page renders inside the shell (ADR 0023): navigation, language switch and the viewer's org
 * come from the root loader's data, which a child route's 404 or 403 leaves intact.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>('root');
  const locale = data?.locale ?? DEFAULT_LOCALE;
  // Without the root's data (its loader failed) the unversioned file of the default language serves.
  const localeHref = data?.localeHref ?? `/locales/${locale}.json`;
  return (
    <Document locale={locale} localeHref={localeHref}>
      <Shell viewer={data?.viewer ?? null} locale={locale}>
        <ErrorPage error={error} />
      </Shell>
    </Document>
  );
}
