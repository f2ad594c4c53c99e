// The buyer's desk: the active organisation's demands, the quotes on each, and the lots that fit them.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { DemandStatusBadge, MatchWhy, targetText } from '~/components/demand-card';
import { listingTitle } from '~/components/listing-form';
import { Pager } from '~/components/pager';
import { Card, EmptyState, PageHeader } from '~/components/ui';
import { priceLabel } from '~/demand/format';
import { buyerDesk } from '~/demand/queries.server';
import { requireOrgKind, roleAtLeast } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { formatQuantity } from '~/lib/units';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both']);
  const page = Number.parseInt(new URL(request.url).searchParams.get('page') ?? '1', 10);
  const desk = await buyerDesk(db, viewer.activeOrg.orgId, Number.isSafeInteger(page) && page > 0 ? page : 1);
  return json({ ...desk, canPost: roleAtLeast(viewer.activeOrg.role, 'trader') });
}

export default function BuyDesk() {
  const { demands, page, pages, canPost } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const newDemand = (
    <Link
      to="/demands/new"
      className="inline-flex items-center rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
    >
      + {t('demand.board.post')}
    </Link>
  );
  return (
    <div>
      <PageHeader title={t('demand.desk.title')}>
        <Link
          to="/market"
          className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium"
        >
          {t('demand.desk.market')}
        </Link>
        <Link
          to="/buy/lists"
          className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium"
        >
          {t('repeat.nav.lists')}
        </Link>
        <Link
          to="/buy/standing"
          className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium"
        >
          {t('repeat.nav.standing')}
        </Link>
        {canPost ? newDemand : null}
      </PageHeader>
      <p className="-mt-4 mb-4 text-sm text-slate-600">{t('demand.desk.lead')}</p>
      {demands.length === 0 ? (
        <EmptyState action={canPost ? newDemand : null}>{t('demand.desk.empty')}</EmptyState>
      ) : (
        <ul className="space-y-4" data-testid="buyer-demands">
          {demands.map((demand) => {
            const expired = demand.status === 'open' && new Date(demand.expiresAt) <= new Date();
            return (
              <li key={demand.id}>
                <Card>
                  <div className="flex flex-wrap items-start justify-between gap-2">
                    <div className="min-w-0">
                      <h2 className="font-semibold break-words text-slate-900">
                        <Link to={`/demands/${demand.id}`} className="hover:underline">
                          {demand.title}
                        </Link>
                      </h2>
                      <p className="text-sm text-slate-600">
                        {formatQuantity(demand.quantity, demand.displayUnit, locale)} ·{' '}
                        {targetText(demand, locale, t('demand.card.open'))} ·{' '}
                        {locale === 'en' ? demand.cityEn : demand.cityZh} ·{' '}
                        {t('demand.card.by', { date: demand.deliverBy })}
                      </p>
                    </div>
                    <DemandStatusBadge status={demand.status} expired={expired} />
                  </div>
                  <div className="mt-3 grid gap-4 md:grid-cols-2">
                    <section>
                      <h3 className="mb-1 text-sm font-semibold text-slate-700">
                        {t('demand.desk.quotes', { count: demand.quotes.length })}
                      </h3>
                      {demand.quotes.length === 0 ? (
                        <p className="text-sm text-slate-500">{t('demand.quotes.noneBuyer')}</p>
                      ) : (
                        <ul className="divide-y divide-slate-100 text-sm">
                          {demand.quotes.slice(0, 4).map((quote) => (
                            <li key={quote.quoteId} className="flex flex-wrap justify-between gap-2 py-1.5">
                              <Link
                                to={`/demands/${demand.id}/quotes/${quote.quoteId}`}
                                className="min-w-0 truncate text-sea-700 underline"
                              >
                                {quote.sellerName}
                              </Link>
                              <span className="tabular-nums">
                                {priceLabel(quote.unitPriceFen, quote.priceUnit, locale)} ·{' '}
                                {t(`demand.quoteStatus.${quote.status}`)}
                              </span>
                            </li>
                          ))}
                        </ul>
                      )}
                    </section>
                    <section>
                      <h3 className="mb-1 text-sm font-semibold text-slate-700">{t('demand.fits.title')}</h3>
                      {demand.status !== 'open' ? (
                        <p className="text-sm text-slate-500">{t(`demand.status.${demand.status}`)}</p>
                      ) : demand.fits.length === 0 ? (
                        <p className="text-sm text-slate-500">{t('demand.fits.empty')}</p>
                      ) : (
                        <ul className="space-y-2">
                          {demand.fits.map((fit) => (
                            <li key={fit.listingId}>
                              <Link
                                to={`/market/${fit.listingId}`}
                                className="text-sm font-medium hover:underline"
                              >
                                {listingTitle(fit, locale)}
                              </Link>
                              <span className="ml-2 text-xs text-slate-500">{fit.sellerName}</span>
                              <MatchWhy score={fit.score} parts={fit.parts} distanceKm={fit.distanceKm} />
                            </li>
                          ))}
                        </ul>
                      )}
                    </section>
                  </div>
                </Card>
              </li>
            );
          })}
        </ul>
      )}
      <Pager page={page} pages={pages} hrefFor={(p) => (p > 1 ? `/buy?page=${p}` : '/buy')} />
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'demand.desk.title');
