// The page frame: header with the market's name, role-aware navigation, org switcher, inbox bell, language.
import { Form, Link, NavLink, useLocation } from '@remix-run/react';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { type Locale, LOCALES, useT } from '~/lib/i18n';
import type { MessageKey } from '~/lib/i18n';

export type ShellViewer = {
  name: string;
  isOperator: boolean;
  activeOrg: { id: string; name: string; kind: string; role: string } | null;
  orgs: { id: string; name: string }[];
  unread: number;
};

type NavItem = { to: string; label: MessageKey; show: (v: ShellViewer | null) => boolean };

const kindIn = (v: ShellViewer | null, kinds: string[]) =>
  Boolean(v?.activeOrg && kinds.includes(v.activeOrg.kind));

export const NAV: NavItem[] = [
  { to: '/market', label: 'nav.market', show: () => true },
  { to: '/prices', label: 'nav.prices', show: () => true },
  { to: '/sell', label: 'nav.sell', show: (v) => kindIn(v, ['seller', 'both']) },
  { to: '/buy', label: 'nav.buy', show: (v) => kindIn(v, ['buyer', 'both']) },
  { to: '/auctions', label: 'nav.auctions', show: () => true },
  { to: '/fairs', label: 'nav.fairs', show: () => true },
  { to: '/exchange', label: 'nav.exchange', show: () => true },
  { to: '/demands', label: 'nav.demands', show: (v) => kindIn(v, ['seller', 'buyer', 'both']) },
  { to: '/plans', label: 'nav.plans', show: () => true },
  { to: '/orders', label: 'nav.orders', show: (v) => kindIn(v, ['seller', 'buyer', 'both']) },
  { to: '/balance', label: 'nav.balance', show: (v) => kindIn(v, ['seller', 'buyer', 'both']) },
  {
    to: '/logistics',
    label: 'nav.logistics',
    show: (v) => kindIn(v, ['carrier', 'seller', 'buyer', 'both']),
  },
  { to: '/operator', label: 'nav.operator', show: (v) => Boolean(v?.isOperator) },
];

function useLiveUnread(initial: number, enabled: boolean): number {
  const [unread, setUnread] = useState(initial);
  useEffect(() => setUnread(initial), [initial]);
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource('/events');
    source.addEventListener('inbox', (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as { unread?: number };
      if (typeof data.unread === 'number') setUnread(data.unread);
    });
    return () => source.close();
  }, [enabled]);
  return unread;
}

export function Shell({
  viewer,
  locale,
  children,
}: {
  viewer: ShellViewer | null;
  locale: Locale;
  children: ReactNode;
}) {
  const t = useT();
  const location = useLocation();
  const unread = useLiveUnread(viewer?.unread ?? 0, Boolean(viewer));
  useEffect(() => {
    // Marks the page interactive (React has hydrated), for people's scripts and for the browser tests.
    document.documentElement.dataset.hydrated = 'true';
  }, []);
  const items = NAV.filter((item) => item.show(viewer));
  const here = `${location.pathname}${location.search}`;

  const navLinks = (className: string) =>
    items.map((item) => (
      <NavLink
        key={item.to}
        to={item.to}
        className={({ isActive }) =>
          `${className} ${isActive ? 'bg-sea-800 text-white' : 'text-sea-50 hover:bg-sea-800/60'}`
        }
      >
        {t(item.label)}
      </NavLink>
    ));

  return (
    <div className="flex min-h-screen flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:bg-white focus:p-2"
      >
        {t('nav.skip')}
      </a>
      <header className="bg-sea-700 text-white shadow print:hidden">
        <div className="mx-auto flex max-w-6xl items-center gap-3 px-3 py-2 sm:px-4">
          <Link to={viewer ? '/dashboard' : '/'} className="flex shrink-0 items-baseline gap-2">
            <span className="text-xl font-bold tracking-wide">{t('app.name')}</span>
            {/* Signed in, the navigation needs the room (English labels are long). */}
            <span className={`hidden text-xs text-sea-100 ${viewer ? '' : 'lg:inline'}`}>
              {t('app.tagline')}
            </span>
          </Link>
          <nav
            aria-label={t('nav.menu')}
            className="hidden min-w-0 flex-1 items-center gap-1 overflow-x-auto md:flex"
          >
            {navLinks('shrink-0 whitespace-nowrap rounded px-3 py-1.5 text-sm font-medium')}
          </nav>
          <div className="ml-auto flex shrink-0 items-center gap-2">
            {viewer ? (
              <Link
                to="/inbox"
                aria-label={t('inbox.bell', { count: unread })}
                className="relative rounded p-1.5 hover:bg-sea-800"
                data-testid="inbox-bell"
              >
                <svg
                  viewBox="0 0 24 24"
                  className="size-6"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="2"
                  aria-hidden
                >
                  <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 0 1-3.4 0" />
                </svg>
                {unread > 0 ? (
                  <span
                    data-testid="unread-count"
                    className="absolute -right-1 -top-1 min-w-5 rounded-full bg-red-600 px-1 text-center text-xs font-bold leading-5 text-white"
                  >
                    {unread > 99 ? '99+' : unread}
                  </span>
                ) : null}
              </Link>
            ) : null}
            <LanguageSwitch locale={locale} redirectTo={here} />
            {viewer ? (
              <details className="relative">
                <summary
                  className="cursor-pointer list-none whitespace-nowrap rounded px-2 py-1.5 text-sm hover:bg-sea-800"
                  data-testid="account-menu"
                >
                  <span className="inline-block max-w-32 truncate align-bottom">
                    {viewer.activeOrg?.name ?? viewer.name}
                  </span>{' '}
                  ▾
                </summary>
                <div className="absolute right-0 z-40 mt-2 w-72 rounded-md bg-white p-3 text-slate-800 shadow-lg ring-1 ring-black/10">
                  <p className="truncate text-sm font-semibold">{viewer.name}</p>
                  {viewer.orgs.length > 1 ? (
                    <Form method="post" action="/org/switch" className="mt-3 flex gap-2">
                      <input type="hidden" name="redirectTo" value={here} />
                      <label className="sr-only" htmlFor="org-switch">
                        {t('nav.switchOrg')}
                      </label>
                      <select
                        id="org-switch"
                        name="orgId"
                        defaultValue={viewer.activeOrg?.id}
                        className="min-w-0 flex-1 rounded border border-slate-300 px-2 py-1 text-sm"
                      >
                        {viewer.orgs.map((org) => (
                          <option key={org.id} value={org.id}>
                            {org.name}
                          </option>
                        ))}
                      </select>
                      <button type="submit" className="rounded bg-sea-700 px-2 py-1 text-sm text-white">
                        {t('nav.switchOrg')}
                      </button>
                    </Form>
                  ) : null}
                  <ul className="mt-3 space-y-1 text-sm">
                    <li>
                      <Link className="block rounded px-2 py-1 hover:bg-slate-100" to="/dashboard">
                        {t('nav.dashboard')}
                      </Link>
                    </li>
                    {viewer.activeOrg ? (
                      <li>
                        <Link
                          className="block rounded px-2 py-1 hover:bg-slate-100"
                          to={`/orgs/${viewer.activeOrg.id}/members`}
                        >
                          {t('nav.members')}
                        </Link>
                      </li>
                    ) : null}
                    {kindIn(viewer, ['seller', 'buyer', 'both']) ? (
                      <li>
                        <Link className="block rounded px-2 py-1 hover:bg-slate-100" to="/balance">
                          {t('nav.balance')}
                        </Link>
                      </li>
                    ) : null}
                    <li>
                      <Link className="block rounded px-2 py-1 hover:bg-slate-100" to="/inbox">
                        {t('nav.inbox')}
                      </Link>
                    </li>
                    <li>
                      <Link className="block rounded px-2 py-1 hover:bg-slate-100" to="/invitations">
                        {t('invitations.title')}
                      </Link>
                    </li>
                    <li>
                      <Link className="block rounded px-2 py-1 hover:bg-slate-100" to="/settings">
                        {t('nav.settings')}
                      </Link>
                    </li>
                  </ul>
                  <Form method="post" action="/logout" className="mt-2 border-t border-slate-100 pt-2">
                    <button
                      type="submit"
                      className="w-full rounded px-2 py-1 text-left text-sm text-red-700 hover:bg-red-50"
                    >
                      {t('nav.logout')}
                    </button>
                  </Form>
                </div>
              </details>
            ) : (
              <div className="flex gap-1 text-sm">
                <Link to="/login" className="rounded px-2 py-1.5 hover:bg-sea-800">
                  {t('nav.login')}
                </Link>
                <Link
                  to="/register"
                  className="rounded bg-white px-2 py-1.5 font-semibold text-sea-800 hover:bg-sea-50"
                >
                  {t('nav.register')}
                </Link>
              </div>
            )}
          </div>
        </div>
        <nav aria-label={t('nav.menu')} className="flex gap-1 overflow-x-auto px-2 pb-2 md:hidden">
          {navLinks('shrink-0 whitespace-nowrap rounded px-3 py-1.5 text-sm font-medium')}
        </nav>
      </header>
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-3 py-6 sm:px-4">
        {children}
      </main>
      <footer className="border-t border-slate-200 py-4 text-center text-xs text-slate-500 print:hidden">
        {t('app.name')} · {t('app.tagline')}
      </footer>
    </div>
  );
}

function LanguageSwitch({ locale, redirectTo }: { locale: Locale; redirectTo: string }) {
  const t = useT();
  const other = LOCALES.find((l) => l !== locale) ?? 'en';
  return (
    <Form method="post" action="/language">
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <button
        type="submit"
        name="locale"
        value={other}
        lang={other}
        aria-label={`${t('nav.language')}: ${t(`lang.${other}`)}`}
        className="whitespace-nowrap rounded border border-sea-100/40 px-2 py-1 text-sm hover:bg-sea-800"
        data-testid="language-switch"
      >
        {t(`lang.${other}`)}
      </button>
    </Form>
  );
}
