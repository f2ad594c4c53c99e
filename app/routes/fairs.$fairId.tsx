// A fair's online home (#19.2): the "now on the clock" strip of its live auctions, the programme, the exhibitor
// directory (searched in Chinese or English, filtered by zone and category) and the hall map.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { Pager } from '~/components/pager';
import { HallMap } from '~/components/hall-map';
import { Badge, Card, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import { exhibitorBooth, fairIsOn, onlineOpen } from '~/fairs/fairs.server';
import { fairName, fen, marketMinute } from '~/fairs/format';
import {
  type DirectorySort,
  directory,
  directoryOrder,
  fairAuctions,
  fairById,
  fairView,
  hallBooths,
} from '~/fairs/pages.server';
import { getViewer } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { notFound } from '~/lib/http.server';
import { type KeyIn, useLocale, useT } from '~/lib/i18n';
import { marketToday } from '~/lib/market-time';
import { localeOf, pageTitle } from '~/lib/meta';
import { activeCategories } from '~/listings/listings.server';

const PAGE_SIZE = 20;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const fair = await fairById(db, params.fairId ?? '');
  if (!fair) throw notFound();
  const viewer = await getViewer(request);
  const url = new URL(request.url);
  const filter = {
    q: (url.searchParams.get('q') ?? '').trim().slice(0, 60),
    zone: url.searchParams.get('zone') ?? '',
    category: url.searchParams.get('category') ?? '',
    ...directoryOrder(url.searchParams.get('sort'), url.searchParams.get('dir')),
  };
  const page = Math.max(1, Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1);
  const now = new Date();
  const [booths, exhibitors, auctions, categories] = await Promise.all([
    hallBooths(db, fair.id),
    directory(db, fair.id, filter),
    fairAuctions(db, fair),
    activeCategories(db),
  ]);
  const orgId = viewer?.activeOrg?.orgId ?? null;
  const ownBooth = orgId ? await exhibitorBooth(db, fair.id, orgId) : null;
  const live = auctions.filter((a) => new Date(a.startsAt) <= now && (!a.endsAt || new Date(a.endsAt) > now));
  const programme = auctions.filter((a) => new Date(a.startsAt) > now);
  return json({
    fair: fairView(fair),
    on: fairIsOn(fair, now),
    onlineOpen: onlineOpen(fair, now, marketToday()),
    booths: booths.map(({ number, zone, row, col, exhibitor }) => ({ number, zone, row, col, exhibitor })),
    zones: [...new Set(booths.map((b) => b.zone))].sort(),
    categories: categories.map((c) => ({ id: c.id, nameZh: c.nameZh, nameEn: c.nameEn })),
    exhibitors: exhibitors.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
    total: exhibitors.length,
    page,
    pages: Math.max(1, Math.ceil(exhibitors.length / PAGE_SIZE)),
    filter,
    live,
    programme,
    signedIn: Boolean(viewer),
    mayApply: Boolean(viewer?.activeOrg && ['seller', 'both'].includes(viewer.activeOrg.kind)) && !ownBooth,
    exhibiting: Boolean(ownBooth),
    isOperator: Boolean(viewer?.isOperator),
  });
}

export default function FairHome() {
  const data = useLoaderData<typeof loader>();
  const { fair, filter } = data;
  const t = useT();
  const locale = useLocale();
  const categoryName = (id: string) => {
    const c = data.categories.find((x) => x.id === id);
    return c ? (locale === 'en' ? c.nameEn : c.nameZh) : id;
  };
  const hrefFor = (page: number) => {
    const p = new URLSearchParams({ ...filter, page: String(page) });
    return `?${p.toString()}`;
  };
  // A column's link sorts by it; the current column's flips the direction. Works without JavaScript.
  const sortHeader = (key: DirectorySort, label: string, className: string) => {
    const active = filter.sort === key;
    const dir = active && filter.dir === 'asc' ? 'desc' : 'asc';
    const href = `?${new URLSearchParams({ ...filter, sort: key, dir, page: '1' }).toString()}`;
    return (
      <th
        scope="col"
        className={className}
        aria-sort={active ? (filter.dir === 'asc' ? 'ascending' : 'descending') : undefined}
      >
        <Link to={href} className="text-sea-700 underline" preventScrollReset>
          {label}
          {active ? <span aria-hidden>{filter.dir === 'asc' ? ' ▲' : ' ▼'}</span> : null}
        </Link>
      </th>
    );
  };
  return (
    <div className="space-y-6">
      <PageHeader title={fairName(fair, locale)}>
        {data.exhibiting ? (
          <Link
            to={`/fairs/${fair.id}/exhibit`}
            className="rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white"
          >
            {t('fairs.home.myBooth')}
          </Link>
        ) : null}
        {data.mayApply ? (
          <Link
            to={`/fairs/${fair.id}/apply`}
            className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold"
          >
            {t('fairs.home.apply')}
          </Link>
        ) : null}
        {data.signedIn ? (
          <Link
            to={`/fairs/${fair.id}/visit`}
            className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold"
          >
            {t('fairs.home.myVisit')}
          </Link>
        ) : null}
        {data.isOperator ? (
          <Link
            to={`/operator/fairs/${fair.id}`}
            className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold"
          >
            {t('fairs.home.manage')}
          </Link>
        ) : null}
      </PageHeader>
      <p className="text-sm text-slate-700">
        {fair.startsOn} – {fair.endsOn} · {fair.hall} ·{' '}
        {t('fairs.home.online', { opens: fair.onlineOpens, closes: fair.onlineCloses })}{' '}
        {data.on ? (
          <Badge tone={data.onlineOpen ? 'green' : 'amber'}>
            {t(data.onlineOpen ? 'fairs.home.onlineOpenNow' : 'fairs.home.onlineClosedNow')}
          </Badge>
        ) : null}
      </p>
      {fair.featuredCategoryIds.length > 0 ? (
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <span className="text-slate-600">{t('fairs.home.featured')}</span>
          {fair.featuredCategoryIds.map((id) => (
            <Link
              key={id}
              to={`?category=${id}`}
              className="rounded-full bg-sea-100 px-3 py-0.5 text-sea-800"
            >
              {categoryName(id)}
            </Link>
          ))}
        </p>
      ) : null}

      <section
        aria-labelledby="live-strip"
        className="rounded-lg border border-amber-300 bg-amber-50 p-4"
        data-testid="live-strip"
      >
        <h2 id="live-strip" className="mb-2 font-semibold text-amber-900">
          {t('fairs.home.liveStrip')}
        </h2>
        {data.live.length === 0 ? (
          <p className="text-sm text-amber-900">{t('fairs.home.liveEmpty')}</p>
        ) : (
          <ul className="flex gap-3 overflow-x-auto pb-1">
            {data.live.map((a) => (
              <li key={a.id} className="min-w-56 rounded border border-amber-200 bg-white p-3 text-sm">
                <Link to={`/auctions/${a.id}`} className="font-semibold text-sea-700 underline">
                  {a.title}
                </Link>
                <p className="text-slate-600">
                  {t(`auctions.type.${a.type}` as KeyIn<'auctions.type'>)} · {a.number} {a.exhibitor}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <Card title={t('fairs.home.programme')}>
        {data.programme.length === 0 ? (
          <p className="text-sm text-slate-600">{t('fairs.home.programmeEmpty')}</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {data.programme.map((a) => (
              <li key={a.id} className="flex flex-wrap justify-between gap-2 py-2">
                <span>
                  <span className="font-mono">{marketMinute(a.startsAt)}</span>{' '}
                  <Link to={`/auctions/${a.id}`} className="text-sea-700 underline">
                    {a.title}
                  </Link>
                </span>
                <span className="text-slate-600">
                  {a.number} {a.exhibitor} ·{' '}
                  {t('fairs.home.startsAt', { price: fen(a.startPriceFen, locale, a.currency) })}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={t('fairs.home.directory')}>
        <Form method="get" className="mb-4 grid gap-3 sm:grid-cols-4" role="search">
          <input type="hidden" name="sort" value={filter.sort} />
          <input type="hidden" name="dir" value={filter.dir} />
          <label className="text-sm sm:col-span-2">
            <span className="block text-slate-700">{t('fairs.home.search')}</span>
            <input
              name="q"
              type="search"
              defaultValue={filter.q}
              placeholder={t('fairs.home.searchPlaceholder')}
              className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2"
            />
          </label>
          <label className="text-sm">
            <span className="block text-slate-700">{t('fairs.field.zone')}</span>
            <select
              name="zone"
              defaultValue={filter.zone}
              className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2"
            >
              <option value="">{t('fairs.home.anyZone')}</option>
              {data.zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </label>
          <label className="text-sm">
            <span className="block text-slate-700">{t('fairs.home.category')}</span>
            <select
              name="category"
              defaultValue={filter.category}
              className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2"
            >
              <option value="">{t('fairs.home.anyCategory')}</option>
              {data.categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {locale === 'en' ? c.nameEn : c.nameZh}
                </option>
              ))}
            </select>
          </label>
          <div className="sm:col-span-4">
            <button
              type="submit"
              className="rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white"
            >
              {t('fairs.home.find')}
            </button>
          </div>
        </Form>
        <p className="mb-2 text-sm text-slate-600" aria-live="polite">
          {t('fairs.home.count', { count: data.total })}
        </p>
        {data.exhibitors.length === 0 ? (
          <EmptyState>
            {filter.q || filter.zone || filter.category
              ? t('fairs.home.noMatch')
              : t('fairs.home.noExhibitors')}
          </EmptyState>
        ) : (
          <TableScroll label={t('fairs.home.directory')}>
            <table className="min-w-full text-left text-sm" data-testid="directory">
              <thead>
                <tr className="border-b text-slate-500">
                  {sortHeader('booth', t('fairs.field.boothNumber'), 'py-2 pr-4 whitespace-nowrap')}
                  {sortHeader('exhibitor', t('fairs.field.exhibitor'), 'py-2 pr-4')}
                  <th className="py-2 pr-4 whitespace-nowrap">{t('fairs.field.zone')}</th>
                  <th className="hidden py-2 pr-4 sm:table-cell">{t('fairs.home.category')}</th>
                  {sortHeader('lots', t('fairs.home.lots'), 'py-2 pr-4 text-right whitespace-nowrap')}
                </tr>
              </thead>
              <tbody>
                {data.exhibitors.map((e) => (
                  <tr key={e.orgId} className="border-b border-slate-100">
                    <td className="py-2 pr-4 font-mono">{e.number}</td>
                    <td className="py-2 pr-4">
                      <Link to={`/fairs/${fair.id}/booths/${e.number}`} className="text-sea-700 underline">
                        {e.name}
                      </Link>
                    </td>
                    <td className="py-2 pr-4 whitespace-nowrap">{e.zone}</td>
                    <td className="hidden py-2 pr-4 sm:table-cell">
                      {e.categories.map(categoryName).join('、')}
                    </td>
                    <td className="py-2 pr-4 text-right">{e.lots}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <Pager page={data.page} pages={data.pages} hrefFor={hrefFor} />
      </Card>

      <Card title={t('fairs.map.title')}>
        <HallMap fairId={fair.id} booths={data.booths} />
      </Card>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(
    matches,
    null,
    data ? (localeOf(matches) === 'en' ? data.fair.nameEn : data.fair.nameZh) : undefined,
  );
