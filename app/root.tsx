// The document: language, the shell around every page, the error page.
import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react';
import type { ReactNode } from 'react';
import { Shell, type ShellViewer } from './components/shell';
import { ErrorPage } from './components/error-page';
import { Notice } from './components/ui';
import { db } from './lib/db.server';
import { getViewer } from './lib/auth.server';
import { DEFAULT_LOCALE, type Locale, LocaleContext, translator } from './lib/i18n';
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
  return json({ locale, viewer: shellViewer, toast }, { headers });
}

function Document({ locale, children }: { locale: Locale; children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <LocaleContext.Provider value={locale}>{children}</LocaleContext.Provider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { locale, viewer, toast } = useLoaderData<typeof loader>();
  const t = translator(locale);
  return (
    <Document locale={locale}>
      <Shell viewer={viewer} locale={locale}>
        {toast ? <Notice>{t(toast)}</Notice> : null}
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
  return (
    <Document locale={locale}>
      <Shell viewer={data?.viewer ?? null} locale={locale}>
        <ErrorPage error={error} />
      </Shell>
    </Document>
  );
}
