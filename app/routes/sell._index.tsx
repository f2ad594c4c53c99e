// The seller's desk: the active organisation's lots by state, sorted and paged, with the day's actions on each.
import { reasonText } from '~/listings/system-reasons';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction, SerializeFrom } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { FormAlert } from '~/components/forms';
import { StatusBadge, listingTitle, localName } from '~/components/listing-form';
import { EmptyState, PageHeader } from '~/components/ui';
import { requireOrgKind, roleAtLeast } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { parseForm, readFormData } from '~/lib/forms.server';
import { type Locale, useLocale, useT, storedKey } from '~/lib/i18n';
import { resolveLocale } from '~/lib/locale.server';
import { formatMoney } from '~/lib/money';
import { redirectWithToast } from '~/lib/toast.server';
import { formatQuantity, unitLabel } from '~/lib/units';
import { CERTIFICATE_REQUIRED } from '~/compliance/certificates.server';
import { ListingError, changeListingStatus } from '~/listings/listings.server';
import { SELL_SORTS, deskQuery, sellerDesk, statusChangeSchema, toastFor } from '~/listings/sell.server';
import { pageTitle } from '~/lib/meta';
import { Pager } from '~/components/pager';
import { DemandsYourLotsFit } from '~/components/demand-card';
import { demandsForSeller } from '~/demand/queries.server';
import { statusReasons } from '~/trust/moderation.server';
import type { ListingStatus } from '~/lib/db.server';
import { marketTimeZone } from '~/lib/market-time';

// Where the reason is what the seller waits on or has to fix; an expiry or a pause already says itself in the row.
const REASON_ON_DESK: ListingStatus[] = ['draft', 'pending_review', 'removed'];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both']);
  const query = deskQuery(new URL(request.url));
  const [desk, matchedDemands, locale] = await Promise.all([
    sellerDesk(db, viewer.activeOrg.orgId, query),
    demandsForSeller(db, viewer.activeOrg.orgId),
    resolveLocale(request),
  ]);
  const reasons = await statusReasons(
    db,
    desk.rows.filter((row) => REASON_ON_DESK.includes(row.status)).map((row) => row.id),
    locale,
  );
  return json({
    ...desk,
    rows: desk.rows.map((row) => ({ ...row, statusReason: reasons.get(row.id) ?? null })),
    matchedDemands,
    tab: query.tab,
    sort: query.sort,
    sorts: SELL_SORTS,
    canAct: roleAtLeast(viewer.activeOrg.role, 'trader'),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both'], 'trader');
  const parsed = parseForm(await readFormData(request), statusChangeSchema);
  if (!parsed.ok) return json({ error: 'errors.invalid', listingId: null }, { status: 400 });
  const { intent, listingId } = parsed.data;
  try {
    const status = await db.transaction((tx) =>
      changeListingStatus(tx, {
        listingId,
        orgId: viewer.activeOrg.orgId,
        actorUserId: viewer.user.id,
        action: intent,
      }),
    );
    // Back to the same tab, sort and page the button was pressed on.
    const url = new URL(request.url);
    url.searchParams.delete('index');
    return redirectWithToast(`/sell${url.search}`, toastFor(status));
  } catch (error) {
    if (!(error instanceof ListingError)) throw error;
    // Another organisation's lot is "not found" (404); a change the lot's state forbids is a 400; a lot its
    // category wants certified before it goes live, a 409.
    const status = error.status === 404 ? 404 : error.messageKey === CERTIFICATE_REQUIRED ? 409 : 400;
    return json({ error: error.messageKey, listingId }, { status });
  }
}

type Row = SerializeFrom<typeof loader>['rows'][number];

function formatDate(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: marketTimeZone() }).format(
    new Date(iso),
  );
}

export default function SellDesk() {
  const { rows, tabs, tab, sort, sorts, page, pages, canAct, matchedDemands } =
    useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const total = tabs.find((entry) => entry.tab === 'all')?.count ?? 0;
  const href = (changes: { status?: string; sort?: string; page?: number }) => {
    const params = new URLSearchParams();
    const status = changes.status ?? tab;
    const order = changes.sort ?? sort;
    if (status !== 'all') params.set('status', status);
    if (order !== 'newest') params.set('sort', order);
    if (changes.page && changes.page > 1) params.set('page', String(changes.page));
    const search = params.toString();
    return search ? `/sell?${search}` : '/sell';
  };

  return (
    <div>
      <PageHeader title={t('sell.title')}>
        <Link
          to="/sell/reports"
          className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm text-sea-800 hover:bg-sea-50"
        >
          {t('tradeReport.sales.title')}
        </Link>
        <Link
          to="/sell/price-lists"
          className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm text-sea-800 hover:bg-sea-50"
        >
          {t('b2b.sell.link')}
        </Link>
        <Link
          to="/sell/terms"
          className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm text-sea-800 hover:bg-sea-50"
        >
          {t('terms.nav.seller')}
        </Link>
        {canAct ? (
          <Link
            to="/sell/new"
            className="inline-flex items-center rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
          >
            + {t('sell.newLot')}
          </Link>
        ) : null}
      </PageHeader>
      {canAct ? null : <p className="mb-4 text-sm text-slate-600">{t('sell.viewerNote')}</p>}
      {total > 0 ? <DemandsYourLotsFit items={matchedDemands} /> : null}
      {failed?.error && !rows.some((row) => row.id === failed.listingId) ? (
        <div className="mb-4">
          <FormAlert error={failed.error} />
        </div>
      ) : null}

      {total === 0 ? (
        <EmptyState
          action={
            canAct ? (
              <Link
                to="/sell/new"
                className="inline-flex items-center rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
              >
                {t('sell.empty.cta')}
              </Link>
            ) : null
          }
        >
          {t('sell.empty.all')}
        </EmptyState>
      ) : (
        <>
          <nav aria-label={t('sell.tabs')} className="-mx-3 mb-3 overflow-x-auto px-3 sm:mx-0 sm:px-0">
            <ul className="flex gap-1 border-b border-slate-200">
              {tabs.map((entry) => {
                const active = entry.tab === tab;
                return (
                  <li key={entry.tab} className="shrink-0">
                    <Link
                      to={href({ status: entry.tab, page: 1 })}
                      aria-current={active ? 'page' : undefined}
                      className={`-mb-px flex items-center gap-1.5 border-b-2 px-3 py-2 text-sm whitespace-nowrap ${
                        active
                          ? 'border-sea-700 font-semibold text-sea-800'
                          : 'border-transparent text-slate-600 hover:text-slate-900'
                      }`}
                    >
                      {entry.tab === 'all' ? t('sell.tab.all') : t(`listing.status.${entry.tab}`)}
                      <span
                        className={`rounded-full px-1.5 text-xs ${active ? 'bg-sea-100 text-sea-800' : 'bg-slate-100 text-slate-600'}`}
                      >
                        {entry.count}
                      </span>
                    </Link>
                  </li>
                );
              })}
            </ul>
          </nav>
          <div className="mb-3 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
            <span className="text-slate-500">{t('sell.sort.label')}</span>
            {sorts.map((option) => (
              <Link
                key={option}
                to={href({ sort: option, page: 1 })}
                aria-current={option === sort ? 'true' : undefined}
                className={option === sort ? 'font-semibold text-sea-800' : 'text-sea-700 underline'}
              >
                {t(`sell.sort.${option}`)}
              </Link>
            ))}
          </div>

          {rows.length === 0 ? (
            <EmptyState>
              {t('sell.empty.tab', { status: t(tab === 'all' ? 'sell.tab.all' : `listing.status.${tab}`) })}
            </EmptyState>
          ) : (
            <div className="rounded-lg border border-slate-200 bg-white shadow-sm">
              <div className="hidden grid-cols-[4rem_minmax(0,2.2fr)_minmax(0,1.3fr)_minmax(0,1fr)_minmax(0,1fr)_minmax(0,1.6fr)] gap-4 border-b border-slate-200 px-4 py-2 text-xs font-medium text-slate-500 lg:grid">
                <span />
                <span>{t('sell.col.lot')}</span>
                <span>{t('sell.col.available')}</span>
                <span>{t('sell.col.price')}</span>
                <span>{t('sell.col.expires')}</span>
                <span className="text-right">{t('sell.col.actions')}</span>
              </div>
              <ul className="divide-y divide-slate-100" data-testid="sell-rows">
                {rows.map((row) => (
                  <ListingRow key={row.id} row={row} canAct={canAct} failed={failed} />
                ))}
              </ul>
            </div>
          )}

          <Pager page={page} pages={pages} hrefFor={(p) => href({ page: p })} />
        </>
      )}
    </div>
  );
}

function ListingRow({
  row,
  canAct,
  failed,
}: {
  row: Row;
  canAct: boolean;
  failed: { error: string; listingId: string | null } | undefined;
}) {
  const t = useT();
  const locale = useLocale();
  const navigation = useNavigation();
  const title = listingTitle(row, locale);
  const unitOpts = { caseNetGrams: row.caseNetGrams ?? undefined };
  const pending = navigation.state !== 'idle' && navigation.formData?.get('listingId') === row.id;
  return (
    <li
      className="grid grid-cols-[4rem_minmax(0,1fr)] gap-x-3 gap-y-2 px-3 py-3 sm:px-4 lg:grid-cols-[4rem_minmax(0,2.2fr)_minmax(0,1.3fr)_minmax(0,1fr)_minmax(0,1fr)_minmax(0,1.6fr)] lg:items-center lg:gap-4"
      data-testid="sell-row"
    >
      {row.thumbUrl ? (
        <img
          src={row.thumbUrl}
          alt=""
          width={64}
          height={48}
          loading="lazy"
          className="row-span-2 h-12 w-16 rounded object-cover lg:row-span-1"
        />
      ) : (
        <span className="row-span-2 flex h-12 w-16 items-center justify-center rounded bg-slate-100 text-xs text-slate-600 lg:row-span-1">
          {t('sell.row.noPhoto')}
        </span>
      )}
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <Link
            to={`/sell/${row.id}/edit`}
            className="line-clamp-2 min-w-0 font-semibold break-words text-slate-900 hover:underline"
          >
            {title}
          </Link>
          <StatusBadge status={row.status} />
        </div>
        <p className="text-sm text-slate-500">
          {localName({ nameZh: row.categoryZh, nameEn: row.categoryEn }, locale)}
        </p>
        {row.statusReason ? (
          <p className="text-sm break-words text-amber-800">
            {t('sell.edit.statusReason', { reason: reasonText(row.statusReason, t) })}
          </p>
        ) : null}
      </div>
      <dl className="col-start-2 grid grid-cols-[auto_minmax(0,1fr)] gap-x-2 text-sm lg:contents">
        <dt className="text-slate-500 lg:sr-only">{t('sell.col.available')}</dt>
        <dd className="tabular-nums">
          <span className="font-medium">
            {formatQuantity(row.quantityAvailable, row.displayUnit, locale, unitOpts)}
          </span>
          <span className="text-slate-500">
            {' '}
            / {formatQuantity(row.quantityTotal, row.displayUnit, locale, unitOpts)}
          </span>
        </dd>
        <dt className="text-slate-500 lg:sr-only">{t('sell.col.price')}</dt>
        <dd className="tabular-nums">
          {row.lowestPriceFen === null
            ? t('sell.row.noPrice')
            : `${formatMoney(row.lowestPriceFen, 'CNY', locale)}/${unitLabel(row.priceUnit, locale)}`}
        </dd>
        <dt className="text-slate-500 lg:sr-only">{t('sell.col.expires')}</dt>
        <dd className={row.expired ? 'text-red-700' : row.expiresSoon ? 'font-medium text-amber-700' : ''}>
          <time dateTime={row.expiresAt}>{formatDate(row.expiresAt, locale)}</time>
          {row.expired || row.expiresSoon ? (
            <span className="block text-xs">
              {t(row.expired ? 'sell.row.expired' : 'sell.row.expiresSoon')}
            </span>
          ) : null}
        </dd>
      </dl>
      <div className="col-span-2 flex flex-wrap gap-2 lg:col-span-1 lg:justify-end">
        {canAct && row.actions.length > 0 ? (
          <Form method="post" className="flex flex-wrap gap-2">
            <input type="hidden" name="listingId" value={row.id} />
            {row.actions.map((action) => {
              const busy = pending && navigation.formData?.get('intent') === action;
              return (
                <button
                  key={action}
                  type="submit"
                  name="intent"
                  value={action}
                  disabled={pending}
                  aria-busy={busy || undefined}
                  className={`rounded-md border px-3 py-1.5 text-sm font-medium disabled:opacity-60 ${
                    action === 'withdraw'
                      ? 'border-red-300 bg-white text-red-700 hover:bg-red-50'
                      : action === 'pause'
                        ? 'border-slate-300 bg-white text-slate-800 hover:bg-slate-50'
                        : 'border-sea-700 bg-sea-700 text-white hover:bg-sea-800'
                  }`}
                >
                  {busy ? t('common.loading') : t(`sell.action.${action}`)}
                </button>
              );
            })}
          </Form>
        ) : null}
        <Link
          to={`/sell/${row.id}/edit`}
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50"
        >
          {canAct && row.status !== 'removed' ? t('sell.action.edit') : t('sell.action.view')}
        </Link>
      </div>
      {failed?.error && failed.listingId === row.id ? (
        <p role="alert" className="col-span-2 text-sm text-red-600 lg:col-span-6">
          {t(storedKey(failed.error))}
        </p>
      ) : null}
    </li>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'sell.title');
